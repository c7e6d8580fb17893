"""HTTP fetching on httpx (async): robots.txt honoured, timeouts, size cap, conditional GET, retries on
408/429/5xx only honouring Retry-After, per-host in-flight cap and delay, a clear User-Agent.
Failures come back as a reason, never raise."""

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

from flows.sources.robots import RobotsCache, RobotsRules
from flows.sources.settings import FetchSettings
from flows.sources.urls import host_of

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({408, 429, *range(500, 600)})


@dataclass
class FetchResult:
    url: str
    final_url: str
    status: int | None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # short reason: 'timeout', 'http_404', 'too_large', 'connect_error', 'robots_disallowed', ...
    error: str | None = None
    detail: str | None = None
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        """A conditional GET answered 304: what we have is still current."""
        return self.status == 304 and self.error is None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


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
    """Per-host politeness: at most N in flight, a minimum gap between request starts (raised by a
    robots.txt Crawl-delay), and a pause for the whole host after a 429/503 with Retry-After."""

    def __init__(self, concurrency: int, delay_s: float, exempt: Iterable[str] = ()) -> None:
        self._concurrency = concurrency
        self._delay = delay_s
        self._exempt = set(exempt)
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._last_start: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self._not_before: dict[str, float] = {}
        self._in_flight: dict[str, int] = defaultdict(int)
        self.max_in_flight: dict[str, int] = defaultdict(int)
        self.min_gap_s: dict[str, float] = {}
        self.requests: dict[str, int] = defaultdict(int)

    def exempt(self, host: str) -> bool:
        return host in self._exempt

    def delay_for(self, host: str) -> float:
        if host in self._exempt:
            return 0.0
        return max(self._delay, self._host_delay.get(host, 0.0))

    def set_delay(self, host: str, delay_s: float) -> None:
        """A host-specific gap (e.g. robots.txt Crawl-delay); never below the global one."""
        self._host_delay[host] = delay_s

    def pause(self, host: str, seconds: float) -> None:
        """No request to `host` starts for `seconds` (the host asked us to back off)."""
        until = time.monotonic() + seconds
        self._not_before[host] = max(self._not_before.get(host, 0.0), until)

    def paused_until(self, host: str) -> float | None:
        """The monotonic time before which no request to `host` starts, when the host asked for a pause."""
        return self._not_before.get(host)

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
        try:
            async with gate._locks[host]:
                while True:
                    now = time.monotonic()
                    ready = max(
                        gate._last_start.get(host, -1e9) + gate.delay_for(host),
                        gate._not_before.get(host, 0.0),
                    )
                    if ready <= now:
                        break
                    await asyncio.sleep(ready - now)
                now = time.monotonic()
                if host in gate._last_start:
                    gap = now - gate._last_start[host]
                    gate.min_gap_s[host] = min(gate.min_gap_s.get(host, gap), gap)
                gate._last_start[host] = now
        except BaseException:
            gate._sem(host).release()
            raise
        gate.requests[host] += 1
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
        self.robots = RobotsCache(s.robots_ttl_s, s.robots_max_bytes)
        self._total = asyncio.Semaphore(s.total_concurrency)
        self._client: httpx.AsyncClient | None = None
        self._backed_off: dict[str, str] = {}  # host -> why we leave it alone for the rest of this run
        self._network_failures: dict[str, int] = defaultdict(int)  # in a row, per host

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

    async def get(
        self,
        url: str,
        headers: dict[str, str] | None = None,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET `url` if robots.txt allows it. With `etag`/`last_modified` the GET is conditional and a
        304 answer comes back with `not_modified` true. Retries 408/429/5xx only."""
        host = host_of(url)
        if host in self._backed_off:
            return FetchResult(url, url, None, error="host_backoff", detail=self._backed_off[host])
        if self.settings.respect_robots:
            refused = await self._robots_refusal(url)
            if refused is not None:
                return refused
        extra = dict(headers or {})
        if etag:
            extra["If-None-Match"] = etag
        if last_modified:
            extra["If-Modified-Since"] = last_modified
        return await self._get_retrying(url, extra or None)

    async def robots_rules(self, url: str) -> RobotsRules:
        """The robots.txt rules that govern `url` (fetched once per origin)."""
        return await self.robots.rules(url, self._fetch_robots)

    async def _fetch_robots(self, url: str) -> FetchResult:
        return await self._get_retrying(url, None, truncate=True)

    async def _robots_refusal(self, url: str) -> FetchResult | None:
        s = self.settings
        rules = await self.robots_rules(url)
        host = host_of(url)
        delay = rules.crawl_delay(s.robots_agent)
        if delay and delay > self.gate.delay_for(host) and not self.gate.exempt(host):
            self.gate.set_delay(host, min(delay, s.max_crawl_delay_s))
        if rules.allows(url, s.robots_agent):
            return None
        if rules.state == "unreachable":
            reason = rules.reason if rules.reason in ("connect_error", "timeout") else "robots_unavailable"
            detail = f"robots.txt of {rules.origin} could not be read ({rules.reason}: {rules.detail or ''})"
            return FetchResult(url, url, None, error=reason, detail=detail.strip())
        return FetchResult(
            url,
            url,
            None,
            error="robots_disallowed",
            detail=f"{rules.origin}/robots.txt disallows this path for {s.robots_agent!r}",
        )

    async def _get_retrying(
        self, url: str, headers: dict[str, str] | None, truncate: bool = False
    ) -> FetchResult:
        s = self.settings
        host = host_of(url)
        attempt = 0
        while True:
            attempt += 1
            result = await self._get_once(url, headers, truncate)
            result.attempts = attempt
            self._note_network_outcome(host, result)
            if result.status not in RETRY_STATUSES:
                return result
            after = retry_after_seconds(result.headers.get("retry-after"))
            if after is not None and after > s.max_retry_after_s:
                result.detail = f"Retry-After {after:.0f}s exceeds the {s.max_retry_after_s:.0f}s limit"
                self._backed_off[host] = (
                    f"{host} asked for Retry-After {after:.0f}s on {url}; left alone for the rest of this run"
                )
                return result
            if attempt > s.max_retries:
                result.detail = f"{result.detail or result.status}; still failing after {attempt} attempts"
                return result
            delay = s.backoff_s * 2 ** (attempt - 1)
            if after is not None:
                delay = max(delay, after)
            if result.status == 429 or after is not None:
                self.gate.pause(host, delay)  # the whole host asked us to slow down, not just this URL
            log.info("retrying %s in %.1fs after %s", url, delay, result.error)
            await asyncio.sleep(delay)

    def _note_network_outcome(self, host: str, result: FetchResult) -> None:
        """A host that keeps timing out or refusing connections is left alone for the rest of the run,
        so a dead or stalled server costs a few timeouts, not one per article."""
        if result.status is not None:
            self._network_failures[host] = 0
            return
        if result.error not in ("timeout", "connect_error", "read_error"):
            return
        self._network_failures[host] += 1
        limit = self.settings.host_failures_before_backoff
        if limit and self._network_failures[host] >= limit and host not in self._backed_off:
            self._backed_off[host] = (
                f"{host}: {self._network_failures[host]} timeouts/connection failures in a row "
                f"(last: {result.error}); left alone for the rest of this run"
            )
            log.warning("%s", self._backed_off[host])

    async def _get_once(self, url: str, headers: dict[str, str] | None, truncate: bool) -> FetchResult:
        assert self._client is not None, "use Fetcher as an async context manager"
        s = self.settings
        host = host_of(url)
        # The host gate first: a request waiting out a host's delay must not hold a global slot.
        async with self.gate.slot(host), self._total:
            if host in self._backed_off:  # decided while this request waited for its turn
                return FetchResult(url, url, None, error="host_backoff", detail=self._backed_off[host])
            try:
                return await asyncio.wait_for(self._stream(url, headers, truncate), timeout=s.total_timeout_s)
            except (TimeoutError, httpx.TimeoutException):
                return FetchResult(
                    url, url, None, error="timeout", detail=f"no full answer in {s.total_timeout_s}s"
                )
            except httpx.TooManyRedirects as exc:
                return FetchResult(url, url, None, error="redirect_loop", detail=str(exc))
            except _TooLarge as exc:
                return FetchResult(url, url, None, error="too_large", detail=str(exc))
            except httpx.ConnectError as exc:
                return FetchResult(url, url, None, error="connect_error", detail=str(exc) or repr(exc))
            except httpx.HTTPError as exc:
                return FetchResult(url, url, None, error="read_error", detail=str(exc) or repr(exc))

    async def _stream(self, url: str, headers: dict[str, str] | None, truncate: bool) -> FetchResult:
        assert self._client is not None
        cap = self.settings.robots_max_bytes if truncate else self.settings.max_bytes
        async with self._client.stream("GET", url, headers=headers) as resp:
            declared = resp.headers.get("content-length")
            if not truncate and declared and declared.isdigit() and int(declared) > cap:
                raise _TooLarge(f"Content-Length {declared} exceeds the {cap}-byte cap")
            chunks, size = [], 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                chunks.append(chunk)
                if size > cap:
                    if truncate:
                        break
                    raise _TooLarge(f"body passed the {cap}-byte cap")
            body = b"".join(chunks)[:cap] if truncate else b"".join(chunks)
            lower = {k.lower(): v for k, v in resp.headers.items()}
            error = detail = None
            if resp.status_code >= 400:
                error = f"http_{resp.status_code}"
                detail = f"HTTP {resp.status_code} {resp.reason_phrase} from {resp.url}"
            return FetchResult(url, str(resp.url), resp.status_code, lower, body, error=error, detail=detail)
