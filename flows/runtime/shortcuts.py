"""Every shortcut wirehouse takes through another library's internals, and the one check that
lets it run.

A shortcut reaches past a library's public API (a private function, a copied method, a switch
the library sets for itself) because the public path measured slower or leaked. So it runs only
on the version it was written and tested against, and while the `stock_paths` setting does not
name it; otherwise the public path runs and one log line says why. Each has a decision note in
docs/decisions/ (context, measurement and CPU, decision, what would remove it). The spaCy
accelerations have their own switch, `fast_nlp` (nlp/model.py).
"""

from __future__ import annotations

import logging
import platform
from dataclasses import dataclass
from functools import cache

from flows.version import installed

log = logging.getLogger("wirehouse.shortcuts")


@dataclass(frozen=True)
class Shortcut:
    name: str
    library: str  # a distribution, or "python" for CPython itself
    tested: str  # the version it was tested on (for python, the minor version)
    what: str
    decision: str  # its note in docs/decisions/


SHORTCUTS = {
    s.name: s
    for s in (
        Shortcut(
            "forked-workers",
            "prefect",
            "3.8.8",
            "the process pool forks its workers from a warm template (Prefect's __enter__ repeated)",
            "forked-workers.md",
        ),
        Shortcut(
            "worker-replacement",
            "python",
            "3.11",
            "a pool worker that reached its task limit is always replaced (CPython gh-115634)",
            "forked-workers.md",
        ),
        Shortcut(
            "date-parser-warm-up",
            "htmldate",
            "1.11.0",
            "the worker template compiles dateparser's English patterns through htmldate",
            "worker-warm-up.md",
        ),
        Shortcut(
            "jemalloc-purge",
            "duckdb",
            "1.5.5",
            "DuckDB's freed memory handed back to the system after each load",
            "jemalloc-purge.md",
        ),
    )
}

ALL = "all"


def installed_version(library: str) -> str:
    if library == "python":
        return ".".join(platform.python_version_tuple()[:2])
    return installed(library)


def why_not(shortcut: Shortcut, version: str, stock_paths: str) -> str | None:
    """Why `shortcut` must not run with `version` of its library installed and these
    `stock_paths` (comma-separated names, or `all`); None when it may."""
    wanted_stock = {part.strip() for part in stock_paths.split(",") if part.strip()}
    if ALL in wanted_stock or shortcut.name in wanted_stock:
        return "stock_paths asks for the public path"
    if version != shortcut.tested:
        return f"tested with {shortcut.library} {shortcut.tested}, installed {version}"
    return None


@cache
def decided(name: str, version: str, stock_paths: str) -> bool:
    """Whether the shortcut `name` runs, its library at `version`; logs once, the first time it
    does not because that version is not the tested one."""
    reason = why_not(SHORTCUTS[name], version, stock_paths)
    if reason is None:
        return True
    if not reason.startswith("stock_paths"):
        log.warning("%s off (%s): the public path runs", name, reason)
    return False


@cache
def applies(name: str) -> bool:
    """Whether the shortcut `name` runs in this process; decided once, since neither the
    setting nor the installed versions change while it lives (the purge asks after every load)."""
    from flows.settings import Settings

    return decided(name, installed_version(SHORTCUTS[name].library), Settings().stock_paths)
