"""The browsable copy made from a real warehouse (the seed pages): every table, its links, its
search, its words, the reports with their rows, and remade only when the warehouse changed."""

import json
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import date

import duckdb
import pytest

from flows.explore.publish import STATE_TABLE, publish
from flows.explore.server import ensure_copy
from flows.reports import available_reports, report_sql, set_parameters
from tests.conftest import held_by_another_process


@pytest.fixture(scope="module")
def published(seed_warehouse, tmp_path_factory):
    out = tmp_path_factory.mktemp("explore") / "wirehouse.db"
    return publish(str(seed_warehouse), out)


@pytest.fixture()
def lite(published):
    con = sqlite3.connect(f"file:{published.path}?mode=ro", uri=True)
    yield con
    con.close()


def test_every_report_is_a_table_with_the_reports_rows(published, lite, seed_warehouse):
    with duckdb.connect(str(seed_warehouse), read_only=True) as con:
        set_parameters(con, {})
        for name in available_reports():
            expected = con.execute(report_sql(name)).fetchall()
            rows = lite.execute(f'select * from "{name}"').fetchall()
            assert len(rows) == len(expected), name
            # the same first column, in the report's order (a day as ISO text)
            assert [r[0] for r in rows] == [
                v.isoformat() if isinstance(v, date) else v for v, *_ in expected
            ], name


def test_tables_keep_their_rows_and_links(published, lite, seed_warehouse):
    with duckdb.connect(str(seed_warehouse), read_only=True) as con:
        for table in ("article", "entity", "entity_mention", "claim", "event", "document", "pipeline_run"):
            assert (
                lite.execute(f"select count(*) from {table}").fetchone()
                == con.execute(f"select count(*) from {table}").fetchone()
            ), table
        stories = con.execute(
            "select count(distinct story_id) from article where story_id is not null"
        ).fetchone()
    assert lite.execute("select count(*) from story").fetchone() == stories
    links = {
        (table, row[3], row[2])
        for table in ("claim", "event", "entity_mention", "article", "document")
        for row in lite.execute(f"pragma foreign_key_list({table})")
    }
    assert {
        ("claim", "speaker_entity_id", "entity"),
        ("claim", "article_id", "article"),
        ("event", "actor_entity_id", "entity"),
        ("event", "location_entity_id", "entity"),
        ("entity_mention", "entity_id", "entity"),
        ("article", "story_id", "story"),
        ("document", "article_id", "article"),
    } <= links
    # every link lands on a row (the seed warehouse is whole)
    dangling = lite.execute(
        "select count(*) from claim where speaker_entity_id is not null "
        "and speaker_entity_id not in (select entity_id from entity)"
    ).fetchone()
    assert dangling == (0,)


def test_claims_and_articles_are_searchable(lite):
    hits = lite.execute(
        "select speaker, text from claim where rowid in "
        "(select rowid from claim_fts where claim_fts match 'ceasefire')"
    ).fetchall()
    expected = lite.execute("select speaker, text from claim where text like '%ceasefire%'").fetchall()
    assert hits and sorted(hits) == sorted(expected)
    titles = lite.execute(
        "select count(*) from article where rowid in (select rowid from article_fts where article_fts match 'taliban')"
    ).fetchone()
    assert titles == (2,)


def test_values_read_as_sqlite_and_places_are_on_the_map(lite):
    published_at, aliases = lite.execute(
        "select a.published_at, e.aliases from article as a, entity as e where e.aliases != '[]' limit 1"
    ).fetchone()
    assert published_at.endswith("Z") and isinstance(json.loads(aliases), list)
    located = lite.execute(
        "select name, latitude, longitude, kind from places_in_the_news where name = 'Pakistan'"
    ).fetchone()
    assert located[3] == "country" and 20 < located[1] < 40 and 60 < located[2] < 80


def test_every_table_and_column_has_its_words(published, lite):
    metadata = json.loads(published.metadata.read_text(encoding="utf-8"))
    tables = metadata["databases"]["wirehouse"]["tables"]
    shown = [
        name
        for (name,) in lite.execute("select name from sqlite_master where type = 'table'")
        if not name.startswith(("sqlite_", "article_fts", "claim_fts")) and name != STATE_TABLE
    ]
    assert len(shown) == published.tables == 8 + len(available_reports())
    for name in shown:
        columns = [row[1] for row in lite.execute(f'pragma table_info("{name}")')]
        assert tables[name]["title"] and tables[name]["description"], name
        assert set(tables[name]["columns"]) == set(columns), name
    assert tables[STATE_TABLE] == {"hidden": True}


def test_datasette_serves_the_copy_with_its_metadata(published):
    """Datasette's own request path (`--get`), no server: a search, a facet and a report's CSV."""

    def get(path: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "datasette", "-i", str(published.path), "-m", str(published.metadata)]
            + ["--get", path],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    found = json.loads(get("/wirehouse/claim.json?_search=ceasefire&_shape=objects"))
    assert found["rows"] and all("ceasefire" in row["text"].lower() for row in found["rows"])
    assert "speaker" in {facet["name"] for facet in found["facet_results"].values()}
    csv = get("/wirehouse/who_said_what.csv")
    assert csv.splitlines()[0] == "rowid,speaker,statement,is_direct_quote,source,published_at,title"


def test_the_copy_is_remade_only_when_the_warehouse_changed(seed_warehouse, seed_dir, tmp_path):
    from flows.pipeline import wirehouse_pipeline

    db = tmp_path / "w.duckdb"
    shutil.copy(seed_warehouse, db)
    copy = tmp_path / "w.duckdb.explore" / "wirehouse.db"
    assert ensure_copy(str(db), copy).made
    again = ensure_copy(str(db), copy)
    assert not again.made and "current" in again.message
    wirehouse_pipeline([str(seed_dir)], db=str(db))  # a run, even one that changes no row
    assert ensure_copy(str(db), copy).made
    assert ensure_copy(str(db), copy, refresh=True).made


def test_a_busy_warehouse_serves_the_copy_it_has(seed_warehouse, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copy(seed_warehouse, db)
    copy = tmp_path / "copy" / "wirehouse.db"
    ensure_copy(str(db), copy)
    with held_by_another_process(db):
        started = time.monotonic()
        ready = ensure_copy(str(db), copy, lock_timeout=30)
        assert not ready.made and "in use" in ready.message
        assert time.monotonic() - started < 15  # not the whole lock timeout
