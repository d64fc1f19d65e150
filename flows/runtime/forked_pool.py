"""The `process` runner's pool, its workers forked from a warm template instead of spawned.

Two shortcuts through other projects' internals live here, each behind `shortcuts.applies`
(docs/decisions/forked-workers.md): Prefect's process-pool `__enter__` repeated with another
start method (`forked-workers`), and CPython's executor told to always replace a worker that
exited at its task limit (`worker-replacement`). Without them, Prefect's own pool runs: spawned
workers, never replaced.
"""

import multiprocessing
import threading

from flows.runtime.shortcuts import applies

WORKER_TEMPLATE = "flows.runtime.worker_template"  # the module the fork server preloads


def start_worker_template() -> None:
    """Starts, in the background, the process that the `process` runner's workers are forked
    from (multiprocessing's fork server, preloading `flows.runtime.worker_template`): it imports and warms
    what a worker needs once, instead of each spawned worker doing it all over as the
    run's work begins. The CLI starts it with Prefect's API, whose start-up leaves a core free.
    Returns at once; a pool entered later forks its workers as soon as the template is ready.
    Does nothing where there is no fork server (Windows), or where Prefect's own pool runs."""
    if "forkserver" not in multiprocessing.get_all_start_methods() or not applies("forked-workers"):
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


def process_pool(workers: int, initializer, initargs: tuple, max_tasks_per_worker: int | None):
    """A Prefect process-pool task runner: forked from the template where the shortcut applies,
    else Prefect's own (spawned workers, each kept for the whole run)."""
    if applies("forked-workers"):
        if not applies("worker-replacement"):
            max_tasks_per_worker = None  # stock CPython can hang replacing them (gh-115634)
        return _process_pool_task_runner()(
            max_workers=workers,
            initializer=initializer,
            initargs=initargs,
            max_tasks_per_worker=max_tasks_per_worker,
        )
    from prefect.task_runners import ProcessPoolTaskRunner

    return ProcessPoolTaskRunner(max_workers=workers, initializer=initializer, initargs=initargs)
