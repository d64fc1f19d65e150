"""Migrations, loading and the writer lock, on real DuckDB files."""

import subprocess
import sys
import textwrap

import duckdb
import polars as pl
import pytest

from flows.warehouse import (
    WarehouseError,
    load_batch,
    migrate,
    migrations,
    open_warehouse,
    release_freed_memory,
)
from transforms.schemas import ARTICLE, DOCUMENT


def test_migrations_are_numbered_in_order():
    numbers = [n for n, _ in migrations()]
    assert numbers == sorted(numbers) and numbers[0] == 1 and len(set(numbers)) == len(numbers)


def test_fresh_warehouse_gets_every_table_and_a_schema_version(tmp_path):
    db = tmp_path / "w.duckdb"
    with open_warehouse(str(db)) as con:
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        version = con.execute("select max(version) from schema_version").fetchone()[0]
    assert {
        "document",
        "article",
        "entity",
        "entity_mention",
        "claim",
        "event",
        "raw_document",
        "pipeline_run",
        "schema_version",
    } <= tables
    assert version == migrations()[-1][0]


def test_migrating_twice_changes_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    with open_warehouse(str(db)) as con:
        before = con.execute("select * from schema_version").fetchall()
        migrate(con)
        assert con.execute("select * from schema_version").fetchall() == before


def test_older_schema_is_migrated_in_place(tmp_path):
    """A warehouse at version 1 gains the later migrations when opened, keeping its rows."""
    db = tmp_path / "w.duckdb"
    first = tmp_path / "first"
    first.mkdir()
    (first / "001_core_tables.sql").write_text(migrations()[0][1].read_text())
    con = duckdb.connect(str(db))
    migrate(con, first)
    con.execute("insert into pipeline_run (run_id, started_at, pipeline_version) values ('r1', now(), 'old')")
    con.close()
    with open_warehouse(str(db)) as con:
        assert con.execute("select max(version) from schema_version").fetchone()[0] == migrations()[-1][0]
        assert con.execute("select run_id from pipeline_run").fetchall() == [("r1",)]


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "w.duckdb"
    with open_warehouse(str(db)) as con:
        con.execute("insert into schema_version values (999, now())")
    with pytest.raises(WarehouseError, match="newer than this wirehouse knows"):
        with open_warehouse(str(db)):
            pass


def _article(article_id: str, uri: str) -> dict:
    row = dict.fromkeys(ARTICLE)
    row.update(
        article_id=article_id,
        source_uri=uri,
        text="Some text here.",
        text_hash="h" + article_id,
        word_count=3,
        pipeline_version="t",
    )
    return row


def _document(doc_id: str, uri: str, article_id: str) -> dict:
    row = dict.fromkeys(DOCUMENT)
    row.update(
        document_id=doc_id, source_uri=uri, status="article", article_id=article_id, pipeline_version="t"
    )
    return row


def test_loading_a_batch_twice_leaves_the_same_rows(tmp_path):
    tables = {
        "document": pl.DataFrame([_document("d1", "file:///a", "a1")], schema=DOCUMENT),
        "article": pl.DataFrame([_article("a1", "file:///a")], schema=ARTICLE),
    }
    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        load_batch(con, tables)
        load_batch(con, tables)
        assert con.execute("select count(*) from article").fetchone()[0] == 1
        assert con.execute("select count(*) from document").fetchone()[0] == 1


def test_a_failed_batch_leaves_nothing_half_loaded(tmp_path):
    bad_article = pl.DataFrame([{**_article("a1", "file:///a"), "text": None}], schema=ARTICLE)  # not null
    tables = {
        "document": pl.DataFrame([_document("d1", "file:///a", "a1")], schema=DOCUMENT),
        "article": bad_article,
    }
    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        with pytest.raises(duckdb.Error):
            load_batch(con, tables)
        assert con.execute("select count(*) from document").fetchone()[0] == 0


def test_a_warehouse_held_by_another_process_names_the_holder(tmp_path):
    db = tmp_path / "w.duckdb"
    with open_warehouse(str(db)):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import duckdb, sys, time
            con = duckdb.connect({str(db)!r}, read_only=True)
            print("holding", flush=True)
            time.sleep(30)
        """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        with pytest.raises(WarehouseError, match=rf"in use by another process \(pid {holder.pid}\)"):
            with open_warehouse(str(db), lock_timeout=1):
                pass
    finally:
        holder.kill()
        holder.wait()


def test_audits_find_dangling_rows(tmp_path):
    from flows.warehouse import failed_audits

    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        assert failed_audits(con) == {}
        con.execute("insert into entity_mention values ('no-article', 'no-entity', 'X', 0, 1, 0, 'ORG')")
        con.execute(
            "insert into document (document_id, source_uri, status, pipeline_version) "
            "values ('d', 'file:///x', 'rejected', 't')"
        )
        assert failed_audits(con) == {
            "mentions_point_at_articles_and_entities": 1,
            "documents_account_for_articles": 1,
        }


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="DuckDB's own jemalloc is in its Linux builds"
)
def test_memory_duckdb_freed_goes_back_to_the_operating_system():
    import psutil

    process = psutil.Process()
    con = duckdb.connect()
    # ~200 MiB of strings made and dropped: DuckDB's allocator keeps the pages for reuse
    con.execute("create table scratch as select repeat('x', 5000) || i::varchar as s from range(40000) r(i)")
    con.execute("drop table scratch")
    held = process.memory_info().rss
    assert release_freed_memory()
    assert held - process.memory_info().rss > 100 * 2**20
    con.close()
