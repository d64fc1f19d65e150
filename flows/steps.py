"""The steps of a run, as the batch scheduler calls them (`flows.batching.Steps`), and what the
run counts on the way: read a batch, extract it on a worker, classify its pages and analyse the
new articles on a worker, load it; then link across sources.

`RebuildSteps` is the same run over the raw documents the warehouse keeps, without the network.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import polars as pl

from flows.batching import Batch
from flows.fetch import Fetcher
from flows.progress import RunProgress
from flows.runs import finish_run, held_sources, record_run_start
from flows.runtime.runners import batches_in_flight, check_runner, resolved_runner, task_runner
from flows.settings import Settings
from flows.tasks import (
    NOT_MODIFIED,
    analyse_articles,
    conditional_headers,
    extract_documents,
    link_across_sources,
    load_tables,
    raw_rows,
    read_documents,
    read_kept_documents,
)
from flows.warehouse.entities import drop_orphan_entities, fold_duplicate_entities
from flows.warehouse.load import compaction_deferred
from flows.warehouse.lookups import known_articles, known_documents
from transforms.articles import article_key, classified_documents, with_analysis_errors, with_fetch_metadata

# What classification compares a page with: articles the warehouse or this run already holds.
KNOWN = {"article_id": pl.String, "text_hash": pl.String, "source_uri": pl.String}


@dataclass
class RunTally:
    """A run's identity and what it counts: statuses, rejection reasons, fetches, seconds by stage."""

    version: str
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:16])
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    seconds: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    fetches: Counter = field(default_factory=Counter)
    unchanged: int = 0
    outdated: int = 0
    documents: int = 0

    def start(self, con, inputs: list[str]) -> None:
        record_run_start(con, self.run_id, self.started, inputs, self.version)

    def finish(self, con) -> dict:
        return finish_run(
            con,
            self.run_id,
            documents=self.documents,
            statuses=self.statuses,
            unchanged=self.unchanged,
            fetches=self.fetches,
            reasons=self.reasons,
            seconds=self.seconds,
            outdated=self.outdated,
        )


def run_settings(db: str, batch_size=None, reprocess=None, rebuild=False, runner=None) -> Settings:
    """The settings of one run: the flow's parameters over the configured ones."""
    overrides = {"db": db}
    if batch_size is not None:
        overrides["batch_size"] = batch_size
    if reprocess is not None or rebuild:
        overrides["reprocess"] = bool(reprocess or rebuild)
    if runner is not None:
        overrides["runner"] = check_runner(runner)
    return Settings(**overrides)


@dataclass
class Workers:
    """The task runner of a run, how many batches it takes at once, and how many work in parallel."""

    runner: object
    window: int
    parallel: int


@contextmanager
def workers_for(con, settings: Settings, documents: int) -> Iterator[Workers]:
    """The run's workers, let go on exit, before the link step, which needs none: a pool holds a
    spaCy model per worker, and the link step's memory grows with the warehouse. Compaction waits
    until the batches are in (`compaction_deferred`)."""
    name = resolved_runner(settings.runner, documents, settings.batch_size)
    with ExitStack() as stack:
        stack.enter_context(compaction_deferred(con))
        runner = stack.enter_context(
            task_runner(name, settings.workers, settings.spacy_model, settings.worker_max_tasks)
        )
        yield Workers(
            runner, batches_in_flight(name, settings.workers), 1 if name == "thread" else settings.workers
        )


def _warm_link_step() -> None:
    """The link step's libraries and place names, loaded while the workers finish the last
    batches: the link step runs alone at the end of a run."""
    import transforms.links  # noqa: F401
    from transforms.gazetteer import load_place_names

    load_place_names()


class IngestSteps:
    """read → extract → analyse → load for a run over inputs, counted in `tally`."""

    def __init__(self, con, settings: Settings, tally: RunTally, workers: Workers, progress: RunProgress):
        self.con, self.settings, self.tally, self.workers, self.progress = (
            con,
            settings,
            tally,
            workers,
            progress,
        )
        self.fetcher = Fetcher(settings.fetch_settings())  # robots.txt and host timing shared by every batch
        self.pending = pl.DataFrame(schema=KNOWN)  # articles classified in this run but not loaded yet

    def read_raw(self, refs: list) -> tuple[pl.DataFrame, list[str]]:
        conditional = (
            {} if self.settings.reprocess else conditional_headers(self.con, refs, self.tally.version)
        )
        raw, expanded, counts = read_documents(refs, self.settings, conditional, self.fetcher)
        self.tally.fetches.update(counts)
        return raw, expanded

    def read(self, refs: list) -> tuple[pl.DataFrame | None, list[str]]:
        """The batch's raw documents, less those the warehouse holds unchanged."""
        started = time.perf_counter()
        self.tally.documents += len(refs)
        raw, expanded = self.read_raw(refs)
        not_modified = raw["reason"].eq_missing(NOT_MODIFIED)
        self.tally.unchanged += int(not_modified.sum())
        raw = raw.filter(~not_modified)
        if not self.settings.reprocess:
            known = known_documents(self.con, raw["source_uri"].to_list())
            held = held_sources(raw["source_uri"], raw["data"], raw["reason"], known, self.tally.version)
            self.tally.unchanged += len(held.unchanged)
            self.tally.outdated += len(held.outdated)
            raw = raw.filter(~pl.col("source_uri").is_in(list(held.unchanged)))
        self.tally.seconds["read"] += time.perf_counter() - started
        return (raw if raw.height else None), expanded

    def extract(self, raw: pl.DataFrame):
        parameters = {
            "raw": raw,
            "max_text_chars": self.settings.max_text_chars,
            "max_parse_seconds": self.settings.max_parse_seconds,
        }
        return self.workers.runner.submit(extract_documents, parameters)

    def analyse(self, batch: Batch):
        """Which pages are new articles, against the warehouse and the earlier batches of this
        run; then only those go to a worker for analysis."""
        pages, worker_seconds = batch.future.result()
        self.tally.seconds["extract"] += worker_seconds
        candidates = pages.filter(pl.col("text").is_not_null())
        ids = [article_key(u, h) for u, h in zip(candidates["url"], candidates["text_hash"], strict=True)]
        known = pl.concat([known_articles(self.con, ids, candidates["text_hash"].to_list()), self.pending])
        batch.documents, batch.articles = classified_documents(
            pages, known, self.tally.version, self.tally.run_id
        )
        self.pending = pl.concat([self.pending, batch.articles.select(list(KNOWN))])
        parameters = {
            "articles": batch.articles,
            "model_name": self.settings.spacy_model,
            "nlp_batch_size": self.settings.nlp_batch_size,
        }
        return self.workers.runner.submit(analyse_articles, parameters)

    def load(self, batch: Batch) -> None:
        tables, worker_seconds = batch.future.result()
        self.tally.seconds["analyse"] += worker_seconds
        started = time.perf_counter()
        documents = with_fetch_metadata(batch.documents, batch.raw)
        documents = with_analysis_errors(documents, tables.pop("analysis_error"))
        rows = {"raw_document": raw_rows(batch.raw), "document": documents, "article": batch.articles}
        load_tables(self.con, {**rows, **tables})
        self.pending = self.pending.filter(
            ~pl.col("article_id").is_in(batch.articles["article_id"].implode())
        )
        self.tally.seconds["load"] += time.perf_counter() - started
        self.tally.statuses.update(documents["status"].to_list())
        self.tally.reasons.update(documents.filter(pl.col("status") == "rejected")["reason"].to_list())

    def progressed(self, done: int, known: int, stage: str) -> None:
        self.progress.update(done, known, stage)

    def waited(self, seconds: float) -> None:
        self.tally.seconds["waiting for workers"] += seconds

    def last_batch_submitted(self) -> None:
        threading.Thread(target=_warm_link_step, name="warm-link-step", daemon=True).start()


class RebuildSteps(IngestSteps):
    """The same steps over the raw documents the warehouse keeps: read from it, not the network."""

    def read_raw(self, refs: list) -> tuple[pl.DataFrame, list[str]]:
        return read_kept_documents(self.con, refs), []


def link(con, tally: RunTally, progress: RunProgress) -> None:
    """Entities folded across articles, stories and claim groups for the new articles. A run that
    loaded nothing changed no story, claim group or entity."""
    if not tally.statuses:
        return
    progress.stage("linking across sources")
    started = time.perf_counter()
    fold_duplicate_entities(con)
    drop_orphan_entities(con)
    link_across_sources(con)
    tally.seconds["link"] += time.perf_counter() - started
