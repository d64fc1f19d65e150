"""The browsable copy's shape, read from `sql/catalog.toml`: which tables it holds, their keys
and links, search and facets, and the words Datasette shows for every table and column. Pure:
text in, SQL and metadata out."""

import json
import tomllib
from dataclasses import dataclass, field

# DuckDB types whose values SQLite holds as they are; everything else is written as text
# (dates and times as ISO 8601, which SQLite's date functions and Datasette's date facets read;
# lists, structs and JSON as JSON, which Datasette's array facets read).
_INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER")
_REAL_TYPES = ("FLOAT", "DOUBLE", "REAL")


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str = ""
    description: str = ""
    # where its rows come from in the warehouse: a table or view of that name (default: its own)
    source: str = ""
    primary_key: str | None = None
    label: str | None = None
    order_by: str | None = None
    # Datasette's default order for the table's page, newest first (else by primary key)
    sort_desc: str | None = None
    search: tuple[str, ...] = ()
    facets: tuple[str, ...] = ()
    array_facets: tuple[str, ...] = ()
    date_facets: tuple[str, ...] = ()
    foreign_keys: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    is_report: bool = False


@dataclass(frozen=True)
class Catalog:
    tables: dict[str, TableSpec]
    reports: dict[str, TableSpec]
    report_columns: dict[str, str]

    def primary_keys(self) -> dict[str, str]:
        return {name: spec.primary_key for name, spec in self.tables.items() if spec.primary_key}

    def column_description(self, table: str, column: str) -> str | None:
        """The table's own word for the column, else the reports' glossary, else what the
        column of the same name means in the first table that has one."""
        spec = self.tables.get(table) or self.reports.get(table)
        if spec and column in spec.columns:
            return spec.columns[column]
        if column in self.report_columns:
            return self.report_columns[column]
        for other in self.tables.values():
            if column in other.columns:
                return other.columns[column]
        return None


def _spec(name: str, entry: dict, is_report: bool) -> TableSpec:
    return TableSpec(
        name=name,
        title=entry.get("title", ""),
        description=entry.get("description", ""),
        source=entry.get("source", name),
        primary_key=entry.get("primary_key"),
        label=entry.get("label"),
        order_by=entry.get("order_by"),
        sort_desc=entry.get("sort_desc"),
        search=tuple(entry.get("search", ())),
        facets=tuple(entry.get("facets", ())),
        array_facets=tuple(entry.get("array_facets", ())),
        date_facets=tuple(entry.get("date_facets", ())),
        foreign_keys=dict(entry.get("foreign_keys", {})),
        columns=dict(entry.get("columns", {})),
        is_report=is_report,
    )


def parse_catalog(text: str) -> Catalog:
    data = tomllib.loads(text)
    return Catalog(
        tables={name: _spec(name, entry, False) for name, entry in data.get("tables", {}).items()},
        reports={name: _spec(name, entry, True) for name, entry in data.get("reports", {}).items()},
        report_columns=dict(data.get("report_columns", {})),
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_type(duckdb_type: str) -> str:
    """The SQLite column type a DuckDB type is written as."""
    base = duckdb_type.upper().split("(")[0]
    if base in _INTEGER_TYPES or base == "BOOLEAN":
        return "INTEGER"
    if base in _REAL_TYPES or base.startswith("DECIMAL"):
        return "REAL"
    return "TEXT"


def as_sqlite_value(column: str, duckdb_type: str) -> str:
    """A DuckDB select expression giving the column's value as the copy stores it."""
    quoted = _quote(column)
    kind = duckdb_type.upper()
    if kind == "BOOLEAN":
        return f"cast({quoted} as integer)"
    if kind == "HUGEINT":
        return f"cast({quoted} as bigint)"
    if kind.startswith("TIMESTAMP"):
        # UTC with an explicit offset, as SQLite's date functions read it
        return f"strftime(timezone('UTC', cast({quoted} as timestamptz)), '%Y-%m-%dT%H:%M:%SZ')"
    if kind == "DATE":
        return f"strftime({quoted}, '%Y-%m-%d')"
    if kind.endswith("[]") or kind.startswith(("STRUCT", "MAP", "JSON")):
        return f"cast(to_json({quoted}) as varchar)"
    if sqlite_type(kind) == "TEXT":
        return f"cast({quoted} as varchar)"
    return quoted


def create_table_sql(spec: TableSpec, columns: list[tuple[str, str]], primary_keys: dict[str, str]) -> str:
    """SQLite DDL for one table of the copy: its columns, primary key and foreign keys to the
    other tables' `primary_keys` (declared, so Datasette links rows across tables; the copy is
    read-only, so they are not enforced)."""
    lines = [f"    {_quote(name)} {sqlite_type(kind)}" for name, kind in columns]
    names = {name for name, _ in columns}
    if spec.primary_key and spec.primary_key in names:
        lines.append(f"    primary key ({_quote(spec.primary_key)})")
    for column, target in spec.foreign_keys.items():
        if column in names and target in primary_keys:
            key = _quote(primary_keys[target])
            lines.append(f"    foreign key ({_quote(column)}) references {_quote(target)} ({key})")
    body = ",\n".join(lines)
    return f"create table {_quote(spec.name)} (\n{body}\n)"


def search_sql(spec: TableSpec) -> list[str]:
    """The FTS5 index over the table's searchable columns, named as Datasette finds it
    (`TABLE_fts`, its content the table itself), and the statement that fills it."""
    if not spec.search:
        return []
    fts = _quote(f"{spec.name}_fts")
    columns = ", ".join(_quote(c) for c in spec.search)
    return [
        f"create virtual table {fts} using fts5({columns}, content={_quote(spec.name)}, "
        "tokenize='porter unicode61 remove_diacritics 2')",
        f"insert into {fts}({fts}) values ('rebuild')",
    ]


def _facets(spec: TableSpec, columns: set[str]) -> list:
    plain = [c for c in spec.facets if c in columns]
    arrays = [{"array": c} for c in spec.array_facets if c in columns]
    dates = [{"date": c} for c in spec.date_facets if c in columns]
    return plain + arrays + dates


def table_metadata(
    catalog: Catalog, spec: TableSpec, columns: list[str], title: str, description: str
) -> dict:
    entry: dict = {
        "title": spec.title or title,
        "description": spec.description or description,
        "columns": {
            c: text for c in columns if (text := catalog.column_description(spec.name, c)) is not None
        },
    }
    if spec.label:
        entry["label_column"] = spec.label
    if spec.sort_desc in columns:
        entry["sort_desc"] = spec.sort_desc
    if facets := _facets(spec, set(columns)):
        entry["facets"] = facets
    if spec.search:
        entry["fts_table"] = f"{spec.name}_fts"
    return entry


def datasette_metadata(
    catalog: Catalog,
    database: str,
    published: dict[str, list[str]],
    report_titles: dict[str, str],
    hidden: tuple[str, ...] = (),
) -> dict:
    """Datasette's metadata for the copy: `published` maps each table to its columns,
    `report_titles` each report to its one-line description (its file's first comment)."""
    tables = {}
    for name, columns in published.items():
        spec = catalog.tables.get(name) or catalog.reports.get(name) or TableSpec(name=name, is_report=True)
        title, description = name.replace("_", " ").capitalize(), ""
        if name in report_titles:  # "Who said what: every attributed statement …"
            head, _, rest = report_titles[name].partition(":")
            title, description = head.strip() or title, (rest.strip() or report_titles[name])
            description += " A report (sql/reports/), computed for the whole warehouse."
        tables[name] = table_metadata(catalog, spec, columns, title=title, description=description)
    for name in hidden:
        tables[name] = {"hidden": True}
    return {
        "title": "wirehouse",
        "description": "Articles, entities, claims, events and stories from news pages.",
        "databases": {database: {"tables": tables}},
    }


def metadata_json(metadata: dict) -> str:
    return json.dumps(metadata, ensure_ascii=False, indent=1)
