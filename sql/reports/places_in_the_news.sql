-- Places in the news: countries, cities and regions named in articles, with how often (--since).
with places as (
    select e.entity_id, e.name, e.type
    from entity as e
    where e.type in ('GPE', 'LOC', 'FAC')
),

final as (
    select
        p.name,
        p.type,
        count(distinct m.article_id) as articles,
        count(*) as mentions
    from entity_mention as m
    inner join places as p using (entity_id)
    inner join article as a using (article_id)
    where getvariable('since') is null or a.published_at >= cast(getvariable('since') as timestamptz)
    group by p.name, p.type
)

select * from final
order by articles desc, mentions desc, name
