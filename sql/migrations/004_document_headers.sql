-- The response headers of a fetched document, kept with its raw bytes for a later rebuild.
alter table document add column if not exists headers json;
