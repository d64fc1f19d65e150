"""`wirehouse snapshot`: a read-only copy for analysts, so their sessions never block a run."""

from flows.cli.common import db_option, fail


def add_to(sub, defaults) -> None:
    snap = sub.add_parser("snapshot", help="copy the warehouse to a file analysts can hold open")
    snap.add_argument("out", help="the copy to write (replaced if it exists)")
    db_option(snap, defaults)
    snap.set_defaults(func=command)


def command(args) -> int:
    from flows.warehouse.errors import WarehouseError
    from flows.warehouse.snapshot import snapshot

    try:
        tables = snapshot(args.db, args.out)
    except WarehouseError as exc:
        return fail(str(exc))
    print(f"wrote {args.out} ({tables} tables); open it with duckdb -readonly {args.out}")
    return 0
