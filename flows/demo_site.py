"""The demo corpus as a real website on 127.0.0.1: RSS/Atom feeds and article pages per outlet,
plus the faults a real crawl meets (a malformed feed, a page with no article, an unreachable feed)."""

from __future__ import annotations

import html
import json
import logging
import socket
import threading
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

from flows.sources.registry import Feed, Outlet, outlet_from_dict

log = logging.getLogger(__name__)

CORPUS_DIR = Path(__file__).with_name("demo_corpus")


@dataclass(frozen=True)
class DemoCorpus:
    outlets: list[dict[str, Any]]
    articles: list[dict[str, Any]]

    @classmethod
    def load(cls, folder: Path = CORPUS_DIR) -> DemoCorpus:
        outlets = tomllib.loads((folder / "outlets.toml").read_text(encoding="utf-8"))["outlet"]
        lines = (folder / "articles.jsonl").read_text(encoding="utf-8").splitlines()
        articles = [json.loads(line) for line in lines if line.strip()]
        articles.sort(key=lambda a: (a["published"], a["id"]))
        return cls(outlets, articles)

    def by_outlet(self, slug: str) -> list[dict[str, Any]]:
        return [a for a in self.articles if a["outlet"] == slug]


def _path(article: dict[str, Any]) -> str:
    y, m, _ = article["published"].split("-")
    return f"/{article['outlet']}/{y}/{m}/{article['id']}.html"


def _pubdate(article: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(article["published"]).replace(hour=9, tzinfo=UTC)


class ServedInThread:
    """An HTTP server on a daemon thread that serves while the `with` block runs."""

    def __init__(self, host: str, port: int, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class DemoSite(ServedInThread):
    """Serve the demo corpus; `base` is e.g. http://127.0.0.1:54321. Use as a context manager."""

    def __init__(self, corpus: DemoCorpus | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.corpus = corpus or DemoCorpus.load()
        super().__init__(host, port, self._handler_class())
        self.requests: list[str] = []

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        if isinstance(host, bytes):  # AF_UNIX addresses only; ours is AF_INET
            host = host.decode()
        return f"http://{host}:{port}"

    @cached_property
    def unreachable_url(self) -> str:
        """A feed URL on a loopback port nobody listens on."""
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        return f"http://127.0.0.1:{port}/feed.xml"

    def outlets(self) -> list[Outlet]:
        """Sources for the monitor: each outlet's feed, plus the three fault feeds on the first ones."""
        result = []
        for i, data in enumerate(self.corpus.outlets):
            slug = data["slug"]
            outlet = outlet_from_dict({**data, "lean_source": "demo corpus"}, "demo corpus")
            feeds = [Feed(f"{self.base}/{slug}/feed.xml", slug, "atom" if i % 2 else "rss")]
            if i == 0:
                feeds.append(Feed(f"{self.base}/{slug}/broken.xml", slug, "rss"))
            if i == 1:
                feeds.append(Feed(self.unreachable_url, slug, "rss"))
            result.append(Outlet(**{**outlet.__dict__, "feeds": tuple(feeds)}))
        return result

    # --- rendering -------------------------------------------------------------------------------

    def render_feed(self, slug: str, atom: bool) -> bytes:
        outlet = next(o for o in self.corpus.outlets if o["slug"] == slug)
        articles = self.corpus.by_outlet(slug)
        extra = []
        if slug == self.corpus.outlets[2]["slug"]:  # a live video page with no article text
            extra = [
                {
                    "id": "live-video",
                    "title": "Watch live: council meeting",
                    "summary": "Video only.",
                    "published": articles[-1]["published"],
                    "outlet": slug,
                }
            ]
        items = articles + extra
        if atom:
            entries = "".join(
                f"<entry><title>{html.escape(a['title'])}</title>"
                f'<link href="{self.base}{_path(a)}?utm_source=atom&amp;utm_medium=feed"/>'
                f"<id>tag:{outlet['domain']},2026:{a['id']}</id>"
                f"<updated>{_pubdate(a).isoformat()}</updated>"
                f"<summary>{html.escape(a['summary'])}</summary></entry>"
                for a in items
            )
            doc = (
                '<?xml version="1.0" encoding="utf-8"?>'
                '<feed xmlns="http://www.w3.org/2005/Atom">'
                f"<title>{html.escape(outlet['name'])}</title><id>{self.base}/{slug}/</id>"
                f"<updated>{datetime.now(UTC).isoformat()}</updated>{entries}</feed>"
            )
        else:
            entries = "".join(
                f"<item><title>{html.escape(a['title'])}</title>"
                f"<link>{self.base}{_path(a)}?utm_source=rss</link>"
                f'<guid isPermaLink="false">{a["id"]}</guid>'
                f"<pubDate>{format_datetime(_pubdate(a))}</pubDate>"
                f"<description>{html.escape(a['summary'])}</description></item>"
                for a in items
            )
            doc = (
                '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>{html.escape(outlet['name'])}</title><link>{self.base}/{slug}/</link>"
                f"<description>Latest from {html.escape(outlet['name'])}</description>"
                f"{entries}</channel></rss>"
            )
        return doc.encode("utf-8")

    def render_page(self, article: dict[str, Any]) -> bytes:
        outlet = next(o for o in self.corpus.outlets if o["slug"] == article["outlet"])
        name = html.escape(outlet["name"])
        paras = "".join(f"<p>{html.escape(p)}</p>" for p in article.get("paragraphs", []))
        byline = html.escape(article.get("byline") or "")
        doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(article["title"])} | {name}</title>
<link rel="canonical" href="{self.base}{_path(article)}">
<meta name="author" content="{byline}">
<meta property="article:published_time" content="{article["published"]}T09:00:00Z">
<meta property="og:title" content="{html.escape(article["title"])}">
</head><body>
<header><nav><a href="/">{name}</a> | <a href="/news">News</a> | <a href="/opinion">Opinion</a>
| <a href="/subscribe">Subscribe</a></nav></header>
<main><article>
<h1>{html.escape(article["title"])}</h1>
<p class="byline">By {byline} &middot;
<time datetime="{article["published"]}">{article["published"]}</time></p>
{paras}
</article></main>
<aside><h2>Most read</h2><ul><li><a href="/a">Weekend weather outlook</a></li>
<li><a href="/b">Local team wins opener</a></li></ul></aside>
<footer><p>&copy; 2026 {name}. All rights reserved. <a href="/privacy">Privacy</a></p></footer>
</body></html>"""
        return doc.encode("utf-8")

    def render_video_page(self) -> bytes:
        return (
            b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Watch live</title></head>'
            b'<body><nav><a href="/">Home</a></nav><video src="/live.m3u8"></video></body></html>'
        )

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: Any) -> None:
                log.debug("demo site: " + fmt, *args)

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                path = self.path.split("?", 1)[0]
                site.requests.append(path)
                parts = path.strip("/").split("/")
                slugs = [o["slug"] for o in site.corpus.outlets]
                if path == "/robots.txt":
                    return self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                if len(parts) == 2 and parts[0] in slugs and parts[1] == "feed.xml":
                    atom = slugs.index(parts[0]) % 2 == 1
                    ctype = "application/atom+xml" if atom else "application/rss+xml"
                    return self._send(200, site.render_feed(parts[0], atom), ctype + "; charset=utf-8")
                if len(parts) == 2 and parts[1] == "broken.xml":
                    return self._send(
                        200, b"<rss><channel><title>Oops</title><item><link>", "application/rss+xml"
                    )
                if len(parts) == 4 and parts[0] in slugs and parts[3].endswith(".html"):
                    art_id = parts[3][:-5]
                    if art_id == "live-video":
                        return self._send(200, site.render_video_page(), "text/html; charset=utf-8")
                    for art in site.corpus.by_outlet(parts[0]):
                        if art["id"] == art_id:
                            return self._send(200, site.render_page(art), "text/html; charset=utf-8")
                return self._send(404, b"not found", "text/plain")

        return Handler
