"""The `wirehouse` console script, run as a user runs it."""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import duckdb

WIREHOUSE = str(Path(sys.executable).parent / "wirehouse")


def run(*args, env_home=None, timeout=300, **variables):
    """The console script with `args`, PREFECT_HOME at `env_home` and any other `variables` set."""
    env = {**os.environ, **variables}
    if env_home:
        env["PREFECT_HOME"] = str(env_home)
    return subprocess.run([WIREHOUSE, *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_no_such_input_is_a_one_line_error(tmp_path):
    result = run("run", str(tmp_path / "missing"), "--db", str(tmp_path / "w.duckdb"))
    assert result.returncode == 2
    assert result.stderr.strip() == f"wirehouse: no such input: {tmp_path / 'missing'}"
    assert not (tmp_path / "w.duckdb").exists()


def test_unwritable_db_is_a_one_line_error(tmp_path, seed_dir):
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")
    a_folder = tmp_path / "folder.duckdb"
    a_folder.mkdir()
    cases = {str(a_file / "w.duckdb"): "is a file, not a folder", str(a_folder): "is a folder, not a file"}
    if os.geteuid() != 0:  # root may write anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        cases[str(locked / "w.duckdb")] = "is not writable"
    for db, message in cases.items():
        result = run("run", str(seed_dir), "--db", db)
        assert result.returncode == 2
        assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr


def test_a_run_through_the_console_script(tmp_path, seed_dir):
    db = tmp_path / "w.duckdb"
    (seed_dir / "empty.html").write_bytes(b"")
    result = run("run", str(seed_dir), "--db", str(db), env_home=tmp_path / "prefect")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "articles" in result.stdout and "rejected: empty file" in result.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select status, count(*) from document group by 1 order by 1").fetchall() == [
            ("article", 2),
            ("rejected", 1),
        ]
    # the run's private Prefect API recorded the flow run, finished, in PREFECT_HOME's database
    with sqlite3.connect(tmp_path / "prefect" / "prefect.db") as prefect_db:
        assert prefect_db.execute("select state_type from flow_run").fetchall() == [("COMPLETED",)]
    # the same warehouse re-derived from the raw bytes it keeps
    rebuilt = run("rebuild", "--db", str(db), env_home=tmp_path / "prefect")
    assert rebuilt.returncode == 0, rebuilt.stderr[-2000:]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select status, count(*) from document group by 1 order by 1").fetchall() == [
            ("article", 2),
            ("rejected", 1),
        ]


def test_a_run_with_nothing_to_do_needs_no_prefect(tmp_path, seed_dir):
    db = tmp_path / "w.duckdb"
    (seed_dir / "empty.html").write_bytes(b"")
    assert run("run", str(seed_dir), "--db", str(db), env_home=tmp_path / "prefect").returncode == 0
    # the same files again, with Prefect's API named at a port nobody listens on: nothing to do,
    # so the run neither starts Prefect nor calls it, and is still recorded
    nowhere = "http://127.0.0.1:9/api"
    again = run("run", str(seed_dir), "--db", str(db), env_home=tmp_path / "prefect", PREFECT_API_URL=nowhere)
    assert again.returncode == 0, again.stderr[-2000:]
    assert re.search(r"│ unchanged \(skipped\) +│ 3 ", again.stdout)
    assert re.search(r"│ reprocessed: pipeline changed +│ 0 ", again.stdout)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(
            "select documents, articles, unchanged from pipeline_run order by started_at"
        ).fetchall() == [
            (3, 2, 0),
            (3, 0, 3),
        ]
    # a changed page is work again: the flow runs (here it cannot reach that API, and says so)
    page = next(seed_dir.glob("frontier-*.html"))
    page.write_bytes(page.read_bytes().replace(b"</body>", b"<p>Updated.</p></body>"))
    changed = run(
        "run", str(seed_dir), "--db", str(db), env_home=tmp_path / "prefect", PREFECT_API_URL=nowhere
    )
    assert changed.returncode == 2
    assert changed.stderr.strip() == (
        "wirehouse: Prefect's API at http://127.0.0.1:9/api (PREFECT_API_URL) does not answer"
    )
    with sqlite3.connect(tmp_path / "prefect" / "prefect.db") as prefect_db:
        assert prefect_db.execute("select count(*) from flow_run").fetchone() == (1,)


def test_a_flow_on_the_private_api_sends_no_heartbeats():
    from prefect.settings import get_current_settings

    from flows.runtime.prefect_api import without_heartbeats as _without_heartbeats

    def heartbeat_frequency():
        return get_current_settings().flows.heartbeat_frequency

    assert heartbeat_frequency() is not None  # Prefect's default: every 180 s
    assert _without_heartbeats(heartbeat_frequency) is None
    assert heartbeat_frequency() is not None
