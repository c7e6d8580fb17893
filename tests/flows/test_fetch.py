"""The fetcher against a real loopback server: retries, Retry-After, caps, timeouts, redirect loops."""

from __future__ import annotations

import asyncio

import pytest

from flows.sources.fetch import Fetcher, retry_after_seconds
from flows.sources.settings import FetchSettings
from tests.flows.loopback import LoopbackServer, Reply


def fast(**kw) -> FetchSettings:
    """No delays; generous timeouts, so an answer from the loopback server never races the clock on a busy
    machine (tests of the timeouts themselves set short ones against replies that are slower still)."""
    base = dict(
        per_host_delay_s=0.0, backoff_s=0.05, max_retries=2, total_timeout_s=120.0, connect_timeout_s=60.0
    )
    return FetchSettings(**(base | kw))


def fetch(settings: FetchSettings, url: str):
    async def go():
        async with Fetcher(settings) as f:
            return await f.get(url)

    return asyncio.run(go())


@pytest.fixture()
def server():
    with LoopbackServer() as srv:
        yield srv


def test_503_then_success_is_retried(server):
    server.routes["/p"] = [Reply(503), Reply(200, b"ok")]
    res = fetch(fast(), server.url("/p"))
    assert res.ok and res.body == b"ok" and res.attempts == 2


def test_404_is_not_retried(server):
    server.routes["/p"] = Reply(404, b"gone")
    res = fetch(fast(), server.url("/p"))
    assert res.error == "http_404" and server.hits["/p"] == 1


def test_429_honours_retry_after(server):
    server.routes["/p"] = [Reply(429, headers={"Retry-After": "1"}), Reply(200, b"ok")]
    res = fetch(fast(), server.url("/p"))
    assert res.ok
    gap = server.hit_times["/p"][1] - server.hit_times["/p"][0]
    assert gap >= 0.95


def test_retry_after_beyond_limit_gives_up(server):
    server.routes["/p"] = Reply(429, headers={"Retry-After": "3600"})
    res = fetch(fast(max_retry_after_s=5), server.url("/p"))
    assert res.error == "http_429" and "Retry-After" in (res.detail or "") and server.hits["/p"] == 1


def test_size_cap(server):
    server.routes["/big"] = Reply(200, b"x" * 200_000)
    res = fetch(fast(max_bytes=100_000), server.url("/big"))
    assert res.error == "too_large"


def test_total_timeout(server):
    server.routes["/slow"] = Reply(200, b"late", delay_s=3)
    res = fetch(fast(total_timeout_s=0.5, max_retries=0), server.url("/slow"))
    assert res.error == "timeout"


def test_redirect_loop(server):
    server.routes["/a"] = Reply(302, headers={"Location": "/b"})
    server.routes["/b"] = Reply(302, headers={"Location": "/a"})
    res = fetch(fast(), server.url("/a"))
    assert res.error == "redirect_loop"


def test_unreachable_host_is_a_reason_not_an_exception():
    res = fetch(fast(max_retries=0), "http://127.0.0.1:9/feed.xml")
    assert res.error == "connect_error" and not res.ok


def test_user_agent_is_sent(server):
    seen = {}

    def route(handler):
        seen["ua"] = handler.headers.get("User-Agent")
        return Reply(200, b"ok")

    server.routes["/ua"] = route
    fetch(fast(), server.url("/ua"))
    assert seen["ua"].startswith("framewatch/")


def test_retry_after_http_date():
    assert retry_after_seconds("5") == 5.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None
