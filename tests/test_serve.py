"""Schedules on a real Prefect server: `wirehouse serve` registers prefect.yaml's deployment, and a
run triggered through the server's REST API completes with rows in the warehouse."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest

from flows.serve import deployment_specs
from tests.conftest import ROOT

WIREHOUSE = str(Path(sys.executable).parent / "wirehouse")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(probe, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = probe()
        if value:
            return value
        time.sleep(1)
    pytest.fail(f"{what} within {timeout:.0f} s")


def test_prefect_yaml_declares_a_scheduled_single_run_deployment():
    (spec,) = deployment_specs(ROOT / "prefect.yaml")
    assert spec["entrypoint"] == "flows/pipeline.py:wirehouse_pipeline"
    assert spec["concurrency_limit"] == 1
    assert spec["schedules"][0]["cron"] and spec["schedules"][0]["timezone"]
    assert set(spec["parameters"]) == {"inputs", "db"}


def test_a_run_triggered_through_the_server_completes(tmp_path, seed_dir):
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "1"  # pick the triggered run up at once
    log = (tmp_path / "serve.log").open("wb")
    serving = subprocess.Popen(
        [WIREHOUSE, "serve", "--port", str(port), "--prefect-home", str(tmp_path / "home")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:

        def deployment():
            try:
                r = httpx.get(f"{api}/deployments/name/wirehouse-pipeline/hourly", timeout=5)
            except httpx.HTTPError:
                return None
            return r.json() if r.status_code == 200 else None

        found = wait_for(deployment, 180, "the deployment was not registered")
        assert found["schedules"][0]["schedule"]["cron"] == "0 * * * *"
        assert found["schedules"][0]["schedule"]["timezone"] == "UTC"
        assert found["global_concurrency_limit"]["limit"] == 1

        db = tmp_path / "served.duckdb"
        answers = []

        def created():
            # the server's SQLite database is shared with the serving runner, which may be writing:
            # an error answer created no run, so asking again is safe
            try:
                r = httpx.post(
                    f"{api}/deployments/{found['id']}/create_flow_run",
                    json={"parameters": {"inputs": [str(seed_dir)], "db": str(db)}},
                    timeout=10,
                )
            except httpx.HTTPError as exc:
                answers.append(repr(exc))
                return None
            answers.append(f"{r.status_code} {r.text[:300]}")
            return r.json() if r.status_code == 201 else None

        run = wait_for(created, 60, "no flow run was created")
        assert len(answers) < 5, answers  # a server that keeps refusing is a failure, not a hiccup

        def finished():
            try:
                state = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=5).json()["state"]
            except httpx.HTTPError:
                return None
            return state if state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None

        state = wait_for(finished, 240, "the triggered run did not finish")
        assert state["type"] == "COMPLETED", state
    finally:
        serving.send_signal(signal.SIGINT)
        try:
            serving.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(serving.pid, signal.SIGKILL)
        log.close()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from article").fetchone()[0] == 2
        assert con.execute("select count(*) from claim").fetchone()[0] > 0
    # serving stopped its server: the port is free again
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_a_run_through_a_work_pool_and_worker_completes(tmp_path, seed_dir, monkeypatch):
    """The README's other way: `prefect deploy --all` registers prefect.yaml's deployment to a
    process work pool, and `prefect worker start` runs it (here once, against a private API)."""
    from flows.runtime.prefect_api import start_private_api, wait_until_healthy

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "home"))  # the server's database, and the CLI's
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_API_URL"] = api
    server = start_private_api(port, tmp_path / "api.log")
    try:
        wait_until_healthy(api, server)
        prefect = str(Path(sys.executable).parent / "prefect")

        def prefect_cli(*args, timeout=180):
            done = subprocess.run(
                [prefect, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
            )
            assert done.returncode == 0, (
                f"prefect {' '.join(args)}: {done.stdout[-1500:]} {done.stderr[-1500:]}"
            )
            return done.stdout

        prefect_cli("work-pool", "create", "wirehouse", "--type", "process")
        prefect_cli("--no-prompt", "deploy", "--all")
        deployment = httpx.get(f"{api}/deployments/name/wirehouse-pipeline/hourly", timeout=10).json()
        assert deployment["work_pool_name"] == "wirehouse"
        assert deployment["schedules"][0]["schedule"]["cron"] == "0 * * * *"
        db = tmp_path / "pooled.duckdb"
        run = httpx.post(
            f"{api}/deployments/{deployment['id']}/create_flow_run",
            json={"parameters": {"inputs": [str(seed_dir)], "db": str(db)}},
            timeout=10,
        ).json()
        prefect_cli("worker", "start", "--pool", "wirehouse", "--run-once", timeout=300)
        state = httpx.get(f"{api}/flow_runs/{run['id']}", timeout=10).json()["state"]
        assert state["type"] == "COMPLETED", state
    finally:
        server.terminate()
        server.wait(timeout=30)
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from article").fetchone()[0] == 2
