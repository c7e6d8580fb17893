"""HTTP fetching on httpx (async): timeouts, size cap, retries on 408/429/5xx honouring Retry-After,
per-host in-flight cap and delay, a clear User-Agent. Failures come back as a reason, never raise."""

from __future__ import annotations

import asyncio
import email.utils
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from flows.sources.settings import FetchSettings
from flows.sources.urls import host_of

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None  # short reason: 'timeout', 'http_404', 'too_large', 'connect_error', ...
    detail: str | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300


class _TooLarge(Exception):
    pass


def retry_after_seconds(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class HostGate:
    """Per-host politeness: at most N in flight and a minimum gap between request starts."""

    def __init__(self, concurrency: int, delay_s: float, exempt: Iterable[str] = ()) -> None:
        self._concurrency = concurrency
        self._delay = delay_s
        self._exempt = set(exempt)
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last_start: dict[str, float] = {}
        self.max_in_flight: dict[str, int] = defaultdict(int)
        self._in_flight: dict[str, int] = defaultdict(int)

    def _sem(self, host: str) -> asyncio.Semaphore:
        if host not in self._sems:
            self._sems[host] = asyncio.Semaphore(self._concurrency)
        return self._sems[host]

    def slot(self, host: str) -> _GateSlot:
        """`async with gate.slot(host):` wraps one request to `host`."""
        return _GateSlot(self, host)


class _GateSlot:
    def __init__(self, gate: HostGate, host: str) -> None:
        self.gate, self.host = gate, host

    async def __aenter__(self) -> None:
        gate, host = self.gate, self.host
        await gate._sem(host).acquire()
        if host not in gate._exempt and gate._delay > 0:
            async with gate._locks[host]:
                wait = gate._last_start.get(host, 0.0) + gate._delay - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                gate._last_start[host] = time.monotonic()
        gate._in_flight[host] += 1
        gate.max_in_flight[host] = max(gate.max_in_flight[host], gate._in_flight[host])

    async def __aexit__(self, *exc: object) -> None:
        self.gate._in_flight[self.host] -= 1
        self.gate._sem(self.host).release()


class Fetcher:
    """One shared async client. Use `async with Fetcher(settings) as f: await f.get(url)`."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        s = self.settings
        self.gate = HostGate(s.per_host_concurrency, s.per_host_delay_s, s.polite_hosts_exempt)
        self._total = asyncio.Semaphore(s.total_concurrency)
        self._client: httpx.AsyncClient | None = None

    async def __aenter__(self) -> Fetcher:
        s = self.settings
        self._client = httpx.AsyncClient(
            headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(s.total_timeout_s, connect=s.connect_timeout_s),
            follow_redirects=True,
            max_redirects=s.max_redirects,
            trust_env=False,
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def get(self, url: str, headers: dict[str, str] | None = None) -> FetchResult:
        """GET with retries on 408/429/5xx and connection errors (exponential backoff, Retry-After)."""
        s = self.settings
        attempt = 0
        while True:
            attempt += 1
            result = await self._get_once(url, headers)
            result.attempts = attempt
            retryable = result.error in ("timeout", "connect_error", "read_error") or (
                result.status in RETRY_STATUSES
            )
            if not retryable or attempt > s.max_retries:
                return result
            delay = s.backoff_s * 2 ** (attempt - 1)
            after = retry_after_seconds(result.headers.get("retry-after"))
            if after is not None:
                if after > s.max_retry_after_s:
                    result.detail = f"Retry-After {after:.0f}s exceeds the {s.max_retry_after_s:.0f}s limit"
                    return result
                delay = max(delay, after)
            log.info("retrying %s in %.1fs after %s", url, delay, result.error)
            await asyncio.sleep(delay)

    async def _get_once(self, url: str, headers: dict[str, str] | None) -> FetchResult:
        assert self._client is not None, "use Fetcher as an async context manager"
        s = self.settings
        host = host_of(url)
        async with self._total, self.gate.slot(host):
            try:
                return await asyncio.wait_for(self._stream(url, headers), timeout=s.total_timeout_s)
            except (TimeoutError, httpx.TimeoutException):
                return FetchResult(url, url, None, error="timeout", detail=f"no full answer in {s.total_timeout_s}s")
            except httpx.TooManyRedirects as exc:
                return FetchResult(url, url, None, error="redirect_loop", detail=str(exc))
            except _TooLarge as exc:
                return FetchResult(url, url, None, error="too_large", detail=str(exc))
            except httpx.ConnectError as exc:
                return FetchResult(url, url, None, error="connect_error", detail=str(exc) or repr(exc))
            except httpx.HTTPError as exc:
                return FetchResult(url, url, None, error="read_error", detail=str(exc) or repr(exc))

    async def _stream(self, url: str, headers: dict[str, str] | None) -> FetchResult:
        assert self._client is not None
        cap = self.settings.max_bytes
        async with self._client.stream("GET", url, headers=headers) as resp:
            declared = resp.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > cap:
                raise _TooLarge(f"Content-Length {declared} exceeds the {cap}-byte cap")
            chunks, size = [], 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise _TooLarge(f"body passed the {cap}-byte cap")
                chunks.append(chunk)
            body = b"".join(chunks)
            lower = {k.lower(): v for k, v in resp.headers.items()}
            error = None if resp.status_code < 400 else f"http_{resp.status_code}"
            return FetchResult(url, str(resp.url), resp.status_code, lower, body, error=error)
