-- Corroborated claims: statements carried by more than one source, most sources first.
select * from corroborated_claims
order by sources desc, first_seen_at, claim_group_id
