-- The same statement attributed to different speakers by different sources.
create or replace view attribution_conflicts as
with claims as (
    select c.claim_group_id, c.speaker, c.text, coalesce(a.source, a.url, a.source_uri) as outlet
    from claim as c
    inner join article as a using (article_id)
    where c.claim_group_id is not null and c.speaker is not null
),

final as (
    select
        claim_group_id,
        count(distinct lower(speaker)) as speakers,
        list(distinct speaker || ' (' || outlet || ')' order by speaker || ' (' || outlet || ')') as attributions,
        any_value(text) as example_text
    from claims
    group by claim_group_id
    having count(distinct lower(speaker)) > 1 and count(distinct outlet) > 1
)

select * from final;
