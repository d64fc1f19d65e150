"""The wirehouse flow: discover → read → extract → analyse → load → link.

The flow's process reads, classifies and loads, in batch order; the CPU-bound work of each batch
(extraction, then analysis of its new articles) runs on the task runner the `runner` setting
names, a few batches in flight (flows/batching.py). The steps are in flows/steps.py, the tasks
in flows/tasks.py.
"""

from prefect import flow

from flows.batching import BatchScheduler
from flows.progress import RunProgress
from flows.sources import DocumentRef, discover
from flows.steps import IngestSteps, RebuildSteps, RunTally, link, run_settings, workers_for
from flows.tasks import kept_refs
from flows.version import settings_version
from flows.warehouse.connect import open_warehouse


@flow(name="wirehouse-pipeline", log_prints=False)
def wirehouse_pipeline(
    inputs: list[str],
    db: str = "data/warehouse.duckdb",
    batch_size: int | None = None,
    reprocess: bool | None = None,
    rebuild: bool = False,
    runner: str | None = None,
) -> dict:
    """Every document the `inputs` name (files, folders, URLs, feeds, sitemaps, URL lists, WARC
    archives) into the warehouse at `db`; returns the run summary. With `rebuild`, the inputs are
    the raw documents the warehouse keeps, re-derived without touching the network."""
    settings = run_settings(db, batch_size, reprocess, rebuild, runner)
    tally = RunTally(settings_version(settings))
    with open_warehouse(settings.db, lock_timeout=settings.lock_timeout_seconds) as con:
        refs = kept_refs(con) if rebuild else discover(inputs)
        tally.start(con, ["rebuild"] if rebuild else [str(i) for i in inputs])
        progress = RunProgress(len(refs))
        with workers_for(con, settings, len(refs)) as workers:
            steps = (RebuildSteps if rebuild else IngestSteps)(con, settings, tally, workers, progress)
            batches = BatchScheduler(refs, settings.batch_size, workers.parallel, workers.window)
            batches.run(steps, make_ref=lambda url: DocumentRef("url", url))
        link(con, tally, progress)
        progress.close()
        return tally.finish(con)


if __name__ == "__main__":
    import sys

    print(wirehouse_pipeline(sys.argv[1:] or ["data/samples"]))
