"""Raw documents to `document` and `article` rows: decode, extract, and tell articles from duplicates."""

import hashlib
import re
from contextlib import nullcontext
from datetime import datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import polars as pl

from transforms.decode import decode_html, looks_binary
from transforms.extract import extract_page
from transforms.ids import content_hash, stable_id
from transforms.schemas import ARTICLE, DOCUMENT, FETCH

RAW_SCHEMA = {
    "source_uri": pl.String,
    "data": pl.Binary,
    "reason": pl.String,
    "header_charset": pl.String,
    **FETCH,
}

PAGE_SCHEMA = {
    "source_uri": pl.String,
    "content_hash": pl.String,
    "size_bytes": pl.Int64,
    "encoding": pl.String,
    "reason": pl.String,
    **{
        k: v
        for k, v in ARTICLE.items()
        if k not in ("source_uri", "article_id", "story_id", "pipeline_version")
    },
}

_TRACKING_PARAM = re.compile(r"^(utm_|fbclid$|gclid$|mc_|ref$|cmpid$)", re.I)


def canonical_url(url: str | None) -> str | None:
    """A URL in the form used to recognise the same article: no fragment, no tracking parameters."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAM.match(k)]
    )
    path = parts.path or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def text_fingerprint(text: str) -> str:
    """A hash of the words alone, so the same text with other spacing or case is the same text."""
    words = re.findall(r"\w+", text.lower())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


class PageTooSlow(Exception):
    """Raised by a caller's time limit: the page took too long to parse and is rejected."""


def _extract_one(
    source_uri: str,
    data: bytes | None,
    reason: str | None,
    header_charset: str | None,
    now: datetime,
    max_text_chars: int,
    time_limit=nullcontext,
) -> dict:
    row = {
        "source_uri": source_uri,
        "content_hash": None,
        "size_bytes": None,
        "encoding": None,
        "reason": reason,
    }
    if data is None:
        return row
    row["content_hash"] = content_hash(data)
    row["size_bytes"] = len(data)
    if not data.strip():
        row["reason"] = "empty file"
        return row
    if looks_binary(data):
        row["reason"] = "not a text document (binary content)"
        return row
    html, encoding = decode_html(data, header_charset)
    row["encoding"] = encoding
    try:
        with time_limit():
            page = extract_page(html, source_uri, now=now)
    except PageTooSlow as exc:
        row["reason"] = str(exc)
        return row
    except (ValueError, RecursionError, MemoryError) as exc:  # lxml's limits on pathological markup
        row["reason"] = f"page could not be parsed ({type(exc).__name__}: {str(exc)[:120]})"
        return row
    if page["text"] is None:
        row["reason"] = page["reason"]
        return row
    text = page["text"][:max_text_chars]
    row.update(page)
    row["text"] = text
    row["text_hash"] = text_fingerprint(text)
    row["word_count"] = len(text.split())
    return row


def extracted_pages(
    raw: pl.DataFrame,
    now: datetime,
    max_text_chars: int = 200_000,
    time_limit=nullcontext,
) -> pl.DataFrame:
    """Each raw document decoded and extracted: article fields, or a `reason` it yielded none.

    `time_limit` is a context manager the caller supplies to bound each page's parsing; it raises
    PageTooSlow to give a page up (the flows module makes one from a timer signal)."""
    rows = [
        _extract_one(
            r["source_uri"],
            r["data"],
            r["reason"],
            r["header_charset"],
            now,
            max_text_chars,
            time_limit,
        )
        for r in raw.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema=PAGE_SCHEMA) if rows else pl.DataFrame(schema=PAGE_SCHEMA)


def article_key(url: str | None, text_hash: str) -> str:
    """The stable article id: from the canonical URL when the page has one, else from its text."""
    canonical = canonical_url(url)
    return stable_id("url", canonical) if canonical else stable_id("text", text_hash)


def classified_documents(
    pages: pl.DataFrame, known_articles: pl.DataFrame, pipeline_version: str, run_id: str
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """`document` rows for every page and `article` rows for the distinct articles among them.

    A page is a duplicate when another source already holds an article with the same canonical
    URL or the same text, in the warehouse (`known_articles`: article_id, text_hash, source_uri)
    or earlier in this batch (pages are taken in source_uri order, so the result is deterministic).
    """
    owner_by_id = {r["article_id"]: r["source_uri"] for r in known_articles.iter_rows(named=True)}
    id_by_hash = {r["text_hash"]: r["article_id"] for r in known_articles.iter_rows(named=True)}
    documents, articles = [], []
    for page in pages.sort("source_uri").iter_rows(named=True):
        doc = {
            "document_id": stable_id("document", page["source_uri"]),
            "source_uri": page["source_uri"],
            "content_hash": page["content_hash"],
            "size_bytes": page["size_bytes"],
            "status": "rejected",
            "reason": page["reason"],
            "article_id": None,
            "analysis_error": None,
            "encoding": page["encoding"],
            "pipeline_version": pipeline_version,
            "run_id": run_id,
            **dict.fromkeys(FETCH),
        }
        if page["text"] is None:
            doc["reason"] = doc["reason"] or "no article text found"
            documents.append(doc)
            continue
        article_id = article_key(page["url"], page["text_hash"])
        same_text = id_by_hash.get(page["text_hash"])
        owner = owner_by_id.get(article_id)
        if owner is not None and owner != page["source_uri"]:
            doc.update(status="duplicate", reason=f"same canonical URL as {owner}", article_id=article_id)
        elif (
            same_text is not None
            and same_text != article_id
            and owner_by_id.get(same_text) != page["source_uri"]
        ):
            doc.update(
                status="duplicate", reason=f"same text as {owner_by_id.get(same_text)}", article_id=same_text
            )
        else:
            doc.update(status="article", reason=None, article_id=article_id)
            owner_by_id[article_id] = page["source_uri"]
            id_by_hash.setdefault(page["text_hash"], article_id)
            articles.append(
                {
                    **{k: page[k] for k in ARTICLE if k in page},
                    "article_id": article_id,
                    "story_id": None,
                    "pipeline_version": pipeline_version,
                }
            )
        documents.append(doc)
    return pl.DataFrame(documents, schema=DOCUMENT), pl.DataFrame(articles, schema=ARTICLE)


def with_analysis_errors(documents: pl.DataFrame, errors: pl.DataFrame) -> pl.DataFrame:
    """Documents whose article could not be analysed keep status `article` (the text is kept)
    and say in `analysis_error` why their entities, claims and events are missing."""
    if errors.height == 0:
        return documents
    return (
        documents.drop("analysis_error")
        .join(errors.rename({"reason": "analysis_error"}), on="article_id", how="left")
        .with_columns(
            pl.when(pl.col("status") == "article").then(pl.col("analysis_error")).alias("analysis_error")
        )
        .select(list(DOCUMENT))
    )


def with_fetch_metadata(documents: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """Documents with what fetching them returned (status, time, ETag, Last-Modified, final URL)."""
    fetched = raw.select("source_uri", *FETCH).unique(subset=["source_uri"], keep="first")
    return documents.drop(*FETCH).join(fetched, on="source_uri", how="left").select(list(DOCUMENT))
