"""The pipeline's Prefect tasks, each on a batch of documents (never one task per document: a
task run costs milliseconds in Prefect). They hand each other DataFrames in process, with
caching off so nothing is hashed or persisted. `extract_documents` and `analyse_articles` run on
the task runner's workers; the others in the flow's process, which holds the warehouse.
"""

import gzip
import json
import time
from collections import Counter
from datetime import UTC, datetime

import polars as pl
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.fetch import Fetcher, fetch_urls
from flows.runtime.limits import page_time_limit
from flows.settings import Settings
from flows.sources import LOCAL_KINDS, DocumentRef, RawDocument, read_local
from flows.warehouse.core import in_transaction
from flows.warehouse.entities import merge_entities
from flows.warehouse.load import load_batch
from flows.warehouse.lookups import articles_to_link, entity_neighbours, keys_frame
from transforms.articles import RAW_SCHEMA, extracted_pages
from transforms.feeds import links_in_xml, xml_kind
from transforms.ids import content_hash
from transforms.schemas import FETCH

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
    from nlp.model import load_nlp
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
    from transforms.lexicons import table
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
    round_ups = tuple(row[0] for row in table("digest_titles"))
    stories = linked_stories(articles, mentions, round_ups)
    claims = con.execute(
        "select c.claim_id, c.article_id, c.text, c.claim_group_id, c.speaker, c.start_char, c.mood "
        "from claim c semi join linking l using (article_id) order by c.claim_id"
    ).pl()
    groups = linked_claims(claims, stories, frozenset(row[0] for row in table("redescription_verbs")))

    def update() -> None:
        # DuckDB reads these by name from the frame that runs the query
        story_updates = stories.to_arrow()  # noqa: F841
        group_updates = groups.to_arrow()  # noqa: F841
        con.execute(
            "update article set story_id = s.story_id, is_digest = s.is_digest, reprint_of = s.reprint_of "
            "from story_updates s where article.article_id = s.article_id and ("
            "article.story_id is distinct from s.story_id or article.is_digest is distinct from s.is_digest "
            "or article.reprint_of is distinct from s.reprint_of)"
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


def raw_rows(raw: pl.DataFrame) -> pl.DataFrame:
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


def conditional_headers(con, refs: list[DocumentRef], version: str) -> dict[str, dict]:
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


def kept_refs(con) -> list[DocumentRef]:
    """Every document whose raw bytes the warehouse keeps, for a rebuild."""
    rows = con.execute(
        "select d.source_uri, d.content_hash from document d join raw_document r using (content_hash) "
        "order by d.source_uri"
    ).fetchall()
    return [DocumentRef("raw", uri, path=digest) for uri, digest in rows]
