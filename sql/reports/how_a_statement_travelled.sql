-- How a statement travelled: its carriers in the order they published it, the words each changed (--entity, --since).
with groups as (
    select claim_group_id, min(published_at) as first_seen_at, count(distinct outlet) as outlets
    from claim_lineage
    group by claim_group_id
)

select
    l.claim_group_id,
    l.carrier_rank,
    l.outlet,
    l.published_at,
    l.speaker,
    l.is_direct_quote,
    l.is_verbatim,
    l.copied_from,
    l.text,
    l.words_added,
    l.words_dropped,
    g.outlets
from claim_lineage as l
inner join groups as g using (claim_group_id)
where
    (getvariable('entity') is null or l.speaker ilike '%' || getvariable('entity') || '%')
    and (getvariable('since') is null or g.first_seen_at >= cast(getvariable('since') as timestamptz))
order by g.outlets desc, g.first_seen_at, l.claim_group_id, l.carrier_rank, l.claim_id
