"""The browsable copy's shape: SQLite DDL, values, search indexes and Datasette metadata from a
catalog (composed here, and the project's own)."""

import sqlite3

import duckdb
import pytest

from flows.explore.catalog import (
    as_sqlite_value,
    create_table_sql,
    datasette_metadata,
    parse_catalog,
    search_sql,
    sqlite_type,
)
from flows.explore.publish import CATALOG, stale_reason
from flows.reports import available_reports

CATALOG_TEXT = """
[tables.person]
title = "People"
description = "One row per person."
primary_key = "person_id"
label = "name"
search = ["name", "bio"]
facets = ["country", "missing_column"]
array_facets = ["nicknames"]
date_facets = ["born"]
sort_desc = "born"
[tables.person.columns]
person_id = "Id"
name = "Full name"

[tables.quote]
primary_key = "quote_id"
foreign_keys = { person_id = "person", book_id = "book" }
[tables.quote.columns]
quote_id = "Id of the quote"

[reports.quotes_by_person]
facets = ["name"]

[report_columns]
quotes = "How many quotes"
"""


@pytest.fixture()
def catalog():
    return parse_catalog(CATALOG_TEXT)


@pytest.mark.parametrize(
    ("duckdb_type", "expected"),
    [
        ("VARCHAR", "TEXT"),
        ("BIGINT", "INTEGER"),
        ("HUGEINT", "INTEGER"),
        ("BOOLEAN", "INTEGER"),
        ("DOUBLE", "REAL"),
        ("DECIMAL(18,3)", "REAL"),
        ("TIMESTAMP WITH TIME ZONE", "TEXT"),
        ("DATE", "TEXT"),
        ("VARCHAR[]", "TEXT"),
        ("JSON", "TEXT"),
    ],
)
def test_sqlite_types(duckdb_type, expected):
    assert sqlite_type(duckdb_type) == expected


def test_values_are_written_as_sqlite_and_datasette_read_them():
    con = duckdb.connect()
    con.execute("set TimeZone = 'Asia/Karachi'")
    row = con.execute(
        "select "
        + ", ".join(
            [
                as_sqlite_value("t", "TIMESTAMP WITH TIME ZONE"),
                as_sqlite_value("d", "DATE"),
                as_sqlite_value("l", "VARCHAR[]"),
                as_sqlite_value("b", "BOOLEAN"),
                as_sqlite_value("h", "HUGEINT"),
            ]
        )
        + " from (select timestamptz '2025-03-04 10:30:00+05' as t, date '2025-03-04' as d, "
        "['a', 'b \"c\"'] as l, true as b, cast(12 as hugeint) as h)"
    ).fetchone()
    # UTC, whatever the session's zone; a list as JSON; a boolean as 1
    assert row == ("2025-03-04T05:30:00Z", "2025-03-04", '["a","b \\"c\\""]', 1, 12)
    assert sqlite3.connect(":memory:").execute("select date(?)", [row[0]]).fetchone() == ("2025-03-04",)


def test_tables_declare_their_keys_and_links(catalog):
    ddl = create_table_sql(
        catalog.tables["quote"],
        [("quote_id", "VARCHAR"), ("person_id", "VARCHAR"), ("words", "BIGINT")],
        catalog.primary_keys(),
    )
    lite = sqlite3.connect(":memory:")
    lite.execute(
        create_table_sql(catalog.tables["person"], [("person_id", "VARCHAR")], catalog.primary_keys())
    )
    lite.execute(ddl)
    links = lite.execute("pragma foreign_key_list(quote)").fetchall()
    # (id, seq, table, from, to, …): to the person's key; no link for a column the table lacks
    # (book_id) or to a table with no key (book)
    assert [(row[2], row[3], row[4]) for row in links] == [("person", "person_id", "person_id")]
    assert [row[1] for row in lite.execute("pragma table_info(quote)") if row[5]] == ["quote_id"]


def test_search_index_is_found_by_datasette_and_matches_stems(catalog):
    from datasette.utils import detect_fts

    lite = sqlite3.connect(":memory:")
    lite.execute("create table person (person_id text primary key, name text, bio text)")
    lite.execute("insert into person values ('p1', 'Ada Vale', 'She negotiated two ceasefires')")
    for statement in search_sql(catalog.tables["person"]):
        lite.execute(statement)
    assert detect_fts(lite, "person") == "person_fts"
    hits = lite.execute(
        "select name from person where rowid in (select rowid from person_fts where person_fts match 'ceasefire')"
    ).fetchall()
    assert hits == [("Ada Vale",)]
    assert search_sql(catalog.tables["quote"]) == []


def test_metadata_describes_tables_columns_facets_and_reports(catalog):
    metadata = datasette_metadata(
        catalog,
        "wirehouse",
        published={
            "person": ["person_id", "name", "bio", "country", "nicknames", "born"],
            "quotes_by_person": ["name", "quotes"],
        },
        report_titles={"quotes_by_person": "Quotes by person: who is quoted most"},
        hidden=("copy_state",),
    )
    tables = metadata["databases"]["wirehouse"]["tables"]
    person = tables["person"]
    assert person["title"] == "People" and person["label_column"] == "name"
    assert person["facets"] == ["country", {"array": "nicknames"}, {"date": "born"}]
    assert person["fts_table"] == "person_fts" and person["sort_desc"] == "born"
    assert person["columns"] == {"person_id": "Id", "name": "Full name"}
    report = tables["quotes_by_person"]
    assert report["title"] == "Quotes by person"
    assert report["description"].startswith("who is quoted most")
    # a report's column: the glossary's word, else the table column of the same name
    assert report["columns"] == {"name": "Full name", "quotes": "How many quotes"}
    assert tables["copy_state"] == {"hidden": True}


def test_the_project_catalog_names_real_tables_and_reports():
    catalog = parse_catalog(CATALOG.read_text(encoding="utf-8"))
    assert set(catalog.reports) == set(available_reports())
    for spec in catalog.tables.values():
        assert spec.title and spec.description, spec.name
        for column in (*spec.search, *spec.facets, *spec.date_facets, *spec.foreign_keys):
            assert catalog.column_description(spec.name, column), (spec.name, column)
        for target in spec.foreign_keys.values():
            assert target in catalog.primary_keys(), (spec.name, target)


def test_a_copy_is_stale_when_the_warehouse_ran_or_the_format_changed():
    warehouse = {
        "runs": "2",
        "last_run_id": "r2",
        "last_run_finished_at": "2026-01-01T10:00:00",
        "format": "f1",
    }
    current = dict(warehouse, made_at="2026-01-01T10:01:00")
    assert stale_reason(current, warehouse) is None
    assert stale_reason(None, warehouse) == "no copy yet"
    assert "run" in stale_reason(dict(current, last_run_id="r1", runs="1"), warehouse)
    # the last run had not finished when the copy was made
    assert "run" in stale_reason(dict(current, last_run_finished_at=""), warehouse)
    assert "changed" in stale_reason(dict(current, format="f0"), warehouse)
