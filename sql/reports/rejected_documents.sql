-- Rejected documents: every input that did not become an article, and why.
select source_uri, reason, size_bytes, loaded_at
from document
where status = 'rejected'
order by reason, source_uri
