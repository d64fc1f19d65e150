-- Entity co-occurrence: pairs of entities named in the same articles, most shared first (--entity).
with pairs as (
    select distinct m.article_id, m.entity_id from entity_mention as m
),

joined as (
    select a.entity_id as left_id, b.entity_id as right_id, count(*) as articles
    from pairs as a
    inner join pairs as b on a.article_id = b.article_id and a.entity_id < b.entity_id
    group by all
)

select l.name as entity, l.type as entity_type, r.name as other, r.type as other_type, j.articles
from joined as j
inner join entity as l on l.entity_id = j.left_id
inner join entity as r on r.entity_id = j.right_id
where getvariable('entity') is null or l.name ilike getvariable('entity') or r.name ilike getvariable('entity')
order by j.articles desc, entity, other
limit 200
