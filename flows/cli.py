"""The `wirehouse` command line."""

import argparse
import os
import sys
from pathlib import Path

# Prefect reads these at import: no analytics calls (there is no network), quiet logs by default.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
# A cold temporary API (new PREFECT_HOME, its database migrated) can take well over Prefect's
# default 20 s on a busy 2-core machine.
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def _fail(message: str, code: int = 2) -> int:
    print(f"wirehouse: {message}", file=sys.stderr)
    return code


def _check_db_writable(db: str) -> str | None:
    """Why the warehouse file cannot be written, or None when it can."""
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
    for reason, count in summary["rejected_by_reason"].items():
        table.add_row(f"  rejected: {reason}", str(count))
    table.add_row("stories", str(summary["stories"]))
    for name, count in summary["rows"].items():
        table.add_row(f"rows in {name}", str(count))
    for stage, seconds in summary["seconds_by_stage"].items():
        table.add_row(f"seconds: {stage}", f"{seconds:.2f}")
    console.print(table)


def cmd_run(args: argparse.Namespace) -> int:
    from flows.sources import InputError, discover
    from flows.warehouse import WarehouseError

    try:
        discover(args.inputs)
    except InputError as exc:
        return _fail(str(exc))
    problem = _check_db_writable(args.db)
    if problem:
        return _fail(problem)
    from flows.pipeline import wirehouse_pipeline

    try:
        summary = wirehouse_pipeline(inputs=args.inputs, db=args.db, batch_size=args.batch_size,
                                     reprocess=args.reprocess or None)
    except WarehouseError as exc:
        return _fail(str(exc))
    _print_summary(summary)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from flows.settings import Settings

    defaults = Settings()
    parser = argparse.ArgumentParser(prog="wirehouse", description="News pages into a DuckDB warehouse of facts.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the pipeline over pages, folders of pages")
    run.add_argument("inputs", nargs="+", metavar="INPUT", help="a .html/.htm/.html.gz file or a folder of them")
    run.add_argument("--db", default=defaults.db, help=f"warehouse file (default {defaults.db})")
    run.add_argument("--batch-size", type=int, default=None, help="documents per task")
    run.add_argument("--reprocess", action="store_true", help="reprocess documents even when unchanged")
    run.set_defaults(func=cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
