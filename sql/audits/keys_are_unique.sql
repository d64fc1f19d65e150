-- Keys held by more than one row, in the tables that keep no primary key (they grow with every
-- page, and an index there made every checkpoint rewrite their last row group: migration 005).
-- The loads delete before they insert, so rows here mean a bug or a load cut short.
select 'raw_document' as table_name, content_hash as key, count(*) as rows_with_this_key
from raw_document group by content_hash having count(*) > 1
union all
select 'document', document_id, count(*) from document group by document_id having count(*) > 1
union all
select 'article', article_id, count(*) from article group by article_id having count(*) > 1
union all
select 'entity_mention', article_id || ':' || start_char || '-' || end_char, count(*)
from entity_mention group by article_id, start_char, end_char having count(*) > 1
union all
select 'claim', claim_id, count(*) from claim group by claim_id having count(*) > 1
union all
select 'event', event_id, count(*) from event group by event_id having count(*) > 1
