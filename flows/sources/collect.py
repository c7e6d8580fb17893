"""Collection as plain library code: feeds -> items -> pages -> extracted article rows + errors.

Feeds are RSS/Atom or sitemaps (news sitemaps, indexes); each feed's outcome is reported in
`CollectResult.feed_status` (for feed health and the next run's conditional GET). Pages are fetched
politely, decoded, and extracted in worker processes with a hard timeout."""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flows.sources.charset import decode_with_source
from flows.sources.dedup import content_hash, dedupe_batch
from flows.sources.extract import (
    EXTRACTOR,
    EXTRACTOR_VERSION,
    Extracted,
    ExtractionError,
    extracted_from_payload,
)
from flows.sources.extract_pool import ExtractorPool
from flows.sources.feeds import FeedError, FeedItem, parse_feed
from flows.sources.fetch import Fetcher, FetchResult
from flows.sources.registry import Feed
from flows.sources.settings import FetchSettings
from flows.sources.sitemaps import Sitemap, looks_like_sitemap, parse_sitemap
from flows.sources.urls import UrlError, article_id, host_of, normalize_url

log = logging.getLogger(__name__)

Validators = Mapping[str, tuple[str | None, str | None]]  # feed_url -> (etag, last_modified)
_HTML_TYPES = ("text/html", "application/xhtml", "text/plain", "application/xml", "text/xml")


@dataclass
class CollectResult:
    articles: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    feed_status: list[dict[str, Any]] = field(default_factory=list)  # one row per feed: health, validators
    links: list[dict[str, Any]] = field(default_factory=list)  # exact copies dropped within this batch
    hosts: dict[str, dict[str, float]] = field(default_factory=dict)  # politeness as measured, per host

    def error(self, stage: str, source: str, reason: str, detail: str | None = None) -> None:
        log.warning("%s %s: %s %s", stage, source, reason, detail or "")
        self.errors.append({"stage": stage, "source": source, "reason": reason, "detail": detail})

    def bump(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# --- feeds -----------------------------------------------------------------------------------------


def _status_row(feed: Feed, res: FetchResult, started: float, validators: Validators) -> dict[str, Any]:
    sent_etag, sent_modified = validators.get(feed.url, (None, None))
    return {
        "feed_url": feed.url,
        "outlet_id": feed.outlet_id,
        "kind": feed.kind,
        "fetched_at": _now(),
        "outcome": "failed",
        "http_status": res.status,
        "reason": res.error,
        "detail": res.detail,
        "items": 0,
        "new_items": 0,
        # a 304 may omit the validators: keep the ones we sent so the next run asks the same way
        "etag": res.etag or (sent_etag if res.not_modified else None),
        "last_modified": res.last_modified or (sent_modified if res.not_modified else None),
        "elapsed_ms": int((time.monotonic() - started) * 1000),
    }


async def _sitemap_items(fetcher: Fetcher, sitemap: Sitemap, out: CollectResult) -> list[FeedItem]:
    s = fetcher.settings
    if sitemap.kind == "urlset":
        return sitemap.items
    children = sitemap.children[: s.sitemap_max_children]
    results = await asyncio.gather(*(fetcher.get(c.url) for c in children))
    items: dict[str, FeedItem] = {}
    for child, res in zip(children, results, strict=True):
        if not res.ok:
            out.error("feed", child.url, res.error or f"http_{res.status}", res.detail)
            continue
        try:
            sub = await asyncio.to_thread(
                parse_sitemap,
                res.body,
                child.url,
                s.max_bytes * 10,
                s.sitemap_max_urls,
                s.sitemap_max_age_days,
            )
        except FeedError as exc:
            out.error("feed", child.url, exc.reason, exc.detail)
            continue
        if sub.kind != "urlset":
            out.error("feed", child.url, "nested_sitemap_index", "an index inside an index is not followed")
            continue
        for item in sub.items:
            items.setdefault(item.url, item)
    return list(items.values())[: s.sitemap_max_urls]


async def _parse_items(fetcher: Fetcher, feed: Feed, res: FetchResult, out: CollectResult) -> list[FeedItem]:
    s = fetcher.settings
    if feed.kind == "sitemap" or looks_like_sitemap(res.body):
        sitemap = await asyncio.to_thread(
            parse_sitemap, res.body, feed.url, s.max_bytes * 10, s.sitemap_max_urls, s.sitemap_max_age_days
        )
        return await _sitemap_items(fetcher, sitemap, out)
    return await asyncio.to_thread(parse_feed, res.body, feed.url, res.headers.get("content-type"))


async def _read_feed(
    fetcher: Fetcher, feed: Feed, out: CollectResult, validators: Validators, known_ids: set[str]
) -> list[tuple[Feed, FeedItem]]:
    started = time.monotonic()
    etag, modified = validators.get(feed.url, (None, None))
    res = await fetcher.get(feed.url, etag=etag, last_modified=modified)
    status = _status_row(feed, res, started, validators)
    out.feed_status.append(status)
    if res.not_modified:
        status["outcome"] = "not_modified"
        out.bump("feeds_not_modified")
        return []
    if not res.ok:
        status["reason"] = res.error or f"http_{res.status}"
        out.error("feed", feed.url, status["reason"], res.detail)
        out.bump("feeds_failed")
        return []
    try:
        items = await _parse_items(fetcher, feed, res, out)
    except FeedError as exc:
        status.update(reason=exc.reason, detail=exc.detail, etag=None, last_modified=None)
        out.error("feed", feed.url, exc.reason, exc.detail)
        out.bump("feeds_failed")
        return []
    status.update(outcome="ok", reason=None, detail=None, items=len(items))
    status["new_items"] = sum(1 for i in items if _safe_id(i.url) not in known_ids)
    status["elapsed_ms"] = int((time.monotonic() - started) * 1000)
    out.bump("feeds_ok")
    out.bump("items_seen", len(items))
    return [(feed, item) for item in items]


def _safe_id(url: str) -> str | None:
    try:
        return article_id(url)
    except UrlError:
        return None


# --- pages -----------------------------------------------------------------------------------------


def build_row(
    feed: Feed,
    item: FeedItem,
    final_url: str,
    ex: Extracted,
    body: bytes,
    run_id: str | None,
    paywall: str | None = None,
    encoding: tuple[str, str] | None = None,
) -> dict[str, Any]:
    """An article row (the `articles` columns plus collection metadata the warehouse keeps beside it)."""
    canonical = ex.canonical_url if ex.canonical_url and ex.canonical_url.startswith("http") else None
    key_url = canonical or item.url
    return {
        "article_id": article_id(key_url),
        "outlet_id": feed.outlet_id,
        "url": item.url,
        "canonical_url": canonical,
        "normalized_url": normalize_url(key_url),
        "feed_url": feed.url,
        "title": ex.title or item.title,
        "byline": ex.byline,
        "published": ex.published or item.published,
        "language": ex.language,
        "text": ex.text,
        "content_hash": content_hash(ex.text),
        "raw_html_z": zlib.compress(body, 6),
        "extractor": EXTRACTOR,
        "extractor_version": EXTRACTOR_VERSION,
        "first_run_id": run_id,
        "fetched_at": _now(),
        # collection metadata (stored in article_collection, not in articles)
        "final_url": final_url,
        "paywalled": paywall is not None,
        "paywall_signal": paywall,
        "encoding": encoding[0] if encoding else None,
        "encoding_source": encoding[1] if encoding else None,
    }


def _is_html(content_type: str | None) -> bool:
    return not content_type or content_type.split(";")[0].strip().lower().startswith(_HTML_TYPES)


@dataclass
class _PageReader:
    """Reads the pages of one collection run: fetch, decode, extract, build the row; every failure is
    recorded in `out` and costs that page only."""

    fetcher: Fetcher
    pool: ExtractorPool
    out: CollectResult
    run_id: str | None
    slots: asyncio.Semaphore  # bounds pages held in memory between fetch and extraction

    async def read(self, feed: Feed, item: FeedItem) -> dict[str, Any] | None:
        try:
            return await self._fetch_and_extract(feed, item)
        except Exception as exc:  # a bug must cost one page, not the run
            log.exception("unexpected failure on %s", item.url)
            self.out.error("extract", item.url, "internal_error", repr(exc))
            return None

    async def _fetch_and_extract(self, feed: Feed, item: FeedItem) -> dict[str, Any] | None:
        out = self.out
        async with self.slots:
            res = await self.fetcher.get(item.url)
            if not res.ok:
                out.error("fetch", item.url, res.error or f"http_{res.status}", res.detail)
                return None
            out.bump("pages_fetched")
            content_type = res.headers.get("content-type")
            if not _is_html(content_type):
                out.error("fetch", item.url, "not_html", f"Content-Type {content_type!r}")
                return None
            html, encoding, how = await asyncio.to_thread(decode_with_source, res.body, content_type)
            try:
                ex, paywall = extracted_from_payload(await self.pool.extract(html, res.final_url))
                row = build_row(
                    feed, item, res.final_url, ex, res.body, self.run_id, paywall, (encoding, how)
                )
            except ExtractionError as exc:
                out.error("extract", item.url, exc.reason, exc.detail)
                return None
            except UrlError as exc:
                out.error("extract", item.url, "bad_canonical_url", str(exc))
                return None
            if paywall:
                out.bump("paywalled")
            return row


async def _pending(
    fetcher: Fetcher,
    feeds: Iterable[Feed],
    known_ids: set[str],
    validators: Validators,
    max_items_per_feed: int | None,
    out: CollectResult,
) -> dict[str, tuple[Feed, FeedItem]]:
    """Read every feed (conditionally, with `validators`): the items whose article is not stored yet,
    one per article id."""
    batches = await asyncio.gather(*(_read_feed(fetcher, f, out, validators, known_ids) for f in feeds))
    todo: dict[str, tuple[Feed, FeedItem]] = {}
    for batch in batches:
        for feed, item in batch[:max_items_per_feed]:
            try:
                aid = article_id(item.url)
            except UrlError as exc:
                out.error("feed", feed.url, "bad_item_url", str(exc))
                continue
            if aid in known_ids:
                out.bump("items_already_stored")
            elif aid not in todo:
                todo[aid] = (feed, item)
    return todo


def _round_robin(todo: Iterable[tuple[Feed, FeedItem]]) -> list[tuple[Feed, FeedItem]]:
    """Interleave pages by host so a big host's queue never blocks the others' turns."""
    by_host: dict[str, deque[tuple[Feed, FeedItem]]] = defaultdict(deque)
    for pair in todo:
        by_host[host_of(pair[1].url)].append(pair)
    queues = list(by_host.values())
    ordered: list[tuple[Feed, FeedItem]] = []
    while queues:
        ordered.extend(q.popleft() for q in queues)
        queues = [q for q in queues if q]
    return ordered


async def collect_async(
    feeds: Iterable[Feed],
    known_ids: set[str],
    settings: FetchSettings | None = None,
    run_id: str | None = None,
    max_items_per_feed: int | None = None,
    on_progress: Callable[[str, int], None] | None = None,
    validators: Validators | None = None,
    extractor: ExtractorPool | None = None,
) -> CollectResult:
    """Fetch every feed (conditionally, with `validators` from the last run), then every page not
    already stored; exact duplicates within the batch are dropped and listed in `links`."""
    out = CollectResult()
    feeds = list(feeds)
    settings = settings or FetchSettings()
    validators = validators or {}
    pool = extractor or ExtractorPool(
        settings.extract_workers, settings.extract_timeout_s, settings.extract_memory_mb
    )
    async with Fetcher(settings) as fetcher, pool:
        todo = await _pending(fetcher, feeds, known_ids, validators, max_items_per_feed, out)
        if on_progress:
            on_progress("pages", len(todo))
        pages = _PageReader(fetcher, pool, out, run_id, asyncio.Semaphore(settings.max_pages_in_memory))
        rows = await asyncio.gather(*(pages.read(f, i) for f, i in _round_robin(todo.values())))
        out.hosts = {
            host: {
                "requests": fetcher.gate.requests[host],
                "max_in_flight": fetcher.gate.max_in_flight[host],
                "min_gap_s": round(fetcher.gate.min_gap_s.get(host, 0.0), 4),
            }
            for host in fetcher.gate.requests
        }
        out.bump("robots_fetches", sum(fetcher.robots.fetches.values()))
        if pool.timeouts:
            out.bump("extract_timeouts", pool.timeouts)
    batch = dedupe_batch(rows, known_ids, run_id)
    out.articles.extend(batch.articles)
    out.links.extend(batch.links)
    for name, n in batch.counts.items():
        out.bump(name, n)
    out.bump("articles_extracted", len(out.articles))
    return out


async def pending_items_async(
    feeds: Iterable[Feed],
    known_ids: set[str],
    settings: FetchSettings | None = None,
    validators: Validators | None = None,
    max_items_per_feed: int | None = None,
) -> tuple[CollectResult, list[str]]:
    """Fetch the feeds only (conditionally, as collection does) and list the URLs of the items whose
    article is not stored yet: a quiet run's check (flows.monitor_check), and with nothing known and no
    validators, `sources validate --online` (its `feed_status` says which feeds work). No page is fetched,
    no extractor started."""
    out = CollectResult()
    async with Fetcher(settings or FetchSettings()) as fetcher:
        todo = await _pending(fetcher, feeds, known_ids, validators or {}, max_items_per_feed, out)
    return out, [item.url for _feed, item in todo.values()]


def collect(feeds: Iterable[Feed], known_ids: set[str], **kwargs: Any) -> CollectResult:
    return asyncio.run(collect_async(feeds, known_ids, **kwargs))
