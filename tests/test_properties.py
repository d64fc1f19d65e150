"""Property tests: arbitrary text and HTML never raise, and offsets always slice article.text."""

from datetime import UTC, date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import one_article
from transforms.analysis import analysed_tables
from transforms.dates import resolve
from transforms.decode import decode_html
from transforms.extract import extract_page

WORDS = st.sampled_from(
    [
        "Peru",
        "said",
        "the",
        "Front",
        "“",
        "”",
        '"',
        "(ALF)",
        "Andean-Liberation-Front",
        "on",
        "Friday",
        "he",
        "attack",
        "ceasefire",
        "Minister",
        "Rafael",
        "Ortega",
        ",",
        ".",
        "\n\n",
        "according",
        "to",
        "that",
        "ALF/JK",
        "accused",
        "of",
        "’s",
        "—",
        "October",
        "11",
        "last",
        "month",
        "•",
        "KEY",
        "POINTS",
        "Spokesperson",
        "it",
    ]
)
TEXTS = st.lists(WORDS, min_size=1, max_size=60).map(" ".join) | st.text(max_size=300)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_any_text_analyses_and_offsets_slice_the_text(nlp, text):
    tables = analysed_tables(one_article(text, published_date=date(2025, 11, 9)), nlp)
    assert tables["analysis_error"].height == 0, tables["analysis_error"]["reason"].to_list()
    for m in tables["entity_mention"].iter_rows(named=True):
        assert text[m["start_char"] : m["end_char"]] == m["text"]
    for c in tables["claim"].iter_rows(named=True):
        assert 0 <= c["start_char"] <= c["end_char"] <= len(text)
        assert c["speaker"] is None or c["speaker"].lower() not in {"he", "she", "it", "they"}
    for e in tables["event"].iter_rows(named=True):
        assert 0 <= e["start_char"] < e["end_char"] <= len(text)


@settings(max_examples=150, deadline=None)
@given(
    html=st.text(max_size=2000)
    | st.builds(
        lambda a, b: f"<html><body><article><p>{a}</p><p>{b}</p></article></body></html>",
        st.text(max_size=500),
        st.text(max_size=500),
    )
)
def test_any_html_extracts_or_says_why(html):
    page = extract_page(html, "x", now=datetime(2026, 1, 1, tzinfo=UTC))
    assert (page["text"] is None) == (page["reason"] is not None)


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=3000))
def test_any_bytes_decode(raw):
    text, encoding = decode_html(raw)
    assert isinstance(text, str) and encoding


@settings(max_examples=300, deadline=None)
@given(expression=st.text(max_size=40), published=st.none() | st.dates())
def test_any_date_expression_resolves_or_not_without_raising(expression, published):
    got, granularity = resolve(expression, published)
    assert (got is None) == (granularity is None)
