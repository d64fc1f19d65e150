"""Shortcuts through other libraries' internals: each runs only on its tested version and when
not asked off, and each has its decision note."""

import logging

from flows.runtime.shortcuts import SHORTCUTS, applies, decided, installed_version, why_not
from flows.settings import PROJECT_ROOT


def test_a_shortcut_runs_on_its_tested_version_only():
    shortcut = SHORTCUTS["date-parser-warm-up"]
    assert why_not(shortcut, shortcut.tested, "") is None
    reason = why_not(shortcut, "9.9.9", "")
    assert reason == f"tested with htmldate {shortcut.tested}, installed 9.9.9"


def test_stock_paths_turn_shortcuts_off_by_name_or_all():
    shortcut = SHORTCUTS["forked-workers"]
    assert why_not(shortcut, shortcut.tested, "date-parser-warm-up, forked-workers") is not None
    assert why_not(shortcut, shortcut.tested, "all") is not None
    assert why_not(shortcut, shortcut.tested, "date-parser-warm-up") is None


def test_the_installed_versions_are_the_tested_ones():
    # a lock-file upgrade that changes one of these must re-measure its shortcut (docs/decisions/)
    for shortcut in SHORTCUTS.values():
        assert installed_version(shortcut.library) == shortcut.tested, shortcut.name


def test_every_shortcut_has_its_decision_note():
    for shortcut in SHORTCUTS.values():
        note = PROJECT_ROOT / "docs" / "decisions" / shortcut.decision
        assert note.is_file(), shortcut.name
        assert shortcut.name in note.read_text(encoding="utf-8"), shortcut.name


def test_an_untested_version_logs_one_line_and_takes_the_public_path(caplog):
    decided.cache_clear()
    with caplog.at_level(logging.WARNING, logger="wirehouse.shortcuts"):
        assert not decided("date-parser-warm-up", "0.0.1", "")
        assert not decided("date-parser-warm-up", "0.0.1", "")
    assert len(caplog.records) == 1
    assert "date-parser-warm-up off (tested with htmldate 1.11.0, installed 0.0.1)" in caplog.text


def test_asked_off_by_the_setting(monkeypatch):
    applies.cache_clear()
    assert applies("date-parser-warm-up")
    applies.cache_clear()
    monkeypatch.setenv("WIREHOUSE_STOCK_PATHS", "date-parser-warm-up")
    try:
        assert not applies("date-parser-warm-up")
        assert applies("forked-workers")
    finally:
        applies.cache_clear()
