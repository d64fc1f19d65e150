"""`wirehouse serve`: the deployments in prefect.yaml on their schedules, against a real Prefect server."""

from pathlib import Path

from flows.cli.common import fail


def add_to(sub, defaults) -> None:
    serve = sub.add_parser(
        "serve", help="serve prefect.yaml's deployments on their schedules (starts a local Prefect server)"
    )
    serve.add_argument("--prefect-yaml", default="prefect.yaml", help="deployments to serve")
    serve.add_argument("--port", type=int, default=4200, help="port of the local Prefect server")
    serve.add_argument(
        "--prefect-home", default=".prefect", help="the local server's home (its SQLite database and log)"
    )
    serve.set_defaults(func=command)


def command(args) -> int:
    from flows.serve import serve

    path = Path(args.prefect_yaml)
    if not path.is_file():
        return fail(f"no {path}: serve reads its deployments from a prefect.yaml")
    try:
        serve(path, port=args.port, home=Path(args.prefect_home))
    except (ValueError, RuntimeError) as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        pass
    return 0
