-- Mentions whose article or entity is missing.
select m.article_id, m.entity_id, m.start_char
from entity_mention as m
left join article as a using (article_id)
left join entity as e using (entity_id)
where a.article_id is null or e.entity_id is null
