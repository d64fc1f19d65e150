"""Time limits on work that has no timeout of its own (parsing one page with lxml/trafilatura)."""

import signal
import threading
from contextlib import contextmanager
from functools import partial

from transforms.articles import PageTooSlow


@contextmanager
def _time_limit(seconds: float):
    # SIGALRM interrupts pure-Python and most lxml work; it exists only in the main thread, where
    # Prefect runs this flow's tasks. Elsewhere the page runs unbounded (the size limits still hold).
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def give_up(signum, frame):
        raise PageTooSlow(f"took longer than {seconds:g} s to parse")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def page_time_limit(seconds: float):
    """A context-manager factory that gives up a page after `seconds`."""
    return partial(_time_limit, seconds)
