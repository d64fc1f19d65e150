"""A run's record, and the check that ends a run with nothing to do before Prefect starts."""

import shutil
from pathlib import Path

import duckdb
import pytest

from flows.runs import kept_document_count, up_to_date_run
from flows.sources import DocumentRef, discover, read_local
from tests.conftest import SAMPLES, SEED_NAMES


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, prefect_harness) -> tuple[Path, Path]:
    """A folder of the two seed pages and a warehouse that holds them (copy it to change it)."""
    from flows.pipeline import wirehouse_pipeline

    folder = tmp_path_factory.mktemp("pages")
    for name in SEED_NAMES:
        shutil.copy(SAMPLES / name, folder / name)
    db = tmp_path_factory.mktemp("warehouse") / "w.duckdb"
    wirehouse_pipeline([str(folder)], db=str(db), runner="thread")
    return folder, db


def _copy(db: Path, tmp_path: Path) -> str:
    shutil.copy(db, tmp_path / "w.duckdb")
    return str(tmp_path / "w.duckdb")


def test_a_run_over_unchanged_files_is_recorded_and_summed_up(loaded, tmp_path):
    folder, db = loaded
    db = _copy(db, tmp_path)
    summary = up_to_date_run(db, [str(folder)], discover([str(folder)]))
    assert summary["documents"] == 2 and summary["unchanged"] == 2
    assert summary["articles"] == summary["rejected"] == 0
    assert summary["rows"]["article"] == 2 and summary["failed_audits"] == {}
    with duckdb.connect(db, read_only=True) as con:
        runs = con.execute(
            "select documents, articles, unchanged, finished_at is not null from pipeline_run order by started_at"
        ).fetchall()
    assert runs == [(2, 2, 0, True), (2, 0, 2, True)]


def test_anything_new_changed_remote_or_reprocessed_is_left_to_the_flow(loaded, tmp_path, monkeypatch):
    folder, db = loaded
    refs = discover([str(folder)])
    # the warehouse held other bytes for a page (the file changed since), or an older pipeline had it
    for change in (
        "update document set content_hash = 'older bytes' where source_uri like '%frontier%'",
        "update document set pipeline_version = '0.0.1' where source_uri like '%frontier%'",
    ):
        changed = _copy(db, tmp_path)
        with duckdb.connect(changed) as con:
            con.execute(change)
        assert up_to_date_run(changed, [str(folder)], refs) is None
    copy = _copy(db, tmp_path)
    new_page = tmp_path / "new" / "page.html"
    new_page.parent.mkdir()
    new_page.write_text("<html><body><p>Not seen before.</p></body></html>")
    assert up_to_date_run(copy, [str(folder), str(new_page)], refs + discover([str(new_page)])) is None
    # a URL might have changed: only a fetch can tell
    url = DocumentRef("url", "http://127.0.0.1:9/page.html")
    assert up_to_date_run(copy, [str(folder), url.uri], [*refs, url]) is None
    monkeypatch.setenv("WIREHOUSE_REPROCESS", "true")
    assert up_to_date_run(copy, [str(folder)], refs) is None
    monkeypatch.delenv("WIREHOUSE_REPROCESS")
    with duckdb.connect(copy, read_only=True) as con:
        assert con.execute("select count(*) from pipeline_run").fetchone() == (1,)  # none of these recorded
    # no warehouse yet: nothing is read and none is created
    assert up_to_date_run(str(tmp_path / "none.duckdb"), [str(folder)], refs) is None
    assert up_to_date_run(f"ducklake:sqlite:{tmp_path / 'none.sqlite'}", [str(folder)], refs) is None
    assert not list(tmp_path.glob("none*"))


def test_a_file_rejected_again_for_the_same_reason_is_unchanged(loaded, tmp_path, monkeypatch):
    folder, db = loaded
    db = _copy(db, tmp_path)
    refs = discover([str(folder)])
    monkeypatch.setenv("WIREHOUSE_MAX_DOCUMENT_BYTES", "1024")  # now both pages are over the limit
    reasons = {doc.source_uri: doc.reason for doc in (read_local(ref, 1024, 2**20) for ref in refs)}
    assert all(reason.startswith("larger than 1 KB") for reason in reasons.values())
    assert up_to_date_run(db, [str(folder)], refs) is None  # the warehouse holds them as articles
    with duckdb.connect(db) as con:  # as a run with that limit recorded them
        for uri, reason in reasons.items():
            con.execute(
                "update document set status = 'rejected', reason = ?, content_hash = null where source_uri = ?",
                [reason, uri],
            )
    summary = up_to_date_run(db, [str(folder)], refs)
    assert summary is not None and summary["unchanged"] == 2
    with duckdb.connect(db) as con:  # rejected for another reason before: it may pass now, so it is work
        con.execute("update document set reason = 'cannot read file: Permission denied'")
    assert up_to_date_run(db, [str(folder)], refs) is None


def test_a_rebuild_counts_the_documents_whose_bytes_are_kept(loaded, tmp_path):
    _, db = loaded
    db = _copy(db, tmp_path)
    assert kept_document_count(db) == 2
    with duckdb.connect(db) as con:  # a document whose raw bytes are gone cannot be re-derived
        con.execute("delete from raw_document where content_hash = (select min(content_hash) from document)")
    assert kept_document_count(db) == 1
