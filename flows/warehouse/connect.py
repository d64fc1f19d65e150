"""Opening the warehouse: a DuckDB file (waiting for, and naming, another process that holds
it) or a DuckLake (its extensions loaded from their PyPI packages); migrated when opened for
writing."""

import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from flows.warehouse.core import despite_other_writers, sql_string
from flows.warehouse.errors import WarehouseError
from flows.warehouse.location import DUCKLAKE_PREFIX, Location, parse_location
from flows.warehouse.migrate import OlderWarehouse, migrate, views_for_reading

_LOCK_HOLDER = re.compile(r"PID (\d+)")


def _connect_with_retry(path: str, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout
    delay = 0.2
    told = False
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            message = str(exc)
            if "lock" not in message.lower():
                raise WarehouseError(f"cannot open warehouse {path}: {message.splitlines()[0]}") from exc
            holder = _LOCK_HOLDER.search(message)
            who = f" (pid {holder.group(1)})" if holder else ""
            if not told and timeout > 0:
                print(
                    f"wirehouse: warehouse {path} is in use by another process{who}; "
                    f"waiting up to {timeout:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
                told = True
            if time.monotonic() >= deadline:
                raise WarehouseError(
                    f"warehouse {path} is in use by another process{who}; waited {timeout:.0f} s. "
                    "Close the other session, or query a copy made with `wirehouse snapshot`."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def extension_path(name: str) -> str:
    """The path of a DuckDB extension shipped as a PyPI package (duckdb-extension-NAME): DuckDB
    cannot download extensions here, and a path never depends on an extension server."""
    import importlib

    package = importlib.import_module(f"duckdb_extension_{name}")
    folder = Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    return str(folder / f"{name}.duckdb_extension")


def _connect_ducklake(
    location: Location, read_only: bool, data_path: str | None, lock_timeout: float = 30.0
) -> duckdb.DuckDBPyConnection:
    spec, catalog, file = location.spec, location.catalog, location.file
    data = location.data_path(data_path)
    if file is not None and read_only and not file.exists():
        raise WarehouseError(f"no warehouse at {spec}; run `wirehouse run` first")
    if file is not None and not read_only:
        _make_parent(file)
    con = duckdb.connect()
    try:
        con.execute(f"load '{sql_string(extension_path('ducklake'))}'")
        if catalog.startswith("sqlite:"):
            con.execute(f"load '{sql_string(extension_path('sqlite_scanner'))}'")
        elif catalog.startswith("postgres:"):
            con.execute(f"load '{sql_string(extension_path('postgres_scanner'))}'")
        if data.startswith(("s3://", "gs://", "gcs://", "r2://", "az://", "abfss://", "http")):
            # credentials, region and endpoint come from the environment as DuckDB reads it
            # (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, DUCKDB_S3_ENDPOINT,
            # DUCKDB_S3_USE_SSL); the URL style has no variable, so it is a setting
            con.execute(f"load '{sql_string(extension_path('httpfs'))}'")
            url_style = _s3_url_style_setting()
            if url_style:
                con.execute(f"set s3_url_style = '{sql_string(url_style)}'")
        options = f"data_path '{sql_string(data)}'" + (", read_only" if read_only else "")
        # another run may be creating this lake's catalog, or committing to it: wait our turn,
        # for the attach and again for `use`, which reads the catalog's latest snapshot
        despite_other_writers(
            lambda: con.execute(f"attach '{DUCKLAKE_PREFIX}{sql_string(catalog)}' as lake ({options})"),
            lock_timeout,
        )
        despite_other_writers(lambda: con.execute("use lake"), lock_timeout)
    except (duckdb.Error, ModuleNotFoundError) as exc:
        con.close()
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            raise WarehouseError(f"warehouse {spec} is in use by another process: {message}") from exc
        raise WarehouseError(f"cannot open warehouse {spec}: {message}") from exc
    return con


def _connect(
    path: str, read_only: bool, lock_timeout: float, ducklake_data_path: str | None
) -> duckdb.DuckDBPyConnection:
    location = parse_location(path)
    if location.is_lake:
        return _connect_ducklake(
            location, read_only, ducklake_data_path or _ducklake_data_path_setting(), lock_timeout
        )
    if not read_only:
        _make_parent(path)
    elif not location.may_exist():
        raise WarehouseError(f"no warehouse at {path}; run `wirehouse run` first")
    return _connect_with_retry(path, read_only, lock_timeout)


@contextmanager
def open_warehouse(
    path: str, read_only: bool = False, lock_timeout: float = 30.0, ducklake_data_path: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, migrated when opened for writing; closed on exit.

    Opened for reading, it reads with this version's views; a warehouse an older wirehouse wrote,
    whose tables lack what they read, is first brought up to date (migrations only add), and says
    why when it cannot be (another run holds it, or the file cannot be written).

    `path` is a DuckDB file, or `ducklake:…` for a DuckLake (see `flows.warehouse.location`),
    which several processes can write at once when its catalog is SQLite or PostgreSQL."""
    con = _connect(path, read_only, lock_timeout, ducklake_data_path)
    try:
        if not read_only:
            migrate(con)
        else:
            try:
                views_for_reading(con)
            except OlderWarehouse as older:
                con.close()
                _bring_up_to_date(path, lock_timeout, ducklake_data_path, older)
                con = _connect(path, read_only, lock_timeout, ducklake_data_path)
                views_for_reading(con)
        yield con
    finally:
        con.close()


def _bring_up_to_date(
    path: str, lock_timeout: float, ducklake_data_path: str | None, older: Exception
) -> None:
    try:
        with open_warehouse(path, lock_timeout=lock_timeout, ducklake_data_path=ducklake_data_path):
            pass
    except (WarehouseError, duckdb.Error, OSError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise WarehouseError(f"{older}; it could not be brought up to date here: {reason}") from exc


@contextmanager
def open_for_copying(
    path: str, lock_timeout: float = 30.0
) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
    """(a connection, the warehouse's database name on it): the warehouse attached read-only and
    in use, on a connection that can attach other databases for writing (a read-only DuckDB
    connection makes every database it attaches read-only too). Closed on exit."""
    location = parse_location(path)
    if location.is_lake:
        with open_warehouse(path, read_only=True, lock_timeout=lock_timeout) as con:
            yield con, "lake"
        return
    # wait for a writer like any reader would, then read through a scratch in-memory database
    with open_warehouse(path, read_only=True, lock_timeout=lock_timeout):
        pass
    con = duckdb.connect()
    try:
        try:
            con.execute(f"attach '{sql_string(path)}' as source (read_only)")
            con.execute("use source")
        except duckdb.Error as exc:
            raise WarehouseError(f"cannot open warehouse {path}: {str(exc).splitlines()[0]}") from exc
        views_for_reading(con)
        yield con, "source"
    finally:
        con.close()


def _make_parent(path: str | Path) -> None:
    parent = Path(path).expanduser().resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot create the folder for warehouse {path}: {exc.strerror}") from exc


def _ducklake_data_path_setting() -> str | None:
    from flows.settings import Settings

    return Settings().ducklake_data_path


def _s3_url_style_setting() -> str | None:
    from flows.settings import Settings

    return Settings().s3_url_style
