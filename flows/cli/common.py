"""What several commands share: the error line, the warehouse and output options, results out."""

import argparse
import sys

RUNNER_HELP = (
    "where batches are extracted and analysed: auto (default), process (a pool on this machine), "
    "thread, dask (a local Dask cluster) or dask=tcp://host:8786 (an existing one)"
)


def fail(message: str, code: int = 2) -> int:
    print(f"wirehouse: {message}", file=sys.stderr)
    return code


def db_option(parser, defaults) -> None:
    parser.add_argument("--db", default=defaults.db, help=f"warehouse file (default {defaults.db})")


def output_options(parser, defaults) -> None:
    db_option(parser, defaults)
    parser.add_argument("--format", choices=("table", "csv", "json", "parquet"), default="table")
    parser.add_argument("--out", help="write the result to this file instead of the terminal")


def runner_type(value: str) -> str:
    from flows.runtime.runners import check_runner

    try:
        return check_runner(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def batch_options(parser) -> None:
    parser.add_argument("--batch-size", type=int, default=None, help="documents per task")
    parser.add_argument("--runner", type=runner_type, default=None, help=RUNNER_HELP)


def emit(frame, args, title=None) -> int:
    """A query's result on the terminal, or written in the asked format."""
    from flows import reports

    if args.format == "table" and not args.out:
        reports.print_table(frame, title=title)
        return 0
    try:
        text = reports.write_result(frame, "csv" if args.format == "table" else args.format, args.out)
    except ValueError as exc:
        return fail(str(exc))
    if text is not None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
