-- Attribution conflicts: one statement, different speakers in different sources.
select * from attribution_conflicts
order by speakers desc, claim_group_id
