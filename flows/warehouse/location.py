"""What a warehouse location (`--db`, the `db` setting) names; the one place that parses it.

- `PATH`: a DuckDB file;
- `ducklake:PATH`: a DuckLake whose catalog is a DuckDB file;
- `ducklake:sqlite:PATH`: a DuckLake with a SQLite catalog (several writers at once);
- `ducklake:postgres:DSN`: a DuckLake with a PostgreSQL catalog (needs a data path).

A DuckLake's Parquet files go to the configured data path, or beside a local catalog
(`PATH.files/`). Pure string work: no DuckDB here, so the CLI can check a location first thing.
"""

from dataclasses import dataclass
from pathlib import Path

from flows.warehouse.errors import WarehouseError

DUCKLAKE_PREFIX = "ducklake:"
POSTGRES = "postgres:"
SQLITE = "sqlite:"


@dataclass(frozen=True)
class Location:
    spec: str
    is_lake: bool
    # the catalog as DuckLake's ATTACH takes it (None for a DuckDB file)
    catalog: str | None
    # the local file behind it: the DuckDB file or the lake's catalog file; None for PostgreSQL
    file: Path | None

    def data_path(self, configured: str | None) -> str:
        """Where a DuckLake's Parquet files go."""
        if configured:
            return configured
        if self.file is None:
            raise WarehouseError(
                "a DuckLake with a PostgreSQL catalog needs a data path: set ducklake_data_path "
                "(WIREHOUSE_DUCKLAKE_DATA_PATH), a folder or an s3:// prefix"
            )
        return f"{self.file}.files/"

    def may_exist(self) -> bool:
        """Whether it may hold anything: its local file exists (a PostgreSQL catalog cannot be
        told without connecting)."""
        return self.file is None or self.file.exists()


def parse_location(spec: str) -> Location:
    if not spec.startswith(DUCKLAKE_PREFIX):
        return Location(spec, is_lake=False, catalog=None, file=Path(spec).expanduser())
    catalog = spec.removeprefix(DUCKLAKE_PREFIX)
    if catalog.startswith(POSTGRES):
        return Location(spec, is_lake=True, catalog=catalog, file=None)
    file = Path(catalog.removeprefix(SQLITE)).expanduser()
    if not file.name:
        raise WarehouseError(f"--db {spec}: name the catalog file after ducklake:")
    kind = SQLITE if catalog.startswith(SQLITE) else ""
    return Location(spec, is_lake=True, catalog=f"{kind}{file}", file=file)
