"""The wirehouse flow: read -> extract -> analyse -> load, one batch of documents per task.

Tasks work on batches (never one task per document): a task run costs milliseconds in Prefect.
Tasks hand each other DataFrames in process, with caching off so nothing is hashed or persisted.
"""

import gzip
import json
import threading
import time
import uuid
from collections import Counter, deque
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime

import polars as pl
from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from flows.fetch import Fetcher, fetch_urls
from flows.limits import page_time_limit
from flows.progress import RunProgress
from flows.runners import batches_in_flight, check_runner, resolved_runner, task_runner
from flows.runs import finish_run, held_sources, record_run_start
from flows.settings import Settings
from flows.sources import LOCAL_KINDS, DocumentRef, RawDocument, discover, read_local
from flows.version import settings_version
from flows.warehouse import (
    articles_to_link,
    compaction_deferred,
    drop_orphan_entities,
    entity_neighbours,
    fold_duplicate_entities,
    in_transaction,
    keys_frame,
    known_articles,
    known_documents,
    load_batch,
    merge_entities,
    open_warehouse,
)
from transforms.articles import (
    RAW_SCHEMA,
    article_key,
    classified_documents,
    extracted_pages,
    with_analysis_errors,
    with_fetch_metadata,
)
from transforms.feeds import links_in_xml, xml_kind
from transforms.ids import content_hash
from transforms.schemas import FETCH

# What classification compares a page with: articles the warehouse or this run already holds.
KNOWN = {"article_id": pl.String, "text_hash": pl.String, "source_uri": pl.String}

# A 304 answer: the page has not changed since the warehouse got it.
NOT_MODIFIED = "not modified since the last fetch"


def _raw_row(doc: RawDocument, **fetch) -> dict:
    return {
        "source_uri": doc.source_uri,
        "data": doc.data,
        "reason": doc.reason,
        "header_charset": doc.header_charset,
        **dict.fromkeys(FETCH),
        **fetch,
    }


@task(cache_policy=NO_CACHE, retries=0)
def read_documents(
    refs: list[DocumentRef], settings: Settings, conditional: dict[str, dict], fetcher: Fetcher
) -> tuple[pl.DataFrame, list[str], dict[str, int]]:
    """The raw bytes of a batch of documents (or why each has none), the page URLs that any
    feed or sitemap among them names, and counts (downloads, not modified)."""
    rows, expanded, counts = [], [], Counter()
    for ref in refs:
        if ref.kind in LOCAL_KINDS:
            rows.append(_raw_row(read_local(ref, settings.max_document_bytes, settings.max_inflated_bytes)))
        elif ref.kind == "refused":
            rows.append(_raw_row(RawDocument(ref.uri, None, ref.reason)))
    urls = [ref.uri for ref in refs if ref.kind == "url"]
    if urls:
        for result in fetch_urls(urls, settings.fetch_settings(), conditional, fetcher):
            fetch = {
                "http_status": result.status,
                "fetched_at": result.fetched_at,
                "final_url": result.final_url,
                "etag": result.headers.get("etag"),
                "last_modified": result.headers.get("last-modified"),
                "headers": json.dumps(result.headers, sort_keys=True) if result.headers else None,
            }
            if result.not_modified:
                counts["not_modified"] += 1
                rows.append(_raw_row(RawDocument(result.url, None, NOT_MODIFIED), **fetch))
                continue
            if result.data is None:
                rows.append(_raw_row(RawDocument(result.url, None, result.reason), **fetch))
                continue
            counts["downloaded"] += 1
            kind = xml_kind(result.data)
            if kind is not None:
                links = links_in_xml(result.data, result.final_url or result.url)
                expanded.extend(links)
                rows.append(
                    _raw_row(
                        RawDocument(
                            result.url, None, f"a {kind} ({len(links)} links followed), not an article"
                        ),
                        **fetch,
                    )
                )
                continue
            rows.append(
                _raw_row(RawDocument(result.url, result.data, header_charset=result.charset), **fetch)
            )
    return pl.DataFrame(rows, schema=RAW_SCHEMA), expanded, dict(counts)


def read_kept_documents(con, refs: list[DocumentRef]) -> pl.DataFrame:
    """Raw documents from the warehouse's own store, for a rebuild without the network."""
    wanted = pl.DataFrame({"source_uri": [r.uri for r in refs], "content_hash": [r.path for r in refs]})  # noqa: F841
    kept = con.execute(
        "select w.source_uri, r.data from wanted w join raw_document r using (content_hash)"
    ).fetchall()
    by_uri = {uri: gzip.decompress(data) for uri, data in kept}
    uris = keys_frame([r.uri for r in refs])  # noqa: F841 (read by DuckDB)
    fetched = con.execute(
        "select source_uri, http_status, fetched_at, etag, last_modified, final_url, headers::varchar as headers "
        "from document "
        "where source_uri in (select key from uris)"
    ).pl()
    meta = {r["source_uri"]: r for r in fetched.iter_rows(named=True)}
    rows = []
    for ref in refs:
        extra = {k: v for k, v in meta.get(ref.uri, {}).items() if k in FETCH}
        data = by_uri.get(ref.uri)
        rows.append(
            _raw_row(
                RawDocument(ref.uri, data, None if data else "raw bytes missing from the warehouse"), **extra
            )
        )
    return pl.DataFrame(rows, schema=RAW_SCHEMA)


@task(cache_policy=NO_CACHE)
def extract_documents(
    raw: pl.DataFrame, max_text_chars: int, max_parse_seconds: float
) -> tuple[pl.DataFrame, float]:
    """Decoded, extracted pages (article fields or a rejection reason per document), and the
    seconds it took. Runs on a worker."""
    started = time.perf_counter()
    pages = extracted_pages(
        raw,
        now=datetime.now(UTC),
        max_text_chars=max_text_chars,
        time_limit=page_time_limit(max_parse_seconds),
    )
    return pages, time.perf_counter() - started


@task(cache_policy=NO_CACHE)
def analyse_articles(
    articles: pl.DataFrame, model_name: str, nlp_batch_size: int
) -> tuple[dict[str, pl.DataFrame], float]:
    """Entities, mentions, claims and events of a batch of new articles, and the seconds it
    took. Runs on a worker, where the model is loaded once."""
    # imported here: spaCy loads in the workers that analyse, not in the flow's own process
    from flows.nlp_model import load_nlp
    from transforms.analysis import analysed_tables

    started = time.perf_counter()
    tables = analysed_tables(articles, load_nlp(model_name), batch_size=nlp_batch_size)
    return tables, time.perf_counter() - started


@task(cache_policy=NO_CACHE)
def load_tables(con, tables: dict[str, pl.DataFrame]) -> None:
    """One batch into the warehouse in one transaction."""
    load_batch(con, tables)


@task(cache_policy=NO_CACHE)
def link_across_sources(con) -> dict[str, int]:
    """Entities folded across articles, then story ids and claim groups for articles that have
    none yet; earlier ones keep theirs. Only the new articles' days are read (articles_to_link)."""
    from transforms.links import (  # only when linking
        STORY_WINDOW,
        clipped_name_pairs,
        entity_merges,
        linked_claims,
        linked_stories,
    )

    entities = con.execute("select entity_id, name, type, aliases from entity").pl()
    merge_entities(con, entity_merges(entities, entity_neighbours(con, clipped_name_pairs(entities))))
    articles = articles_to_link(con, STORY_WINDOW.days)
    if articles.height == 0:
        return {"stories": 0, "claim_groups": 0}  # every article has its story, every claim its group
    linking = articles.select("article_id").to_arrow()  # noqa: F841 (read by DuckDB)
    mentions = con.execute(
        "select m.article_id, m.entity_id from entity_mention m semi join linking l using (article_id)"
    ).pl()
    stories = linked_stories(articles, mentions)
    claims = con.execute(
        "select c.claim_id, c.article_id, c.text, c.claim_group_id "
        "from claim c semi join linking l using (article_id) order by c.claim_id"
    ).pl()
    groups = linked_claims(claims, stories)

    def update() -> None:
        # DuckDB reads these by name from the frame that runs the query
        story_updates = stories.to_arrow()  # noqa: F841
        group_updates = groups.to_arrow()  # noqa: F841
        con.execute(
            "update article set story_id = s.story_id from story_updates s "
            "where article.article_id = s.article_id and article.story_id is distinct from s.story_id"
        )
        con.execute(
            "update claim set claim_group_id = g.claim_group_id from group_updates g "
            "where claim.claim_id = g.claim_id and claim.claim_group_id is distinct from g.claim_group_id"
        )

    in_transaction(con, update)
    return {
        "stories": stories["story_id"].n_unique() if stories.height else 0,
        "claim_groups": groups["claim_group_id"].n_unique() if groups.height else 0,
    }


def _raw_rows(raw: pl.DataFrame) -> pl.DataFrame:
    now = datetime.now(UTC)
    rows = {}
    for r in raw.iter_rows(named=True):
        if r["data"] is not None:
            key = content_hash(r["data"])
            rows[key] = {
                "content_hash": key,
                # same bytes, same blob; level 3: about twice as fast as 6, a tenth larger
                "data": gzip.compress(r["data"], 3, mtime=0),
                "size_bytes": len(r["data"]),
                "first_seen_at": now,
            }
    schema = {
        "content_hash": pl.String,
        "data": pl.Binary,
        "size_bytes": pl.Int64,
        "first_seen_at": pl.Datetime("us", "UTC"),
    }
    return pl.DataFrame(list(rows.values()), schema=schema)


def _conditional(con, refs: list[DocumentRef], version: str) -> dict[str, dict]:
    """ETag and Last-Modified of URLs fetched before whose page is still in the warehouse."""
    urls = [r.uri for r in refs if r.kind == "url"]
    if not urls:
        return {}
    wanted = keys_frame(urls)  # noqa: F841 (read by DuckDB)
    rows = con.execute(
        "select source_uri, etag, last_modified from document where source_uri in (select key from wanted) "
        "and status in ('article', 'duplicate') and pipeline_version = ? and (etag is not null or last_modified is not null)",
        [version],
    ).fetchall()
    return {uri: {"etag": etag, "last_modified": modified} for uri, etag, modified in rows}


def _kept_refs(con) -> list[DocumentRef]:
    """Every document whose raw bytes the warehouse keeps, for a rebuild."""
    rows = con.execute(
        "select d.source_uri, d.content_hash from document d join raw_document r using (content_hash) "
        "order by d.source_uri"
    ).fetchall()
    return [DocumentRef("raw", uri, path=digest) for uri, digest in rows]


def _done(future) -> bool:
    """Whether a task runner's future has finished, asked of the wrapped future (concurrent or
    Dask) so that polling never calls the Prefect API."""
    wrapped = getattr(future, "wrapped_future", None)
    return wrapped.done() if wrapped is not None else future.state.is_final()


def _warm_link_step() -> None:
    """The link step's libraries and place names, loaded
    while the workers finish the last batches: the link step runs alone at the end of a run."""
    import transforms.links  # noqa: F401
    from transforms.gazetteer import load_place_names

    load_place_names()


def next_batch_size(remaining: int, batch_size: int, workers: int) -> int:
    """Full batches while much is left; then a shrinking share of what is left per worker, so
    the workers finish together rather than one waiting out another's last full batch."""
    if workers <= 1:  # nobody to wait for
        return max(1, min(remaining, batch_size))
    share = -(-remaining // (2 * workers))  # ceil
    return max(1, min(remaining, batch_size, max(share, min(batch_size, 8))))


@dataclass
class _Batch:
    """A batch on its way through the workers: extracted, then (its new articles) analysed."""

    size: int
    raw: pl.DataFrame
    future: object
    stage: str = "extract"
    documents: pl.DataFrame | None = None
    articles: pl.DataFrame | None = None


@flow(name="wirehouse-pipeline", log_prints=False)
def wirehouse_pipeline(
    inputs: list[str],
    db: str = "data/warehouse.duckdb",
    batch_size: int | None = None,
    reprocess: bool | None = None,
    rebuild: bool = False,
    runner: str | None = None,
) -> dict:
    """Every document the `inputs` name (files, folders, URLs, feeds, sitemaps, URL lists, WARC
    archives) into the warehouse at `db`; returns the run summary. With `rebuild`, the inputs are
    the raw documents the warehouse keeps, re-derived without touching the network.

    This process reads, decides which pages are new articles and loads, in batch order; the
    CPU-bound work of each batch (`extract_documents`, then `analyse_articles` on its new
    articles) runs on the task runner the `runner` setting names (a process pool, threads or
    Dask), a few batches in flight at once so that no worker waits while a batch loads."""
    overrides = {"db": db}
    if batch_size is not None:
        overrides["batch_size"] = batch_size
    if reprocess is not None or rebuild:
        overrides["reprocess"] = bool(reprocess or rebuild)
    if runner is not None:
        overrides["runner"] = check_runner(runner)
    settings = Settings(**overrides)
    version = settings_version(settings)
    run_id = uuid.uuid4().hex[:16]
    started = datetime.now(UTC)
    seconds: Counter = Counter()
    statuses: Counter = Counter()
    reasons: Counter = Counter()
    fetches: Counter = Counter()
    unchanged_total = 0
    outdated_total = 0
    documents_total = 0
    documents_loaded = 0
    with ExitStack() as stack:
        con = stack.enter_context(open_warehouse(settings.db, lock_timeout=settings.lock_timeout_seconds))
        queue = deque(_kept_refs(con) if rebuild else discover(inputs))
        runner_name = resolved_runner(settings.runner, len(queue), settings.batch_size)
        # the workers are let go before the link step, which needs none: a pool holds a spaCy
        # model per worker, and the link step's memory grows with the warehouse
        pool = ExitStack()
        stack.callback(pool.close)
        pool.enter_context(compaction_deferred(con))  # until the batches are in
        workers = pool.enter_context(
            task_runner(runner_name, settings.workers, settings.spacy_model, settings.worker_max_tasks)
        )
        window = batches_in_flight(runner_name, settings.workers)
        parallel = 1 if runner_name == "thread" else settings.workers
        fetcher = Fetcher(settings.fetch_settings())  # robots.txt and host timing shared by every batch
        seen = {ref.uri for ref in queue}
        record_run_start(con, run_id, started, ["rebuild"] if rebuild else [str(i) for i in inputs], version)
        progress = RunProgress(len(queue))
        in_flight: deque[_Batch] = deque()  # oldest first; classified and loaded in this order
        pending = pl.DataFrame(schema=KNOWN)  # articles classified in this run but not loaded yet

        def classify(batch: _Batch) -> None:
            """Which pages are new articles, against the warehouse and the earlier batches of this
            run; then only those go to a worker for analysis."""
            nonlocal pending
            pages, worker_seconds = batch.future.result()
            seconds["extract"] += worker_seconds
            candidates = pages.filter(pl.col("text").is_not_null())
            ids = [article_key(u, h) for u, h in zip(candidates["url"], candidates["text_hash"], strict=True)]
            known = pl.concat([known_articles(con, ids, candidates["text_hash"].to_list()), pending])
            batch.documents, batch.articles = classified_documents(pages, known, version, run_id)
            pending = pl.concat([pending, batch.articles.select(list(KNOWN))])
            batch.future = workers.submit(
                analyse_articles,
                {
                    "articles": batch.articles,
                    "model_name": settings.spacy_model,
                    "nlp_batch_size": settings.nlp_batch_size,
                },
            )
            batch.stage = "analyse"

        def load(batch: _Batch) -> None:
            nonlocal documents_loaded, pending
            tables, worker_seconds = batch.future.result()
            seconds["analyse"] += worker_seconds
            progress.stage("loading")
            t0 = time.perf_counter()
            documents = with_fetch_metadata(batch.documents, batch.raw)
            documents = with_analysis_errors(documents, tables.pop("analysis_error"))
            load_tables(
                con,
                {
                    "raw_document": _raw_rows(batch.raw),
                    "document": documents,
                    "article": batch.articles,
                    **tables,
                },
            )
            pending = pending.filter(~pl.col("article_id").is_in(batch.articles["article_id"].implode()))
            seconds["load"] += time.perf_counter() - t0
            statuses.update(documents["status"].to_list())
            reasons.update(r for r in documents.filter(pl.col("status") == "rejected")["reason"].to_list())
            documents_loaded += batch.size
            progress.done(documents_loaded)

        def advance() -> bool:
            """Classifies the next batch whose pages are extracted, or loads the oldest analysed
            one; False when neither is ready yet."""
            to_classify = next((b for b in in_flight if b.stage == "extract"), None)
            if to_classify is not None and _done(to_classify.future):
                classify(to_classify)
                return True
            oldest = in_flight[0]
            if oldest.stage == "analyse" and _done(oldest.future):
                load(in_flight.popleft())
                return True
            return False

        link_step_warmed = False
        while queue or in_flight:
            if in_flight and (not queue or len(in_flight) >= window):
                if not advance():
                    progress.stage("extracting and analysing")
                    t0 = time.perf_counter()
                    waiting = next((b for b in in_flight if b.stage == "extract"), in_flight[0])
                    waiting.future.wait(timeout=0.05)
                    seconds["waiting for workers"] += time.perf_counter() - t0
                continue
            size = next_batch_size(len(queue), settings.batch_size, parallel)
            batch = [queue.popleft() for _ in range(size)]
            documents_total += len(batch)
            progress.stage("reading")
            t0 = time.perf_counter()
            if rebuild:
                raw = read_kept_documents(con, batch)
            else:
                conditional = {} if settings.reprocess else _conditional(con, batch, version)
                raw, expanded, counts = read_documents(batch, settings, conditional, fetcher)
                fetches.update(counts)
                for url in expanded:  # pages named by a feed or sitemap join the queue, each once
                    if url not in seen:
                        seen.add(url)
                        queue.append(DocumentRef("url", url))
            progress.total(documents_total + len(queue))
            not_modified = raw.filter(pl.col("reason") == NOT_MODIFIED)
            unchanged_total += not_modified.height
            raw = raw.filter(pl.col("reason").is_null() | (pl.col("reason") != NOT_MODIFIED))
            if not settings.reprocess:
                held = held_sources(
                    raw["source_uri"],
                    raw["data"],
                    raw["reason"],
                    known_documents(con, raw["source_uri"].to_list()),
                    version,
                )
                skip = held.unchanged
                unchanged_total += len(skip)
                outdated_total += len(held.outdated)
                raw = raw.filter(~pl.col("source_uri").is_in(list(skip)))
            seconds["read"] += time.perf_counter() - t0
            if raw.height == 0:
                documents_loaded += len(batch)
                progress.done(documents_loaded)
                continue
            future = workers.submit(
                extract_documents,
                {
                    "raw": raw,
                    "max_text_chars": settings.max_text_chars,
                    "max_parse_seconds": settings.max_parse_seconds,
                },
            )
            in_flight.append(_Batch(len(batch), raw, future))
            # the last batch is out: ready the link step (a run that submits nothing never gets here)
            if not queue and not link_step_warmed:
                threading.Thread(target=_warm_link_step, name="warm-link-step", daemon=True).start()
                link_step_warmed = True
        progress.done(documents_total)
        pool.close()
        if statuses:  # a run that loaded nothing changed no story, claim group or entity
            progress.stage("linking across sources")
            t0 = time.perf_counter()
            fold_duplicate_entities(con)
            drop_orphan_entities(con)
            link_across_sources(con)
            seconds["link"] += time.perf_counter() - t0
        progress.close()
        summary = finish_run(
            con,
            run_id,
            documents=documents_total,
            statuses=statuses,
            unchanged=unchanged_total,
            fetches=fetches,
            reasons=reasons,
            seconds=seconds,
            outdated=outdated_total,
        )
    return summary


if __name__ == "__main__":
    import sys

    print(wirehouse_pipeline(sys.argv[1:] or ["data/samples"]))
