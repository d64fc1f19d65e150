"""`wirehouse run`: the pipeline over inputs. The run is decided first (a `RunPlan`: may it have
nothing to do, will it have a process pool), then executed on a Prefect API started first thing,
so that the API's start-up overlaps this process importing the pipeline."""

import os
from dataclasses import dataclass

from flows.cli.common import batch_options, db_option, fail


def add_to(sub, defaults) -> None:
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
    db_option(run, defaults)
    batch_options(run)
    run.add_argument("--reprocess", action="store_true", help="reprocess documents even when unchanged")
    run.set_defaults(func=command)


def command(args) -> int:
    from flows.sources import InputError, discover

    try:
        refs = discover(args.inputs)
    except InputError as exc:
        return fail(str(exc))
    problem = check_db_writable(args.db)
    if problem:
        return fail(problem)
    parameters = {
        "inputs": args.inputs,
        "batch_size": args.batch_size,
        "reprocess": args.reprocess or None,
        "runner": args.runner,
    }
    return run_pipeline(args.db, refs, parameters)


@dataclass(frozen=True)
class RunPlan:
    """How a run will go, decided before any of it starts."""

    db: str
    parameters: dict  # the flow's, `db` apart
    refs: list | None  # the inputs, when known (a rebuild's come from the warehouse)
    # every input local and the warehouse there: it may have nothing to do, asked without Prefect
    check_first: bool
    # it will have a process pool: the workers' template starts with the API
    pooled: bool
    # the API is this run's own (no PREFECT_API_URL): the flow runs without heartbeats
    private_api: bool


def plan_run(db: str, refs: list | None, parameters: dict) -> RunPlan:
    from flows.runs import kept_document_count, may_be_up_to_date

    check_first = refs is not None and may_be_up_to_date(db, refs, bool(parameters.get("reprocess")))
    documents = kept_document_count(db) if parameters.get("rebuild") else len(refs or [])
    pooled = _uses_process_pool(parameters.get("runner"), parameters.get("batch_size"), documents)
    return RunPlan(db, parameters, refs, check_first, pooled, not os.environ.get("PREFECT_API_URL"))


def run_pipeline(db: str, refs: list | None, parameters: dict) -> int:
    """The flow over the warehouse at `db`, its summary printed; 2 with a reason if it cannot run."""
    from flows.runtime.prefect_api import ApiUnavailable, prefect_api

    # the API first, before this process imports DuckDB, polars and the pipeline
    with prefect_api() as api_ready:
        from flows.warehouse.errors import WarehouseError

        try:
            summary = execute(plan_run(db, refs, parameters), api_ready)
        except (WarehouseError, ApiUnavailable) as exc:
            return fail(str(exc))
    print_summary(summary)
    return 0


def execute(plan: RunPlan, api_ready) -> dict:
    """The planned run: the up-to-date check when planned, else (or when something is new) the flow."""
    from flows.runtime.forked_pool import start_worker_template
    from flows.runtime.prefect_api import import_flow_engine, without_heartbeats

    if plan.pooled and not plan.check_first:
        # with the API: the start-ups share both cores, and the workers fork from the template
        # as soon as the flow has a batch for them
        start_worker_template()
    with _held(plan.db):
        if plan.check_first:
            from flows.runs import up_to_date_run

            summary = up_to_date_run(
                plan.db, plan.parameters["inputs"], plan.refs, plan.parameters.get("batch_size")
            )
            if summary is not None:
                return summary
            if plan.pooled:  # something is new: the workers will be wanted after all
                start_worker_template()
        from flows.pipeline import wirehouse_pipeline

        import_flow_engine()
        api_ready()
        if plan.private_api:
            return without_heartbeats(wirehouse_pipeline, db=plan.db, **plan.parameters)
        return wirehouse_pipeline(db=plan.db, **plan.parameters)


def _uses_process_pool(runner: str | None, batch_size: int | None, documents: int) -> bool:
    """Whether a run over `documents` inputs will use the `process` runner, as the flow decides."""
    from flows.runtime.runners import resolved_runner
    from flows.settings import Settings

    overrides = {k: v for k, v in {"runner": runner, "batch_size": batch_size}.items() if v is not None}
    settings = Settings(**overrides)
    return resolved_runner(settings.runner, documents, settings.batch_size) == "process"


def check_db_writable(db: str) -> str | None:
    """Why the warehouse file (or a DuckLake's local catalog file) cannot be written, or None."""
    from flows.warehouse.errors import WarehouseError
    from flows.warehouse.location import parse_location

    try:
        location = parse_location(db)
    except WarehouseError as exc:
        return str(exc)
    if location.file is None:
        return None  # a PostgreSQL catalog: the server says
    path = location.file
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


def _held(db: str):
    """The warehouse taken before Prefect starts, so a second run learns at once (after the lock
    timeout) that another process holds the file. The flow's own connection, in this same
    process, shares this one's database instance and so its lock. A DuckLake takes concurrent
    writers (SQLite or PostgreSQL catalog) or locks its own catalog file: nothing to hold."""
    from contextlib import nullcontext

    from flows.settings import Settings
    from flows.warehouse.connect import open_warehouse
    from flows.warehouse.location import parse_location

    if parse_location(db).is_lake:
        return nullcontext()
    return open_warehouse(db, lock_timeout=Settings().lock_timeout_seconds)


def print_summary(summary: dict) -> None:
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
