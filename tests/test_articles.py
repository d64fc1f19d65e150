"""Documents to articles: ids, duplicates against the batch and the warehouse, analysis errors."""

import polars as pl

from transforms.articles import (
    PAGE_SCHEMA,
    article_key,
    canonical_url,
    classified_documents,
    text_fingerprint,
    with_analysis_errors,
)

KNOWN = {"article_id": pl.String, "text_hash": pl.String, "source_uri": pl.String}


def page(uri, url=None, text="Some article text that is long enough to keep."):
    row = dict.fromkeys(PAGE_SCHEMA)
    row.update(
        source_uri=uri,
        url=url,
        text=text,
        text_hash=text_fingerprint(text) if text else None,
        word_count=len(text.split()) if text else None,
        content_hash="c" + uri,
    )
    if text is None:
        row["reason"] = "empty file"
    return row


def test_canonical_urls_drop_tracking_and_fragments():
    assert canonical_url("HTTPS://News.Example/a?utm_source=x&id=3#top") == "https://news.example/a?id=3"
    assert canonical_url("file:///etc/passwd") is None and canonical_url(None) is None


def test_same_words_same_fingerprint():
    assert text_fingerprint("The  Talks\n\nended.") == text_fingerprint("the talks ended")


def test_duplicates_within_a_batch_by_url_and_by_text():
    pages = pl.DataFrame(
        [
            page("file:///a", "https://n.example/x"),
            page("file:///b", "https://n.example/x?utm_medium=rss"),
            page("file:///c", None, "Other text entirely, with enough words in it."),
            page("file:///d", None, "other TEXT entirely with enough words in it"),
            page("file:///e", None, None),
        ],
        schema=PAGE_SCHEMA,
    )
    docs, arts = classified_documents(pages, pl.DataFrame(schema=KNOWN), "v", "run")
    status = dict(zip(docs["source_uri"], docs["status"], strict=True))
    assert status == {
        "file:///a": "article",
        "file:///b": "duplicate",
        "file:///c": "article",
        "file:///d": "duplicate",
        "file:///e": "rejected",
    }
    assert arts.height == 2
    assert docs.filter(pl.col("source_uri") == "file:///e")["reason"][0] == "empty file"


def test_an_article_already_in_the_warehouse_makes_a_duplicate_but_its_own_source_is_reloaded():
    first = page("file:///a", "https://n.example/x")
    known = pl.DataFrame(
        [
            {
                "article_id": article_key(first["url"], first["text_hash"]),
                "text_hash": first["text_hash"],
                "source_uri": "file:///a",
            }
        ],
        schema=KNOWN,
    )
    again = pl.DataFrame([first, page("file:///z", "https://n.example/x")], schema=PAGE_SCHEMA)
    docs, arts = classified_documents(again, known, "v", "run")
    assert dict(zip(docs["source_uri"], docs["status"], strict=True)) == {
        "file:///a": "article",
        "file:///z": "duplicate",
    }
    assert arts["source_uri"].to_list() == ["file:///a"]


def test_analysis_errors_keep_the_article():
    docs, _ = classified_documents(
        pl.DataFrame([page("file:///a")], schema=PAGE_SCHEMA), pl.DataFrame(schema=KNOWN), "v", "r"
    )
    errors = pl.DataFrame(
        [{"article_id": docs["article_id"][0], "reason": "analysis failed (ValueError: x)"}]
    )
    out = with_analysis_errors(docs, errors)
    assert out["status"][0] == "article" and out["analysis_error"][0] == "analysis failed (ValueError: x)"
    assert out.columns == docs.columns
