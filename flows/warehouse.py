"""The DuckDB warehouse: opening it (with a clear word when another process holds it),
migrating its schema, and loading one batch per transaction through Arrow."""

import ctypes
import hashlib
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TypeVar

import duckdb
import polars as pl

from flows.settings import SQL_DIR

T = TypeVar("T")
_LOCK_HOLDER = re.compile(r"PID (\d+)")
MIGRATIONS_DIR = SQL_DIR / "migrations"
VIEWS_DIR = SQL_DIR / "views"
AUDITS_DIR = SQL_DIR / "audits"

# Tables whose rows belong to one article: replaced whole when the article is loaded again.
ARTICLE_CHILD_TABLES = ("entity_mention", "claim", "event")


class WarehouseError(Exception):
    """The warehouse cannot be used; the message says why in one line."""


# The first line of a migration that only a DuckDB file takes (a DuckLake records it as applied).
DUCKDB_FILE_ONLY = "-- wirehouse: DuckDB file only"


def migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, Path]]:
    """The ordered DDL files: `NNN_what.sql`, applied once each in number order."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        match = re.match(r"(\d+)_", path.name)
        if match:
            found.append((int(match.group(1)), path))
    return found


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    def create_and_read() -> int:
        con.execute(
            _ddl(
                con,
                "create table if not exists schema_version (version integer primary key, applied_at timestamptz)",
            )
        )
        return con.execute("select coalesce(max(version), 0) from schema_version").fetchone()[0]

    # every read of a DuckLake's SQLite catalog may meet another writer's lock: in_transaction waits
    return in_transaction(con, create_and_read)


def migrate(con: duckdb.DuckDBPyConnection, directory: Path = MIGRATIONS_DIR) -> int:
    """Brings the schema up to date in place; refuses a warehouse made by a newer wirehouse."""
    current = schema_version(con)
    known = migrations(directory)
    newest = known[-1][0] if known else 0
    if current > newest:
        raise WarehouseError(
            f"warehouse schema version {current} is newer than this wirehouse knows ({newest}); upgrade wirehouse"
        )
    for version, path in known:
        if version <= current:
            continue

        def apply(version: int = version, path: Path = path) -> None:
            # two runs opening one new DuckLake at once: the loser of the commit finds it applied
            if con.execute("select count(*) from schema_version where version = ?", [version]).fetchone()[0]:
                return
            sql = path.read_text(encoding="utf-8")
            if not (sql.startswith(DUCKDB_FILE_ONLY) and is_ducklake(con)):
                con.execute(_ddl(con, sql))
            con.execute("insert into schema_version values (?, current_timestamp)", [version])

        in_transaction(con, apply)
    if directory == MIGRATIONS_DIR:
        # the views read the newest schema: a warehouse brought only part of the way (a test of
        # an older version) has no views yet, and gains them with the remaining migrations
        _create_views(con)
    # Write the schema into the file now, so the write-ahead log never holds DDL: DuckDB 1.5.5
    # cannot replay a logged CREATE TABLE whose default calls a function (current_timestamp)
    # after a kill -9 ("GetDefaultDatabase with no default database set"). A DuckLake commits
    # every transaction to its catalog and Parquet files, and has no such log.
    if not is_ducklake(con):
        con.execute("checkpoint")
    return newest


# What a DuckLake commit says when it lost to another writer: its SQLite catalog was locked, a
# conflicting change was committed first, or PostgreSQL could not serialize the two.
_LOST_TO_ANOTHER_WRITER = ("database is locked", "transaction conflict", "could not serialize")


def _despite_other_writers(attempt: Callable[[], T], patience: float) -> T:
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

    return _despite_other_writers(attempt, patience)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Rolls back the open transaction, if any: a commit that failed (a DuckLake commit that
    conflicts with another writer's) has already ended it, and its error is the one to report."""
    try:
        con.execute("rollback")
    except duckdb.TransactionException:
        pass


def _create_views(con: duckdb.DuckDBPyConnection, directory: Path = VIEWS_DIR) -> None:
    """The views in sql/views/, created again only when their files changed: a DuckLake commits
    any DDL to its catalog, and a second writer re-creating them would wait on (and fail against)
    the catalog lock of a run that is loading."""
    paths = sorted(directory.glob("*.sql"))
    digest = hashlib.sha256(b"\0".join(p.name.encode() + b"\0" + p.read_bytes() for p in paths)).hexdigest()
    in_transaction(
        con,
        lambda: con.execute(
            _ddl(con, "create table if not exists view_digest (digest varchar, created_at timestamptz)")
        ),
    )

    def current() -> bool:
        return con.execute(
            "select count(*) = 1 and bool_and(digest = ?) from view_digest", [digest]
        ).fetchone()[0]

    if in_transaction(con, current):
        return

    def create() -> None:
        if current():  # another writer created them meanwhile
            return
        for path in paths:
            con.execute(path.read_text(encoding="utf-8"))
        con.execute("delete from view_digest")
        con.execute("insert into view_digest values (?, current_timestamp)", [digest])

    in_transaction(con, create)  # two writers opening a lake whose views changed: one waits


def is_ducklake(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the connection's current database is a DuckLake."""
    return con.execute(
        "select type = 'ducklake' from duckdb_databases() where database_name = current_database()"
    ).fetchone()[0]


# DuckLake tables take no primary keys, unique or check constraints, and no function defaults:
# the same migrations are applied with those left out (loads never rely on them: they delete
# before they insert, and anti-join where an upsert would be used).
_DUCKLAKE_DROPS = (
    re.compile(r",\s*primary key\s*\([^)]*\)", re.I),
    re.compile(r"\s+primary key\b", re.I),
    re.compile(r"\s+check\s*\((?:[^()]|\([^()]*\))*\)", re.I),
    re.compile(r"\s+not null default current_timestamp\b", re.I),
    re.compile(r"\s+default current_timestamp\b", re.I),
)


def _ddl(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """A migration as the connected warehouse takes it: as written for a DuckDB file, without
    the constraints DuckLake lacks for a DuckLake."""
    if not is_ducklake(con):
        return sql
    for pattern in _DUCKLAKE_DROPS:
        sql = pattern.sub("", sql)
    return sql


def _connect_with_retry(path: str, read_only: bool, timeout: float) -> duckdb.DuckDBPyConnection:
    deadline = time.monotonic() + timeout
    delay = 0.2
    told = False
    while True:
        try:
            return duckdb.connect(path, read_only=read_only)
        except duckdb.IOException as exc:
            message = str(exc)
            if "lock" not in message.lower():
                raise WarehouseError(f"cannot open warehouse {path}: {message.splitlines()[0]}") from exc
            holder = _LOCK_HOLDER.search(message)
            who = f" (pid {holder.group(1)})" if holder else ""
            if not told and timeout > 0:
                print(
                    f"wirehouse: warehouse {path} is in use by another process{who}; "
                    f"waiting up to {timeout:.0f} s",
                    file=sys.stderr,
                    flush=True,
                )
                told = True
            if time.monotonic() >= deadline:
                raise WarehouseError(
                    f"warehouse {path} is in use by another process{who}; waited {timeout:.0f} s. "
                    "Close the other session, or query a copy made with `wirehouse snapshot`."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


DUCKLAKE_PREFIX = "ducklake:"


def _extension(name: str) -> str:
    """The path of a DuckDB extension shipped as a PyPI package (duckdb-extension-NAME): DuckDB
    cannot download extensions here, and a path never depends on an extension server."""
    import importlib

    package = importlib.import_module(f"duckdb_extension_{name}")
    folder = Path(package.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    return str(folder / f"{name}.duckdb_extension")


def ducklake_parts(spec: str, data_path: str | None = None) -> tuple[str, str, Path | None]:
    """(catalog as DuckLake's ATTACH takes it, data path, local catalog file or None) for
    `ducklake:PATH` (a DuckDB catalog file), `ducklake:sqlite:PATH` or `ducklake:postgres:DSN`.
    Parquet files go to `data_path`, or to a folder beside a local catalog (PATH.files/)."""
    catalog = spec.removeprefix(DUCKLAKE_PREFIX)
    if catalog.startswith("postgres:"):
        if not data_path:
            raise WarehouseError(
                "a DuckLake with a PostgreSQL catalog needs a data path: set ducklake_data_path "
                "(WIREHOUSE_DUCKLAKE_DATA_PATH), a folder or an s3:// prefix"
            )
        return catalog, data_path, None
    file = Path(catalog.removeprefix("sqlite:")).expanduser()
    if not file.name:
        raise WarehouseError(f"--db {spec}: name the catalog file after ducklake:")
    kind = "sqlite:" if catalog.startswith("sqlite:") else ""
    return f"{kind}{file}", data_path or f"{file}.files/", file


def _connect_ducklake(
    spec: str, read_only: bool, data_path: str | None, lock_timeout: float = 30.0
) -> duckdb.DuckDBPyConnection:
    catalog, data, file = ducklake_parts(spec, data_path)
    if file is not None and read_only and not file.exists():
        raise WarehouseError(f"no warehouse at {spec}; run `wirehouse run` first")
    if file is not None and not read_only:
        _make_parent(file)
    con = duckdb.connect()
    try:
        con.execute(f"load '{_sql_string(_extension('ducklake'))}'")
        if catalog.startswith("sqlite:"):
            con.execute(f"load '{_sql_string(_extension('sqlite_scanner'))}'")
        elif catalog.startswith("postgres:"):
            con.execute(f"load '{_sql_string(_extension('postgres_scanner'))}'")
        if data.startswith(("s3://", "gs://", "gcs://", "r2://", "az://", "abfss://", "http")):
            # credentials, region and endpoint come from the environment as DuckDB reads it
            # (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, DUCKDB_S3_ENDPOINT,
            # DUCKDB_S3_USE_SSL); the URL style has no variable, so it is a setting
            con.execute(f"load '{_sql_string(_extension('httpfs'))}'")
            url_style = _s3_url_style_setting()
            if url_style:
                con.execute(f"set s3_url_style = '{_sql_string(url_style)}'")
        options = f"data_path '{_sql_string(data)}'" + (", read_only" if read_only else "")
        # another run may be creating this lake's catalog, or committing to it: wait our turn,
        # for the attach and again for `use`, which reads the catalog's latest snapshot
        _despite_other_writers(
            lambda: con.execute(f"attach '{DUCKLAKE_PREFIX}{_sql_string(catalog)}' as lake ({options})"),
            lock_timeout,
        )
        _despite_other_writers(lambda: con.execute("use lake"), lock_timeout)
    except (duckdb.Error, ModuleNotFoundError) as exc:
        con.close()
        message = str(exc).splitlines()[0]
        if "lock" in message.lower():
            raise WarehouseError(f"warehouse {spec} is in use by another process: {message}") from exc
        raise WarehouseError(f"cannot open warehouse {spec}: {message}") from exc
    return con


@contextmanager
def open_warehouse(
    path: str, read_only: bool = False, lock_timeout: float = 30.0, ducklake_data_path: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, migrated when opened for writing; closed on exit.

    `path` is a DuckDB file, or `ducklake:…` for a DuckLake (see `ducklake_parts`), which
    several processes can write at once when its catalog is SQLite or PostgreSQL."""
    if path.startswith(DUCKLAKE_PREFIX):
        con = _connect_ducklake(
            path, read_only, ducklake_data_path or _ducklake_data_path_setting(), lock_timeout
        )
    else:
        if not read_only:
            _make_parent(path)
        elif not Path(path).exists():
            raise WarehouseError(f"no warehouse at {path}; run `wirehouse run` first")
        con = _connect_with_retry(path, read_only, lock_timeout)
    try:
        if not read_only:
            migrate(con)
        yield con
    finally:
        con.close()


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


def _make_parent(path: str | Path) -> None:
    parent = Path(path).expanduser().resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(f"cannot create the folder for warehouse {path}: {exc.strerror}") from exc


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
    Columns: article_id, source, published_at, text, story_id."""
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
        select a.article_id, a.source, a.published_at, a.text, a.story_id
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
    no jemalloc of its own to ask.

    DuckDB's jemalloc keeps freed pages for reuse and returns them only as later allocations in
    the same arena age them out, so a run's loads (the kept raw pages above all) left freed
    memory piling up in the flow's process, growing with the run; after a purge per batch it
    stays flat. The purge is cheap."""
    mallctl = _duckdb_mallctl()
    if mallctl is None:
        return False
    return mallctl(_PURGE_ALL_ARENAS, None, None, None, ctypes.c_size_t(0)) == 0


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


def failed_audits(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Each audit in sql/audits/ returns the rows that break a rule; the ones with any, and how many."""
    failures = {}
    for path in sorted(AUDITS_DIR.glob("*.sql")):
        count = con.execute(f"select count(*) from ({path.read_text(encoding='utf-8')})").fetchone()[0]
        if count:
            failures[path.stem] = count
    return failures


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


def snapshot(db: str, out: str, lock_timeout: float = 30.0) -> int:
    """Copies every table and view of the warehouse (a DuckDB file or a DuckLake) into a new
    DuckDB file at `out`."""
    target = Path(out)
    is_lake = db.startswith(DUCKLAKE_PREFIX)
    if not is_lake and not Path(db).exists():
        raise WarehouseError(f"no warehouse at {db}; run `wirehouse run` first")
    if not is_lake and target.resolve() == Path(db).resolve():
        raise WarehouseError("the snapshot must be another file than the warehouse")
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    if is_lake:
        # a DuckLake is read through its own connection (its extension and catalog attached)
        with open_warehouse(db, read_only=True, lock_timeout=lock_timeout) as con:
            tables = _copy_database(con, "lake", tmp, db)
    else:
        # wait for the writer like any reader would, then copy through a scratch in-memory database
        with open_warehouse(db, read_only=True, lock_timeout=lock_timeout):
            pass
        con = duckdb.connect()
        try:
            con.execute(f"attach '{_sql_string(db)}' as source (read_only)")
            tables = _copy_database(con, "source", tmp, db)
        finally:
            con.close()
    tmp.replace(target)  # readers of an older snapshot never see a half-written file
    return tables


def _copy_database(con: duckdb.DuckDBPyConnection, source: str, tmp: Path, db: str) -> int:
    try:
        con.execute(f"attach '{_sql_string(str(tmp))}' as snapshot")
        con.execute(f"copy from database {source} to snapshot")
        tables = con.execute(
            "select count(*) from duckdb_tables() where database_name = 'snapshot'"
        ).fetchone()[0]
        con.execute("detach snapshot")
    except duckdb.Error as exc:
        raise WarehouseError(f"cannot snapshot {db}: {str(exc).splitlines()[0]}") from exc
    return tables


def _ducklake_data_path_setting() -> str | None:
    from flows.settings import Settings

    return Settings().ducklake_data_path


def _s3_url_style_setting() -> str | None:
    from flows.settings import Settings

    return Settings().s3_url_style


def _sql_string(value: str) -> str:
    return value.replace("'", "''")
