-- Dated events with the names of their actor, target and place, the article's source and day,
-- and the last day of the period the date gives: what the event reports read from.
create or replace view dated_events as
select
    v.article_id,
    v.event_date,
    v.date_granularity,
    v.event_type,
    v.trigger,
    actor.name as actor,
    target.name as target,
    place.name as location,
    v.date_direction,
    a.published_date,
    a.source,
    v.sentence,
    case v.date_granularity
        when 'week' then v.event_date + interval 6 day
        when 'month' then last_day(v.event_date)
        when 'year' then make_date(year(v.event_date), 12, 31)
        else v.event_date
    end as period_end
from event as v
inner join article as a using (article_id)
left join entity as actor on actor.entity_id = v.actor_entity_id
left join entity as target on target.entity_id = v.target_entity_id
left join entity as place on place.entity_id = v.location_entity_id
where v.event_date is not null
