-- The warehouse's core tables. Every input document is a `document` row; distinct articles are
-- `article` rows; entities, mentions, claims and events hang off articles.

create table if not exists raw_document (
    content_hash varchar primary key,      -- sha256 of the raw bytes
    data blob not null,                    -- the raw bytes, gzip-compressed
    size_bytes bigint not null,
    first_seen_at timestamptz not null
);

create table if not exists document (
    document_id varchar primary key,       -- stable hash of source_uri
    source_uri varchar not null,
    content_hash varchar,
    size_bytes bigint,
    status varchar not null check (status in ('article', 'duplicate', 'rejected')),
    reason varchar,
    article_id varchar,
    encoding varchar,
    pipeline_version varchar not null,
    run_id varchar,
    loaded_at timestamptz not null default current_timestamp
);

create table if not exists article (
    article_id varchar primary key,        -- stable: hash of canonical URL, else of the text
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

create table if not exists entity (
    entity_id varchar primary key,
    name varchar not null,
    type varchar not null,
    aliases varchar[]
);

create table if not exists entity_mention (
    article_id varchar not null,
    entity_id varchar not null,
    text varchar not null,
    start_char bigint not null,
    end_char bigint not null,
    sentence_index bigint not null,
    label varchar,
    primary key (article_id, start_char, end_char)
);

create table if not exists claim (
    claim_id varchar primary key,
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

create table if not exists event (
    event_id varchar primary key,
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

create table if not exists pipeline_run (
    run_id varchar primary key,
    started_at timestamptz not null,
    finished_at timestamptz,
    pipeline_version varchar not null,
    inputs varchar[],
    documents bigint,
    articles bigint,
    duplicates bigint,
    rejected bigint,
    unchanged bigint,
    seconds_by_stage json
);
