-- wirehouse: DuckDB file only (a DuckLake's tables never had keys)
--
-- The tables that grow with every page lose their primary keys; the loads already keep the keys
-- unique (a batch deletes an article's or document's rows before inserting them, and raw bytes
-- are anti-joined on their hash, as for a DuckLake), and sql/audits/keys_are_unique.sql checks
-- them after every run. DuckDB 1.5.5 appends to the last row group of a table with an index
-- instead of starting a new one, so each checkpoint rewrote that whole row group (up to 122,880
-- rows): the raw pages above all, ~150 MiB more memory and ~0.1 s per load at 2,000 pages, and
-- growing with the warehouse (duckdb/duckdb#24848, #21316). `entity` and `pipeline_run` keep
-- theirs: small tables whose loads update rows in place.

create table raw_document_keyless (
    content_hash varchar not null,         -- sha256 of the raw bytes
    data blob not null,                    -- the raw bytes, gzip-compressed
    size_bytes bigint not null,
    first_seen_at timestamptz not null
);
insert into raw_document_keyless by name select * from raw_document;
drop table raw_document;
alter table raw_document_keyless rename to raw_document;

create table document_keyless (
    document_id varchar not null,          -- stable hash of source_uri
    source_uri varchar not null,
    content_hash varchar,
    size_bytes bigint,
    status varchar not null check (status in ('article', 'duplicate', 'rejected')),
    reason varchar,
    article_id varchar,
    encoding varchar,
    pipeline_version varchar not null,
    run_id varchar,
    loaded_at timestamptz not null default current_timestamp,
    analysis_error varchar,
    http_status integer,
    fetched_at timestamptz,
    etag varchar,
    last_modified varchar,
    final_url varchar,
    headers json
);
insert into document_keyless by name select * from document;
drop table document;
alter table document_keyless rename to document;

create table article_keyless (
    article_id varchar not null,           -- stable: hash of canonical URL, else of the text
    source_uri varchar not null,
    url varchar,
    source varchar,
    title varchar,
    author varchar,
    published_at timestamptz,
    published_date date,
    language varchar,
    text varchar not null,
    text_hash varchar not null,
    word_count bigint not null,
    story_id varchar,
    pipeline_version varchar not null
);
insert into article_keyless by name select * from article;
drop table article;
alter table article_keyless rename to article;

create table entity_mention_keyless (
    article_id varchar not null,
    entity_id varchar not null,
    text varchar not null,
    start_char bigint not null,
    end_char bigint not null,
    sentence_index bigint not null,
    label varchar
);
insert into entity_mention_keyless by name select * from entity_mention;
drop table entity_mention;
alter table entity_mention_keyless rename to entity_mention;

create table claim_keyless (
    claim_id varchar not null,
    article_id varchar not null,
    speaker varchar,
    speaker_entity_id varchar,
    text varchar not null,
    reporting_verb varchar,
    is_direct_quote boolean not null,
    start_char bigint not null,
    end_char bigint not null,
    sentence varchar not null,
    confidence double not null,
    claim_group_id varchar
);
insert into claim_keyless by name select * from claim;
drop table claim;
alter table claim_keyless rename to claim;

create table event_keyless (
    event_id varchar not null,
    article_id varchar not null,
    event_type varchar not null,
    trigger varchar not null,
    sentence varchar not null,
    actor_entity_id varchar,
    target_entity_id varchar,
    location_entity_id varchar,
    event_date date,
    date_granularity varchar,
    date_text varchar,
    start_char bigint not null,
    end_char bigint not null
);
insert into event_keyless by name select * from event;
drop table event;
alter table event_keyless rename to event;
