"""DuckDB's freed memory handed back to the operating system, through the jemalloc inside
DuckDB's Linux builds: a shortcut behind `shortcuts.applies` (docs/decisions/jemalloc-purge.md),
since DuckDB has no public call for it."""

import ctypes
from functools import cache

from flows.runtime.shortcuts import applies

# jemalloc's "every arena" index (MALLCTL_ARENAS_ALL) in the control name that purges arenas
_PURGE_ALL_ARENAS = b"arena.4096.purge"


@cache
def _duckdb_mallctl():
    """The control function of the jemalloc inside DuckDB's Linux builds, or None."""
    try:
        import _duckdb

        return ctypes.CDLL(_duckdb.__file__).duckdb_je_mallctl
    except (ImportError, OSError, AttributeError):
        return None


def release_freed_memory() -> bool:
    """Hands the memory DuckDB has freed back to the operating system; False where DuckDB has
    no jemalloc of its own to ask, or the shortcut is off.

    DuckDB's jemalloc keeps freed pages for reuse and returns them only as later allocations in
    the same arena age them out, so a run's loads (the kept raw pages above all) left freed
    memory piling up in the flow's process, growing with the run; after a purge per batch it
    stays flat. The purge is cheap."""
    mallctl = _duckdb_mallctl() if applies("jemalloc-purge") else None
    if mallctl is None:
        return False
    return mallctl(_PURGE_ALL_ARENAS, None, None, None, ctypes.c_size_t(0)) == 0
