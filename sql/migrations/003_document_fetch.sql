-- What fetching a URL returned, so a later run can ask "has it changed?" (ETag, Last-Modified)
-- and a rebuild knows what was fetched when, without touching the network.
alter table document add column if not exists http_status integer;
alter table document add column if not exists fetched_at timestamptz;
alter table document add column if not exists etag varchar;
alter table document add column if not exists last_modified varchar;
alter table document add column if not exists final_url varchar;
