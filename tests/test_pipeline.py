"""The flow end to end: real pages into a real DuckDB file, through Prefect's test harness."""

import gzip
import shutil
from datetime import date

import duckdb
import pytest

from flows.pipeline import wirehouse_pipeline
from flows.settings import Settings
from flows.version import settings_version

BOILERPLATE = [
    "Accept all",
    "icon-facebook",
    "Related stories",
    "All rights reserved",
    "Read more",
    "Comments (12)",
    "Subscribe",
    "Trending",
    "Rupee gains",
    "Tags:",
]
TABLES = ("document", "article", "entity", "entity_mention", "claim", "event")


def table_rows(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            t: sorted(
                con.execute(
                    f"select * exclude (loaded_at, run_id) from {t}"
                    if t == "document"
                    else f"select * from {t}"
                ).fetchall(),
                key=repr,
            )
            for t in TABLES
        }


@pytest.fixture()
def db(tmp_path):
    return tmp_path / "w.duckdb"


def test_seed_pages_become_two_clean_articles(prefect_harness, seed_dir, db):
    summary = wirehouse_pipeline([str(seed_dir)], db=str(db))
    assert summary["articles"] == 2 and summary["rejected"] == 0
    assert summary["failed_audits"] == {}
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select title, published_date, language, text, url, word_count, author "
            "from article order by title"
        ).fetchall()
    assert [r[0] for r in rows] == [
        "Pakistan Says Taliban Talks Fail to Address Terrorism Amid Ceasefire",
        "Pakistan Slams Afghan Taliban for Stalling Istanbul Talks, Demands Action Against Terrorists",
    ]
    for title, published, language, text, url, words, author in rows:
        assert published == date(2025, 11, 9)
        assert language == "en"
        assert url.startswith("https://")
        assert words > 300
        assert author is None  # "Staff Report" and "News Desk" are not people
        for snippet in BOILERPLATE:
            assert snippet not in text, (title, snippet)
        assert not text.startswith(title)
    frontier = rows[0][3]
    assert frontier.startswith("ISLAMABAD — Pakistan has accused the Afghan Taliban")
    assert frontier.rstrip().endswith("“not considered a friend” of Islamabad.")
    islamabad = rows[1][3]
    assert islamabad.startswith("KEY POINTS")
    assert "A temporary ceasefire between Kabul and Islamabad nevertheless remained in place" in islamabad


def test_published_at_keeps_the_instant_the_page_states(prefect_harness, seed_dir, db):
    wirehouse_pipeline([str(seed_dir)], db=str(db))
    with duckdb.connect(str(db), read_only=True) as con:
        got = con.execute(
            "select strftime(published_at at time zone 'UTC', '%Y-%m-%d %H:%M') from article order by 1"
        ).fetchall()
    # 2025-11-09T09:00+05:00 and 2025-11-09T10:30+05:00
    assert got == [("2025-11-09 04:00",), ("2025-11-09 05:30",)]


def test_rerun_leaves_exactly_the_same_rows(prefect_harness, seed_dir, db):
    wirehouse_pipeline([str(seed_dir)], db=str(db))
    first = table_rows(db)
    second_summary = wirehouse_pipeline([str(seed_dir)], db=str(db))
    assert second_summary["unchanged"] == 2  # nothing reprocessed
    assert table_rows(db) == first
    wirehouse_pipeline([str(seed_dir)], db=str(db), reprocess=True, batch_size=1)
    assert table_rows(db) == first  # reprocessed in other batches: still the same rows and ids


def test_documents_of_another_pipeline_version_are_reprocessed_and_counted(prefect_harness, seed_dir, db):
    wirehouse_pipeline([str(seed_dir)], db=str(db))
    first = table_rows(db)
    with duckdb.connect(str(db)) as con:  # as an older wirehouse, whose rules differed, left them
        con.execute("update document set pipeline_version = '0.0.1+older'")
        con.execute("update article set pipeline_version = '0.0.1+older'")
    summary = wirehouse_pipeline([str(seed_dir)], db=str(db))
    assert summary["unchanged"] == 0 and summary["reprocessed_for_new_version"] == 2
    with duckdb.connect(str(db), read_only=True) as con:
        versions = con.execute("select distinct pipeline_version from document").fetchall()
    assert versions == [(settings_version(Settings(db=str(db))),)]
    again = table_rows(db)
    assert {t: len(rows) for t, rows in again.items()} == {t: len(rows) for t, rows in first.items()}


def test_same_article_twice_is_one_article_and_one_duplicate(prefect_harness, seed_dir, db):
    shutil.copy(seed_dir / "islamabad-daily-2025-11-09.html", seed_dir / "zz-copy-of-islamabad.html")
    with gzip.open(seed_dir / "zz-frontier-again.html.gz", "wb") as f:
        f.write((seed_dir / "frontier-post-2025-11-09.html").read_bytes())
    summary = wirehouse_pipeline([str(seed_dir)], db=str(db))
    assert (summary["articles"], summary["duplicates"]) == (2, 2)
    with duckdb.connect(str(db), read_only=True) as con:
        dups = con.execute(
            "select source_uri, reason, article_id from document where status = 'duplicate' "
            "order by source_uri"
        ).fetchall()
        article_ids = {r[0] for r in con.execute("select article_id from article").fetchall()}
    assert [d[0].rsplit("/", 1)[-1] for d in dups] == [
        "zz-copy-of-islamabad.html",
        "zz-frontier-again.html.gz",
    ]
    assert all(d[1].startswith("same canonical URL as") for d in dups)
    assert {d[2] for d in dups} == article_ids


def test_bad_files_are_rejected_with_reasons_and_the_run_goes_on(prefect_harness, seed_dir, db):
    (seed_dir / "empty.html").write_bytes(b"")
    (seed_dir / "binary.html").write_bytes(bytes(range(256)) * 200)
    (seed_dir / "broken.html.gz").write_bytes(b"this is not gzip")
    (seed_dir / "nav-only.html").write_text(
        "<html><body><nav>"
        + " ".join(f'<a href="/{i}">Link {i}</a>' for i in range(200))
        + "</nav></body></html>"
    )
    unreadable = seed_dir / "unreadable.html"
    unreadable.write_text("<html><body><p>secret</p></body></html>")
    unreadable.chmod(0)
    summary = wirehouse_pipeline([str(seed_dir)], db=str(db))
    assert summary["articles"] == 2
    with duckdb.connect(str(db), read_only=True) as con:
        reasons = dict(
            (uri.rsplit("/", 1)[-1], reason)
            for uri, reason in con.execute(
                "select source_uri, reason from document where status = 'rejected'"
            ).fetchall()
        )
        total = con.execute("select count(*) from document").fetchone()[0]
    assert total == 7  # every input document has a row
    assert reasons["empty.html"] == "empty file"
    assert reasons["binary.html"] == "not a text document (binary content)"
    assert reasons["broken.html.gz"].startswith("not a valid gzip file")
    assert reasons["nav-only.html"].startswith("no article text found")
    import os

    if os.geteuid() != 0:  # root reads any file
        assert reasons["unreadable.html"].startswith("cannot read file")


def test_raw_bytes_are_kept_for_rebuilds(prefect_harness, seed_dir, db):
    wirehouse_pipeline([str(seed_dir)], db=str(db))
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select r.data, r.size_bytes from document d join raw_document r using (content_hash)"
        ).fetchall()
    assert len(rows) == 2
    originals = {p.read_bytes() for p in seed_dir.iterdir()}
    assert {gzip.decompress(data) for data, _ in rows} == originals


def test_each_run_is_recorded(prefect_harness, seed_dir, db):
    wirehouse_pipeline([str(seed_dir)], db=str(db))
    with duckdb.connect(str(db), read_only=True) as con:
        run = con.execute(
            "select documents, articles, rejected, finished_at is not null from pipeline_run"
        ).fetchall()
    assert run == [(2, 2, 0, True)]


def test_a_later_article_joins_the_existing_story_and_claim_groups(prefect_harness, seed_dir, db, tmp_path):
    later = tmp_path / "later"
    later.mkdir()
    shutil.move(str(seed_dir / "islamabad-daily-2025-11-09.html"), later / "islamabad-daily-2025-11-09.html")
    wirehouse_pipeline([str(seed_dir)], db=str(db))
    with duckdb.connect(str(db), read_only=True) as con:
        (first_story,) = con.execute("select story_id from article").fetchone()
        first_groups = dict(con.execute("select claim_id, claim_group_id from claim").fetchall())
    wirehouse_pipeline([str(later)], db=str(db))
    with duckdb.connect(str(db), read_only=True) as con:
        stories = {r[0] for r in con.execute("select story_id from article").fetchall()}
        groups = dict(con.execute("select claim_id, claim_group_id from claim").fetchall())
        shared = con.execute("select count(*) from corroborated_claims").fetchone()[0]
    assert stories == {first_story}
    assert all(groups[c] == g for c, g in first_groups.items())  # earlier ids never change
    assert shared > 0  # the new article's claims joined the earlier groups


AGENCY_STORY = (
    "<p>{dateline} A ferry carrying more than 300 passengers ran aground off the northern coast on "
    "Tuesday morning, and every passenger was brought ashore safely by the evening, the operator said.</p>"
    "<p>The operator said the ship struck a sandbank in heavy fog shortly after leaving the harbour at "
    "Port Ellis, and that tugs would try to free it at high tide on Wednesday.</p>"
    "<p>Coast guard officers said there was no sign of fuel leaking from the hull, and that divers "
    "would inspect the ship before it could be towed back to the harbour for repairs.</p>"
    "<p>Passengers were taken to a sports hall in the town, where volunteers served hot meals, and "
    "most had left for home on buses the operator hired by late evening.</p>"
)


def agency_page(outlet: str, published: str, byline: str, dateline: str) -> str:
    return (
        f'<html><head><title>Ferry runs aground in fog</title><meta property="og:site_name" content="{outlet}">'
        f'<meta name="author" content="{byline}">'
        f'<meta property="article:published_time" content="{published}"></head>'
        f"<body><article><h1>Ferry runs aground in fog</h1>{AGENCY_STORY.format(dateline=dateline)}"
        "</article></body></html>"
    )


def test_agency_copy_in_two_outlets_is_copy_in_both(prefect_harness, db, tmp_path):
    pages = tmp_path / "agency"
    pages.mkdir()
    (pages / "first.html").write_text(
        agency_page("Morning Ledger", "2025-03-04T08:00:00Z", "JO ROE; AP Writer", "PORT ELLIS (AP) —")
    )
    (pages / "second.html").write_text(  # the same copy, its dateline's credit cut, its byline kept
        agency_page("Evening Courier", "2025-03-04T11:00:00Z", "The Associated Press", "PORT ELLIS —")
    )
    wirehouse_pipeline([str(pages)], db=str(db))
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "select a.source, a.wire_agency, o.source from article a "
            "left join article o on a.reprint_of = o.article_id order by a.published_at"
        ).fetchall()
        coverage = con.execute(
            "select outlets, original_articles, reprints, wire_copies from story_coverage"
        ).fetchall()
    assert rows == [
        ("Morning Ledger", "Associated Press", None),
        ("Evening Courier", "Associated Press", "Morning Ledger"),
    ]
    assert coverage == [(2, 0, 2, 2)]  # no outlet's own reporting: both carry the agency's copy
