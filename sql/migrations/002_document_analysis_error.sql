-- Why an article's entities, claims and events are missing, apart from `reason` (which says why
-- a document is not an article): an article whose analysis failed keeps its text and says so here.
alter table document add column if not exists analysis_error varchar;
