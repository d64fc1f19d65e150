"""Migrations, loading and the writer lock, on real DuckDB files."""

import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime

import duckdb
import polars as pl
import pytest

from flows.warehouse.connect import open_warehouse
from flows.warehouse.entities import fold_duplicate_entities
from flows.warehouse.errors import WarehouseError
from flows.warehouse.load import load_batch
from flows.warehouse.lookups import articles_to_link
from flows.warehouse.memory import release_freed_memory
from flows.warehouse.migrate import migrate, migrations
from tests.conftest import held_by_another_process
from transforms.schemas import ARTICLE, CLAIM, DOCUMENT


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


def migrated_before(tmp_path, version: int) -> duckdb.DuckDBPyConnection:
    """A new warehouse as an older wirehouse left it: the migrations before `version` applied
    (no views: those come with the newest schema); an open connection to it."""
    older = tmp_path / f"before-{version}"
    older.mkdir()
    for number, path in migrations():
        if number < version:
            (older / path.name).write_text(path.read_text())
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    migrate(con, older)
    return con


def test_older_schema_is_migrated_in_place(tmp_path):
    """A warehouse at version 1 gains the later migrations when opened, keeping its rows."""
    db = tmp_path / "w.duckdb"
    con = migrated_before(tmp_path, 2)
    con.execute("insert into pipeline_run (run_id, started_at, pipeline_version) values ('r1', now(), 'old')")
    con.close()
    with open_warehouse(str(db)) as con:
        assert con.execute("select max(version) from schema_version").fetchone()[0] == migrations()[-1][0]
        assert con.execute("select run_id from pipeline_run").fetchall() == [("r1",)]


def test_a_reader_of_an_older_warehouse_brings_it_up_to_date_first(tmp_path):
    """A report after an upgrade: the warehouse an older wirehouse wrote lacks the columns this
    version's views read; opening it to read brings it up to date, then reads."""
    db = tmp_path / "w.duckdb"
    migrated_before(tmp_path, 8).close()
    with open_warehouse(str(db), read_only=True) as con:
        assert con.execute("select count(*), sum(wire_copies) from story_coverage").fetchone() == (0, None)
        assert con.execute("select max(version) from schema_version").fetchone()[0] == migrations()[-1][0]


def test_a_reader_of_a_warehouse_whose_views_differ_reads_this_versions_views_and_writes_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    with open_warehouse(str(db)) as con:
        con.execute("create or replace view story_coverage as select 1 as other_version")
        con.execute("update view_digest set digest = 'another version'")
    with open_warehouse(str(db), read_only=True) as con:
        columns = [d[0] for d in con.execute("select * from story_coverage").description]
        assert "wire_copies" in columns
        assert con.execute("select digest from view_digest").fetchall() == [("another version",)]


def test_the_growing_tables_lose_their_keys_and_keep_their_rows(tmp_path):
    """Migration 005 on a warehouse made with primary keys: the rows stay, the keys go, and a
    duplicate key is then the key audit's to report."""
    from flows.warehouse.audits import failed_audits

    db = tmp_path / "w.duckdb"
    con = migrated_before(tmp_path, 5)
    load_batch(
        con,
        {
            "document": pl.DataFrame([_document("d1", "file:///a", "a1")], schema=DOCUMENT),
            # an article as that warehouse held it, before later migrations added columns
            "article": pl.DataFrame([_article("a1", "file:///a")], schema=ARTICLE).drop("wire_agency"),
        },
    )
    with pytest.raises(duckdb.ConstraintException):
        con.execute("insert into article select * from article")
    con.close()
    with open_warehouse(str(db)) as con:
        assert con.execute("select article_id, text from article").fetchall() == [("a1", "Some text here.")]
        assert con.execute("select document_id, status, loaded_at is not null from document").fetchall() == [
            ("d1", "article", True)
        ]
        con.execute("insert into article select * from article")
        assert failed_audits(con) == {"keys_are_unique": 1}
        with pytest.raises(duckdb.ConstraintException):  # the checks and not-nulls stay
            con.execute(
                "insert into document (document_id, source_uri, status, pipeline_version) values ('d2', 'u', 'lost', 't')"
            )


def test_deferred_compaction_leaves_a_runs_written_row_groups_alone(tmp_path):
    """A checkpoint during a run's loads writes the new rows as a row group of their own, rather
    than rewriting the table's last row group (its pages, here) with them; the first checkpoint
    after the run merges them again."""
    from flows.warehouse.load import compaction_deferred

    def row_groups(con) -> list[int]:
        """Rows in each of the raw pages' row groups, in order."""
        return [
            r[0]
            for r in con.execute(
                "select max(count) from pragma_storage_info('raw_document') where column_id = 0 "
                "group by row_group_id order by row_group_id"
            ).fetchall()
        ]

    def load_pages(con, first: int) -> None:
        raw = pl.DataFrame(
            {
                "content_hash": [f"h{i}" for i in range(first, first + 50)],
                "data": [bytes(range(256)) * 40] * 50,
                "size_bytes": [10_240] * 50,
                "first_seen_at": [datetime.now(UTC)] * 50,
            }
        )
        empty = {"document": pl.DataFrame(schema=DOCUMENT), "article": pl.DataFrame(schema=ARTICLE)}
        load_batch(con, {"raw_document": raw, **empty})
        con.execute("checkpoint")

    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        load_pages(con, 0)
        load_pages(con, 50)
        assert row_groups(con) == [100]  # DuckDB's own way: the first 50 rows written again
        with compaction_deferred(con):
            load_pages(con, 100)
            load_pages(con, 150)
            assert row_groups(con) == [100, 50, 50]
        load_pages(con, 200)
        assert row_groups(con) == [250]
        assert con.execute("select count(distinct content_hash) from raw_document").fetchone()[0] == 250


def test_newer_schema_is_refused(tmp_path):
    db = tmp_path / "w.duckdb"
    with open_warehouse(str(db)) as con:
        con.execute("insert into schema_version values (999, now())")
    with pytest.raises(WarehouseError, match="newer than this wirehouse knows"):
        with open_warehouse(str(db)):
            pass


def _row(schema: dict, **values) -> dict:
    """A row of a table with `schema`: the given values, every other column null."""
    return {**dict.fromkeys(schema), **values}


def _article(article_id: str, uri: str) -> dict:
    return _row(
        ARTICLE,
        article_id=article_id,
        source_uri=uri,
        text="Some text here.",
        text_hash="h" + article_id,
        word_count=3,
        pipeline_version="t",
    )


def _document(doc_id: str, uri: str, article_id: str) -> dict:
    return _row(
        DOCUMENT,
        document_id=doc_id,
        source_uri=uri,
        status="article",
        article_id=article_id,
        pipeline_version="t",
    )


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


def _claim(claim_id: str, article_id: str) -> dict:
    return _row(
        CLAIM,
        claim_id=claim_id,
        article_id=article_id,
        text="It said so.",
        is_direct_quote=False,
        start_char=0,
        end_char=11,
        sentence="It said so.",
        confidence=0.9,
    )


def test_a_reloaded_article_keeps_only_its_new_rows_beside_new_articles(tmp_path):
    """A batch mixing a document the warehouse holds and a new one: the held article's earlier
    claims go (its new analysis found fewer), the new article's are added."""
    first = {
        "document": pl.DataFrame([_document("d1", "file:///a", "a1")], schema=DOCUMENT),
        "article": pl.DataFrame([_article("a1", "file:///a")], schema=ARTICLE),
        "claim": pl.DataFrame([_claim("c1", "a1"), _claim("c2", "a1")], schema=CLAIM),
    }
    second = {
        "document": pl.DataFrame(
            [_document("d1", "file:///a", "a1"), _document("d2", "file:///b", "a2")], schema=DOCUMENT
        ),
        "article": pl.DataFrame([_article("a1", "file:///a"), _article("a2", "file:///b")], schema=ARTICLE),
        "claim": pl.DataFrame([_claim("c3", "a1"), _claim("c4", "a2")], schema=CLAIM),
    }
    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        load_batch(con, first)
        load_batch(con, second)
        claims = con.execute("select article_id, claim_id from claim order by claim_id").fetchall()
        assert claims == [("a1", "c3"), ("a2", "c4")]
        assert con.execute("select count(*) from document").fetchone()[0] == 2
        assert con.execute("select count(*) from article").fetchone()[0] == 2


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
    with held_by_another_process(db, read_only=True, seconds=30) as holder:
        with pytest.raises(WarehouseError, match=rf"in use by another process \(pid {holder.pid}\)"):
            with open_warehouse(str(db), lock_timeout=1):
                pass


def test_audits_find_dangling_rows(tmp_path):
    from flows.warehouse.audits import failed_audits

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


# One writer of a shared DuckLake: waits for the word, then loads 12 batches, each with two
# articles of its own and the same five entities as the other writer (with its own aliases).
_LAKE_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import polars as pl
    from flows.warehouse.connect import open_warehouse
    from flows.warehouse.load import load_batch
    from tests.test_warehouse import _article, _document
    from transforms.schemas import ARTICLE, DOCUMENT, ENTITY
    lake, writer, go = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    with open_warehouse(lake) as con:
        while not go.exists():
            time.sleep(0.01)
        for batch in range(12):
            ids = [f"{writer}-{batch}-{i}" for i in range(2)]
            load_batch(con, {
                "document": pl.DataFrame([_document("d" + i, "file:///" + i, "a" + i) for i in ids], schema=DOCUMENT),
                "article": pl.DataFrame([_article("a" + i, "file:///" + i) for i in ids], schema=ARTICLE),
                "entity": pl.DataFrame(
                    [{"entity_id": f"e{k}", "name": f"E{k}", "type": "ORG", "aliases": [writer]} for k in range(5)],
                    schema=ENTITY,
                ),
            })
""")


@pytest.mark.parametrize("catalog", ["sqlite", "postgres"])
def test_two_runs_load_one_ducklake_at_once(tmp_path, catalog, request, monkeypatch):
    from pathlib import Path

    if catalog == "postgres":
        # the writers, started below, inherit the data path
        monkeypatch.setenv("WIREHOUSE_DUCKLAKE_DATA_PATH", f"{tmp_path / 'lake-data'}/")
        lake = f"ducklake:postgres:{request.getfixturevalue('postgres')()}"
    else:
        lake = f"ducklake:sqlite:{tmp_path / 'lake.sqlite'}"
    with open_warehouse(lake):
        pass  # created and migrated; each writer then opens it without writing its schema
    go = tmp_path / "go"
    root = Path(__file__).resolve().parent.parent
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _LAKE_WRITER, lake, name, str(go)],
            cwd=root,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("w1", "w2")
    ]
    go.touch()
    for writer in writers:
        _, err = writer.communicate(timeout=240)
        assert writer.returncode == 0, err[-2000:]
    with open_warehouse(lake) as con:
        fold_duplicate_entities(con)
        assert con.execute("select count(*) from document").fetchone()[0] == 48
        assert con.execute("select count(*) from article").fetchone()[0] == 48
        assert con.execute("select count(*), count(distinct entity_id) from entity").fetchone() == (5, 5)
        assert con.execute("select distinct aliases from entity").fetchall() == [(["w1", "w2"],)]
        assert con.execute("select count(*) from view_digest").fetchone()[0] == 1


# One run opening a DuckLake for writing (creating and migrating it if new), once told to go.
_LAKE_OPENER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from flows.warehouse.connect import open_warehouse
    lake, go = sys.argv[1], Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.005)
    with open_warehouse(lake) as con:
        print(con.execute("select count(*) from article").fetchone()[0])
""")


def test_three_runs_create_one_new_ducklake_at_once(tmp_path):
    from pathlib import Path

    from flows.warehouse.migrate import migrations

    lake = f"ducklake:sqlite:{tmp_path / 'lake.sqlite'}"
    go = tmp_path / "go"
    root = Path(__file__).resolve().parent.parent
    openers = [
        subprocess.Popen(
            [sys.executable, "-c", _LAKE_OPENER, lake, str(go)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    time.sleep(3)  # all three imported and waiting, so that they create the lake together
    go.touch()
    for opener in openers:
        out, err = opener.communicate(timeout=120)
        assert opener.returncode == 0, err[-2000:]
        assert out.strip().splitlines()[-1] == "0"  # (after DuckDB's progress bar, if a wait was long)
    with open_warehouse(lake, read_only=True) as con:
        versions = [
            v for (v,) in con.execute("select version from schema_version order by version").fetchall()
        ]
        assert versions == [v for v, _ in migrations()], "each migration applied exactly once"


def test_rows_sharing_an_entity_id_are_folded_into_one(tmp_path):
    from flows.warehouse.audits import failed_audits

    with open_warehouse(f"ducklake:{tmp_path / 'lake.ducklake'}") as con:
        con.execute(
            "insert into entity (entity_id, name, type, aliases) values "
            "('e1', 'Acme', 'ORG', ['Acme Corp']), ('e1', 'Acme', 'ORG', ['ACME', 'Acme Corp']), "
            "('e2', 'Bo', 'PERSON', [])"
        )
        assert failed_audits(con) == {"entity_ids_are_unique": 1}
        assert fold_duplicate_entities(con) == 1
        assert failed_audits(con) == {}
        assert con.execute("select entity_id, name, aliases from entity order by 1").fetchall() == [
            ("e1", "Acme", ["ACME", "Acme Corp"]),
            ("e2", "Bo", []),
        ]
        assert fold_duplicate_entities(con) == 0


def test_views_are_created_again_only_when_their_files_change(tmp_path):
    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        created = con.execute("select created_at from view_digest").fetchall()
    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        assert con.execute("select created_at from view_digest").fetchall() == created
        assert con.execute("select count(*) from story_coverage").fetchone()[0] == 0


def test_a_merged_entity_hands_its_mentions_and_name_to_the_one_it_joins(tmp_path):
    from flows.warehouse.entities import merge_entities

    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        con.execute(
            "insert into entity values ('e1', 'Khawaja Asif', 'PERSON', []), ('e2', 'Asif', 'PERSON', ['Mr Asif'])"
        )
        con.execute("insert into entity_mention values ('a1', 'e2', 'Asif', 0, 4, 0, 'PERSON')")
        merges = pl.DataFrame({"from_entity_id": ["e2"], "to_entity_id": ["e1"]})
        assert merge_entities(con, merges) == 1
        assert con.execute("select entity_id, aliases from entity").fetchall() == [
            ("e1", ["Asif", "Mr Asif"])
        ]
        assert con.execute("select entity_id from entity_mention").fetchall() == [("e1",)]


def test_the_link_step_reads_only_the_days_of_articles_without_a_story(tmp_path):
    from datetime import date, datetime

    def article(article_id, published, story):
        row = _article(article_id, f"file:///{article_id}")
        row.update(published_date=published, story_id=story)
        return row

    articles = [
        article("old-far", date(2025, 1, 1), "s1"),  # 11 days before the new one
        article("old-near", date(2025, 1, 10), "s2"),  # 2 days before
        article("old-undated-near", None, "s3"),  # loaded on 2025-01-13
        article("new", date(2025, 1, 12), None),
        article("new-undated", None, None),  # loaded on 2025-02-20: its own window
        article("old-near-undated-new", date(2025, 2, 18), "s4"),
    ]
    documents = [_document(f"d-{a['article_id']}", a["source_uri"], a["article_id"]) for a in articles]
    loaded = {"old-undated-near": datetime(2025, 1, 13, 8), "new-undated": datetime(2025, 2, 20, 9)}
    for doc in documents:
        doc["loaded_at"] = loaded.get(doc["article_id"], datetime(2025, 3, 1))
    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        frame = pl.DataFrame(articles, schema=ARTICLE)  # noqa: F841 (read by DuckDB)
        docs = pl.DataFrame(documents, schema={**DOCUMENT, "loaded_at": pl.Datetime("us")})  # noqa: F841
        con.execute("insert into article by name select * from frame")
        con.execute("insert into document by name select * from docs")
        linking = articles_to_link(con, window_days=3)
        assert linking["article_id"].to_list() == [
            "new",
            "new-undated",
            "old-near",
            "old-near-undated-new",
            "old-undated-near",
        ]
        con.execute("update article set story_id = 's5' where story_id is null")
        assert articles_to_link(con, window_days=3).height == 0  # nothing new: nothing read


def test_a_snapshot_of_a_file_holds_every_table_and_refuses_itself(seed_warehouse, tmp_path):
    from flows.warehouse.snapshot import snapshot

    copy = tmp_path / "copy.duckdb"
    tables = snapshot(str(seed_warehouse), str(copy))
    with duckdb.connect(str(seed_warehouse), read_only=True) as con:
        expected = {
            name: con.execute(f"select count(*) from {name}").fetchone()[0]
            for (name,) in con.execute("select table_name from duckdb_tables()").fetchall()
        }
    with duckdb.connect(str(copy), read_only=True) as con:
        assert {
            name: con.execute(f"select count(*) from {name}").fetchone()[0] for name in expected
        } == expected
    assert tables == len(expected)
    with pytest.raises(WarehouseError, match="another file"):
        snapshot(str(seed_warehouse), str(seed_warehouse))
