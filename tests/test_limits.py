"""The per-page parse time limit."""

from datetime import UTC, datetime

import polars as pl

from flows.runtime.limits import page_time_limit
from tests.conftest import SAMPLES
from transforms.articles import RAW_SCHEMA, extracted_pages


def raw_of(name: str) -> pl.DataFrame:
    row = dict.fromkeys(RAW_SCHEMA)
    row.update(source_uri=name, data=(SAMPLES / name).read_bytes())
    return pl.DataFrame([row], schema=RAW_SCHEMA)


def test_a_page_over_the_time_limit_is_rejected_with_the_limit_named():
    page = extracted_pages(
        raw_of("islamabad-daily-2025-11-09.html"), datetime.now(UTC), time_limit=page_time_limit(0.0001)
    ).row(0, named=True)
    assert page["text"] is None and page["reason"] == "took longer than 0.0001 s to parse"


def test_within_the_limit_nothing_changes():
    page = extracted_pages(
        raw_of("islamabad-daily-2025-11-09.html"), datetime.now(UTC), time_limit=page_time_limit(30)
    ).row(0, named=True)
    assert page["reason"] is None and page["text"].startswith("KEY POINTS")
