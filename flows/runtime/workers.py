"""What a pool worker does first: end with the run that started it, load the model, share one
Prefect client."""

import multiprocessing
import signal
import sys
import threading


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
    from nlp.model import load_nlp

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
