"""`wirehouse explore` for real: Datasette on 127.0.0.1 serving the copy, pages read by Debian's
Chromium, a run on the same warehouse while it serves, markup from articles shown as text."""

import html
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from flows.explore.server import datasette_command, default_copy
from tests.chromium import HOSTILE, chromium, with_hostile_headline

WIREHOUSE = str(Path(sys.executable).parent / "wirehouse")
SPEAKER = "Khawaja Asif"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"explore exited with {server.returncode}: {server.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"explore did not answer {url} within {timeout:.0f} s")


@pytest.fixture(scope="module")
def warehouse(seed_warehouse, tmp_path_factory) -> Path:
    """The seed warehouse with markup in one headline."""
    return with_hostile_headline(seed_warehouse, tmp_path_factory.mktemp("explore"))


@pytest.fixture(scope="module")
def served(warehouse):
    """`wirehouse explore` serving the warehouse; yields its base URL."""
    port = free_port()
    server = subprocess.Popen(
        [WIREHOUSE, "explore", "--db", str(warehouse), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/-/versions.json", server)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def dom(url: str, tmp_path: Path) -> str:
    result = chromium("--dump-dom", url, profile=tmp_path / "profile")
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.split())  # the markup's line breaks and indents, as one space


def con_rows(warehouse: Path, sql: str, parameters: list) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, parameters).fetchall()


def lite(warehouse: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{default_copy(str(warehouse))}?mode=ro", uri=True)


def test_a_speakers_entity_page_links_its_claims_and_mentions(served, warehouse, tmp_path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        entity_id, claims, mentions = con.execute(
            "select e.entity_id, (select count(*) from claim where speaker_entity_id = e.entity_id), "
            "(select count(*) from entity_mention where entity_id = e.entity_id) from entity as e where name = ?",
            [SPEAKER],
        ).fetchone()
    page = dom(f"{served}/wirehouse/entity/{entity_id}", tmp_path)
    assert f'<td class="col-name type-str">{SPEAKER}</td>' in page
    assert f"{claims} rows</a> from speaker_entity_id in claim" in page
    assert f"{mentions} rows</a> from entity_id in entity_mention" in page
    assert "from actor_entity_id in event" in page
    # the page lists the claims themselves, each linked to its row, and links to all of them
    assert '<h2 class="wirehouse-related">Claims made' in page
    for claim_id, text in con_rows(
        warehouse, "select claim_id, text from claim where speaker_entity_id = ?", [entity_id]
    ):
        assert (
            f'<a href="/wirehouse/claim/{claim_id}">{html.escape(" ".join(text.split()), quote=False)}</a>'
            in page
        )
    claims_page = dom(f"{served}/wirehouse/claim?speaker_entity_id={entity_id}", tmp_path)
    assert f'{claims} rows where speaker_entity_id = "{entity_id}"' in claims_page


def test_a_search_finds_claims_by_their_words(served, warehouse, tmp_path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (expected,) = con.execute(
            "select count(*) from claim where text ilike '%ceasefire%' or speaker ilike '%ceasefire%'"
        ).fetchone()
    page = dom(f"{served}/wirehouse/claim?_search=ceasefire", tmp_path)
    assert f'{expected} rows where search matches "ceasefire"' in page
    assert "Suggested facets" in page and "reporting_verb" in page  # the catalog's facets
    article_page = dom(f"{served}/wirehouse/article?_search=istanbul", tmp_path)
    assert 'where search matches "istanbul"' in article_page


def test_a_hostile_headline_is_shown_as_text(served, warehouse, tmp_path):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        (article_id,) = con.execute("select min(article_id) from article").fetchone()
    page = dom(f"{served}/wirehouse/article/{article_id}", tmp_path)
    assert html.escape(HOSTILE, quote=False) in page
    assert "<title>pwned" not in page and "<title>1<" not in page
    assert '<img src="x"' not in page
    # its claims and entities are listed on its page
    (claims,) = con_rows(warehouse, "select count(*) from claim where article_id = ?", [article_id])[0]
    assert '<h2 class="wirehouse-related">Claims' in page and page.count('href="/wirehouse/claim/') == min(
        claims, 20
    )
    assert '<h2 class="wirehouse-related">Entities named' in page


def test_reports_are_pages_and_csv(served):
    with urllib.request.urlopen(f"{served}/wirehouse/story_coverage.csv", timeout=30) as response:
        lines = response.read().decode("utf-8").splitlines()
    assert {"story_id", "articles", "outlets", "original_articles", "reprints", "outlet_names"} <= set(
        lines[0].split(",")
    )
    assert len(lines) == 2  # the seed pages are one story
    with urllib.request.urlopen(f"{served}/wirehouse/places_in_the_news", timeout=30) as response:
        page = response.read().decode("utf-8")
    assert "datasette-cluster-map" in page  # the map plugin found latitude and longitude


def test_a_run_goes_on_while_explore_serves(served, warehouse, seed_dir):
    """The warehouse is not held while Datasette serves: a run with no patience for a lock loads."""
    env = dict(os.environ, WIREHOUSE_LOCK_TIMEOUT_SECONDS="0")
    result = subprocess.run(
        [WIREHOUSE, "run", str(seed_dir), "--db", str(warehouse), "--reprocess"],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select count(*) from pipeline_run").fetchone()[0] >= 2
    with lite(warehouse) as copy:  # the copy being served still answers
        assert copy.execute("select count(*) from article").fetchone() == (2,)


def test_publish_writes_a_copy_a_colleague_can_serve(warehouse, tmp_path):
    out = tmp_path / "share" / "news.db"
    result = subprocess.run(
        [WIREHOUSE, "explore", "--db", str(warehouse), "--publish", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert out.is_file() and (tmp_path / "share" / "news.metadata.json").is_file()
    served = subprocess.run(
        [*datasette_command(out, 8001)[:4], str(out), "-m", str(tmp_path / "share" / "news.metadata.json")]
        + ["--get", "/news/article.json?_shape=array&_col=title"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert served.returncode == 0 and HOSTILE.replace('"', '\\"') in served.stdout


def test_a_port_in_use_is_refused_with_a_reason(warehouse):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [WIREHOUSE, "explore", "--db", str(warehouse), "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is in use" in result.stderr


def test_no_warehouse_is_a_clear_error(tmp_path):
    result = subprocess.run(
        [WIREHOUSE, "explore", "--db", str(tmp_path / "none.duckdb"), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "no warehouse at" in result.stderr
