-- Articles no document points at, and documents that point at no article though they should.
select 'article without document' as problem, a.article_id as id
from article as a
where a.article_id not in (select article_id from document where status = 'article' and article_id is not null)
union all
select 'document without article' as problem, d.document_id as id
from document as d
where d.status in ('article', 'duplicate') and d.article_id not in (select article_id from article)
union all
select 'rejected without reason' as problem, d.document_id as id
from document as d
where d.status = 'rejected' and (d.reason is null or d.reason = '')
