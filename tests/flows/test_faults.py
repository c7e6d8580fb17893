"""One collection run against real loopback servers full of faults: timeouts, 429 with Retry-After,
503 then success, a redirect loop, malformed and empty feeds, a wrong charset, a 50 MB page, a page that
never ends, robots.txt disallowing, a host whose robots.txt is down, paywalls. Each fault is recorded
with a reason, every good article arrives, and no path is requested more than the retry budget allows."""

from __future__ import annotations

import asyncio
import gzip

import pytest

from flows.sources.collect import collect_async
from flows.sources.registry import Feed
from flows.sources.settings import FetchSettings
from tests.flows.loopback import LoopbackServer, Reply, repeat
from tests.flows.pages import article_html, news_sitemap, paragraphs, rss, sitemap_index
from tests.flows.test_extract_pool import ShortFuseForHangs

MB = 1024 * 1024
HTML = {"Content-Type": "text/html; charset=utf-8"}
PAYWALL = '<script type="application/ld+json">{"isAccessibleForFree": "False"}</script>'
SETTINGS = dict(
    per_host_delay_s=0.02,
    per_host_concurrency=3,
    total_timeout_s=10.0,  # good pages have plenty; the slow faults below never answer in time
    connect_timeout_s=10.0,
    max_retries=1,
    backoff_s=0.1,
    max_bytes=2 * MB,
    max_retry_after_s=5,
    extract_workers=1,
    extract_timeout_s=20,
    sitemap_max_age_days=3,
)


def page(seed: int, title: str | None = None, **kw) -> Reply:
    return Reply(200, article_html(title or f"Story {seed}", paragraphs(seed), **kw).encode(), HTML)


@pytest.fixture(scope="module")
def faulty_run():
    with LoopbackServer() as a, LoopbackServer() as b:
        a.routes["/robots.txt"] = Reply(200, b"User-agent: *\nDisallow: /private/\n")
        good = [f"/a/{i}.html" for i in range(8)]
        for i, path in enumerate(good):
            a.routes[path] = page(100 + i)
        cp1252 = (
            article_html("Café society", paragraphs(7), charset="windows-1252")
            .replace("council", "café council")
            .encode("cp1252")
        )
        faults = {
            "/a/slow.html": Reply(200, b"late", HTML, delay_s=120),
            "/a/ratelimited.html": [Reply(429, b"", {"Retry-After": "1"}), page(201)],
            "/a/flaky.html": [Reply(503, b"busy"), page(202)],
            "/a/down.html": Reply(503, b"still busy"),
            "/a/loop1.html": Reply(302, b"", {"Location": "/a/loop2.html"}),
            "/a/loop2.html": Reply(302, b"", {"Location": "/a/loop1.html"}),
            "/a/latin.html": Reply(200, cp1252, {"Content-Type": "text/html; charset=utf-8"}),  # header lies
            "/a/huge.html": Reply(
                200, headers=HTML, stream=repeat(b"<p>" + b"x" * 65_530 + b"</p>", 50 * MB)
            ),
            "/a/declared-huge.html": Reply(200, b"small", {**HTML, "Content-Length": str(50 * MB)}),
            "/a/endless.html": Reply(200, headers=HTML, stream=repeat(b"<p>more</p>" * 1000, None)),
            "/a/trickle.html": Reply(200, headers=HTML, stream=repeat(b"<p>.", None, pause_s=0.05)),
            "/a/teaser.html": Reply(
                200, article_html("Locked", ["Subscribe to keep reading."], head=PAYWALL).encode(), HTML
            ),
            "/a/metered.html": page(203, head=PAYWALL),
            "/a/video.html": Reply(200, b"<html><body><video src='/v.m3u8'></video></body></html>", HTML),
            "/a/pdf.html": Reply(200, b"%PDF-1.4", {"Content-Type": "application/pdf"}),
            "/a/gone.html": Reply(404, b"gone"),
            "/private/secret.html": page(204),
        }
        a.routes.update(faults)
        items = [(a.url(p), p) for p in good + list(faults) if p != "/a/loop2.html"]
        a.routes["/feed.xml"] = Reply(200, rss(items), {"Content-Type": "application/rss+xml"})
        a.routes["/malformed.xml"] = Reply(
            200, b"<rss><channel><item><link>http://x", {"Content-Type": "application/rss+xml"}
        )
        a.routes["/empty.xml"] = Reply(
            200, b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>'
        )
        a.routes["/zero.xml"] = Reply(200, b"")
        a.routes["/missing.xml"] = Reply(404, b"no")
        a.routes["/slowfeed.xml"] = Reply(200, b"<rss/>", delay_s=120)
        # a news sitemap index, one gzipped child with two articles
        a.routes["/sitemap-index.xml"] = Reply(200, sitemap_index([(a.url("/news-1.xml.gz"), "2026-11-01")]))
        a.routes["/news-1.xml.gz"] = Reply(
            200, gzip.compress(news_sitemap([a.url("/s/1.html"), a.url("/s/2.html")]))
        )
        a.routes["/s/1.html"] = page(301)
        a.routes["/s/2.html"] = page(302)
        # host b: robots.txt is down, so nothing there may be fetched
        b.routes["/robots.txt"] = Reply(500, b"oops")
        b.routes["/feed.xml"] = Reply(200, rss([(b.url("/x.html"), "x")]))
        feeds = [
            Feed(a.url(p), "outlet-a")
            for p in (
                "/feed.xml",
                "/malformed.xml",
                "/empty.xml",
                "/zero.xml",
                "/missing.xml",
                "/slowfeed.xml",
            )
        ]
        feeds += [
            Feed(a.url("/sitemap-index.xml"), "outlet-a", "sitemap"),
            Feed(b.url("/feed.xml"), "outlet-b"),
        ]
        settings = FetchSettings(**SETTINGS)
        result = asyncio.run(collect_async(feeds, set(), settings=settings, run_id="run-1"))
        yield result, a, b, settings


def _reasons(result):
    return {(e["stage"], e["source"].rsplit("/", 1)[-1], e["reason"]) for e in result.errors}


def test_every_fault_is_recorded_with_its_reason(faulty_run):
    result, *_ = faulty_run
    expected = {
        ("fetch", "slow.html", "timeout"),
        ("fetch", "down.html", "http_503"),
        ("fetch", "loop1.html", "redirect_loop"),
        ("fetch", "huge.html", "too_large"),
        ("fetch", "declared-huge.html", "too_large"),
        ("fetch", "endless.html", "too_large"),
        ("fetch", "trickle.html", "timeout"),
        ("fetch", "secret.html", "robots_disallowed"),
        ("fetch", "gone.html", "http_404"),
        ("fetch", "pdf.html", "not_html"),
        ("extract", "teaser.html", "paywalled"),
        ("extract", "video.html", "no_text"),
        ("feed", "malformed.xml", "malformed_feed"),
        ("feed", "empty.xml", "empty_feed"),
        ("feed", "zero.xml", "empty_feed"),
        ("feed", "missing.xml", "http_404"),
        ("feed", "slowfeed.xml", "timeout"),
        ("feed", "feed.xml", "robots_unavailable"),  # host b
    }
    assert _reasons(result) == expected
    assert all(e["detail"] for e in result.errors)


def test_nothing_else_is_lost(faulty_run):
    result, *_ = faulty_run
    titles = {r["title"] for r in result.articles}
    assert {f"Story {100 + i}" for i in range(8)} <= titles
    assert {"Story 201", "Story 202", "Story 203", "Story 301", "Story 302", "Café society"} <= titles
    assert len(result.articles) == 14
    latin = next(r for r in result.articles if r["title"] == "Café society")
    assert "café council" in latin["text"] and latin["encoding_source"] == "meta"
    metered = next(r for r in result.articles if r["title"] == "Story 203")
    assert metered["paywalled"] and metered["paywall_signal"] == "jsonld_not_free"
    assert not any(r["paywalled"] for r in result.articles if r["title"] != "Story 203")
    assert all(
        r["raw_html_z"] and r["extractor"] == "trafilatura" and r["extractor_version"]
        for r in result.articles
    )


def test_feed_status_rows_for_health(faulty_run):
    result, *_ = faulty_run
    status = {
        s["feed_url"].rsplit("/", 1)[-1] + ("@b" if s["outlet_id"] == "outlet-b" else ""): s
        for s in result.feed_status
    }
    assert status["feed.xml"]["outcome"] == "ok" and status["feed.xml"]["items"] == 24
    assert status["sitemap-index.xml"]["outcome"] == "ok" and status["sitemap-index.xml"]["items"] == 2
    assert (
        status["malformed.xml"]["outcome"] == "failed"
        and status["malformed.xml"]["reason"] == "malformed_feed"
    )
    assert status["feed.xml@b"]["reason"] == "robots_unavailable"


def test_no_source_is_hammered(faulty_run):
    result, a, b, settings = faulty_run
    budget = 1 + settings.max_retries
    loops = ("/a/loop1.html", "/a/loop2.html")
    assert max(n for p, n in a.hits.items() if p not in loops) <= budget
    assert sum(a.hits[p] for p in loops) <= settings.max_redirects + 1  # one fetch, its redirect hops
    assert a.hits["/robots.txt"] == 1 and a.hits["/private/secret.html"] == 0
    assert a.hits["/a/ratelimited.html"] == 2 and a.hits["/a/flaky.html"] == 2
    assert a.hits["/a/slow.html"] == 1 and a.hits["/a/trickle.html"] == 1  # timeouts are not retried
    gap = a.hit_times["/a/ratelimited.html"][1] - a.hit_times["/a/ratelimited.html"][0]
    assert gap >= 0.95  # Retry-After honoured
    assert b.hits["/robots.txt"] == budget and b.hits["/feed.xml"] == 0 and b.hits["/x.html"] == 0
    host = result.hosts["127.0.0.1"]  # both servers are one host to the politeness gate
    assert host["max_in_flight"] <= settings.per_host_concurrency
    # (the servers' own in-flight counts include handlers still sleeping after we timed out and hung up)
    assert host["min_gap_s"] >= settings.per_host_delay_s * 0.95


def test_the_50mb_page_was_cut_off_early(faulty_run):
    _result, a, *_ = faulty_run
    # the client stops reading at the 2 MB cap; the server streamed chunks and never built 50 MB
    assert a.bytes_sent["/a/huge.html"] < 10 * MB


def test_a_hanging_extraction_is_recorded_and_the_run_goes_on():
    with LoopbackServer() as srv:
        srv.routes["/hang.html"] = Reply(200, b"<p>HANG</p>", HTML)
        srv.routes["/ok.html"] = Reply(200, b"<p>fine</p>", HTML)
        srv.routes["/feed.xml"] = Reply(200, rss([(srv.url("/hang.html"), "h"), (srv.url("/ok.html"), "o")]))

        async def go():
            pool = ShortFuseForHangs(1, timeout_s=600.0, target="tests.flows.extractors:misbehaving")
            return await collect_async(
                [Feed(srv.url("/feed.xml"), "o")], set(), settings=FetchSettings(**SETTINGS), extractor=pool
            )

        result = asyncio.run(go())
    assert [(e["stage"], e["reason"]) for e in result.errors] == [("extract", "extract_timeout")]
    assert result.counts["extract_timeouts"] == 1
    assert [r["url"].rsplit("/", 1)[-1] for r in result.articles] == ["ok.html"]
