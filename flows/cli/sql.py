"""`wirehouse sql`: one read-only query on the warehouse."""

from flows.cli.common import emit, fail, output_options


def add_to(sub, defaults) -> None:
    sql = sub.add_parser("sql", help="run a read-only SQL query on the warehouse")
    sql.add_argument("query", help="the SELECT to run")
    output_options(sql, defaults)
    sql.set_defaults(func=command)


def command(args) -> int:
    import duckdb

    from flows import reports
    from flows.warehouse.errors import WarehouseError

    try:
        frame = reports.query(args.db, args.query)
    except WarehouseError as exc:
        return fail(str(exc))
    except duckdb.Error as exc:
        return fail(str(exc).splitlines()[0])
    return emit(frame, args)
