-- Original reporting by outlet: original articles, reprints of others' copy (and whose), digests, stories (--since).
with articles as (
    select
        coalesce(a.source, '(unknown)') as outlet,
        a.article_id,
        a.story_id,
        coalesce(a.is_digest, false) as is_digest,
        a.reprint_of,
        coalesce(o.source, '(unknown)') as reprinted_outlet
    from article as a
    left join article as o on a.reprint_of = o.article_id
    where getvariable('since') is null or a.published_at >= cast(getvariable('since') as timestamptz)
)

select
    outlet,
    count(*) as articles,
    count(*) filter (where reprint_of is null and not is_digest) as original_articles,
    count(*) filter (where reprint_of is not null) as reprints,
    list(distinct reprinted_outlet order by reprinted_outlet) filter (where reprint_of is not null) as reprints_from,
    count(*) filter (where is_digest) as digests,
    count(distinct story_id) filter (where not is_digest) as stories
from articles
group by outlet
order by original_articles desc, articles desc, outlet
