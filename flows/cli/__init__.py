"""The `wirehouse` command line: one module per command, each with `add_to(subparsers, defaults)`
declaring its arguments and a `command(args) -> int` that runs it."""

import os
import sys

# Prefect reads these at import: no analytics calls (there is no network), quiet logs by default.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")  # no telemetry calls: there is no network to send them to
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
# A cold temporary API (new PREFECT_HOME, its database migrated) can take well over Prefect's
# default start-up timeout on a busy small machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def build_parser():
    import argparse

    from flows.cli import explore, rebuild, report, run, serve, snapshot, sql
    from flows.settings import Settings

    defaults = Settings()
    parser = argparse.ArgumentParser(
        prog="wirehouse", description="News pages into a DuckDB warehouse of facts."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for module in (run, report, rebuild, snapshot, explore, serve, sql):
        module.add_to(sub, defaults)
    return parser


def main(argv: list[str] | None = None) -> int:
    import logging

    # trafilatura logs every page it gives up on; the run summary already counts them with reasons
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    args = build_parser().parse_args(argv)
    return args.func(args)


def entry_point() -> None:
    """The `wirehouse` command: `main`, then, when the command ran on its own private Prefect
    API, the process ends without the interpreter's teardown (joining Prefect's client threads and
    freeing the heap was a sizeable share of an incremental run). By then the warehouse
    is closed and that API stopped: Prefect's exit handlers could only address a server that is
    gone. With PREFECT_API_URL set they run as usual."""
    import logging

    own_api = not os.environ.get("PREFECT_API_URL")
    code = main()
    if own_api:
        sys.stdout.flush()
        sys.stderr.flush()
        logging.shutdown()
        os._exit(code)
    sys.exit(code)
