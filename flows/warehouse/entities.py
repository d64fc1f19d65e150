"""Entity merges and clean-ups after a run's batches are in."""

import duckdb
import polars as pl

from flows.warehouse.core import in_transaction
from flows.warehouse.memory import release_freed_memory


def drop_orphan_entities(con: duckdb.DuckDBPyConnection) -> int:
    """Removes entities no mention points at any more (after articles were reprocessed)."""
    return in_transaction(
        con,
        lambda: con.execute(
            "delete from entity where entity_id not in (select distinct entity_id from entity_mention)"
        ).fetchone()[0],
    )


def fold_duplicate_entities(con: duckdb.DuckDBPyConnection) -> int:
    """Makes one row of the rows that share an entity_id, their aliases joined; how many ids had
    several. A DuckDB file's primary key never lets that happen; a DuckLake has no keys, and two
    runs loading it at once can each add the same new entity."""

    def fold() -> int:
        duplicated = con.execute(
            "select entity_id, any_value(name) as name, any_value(type) as type, "
            "list_sort(list_distinct(flatten(list(aliases)))) as aliases "
            "from entity group by entity_id having count(*) > 1"
        ).pl()
        if duplicated.height:
            con.execute("delete from entity where entity_id in (select entity_id from duplicated)")
            con.execute("insert into entity (entity_id, name, type, aliases) select * from duplicated")
        return duplicated.height

    return in_transaction(con, fold)


def merge_entities(con: duckdb.DuckDBPyConnection, merges: pl.DataFrame) -> int:
    """Points every mention, claim and event of each `from_entity_id` at its `to_entity_id`, gives
    the target the folded entity's name as an alias, and removes the folded entity; one transaction."""
    if merges.height == 0:
        return 0

    def merge() -> None:
        folded = merges.to_arrow()  # noqa: F841 (DuckDB reads it by name from this frame)
        con.execute(
            "update entity_mention set entity_id = f.to_entity_id from folded f "
            "where entity_mention.entity_id = f.from_entity_id"
        )
        con.execute(
            "update claim set speaker_entity_id = f.to_entity_id from folded f "
            "where claim.speaker_entity_id = f.from_entity_id"
        )
        for column in ("actor_entity_id", "target_entity_id", "location_entity_id"):
            con.execute(
                f"update event set {column} = f.to_entity_id from folded f where event.{column} = f.from_entity_id"
            )
        con.execute("""
            update entity set aliases = list_sort(list_distinct(list_concat(entity.aliases, m.names)))
            from (select f.to_entity_id, list(e.name) || flatten(list(e.aliases)) as names
                  from folded f join entity e on e.entity_id = f.from_entity_id group by f.to_entity_id) m
            where entity.entity_id = m.to_entity_id""")
        con.execute("delete from entity where entity_id in (select from_entity_id from folded)")

    in_transaction(con, merge)
    release_freed_memory()
    return merges.height
