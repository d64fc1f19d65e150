-- Upcoming events: dated events still to come as of a day (--as-of, default today), with who and where.
select
    event_date,
    date_granularity,
    event_type,
    trigger,
    actor,
    target,
    location,
    date_direction,
    published_date,
    source,
    sentence
from dated_events
where period_end >= coalesce(cast(getvariable('as_of') as date), current_date)
    and (getvariable('entity') is null or getvariable('entity') in (actor, target, location))
order by event_date, event_type, source
