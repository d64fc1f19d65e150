-- Who said what: every attributed statement with its speaker, source and date (--entity, --since).
select
    c.speaker,
    c.text as statement,
    c.is_direct_quote,
    a.source,
    a.published_at,
    a.title
from claim as c
inner join article as a using (article_id)
left join entity as e on e.entity_id = c.speaker_entity_id
where
    (
        getvariable('entity') is null
        or e.name ilike getvariable('entity')
        or c.speaker ilike '%' || getvariable('entity') || '%'
    )
    and (getvariable('since') is null or a.published_at >= cast(getvariable('since') as timestamptz))
order by a.published_at desc nulls last, a.article_id, c.start_char
