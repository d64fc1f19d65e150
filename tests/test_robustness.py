"""Nothing lost, nothing corrupted: hostile inputs, concurrent runs and kill -9, with real processes."""

import gzip
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from tests.conftest import SAMPLES, SEED_NAMES

WIREHOUSE = str(Path(sys.executable).parent / "wirehouse")
TABLES = {
    "document": "select document_id, source_uri, content_hash, status, reason, article_id from document",
    "article": "select * from article",
    "entity": "select * from entity",
    "entity_mention": "select * from entity_mention",
    "claim": "select * from claim",
    "event": "select * from event",
}

ARTICLE = """<html><head><meta charset="{charset}"><title>{title}</title>
<meta property="article:published_time" content="2025-11-09"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav><article><h1>{title}</h1>
{paras}</article><footer>All rights reserved</footer></body></html>"""
PARA = (
    "<p>The minister said on Tuesday that the talks in Geneva would resume next week, "
    "according to officials who attended the meeting. {extra}</p>"
)


def article(title, charset="utf-8", extra="", n=6):
    return ARTICLE.format(
        charset=charset, title=title, paras="\n".join(PARA.format(extra=extra) for _ in range(n))
    )


def write_hostile(folder: Path, big: bool = False) -> None:
    """What crawlers meet, beside the two seed pages and a duplicate (after shared/corpus/make_hostile.py)."""
    rng = random.Random(7)
    for name in SEED_NAMES:
        shutil.copy(SAMPLES / name, folder / name)
    shutil.copy(SAMPLES / SEED_NAMES[1], folder / "duplicate-of-islamabad-daily.html")

    def w(name, data):
        (folder / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    w("empty.html", b"")
    w("whitespace.html", b"  \n\t \n")
    w("binary.html", bytes(rng.randrange(256) for _ in range(200_000)))
    w("nul-bytes.html", article("Nul bytes in the page").replace("talks", "ta\x00lks"))
    w(
        "cp1252.html",
        article("Café owners’ protest in São Paulo", "windows-1252", "Prices rose €3.").encode("cp1252"),
    )
    w("shift-jis.html", article("東京の会談", "shift_jis", "大臣は話した。").encode("shift_jis"))
    w("utf16-bom.html", article("A page in UTF-16 with a byte-order mark", "utf-16").encode("utf-16"))
    w(
        "wrong-charset-declared.html",
        article("Declared latin-1, really UTF-8: über café — “quoted”", "iso-8859-1"),
    )
    w(
        "no-article.html",
        "<html><body><nav>"
        + " ".join(f'<a href="/{i}">Link {i}</a>' for i in range(300))
        + "</nav></body></html>",
    )
    w("script-only.html", "<html><body><script>" + "var x=1;" * 20000 + "</script></body></html>")
    w("truncated.html", article("A page cut off in the middle")[:700])
    w(
        "deep-nesting.html",
        "<html><body>" + "<div>" * 100_000 + "<p>deep text here</p>" + "</div>" * 100_000 + "</body></html>",
    )
    w(
        "markup-injection.html",
        article(
            "<script>alert('title')</script> Robert'); DROP TABLE article;-- \u202eevil",
            extra="<img src=x onerror=alert(1)>",
        ),
    )
    w("urdu-rtl.html", article("پاکستان کی خبر", extra="وزیر نے کہا۔"))
    w("not-really-gzip.html.gz", b"this is not gzip at all")
    w("control-chars-in-title.html", article("Tabs\tand\x0bvertical\x0ctabs and \x1b[31mANSI\x1b[0m"))
    if big:
        with open(folder / "huge-60mb.html", "w", encoding="utf-8") as f:
            f.write("<html><body><article>")
            block = PARA.format(extra="Filler sentence for size. " * 20)
            while f.tell() < 60 * 2**20:
                f.write(block)
            f.write("</article></body></html>")
        with gzip.open(folder / "gzip-bomb.html.gz", "wb", compresslevel=9) as f:
            chunk = b"\0" * 2**20
            for _ in range(2048):
                f.write(chunk)
        w("one-long-line.html", "<html><body><p>" + "x" * 10_000_000 + "</p></body></html>")


def cli(args, home: Path, extra_env=None, **kwargs):
    env = dict(os.environ, PREFECT_HOME=str(home), **(extra_env or {}))
    return subprocess.run([WIREHOUSE, *args], capture_output=True, text=True, env=env, timeout=600, **kwargs)


def snapshot_rows(db: Path) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        return {t: sorted(con.execute(q).fetchall(), key=repr) for t, q in TABLES.items()}


def test_hostile_folder_loads_each_article_once_and_explains_every_other_file(tmp_path):
    folder = tmp_path / "hostile"
    folder.mkdir()
    write_hostile(folder, big=True)
    db = tmp_path / "w.duckdb"
    result = cli(["run", str(folder), "--db", str(db)], tmp_path / "prefect")
    assert result.returncode == 0, result.stderr[-3000:]
    with duckdb.connect(str(db), read_only=True) as con:
        docs = {
            uri.rsplit("/", 1)[-1]: (status, reason)
            for uri, status, reason in con.execute(
                "select source_uri, status, reason from document"
            ).fetchall()
        }
        titles = [r[0] for r in con.execute("select title from article").fetchall()]
        texts = " ".join(r[0] for r in con.execute("select text from article").fetchall())
        tables = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
        encodings = {
            uri.rsplit("/", 1)[-1]: enc
            for uri, enc in con.execute("select source_uri, encoding from document").fetchall()
        }
    assert set(docs) == {p.name for p in folder.iterdir()}  # every file is a document row
    assert all(status != "rejected" or reason for status, reason in docs.values())
    # the same page under two names: one article (the first in path order) and one duplicate
    pair = sorted([docs["duplicate-of-islamabad-daily.html"][0], docs[SEED_NAMES[1]][0]])
    assert pair == ["article", "duplicate"]
    seed_titles = [t for t in titles if t.startswith("Pakistan")]
    assert len(seed_titles) == 2  # each seed article exactly once
    assert docs["huge-60mb.html"] == ("rejected", "larger than 10 MB (60 MB)")
    assert docs["gzip-bomb.html.gz"][1].startswith("inflates to more than")
    assert docs["binary.html"][0] == "rejected" and docs["empty.html"][0] == "rejected"
    # mis-encoded pages decoded correctly (pages with the same body text are duplicates of one article)
    assert "Café owners’ protest in São Paulo" in titles
    assert "東京の会談" in titles
    assert encodings["wrong-charset-declared.html"] == "utf-8"
    assert encodings["utf16-bom.html"] == "utf-16"
    assert encodings["shift-jis.html"] == "shift_jis" and encodings["cp1252.html"] == "cp1252"
    assert docs["utf16-bom.html"][0] in ("article", "duplicate")
    assert docs["wrong-charset-declared.html"][0] in ("article", "duplicate")
    # text is stored verbatim, never executed: the injection is a title, the table is still there
    assert any("DROP TABLE article" in t for t in titles) and "article" in tables
    assert "\x00" not in texts and "\x1b" not in " ".join(titles)


def _pages(folder: Path, n: int) -> None:
    """n distinct English articles built from the sample pages (own URLs, own first paragraph)."""
    sources = [SAMPLES / name for name in SEED_NAMES] + [SAMPLES / "harbour-gazette-2025-03-14.html"]
    for k in range(n):
        html = sources[k % len(sources)].read_text(encoding="utf-8")
        html = re.sub(r'(rel="canonical" href="[^"]+)"', rf'\1?copy={k}"', html)
        html = html.replace("<p>", f"<p>Edition note {k}: this copy is number {k} of the test set.</p><p>", 1)
        (folder / f"page-{k:03d}.html").write_text(html, encoding="utf-8")


def test_a_second_writer_is_told_who_holds_the_warehouse_and_the_first_run_is_intact(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    _pages(folder, 9)
    db = tmp_path / "w.duckdb"
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "prefect-a"))
    first = subprocess.Popen(
        [WIREHOUSE, "run", str(folder), "--db", str(db), "--batch-size", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # wait until the first run holds the file
            try:
                duckdb.connect(str(db), read_only=True).close()
            except duckdb.IOException as exc:
                if "lock" in str(exc).lower():
                    break
            time.sleep(0.2)
        else:
            pytest.fail("the first run never took the warehouse")
        second = cli(
            ["run", str(folder), "--db", str(db)],
            tmp_path / "prefect-b",
            extra_env={"WIREHOUSE_LOCK_TIMEOUT_SECONDS": "1"},
        )
        assert second.returncode == 2
        assert f"is in use by another process (pid {first.pid})" in second.stderr
        assert "waiting up to 1 s" in second.stderr
    finally:
        out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err[-2000:]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from article").fetchone()[0] == 9


@pytest.mark.parametrize("fraction", [0.6])
def test_kill_9_mid_run_then_rerun_gives_the_uninterrupted_warehouse(tmp_path, fraction):
    folder = tmp_path / "pages"
    folder.mkdir()
    _pages(folder, 9)
    reference = tmp_path / "reference.duckdb"
    start = time.monotonic()
    assert (
        cli(["run", str(folder), "--db", str(reference), "--batch-size", "1"], tmp_path / "p1").returncode
        == 0
    )
    duration = time.monotonic() - start

    db = tmp_path / "killed.duckdb"
    env = dict(os.environ, PREFECT_HOME=str(tmp_path / "p2"))
    victim = subprocess.Popen(
        [WIREHOUSE, "run", str(folder), "--db", str(db), "--batch-size", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    time.sleep(duration * fraction)
    import psutil

    helpers = psutil.Process(victim.pid).children(recursive=True)  # its workers and Prefect server
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    # nothing the killed run started outlives it
    _, alive = psutil.wait_procs(helpers, timeout=30)
    assert not alive, [p.cmdline()[:4] for p in alive]
    if db.exists():  # whatever was committed is whole: every document has its article rows
        with duckdb.connect(str(db), read_only=True) as con:
            loaded = con.execute("select count(*) from document").fetchone()[0]
            articles = con.execute("select count(*) from article").fetchone()[0]
            assert loaded == articles
    assert cli(["run", str(folder), "--db", str(db), "--batch-size", "1"], tmp_path / "p2").returncode == 0
    assert snapshot_rows(db) == snapshot_rows(reference)
