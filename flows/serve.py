"""`wirehouse serve`: the deployments in prefect.yaml on their schedules, against a real Prefect server.

With `PREFECT_API_URL` set, that server is used. Otherwise a Prefect server is started on 127.0.0.1
with its own SQLite database under `PREFECT_HOME` (Prefect's temporary API schedules nothing),
and stopped again when serving ends. Flow runs start in subprocesses of this one, as Prefect's
runner starts them, one at a time per deployment (its concurrency limit).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flows.runners import die_with_parent


def deployment_specs(prefect_yaml: Path) -> list[dict]:
    """The deployments a prefect.yaml declares, each with a name and an entrypoint."""
    import yaml

    specs = (yaml.safe_load(prefect_yaml.read_text(encoding="utf-8")) or {}).get("deployments") or []
    for spec in specs:
        if not spec.get("name") or not spec.get("entrypoint"):
            raise ValueError(f"{prefect_yaml}: every deployment needs a name and an entrypoint")
    if not specs:
        raise ValueError(f"{prefect_yaml} declares no deployments")
    return specs


def start_local_server(port: int, log_path: Path, *options: str) -> subprocess.Popen:
    """`prefect server start` on loopback with `options`, its output to `log_path`; it ends when
    this process does."""
    prefect = Path(sys.executable).parent / "prefect"
    log = log_path.open("ab")
    return subprocess.Popen(
        [str(prefect), "server", "start", "--host", "127.0.0.1", "--port", str(port), *options],
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent,
    )


def start_private_api(port: int, log_path: Path) -> subprocess.Popen:
    """Prefect's API alone (no background services, no UI) on loopback for one run, its output to
    `log_path`; it ends when this process does.

    Started the way Prefect starts its own temporary server, uvicorn on Prefect's app factory,
    rather than through `prefect server start`, whose command line imports modules the
    API does not need: a sixth of the server's start-up, paid by every run."""
    settings = {
        "PREFECT__SERVER_FINAL": "1",  # the app factory's own switches, as Prefect's temporary server sets them
        "PREFECT__SERVER_WEBSERVER_ONLY": "1",  # no services: nothing is scheduled by a run's API
        "PREFECT_SERVER_UI_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_SERVER_LOGGING_LEVEL": "ERROR",
        # No block types written to its database: a run uses no blocks. Checking whether they are
        # written already means importing every installed Prefect collection to hash their blocks,
        # prefect-dask and with it Dask, at each start; writing them into a new PREFECT_HOME's
        # database costs more still. A `prefect server` started later registers them.
        "PREFECT_API_BLOCKS_REGISTER_ON_START": "false",
        "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
    }
    log = log_path.open("ab")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "prefect.server.api.server:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "error",
            "--lifespan",
            "on",
        ],
        env={**os.environ, **settings},
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=die_with_parent,
    )


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


def runner_deployments(specs: list[dict]):
    """Prefect runner deployments of the wirehouse flow, one per spec, with schedules and limits."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron, Interval

    from flows.pipeline import wirehouse_pipeline

    out = []
    for spec in specs:
        schedules = []
        for s in spec.get("schedules") or []:
            if "cron" in s:
                schedules.append(Cron(s["cron"], timezone=s.get("timezone"), active=s.get("active", True)))
            elif "interval" in s:
                schedules.append(Interval(s["interval"], timezone=s.get("timezone")))
        out.append(
            wirehouse_pipeline.to_deployment(
                name=spec["name"],
                description=spec.get("description"),
                schedules=schedules,
                parameters=spec.get("parameters") or {},
                concurrency_limit=spec.get("concurrency_limit"),
                tags=spec.get("tags"),
                # the installed package, so a run finds the flow from any working folder
                entrypoint_type=EntrypointType.MODULE_PATH,
            )
        )
    return out


def serve(prefect_yaml: Path, port: int, home: Path) -> None:
    """Serves the deployments until interrupted; starts (and then stops) a local server if needed."""
    specs = deployment_specs(prefect_yaml)
    # SIGTERM (a service manager, a test) ends serving as Ctrl-C does, so the server is stopped too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        home.mkdir(parents=True, exist_ok=True)
        os.environ["PREFECT_HOME"] = str(home.resolve())
        os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"
        server = start_local_server(port, home / "server.log")
        print(
            f"starting a Prefect server on http://127.0.0.1:{port} (log: {home / 'server.log'})", flush=True
        )
    api_url = os.environ["PREFECT_API_URL"]
    try:
        wait_until_healthy(api_url, server)
        import prefect

        print(f"serving {', '.join(s['name'] for s in specs)} against {api_url}", flush=True)
        prefect.serve(*runner_deployments(specs), pause_on_shutdown=False, print_starting_message=False)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
