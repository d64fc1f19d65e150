"""Batches on their way through the workers: how big, how many in flight, in what order.

Plain Python with no Prefect in it, so that it is tested on fake futures (tests/test_batching.py).
A batch is read in this process, extracted on a worker, classified here (which of its pages are
new articles), analysed on a worker, then loaded here; batches are classified and loaded in the
order they were read, and a few are in flight at once so that no worker waits while one loads.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

# How long one wait on a worker lasts before the batches in flight are looked at again.
POLL_SECONDS = 0.05


def next_batch_size(remaining: int, batch_size: int, workers: int) -> int:
    """Full batches while much is left; then a shrinking share of what is left per worker, so
    the workers finish together rather than one waiting out another's last full batch."""
    if workers <= 1:  # nobody to wait for
        return max(1, min(remaining, batch_size))
    share = -(-remaining // (2 * workers))  # ceil
    return max(1, min(remaining, batch_size, max(share, min(batch_size, 8))))


def finished(future) -> bool:
    """Whether a task runner's future has finished, asked of the wrapped future (concurrent or
    Dask) so that polling never calls the Prefect API."""
    wrapped = getattr(future, "wrapped_future", None)
    return wrapped.done() if wrapped is not None else future.state.is_final()


@dataclass
class Batch:
    """A batch in flight: extracted, then (its new articles) analysed."""

    size: int  # the inputs it was read from
    raw: Any
    future: Any
    stage: str = "extract"
    # set when it is classified: the batch's documents and its new articles
    documents: Any = None
    articles: Any = None


class Steps(Protocol):
    """What the scheduler asks of a run, stage by stage."""

    def read(self, refs: list) -> tuple[Any | None, list[str]]:
        """The batch's raw documents (None: nothing left to extract) and URLs its feeds name."""

    def extract(self, raw) -> Any:
        """A future of the extracted pages."""

    def analyse(self, batch: Batch) -> Any:
        """Classifies the extracted batch; a future of its new articles' analysis."""

    def load(self, batch: Batch) -> None: ...

    def progressed(self, documents_done: int, documents_known: int, stage: str) -> None: ...

    def waited(self, seconds: float) -> None: ...

    def last_batch_submitted(self) -> None: ...


@dataclass
class BatchScheduler:
    """Takes input references off `queue` in batches and moves them through `steps` with at most
    `window` batches in flight; `parallel` workers share the batches (sizes shrink at the end)."""

    queue: deque
    batch_size: int
    parallel: int
    window: int
    in_flight: deque = field(default_factory=deque)  # oldest first: classified and loaded in order
    taken: int = 0
    done: int = 0

    def __post_init__(self) -> None:
        self.queue = deque(self.queue)
        self.seen = {ref.uri for ref in self.queue}

    def extend(self, urls: Iterable[str], make_ref) -> None:
        """Pages a feed or sitemap names join the queue, each once."""
        for url in urls:
            if url not in self.seen:
                self.seen.add(url)
                self.queue.append(make_ref(url))

    def run(self, steps: Steps, make_ref) -> None:
        submitted_all = False
        while self.queue or self.in_flight:
            if self.in_flight and (not self.queue or len(self.in_flight) >= self.window):
                if not self._advance(steps):
                    self._wait(steps)
                continue
            refs = [
                self.queue.popleft()
                for _ in range(next_batch_size(len(self.queue), self.batch_size, self.parallel))
            ]
            self.taken += len(refs)
            steps.progressed(self.done, self.taken + len(self.queue), "reading")
            raw, urls = steps.read(refs)
            self.extend(urls, make_ref)
            steps.progressed(self.done, self.taken + len(self.queue), "reading")
            if raw is None:
                self.done += len(refs)
                continue
            self.in_flight.append(Batch(len(refs), raw, steps.extract(raw)))
            if not self.queue and not submitted_all:
                steps.last_batch_submitted()
                submitted_all = True
        steps.progressed(self.taken, self.taken, "done")

    def _advance(self, steps: Steps) -> bool:
        """Classifies the next batch whose pages are extracted, or loads the oldest analysed one;
        False when neither is ready yet."""
        to_classify = next((b for b in self.in_flight if b.stage == "extract"), None)
        if to_classify is not None and finished(to_classify.future):
            to_classify.future = steps.analyse(to_classify)
            to_classify.stage = "analyse"
            return True
        oldest = self.in_flight[0]
        if oldest.stage == "analyse" and finished(oldest.future):
            steps.progressed(self.done, self.taken + len(self.queue), "loading")
            steps.load(self.in_flight.popleft())
            self.done += oldest.size
            steps.progressed(self.done, self.taken + len(self.queue), "loading")
            return True
        return False

    def _wait(self, steps: Steps) -> None:
        steps.progressed(self.done, self.taken + len(self.queue), "extracting and analysing")
        started = time.perf_counter()
        waiting = next((b for b in self.in_flight if b.stage == "extract"), self.in_flight[0])
        waiting.future.wait(timeout=POLL_SECONDS)
        steps.waited(time.perf_counter() - started)
