"""SQL reports and ad-hoc queries over the warehouse, opened read-only."""

import json
from datetime import date, datetime
from pathlib import Path

import polars as pl

from flows.settings import SQL_DIR
from flows.warehouse.connect import open_warehouse

REPORTS_DIR = SQL_DIR / "reports"
FORMATS = ("table", "csv", "json", "parquet")
PARAMETERS = ("entity", "since", "as_of")


def available_reports() -> dict[str, str]:
    """Report name -> its one-line description (the file's first comment)."""
    out = {}
    for path in sorted(REPORTS_DIR.glob("*.sql")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        out[path.stem] = first.removeprefix("--").strip()
    return out


def report_sql(name: str) -> str:
    path = REPORTS_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no report named {name!r}; `wirehouse report` lists them")
    return path.read_text(encoding="utf-8")


def query(
    db: str, sql: str, parameters: dict[str, str | None] | None = None, lock_timeout: float = 30.0
) -> pl.DataFrame:
    """The result of one read-only query; report parameters are DuckDB variables (NULL when unset)."""
    with open_warehouse(db, read_only=True, lock_timeout=lock_timeout) as con:
        set_parameters(con, parameters)
        return con.execute(sql).pl()


def set_parameters(con, parameters: dict[str, str | None] | None) -> None:
    """Report parameters as DuckDB variables, every one set (NULL when not given)."""
    for key in PARAMETERS:
        value = (parameters or {}).get(key)
        con.execute(f"set variable {key} = cast(? as varchar)", [value])


def _jsonable(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _flat(column: str, dtype) -> pl.Expr:
    """A nested column as text CSV can hold: lists joined with "; ", structs as JSON."""
    if isinstance(dtype, pl.List | pl.Array):
        return pl.col(column).list.eval(pl.element().cast(pl.String)).list.join("; ")
    if isinstance(dtype, pl.Struct):
        return pl.col(column).struct.json_encode()
    return pl.col(column)


def write_result(frame: pl.DataFrame, fmt: str, out: str | None) -> str | None:
    """The result in the format asked; written to `out` when given, else returned as text
    (a table is printed with rich by the caller)."""
    if fmt == "parquet":
        if not out:
            raise ValueError("--format parquet needs --out FILE")
        frame.write_parquet(out)
        return None
    if fmt == "csv":
        flat = frame.with_columns([_flat(c, frame[c].dtype) for c in frame.columns])
        text = flat.write_csv()
    elif fmt == "json":
        text = json.dumps(
            [{k: _jsonable(v) for k, v in row.items()} for row in frame.to_dicts()],
            ensure_ascii=False,
            indent=1,
            default=str,
        )
    else:
        raise ValueError(f"unknown format {fmt}")
    if out:
        Path(out).write_text(text, encoding="utf-8")
        return None
    return text


def print_table(frame: pl.DataFrame, title: str | None = None, max_rows: int = 100) -> None:
    """A result as a rich table on the terminal (long text wrapped, at most `max_rows` rows)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False)
    for column in frame.columns:
        table.add_column(column, overflow="fold")
    for row in frame.head(max_rows).iter_rows():
        table.add_row(*["" if v is None else str(v) for v in row])
    console = Console()
    console.print(table)
    if frame.height > max_rows:
        console.print(f"… {frame.height - max_rows} more rows (use --format csv or --out)")
