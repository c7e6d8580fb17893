"""Parse RSS/Atom feed bytes (already fetched) into items with feedparser."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

import feedparser

from flows.sources.failure import SourceFailure

log = logging.getLogger(__name__)


class FeedError(SourceFailure):
    """A feed that cannot be read: `reason` is short ('malformed_feed', 'empty_feed')."""


@dataclass(frozen=True)
class FeedItem:
    url: str
    title: str
    published: date | None
    summary: str


def _entry_date(entry: feedparser.FeedParserDict) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime(*value[:6]).date()
    return None


def parse_feed(body: bytes, feed_url: str, content_type: str | None = None) -> list[FeedItem]:
    """Items of an RSS 0.9x/1.0/2.0 or Atom feed. Raises FeedError when nothing usable is there."""
    headers = {"content-type": content_type} if content_type else None
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True)
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        if not link:
            links = [lk.get("href") for lk in entry.get("links", []) if lk.get("href")]
            link = links[0] if links else ""
        if not link.startswith(("http://", "https://")):
            continue
        items.append(
            FeedItem(
                url=link,
                title=(entry.get("title") or "").strip(),
                published=_entry_date(entry),
                summary=(entry.get("summary") or "").strip(),
            )
        )
    if not items:
        if parsed.bozo:
            raise FeedError("malformed_feed", f"{feed_url}: {parsed.get('bozo_exception')!r}")
        raise FeedError("empty_feed", f"{feed_url}: no entries with links")
    if parsed.bozo:
        log.warning("feed %s parsed with problems: %r", feed_url, parsed.get("bozo_exception"))
    return items
