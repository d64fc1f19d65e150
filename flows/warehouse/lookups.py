"""What a run asks of the warehouse: the documents and articles it holds, what to link, and the
neighbours of entities that may be one."""

import duckdb
import polars as pl


def known_articles(
    con: duckdb.DuckDBPyConnection, article_ids: list[str], text_hashes: list[str]
) -> pl.DataFrame:
    """Articles already in the warehouse with one of these ids or text hashes."""
    ids, hashes = keys_frame(article_ids), keys_frame(text_hashes)  # noqa: F841 (read by DuckDB)
    return con.execute(
        "select article_id, text_hash, source_uri from article "
        "where article_id in (select key from ids) or text_hash in (select key from hashes)"
    ).pl()


def keys_frame(values: list[str]) -> pl.DataFrame:
    """Values to look up, as a one-column frame a query reads by its variable's name. A Python list
    bound as a query parameter is converted element by element, a cost that grows with the list;
    a frame costs the same whatever its length."""
    return pl.DataFrame({"key": values}, schema={"key": pl.String})


def articles_to_link(con: duckdb.DuckDBPyConnection, window_days: int) -> pl.DataFrame:
    """What the link step reads: the articles with no story yet (new in this run, or changed) and
    the articles dated within `window_days` of one of them, the only ones a new article can share
    a story with when both are dated. An article is dated by its publication, else by the day the
    earliest document now holding it was loaded (a page fetched again is loaded again). So the
    step's cost follows the days the new articles are about, not the size of the warehouse, and
    it reads nothing when every article has its story.
    Columns: article_id, source, published_at, text, story_id, title."""
    return con.execute(
        """
        with loaded as (
            select article_id, cast(min(loaded_at) as date) as day
            from document where article_id is not null group by article_id
        ), dated as (
            select a.article_id, a.story_id, coalesce(a.published_date, l.day, current_date) as day
            from article a left join loaded l using (article_id)
        ), new_days as (
            select distinct day from dated where story_id is null
        ), wanted as (
            select distinct d.article_id
            from dated d join new_days n on d.day between n.day - ?::integer and n.day + ?::integer
        )
        select a.article_id, a.source, a.published_at, a.text, a.story_id, a.title
        from article a semi join wanted w using (article_id)
        order by a.article_id
        """,
        [window_days, window_days],
    ).pl()


def known_documents(con: duckdb.DuckDBPyConnection, source_uris: list[str]) -> pl.DataFrame:
    """What the warehouse holds for these sources: content hash, status, reason and pipeline version."""
    uris = keys_frame(source_uris)  # noqa: F841 (read by DuckDB)
    return con.execute(
        "select source_uri, content_hash, status, reason, pipeline_version from document "
        "where source_uri in (select key from uris)"
    ).pl()


def entity_neighbours(con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]) -> pl.DataFrame:
    """entity_id, neighbour_id: the entities named in an article beside each entity of `pairs`."""
    if not pairs:
        return pl.DataFrame(schema={"entity_id": pl.String, "neighbour_id": pl.String})
    ids = pl.DataFrame(
        {"entity_id": sorted({x for pair in pairs for x in pair})}, schema={"entity_id": pl.String}
    )
    candidates = ids.to_arrow()  # noqa: F841 (DuckDB reads it by name from this frame)
    return con.execute(
        "select distinct m.entity_id, o.entity_id as neighbour_id from entity_mention m "
        "semi join candidates c using (entity_id) join entity_mention o using (article_id) "
        "where o.entity_id <> m.entity_id"
    ).pl()
