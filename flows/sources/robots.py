"""robots.txt, fetched once per origin (scheme://host:port), parsed with Protego, cached with a TTL.

RFC 9309 semantics: a 4xx answer means no rules (everything allowed); a 5xx answer or an unreachable
server means everything is disallowed until the file can be read again."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlsplit

from protego import Protego

log = logging.getLogger(__name__)


class _Answer(Protocol):
    status: int | None
    body: bytes
    error: str | None
    detail: str | None


@dataclass(frozen=True)
class RobotsRules:
    origin: str
    state: str  # 'parsed' | 'missing' (4xx: allow all) | 'unreachable' (5xx/network: disallow all)
    parser: Protego | None = None
    reason: str | None = None  # why it is unreachable: 'http_503', 'connect_error', 'timeout', ...
    detail: str | None = None
    fetched_at: float = 0.0

    def allows(self, url: str, agent: str) -> bool:
        if self.state == "missing":
            return True
        if self.state == "unreachable" or self.parser is None:
            return False
        return bool(self.parser.can_fetch(url, agent))

    def crawl_delay(self, agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        return float(delay) if delay is not None else None


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def rules_from_answer(origin: str, answer: _Answer, max_bytes: int) -> RobotsRules:
    """Rules from the answer to GET /robots.txt (after redirects), per RFC 9309 section 2.3.1."""
    now = time.monotonic()
    status = answer.status
    if status is not None and 200 <= status < 300:
        text = answer.body[:max_bytes].decode("utf-8", errors="replace")
        return RobotsRules(origin, "parsed", Protego.parse(text), fetched_at=now)
    if status is not None and 400 <= status < 500 and status != 429:
        return RobotsRules(origin, "missing", fetched_at=now)
    reason = answer.error or (f"http_{status}" if status else "robots_unavailable")
    return RobotsRules(origin, "unreachable", None, reason, answer.detail, now)


class RobotsCache:
    """One robots.txt fetch per origin, shared by every concurrent request; refreshed after `ttl_s`."""

    def __init__(self, ttl_s: float, max_bytes: int) -> None:
        self._ttl = ttl_s
        self._max_bytes = max_bytes
        self._tasks: dict[str, asyncio.Task[RobotsRules]] = {}
        self.fetches: dict[str, int] = {}

    async def rules(self, url: str, fetch: Callable[[str], Awaitable[_Answer]]) -> RobotsRules:
        origin = origin_of(url)
        task = self._tasks.get(origin)
        if (
            task is not None
            and task.done()
            and (
                task.cancelled()
                or task.exception() is not None
                or time.monotonic() - task.result().fetched_at > self._ttl
            )
        ):
            task = None
        if task is None:
            task = asyncio.ensure_future(self._load(origin, fetch))
            self._tasks[origin] = task
        return await asyncio.shield(task)

    async def _load(self, origin: str, fetch: Callable[[str], Awaitable[_Answer]]) -> RobotsRules:
        self.fetches[origin] = self.fetches.get(origin, 0) + 1
        answer = await fetch(origin + "/robots.txt")
        rules = rules_from_answer(origin, answer, self._max_bytes)
        if rules.state == "unreachable":
            log.warning("robots.txt of %s unreachable (%s): nothing there is fetched", origin, rules.reason)
        return rules
