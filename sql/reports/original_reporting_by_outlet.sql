-- Original reporting by outlet: originals, copy of another outlet's or an agency's story, digests, stories (--since).
with articles as (
    select
        coalesce(a.source, '(unknown)') as outlet,
        a.article_id,
        a.story_id,
        a.wire_agency,
        coalesce(a.is_digest, false) as is_digest,
        a.reprint_of is not null or a.wire_agency is not null as is_copy,
        coalesce(o.source, a.wire_agency, '(unknown)') as copied_from
    from article as a
    left join article as o on a.reprint_of = o.article_id
    where getvariable('since') is null or a.published_at >= cast(getvariable('since') as timestamptz)
)

select
    outlet,
    count(*) as articles,
    count(*) filter (where not is_copy and not is_digest) as original_articles,
    count(*) filter (where is_copy) as reprints,
    list(distinct copied_from order by copied_from) filter (where is_copy) as reprints_from,
    count(*) filter (where wire_agency is not null) as wire_copies,
    count(*) filter (where is_digest) as digests,
    count(distinct story_id) filter (where not is_digest) as stories
from articles
group by outlet
order by original_articles desc, articles desc, outlet
