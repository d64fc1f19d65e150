"""Reports, views and ad-hoc SQL over a warehouse built from the seed pages."""

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.reports import available_reports

WIREHOUSE = str(Path(sys.executable).parent / "wirehouse")
REQUIRED = {
    "who_said_what",
    "claims_by_speaker",
    "corroborated_claims",
    "attribution_conflicts",
    "entity_cooccurrence",
    "event_timeline",
    "story_coverage",
    "source_summary",
    "pipeline_runs",
    "how_a_statement_travelled",
    "original_reporting_by_outlet",
}


@pytest.fixture(scope="module")
def warehouse(seed_warehouse):
    return seed_warehouse


def cli(*args):
    return subprocess.run([WIREHOUSE, *args], capture_output=True, text=True, timeout=120)


def test_every_required_report_exists_with_a_description():
    reports = available_reports()
    assert REQUIRED <= set(reports)
    assert all(len(d) > 20 for d in reports.values())


@pytest.mark.parametrize("name", sorted(REQUIRED))
def test_each_report_runs_and_returns_rows(warehouse, name):
    result = cli("report", name, "--db", str(warehouse), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) > 0


def test_the_seed_story_covers_both_outlets(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        stories = con.execute("select outlets, articles from story_coverage").fetchall()
        corroborated = con.execute("select sources from corroborated_claims").fetchall()
        conflicts = con.execute("select attributions from attribution_conflicts").fetchall()
    assert (2, 2) in stories
    assert corroborated and all(s == 2 for (s,) in corroborated)
    # one outlet gives a statement to Pakistan's government, the other to the FO spokesperson
    assert any(
        any("government" in a for a in attrs) and any("Spokesperson" in a for a in attrs)
        for (attrs,) in conflicts
    )


def test_parameters_filter(warehouse):
    result = cli(
        "report", "who_said_what", "--entity", "Khawaja Asif", "--db", str(warehouse), "--format", "json"
    )
    rows = json.loads(result.stdout)
    assert rows and {r["speaker"] for r in rows} == {"Khawaja Asif"}
    later = cli(
        "report", "event_timeline", "--since", "2025-10-01", "--db", str(warehouse), "--format", "json"
    )
    assert all(r["event_date"] >= "2025-10-01" for r in json.loads(later.stdout))


def test_formats(warehouse, tmp_path):
    out = tmp_path / "stories.parquet"
    assert (
        cli(
            "report", "story_coverage", "--db", str(warehouse), "--format", "parquet", "--out", str(out)
        ).returncode
        == 0
    )
    assert pl.read_parquet(out).height >= 1
    csv = cli("report", "story_coverage", "--db", str(warehouse), "--format", "csv")
    assert csv.stdout.splitlines()[0].startswith("story_id,articles,outlets")
    table = cli("report", "claims_by_speaker", "--db", str(warehouse))
    assert "Khawaja Asif" in table.stdout


def test_ad_hoc_sql_is_read_only(warehouse):
    ok = cli("sql", "select count(*) as n from article", "--db", str(warehouse), "--format", "json")
    assert json.loads(ok.stdout) == [{"n": 2}]
    refused = cli("sql", "delete from article", "--db", str(warehouse))
    assert refused.returncode == 2 and "read-only" in refused.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from article").fetchone()[0] == 2


def test_unknown_report_and_missing_warehouse_are_one_line_errors(tmp_path, warehouse):
    assert (
        cli("report", "nope", "--db", str(warehouse)).stderr.strip()
        == "wirehouse: no report named 'nope'; `wirehouse report` lists them"
    )
    missing = cli("report", "story_coverage", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "no warehouse at" in missing.stderr


def test_upcoming_events_are_those_still_to_come_as_of_a_day(warehouse):
    def upcoming(as_of):
        result = cli(
            "report", "upcoming_events", "--as-of", as_of, "--db", str(warehouse), "--format", "json"
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        dated = con.execute("select min(event_date), max(event_date) from event").fetchone()
    assert dated[0] < dated[1]
    everything = upcoming(str(dated[0]))
    assert everything and {"actor", "location", "date_direction", "published_date"} <= set(everything[0])
    later = upcoming(str(dated[1]))
    assert 0 < len(later) < len(everything)
    assert all(r["event_date"][:4] >= str(dated[1])[:4] for r in later)
    assert upcoming("2999-01-01") == []


@pytest.fixture()
def composed(tmp_path):
    """A migrated, empty warehouse and a way to add articles and claims to it."""
    from flows.warehouse.connect import open_warehouse

    db = tmp_path / "w.duckdb"
    with open_warehouse(str(db)):
        pass
    return db


def add(
    con, article_id, source, hour, claims, story="s1", reprint_of=None, is_digest=False, wire_agency=None
):
    con.execute(
        "insert into article (article_id, source_uri, source, published_at, text, text_hash, word_count, "
        "story_id, pipeline_version, reprint_of, is_digest, wire_agency) "
        "values (?, ?, ?, timestamptz '2025-03-04 00:00:00+00' + to_hours(?), 'x', ?, 1, ?, 't', ?, ?, ?)",
        [article_id, article_id, source, hour, article_id, story, reprint_of, is_digest, wire_agency],
    )
    for i, (group, text, quoted) in enumerate(claims):
        con.execute(
            "insert into claim (claim_id, article_id, speaker, text, is_direct_quote, start_char, end_char, "
            "sentence, confidence, claim_group_id) values (?, ?, 'The minister', ?, ?, ?, ?, ?, 0.9, ?)",
            [f"{article_id}-{i}", article_id, text, quoted, i * 100, i * 100 + len(text), text, group],
        )


def test_claim_lineage_ranks_carriers_and_shows_the_words_changed(composed):
    with duckdb.connect(str(composed)) as con:
        add(con, "late", "Gazette", 5, [("g1", "the bridge will reopen in May, officials said", False)])
        add(
            con,
            "first",
            "Wire",
            1,
            [("g1", "The bridge will reopen in May.", True), ("g2", "tolls stay", True)],
        )
        add(con, "second", "Courier", 3, [("g1", "the bridge will REOPEN in may", False)])
        add(con, "alone", "Wire", 2, [("g2", "tolls will stay", False)])  # one outlet: did not travel
        rows = con.execute(
            "select claim_group_id, outlet, carrier_rank, is_first_carrier, is_verbatim, is_direct_quote, "
            "words_added, words_dropped from claim_lineage order by claim_group_id, carrier_rank"
        ).fetchall()
    assert rows == [
        ("g1", "Wire", 1, True, True, True, [], []),
        ("g1", "Courier", 2, False, True, False, [], []),  # case and punctuation aside, the same words
        ("g1", "Gazette", 3, False, False, False, ["officials", "said"], []),
    ]


def test_outlets_carrying_one_agencys_copy_are_one_independent_source(composed):
    with duckdb.connect(str(composed)) as con:
        add(con, "own", "Gazette", 1, [("g1", "The bridge will reopen in May.", True)])
        for hour, outlet in ((2, "Courier"), (3, "Ledger")):
            add(
                con,
                outlet,
                outlet,
                hour,
                [("g1", "the bridge will reopen in May", True)],
                wire_agency="Wire Agency",
            )
        add(con, "copy", "Evening", 4, [("g1", "the bridge will reopen in May", True)], reprint_of="own")
        sources = con.execute("select sources, independent_sources from corroborated_claims").fetchall()
        copied = dict(con.execute("select outlet, copied_from from claim_lineage").fetchall())
    assert sources == [(4, 2)]  # the gazette's own reporting and the agency's copy
    assert copied == {
        "Gazette": None,
        "Courier": "Wire Agency",
        "Ledger": "Wire Agency",
        "Evening": "Gazette",
    }


def test_story_coverage_counts_original_reporting_and_reprints_apart(composed):
    with duckdb.connect(str(composed)) as con:
        add(con, "w", "Wire", 1, [])
        add(con, "b", "Daily B", 2, [], reprint_of="w")
        add(con, "c", "Courier", 3, [])
        add(con, "d", "Digest D", 4, [], is_digest=True)  # a round-up in the story's days: in no story
        # agency copy whose original is not in the warehouse: copy all the same
        add(con, "e", "Evening E", 5, [], wire_agency="Agence France-Presse")
        coverage = con.execute(
            "select articles, outlets, original_articles, reprints, wire_copies from story_coverage"
        ).fetchall()
    assert coverage == [(4, 4, 2, 2, 1)]
    result = cli("report", "original_reporting_by_outlet", "--db", str(composed), "--format", "json")
    assert result.returncode == 0, result.stderr
    by_outlet = {row["outlet"]: row for row in json.loads(result.stdout)}
    assert by_outlet["Daily B"]["reprints"] == 1 and by_outlet["Daily B"]["reprints_from"] == ["Wire"]
    assert by_outlet["Wire"]["original_articles"] == 1 and by_outlet["Digest D"]["digests"] == 1
    evening = by_outlet["Evening E"]
    assert (evening["original_articles"], evening["reprints"], evening["wire_copies"]) == (0, 1, 1)
    assert evening["reprints_from"] == ["Agence France-Presse"]
