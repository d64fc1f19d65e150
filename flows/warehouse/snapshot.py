"""A read-only copy of the warehouse for analysts, so their sessions never block a run."""

from pathlib import Path

import duckdb

from flows.warehouse.connect import open_for_copying
from flows.warehouse.core import sql_string
from flows.warehouse.errors import WarehouseError
from flows.warehouse.location import parse_location


def snapshot(db: str, out: str, lock_timeout: float = 30.0) -> int:
    """Copies every table and view of the warehouse (a DuckDB file or a DuckLake) into a new
    DuckDB file at `out`."""
    target = Path(out)
    is_lake = parse_location(db).is_lake
    if not is_lake and not Path(db).exists():
        raise WarehouseError(f"no warehouse at {db}; run `wirehouse run` first")
    if not is_lake and target.resolve() == Path(db).resolve():
        raise WarehouseError("the snapshot must be another file than the warehouse")
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    with open_for_copying(db, lock_timeout) as (con, source):
        tables = _copy_database(con, source, tmp, db)
    tmp.replace(target)  # readers of an older snapshot never see a half-written file
    return tables


def _copy_database(con: duckdb.DuckDBPyConnection, source: str, tmp: Path, db: str) -> int:
    try:
        con.execute(f"attach '{sql_string(str(tmp))}' as snapshot")
        con.execute(f"copy from database {source} to snapshot")
        tables = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'snapshot'"
        ).fetchone()[0]
        con.execute("detach snapshot")
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot snapshot {db}: {str(exc).splitlines()[0]}") from exc
    return tables
