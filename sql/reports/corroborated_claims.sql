-- Corroborated claims: statements carried by more than one source, most independent sources first.
select * from corroborated_claims
order by independent_sources desc, sources desc, first_seen_at, claim_group_id
