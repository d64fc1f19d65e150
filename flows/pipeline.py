"""The wirehouse flow: read -> extract -> analyse -> load, one batch of documents per task.

Tasks work on batches (never one task per document): a task run costs milliseconds in Prefect.
Tasks hand each other DataFrames in process, with caching off so nothing is hashed or persisted.
"""

import gzip
import time
import uuid
from collections import Counter
from datetime import UTC, datetime

import polars as pl
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.nlp_model import load_nlp
from flows.settings import PIPELINE_VERSION, Settings
from flows.sources import discover, read_file
from flows.warehouse import (
    drop_orphan_entities,
    merge_entities,
    failed_audits,
    known_articles,
    known_documents,
    load_batch,
    open_warehouse,
)
from transforms.analysis import analysed_tables
from transforms.articles import (
    RAW_SCHEMA,
    article_key,
    classified_documents,
    extracted_pages,
    with_analysis_errors,
)
from transforms.ids import content_hash
from transforms.links import entity_merges, linked_claims, linked_stories


def batches(items: list, size: int) -> list[list]:
    """The items in consecutive groups of at most `size`."""
    return [items[i: i + size] for i in range(0, len(items), size)]


@task(cache_policy=NO_CACHE, retries=0)
def read_documents(paths: list[str], max_bytes: int, max_inflated: int) -> pl.DataFrame:
    """The raw bytes of a batch of files (or why each cannot be read)."""
    rows = []
    for path in paths:
        doc = read_file(path, max_bytes, max_inflated)
        rows.append({"source_uri": doc.source_uri, "data": doc.data, "reason": doc.reason,
                     "header_charset": doc.header_charset})
    return pl.DataFrame(rows, schema=RAW_SCHEMA)


@task(cache_policy=NO_CACHE)
def extract_documents(raw: pl.DataFrame, max_text_chars: int) -> pl.DataFrame:
    """Decoded, extracted pages: article fields or a rejection reason per document."""
    return extracted_pages(raw, now=datetime.now(UTC), max_text_chars=max_text_chars)


@task(cache_policy=NO_CACHE)
def analyse_articles(articles: pl.DataFrame, model_name: str, nlp_batch_size: int) -> dict[str, pl.DataFrame]:
    """Entities, mentions, claims and events of a batch of articles."""
    nlp = load_nlp(model_name)
    return analysed_tables(articles, nlp, batch_size=nlp_batch_size)


@task(cache_policy=NO_CACHE)
def load_tables(con, tables: dict[str, pl.DataFrame]) -> None:
    """One batch into the warehouse in one transaction."""
    load_batch(con, tables)


@task(cache_policy=NO_CACHE)
def link_across_sources(con) -> dict[str, int]:
    """Entities folded across articles, then story ids and claim groups for articles that have
    none yet; earlier ones keep theirs."""
    merge_entities(con, entity_merges(con.execute("select entity_id, name, type, aliases from entity").pl()))
    articles = con.execute(
        "select article_id, source, published_at, text, story_id from article order by article_id"
    ).pl()
    mentions = con.execute("select article_id, entity_id from entity_mention").pl()
    stories = linked_stories(articles, mentions)
    claims = con.execute(
        "select c.claim_id, c.article_id, a.story_id as old_story, c.text, c.claim_group_id "
        "from claim c join article a using (article_id) order by c.claim_id"
    ).pl()
    groups = linked_claims(claims.drop("old_story"), stories)
    con.execute("begin transaction")
    try:
        story_updates = stories.to_arrow()  # noqa: F841
        con.execute("update article set story_id = s.story_id from story_updates s "
                    "where article.article_id = s.article_id and article.story_id is distinct from s.story_id")
        group_updates = groups.to_arrow()  # noqa: F841
        con.execute("update claim set claim_group_id = g.claim_group_id from group_updates g "
                    "where claim.claim_id = g.claim_id and claim.claim_group_id is distinct from g.claim_group_id")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return {"stories": stories["story_id"].n_unique() if stories.height else 0,
            "claim_groups": groups["claim_group_id"].n_unique() if groups.height else 0}


def _raw_rows(raw: pl.DataFrame) -> pl.DataFrame:
    now = datetime.now(UTC)
    rows = {}
    for r in raw.iter_rows(named=True):
        if r["data"] is not None:
            key = content_hash(r["data"])
            rows[key] = {"content_hash": key, "data": gzip.compress(r["data"], 6), "size_bytes": len(r["data"]),
                         "first_seen_at": now}
    schema = {"content_hash": pl.String, "data": pl.Binary, "size_bytes": pl.Int64,
              "first_seen_at": pl.Datetime("us", "UTC")}
    return pl.DataFrame(list(rows.values()), schema=schema)


def _unchanged(raw: pl.DataFrame, known: pl.DataFrame) -> set[str]:
    """Sources whose bytes and pipeline version match what the warehouse already holds."""
    seen = {(r["source_uri"], r["content_hash"]) for r in known.iter_rows(named=True)
            if r["pipeline_version"] == PIPELINE_VERSION}
    return {r["source_uri"] for r in raw.iter_rows(named=True)
            if r["data"] is not None and (r["source_uri"], content_hash(r["data"])) in seen}


@flow(name="wirehouse-pipeline", log_prints=False)
def wirehouse_pipeline(inputs: list[str], db: str = "data/warehouse.duckdb", batch_size: int | None = None,
                       reprocess: bool | None = None) -> dict:
    """Every page under `inputs` into the warehouse at `db`; returns the run summary."""
    overrides = {"db": db}
    if batch_size is not None:
        overrides["batch_size"] = batch_size
    if reprocess is not None:
        overrides["reprocess"] = reprocess
    settings = Settings(**overrides)
    run_id = uuid.uuid4().hex[:16]
    started = datetime.now(UTC)
    seconds: Counter = Counter()
    statuses: Counter = Counter()
    reasons: Counter = Counter()
    unchanged_total = 0
    paths = discover(inputs)
    with open_warehouse(settings.db, lock_timeout=settings.lock_timeout_seconds) as con:
        con.execute("insert into pipeline_run (run_id, started_at, pipeline_version, inputs) values (?, ?, ?, ?)",
                    [run_id, started, PIPELINE_VERSION, [str(i) for i in inputs]])
        for batch in batches(paths, settings.batch_size):
            t0 = time.perf_counter()
            raw = read_documents(batch, settings.max_document_bytes, settings.max_inflated_bytes)
            seconds["read"] += time.perf_counter() - t0
            if not settings.reprocess:
                skip = _unchanged(raw, known_documents(con, raw["source_uri"].to_list()))
                unchanged_total += len(skip)
                raw = raw.filter(~pl.col("source_uri").is_in(list(skip)))
            if raw.height == 0:
                continue
            t0 = time.perf_counter()
            pages = extract_documents(raw, settings.max_text_chars)
            seconds["extract"] += time.perf_counter() - t0
            candidates = pages.filter(pl.col("text").is_not_null())
            ids = [article_key(u, h) for u, h in zip(candidates["url"], candidates["text_hash"], strict=True)]
            known = known_articles(con, ids, candidates["text_hash"].to_list())
            documents, articles = classified_documents(pages, known, PIPELINE_VERSION, run_id)
            t0 = time.perf_counter()
            tables = analyse_articles(articles, settings.spacy_model, settings.nlp_batch_size)
            seconds["analyse"] += time.perf_counter() - t0
            documents = with_analysis_errors(documents, tables.pop("analysis_error"))
            t0 = time.perf_counter()
            load_tables(con, {"raw_document": _raw_rows(raw), "document": documents, "article": articles, **tables})
            seconds["load"] += time.perf_counter() - t0
            statuses.update(documents["status"].to_list())
            reasons.update(r for r in documents.filter(pl.col("status") == "rejected")["reason"].to_list())
        t0 = time.perf_counter()
        drop_orphan_entities(con)
        links = link_across_sources(con)
        seconds["link"] += time.perf_counter() - t0
        counts = {t: con.execute(f"select count(*) from {t}").fetchone()[0]
                  for t in ("document", "article", "entity", "entity_mention", "claim", "event")}
        summary = {
            "run_id": run_id,
            "documents": len(paths),
            "articles": statuses["article"],
            "duplicates": statuses["duplicate"],
            "rejected": statuses["rejected"],
            "unchanged": unchanged_total,
            "rejected_by_reason": dict(reasons.most_common()),
            "seconds_by_stage": {k: round(v, 2) for k, v in seconds.items()},
            "rows": counts,
            "stories": links["stories"],
            "failed_audits": failed_audits(con),
        }
        con.execute(
            "update pipeline_run set finished_at = ?, documents = ?, articles = ?, duplicates = ?, rejected = ?, "
            "unchanged = ?, seconds_by_stage = ? where run_id = ?",
            [datetime.now(UTC), len(paths), statuses["article"], statuses["duplicate"], statuses["rejected"],
             unchanged_total, summary["seconds_by_stage"], run_id],
        )
    return summary


if __name__ == "__main__":
    import sys

    print(wirehouse_pipeline(sys.argv[1:] or ["data/samples"]))
