"""The batch scheduler on fake futures: no Prefect, no workers, the order and limits alone."""

from concurrent.futures import Future, wait
from dataclasses import dataclass

from flows.batching import BatchScheduler, finished, next_batch_size


@dataclass(frozen=True)
class Ref:
    uri: str


class FakeFuture:
    """A task runner's future as the scheduler sees it: a wrapped concurrent future to poll."""

    def __init__(self, value=None):
        self.wrapped_future = Future()
        self.value = value

    def finish(self):
        self.wrapped_future.set_result(self.value)

    def wait(self, timeout=None):
        wait([self.wrapped_future], timeout=timeout)

    def result(self):
        return self.wrapped_future.result()


class RecordingSteps:
    """Steps whose futures finish when the test says (`finish_order`), recording what happened."""

    def __init__(self, finish_order=None, feeds=None, unchanged=()):
        self.events, self.futures, self.in_flight_seen = [], [], []
        self.finish_order = finish_order
        self.feeds = feeds or {}
        self.unchanged = set(unchanged)
        self.scheduler = None
        self.last_submitted_at = None

    def _future(self, value):
        future = FakeFuture(value)
        self.futures.append(future)
        if self.finish_order is None:
            future.finish()
        return future

    def read(self, refs):
        self.events.append(("read", [r.uri for r in refs]))
        urls = [u for r in refs for u in self.feeds.get(r.uri, [])]
        kept = [r.uri for r in refs if r.uri not in self.unchanged]
        return (kept or None), urls

    def extract(self, raw):
        return self._future(("extracted", raw))

    def analyse(self, batch):
        assert batch.future.result() == ("extracted", batch.raw)
        self.events.append(("classify", batch.raw))
        return self._future(("analysed", batch.raw))

    def load(self, batch):
        assert batch.future.result() == ("analysed", batch.raw)
        self.events.append(("load", batch.raw))

    def progressed(self, done, known, stage):
        if self.scheduler is not None:
            self.in_flight_seen.append(len(self.scheduler.in_flight))

    def waited(self, seconds):
        # the test's workers finish one future per wait, in the order given
        pending = [f for f in self.futures if not f.wrapped_future.done()]
        order = self.finish_order or []
        for index in order:
            if index < len(self.futures) and not self.futures[index].wrapped_future.done():
                self.futures[index].finish()
                return
        if pending:
            pending[0].finish()

    def last_batch_submitted(self):
        self.last_submitted_at = len(self.events)


def run(refs, batch_size=2, parallel=1, window=2, **steps_options):
    steps = RecordingSteps(**steps_options)
    scheduler = BatchScheduler([Ref(u) for u in refs], batch_size, parallel, window)
    steps.scheduler = scheduler
    scheduler.run(steps, make_ref=Ref)
    return steps, scheduler


def test_every_batch_is_read_extracted_classified_and_loaded_once():
    steps, scheduler = run([f"p{i}" for i in range(5)])
    loads = [e[1] for e in steps.events if e[0] == "load"]
    assert loads == [["p0", "p1"], ["p2", "p3"], ["p4"]]
    assert scheduler.done == scheduler.taken == 5


def test_batches_load_in_the_order_they_were_read_whatever_order_workers_finish():
    # the second batch's extraction (future 1) finishes before the first's (future 0)
    steps, _ = run([f"p{i}" for i in range(4)], window=2, finish_order=[1, 0, 3, 2])
    assert [e[1] for e in steps.events if e[0] == "load"] == [["p0", "p1"], ["p2", "p3"]]
    assert [e[1] for e in steps.events if e[0] == "classify"] == [["p0", "p1"], ["p2", "p3"]]


def test_no_more_batches_are_in_flight_than_the_window():
    steps, _ = run([f"p{i}" for i in range(12)], batch_size=1, window=3, finish_order=list(range(30)))
    assert max(steps.in_flight_seen) == 3, "the window fills, and no more"


def test_a_batch_with_nothing_to_extract_is_done_without_a_worker():
    steps, scheduler = run(["a", "b", "c"], batch_size=1, unchanged={"b"})
    assert [e[1] for e in steps.events if e[0] == "load"] == [["a"], ["c"]]
    assert scheduler.done == 3


def test_pages_a_feed_names_join_the_queue_once():
    feeds = {"feed": ["x", "y", "x"], "x": ["feed"]}
    steps, scheduler = run(["feed"], batch_size=1, feeds=feeds)
    read = [uri for e in steps.events if e[0] == "read" for uri in e[1]]
    assert read == ["feed", "x", "y"]
    assert scheduler.taken == 3


def test_the_link_step_is_readied_once_the_last_batch_is_out():
    steps, _ = run(["a", "b", "c"], batch_size=1, window=3, finish_order=list(range(10)))
    loads_before = [e for e in steps.events[: steps.last_submitted_at] if e[0] == "load"]
    assert steps.last_submitted_at is not None and len(loads_before) < 3


def test_finished_asks_the_wrapped_future():
    future = FakeFuture()
    assert not finished(future)
    future.finish()
    assert finished(future)


def test_batches_shrink_towards_the_end_so_workers_finish_together():
    def sizes(documents: int, batch_size: int, workers: int) -> list[int]:
        out = []
        while documents:
            out.append(next_batch_size(documents, batch_size, workers))
            documents -= out[-1]
        return out

    run = sizes(600, 50, 2)
    assert sum(run) == 600 and max(run) == 50
    assert run[:9] == [50] * 9, "full batches while much is left"
    assert run[-4:-1] == [8, 8, 8] and run[-1] <= 8, "small ones at the end"
    assert sizes(4, 50, 2) == [4]
    assert sizes(5, 2, 2) == [2, 2, 1]
    assert sizes(30, 50, 1) == [30], "one worker has nobody to wait for: one batch"
