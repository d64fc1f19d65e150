"""A progress bar on the terminal for runs that take more than a few seconds: documents done and
the stage the current batch is in. Silent when stderr is not a terminal (CI, cron, tests)."""

import sys
import time

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

SHOW_AFTER_SECONDS = 3.0


class RunProgress:
    def __init__(self, total: int, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.started = time.monotonic()
        self.progress = None
        self._total = total
        self._done = 0
        self._stage = "starting"

    def _bar(self):
        if (
            not self.enabled
            or self.progress is not None
            or time.monotonic() - self.started < SHOW_AFTER_SECONDS
        ):
            return self.progress
        self.progress = Progress(
            TextColumn("[bold]{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.progress.start()
        self.task = self.progress.add_task(self._stage, total=self._total, completed=self._done)
        return self.progress

    def stage(self, name: str) -> None:
        self._stage = name
        bar = self._bar()
        if bar is not None:
            bar.update(self.task, description=name)

    def total(self, total: int) -> None:
        self._total = total
        if self.progress is not None:
            self.progress.update(self.task, total=total)

    def done(self, documents: int) -> None:
        self._done = documents
        bar = self._bar()
        if bar is not None:
            bar.update(self.task, completed=documents)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None

    def update(self, done: int, total: int, stage: str) -> None:
        """Documents done of `total` known so far, and the stage the run is in."""
        self.total(total)
        self.done(done)
        self.stage(stage)
