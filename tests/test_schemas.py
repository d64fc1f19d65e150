"""The polars schemas and the DuckDB DDL describe the same tables."""

import duckdb
import polars as pl

from flows.warehouse.connect import open_warehouse
from transforms import schemas

TABLES = {
    "document": schemas.DOCUMENT,
    "article": schemas.ARTICLE,
    "entity": schemas.ENTITY,
    "entity_mention": schemas.ENTITY_MENTION,
    "claim": schemas.CLAIM,
    "event": schemas.EVENT,
}


def test_every_schema_column_is_a_warehouse_column_of_a_matching_type(tmp_path):
    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        for table, schema in TABLES.items():
            empty = pl.DataFrame(schema=schema)  # noqa: F841 (read by DuckDB)
            columns = ", ".join(schema)
            con.execute(f"insert into {table} ({columns}) select {columns} from empty")  # types must cast
            have = {
                r[0]
                for r in con.execute(
                    "select column_name from information_schema.columns where table_name = ?", [table]
                ).fetchall()
            }
            assert set(schema) <= have, (table, set(schema) - have)


def test_primary_keys_hold_in_the_ddl(tmp_path):
    with open_warehouse(str(tmp_path / "w.duckdb")) as con:
        con.execute("insert into entity values ('e1', 'A', 'ORG', [])")
        try:
            con.execute("insert into entity values ('e1', 'B', 'ORG', [])")
            raise AssertionError("duplicate entity_id accepted")
        except duckdb.ConstraintException:
            pass
