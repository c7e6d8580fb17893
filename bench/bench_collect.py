"""Collection benchmark: N feeds x M articles served from 127.0.0.1 by a separate server process.

Run 1, politeness off for the local host: articles/second end to end (feeds, pages, charset, extraction
in worker processes, batch dedup), then near-duplicate linking and storing into a scratch DuckDB file.
Run 2, politeness on (a per-host delay and in-flight cap, a slow server so the cap binds): the request
rate and concurrency that one host actually saw, against the configured limits.

    .venv/bin/python bench/bench_collect.py                       # 200 feeds x 50 articles
    .venv/bin/python bench/bench_collect.py --feeds 20 --articles 10 --polite-pages 60
"""

from __future__ import annotations

import argparse
import asyncio
import html
import multiprocessing as mp
import random
import sys
import tempfile
import time
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

WORDS = (  # noqa: SIM905 (a word list reads better as text)
    "council budget bridge repair vote residents mayor state agency report funding school district "
    "hospital board plan members public hearing county officials project contract road water season "
    "league coach players court ruling judge appeal federal policy tax rate housing market prices "
    "families workers union strike talks agreement governor senate bill committee election campaign "
    "voters survey results energy grid storm damage crews repairs weekend forecast museum library "
    "transit riders fares route service"
).split()


# --- the server (its own process) ------------------------------------------------------------------


def _article(feed: int, n: int) -> bytes:
    rng = random.Random(feed * 100_003 + n)
    paras = []
    for _ in range(6):
        sentences = [
            " ".join(rng.choice(WORDS) for _ in range(rng.randint(9, 18))).capitalize() + "."
            for _ in range(6)
        ]
        paras.append("<p>" + html.escape(" ".join(sentences)) + "</p>")
    title = f"Story {n} from outlet {feed}: " + " ".join(rng.choice(WORDS) for _ in range(5))
    nav = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(25))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{title}</title>
<link rel="canonical" href="/a/{feed}/{n}.html"><meta name="author" content="Staff {feed}">
<meta property="article:published_time" content="2026-11-02T09:00:00Z">
<script>window.analytics = {{"outlet": {feed}, "article": {n}}};</script></head>
<body><header><ul class="nav">{nav}</ul></header><main><article><h1>{title}</h1>
<p class="byline">By Staff {feed}</p>{"".join(paras)}</article></main>
<aside><h2>Most read</h2><ul><li><a href="/x">Weekend forecast</a></li>
<li><a href="/y">Team news</a></li></ul></aside>
<footer><p>Copyright 2026 Outlet {feed}. All rights reserved.</p></footer></body></html>""".encode()


def _feed(base: str, feed: int, articles: int) -> bytes:
    when = format_datetime(datetime(2026, 11, 2, 9, tzinfo=UTC))
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}/a/{feed}/{n}.html</link><pubDate>{when}</pubDate></item>"
        for n in range(articles)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Outlet {feed}</title>'
        f"<link>{base}/</link><description>bench</description>{items}</channel></rss>"
    ).encode()


def serve(port_out: Any, articles: int, latency_s: float, port: int = 0) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            base = f"http://{self.headers.get('Host')}"
            parts = self.path.strip("/").split("/")
            body, ctype, status = b"not found", "text/plain", 404
            if self.path == "/robots.txt":
                body, ctype, status = b"User-agent: *\nDisallow: /private/\n", "text/plain", 200
            elif len(parts) == 2 and parts[0] == "feed":
                body, ctype, status = _feed(base, int(parts[1][:-4]), articles), "application/rss+xml", 200
            elif len(parts) == 3 and parts[0] == "a":
                body, ctype, status = (
                    _article(int(parts[1]), int(parts[2][:-5])),
                    "text/html; charset=utf-8",
                    200,
                )
            if latency_s and parts[0] == "a":
                time.sleep(latency_s)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    port_out.put(server.server_address[1])
    server.serve_forever()


class Site:
    """The server process, started and stopped around one run."""

    def __init__(self, articles: int, latency_s: float = 0.0, port: int = 0) -> None:
        ctx = mp.get_context("spawn")
        self._queue = ctx.Queue()
        self._proc = ctx.Process(target=serve, args=(self._queue, articles, latency_s, port), daemon=True)

    def __enter__(self) -> str:
        self._proc.start()
        return f"http://127.0.0.1:{self._queue.get(timeout=60)}"

    def __exit__(self, *exc: object) -> None:
        self._proc.terminate()
        self._proc.join(5)


# --- the runs --------------------------------------------------------------------------------------


def run_unthrottled(feeds: int, articles: int, workers: int, concurrency: int) -> dict[str, Any]:
    from flows.sources.collect import collect_async
    from flows.sources.dedup import dedupe_and_link
    from flows.sources.neardup import NearDupIndex
    from flows.sources.registry import Feed
    from flows.sources.settings import FetchSettings
    from warehouse import collection, load
    from warehouse.db import connect

    settings = FetchSettings(
        polite_hosts_exempt=["127.0.0.1"],
        per_host_delay_s=0.0,
        per_host_concurrency=concurrency,
        total_concurrency=concurrency,
        extract_workers=workers,
        max_retries=1,
        total_timeout_s=30,
    )
    with Site(articles) as base:
        feed_list = [Feed(f"{base}/feed/{i}.xml", f"outlet-{i}") for i in range(feeds)]
        started = time.perf_counter()
        result = asyncio.run(collect_async(feed_list, set(), settings=settings, run_id="bench"))
        collected_s = time.perf_counter() - started
    t0 = time.perf_counter()
    outcome = dedupe_and_link(result.articles, {}, NearDupIndex(), run_id="bench", prior_links=result.links)
    dedup_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        t0 = time.perf_counter()
        added = load.insert_articles(con, outcome.fresh)
        collection.record_feed_fetches(con, "bench", result.feed_status)
        collection.record_article_collection(con, "bench", outcome.fresh)
        collection.record_minhashes(con, outcome.signatures)
        collection.record_links(con, outcome.links)
        store_s = time.perf_counter() - t0
        con.close()
    n = len(result.articles)
    total_s = collected_s + dedup_s + store_s
    return {
        "feeds": feeds,
        "articles_expected": feeds * articles,
        "articles": n,
        "stored": len(added),
        "errors": len(result.errors),
        "error_reasons": sorted({e["reason"] for e in result.errors}),
        "collect_s": collected_s,
        "dedup_s": dedup_s,
        "store_s": store_s,
        "collect_rate": n / collected_s,
        "end_to_end_rate": n / total_s,
        "near_duplicates": outcome.near_duplicates,
        "host": result.hosts.get("127.0.0.1", {}),
    }


def run_polite(pages: int, delay_s: float, cap: int, latency_s: float, workers: int) -> dict[str, Any]:
    from flows.sources.collect import collect_async
    from flows.sources.registry import Feed
    from flows.sources.settings import FetchSettings

    per_feed = 50
    feeds = max(1, pages // per_feed)
    settings = FetchSettings(
        per_host_delay_s=delay_s,
        per_host_concurrency=cap,
        total_concurrency=64,
        extract_workers=workers,
        max_retries=1,
        total_timeout_s=30,
    )
    with Site(per_feed, latency_s=latency_s) as base:
        feed_list = [Feed(f"{base}/feed/{i}.xml", f"outlet-{i}") for i in range(feeds)]
        started = time.perf_counter()
        result = asyncio.run(collect_async(feed_list, set(), settings=settings, max_items_per_feed=per_feed))
        elapsed = time.perf_counter() - started
    host = result.hosts["127.0.0.1"]
    return {
        "pages": len(result.articles),
        "requests": host["requests"],
        "elapsed_s": elapsed,
        "rate": host["requests"] / elapsed,
        "articles_rate": len(result.articles) / elapsed,
        "max_in_flight": host["max_in_flight"],
        "min_gap_s": host["min_gap_s"],
        "delay_s": delay_s,
        "cap": cap,
        "latency_s": latency_s,
        "errors": len(result.errors),
        "bound": min(
            1 / delay_s if delay_s else float("inf"), cap / latency_s if latency_s else float("inf")
        ),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=200, help="feeds served (default 200)")
    parser.add_argument("--articles", type=int, default=50, help="articles per feed (default 50)")
    parser.add_argument("--workers", type=int, default=2, help="extractor worker processes (default 2)")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight, politeness off")
    parser.add_argument("--polite-pages", type=int, default=200, help="pages fetched in the polite run")
    parser.add_argument("--delay", type=float, default=0.1, help="per-host delay in the polite run (s)")
    parser.add_argument("--cap", type=int, default=4, help="per-host in-flight cap in the polite run")
    parser.add_argument("--latency", type=float, default=0.6, help="server latency per page, polite run (s)")
    parser.add_argument("--skip-polite", action="store_true", help="only the unthrottled run")
    args = parser.parse_args(argv)

    print(
        f"[1] politeness off for 127.0.0.1: {args.feeds} feeds x {args.articles} articles, "
        f"{args.workers} extractor workers, {args.concurrency} in flight",
        flush=True,
    )
    r = run_unthrottled(args.feeds, args.articles, args.workers, args.concurrency)
    print(
        f"    collected {r['articles']}/{r['articles_expected']} articles in {r['collect_s']:.1f} s "
        f"-> {r['collect_rate']:.1f} articles/s (fetch + parse + charset + extraction)"
    )
    print(
        f"    near-dup linking {r['dedup_s']:.2f} s, DuckDB store {r['store_s']:.2f} s "
        f"-> {r['end_to_end_rate']:.1f} articles/s end to end, {r['stored']} stored"
    )
    print(
        f"    errors: {r['errors']} {r['error_reasons']}; near-duplicates linked: {r['near_duplicates']}; "
        f"host max in flight {r['host'].get('max_in_flight')}"
    )
    if args.skip_polite:
        return 0 if r["errors"] == 0 else 1
    print(
        f"[2] politeness on: per-host delay {args.delay}s, cap {args.cap} in flight, "
        f"server latency {args.latency}s, {args.polite_pages} pages",
        flush=True,
    )
    p = run_polite(args.polite_pages, args.delay, args.cap, args.latency, args.workers)
    print(
        f"    {p['requests']} requests to 127.0.0.1 in {p['elapsed_s']:.1f} s -> {p['rate']:.2f} requests/s "
        f"({p['articles_rate']:.2f} articles/s); limit from delay and cap: {p['bound']:.2f}/s"
    )
    print(
        f"    max in flight {p['max_in_flight']} (cap {p['cap']}); smallest gap between starts "
        f"{p['min_gap_s']:.3f} s (delay {p['delay_s']} s); errors {p['errors']}"
    )
    held = (
        p["max_in_flight"] <= p["cap"]
        and p["min_gap_s"] >= p["delay_s"] * 0.99
        and p["rate"] <= p["bound"] * 1.05
    )
    print(f"    cap and delay held: {'yes' if held else 'NO'}")
    print(
        f"    politeness cost on one host: {r['collect_rate'] / max(p['articles_rate'], 1e-9):.0f}x slower "
        "than unthrottled"
    )
    return 0 if held and r["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
