"""Serving the copy with Datasette on 127.0.0.1: the copy kept current with the warehouse, the
warehouse itself never held while Datasette runs."""

import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from flows.explore.publish import copy_state, metadata_path, publish, stale_reason, warehouse_state
from flows.warehouse.connect import open_warehouse
from flows.warehouse.errors import WarehouseError
from flows.warehouse.location import parse_location

DATABASE = "wirehouse"  # Datasette names a database after its file
HOST = "127.0.0.1"
# a copy already there is served when the warehouse stays busy this long (a run is loading)
BUSY_WAIT_SECONDS = 3.0
# Datasette's defaults (1 s per query, 0.2 s per facet) are for public instances; an analyst's
# own facets over a large claim table need more
# the plugin and template that list an entity's, article's or story's rows on its page
PAGES = Path(__file__).parent / "pages"
SETTINGS = {"sql_time_limit_ms": "5000", "facet_time_limit_ms": "1000", "default_page_size": "50"}


@dataclass(frozen=True)
class CopyReady:
    path: Path
    made: bool
    message: str


def default_copy(db: str) -> Path:
    """Where `explore` keeps the copy: beside the warehouse's file (`PATH.explore/`), or in the
    working folder for a warehouse with no local file."""
    file = parse_location(db).file
    folder = Path(f"{file}.explore") if file is not None else Path(".wirehouse-explore")
    return folder / f"{DATABASE}.db"


def ensure_copy(db: str, copy: Path, lock_timeout: float = 30.0, refresh: bool = False) -> CopyReady:
    """The copy, remade when the warehouse changed since it was made (or when asked). A copy
    already there is kept, and said to be, when the warehouse is busy."""
    existing = copy_state(copy)
    wait = lock_timeout if existing is None else min(lock_timeout, BUSY_WAIT_SECONDS)
    try:
        with open_warehouse(db, read_only=True, lock_timeout=wait) as con:
            state = warehouse_state(con)
    except WarehouseError as exc:
        if existing is None or "in use" not in str(exc):
            raise
        return CopyReady(
            copy,
            False,
            f"the warehouse is in use by another process; serving the copy made at {existing.get('made_at')}",
        )
    reason = "asked to refresh" if refresh else stale_reason(existing, state)
    if reason is None:
        return CopyReady(copy, False, f"the copy is current (made at {existing['made_at']})")
    made = publish(db, copy, lock_timeout=lock_timeout)
    return CopyReady(copy, True, f"made a new copy ({reason}): {made.tables} tables, {made.rows:,} rows")


def port_is_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def datasette_command(copy: Path, port: int, open_browser: bool = False) -> list[str]:
    """Datasette serving the copy, immutable (read-only; row counts known), with its metadata."""
    command = [
        sys.executable,
        "-m",
        "datasette",
        "serve",
        "-i",
        str(copy),
        "--host",
        HOST,
        "--port",
        str(port),
    ]
    command += ["--metadata", str(metadata_path(copy))]
    command += ["--plugins-dir", str(PAGES), "--template-dir", str(PAGES / "templates")]
    for name, value in SETTINGS.items():
        command += ["--setting", name, value]
    if open_browser:
        command.append("--open")
    return command
