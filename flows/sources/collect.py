"""Collection as plain library code: feeds -> items -> pages -> extracted article rows + errors."""

from __future__ import annotations

import asyncio
import logging
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flows.sources.charset import decode_html
from flows.sources.dedup import content_hash
from flows.sources.extract import EXTRACTOR, EXTRACTOR_VERSION, ExtractionError, extract_article
from flows.sources.feeds import FeedError, FeedItem, parse_feed
from flows.sources.fetch import Fetcher
from flows.sources.registry import Feed
from flows.sources.settings import FetchSettings
from flows.sources.urls import UrlError, article_id, normalize_url

log = logging.getLogger(__name__)


@dataclass
class CollectResult:
    articles: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def error(self, stage: str, source: str, reason: str, detail: str | None = None) -> None:
        log.warning("%s %s: %s %s", stage, source, reason, detail or "")
        self.errors.append({"stage": stage, "source": source, "reason": reason, "detail": detail})

    def bump(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


async def _read_feed(fetcher: Fetcher, feed: Feed, out: CollectResult) -> list[tuple[Feed, FeedItem]]:
    res = await fetcher.get(feed.url)
    if not res.ok:
        out.error("feed", feed.url, res.error or f"http_{res.status}", res.detail)
        return []
    try:
        items = parse_feed(res.body, feed.url, res.headers.get("content-type"))
    except FeedError as exc:
        out.error("feed", feed.url, exc.reason, exc.detail)
        return []
    out.bump("feeds_ok")
    out.bump("items_seen", len(items))
    return [(feed, item) for item in items]


def page_row(
    feed: Feed, item: FeedItem, final_url: str, html: str, body: bytes, run_id: str | None
) -> dict[str, Any]:
    """Extract one page into an article row (raises ExtractionError)."""
    ex = extract_article(html, final_url)
    canonical = ex.canonical_url if ex.canonical_url and ex.canonical_url.startswith("http") else None
    key_url = canonical or item.url
    normalized = normalize_url(key_url)
    return {
        "article_id": article_id(key_url),
        "outlet_id": feed.outlet_id,
        "url": item.url,
        "canonical_url": canonical,
        "normalized_url": normalized,
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
    }


async def _read_page(
    fetcher: Fetcher, feed: Feed, item: FeedItem, out: CollectResult, run_id: str | None
) -> dict[str, Any] | None:
    res = await fetcher.get(item.url)
    if not res.ok:
        out.error("fetch", item.url, res.error or f"http_{res.status}", res.detail)
        return None
    out.bump("pages_fetched")
    html, _encoding = decode_html(res.body, res.headers.get("content-type"))
    try:
        # Extraction is CPU work: keep it off the event loop so fetches keep flowing.
        return await asyncio.to_thread(page_row, feed, item, res.final_url, html, res.body, run_id)
    except ExtractionError as exc:
        out.error("extract", item.url, exc.reason, exc.detail)
        return None


async def collect_async(
    feeds: Iterable[Feed],
    known_ids: set[str],
    settings: FetchSettings | None = None,
    run_id: str | None = None,
    max_items_per_feed: int | None = None,
    on_progress: Callable[[str, int], None] | None = None,
) -> CollectResult:
    """Fetch every feed, then every page not already stored; exact duplicates dropped in the batch."""
    out = CollectResult()
    feeds = list(feeds)
    async with Fetcher(settings) as fetcher:
        batches = await asyncio.gather(*(_read_feed(fetcher, f, out) for f in feeds))
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
        if on_progress:
            on_progress("pages", len(todo))
        rows = await asyncio.gather(*(_read_page(fetcher, f, i, out, run_id) for f, i in todo.values()))
    seen_hash: set[str] = set()
    for row in rows:
        if row is None:
            continue
        if row["article_id"] in known_ids:  # canonical URL pointed at an article we already have
            out.bump("items_already_stored")
            continue
        if row["content_hash"] in seen_hash:
            out.bump("exact_duplicates")
            continue
        seen_hash.add(row["content_hash"])
        out.articles.append(row)
    out.bump("articles_extracted", len(out.articles))
    return out


def collect(feeds: Iterable[Feed], known_ids: set[str], **kwargs: Any) -> CollectResult:
    return asyncio.run(collect_async(feeds, known_ids, **kwargs))
