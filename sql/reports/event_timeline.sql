-- Event timeline: dated events in order, with who, against whom and where (--entity, --since).
select
    event_date,
    date_granularity,
    event_type,
    trigger,
    actor,
    target,
    location,
    source,
    sentence
from dated_events
where (getvariable('since') is null or event_date >= cast(getvariable('since') as date))
    and (getvariable('entity') is null or getvariable('entity') in (actor, target, location))
order by event_date, event_type, article_id
