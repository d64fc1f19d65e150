"""Polite HTTP fetching with httpx: robots.txt, per-host rate limits, deadlines, size limits,
retries with backoff, and conditional requests. Network I/O only: parsing happens elsewhere.

Every URL comes back as a FetchResult with either bytes or a reason a person can act on
("HTTP 404", "disallowed by robots.txt", "timed out after 3 tries", "larger than 10 MB").
"""

import asyncio
import email.utils
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
from protego import Protego

from flows.sources import size_text


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = "wirehouse/0.1 (+https://example.invalid/wirehouse)"
    contact: str | None = None
    concurrency: int = 8
    per_host_interval: float = 1.0
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0
    max_bytes: int = 10 * 2**20
    max_redirects: int = 5
    tries: int = 3
    backoff: float = 1.0
    max_retry_after: float = 60.0

    @property
    def agent(self) -> str:
        return f"{self.user_agent} {self.contact}".strip() if self.contact else self.user_agent


@dataclass
class FetchResult:
    url: str
    data: bytes | None = None
    reason: str | None = None
    status: int | None = None
    final_url: str | None = None
    headers: dict = field(default_factory=dict)
    charset: str | None = None
    fetched_at: datetime | None = None
    not_modified: bool = False
    attempts: int = 0


class _Retry(Exception):
    def __init__(self, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


class _Give(Exception):
    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, (when - datetime.now(UTC)).total_seconds())
    except (TypeError, ValueError):
        return None


class Fetcher:
    """One crawl's worth of state: the client, robots.txt per host, and when each host was last hit."""

    def __init__(self, settings: FetchSettings):
        self.settings = settings
        self.robots: dict[str, Protego | None] = {}
        self.robots_locks: dict[str, asyncio.Lock] = {}
        self.host_locks: dict[str, asyncio.Lock] = {}
        self.last_hit: dict[str, float] = {}
        self.requests = 0

    def _client(self) -> httpx.AsyncClient:
        s = self.settings
        timeout = httpx.Timeout(
            connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=s.deadline
        )
        return httpx.AsyncClient(
            timeout=timeout,
            follow_redirects=True,
            max_redirects=s.max_redirects,
            headers={"User-Agent": s.agent},
            verify=True,
        )

    async def _polite_wait(self, host: str) -> None:
        lock = self.host_locks.setdefault(host, asyncio.Lock())
        async with lock:
            robots = self.robots.get(host)
            delay = self.settings.per_host_interval
            if robots is not None:
                delay = max(delay, robots.crawl_delay(self.settings.user_agent) or 0)
            wait = self.last_hit.get(host, 0) + delay - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self.last_hit[host] = time.monotonic()

    async def _robots(self, client: httpx.AsyncClient, url: str) -> Protego | None:
        parts = urlsplit(url)
        host = f"{parts.scheme}://{parts.netloc}"
        lock = self.robots_locks.setdefault(host, asyncio.Lock())
        async with lock:
            if host not in self.robots:
                try:
                    await self._polite_wait(parts.netloc)
                    self.requests += 1
                    response = await asyncio.wait_for(
                        client.get(f"{host}/robots.txt"), self.settings.deadline
                    )
                    self.robots[host] = Protego.parse(response.text) if response.status_code == 200 else None
                except (TimeoutError, httpx.HTTPError):
                    self.robots[host] = None  # no readable robots.txt: nothing is disallowed
            return self.robots[host]

    async def _get_once(self, client: httpx.AsyncClient, url: str, conditional: dict) -> FetchResult:
        s = self.settings
        headers = {}
        if conditional.get("etag"):
            headers["If-None-Match"] = conditional["etag"]
        if conditional.get("last_modified"):
            headers["If-Modified-Since"] = conditional["last_modified"]
        self.requests += 1
        async with client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if status == 304:
                return FetchResult(
                    url,
                    status=304,
                    not_modified=True,
                    final_url=str(response.url),
                    headers=dict(response.headers),
                    fetched_at=datetime.now(UTC),
                )
            if status == 429 or status >= 500:
                raise _Retry(f"HTTP {status}", _retry_after(response.headers.get("Retry-After")))
            if status >= 400:
                raise _Give(f"HTTP {status}", status)
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > s.max_bytes:
                raise _Give(f"larger than {size_text(s.max_bytes)}", status)
            body = bytearray()
            async for chunk in response.aiter_bytes():  # decoded: a compressed bomb stops at the limit too
                body += chunk
                if len(body) > s.max_bytes:
                    raise _Give(f"larger than {size_text(s.max_bytes)}", status)
            data = bytes(body)
            return FetchResult(
                url,
                data=data,
                status=status,
                final_url=str(response.url),
                headers=dict(response.headers),
                charset=response.charset_encoding,
                fetched_at=datetime.now(UTC),
            )

    async def fetch(
        self, client: httpx.AsyncClient, url: str, conditional: dict | None = None
    ) -> FetchResult:
        s = self.settings
        robots = await self._robots(client, url)
        if robots is not None and not robots.can_fetch(url, s.user_agent):
            return FetchResult(url, reason="disallowed by robots.txt")
        last_reason = "no response"
        for attempt in range(1, s.tries + 1):
            await self._polite_wait(urlsplit(url).netloc)
            try:
                result = await asyncio.wait_for(self._get_once(client, url, conditional or {}), s.deadline)
                result.attempts = attempt
                return result
            except _Give as give:
                return FetchResult(url, reason=give.reason, status=give.status, attempts=attempt)
            except httpx.TooManyRedirects:
                return FetchResult(url, reason=f"more than {s.max_redirects} redirects", attempts=attempt)
            except _Retry as retry:
                last_reason, wait = retry.reason, retry.wait
            except (TimeoutError, httpx.TimeoutException):
                last_reason, wait = "timed out", None
            except httpx.HTTPError as exc:
                last_reason, wait = f"connection failed ({type(exc).__name__})", None
            if attempt < s.tries:
                backoff = s.backoff * 2 ** (attempt - 1) * (1 + random.random() * 0.5)
                await asyncio.sleep(min(s.max_retry_after, wait if wait is not None else backoff))
        return FetchResult(url, reason=f"{last_reason} after {s.tries} tries", attempts=s.tries)

    async def fetch_all(
        self, urls: list[str], conditional: dict[str, dict] | None = None
    ) -> list[FetchResult]:
        # locks belong to one event loop; robots.txt and per-host timing outlive it (one crawl, many batches)
        self.robots_locks, self.host_locks = {}, {}
        semaphore = asyncio.Semaphore(self.settings.concurrency)
        async with self._client() as client:

            async def one(url):
                async with semaphore:
                    return await self.fetch(client, url, (conditional or {}).get(url))

            return await asyncio.gather(*(one(u) for u in urls))


def fetch_urls(
    urls: list[str],
    settings: FetchSettings,
    conditional: dict[str, dict] | None = None,
    fetcher: Fetcher | None = None,
) -> list[FetchResult]:
    """Fetches the URLs (in parallel across hosts, politely within each); results in input order."""
    fetcher = fetcher or Fetcher(settings)
    return asyncio.run(fetcher.fetch_all(urls, conditional))
