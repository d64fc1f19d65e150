-- Claims by speaker: how many statements each speaker made, in how many articles and sources (--since).
select
    c.speaker,
    count(*) as claims,
    count(distinct c.article_id) as articles,
    count(distinct a.source) as sources,
    min(a.published_at) as first_seen_at,
    max(a.published_at) as last_seen_at
from claim as c
inner join article as a using (article_id)
where c.speaker is not null
    and (getvariable('since') is null or a.published_at >= cast(getvariable('since') as timestamptz))
group by c.speaker
order by claims desc, c.speaker
