"""`wirehouse report`: the SQL reports of sql/reports/ listed or run, or the page of charts."""

from flows.cli.common import emit, fail, output_options


def add_to(sub, defaults) -> None:
    report = sub.add_parser("report", help="list the SQL reports, or run one")
    report.add_argument("name", nargs="?", help="report to run (omit to list them)")
    output_options(report, defaults)
    report.add_argument("--entity", help="only rows about this entity (reports that take it)")
    report.add_argument("--since", help="only rows from this date on, YYYY-MM-DD (reports that take it)")
    report.add_argument(
        "--as-of",
        dest="as_of",
        help="the day reports of what is to come count from, YYYY-MM-DD (default today)",
    )
    report.add_argument("--html", metavar="OUT.html", help="write one self-contained page of charts instead")
    report.set_defaults(func=command)


def command(args) -> int:
    if args.html:
        return _html(args)
    from flows import reports

    if args.name is None:
        for name, description in reports.available_reports().items():
            print(f"{name:24} {description}")
        return 0
    import duckdb

    from flows.warehouse.errors import WarehouseError

    try:
        sql = reports.report_sql(args.name)
        frame = reports.query(args.db, sql, {"entity": args.entity, "since": args.since, "as_of": args.as_of})
    except (KeyError, WarehouseError) as exc:
        return fail(str(exc).strip("'\""))
    except duckdb.Error as exc:
        return fail(f"report {args.name} failed: {str(exc).splitlines()[0]}")
    return emit(frame, args, title=args.name)


def _html(args) -> int:
    from flows.html_report import write_html_report
    from flows.warehouse.errors import WarehouseError

    if args.name is not None:
        return fail("--html writes the whole chart page; give no report name with it")
    try:
        charts = write_html_report(args.db, args.html, since=args.since)
    except WarehouseError as exc:
        return fail(str(exc))
    print(f"wrote {args.html} ({charts} charts); open it in a browser, it needs no network")
    return 0
