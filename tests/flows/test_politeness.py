"""robots.txt (Protego, once per origin), conditional GET, and backing off a host that asks for it."""

from __future__ import annotations

import asyncio
import time

import pytest

from flows.sources.fetch import Fetcher
from flows.sources.settings import FetchSettings
from tests.flows.loopback import LoopbackServer, Reply

ROBOTS = (
    b"User-agent: *\nDisallow: /private/\n\n"
    b"User-agent: otherbot\nDisallow: /\n\n"
    b"User-agent: framewatch\nDisallow: /private/\nDisallow: /no-bots/\nAllow: /private/open\n"
    b"Crawl-delay: 0.3\n"
)


def fast(**kw) -> FetchSettings:
    """No delays; generous timeouts, so an answer from the loopback server never races the clock on a busy
    machine (tests of the timeouts themselves set short ones against replies that are slower still)."""
    base = dict(
        per_host_delay_s=0.0, backoff_s=0.05, max_retries=2, total_timeout_s=120.0, connect_timeout_s=60.0
    )
    return FetchSettings(**(base | kw))


def fetch_all(settings: FetchSettings, urls: list[str], **kw):
    async def go():
        async with Fetcher(settings) as f:
            results = await asyncio.gather(*(f.get(u, **kw) for u in urls))
            return results, f

    return asyncio.run(go())


@pytest.fixture()
def server():
    with LoopbackServer() as srv:
        yield srv


def test_robots_rules_apply_and_are_fetched_once(server):
    server.routes["/robots.txt"] = Reply(200, ROBOTS, {"Content-Type": "text/plain"})
    paths = ("/a", "/b", "/private/open", "/private/x", "/no-bots/y")
    for p in paths:
        server.routes[p] = Reply(200, b"ok")
    results, fetcher = fetch_all(fast(), [server.url(p) for p in paths])
    assert [r.error for r in results] == [None, None, None, "robots_disallowed", "robots_disallowed"]
    assert "robots.txt disallows" in results[3].detail
    assert server.hits["/robots.txt"] == 1  # one fetch for five concurrent requests
    assert server.hits["/private/x"] == 0 and server.hits["/no-bots/y"] == 0
    assert fetcher.gate.delay_for("127.0.0.1") == pytest.approx(0.3)  # our group's Crawl-delay
    assert fetcher.gate.min_gap_s["127.0.0.1"] >= 0.29


def test_robots_unavailable_means_nothing_is_fetched(server):
    server.routes["/robots.txt"] = Reply(503, b"down")
    server.routes["/a"] = Reply(200, b"ok")
    (res,), _ = fetch_all(fast(max_retries=1), [server.url("/a")])
    assert res.error == "robots_unavailable" and "http_503" in res.detail
    assert server.hits["/a"] == 0 and server.hits["/robots.txt"] == 2  # retried once, like any 5xx


def test_missing_robots_allows_everything(server):
    server.routes["/a"] = Reply(200, b"ok")  # /robots.txt answers 404
    (res,), _ = fetch_all(fast(), [server.url("/a")])
    assert res.ok


def test_robots_can_be_turned_off_for_local_tests(server):
    server.routes["/private/x"] = Reply(200, b"ok")
    server.routes["/robots.txt"] = Reply(200, ROBOTS)
    (res,), _ = fetch_all(fast(respect_robots=False), [server.url("/private/x")])
    assert res.ok and server.hits["/robots.txt"] == 0


def test_conditional_get_sends_validators_and_reads_304(server):
    seen = {}

    def feed(handler):
        seen["inm"] = handler.headers.get("If-None-Match")
        seen["ims"] = handler.headers.get("If-Modified-Since")
        if seen["inm"] == '"v1"':
            return Reply(304, b"", {"ETag": '"v1"'})
        return Reply(200, b"<rss/>", {"ETag": '"v1"', "Last-Modified": "Mon, 02 Nov 2026 09:00:00 GMT"})

    server.routes["/feed"] = feed
    (first,), _ = fetch_all(fast(), [server.url("/feed")])
    assert first.ok and first.etag == '"v1"' and first.last_modified.startswith("Mon")
    (second,), _ = fetch_all(
        fast(), [server.url("/feed")], etag=first.etag, last_modified=first.last_modified
    )
    assert second.not_modified and not second.ok and second.error is None
    assert seen == {"inm": '"v1"', "ims": "Mon, 02 Nov 2026 09:00:00 GMT"}


def test_timeouts_and_4xx_are_not_retried(server):
    server.routes["/slow"] = Reply(200, b"late", delay_s=30)
    server.routes["/gone"] = Reply(410, b"gone")
    (slow,), _ = fetch_all(fast(total_timeout_s=0.5), [server.url("/slow")])
    (gone,), _ = fetch_all(fast(), [server.url("/gone")])
    assert (slow.error, gone.error) == ("timeout", "http_410")
    assert server.hits["/slow"] == 1 and server.hits["/gone"] == 1


def test_429_pauses_the_whole_host(server):
    server.routes["/limited"] = [Reply(429, headers={"Retry-After": "1"}), Reply(200, b"ok")]
    server.routes["/other"] = Reply(200, b"ok", delay_s=0.0)

    async def go():
        async with Fetcher(fast()) as f:
            first = asyncio.ensure_future(f.get(server.url("/limited")))
            deadline = time.monotonic() + 300  # a generous limit on a condition, not a margin
            while f.gate.paused_until("127.0.0.1") is None:  # the 429 has arrived and paused the host
                assert time.monotonic() < deadline, "the 429 never arrived"
                await asyncio.sleep(0.01)
            other = await f.get(server.url("/other"))  # now another page on the same host
            return await first, other

    limited, other = asyncio.run(go())
    assert limited.ok and other.ok
    assert server.hit_times["/other"][0] - server.hit_times["/limited"][0] >= 0.95


def test_retry_after_beyond_limit_leaves_the_host_alone(server):
    server.routes["/limited"] = Reply(429, headers={"Retry-After": "3600"})
    server.routes["/other"] = Reply(200, b"ok")

    async def go():
        async with Fetcher(fast(max_retry_after_s=5)) as f:
            first = await f.get(server.url("/limited"))
            return first, await f.get(server.url("/other"))

    first, other = asyncio.run(go())
    assert first.error == "http_429" and other.error == "host_backoff"
    assert server.hits["/other"] == 0


def test_in_flight_cap_and_delay_hold(server):
    for i in range(12):
        server.routes[f"/p{i}"] = Reply(200, b"ok", delay_s=0.1)
    results, fetcher = fetch_all(
        fast(per_host_concurrency=3, per_host_delay_s=0.02),
        [server.url(f"/p{i}") for i in range(12)],
    )
    assert all(r.ok for r in results), [(r.error, r.detail) for r in results if not r.ok]
    assert server.max_in_flight <= 3 and fetcher.gate.max_in_flight["127.0.0.1"] <= 3
    assert fetcher.gate.min_gap_s["127.0.0.1"] >= 0.019


def test_a_stalled_host_is_left_alone_after_repeated_timeouts(server):
    for i in range(10):
        server.routes[f"/s{i}"] = Reply(200, b"late", delay_s=1.0)
    settings = fast(total_timeout_s=0.3, per_host_concurrency=1, host_failures_before_backoff=3)
    results, _ = fetch_all(settings, [server.url(f"/s{i}") for i in range(10)])
    reasons = [r.error for r in results]
    assert reasons.count("timeout") == 3 and reasons.count("host_backoff") == 7
    assert sum(server.hits[f"/s{i}"] for i in range(10)) == 3
    assert "3 timeouts/connection failures in a row" in results[-1].detail
