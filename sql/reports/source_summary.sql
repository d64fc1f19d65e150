-- Source summary: per outlet, articles, words, date range and what was extracted from them.
select
    coalesce(a.source, '(unknown)') as source,
    count(*) as articles,
    sum(a.word_count) as words,
    min(a.published_at) as first_published_at,
    max(a.published_at) as last_published_at,
    (
        select count(*) from claim as c
        where c.article_id in (select b.article_id from article as b where b.source is not distinct from a.source)
    ) as claims,
    (
        select count(*) from event as v
        where v.article_id in (select b.article_id from article as b where b.source is not distinct from a.source)
    ) as events
from article as a
group by a.source
order by articles desc, source
