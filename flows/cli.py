"""The `wirehouse` command line."""

import argparse
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

# Prefect reads these at import: no analytics calls (there is no network), quiet logs by default.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")  # no telemetry calls: there is no network to send them to
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
# A cold temporary API (new PREFECT_HOME, its database migrated) can take well over Prefect's
# default start-up timeout on a busy small machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _fail(message: str, code: int = 2) -> int:
    print(f"wirehouse: {message}", file=sys.stderr)
    return code


def _check_db_writable(db: str) -> str | None:
    """Why the warehouse file (or a DuckLake's local catalog file) cannot be written, or None."""
    if db.startswith("ducklake:"):
        from flows.warehouse import WarehouseError, ducklake_parts

        try:
            _, _, catalog_file = ducklake_parts(db, "unchecked")
        except WarehouseError as exc:
            return str(exc)
        if catalog_file is None:
            return None  # a PostgreSQL catalog: the server says
        db = str(catalog_file)
    path = Path(db).expanduser()
    if path.is_dir():
        return f"--db {db} is a folder, not a file"
    parent = path.resolve().parent
    probe = parent
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        return f"cannot write warehouse {db}: {probe} is a file, not a folder"
    if not os.access(probe, os.W_OK):
        return f"cannot write warehouse {db}: {probe} is not writable"
    if path.exists() and not os.access(path, os.W_OK):
        return f"cannot write warehouse {db}: the file is read-only"
    return None


def _print_summary(summary: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title="wirehouse run", show_header=False)
    table.add_row("documents read", str(summary["documents"]))
    table.add_row("articles", str(summary["articles"]))
    table.add_row("duplicates", str(summary["duplicates"]))
    table.add_row("rejected", str(summary["rejected"]))
    table.add_row("unchanged (skipped)", str(summary["unchanged"]))
    table.add_row("reprocessed: pipeline changed", str(summary.get("reprocessed_for_new_version", 0)))
    table.add_row("downloaded", str(summary.get("downloaded", 0)))
    table.add_row("not modified (HTTP 304)", str(summary.get("not_modified", 0)))
    for reason, count in summary["rejected_by_reason"].items():
        table.add_row(f"  rejected: {reason}", str(count))
    table.add_row("stories", str(summary["stories"]))
    for name, count in summary["rows"].items():
        table.add_row(f"rows in {name}", str(count))
    for stage, seconds in summary["seconds_by_stage"].items():
        table.add_row(f"seconds: {stage}", f"{seconds:.2f}")
    console.print(table)
    for audit, rows in summary.get("failed_audits", {}).items():
        console.print(f"[bold red]audit {audit} found {rows} bad rows[/] (sql/audits/{audit}.sql)")


class _ApiUnavailable(Exception):
    """Prefect's API did not come up; the message says why."""


@contextmanager
def _prefect_api():
    """A Prefect API for this run. With `PREFECT_API_URL` set, that server. Otherwise a private
    one, as Prefect's temporary server would be (its SQLite database in PREFECT_HOME, no
    scheduler, no UI), but started first thing, as a subprocess, so that its start-up (seconds,
    more with a new PREFECT_HOME, whose database is created) overlaps this process importing the
    pipeline; stopped at the end. Yields a function
    that returns once the API answers, or raises _ApiUnavailable saying why it does not."""
    if os.environ.get("PREFECT_API_URL"):
        url = os.environ["PREFECT_API_URL"]

        def answers() -> None:
            """Returns once that server answers at all; _ApiUnavailable if not within 10 s."""
            from flows.serve import wait_until_healthy

            try:
                wait_until_healthy(url, None, timeout=10, any_answer=True)
            except RuntimeError as exc:
                raise _ApiUnavailable(f"Prefect's API at {url} (PREFECT_API_URL) does not answer") from exc

        yield answers
        return
    import socket
    import tempfile

    from flows.serve import start_private_api, wait_until_healthy

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = Path(tempfile.gettempdir()) / f"wirehouse-prefect-api-{os.getpid()}.log"
    server = start_private_api(port, log)
    os.environ["PREFECT_API_URL"] = f"http://127.0.0.1:{port}/api"

    def ready() -> None:
        """Returns once the server answers; _ApiUnavailable with its last log lines if it never does."""
        try:
            wait_until_healthy(os.environ["PREFECT_API_URL"], server)
        except RuntimeError as exc:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
            raise _ApiUnavailable(f"Prefect's API did not start: {exc}: {' / '.join(tail)}") from exc

    try:
        yield ready
    finally:
        del os.environ["PREFECT_API_URL"]
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.unlink(missing_ok=True)


def _import_flow_engine() -> None:
    """What Prefect imports only once the flow starts (its flow engine; FastAPI's encoder, for the
    flow's parameters), imported while this process waits for the API anyway."""
    try:
        import fastapi.encoders  # noqa: F401
        import prefect.flow_engine  # noqa: F401
    except ImportError:  # a later Prefect may move them: then Prefect imports what it needs itself
        pass


def _without_heartbeats(flow, **parameters):
    """`flow` run without flow-run heartbeats, on a private API: they let a server's services
    notice a crashed run, and this API has no services and ends with the run. Prefect joins the
    heartbeat thread as a flow ends, and that thread sleeps in one-second steps."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        return flow(**parameters)


def _held(db: str):
    """The warehouse taken before Prefect starts, so a second run learns at once (after the lock
    timeout) that another process holds the file. The flow's own connection, in this same
    process, shares this one's database instance and so its lock. A DuckLake takes concurrent
    writers (SQLite or PostgreSQL catalog) or locks its own catalog file: nothing to hold."""
    from contextlib import nullcontext

    from flows.settings import Settings
    from flows.warehouse import open_warehouse

    if db.startswith("ducklake:"):
        return nullcontext()
    return open_warehouse(db, lock_timeout=Settings().lock_timeout_seconds)


def cmd_run(args: argparse.Namespace) -> int:
    from flows.sources import InputError, discover

    try:
        refs = discover(args.inputs)
    except InputError as exc:
        return _fail(str(exc))
    problem = _check_db_writable(args.db)
    if problem:
        return _fail(problem)

    return _run_pipeline(
        args.db,
        refs=refs,
        inputs=args.inputs,
        batch_size=args.batch_size,
        reprocess=args.reprocess or None,
        runner=args.runner,
    )


def _uses_process_pool(runner: str | None, batch_size: int | None, documents: int) -> bool:
    """Whether a run over `documents` inputs will use the `process` runner, as the flow decides."""
    from flows.runners import resolved_runner
    from flows.settings import Settings

    overrides = {k: v for k, v in {"runner": runner, "batch_size": batch_size}.items() if v is not None}
    settings = Settings(**overrides)
    return resolved_runner(settings.runner, documents, settings.batch_size) == "process"


def _run_pipeline(db: str, refs: list | None = None, **parameters) -> int:
    """The flow over the warehouse at `db`, its summary printed; 2 with a reason if it cannot run.

    Given the input `refs`, a run with nothing to do (every input local and held unchanged) is
    recorded and summed up without Prefect or workers; and when the run (or a rebuild, by the
    documents it re-derives) will have a process pool, the process that its workers are forked
    from starts loading while Prefect's API starts."""
    # the API first, before this process imports DuckDB, polars and the pipeline, so that its
    # start-up overlaps theirs
    private_api = not os.environ.get("PREFECT_API_URL")
    with _prefect_api() as api_ready:
        from flows.runners import start_worker_template
        from flows.runs import may_be_up_to_date

        check_first = refs is not None and may_be_up_to_date(db, refs, bool(parameters.get("reprocess")))
        pooled = refs is not None and _uses_process_pool(
            parameters.get("runner"), parameters.get("batch_size"), len(refs)
        )
        if pooled and not check_first:
            # with the API, before this process's imports: the three start-ups share both cores,
            # and the workers fork from the template as soon as the flow has a batch for them
            start_worker_template()
        from flows.warehouse import WarehouseError

        try:
            if parameters.get("rebuild"):
                from flows.runs import kept_document_count

                documents = kept_document_count(db)
                if _uses_process_pool(parameters.get("runner"), parameters.get("batch_size"), documents):
                    start_worker_template()
            with _held(db):
                if check_first:
                    from flows.runs import up_to_date_run

                    summary = up_to_date_run(db, parameters["inputs"], refs, parameters.get("batch_size"))
                    if summary is not None:
                        _print_summary(summary)
                        return 0
                    if pooled:  # something is new: the workers will be wanted after all
                        start_worker_template()
                from flows.pipeline import wirehouse_pipeline

                _import_flow_engine()
                api_ready()
                if private_api:
                    summary = _without_heartbeats(wirehouse_pipeline, db=db, **parameters)
                else:
                    summary = wirehouse_pipeline(db=db, **parameters)
        except (WarehouseError, _ApiUnavailable) as exc:
            return _fail(str(exc))
    _print_summary(summary)
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Every table re-derived from the raw documents the warehouse keeps; no network."""
    if not args.db.startswith("ducklake:") and not Path(args.db).exists():
        return _fail(f"no warehouse at {args.db}")
    return _run_pipeline(args.db, inputs=[], batch_size=args.batch_size, rebuild=True, runner=args.runner)


def cmd_snapshot(args: argparse.Namespace) -> int:
    """A read-only copy for analysts, so their sessions never block a run."""
    from flows.warehouse import WarehouseError, snapshot

    try:
        tables = snapshot(args.db, args.out)
    except WarehouseError as exc:
        return _fail(str(exc))
    print(f"wrote {args.out} ({tables} tables); open it with duckdb -readonly {args.out}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from flows import reports
    from flows.warehouse import WarehouseError

    if args.html:
        from flows.html_report import write_html_report

        if args.name is not None:
            return _fail("--html writes the whole chart page; give no report name with it")
        try:
            charts = write_html_report(args.db, args.html, since=args.since)
        except WarehouseError as exc:
            return _fail(str(exc))
        print(f"wrote {args.html} ({charts} charts); open it in a browser, it needs no network")
        return 0
    if args.name is None:
        for name, description in reports.available_reports().items():
            print(f"{name:24} {description}")
        return 0
    import duckdb

    try:
        sql = reports.report_sql(args.name)
        frame = reports.query(args.db, sql, {"entity": args.entity, "since": args.since, "as_of": args.as_of})
    except (KeyError, WarehouseError) as exc:
        return _fail(str(exc).strip("'\""))
    except duckdb.Error as exc:
        return _fail(f"report {args.name} failed: {str(exc).splitlines()[0]}")
    return _emit(frame, args, title=args.name)


def cmd_sql(args: argparse.Namespace) -> int:
    import duckdb

    from flows import reports
    from flows.warehouse import WarehouseError

    try:
        frame = reports.query(args.db, args.query)
    except WarehouseError as exc:
        return _fail(str(exc))
    except duckdb.Error as exc:
        return _fail(str(exc).splitlines()[0])
    return _emit(frame, args)


def _emit(frame, args, title=None) -> int:
    from flows import reports

    if args.format == "table" and not args.out:
        reports.print_table(frame, title=title)
        return 0
    try:
        text = reports.write_result(frame, "csv" if args.format == "table" else args.format, args.out)
    except ValueError as exc:
        return _fail(str(exc))
    if text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """The deployments in prefect.yaml on their schedules, against a real Prefect server."""
    from flows.serve import serve

    path = Path(args.prefect_yaml)
    if not path.is_file():
        return _fail(f"no {path}: serve reads its deployments from a prefect.yaml")
    try:
        serve(path, port=args.port, home=Path(args.prefect_home))
    except (ValueError, RuntimeError) as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        pass
    return 0


RUNNER_HELP = (
    "where batches are extracted and analysed: auto (default), process (a pool on this machine), "
    "thread, dask (a local Dask cluster) or dask=tcp://host:8786 (an existing one)"
)


def _runner(value: str) -> str:
    from flows.runners import check_runner

    try:
        return check_runner(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    from flows.settings import Settings

    defaults = Settings()
    parser = argparse.ArgumentParser(
        prog="wirehouse", description="News pages into a DuckDB warehouse of facts."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run", help="run the pipeline over pages, folders, URLs, feeds, sitemaps, URL lists, WARC"
    )
    run.add_argument(
        "inputs",
        nargs="+",
        metavar="INPUT",
        help="a .html/.htm/.html.gz file, a folder of them, an http(s) URL (page, RSS/Atom feed or "
        "XML sitemap), a .txt list of URLs, or a .warc/.warc.gz archive",
    )
    run.add_argument("--db", default=defaults.db, help=f"warehouse file (default {defaults.db})")
    run.add_argument("--batch-size", type=int, default=None, help="documents per task")
    run.add_argument("--reprocess", action="store_true", help="reprocess documents even when unchanged")
    run.add_argument("--runner", type=_runner, default=None, help=RUNNER_HELP)
    run.set_defaults(func=cmd_run)

    def output_options(p):
        p.add_argument("--db", default=defaults.db, help=f"warehouse file (default {defaults.db})")
        p.add_argument("--format", choices=("table", "csv", "json", "parquet"), default="table")
        p.add_argument("--out", help="write the result to this file instead of the terminal")

    report = sub.add_parser("report", help="list the SQL reports, or run one")
    report.add_argument("name", nargs="?", help="report to run (omit to list them)")
    output_options(report)
    report.add_argument("--entity", help="only rows about this entity (reports that take it)")
    report.add_argument("--since", help="only rows from this date on, YYYY-MM-DD (reports that take it)")
    report.add_argument(
        "--as-of",
        dest="as_of",
        help="the day reports of what is to come count from, YYYY-MM-DD (default today)",
    )
    report.add_argument("--html", metavar="OUT.html", help="write one self-contained page of charts instead")
    report.set_defaults(func=cmd_report)

    rebuild = sub.add_parser("rebuild", help="re-derive every table from the raw documents kept, offline")
    rebuild.add_argument("--db", default=defaults.db, help=f"warehouse file (default {defaults.db})")
    rebuild.add_argument("--batch-size", type=int, default=None, help="documents per task")
    rebuild.add_argument("--runner", type=_runner, default=None, help=RUNNER_HELP)
    rebuild.set_defaults(func=cmd_rebuild)

    snap = sub.add_parser("snapshot", help="copy the warehouse to a file analysts can hold open")
    snap.add_argument("out", help="the copy to write (replaced if it exists)")
    snap.add_argument("--db", default=defaults.db, help=f"warehouse file (default {defaults.db})")
    snap.set_defaults(func=cmd_snapshot)

    serve = sub.add_parser(
        "serve", help="serve prefect.yaml's deployments on their schedules (starts a local Prefect server)"
    )
    serve.add_argument("--prefect-yaml", default="prefect.yaml", help="deployments to serve")
    serve.add_argument("--port", type=int, default=4200, help="port of the local Prefect server")
    serve.add_argument(
        "--prefect-home", default=".prefect", help="the local server's home (its SQLite database and log)"
    )
    serve.set_defaults(func=cmd_serve)

    sql = sub.add_parser("sql", help="run a read-only SQL query on the warehouse")
    sql.add_argument("query", help="the SELECT to run")
    output_options(sql)
    sql.set_defaults(func=cmd_sql)
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


if __name__ == "__main__":
    entry_point()
