"""What every part of the warehouse uses: transactions that outlast other writers, and whether
the connection is a DuckLake."""

import random
import time
from collections.abc import Callable
from typing import TypeVar

import duckdb

T = TypeVar("T")

# What a DuckLake commit says when it lost to another writer: its SQLite catalog was locked, a
# conflicting change was committed first, or PostgreSQL could not serialize the two.
_LOST_TO_ANOTHER_WRITER = ("database is locked", "transaction conflict", "could not serialize")


def despite_other_writers(attempt: Callable[[], T], patience: float) -> T:
    """`attempt()`, made again while it fails because another writer holds the catalog or won a
    commit against this one, with growing, jittered pauses (two writers do not retry in step)
    for up to `patience` seconds."""
    deadline = time.monotonic() + patience
    pause = 0.05
    while True:
        try:
            return attempt()
        except duckdb.Error as exc:
            message = str(exc).lower()
            if not any(m in message for m in _LOST_TO_ANOTHER_WRITER) or time.monotonic() > deadline:
                raise
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, 2.0)


def in_transaction(con: duckdb.DuckDBPyConnection, work: Callable[[], T], patience: float = 60.0) -> T:
    """`work()` in one transaction, committed. A commit that lost to another writer (several runs
    loading one DuckLake at once) is tried again, the work redone from its reads, so that it sees
    the other writer's rows, for up to `patience` seconds."""

    def attempt() -> T:
        con.execute("begin transaction")
        try:
            result = work()
            con.execute("commit")
            return result
        except BaseException:
            _rollback(con)
            raise

    return despite_other_writers(attempt, patience)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Rolls back the open transaction, if any: a commit that failed (a DuckLake commit that
    conflicts with another writer's) has already ended it, and its error is the one to report."""
    try:
        con.execute("rollback")
    except duckdb.TransactionException:
        pass


def is_ducklake(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the connection's current database is a DuckLake."""
    return con.execute(
        "select type = 'ducklake' from duckdb_databases() where database_name = current_database()"
    ).fetchone()[0]


def sql_string(value: str) -> str:
    """`value` inside a single-quoted SQL literal."""
    return value.replace("'", "''")
