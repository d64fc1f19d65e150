"""The schema: ordered migrations in sql/migrations/, applied once each, then the views of
sql/views/. A DuckLake takes the same files without the constraints it lacks."""

import hashlib
import re
from pathlib import Path

import duckdb

from flows.settings import SQL_DIR
from flows.warehouse.core import in_transaction, is_ducklake
from flows.warehouse.errors import WarehouseError

MIGRATIONS_DIR = SQL_DIR / "migrations"
VIEWS_DIR = SQL_DIR / "views"

# The first line of a migration that only a DuckDB file takes (a DuckLake records it as applied).
DUCKDB_FILE_ONLY = "-- wirehouse: DuckDB file only"


def migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """The ordered DDL files: `NNN_what.sql`, applied once each in number order."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = re.match(r"(\d+)_", path.name)
        if match:
            found.append((int(match.group(1)), path))
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    def create_and_read() -> int:
        con.execute(
            _ddl(
                con,
                "create table if not exists schema_version (version integer primary key, applied_at timestamptz)",
            )
        )
        return con.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0]

    # every read of a DuckLake's SQLite catalog may meet another writer's lock: in_transaction waits
    return in_transaction(con, create_and_read)


def migrate(con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR) -> int:
    """Brings the schema up to date in place; refuses a warehouse made by a newer wirehouse."""
    current = schema_version(con)
    known = migrations(directory)
    newest = known[-1][0] if known else 0
    if current > newest:
        raise WarehouseError(
            f"warehouse schema version {current} is newer than this wirehouse knows ({newest}); upgrade wirehouse"
        )
    for version, path in known:
        if version <= current:
            continue

        def apply(version: int = version, path: Path = path) -> None:
            # two runs opening one new DuckLake at once: the loser of the commit finds it applied
            if con.execute("select count(*) from schema_version where version = ?", [version]).fetchone()[0]:
                return
            sql = path.read_text(encoding="utf-8")
            if not (sql.startswith(DUCKDB_FILE_ONLY) and is_ducklake(con)):
                con.execute(_ddl(con, sql))
            con.execute("insert into schema_version values (?, current_timestamp)", [version])

        in_transaction(con, apply)
    if directory == MIGRATIONS_DIR:
        # the views read the newest schema: a warehouse brought only part of the way (a test of
        # an older version) has no views yet, and gains them with the remaining migrations
        _create_views(con)
    # Write the schema into the file now, so the write-ahead log never holds DDL: DuckDB 1.5.5
    # cannot replay a logged CREATE TABLE whose default calls a function (current_timestamp)
    # after a kill -9 ("GetDefaultDatabase with no default database set"). A DuckLake commits
    # every transaction to its catalog and Parquet files, and has no such log.
    if not is_ducklake(con):
        con.execute("checkpoint")
    return newest


def _view_files(directory: Path) -> tuple[list[Path], str]:
    """The view files in order, and the digest of their names and text."""
    paths = sorted(directory.glob("*.sql"))
    digest = hashlib.sha256(b"\0".join(p.name.encode() + b"\0" + p.read_bytes() for p in paths)).hexdigest()
    return paths, digest


class OlderWarehouse(WarehouseError):
    """A warehouse an older wirehouse wrote: its tables lack what this version's views read."""


_CREATE_VIEW = re.compile(r"\bcreate\s+or\s+replace\s+view\b", re.I)


def views_for_reading(con: duckdb.DuckDBPyConnection, directory: Path = VIEWS_DIR) -> None:
    """On a read-only connection to a warehouse whose views another wirehouse version wrote, this
    version's views, as temporary ones (the file cannot be written), so that reports read what
    this version's reports expect; a warehouse whose tables are too old for them says how to
    bring it up to date."""
    paths, digest = _view_files(directory)
    try:
        stored = con.execute("select digest from view_digest").fetchall()
    except duckdb.Error:
        stored = []
    if stored == [(digest,)]:
        return
    for path in paths:
        try:
            con.execute(_CREATE_VIEW.sub("create or replace temp view", path.read_text(encoding="utf-8")))
        except duckdb.Error as exc:
            raise OlderWarehouse(
                f"the warehouse was written by an older wirehouse ({path.stem}: {str(exc).splitlines()[0]})"
            ) from exc


def _create_views(con: duckdb.DuckDBPyConnection, directory: Path = VIEWS_DIR) -> None:
    """The views in sql/views/, created again only when their files changed: a DuckLake commits
    any DDL to its catalog, and a second writer re-creating them would wait on (and fail against)
    the catalog lock of a run that is loading."""
    paths, digest = _view_files(directory)
    in_transaction(
        con,
        lambda: con.execute(
            _ddl(con, "create table if not exists view_digest (digest varchar, created_at timestamptz)")
        ),
    )

    def current() -> bool:
        return con.execute(
            "select count(*) = 1 and bool_and(digest = ?) from view_digest", [digest]
        ).fetchone()[0]

    if in_transaction(con, current):
        return

    def create() -> None:
        if current():  # another writer created them meanwhile
            return
        for path in paths:
            con.execute(path.read_text(encoding="utf-8"))
        con.execute("delete from view_digest")
        con.execute("insert into view_digest values (?, current_timestamp)", [digest])

    in_transaction(con, create)  # two writers opening a lake whose views changed: one waits


# DuckLake tables take no primary keys, unique or check constraints, and no function defaults:
# the same migrations are applied with those left out (loads never rely on them: they delete
# before they insert, and anti-join where an upsert would be used).
_DUCKLAKE_DROPS = (
    re.compile(r",\s*primary key\s*\([^)]*\)", re.I),
    re.compile(r"\s+primary key\b", re.I),
    re.compile(r"\s+check\s*\((?:[^()]|\([^()]*\))*\)", re.I),
    re.compile(r"\s+not null default current_timestamp\b", re.I),
    re.compile(r"\s+default current_timestamp\b", re.I),
)


def _ddl(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """A migration as the connected warehouse takes it: as written for a DuckDB file, without
    the constraints DuckLake lacks for a DuckLake."""
    if not is_ducklake(con):
        return sql
    for pattern in _DUCKLAKE_DROPS:
        sql = pattern.sub("", sql)
    return sql
