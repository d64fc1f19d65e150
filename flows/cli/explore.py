"""`wirehouse explore`: the warehouse in a browser, through Datasette, from a read-only copy."""

import subprocess

from flows.cli.common import db_option, fail


def add_to(sub, defaults) -> None:
    explore = sub.add_parser(
        "explore", help="browse and search the warehouse with Datasette (a read-only copy, on 127.0.0.1)"
    )
    db_option(explore, defaults)
    explore.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default 8001)")
    explore.add_argument("--open", action="store_true", help="open the browser once it serves")
    explore.add_argument(
        "--publish",
        metavar="OUT.db",
        help="only write the copy (and OUT.metadata.json) for `datasette publish`, a server or a colleague",
    )
    explore.add_argument("--refresh", action="store_true", help="remake the copy even when it is current")
    explore.set_defaults(func=command, lock_timeout=defaults.lock_timeout_seconds)


def command(args) -> int:
    from flows.explore.publish import publish
    from flows.explore.server import (
        DATABASE,
        HOST,
        datasette_command,
        default_copy,
        ensure_copy,
        port_is_free,
    )
    from flows.warehouse.errors import WarehouseError

    try:
        if args.publish:
            made = publish(args.db, args.publish, lock_timeout=args.lock_timeout)
            print(f"wrote {made.path} ({made.tables} tables, {made.rows:,} rows) and {made.metadata}")
            print(f"serve it with: datasette serve -i {made.path} --metadata {made.metadata}")
            return 0
        if not port_is_free(args.port):
            return fail(f"port {args.port} on {HOST} is in use; pass another with --port")
        ready = ensure_copy(args.db, default_copy(args.db), args.lock_timeout, refresh=args.refresh)
    except WarehouseError as exc:
        return fail(str(exc))
    print(f"wirehouse: {ready.message}")
    print(f"Datasette at http://{HOST}:{args.port}/{DATABASE} (Ctrl-C stops it)", flush=True)
    server = subprocess.Popen(datasette_command(ready.path, args.port, args.open))
    try:
        return server.wait()
    except KeyboardInterrupt:
        server.terminate()
        server.wait(timeout=10)
        return 0
