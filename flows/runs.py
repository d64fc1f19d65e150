"""A run's record in the warehouse (its pipeline_run row and summary), and the check that lets a
run with nothing to do end before Prefect starts.

No Prefect here, and DuckDB and polars only once a warehouse is opened: the CLI asks
`may_be_up_to_date` first thing, before it starts the workers' template, which should not wait
for their import."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, NamedTuple

from flows.settings import Settings
from flows.sources import LOCAL_KINDS, DocumentRef, read_local
from flows.version import settings_version
from flows.warehouse.location import parse_location
from transforms.ids import content_hash

if TYPE_CHECKING:
    import polars as pl


class HeldSources(NamedTuple):
    """What the warehouse holds of a batch's sources: `unchanged` (nothing to do) and `outdated`
    (the same bytes, derived by another pipeline version: reprocessed because the code changed)."""

    unchanged: set[str]
    outdated: set[str]


def held_sources(
    uris: Iterable[str],
    data: Iterable[bytes | None],
    reasons: Iterable[str | None],
    known: pl.DataFrame,
    version: str,
) -> HeldSources:
    """The sources among `uris` that the warehouse holds unchanged under pipeline `version`
    (`known`, from known_documents): with the same bytes (`data`); or, having no bytes, rejected
    for the very reason they have none now (`reasons`: a file still over the size limit, a page
    still gone), since recording them again would write the same row. Those it holds with the
    same bytes under another version are `outdated`."""
    rows = list(known.iter_rows(named=True))
    current = [r for r in rows if r["pipeline_version"] == version]
    seen = {(r["source_uri"], r["content_hash"]) for r in current}
    seen_before = {(r["source_uri"], r["content_hash"]) for r in rows if r["pipeline_version"] != version}
    rejected = {(r["source_uri"], r["reason"]) for r in current if r["status"] == "rejected"}
    unchanged, outdated = set(), set()
    for uri, raw, reason in zip(uris, data, reasons, strict=True):
        if raw is not None:
            key = (uri, content_hash(raw))
            if key in seen:
                unchanged.add(uri)
            elif key in seen_before:
                outdated.add(uri)
        elif reason is not None and (uri, reason) in rejected:
            unchanged.add(uri)
    return HeldSources(unchanged, outdated)


def record_run_start(con, run_id: str, started: datetime, inputs: list[str], version: str) -> None:
    """The run's pipeline_run row, opened: its id, start, pipeline version and inputs."""
    con.execute(
        "insert into pipeline_run (run_id, started_at, pipeline_version, inputs) values (?, ?, ?, ?)",
        [run_id, started, version, inputs],
    )


def finish_run(
    con,
    run_id: str,
    documents: int,
    statuses: Counter,
    unchanged: int,
    fetches: Counter,
    reasons: Counter,
    seconds: Counter,
    outdated: int = 0,
) -> dict:
    """The run summary (what it did, the warehouse's row counts, failed audits), recorded as the
    end of its pipeline_run row."""
    from flows.warehouse.audits import failed_audits

    counts = {
        t: con.execute(f"select count(*) from {t}").fetchone()[0]
        for t in ("document", "article", "entity", "entity_mention", "claim", "event")
    }
    summary = {
        "run_id": run_id,
        "documents": documents,
        "articles": statuses["article"],
        "duplicates": statuses["duplicate"],
        "rejected": statuses["rejected"],
        "unchanged": unchanged,
        "reprocessed_for_new_version": outdated,
        "downloaded": fetches["downloaded"],
        "not_modified": fetches["not_modified"],
        "rejected_by_reason": dict(reasons.most_common()),
        "seconds_by_stage": {k: round(v, 2) for k, v in seconds.items()},
        "rows": counts,
        "stories": con.execute(
            "select count(distinct story_id) from article where story_id is not null"
        ).fetchone()[0],
        "failed_audits": failed_audits(con),
    }
    con.execute(
        "update pipeline_run set finished_at = ?, documents = ?, articles = ?, duplicates = ?, rejected = ?, "
        "unchanged = ?, seconds_by_stage = ? where run_id = ?",
        [
            datetime.now(UTC),
            documents,
            statuses["article"],
            statuses["duplicate"],
            statuses["rejected"],
            unchanged,
            summary["seconds_by_stage"],
            run_id,
        ],
    )
    return summary


def may_be_up_to_date(db: str, refs: list[DocumentRef], reprocess: bool = False) -> bool:
    """Whether a run over `refs` might have nothing to do, from what is known without reading
    them: every input local, the warehouse already there, reprocessing not asked for."""
    return (
        bool(refs)
        and not reprocess
        and all(ref.kind in LOCAL_KINDS for ref in refs)
        and parse_location(db).may_exist()
    )


def up_to_date_run(
    db: str, inputs: list[str], refs: list[DocumentRef], batch_size: int | None = None
) -> dict | None:
    """The summary of a run with nothing to do, recorded as a pipeline run; None when there is
    something to do, and the flow must run.

    Nothing to do: every input is local (a file or a WARC record) and the warehouse holds its
    bytes under this pipeline version. The CLI asks before Prefect has started, so that such a
    run costs reading and hashing the inputs, not Prefect's start-up and the workers'.
    URLs always go to the flow: only a (conditional) fetch tells whether a page changed. Reads a
    batch at a time and stops at the first batch holding anything new, so a first run pays for
    hashing one batch."""
    from flows.warehouse.connect import open_warehouse
    from flows.warehouse.lookups import known_documents

    settings = Settings(db=db, **({"batch_size": batch_size} if batch_size else {}))
    if not may_be_up_to_date(db, refs, settings.reprocess):
        return None
    started = datetime.now(UTC)
    with open_warehouse(db, lock_timeout=settings.lock_timeout_seconds) as con:
        for start in range(0, len(refs), settings.batch_size):
            docs = [
                read_local(ref, settings.max_document_bytes, settings.max_inflated_bytes)
                for ref in refs[start : start + settings.batch_size]
            ]
            uris = [doc.source_uri for doc in docs]
            held = held_sources(
                uris,
                [doc.data for doc in docs],
                [doc.reason for doc in docs],
                known_documents(con, uris),
                settings_version(settings),
            )
            if not set(uris) <= held.unchanged:
                return None
        run_id = uuid.uuid4().hex[:16]
        record_run_start(con, run_id, started, [str(i) for i in inputs], settings_version(settings))
        return finish_run(
            con,
            run_id,
            documents=len(refs),
            statuses=Counter(),
            unchanged=len(refs),
            fetches=Counter(),
            reasons=Counter(),
            seconds=Counter(read=(datetime.now(UTC) - started).total_seconds()),
        )


def kept_document_count(db: str) -> int:
    """How many documents `wirehouse rebuild` re-derives from the warehouse at `db`: those whose
    raw bytes it keeps. Read on a connection of its own, closed before the run opens `db`."""
    from flows.warehouse.connect import open_warehouse

    with open_warehouse(db, read_only=True) as con:
        return con.execute(
            "select count(*) from document d semi join raw_document r using (content_hash)"
        ).fetchone()[0]
