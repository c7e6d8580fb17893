"""Small real fixtures built in code: article pages, RSS feeds and sitemaps with invented text."""

from __future__ import annotations

import html
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

_WORDS = (  # noqa: SIM905 (a word list reads better as text)
    "council budget bridge repair vote residents mayor state agency report funding school district "
    "hospital board plan members public hearing tuesday county officials project contract road "
    "water season league coach players court ruling judge appeal federal policy tax rate housing "
    "market prices families workers union strike talks agreement governor senate bill committee "
    "election campaign voters survey results energy grid storm damage crews repairs weekend "
    "forecast museum"
).split()


def paragraphs(seed: int, n: int = 4, words: int = 60) -> list[str]:
    """`n` paragraphs of invented but deterministic prose, different for each seed."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sentences = []
        remaining = words
        while remaining > 0:
            k = min(remaining, rng.randint(8, 16))
            sentence = " ".join(rng.choice(_WORDS) for _ in range(k))
            sentences.append(sentence.capitalize() + ".")
            remaining -= k
        out.append(" ".join(sentences))
    return out


def article_html(
    title: str,
    paras: list[str],
    *,
    canonical: str | None = None,
    head: str = "",
    charset: str = "utf-8",
    byline: str = "Jane Doe",
    published: str = "2026-11-02",
) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paras)
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}"><title>{html.escape(title)}</title>{canon}
<meta name="author" content="{byline}">
<meta property="article:published_time" content="{published}T09:00:00Z">{head}
</head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav>
<main><article><h1>{html.escape(title)}</h1>
<p class="byline">By {byline}</p>
{body}</article></main>
<footer><p>Copyright 2026. All rights reserved.</p></footer></body></html>"""


def rss(items: list[tuple[str, str]], title: str = "Test feed") -> bytes:
    """RSS 2.0 with (url, title) items."""
    now = datetime(2026, 11, 2, 9, tzinfo=UTC)
    entries = "".join(
        f"<item><title>{html.escape(t)}</title><link>{html.escape(u)}</link>"
        f"<pubDate>{format_datetime(now)}</pubDate></item>"
        for u, t in items
    )
    doc = (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link><description>d</description>{entries}</channel></rss>"
    )
    return doc.encode("utf-8")


def news_sitemap(urls: list[str], age: timedelta = timedelta(hours=2)) -> bytes:
    when = (datetime.now(UTC) - age).isoformat(timespec="seconds")
    entries = "".join(
        f"<url><loc>{html.escape(u)}</loc><news:news><news:publication><news:name>T</news:name>"
        f"<news:language>en</news:language></news:publication><news:publication_date>{when}"
        f"</news:publication_date><news:title>Story {i}</news:title></news:news></url>"
        for i, u in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + entries + "</urlset>"
    ).encode("utf-8")


def sitemap_index(urls: list[tuple[str, str]]) -> bytes:
    """A sitemap index with (url, lastmod) children."""
    entries = "".join(
        f"<sitemap><loc>{html.escape(u)}</loc><lastmod>{m}</lastmod></sitemap>" for u, m in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">' + entries + "</sitemapindex>"
    ).encode("utf-8")
