"""Where the CPU-bound work of a run goes: Prefect task runners chosen by the `runner` setting.

- `auto` (default): `process` when the run has more than one batch of documents to start with,
  else `thread` (a pool's start-up, a second or more per worker, outweighs one batch's work);
- `process`: a pool of `workers` processes on this machine, forked from one process that has
  loaded the spaCy model and warmed the libraries once (`start_worker_template`);
- `thread`: one worker thread in the flow's own process (tests, debugging: no start-up cost);
- `dask`: a local Dask cluster of `workers` single-threaded processes;
- `dask=tcp://host:8786`: an existing Dask cluster, whose workers need wirehouse installed.
"""

import multiprocessing
import signal
import sys
import threading

RUNNERS = ("auto", "process", "thread", "dask", "dask=<scheduler address>")


def die_with_parent() -> None:
    """Asks Linux to send this process SIGTERM when its parent dies, so that a worker or a server
    started for a run that is killed (even with kill -9) does not outlive it. Elsewhere a no-op."""
    if sys.platform.startswith("linux"):
        import ctypes
        import os

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        # the run may have ended while this worker was starting, before the request above (a
        # forked worker's own parent is the fork server, which ends with the run too)
        parent = multiprocessing.parent_process()
        if parent is not None and not parent.is_alive():
            os._exit(1)


def exit_with_the_run() -> None:
    """Makes this pool worker exit the moment the run's process ends (even by kill -9), mid-task
    or not. A forked worker's parent is the fork server, which waits for every worker to close
    the fork server's liveness pipe (each inherits it) before it ends: without this, a worker busy
    with a task when the run was killed could keep both alive."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        import os
        from multiprocessing.connection import wait

        wait([parent.sentinel])  # readable once the run's process is gone
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-the-run", daemon=True).start()


def warm_worker(model_name: str) -> None:
    """Readies a fresh worker process: it ends with the run that started it, and loads the spaCy
    model now, so its first batch does not wait for it."""
    import logging

    die_with_parent()
    exit_with_the_run()
    # trafilatura logs every page it gives up on; the run summary already counts them with reasons
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    from flows.nlp_model import load_nlp

    load_nlp(model_name)
    keep_one_api_client()


def keep_one_api_client() -> None:
    """Makes every task run in this worker use one Prefect API client, kept for the worker's life.

    Each task run in a pool worker otherwise builds its own clients, and each client a TLS context
    that parses certifi's CA certificates even for a plain-HTTP API, dozens of them in a run. An
    open `SyncClientContext` is Prefect's own way
    to share one: `get_client` returns its client. Only when the API's address is known in this
    process: with none, creating a client would start a temporary API of its own."""
    from prefect.context import SyncClientContext
    from prefect.settings import PREFECT_API_URL

    if not PREFECT_API_URL.value() or SyncClientContext.get() is not None:
        return
    SyncClientContext().__enter__()  # left open: the worker process ends with the run


WORKER_TEMPLATE = "flows.worker_template"


def start_worker_template() -> None:
    """Starts, in the background, the process that the `process` runner's workers are forked
    from (multiprocessing's fork server, preloading `flows.worker_template`): it imports and warms
    what a worker needs once, instead of each spawned worker doing it all over as the
    run's work begins. The CLI starts it with Prefect's API, whose start-up leaves a core free.
    Returns at once; a pool entered later forks its workers as soon as the template is ready.
    Does nothing where there is no fork server (Windows)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver

    multiprocessing.get_context("forkserver").set_forkserver_preload([WORKER_TEMPLATE])
    forkserver.ensure_running()


def _worker_replacing_executor():
    """concurrent.futures' ProcessPoolExecutor, but a worker that exits at its task limit
    (`max_tasks_per_child`) is always replaced.

    Python 3.11 to 3.13.x decides whether to replace it by taking a token of its idle-worker
    semaphore, which counts finished tasks rather than idle workers; with tasks queued, a stale
    token leaves the pool with no worker and the run waits forever (CPython gh-115634, fixed in
    3.13's and 3.14's later releases by replacing exited workers without asking the semaphore, as
    here)."""
    from concurrent.futures import ProcessPoolExecutor

    class WorkerReplacingProcessPoolExecutor(ProcessPoolExecutor):
        def _adjust_process_count(self):
            # the executor's manager thread calls this only to replace a worker that exited
            if threading.current_thread() is self._executor_manager_thread:
                if len(self._processes) < self._max_workers:
                    self._spawn_process()
                return
            super()._adjust_process_count()

    return WorkerReplacingProcessPoolExecutor


def _process_pool_task_runner():
    """Prefect's ProcessPoolTaskRunner, its workers forked from the worker template."""
    from concurrent.futures import ThreadPoolExecutor

    from prefect import task_runners
    from prefect.task_runners import ProcessPoolTaskRunner

    class ForkedProcessPoolTaskRunner(ProcessPoolTaskRunner):
        """Prefect's process pool, whose `__enter__` (as of Prefect 3.8) is repeated here but for
        the start method: Prefect spawns each worker afresh ("spawn"), so every worker imports and
        loads everything itself; these are forked from the warm template instead ("forkserver"),
        which also leaves the model's memory shared between them until written to."""

        def __init__(self, *args, max_tasks_per_worker: int | None = None, **kwargs):
            super().__init__(*args, **kwargs)
            self.max_tasks_per_worker = max_tasks_per_worker

        def duplicate(self):
            duplicate = super().duplicate()
            duplicate.max_tasks_per_worker = self.max_tasks_per_worker
            return duplicate

        def __enter__(self):
            if "forkserver" not in multiprocessing.get_all_start_methods():
                return super().__enter__()
            task_runners.TaskRunner.__enter__(self)
            mp_context = multiprocessing.get_context("forkserver")
            # the fork server starts with the first worker, when a batch needs one (a run over
            # unchanged pages never does), unless the CLI started it already
            mp_context.set_forkserver_preload([WORKER_TEMPLATE])
            self._subprocess_message_queue = mp_context.Queue()
            self._message_forwarding_thread = threading.Thread(
                target=self._forward_subprocess_messages,
                name="ProcessPoolTaskRunnerMessageForwarder",
                daemon=True,
            )
            self._message_forwarding_thread.start()
            try:
                self._executor = _worker_replacing_executor()(
                    max_workers=self._max_workers,
                    mp_context=mp_context,
                    max_tasks_per_child=self.max_tasks_per_worker,
                    initializer=task_runners._initialize_process_pool_worker,
                    initargs=(
                        self._subprocess_message_queue,
                        getattr(self, "_initializer", None),
                        getattr(self, "_initargs", ()),
                    ),
                )
                self._resolver_executor = ThreadPoolExecutor(max_workers=self._max_workers)
            except Exception:
                if self._executor is not None:
                    self._executor.shutdown(cancel_futures=True, wait=True)
                    self._executor = None
                self._stop_message_forwarding()
                raise
            return self

    return ForkedProcessPoolTaskRunner


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
        return _process_pool_task_runner()(
            max_workers=workers,
            initializer=warm_worker,
            initargs=(model_name,),
            max_tasks_per_worker=max_tasks_per_worker or None,
        )
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
