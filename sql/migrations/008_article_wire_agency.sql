-- Wire copy: the news agency whose copy an article carries, by the credit the page gives (its
-- dateline, byline or closing credit), whether or not the agency's own copy is in the warehouse.
alter table article add column if not exists wire_agency varchar;
