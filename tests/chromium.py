"""Debian's Chromium, headless, as the browser tests drive it (the HTML report, explore), and
the markup they feed it from an article."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# a headline that would run script if a page did not escape it
HOSTILE = '</script><script>document.title="pwned"</script><img src=x onerror="document.title=1">'
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The flags a root, offline machine needs: no sandbox, and no background calls to the network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--virtual-time-budget=15000",
]


def chromium(*args, profile: Path) -> subprocess.CompletedProcess:
    """Chromium run once with `args` (`--dump-dom URL`, `--screenshot=… URL`); skipped where
    there is no Chromium, except in CI, which installs it."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium for the browser tests; .ci/run installs it")
        pytest.skip("no chromium on this machine (apt-get install chromium)")
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def with_hostile_headline(seed_warehouse: Path, folder: Path) -> Path:
    """A copy of the seed warehouse in `folder` whose first article's headline is HOSTILE."""
    import duckdb

    db = folder / "w.duckdb"
    shutil.copy(seed_warehouse, db)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "update article set title = ? where article_id = (select min(article_id) from article)", [HOSTILE]
        )
    return db
