"""URL normalization, charset decisions and feed parsing on real bytes."""

from __future__ import annotations

import pytest

from flows.sources.charset import decode_html, detect_encoding
from flows.sources.feeds import FeedError, parse_feed
from flows.sources.urls import UrlError, article_id, normalize_url


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("https://www.News.example/a/b/?utm_source=rss&utm_medium=x#top", "http://news.example/a/b"),
        ("https://news.example/a/b/amp", "https://news.example/a/b"),
        ("https://news.example/a?b=2&a=1&fbclid=zz", "https://news.example/a?a=1&b=2"),
        ("https://news.example:443/a?amp=1", "https://news.example/a"),
    ],
)
def test_same_article_same_id(a: str, b: str) -> None:
    assert normalize_url(a) == normalize_url(b)
    assert article_id(a) == article_id(b)
    assert len(article_id(a)) == 16


def test_different_content_params_are_kept() -> None:
    assert article_id("https://n.example/story?id=1") != article_id("https://n.example/story?id=2")


def test_bad_url_is_refused_with_reason() -> None:
    with pytest.raises(UrlError, match="not an http"):
        normalize_url("ftp://n.example/x")


def test_charset_order_bom_header_meta_detect() -> None:
    text = "Café crème, naïve résumé — «quotes»"
    html_latin = f'<html><head><meta charset="iso-8859-1"></head><body>{text}</body></html>'.encode(
        "latin-1", "replace"
    )
    assert detect_encoding(b"\xef\xbb\xbfhello", "text/html; charset=latin-1") == ("utf-8", "bom")
    assert detect_encoding(html_latin, "text/html; charset=ISO-8859-1")[1] == "header"
    assert detect_encoding(html_latin, "text/html")[1] == "meta"
    decoded, _ = decode_html(html_latin, "text/html")
    assert "Café crème" in decoded
    # header lies (says utf-8 is absent) -> meta wins over detection
    assert decode_html(html_latin, None)[0].count("é") >= 2


RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://n.example/1</link>
<pubDate>Mon, 02 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>No link</title></item></channel></rss>"""
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>A</title><link href="https://n.example/a"/><updated>2026-11-03T10:00:00Z</updated></entry></feed>"""
RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/"><channel rdf:about="https://n.example/"><title>T</title></channel>
<item rdf:about="https://n.example/r"><title>R</title><link>https://n.example/r</link></item></rdf:RDF>"""


def test_rss_atom_rdf() -> None:
    rss = parse_feed(RSS, "rss")
    assert [(i.url, i.title, str(i.published)) for i in rss] == [("https://n.example/1", "One", "2026-11-02")]
    assert parse_feed(ATOM, "atom")[0].url == "https://n.example/a"
    assert parse_feed(RDF, "rdf")[0].url == "https://n.example/r"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<rss><channel><item><link>", "malformed_feed"),
        (b"", "empty_feed"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>', "empty_feed"),
    ],
)
def test_broken_feeds_raise_with_reason(body: bytes, reason: str) -> None:
    with pytest.raises(FeedError) as err:
        parse_feed(body, "http://127.0.0.1/feed")
    assert err.value.reason == reason
