-- Top entities: the people, organisations and places named in the most articles (--entity, --since).
with mentions as (
    select m.entity_id, m.article_id
    from entity_mention as m
    inner join article as a using (article_id)
    where getvariable('since') is null or a.published_at >= cast(getvariable('since') as timestamptz)
),

final as (
    select
        e.name,
        e.type,
        count(distinct m.article_id) as articles,
        count(*) as mentions
    from mentions as m
    inner join entity as e using (entity_id)
    where getvariable('entity') is null or e.name ilike getvariable('entity')
    group by e.name, e.type
)

select * from final
order by articles desc, mentions desc, name
limit 200
