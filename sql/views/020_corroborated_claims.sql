-- Statements reported by more than one source: the claim group, how many distinct sources carry
-- it and how many of them are independent (outlets carrying one agency's copy, or reprinting one
-- outlet's article, count once: as that agency or outlet), which, who they say said it, and when
-- it was first seen.
create or replace view corroborated_claims as
with claims as (
    select
        c.claim_group_id,
        c.claim_id,
        c.speaker,
        c.text,
        a.article_id,
        coalesce(a.source, a.url, a.source_uri) as outlet,
        coalesce(a.wire_agency, o.wire_agency, o.source, a.source, a.url, a.source_uri) as origin,
        a.published_at
    from claim as c
    inner join article as a using (article_id)
    left join article as o on a.reprint_of = o.article_id
    where c.claim_group_id is not null
),

final as (
    select
        claim_group_id,
        count(distinct outlet) as sources,
        count(distinct origin) as independent_sources,
        list(distinct outlet order by outlet) as source_names,
        list(distinct speaker order by speaker) as speakers,
        arg_min(text, published_at) as first_text,
        min(published_at) as first_seen_at,
        count(*) as claims
    from claims
    group by claim_group_id
    having count(distinct outlet) > 1
)

select * from final;
