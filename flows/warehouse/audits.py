"""The audits of sql/audits/: each returns the rows that break a rule."""

import duckdb

from flows.settings import SQL_DIR

AUDITS_DIR = SQL_DIR / "audits"


def failed_audits(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each audit in sql/audits/ returns the rows that break a rule; the ones with any, and how many."""
    failures = {}
    for path in sorted(AUDITS_DIR.glob("*.sql")):
        count = con.execute(f"select count(*) from ({path.read_text(encoding='utf-8')})").fetchone()[0]
        if count:
            failures[path.stem] = count
    return failures
