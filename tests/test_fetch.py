"""Fetching against a real HTTP server on 127.0.0.1: robots.txt, feeds, sitemaps, errors, retries,
deadlines, redirects, size limits, charsets, conditional requests; and WARC archives."""

import http.server
import io
import threading
import time
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from flows.fetch import FetchSettings, fetch_urls
from flows.pipeline import wirehouse_pipeline
from tests.conftest import SAMPLES, SEED_NAMES

PAGES = {
    f"/news/{name}": (SAMPLES / name).read_bytes()
    for name in [*SEED_NAMES, "harbour-gazette-2025-03-14.html"]
}
LATIN_PAGE = (
    "<html><head><title>Wrong label</title></head><body><article><p>"
    + "Le président a déclaré que les négociations reprendraient à Genève. " * 8
    + "</p></article></body></html>"
).encode("utf-8")


FLAKY_PAGE = (
    "<html><head><title>Flaky</title></head><body><article><p>"
    + "The council said on Monday that the bridge would reopen in May after repairs. " * 8
    + "</p></article></body></html>"
).encode("utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    hits: Counter = Counter()
    agents: list = []

    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", headers=None):
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (the standard library's name)
        path = self.path.split("?")[0]
        Handler.hits[path] += 1
        Handler.agents.append(self.headers.get("User-Agent"))
        base = f"http://{self.headers['Host']}"
        if path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /private/\n")
        if path in PAGES:
            return self._send(200, PAGES[path], {"Content-Type": "text/html; charset=utf-8"})
        if path == "/feed.xml":
            items = "".join(f"<item><title>x</title><link>{base}{p}</link></item>" for p in list(PAGES)[:2])
            items += "<item><link>file:///etc/passwd</link></item><item><link>ftp://x.example/a</link></item>"
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><link>{base}/</link>{items}</channel></rss>'
            return self._send(200, body.encode(), {"Content-Type": "application/rss+xml"})
        if path == "/sitemap.xml":
            body = (
                f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{base}/news/harbour-gazette-2025-03-14.html</loc></url></urlset>"
            )
            return self._send(200, body.encode(), {"Content-Type": "application/xml"})
        if path == "/private/secret.html":
            return self._send(200, PAGES[f"/news/{SEED_NAMES[0]}"])
        if path == "/flaky.html":
            if Handler.hits[path] == 1:
                return self._send(503, b"busy", {"Retry-After": "0"})
            return self._send(200, FLAKY_PAGE, {"Content-Type": "text/html"})
        if path == "/always-500.html":
            return self._send(500, b"broken")
        if path == "/slow.html":
            time.sleep(3)
            return self._send(200, b"<html>late</html>")
        if path == "/drip.html":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.25)
            return None
        if path in ("/loop-a", "/loop-b"):
            return self._send(302, b"", {"Location": "/loop-b" if path == "/loop-a" else "/loop-a"})
        if path == "/big.html":
            return self._send(200, b"<html><body><p>" + b"word " * 100_000 + b"</p></body></html>")
        if path == "/latin.html":
            return self._send(200, LATIN_PAGE, {"Content-Type": "text/html; charset=iso-8859-1"})
        if path == "/etag.html":
            if self.headers.get("If-None-Match") == '"v1"':
                return self._send(304, b"", {"ETag": '"v1"'})
            return self._send(200, PAGES["/news/harbour-gazette-2025-03-14.html"], {"ETag": '"v1"'})
        return self._send(404, b"not here")


@pytest.fixture()
def server():
    Handler.hits = Counter()
    Handler.agents = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture()
def fast_fetching(monkeypatch):
    for key, value in {
        "PER_HOST_INTERVAL_SECONDS": "0",
        "READ_TIMEOUT_SECONDS": "1",
        "REQUEST_DEADLINE_SECONDS": "2",
        "RETRY_BACKOFF_SECONDS": "0.05",
        "MAX_DOCUMENT_BYTES": "200000",
        "CONTACT": "ops@example.org",
    }.items():
        monkeypatch.setenv(f"WIREHOUSE_{key}", value)


def documents(db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select source_uri, status, reason, http_status from document").fetchall()
    return {uri.split("/", 3)[-1]: (status, reason, code) for uri, status, reason, code in rows}


def test_urls_feeds_sitemaps_and_lists_end_as_documents(prefect_harness, server, fast_fetching, tmp_path):
    url_list = tmp_path / "urls.txt"
    url_list.write_text(
        "\n".join(
            [
                f"{server}/missing.html",
                f"{server}/private/secret.html",
                f"{server}/flaky.html",
                f"{server}/always-500.html",
                f"{server}/slow.html",
                f"{server}/loop-a",
                f"{server}/big.html",
                f"{server}/latin.html",
                "file:///etc/passwd",
                "# a comment",
                "",
            ]
        )
    )
    db = tmp_path / "w.duckdb"
    summary = wirehouse_pipeline([f"{server}/feed.xml", f"{server}/sitemap.xml", str(url_list)], db=str(db))
    docs = documents(db)
    assert (
        docs["feed.xml"][0] == "rejected"
        and docs["feed.xml"][1] == "a feed (2 links followed), not an article"
    )
    assert docs["sitemap.xml"][1] == "a sitemap (1 links followed), not an article"
    for name in PAGES:
        assert docs[name.lstrip("/")][0] == "article"
    assert docs["missing.html"] == ("rejected", "HTTP 404", 404)
    assert docs["private/secret.html"][1] == "disallowed by robots.txt"
    assert docs["flaky.html"][0] == "article" and Handler.hits["/flaky.html"] == 2
    assert docs["always-500.html"][1] == "HTTP 500 after 3 tries"
    assert docs["slow.html"][1] == "timed out after 3 tries"
    assert docs["loop-a"][1] == "more than 5 redirects"
    assert docs["big.html"][1] == "larger than 195 KB"
    assert docs["latin.html"][0] == "article"
    assert docs["etc/passwd"] == ("rejected", "only http and https URLs are followed", None)
    assert not any("passwd" in k and v[0] == "article" for k, v in docs.items())
    assert Handler.hits["/private/secret.html"] == 0 and Handler.hits["/robots.txt"] == 1
    assert all("wirehouse" in a and "ops@example.org" in a for a in Handler.agents)
    assert summary["downloaded"] > 0
    with duckdb.connect(str(db), read_only=True) as con:
        text = con.execute("select text from article where source_uri like '%latin.html'").fetchone()[0]
    assert "Le président a déclaré" in text  # the wrong label did not garble the text


def test_second_run_over_an_unchanged_site_downloads_nothing_new(
    prefect_harness, server, fast_fetching, tmp_path
):
    db = tmp_path / "w.duckdb"
    first = wirehouse_pipeline([f"{server}/etag.html"], db=str(db))
    assert first["downloaded"] == 1 and first["articles"] == 1
    second = wirehouse_pipeline([f"{server}/etag.html"], db=str(db))
    assert second["downloaded"] == 0 and second["not_modified"] == 1 and second["unchanged"] == 1
    assert documents(db)["etag.html"][0] == "article"


def test_rebuild_rederives_everything_without_the_network(prefect_harness, server, fast_fetching, tmp_path):
    db = tmp_path / "w.duckdb"
    wirehouse_pipeline([f"{server}/feed.xml"], db=str(db))
    with duckdb.connect(str(db), read_only=True) as con:
        before = sorted(con.execute("select article_id, text, story_id from article").fetchall())
        claims = con.execute("select count(*) from claim").fetchone()[0]
    hits = sum(Handler.hits.values())
    summary = wirehouse_pipeline([], db=str(db), rebuild=True)
    assert sum(Handler.hits.values()) == hits  # not one request
    assert summary["articles"] == 2
    with duckdb.connect(str(db), read_only=True) as con:
        assert sorted(con.execute("select article_id, text, story_id from article").fetchall()) == before
        assert con.execute("select count(*) from claim").fetchone()[0] == claims


def test_per_host_rate_limit_and_drip_feeding_server(server):
    settings = FetchSettings(per_host_interval=0.3, read_timeout=5, deadline=1.5, tries=1)
    start = time.monotonic()
    results = fetch_urls(
        [f"{server}/news/{SEED_NAMES[0]}", f"{server}/news/{SEED_NAMES[1]}", f"{server}/drip.html"], settings
    )
    elapsed = time.monotonic() - start
    assert [r.status for r in results[:2]] == [200, 200]
    assert results[2].reason == "timed out after 1 tries"  # one byte at a time never holds a worker
    assert elapsed >= 0.6  # robots.txt + three requests to one host, 0.3 s apart
    assert elapsed < 6


def test_warc_archive_records_become_documents(prefect_harness, tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    archive = tmp_path / "crawl.warc.gz"
    with open(archive, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for name in SEED_NAMES:
            headers = StatusAndHeaders(
                "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
            )
            record = writer.create_warc_record(
                f"https://crawl.example/{name}",
                "response",
                payload=io.BytesIO((SAMPLES / name).read_bytes()),
                http_headers=headers,
            )
            writer.write_record(record)
        image = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                "https://crawl.example/logo.png",
                "response",
                payload=io.BytesIO(b"\x89PNG"),
                http_headers=image,
            )
        )
    db = tmp_path / "w.duckdb"
    summary = wirehouse_pipeline([str(archive)], db=str(db))
    assert summary["articles"] == 2 and summary["documents"] == 2  # the image is not an HTML page
    with duckdb.connect(str(db), read_only=True) as con:
        uris = sorted(r[0] for r in con.execute("select source_uri from article").fetchall())
    assert uris == [f"https://crawl.example/{name}" for name in sorted(SEED_NAMES)]


def test_fetch_headers_are_kept(prefect_harness, server, fast_fetching, tmp_path):
    import json

    db = tmp_path / "w.duckdb"
    wirehouse_pipeline([f"{server}/etag.html"], db=str(db))
    with duckdb.connect(str(db), read_only=True) as con:
        status, headers, fetched = con.execute(
            "select http_status, headers, fetched_at from document"
        ).fetchone()
    assert status == 200 and json.loads(headers)["etag"] == '"v1"' and fetched is not None
