-- Event timeline: dated events in order, with who, against whom and where (--entity, --since).
select
    v.event_date,
    v.date_granularity,
    v.event_type,
    v.trigger,
    actor.name as actor,
    target.name as target,
    place.name as location,
    a.source,
    v.sentence
from event as v
inner join article as a using (article_id)
left join entity as actor on actor.entity_id = v.actor_entity_id
left join entity as target on target.entity_id = v.target_entity_id
left join entity as place on place.entity_id = v.location_entity_id
where v.event_date is not null
    and (getvariable('since') is null or v.event_date >= cast(getvariable('since') as date))
    and (getvariable('entity') is null or getvariable('entity') in (actor.name, target.name, place.name))
order by v.event_date, v.event_type, a.article_id
