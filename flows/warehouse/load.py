"""One batch into the warehouse per transaction, through Arrow."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import duckdb
import polars as pl

from flows.warehouse.core import in_transaction, is_ducklake
from flows.warehouse.lookups import keys_frame
from flows.warehouse.memory import release_freed_memory

# Tables whose rows belong to one article: replaced whole when the article is loaded again.
ARTICLE_CHILD_TABLES = ("entity_mention", "claim", "event")


@contextmanager
def compaction_deferred(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """While a run loads its batches, DuckDB's checkpoints write each one's new rows as a row group
    of its own. Once vacuum is back on, the first checkpoint that changes a table (the link step's
    updates, or a later run's) merges that table's recent row groups, once.

    With vacuum on, every checkpoint merged the new rows into the table's last row group,
    rewriting all of it, so DuckDB's memory at a checkpoint grew with the warehouse (the kept raw
    pages, mostly) until a group holds 122,880 rows; deferred, it stays flat. A DuckLake has no
    checkpoints: nothing to defer."""
    if is_ducklake(con):
        yield
        return
    con.execute("set max_vacuum_tasks = 0")
    try:
        yield
    finally:
        con.execute("reset max_vacuum_tasks")


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, verb: str = "insert") -> None:
    if frame.height == 0:
        return
    arrow = frame.to_arrow()  # noqa: F841 (DuckDB reads the local variable by name)
    columns = ", ".join(frame.columns)
    con.execute(f"{verb} into {table} ({columns}) select {columns} from arrow")


def load_batch(con: duckdb.DuckDBPyConnection, tables: dict[str, pl.DataFrame]) -> None:
    """One batch in one transaction: its documents, articles and their rows replace any earlier ones.

    Loading the same batch twice leaves the same rows (delete, then insert). Entities are shared
    across articles: new ones are added and known ones gain any new aliases.
    """
    documents = tables["document"]
    articles = tables["article"]
    article_ids = articles["article_id"].to_list()

    def load() -> None:
        raw = tables.get("raw_document")
        if raw is not None and raw.height:
            kept = raw.to_arrow()  # noqa: F841 (read by DuckDB)
            con.execute(
                "insert into raw_document select k.* from kept k "
                "anti join raw_document r on r.content_hash = k.content_hash"
            )
        documents_ids, articles_ids = keys_frame(documents["document_id"].to_list()), keys_frame(article_ids)  # noqa: F841
        # Most batches are new documents: one look-up then spares five deletes that each scan a
        # table (the mention table the longest, growing with the warehouse). An article's rows in
        # the child tables are only ever written and deleted with the article itself.
        held_documents, held_articles = con.execute(
            "select (select count(*) from document where document_id in (select key from documents_ids)), "
            "(select count(*) from article where article_id in (select key from articles_ids))"
        ).fetchone()
        if held_documents:
            con.execute("delete from document where document_id in (select key from documents_ids)")
        if held_articles:
            for child in ARTICLE_CHILD_TABLES:
                con.execute(f"delete from {child} where article_id in (select key from articles_ids)")
            con.execute("delete from article where article_id in (select key from articles_ids)")
        _insert(con, "document", documents.with_columns(loaded_at=pl.lit(datetime.now(UTC))))
        _insert(con, "article", articles)
        entities = tables.get("entity")
        if entities is not None and entities.height:
            arrow = entities.to_arrow()  # noqa: F841
            # an upsert in two steps (DuckLake has no ON CONFLICT): known entities gain new aliases,
            # then the new ones are added
            con.execute(
                "update entity set aliases = list_sort(list_distinct(list_concat(entity.aliases, a.aliases))) "
                "from arrow a where entity.entity_id = a.entity_id"
            )
            con.execute(
                "insert into entity (entity_id, name, type, aliases) "
                "select a.entity_id, a.name, a.type, a.aliases from arrow a anti join entity e using (entity_id)"
            )
        for child in ARTICLE_CHILD_TABLES:
            if child in tables:
                _insert(con, child, tables[child])

    in_transaction(con, load)
    release_freed_memory()
