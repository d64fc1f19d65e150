-- Claims and events whose article is missing, or whose entity references dangle.
select 'claim' as kind, c.claim_id as id
from claim as c
left join article as a using (article_id)
where a.article_id is null
    or (c.speaker_entity_id is not null and c.speaker_entity_id not in (select entity_id from entity))
union all
select 'event' as kind, v.event_id as id
from event as v
left join article as a using (article_id)
where a.article_id is null
    or (v.actor_entity_id is not null and v.actor_entity_id not in (select entity_id from entity))
    or (v.target_entity_id is not null and v.target_entity_id not in (select entity_id from entity))
    or (v.location_entity_id is not null and v.location_entity_id not in (select entity_id from entity))
