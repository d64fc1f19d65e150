"""One explicit schema per warehouse table, shared by the transforms and the loader.

The DuckDB DDL in `sql/migrations/` mirrors these; `tests/test_schemas.py` checks they agree.
"""

import polars as pl

# Where a document's bytes came from: the file or record read, or what fetching its URL returned.
FETCH = {
    "http_status": pl.Int32,
    "fetched_at": pl.Datetime("us", "UTC"),
    "etag": pl.String,
    "last_modified": pl.String,
    "final_url": pl.String,
    "headers": pl.String,  # JSON
}

DOCUMENT = {
    "document_id": pl.String,
    "source_uri": pl.String,
    "content_hash": pl.String,
    "size_bytes": pl.Int64,
    "status": pl.String,  # article | duplicate | rejected
    "reason": pl.String,
    "article_id": pl.String,
    "analysis_error": pl.String,
    "encoding": pl.String,
    "pipeline_version": pl.String,
    "run_id": pl.String,
    **FETCH,
}

ARTICLE = {
    "article_id": pl.String,
    "source_uri": pl.String,
    "url": pl.String,
    "source": pl.String,
    "title": pl.String,
    "author": pl.String,
    "published_at": pl.Datetime("us", "UTC"),
    "published_date": pl.Date,  # the day as the page states it, in the page's own time zone
    "language": pl.String,
    "text": pl.String,
    "text_hash": pl.String,
    "word_count": pl.Int64,
    "story_id": pl.String,
    "wire_agency": pl.String,  # the news agency whose copy the page carries, by its credit
    "pipeline_version": pl.String,
}

ENTITY = {
    "entity_id": pl.String,
    "name": pl.String,
    "type": pl.String,
    "aliases": pl.List(pl.String),
}

ENTITY_MENTION = {
    "article_id": pl.String,
    "entity_id": pl.String,
    "text": pl.String,
    "start_char": pl.Int64,
    "end_char": pl.Int64,
    "sentence_index": pl.Int64,
    "label": pl.String,  # the type the model gave this mention, before resolution
}

CLAIM = {
    "claim_id": pl.String,
    "article_id": pl.String,
    "speaker": pl.String,
    "speaker_entity_id": pl.String,
    "text": pl.String,
    "reporting_verb": pl.String,
    "is_direct_quote": pl.Boolean,
    "start_char": pl.Int64,
    "end_char": pl.Int64,
    "sentence": pl.String,
    "confidence": pl.Float64,
    "mood": pl.String,  # statement | obligation | prohibition (transforms/mood.py)
    "claim_group_id": pl.String,
}

EVENT = {
    "event_id": pl.String,
    "article_id": pl.String,
    "event_type": pl.String,
    "trigger": pl.String,
    "sentence": pl.String,
    "actor_entity_id": pl.String,
    "target_entity_id": pl.String,
    "location_entity_id": pl.String,
    "event_date": pl.Date,
    "date_granularity": pl.String,
    "date_text": pl.String,
    "date_direction": pl.String,
    "start_char": pl.Int64,
    "end_char": pl.Int64,
}


def empty(schema: dict) -> pl.DataFrame:
    """An empty frame with the table's schema."""
    return pl.DataFrame(schema=schema)
