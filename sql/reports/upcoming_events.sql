-- Upcoming events: dated events still to come as of a day (--as-of, default today), with who and where.
with dated as (
    select
        v.*,
        case v.date_granularity
            when 'week' then v.event_date + interval 6 day
            when 'month' then last_day(v.event_date)
            when 'year' then make_date(year(v.event_date), 12, 31)
            else v.event_date
        end as period_end
    from event as v
    where v.event_date is not null
),

final as (
    select
        d.event_date,
        d.date_granularity,
        d.event_type,
        d.trigger,
        actor.name as actor,
        target.name as target,
        place.name as location,
        d.date_direction,
        a.published_date,
        a.source,
        d.sentence
    from dated as d
    inner join article as a using (article_id)
    left join entity as actor on actor.entity_id = d.actor_entity_id
    left join entity as target on target.entity_id = d.target_entity_id
    left join entity as place on place.entity_id = d.location_entity_id
    where d.period_end >= coalesce(cast(getvariable('as_of') as date), current_date)
        and (getvariable('entity') is null or getvariable('entity') in (actor.name, target.name, place.name))
)

select * from final
order by event_date, event_type, source
