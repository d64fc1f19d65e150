"""The browsable copy: a SQLite file written from the warehouse through DuckDB's sqlite extension,
with the keys, links, full-text indexes and metadata Datasette reads; remade only when the
warehouse has changed since it was made."""

import hashlib
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from flows.explore.catalog import (
    Catalog,
    TableSpec,
    as_sqlite_value,
    create_table_sql,
    datasette_metadata,
    metadata_json,
    parse_catalog,
    search_sql,
)
from flows.reports import REPORTS_DIR, available_reports, report_sql, set_parameters
from flows.settings import SQL_DIR
from flows.warehouse.connect import extension_path, open_for_copying
from flows.warehouse.core import sql_string
from flows.warehouse.errors import WarehouseError
from transforms.gazetteer import geocoded_places

CATALOG = SQL_DIR / "catalog.toml"
# the copy's own record of what it was made from (hidden in Datasette)
STATE_TABLE = "wirehouse_copy"
_FORMAT_SOURCES = (CATALOG, *sorted(REPORTS_DIR.glob("*.sql")), *sorted((SQL_DIR / "views").glob("*.sql")))


@dataclass(frozen=True)
class Published:
    path: Path
    metadata: Path
    tables: int
    rows: int
    state: dict[str, str]


def load_catalog() -> Catalog:
    return parse_catalog(CATALOG.read_text(encoding="utf-8"))


def copy_format() -> str:
    """A digest of what decides the copy's shape besides the warehouse's rows: the catalog, the
    reports and views, and this package's code; a copy of another format is remade."""
    digest = hashlib.sha256()
    for path in (*_FORMAT_SOURCES, *sorted(Path(__file__).parent.glob("*.py"))):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def warehouse_state(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """What says the warehouse changed: its runs (how many, the last one and whether it
    finished), and the copy's format."""
    runs, last, started, finished = con.execute(
        "select count(*), arg_max(run_id, started_at), max(started_at), arg_max(finished_at, started_at) "
        "from pipeline_run"
    ).fetchone()
    return {
        "runs": str(runs),
        "last_run_id": last or "",
        "last_run_started_at": started.isoformat() if started else "",
        "last_run_finished_at": finished.isoformat() if finished else "",
        "format": copy_format(),
    }


def copy_state(path: Path) -> dict[str, str] | None:
    """The state a copy was made from, or None when there is no readable copy there."""
    if not path.is_file():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(con.execute(f"select key, value from {STATE_TABLE}").fetchall())
        finally:
            con.close()
    except sqlite3.Error:
        return None


def stale_reason(copy: dict[str, str] | None, warehouse: dict[str, str]) -> str | None:
    """Why the copy must be remade, or None when it shows the warehouse as it is."""
    if copy is None:
        return "no copy yet"
    if copy.get("format") != warehouse["format"]:
        return "wirehouse's reports or catalog changed"
    keys = ("runs", "last_run_id", "last_run_finished_at")
    if any(copy.get(k) != warehouse[k] for k in keys):
        return "the warehouse has had a run since the copy was made"
    return None


def with_coordinates(places: pl.DataFrame) -> pl.DataFrame:
    """The places report with latitude, longitude and kind (country or city) from GeoNames,
    offline; empty where GeoNames does not know the name, so the map shows what it can place."""
    located = geocoded_places(places.select("name", "type")).unique(["name", "type"])
    return places.join(located, on=["name", "type"], how="left", maintain_order="left")


# reports whose published rows gain columns computed in Python
ENRICHMENTS: dict[str, Callable[[pl.DataFrame], pl.DataFrame]] = {"places_in_the_news": with_coordinates}


def _describe(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[str, str]]:
    relation = con.sql(sql)
    return [(name, str(kind)) for name, kind in zip(relation.columns, relation.types, strict=True)]


def _table_sql(spec: TableSpec) -> str:
    order = f" order by {spec.order_by}" if spec.order_by else ""
    return f"select * from {spec.source}{order}"


def _report_sql(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """The report's rows as a relation: its own SQL with no parameters, or, when the report is
    enriched, its result with the added columns (registered on the connection)."""
    sql = report_sql(name).strip().rstrip(";")
    enrich = ENRICHMENTS.get(name)
    if enrich is None:
        return f"select * from (\n{sql}\n)"
    con.register(f"{name}_rows", enrich(con.execute(sql).pl()).to_arrow())
    return f"select * from {name}_rows"


def _plan(con: duckdb.DuckDBPyConnection, catalog: Catalog) -> list[tuple[TableSpec, str, list]]:
    """(spec, the select that gives its rows, its DuckDB columns) for every table of the copy:
    the catalog's tables, then one per report."""
    plan = [
        (spec, sql, _describe(con, sql)) for spec in catalog.tables.values() for sql in [_table_sql(spec)]
    ]
    for name in available_reports():
        spec = catalog.reports.get(name) or TableSpec(name=name, is_report=True)
        sql = _report_sql(con, name)
        plan.append((spec, sql, _describe(con, sql)))
    return plan


def _write_rows(con: duckdb.DuckDBPyConnection, tmp: Path, plan) -> int:
    con.execute(f"load '{sql_string(extension_path('sqlite_scanner'))}'")
    con.execute(f"attach '{sql_string(str(tmp))}' as explore_copy (type sqlite)")
    rows = 0
    try:
        for spec, sql, columns in plan:
            values = ", ".join(as_sqlite_value(name, kind) for name, kind in columns)
            con.execute(f'insert into explore_copy."{spec.name}" select {values} from ({sql})')
            rows += con.execute(f'select count(*) from explore_copy."{spec.name}"').fetchone()[0]
    finally:
        con.execute("detach explore_copy")
    return rows


def _finish(tmp: Path, plan, state: dict[str, str]) -> None:
    """Full-text indexes and the copy's record of what it was made from."""
    con = sqlite3.connect(tmp)
    try:
        for spec, _, _ in plan:
            for statement in search_sql(spec):
                con.execute(statement)
        con.execute(f"create table {STATE_TABLE} (key text primary key, value text)")
        con.executemany(f"insert into {STATE_TABLE} values (?, ?)", sorted(state.items()))
        con.commit()
        con.execute("analyze")
    finally:
        con.close()


def metadata_path(copy: Path) -> Path:
    return copy.with_name(copy.stem + ".metadata.json")


def publish(db: str, out: str | Path, lock_timeout: float = 30.0) -> Published:
    """Writes the copy of warehouse `db` to `out` (replaced whole, so a server reading an older
    copy never sees half of one) and its Datasette metadata beside it (`OUT.metadata.json`). The
    warehouse is held read-only only while its rows are read."""
    target = Path(out)
    if target.suffix not in (".db", ".sqlite", ".sqlite3"):
        raise WarehouseError(f"{out}: name the copy NAME.db (Datasette calls the database NAME)")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    catalog = load_catalog()
    with open_for_copying(db, lock_timeout) as (con, _):
        try:
            con.execute("set TimeZone = 'UTC'")
            set_parameters(con, {})
            state = warehouse_state(con) | {"warehouse": db, "made_at": datetime.now(UTC).isoformat()}
            plan = _plan(con, catalog)
            sqlite = sqlite3.connect(tmp)
            try:
                for spec, _, columns in plan:
                    sqlite.execute(create_table_sql(spec, columns, catalog.primary_keys()))
                sqlite.commit()
            finally:
                sqlite.close()
            rows = _write_rows(con, tmp, plan)
        except duckdb.Error as exc:
            tmp.unlink(missing_ok=True)
            raise WarehouseError(f"cannot publish {db}: {str(exc).splitlines()[0]}") from exc
    _finish(tmp, plan, state)
    metadata = datasette_metadata(
        catalog,
        database=target.stem,
        published={spec.name: [name for name, _ in columns] for spec, _, columns in plan},
        report_titles=available_reports(),
        hidden=(STATE_TABLE,),
    )
    meta = metadata_path(target)
    meta.write_text(metadata_json(metadata), encoding="utf-8")
    tmp.replace(target)
    return Published(target, meta, len(plan), rows, state)
