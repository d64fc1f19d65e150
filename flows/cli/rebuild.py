"""`wirehouse rebuild`: every table re-derived from the raw documents the warehouse keeps; no network."""

from flows.cli.common import batch_options, db_option, fail


def add_to(sub, defaults) -> None:
    rebuild = sub.add_parser("rebuild", help="re-derive every table from the raw documents kept, offline")
    db_option(rebuild, defaults)
    batch_options(rebuild)
    rebuild.set_defaults(func=command)


def command(args) -> int:
    from flows.cli.run import run_pipeline
    from flows.warehouse.location import parse_location

    if not parse_location(args.db).may_exist():
        return fail(f"no warehouse at {args.db}")
    parameters = {"inputs": [], "batch_size": args.batch_size, "rebuild": True, "runner": args.runner}
    return run_pipeline(args.db, None, parameters)
