"""The run's progress bar: shown on a terminal once a run lasts a few seconds, silent otherwise."""

from flows import progress as progress_module
from flows.progress import RunProgress


def test_silent_when_not_a_terminal():
    bar = RunProgress(10, enabled=False)
    bar.stage("reading")
    bar.done(5)
    assert bar.progress is None
    bar.close()


def test_shows_stage_and_count_after_the_delay(monkeypatch):
    monkeypatch.setattr(progress_module, "SHOW_AFTER_SECONDS", 0.0)
    bar = RunProgress(10, enabled=True)
    bar.stage("analysing")
    bar.done(4)
    bar.total(12)
    task = bar.progress.tasks[0]
    assert (task.description, task.completed, task.total) == ("analysing", 4, 12)
    bar.close()
    assert bar.progress is None
