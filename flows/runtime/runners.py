"""Where the CPU-bound work of a run goes: Prefect task runners chosen by the `runner` setting.

- `auto` (default): `process` when the run has more than one batch of documents to start with,
  else `thread` (a pool's start-up, a second or more per worker, outweighs one batch's work);
- `process`: a pool of `workers` processes on this machine, forked from one process that has
  loaded the spaCy model and warmed the libraries once (`flows.runtime.forked_pool`);
- `thread`: one worker thread in the flow's own process (tests, debugging: no start-up cost);
- `dask`: a local Dask cluster of `workers` single-threaded processes;
- `dask=tcp://host:8786`: an existing Dask cluster, whose workers need wirehouse installed.
"""

from flows.runtime.forked_pool import process_pool
from flows.runtime.workers import warm_worker

RUNNERS = ("auto", "process", "thread", "dask", "dask=<scheduler address>")


def resolved_runner(runner: str, documents: int, batch_size: int) -> str:
    """The runner `auto` stands for, given how many documents the run starts with."""
    if runner != "auto":
        return runner
    return "process" if documents > batch_size else "thread"


def check_runner(runner: str) -> str:
    """`runner` when it names a known runner; ValueError with the choices otherwise."""
    if runner in ("auto", "process", "thread", "dask") or (runner.startswith("dask=") and len(runner) > 5):
        return runner
    raise ValueError(f"unknown runner {runner!r}: use one of {', '.join(RUNNERS)}")


def task_runner(runner: str, workers: int, model_name: str, max_tasks_per_worker: int = 0):
    """A Prefect task runner (use it as a context manager) for the `runner` setting. A process
    pool's worker is replaced by a fresh one after `max_tasks_per_worker` tasks (0: never)."""
    check_runner(runner)
    if runner in ("thread", "auto"):
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=1)
    if runner == "process":
        return process_pool(workers, warm_worker, (model_name,), max_tasks_per_worker or None)
    from prefect_dask import DaskTaskRunner

    if runner.startswith("dask="):
        return DaskTaskRunner(address=runner.removeprefix("dask="))
    return DaskTaskRunner(
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,  # spaCy and lxml hold the GIL: one task per process
            "processes": True,
            "dashboard_address": None,
        }
    )


def batches_in_flight(runner: str, workers: int) -> int:
    """Batches handed to workers at once: one more than the workers, so none waits while a batch loads."""
    return 2 if runner == "thread" else workers + 1
