"""Prefect's API for one run: a server named by `PREFECT_API_URL`, or a private one started for
the run and stopped after it; and the switches that make a run on it cheaper.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from flows.runtime.workers import die_with_parent

# Public settings for a run's own API: no UI, no analytics, quiet, and no block types written
# to its database (a run uses no blocks; checking whether they are written imports every
# installed Prefect collection, prefect-dask and with it Dask, at each start).
QUIET_SERVER = {
    "PREFECT_SERVER_UI_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_LOGGING_LEVEL": "ERROR",
    "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
    "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
}


class ApiUnavailable(Exception):
    """Prefect's API did not come up; the message says why."""


def start_local_server(port: int, log_path: Path, *options: str, env: dict | None = None) -> subprocess.Popen:
    """`prefect server start` on loopback with `options`, its output to `log_path`; it ends when
    this process does."""
    prefect = Path(sys.executable).parent / "prefect"
    log = log_path.open("ab")
    return subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port), *options],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent,
    )


def start_private_api(port: int, log_path: Path) -> subprocess.Popen:
    """Prefect's API alone (no background services, no UI) on loopback for one run, its output to
    `log_path`; it ends when this process does. `prefect server start`, Prefect's public way:
    uvicorn on Prefect's app factory with its private switches was no faster to start
    (docs/decisions/removed-shortcuts.md)."""
    return start_local_server(port, log_path, "--no-services", "--no-ui", env={**os.environ, **QUIET_SERVER})


def wait_until_healthy(
    api_url: str, server: subprocess.Popen | None, timeout: float = 120.0, any_answer: bool = False
) -> None:
    """Returns once the API answers its health check (with `any_answer`, answers at all, whatever
    the status: a hosted API may want its key even for /health); raises RuntimeError if it dies
    or never answers."""
    import httpx  # here: the CLI starts the API before importing anything it does not need first

    deadline = time.monotonic() + timeout
    # one client for every poll: a new one builds a TLS context (the CA bundle read and parsed),
    # CPU taken from the server that is starting beside it
    with httpx.Client(timeout=2) as client:
        while time.monotonic() < deadline:
            if server is not None and server.poll() is not None:
                raise RuntimeError(f"the Prefect server exited with code {server.returncode}")
            try:
                if client.get(f"{api_url.rstrip('/')}/health").status_code == 200 or any_answer:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    raise RuntimeError(f"the Prefect server at {api_url} did not answer within {timeout:.0f} s")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


@contextmanager
def prefect_api():
    """A Prefect API for this run. With `PREFECT_API_URL` set, that server. Otherwise a private
    one, as Prefect's temporary server would be (its SQLite database in PREFECT_HOME, no
    scheduler, no UI), but started first thing, as a subprocess, so that its start-up overlaps
    this process importing the pipeline; stopped at the end. Yields a function that returns once
    the API answers, or raises ApiUnavailable saying why it does not."""
    if os.environ.get("PREFECT_API_URL"):
        url = os.environ["PREFECT_API_URL"]

        def answers() -> None:
            """Returns once that server answers at all; ApiUnavailable if not within 10 s."""
            try:
                wait_until_healthy(url, None, timeout=10, any_answer=True)
            except RuntimeError as exc:
                raise ApiUnavailable(f"Prefect's API at {url} (PREFECT_API_URL) does not answer") from exc

        yield answers
        return
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = Path(tempfile.gettempdir()) / f"wirehouse-prefect-api-{os.getpid()}.log"
    server = start_private_api(port, log)
    os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"

    def ready() -> None:
        """Returns once the server answers; ApiUnavailable with its last log lines if it never does."""
        try:
            wait_until_healthy(os.environ["PREFECT_API_URL"], server)
        except RuntimeError as exc:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
            raise ApiUnavailable(f"Prefect's API did not start: {exc}: {' / '.join(tail)}") from exc

    try:
        yield ready
    finally:
        del os.environ["PREFECT_API_URL"]
        stop(server)
        log.unlink(missing_ok=True)


def import_flow_engine() -> None:
    """What Prefect imports only once the flow starts (its flow engine; FastAPI's encoder, for the
    flow's parameters), imported while this process waits for the API anyway."""
    try:
        import fastapi.encoders  # noqa: F401
        import prefect.flow_engine  # noqa: F401
    except ImportError:  # a later Prefect may move them: then Prefect imports what it needs itself
        pass


def without_heartbeats(flow, **parameters):
    """`flow` run without flow-run heartbeats, on a private API: they let a server's services
    notice a crashed run, and this API has no services and ends with the run. Prefect joins the
    heartbeat thread as a flow ends, and that thread sleeps in one-second steps."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return flow(**parameters)
