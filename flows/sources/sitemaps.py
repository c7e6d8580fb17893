"""News sitemaps (Google News `news:` extension), plain URL sitemaps and sitemap indexes, parsed from
fetched bytes (gzip allowed) with lxml, entities and network access off."""

from __future__ import annotations

import gzip
import io
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lxml import etree

from flows.sources.feeds import FeedError, FeedItem

log = logging.getLogger(__name__)

_GZIP_MAGIC = b"\x1f\x8b"
_PARSER_OPTIONS = {"resolve_entities": False, "no_network": True, "load_dtd": False, "huge_tree": False}


@dataclass(frozen=True)
class SitemapRef:
    url: str
    lastmod: datetime | None


@dataclass
class Sitemap:
    kind: str  # 'urlset' | 'index'
    items: list[FeedItem] = field(default_factory=list)  # urlset: the article URLs, newest first
    children: list[SitemapRef] = field(default_factory=list)  # index: child sitemaps, newest first


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _text(el: etree._Element, *path: str) -> str | None:
    """Text of the first descendant following local names `path` (namespace-agnostic)."""
    nodes = [el]
    for name in path:
        nodes = [c for n in nodes for c in n if _local(c.tag) == name]
        if not nodes:
            return None
    value = (nodes[0].text or "").strip()
    return value or None


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = datetime.combine(date.fromisoformat(value[:10]), datetime.min.time())
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def gunzip_capped(body: bytes, max_bytes: int) -> bytes:
    """Decompress a .gz sitemap, refusing one that inflates past `max_bytes` (a decompression bomb)."""
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FeedError("too_large", f"gzipped sitemap inflates past the {max_bytes}-byte cap")
    return data


def looks_like_sitemap(body: bytes) -> bool:
    head = body[:2048].lstrip()
    return body.startswith(_GZIP_MAGIC) or b"<urlset" in head or b"<sitemapindex" in head


def _newest_first(value: datetime | None) -> float:
    return -(value.timestamp() if value else 0.0)


def parse_sitemap(
    body: bytes,
    url: str,
    max_bytes: int = 50_000_000,
    max_urls: int = 1000,
    max_age_days: float | None = None,
) -> Sitemap:
    """A sitemap (`urlset`) or sitemap index. Raises FeedError('malformed_sitemap' | 'empty_sitemap')."""
    if body.startswith(_GZIP_MAGIC):
        try:
            body = gunzip_capped(body, max_bytes)
        except (OSError, EOFError) as exc:
            raise FeedError("malformed_sitemap", f"{url}: bad gzip data ({exc})") from exc
    if not body.strip():
        raise FeedError("empty_sitemap", f"{url}: empty body")
    try:
        root = etree.fromstring(body, parser=etree.XMLParser(**_PARSER_OPTIONS))
    except etree.XMLSyntaxError as exc:
        raise FeedError("malformed_sitemap", f"{url}: {exc}") from exc
    kind = _local(root.tag)
    if kind == "sitemapindex":
        refs = []
        for node in root:
            if _local(node.tag) == "sitemap" and (loc := _text(node, "loc")):
                refs.append(SitemapRef(loc, _when(_text(node, "lastmod"))))
        if not refs:
            raise FeedError("empty_sitemap", f"{url}: a sitemap index with no <sitemap><loc>")
        refs.sort(key=lambda r: _newest_first(r.lastmod))
        return Sitemap("index", children=refs)
    if kind != "urlset":
        raise FeedError(
            "malformed_sitemap", f"{url}: root element is <{kind}>, not <urlset> or <sitemapindex>"
        )
    cutoff = datetime.now(UTC).timestamp() - max_age_days * 86400 if max_age_days else None
    dated: list[tuple[datetime | None, FeedItem]] = []
    too_old = 0
    for node in root:
        if _local(node.tag) != "url":
            continue
        loc = _text(node, "loc")
        if not loc or not loc.startswith(("http://", "https://")):
            continue
        when = _when(_text(node, "news", "publication_date")) or _when(_text(node, "lastmod"))
        if cutoff is not None and when is not None and when.timestamp() < cutoff:
            too_old += 1
            continue
        title = _text(node, "news", "title") or ""
        dated.append(
            (when, FeedItem(url=loc, title=title, published=when.date() if when else None, summary=""))
        )
    if not dated and not too_old:
        raise FeedError("empty_sitemap", f"{url}: no <url><loc> entries")
    if too_old:
        log.info("sitemap %s: %d entries older than %g days skipped", url, too_old, max_age_days or 0)
    dated.sort(key=lambda pair: _newest_first(pair[0]))
    return Sitemap("urlset", items=[item for _when_, item in dated[:max_urls]])
