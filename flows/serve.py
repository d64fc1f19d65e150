"""`wirehouse serve`: the deployments in prefect.yaml on their schedules, against a real Prefect server.

With `PREFECT_API_URL` set, that server is used. Otherwise a Prefect server is started on 127.0.0.1
with its own SQLite database under `PREFECT_HOME` (Prefect's temporary API schedules nothing),
and stopped again when serving ends. Flow runs start in subprocesses of this one, as Prefect's
runner starts them, one at a time per deployment (its concurrency limit).
"""

import os
import signal
from pathlib import Path

from flows.runtime.prefect_api import start_local_server, stop, wait_until_healthy


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
            stop(server)
