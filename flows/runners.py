"""Where the CPU-bound work of a run goes: Prefect task runners chosen by the `runner` setting.

- `auto` (default): `process` when the run has more than one batch of documents to start with,
  else `thread` (a pool's start-up, a second or more per worker, outweighs one batch's work);
- `process`: a pool of `workers` processes on this machine, each loading the spaCy
  model once, when the pool starts, while the flow is still reading the first batch;
- `thread`: one worker thread in the flow's own process (tests, debugging: no start-up cost);
- `dask`: a local Dask cluster of `workers` single-threaded processes;
- `dask=tcp://host:8786`: an existing Dask cluster, whose workers need wirehouse installed.
"""

import signal
import sys

RUNNERS = ("auto", "process", "thread", "dask", "dask=<scheduler address>")


def die_with_parent() -> None:
    """Asks Linux to send this process SIGTERM when its parent dies, so that a worker or a server
    started for a run that is killed (even with kill -9) does not outlive it. Elsewhere a no-op."""
    if sys.platform.startswith("linux"):
        import ctypes
        import multiprocessing
        import os

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        # the parent may have died while this worker was starting, before the request above
        parent = multiprocessing.parent_process()
        if parent is not None and os.getppid() != parent.pid:
            os._exit(1)


def warm_worker(model_name: str) -> None:
    """Readies a fresh worker process: it ends with the run that started it, and loads the spaCy
    model now, so its first batch does not wait for it."""
    import logging

    die_with_parent()
    # trafilatura logs every page it gives up on; the run summary already counts them with reasons
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    from flows.nlp_model import load_nlp

    load_nlp(model_name)


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


def task_runner(runner: str, workers: int, model_name: str):
    """A Prefect task runner (use it as a context manager) for the `runner` setting."""
    check_runner(runner)
    if runner in ("thread", "auto"):
        from prefect.task_runners import ThreadPoolTaskRunner

        return ThreadPoolTaskRunner(max_workers=1)
    if runner == "process":
        from prefect.task_runners import ProcessPoolTaskRunner

        return ProcessPoolTaskRunner(max_workers=workers, initializer=warm_worker, initargs=(model_name,))
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
