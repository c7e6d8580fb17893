"""News sitemaps and indexes from bytes (gzip too), and charset decisions when a page lies about it."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest

from flows.sources.charset import decode_with_source, detect_encoding
from flows.sources.feeds import FeedError
from flows.sources.sitemaps import looks_like_sitemap, parse_sitemap
from tests.flows.pages import news_sitemap, sitemap_index


def test_news_sitemap_items_newest_first_with_titles():
    body = news_sitemap(["https://n.example/a", "https://n.example/b"])
    sm = parse_sitemap(body, "https://n.example/news.xml")
    assert sm.kind == "urlset" and [i.url for i in sm.items] == ["https://n.example/a", "https://n.example/b"]
    assert sm.items[0].title == "Story 0" and sm.items[0].published is not None
    assert looks_like_sitemap(body)


def test_gzip_sitemap_and_max_urls():
    body = gzip.compress(news_sitemap([f"https://n.example/{i}" for i in range(30)]))
    assert looks_like_sitemap(body)
    assert len(parse_sitemap(body, "x.xml.gz", max_urls=10).items) == 10


def test_old_entries_are_skipped_but_not_an_error():
    body = news_sitemap(["https://n.example/old"], age=timedelta(days=30))
    assert parse_sitemap(body, "x", max_age_days=3).items == []


def test_sitemap_index_children_newest_first():
    body = sitemap_index(
        [("https://n.example/s1.xml", "2026-01-01"), ("https://n.example/s2.xml", "2026-11-01")]
    )
    sm = parse_sitemap(body, "https://n.example/index.xml")
    assert sm.kind == "index" and [c.url for c in sm.children] == [
        "https://n.example/s2.xml",
        "https://n.example/s1.xml",
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<urlset><url><loc>", "malformed_sitemap"),
        (b"", "empty_sitemap"),
        (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>', "empty_sitemap"),
        (b"<html><body>not a sitemap</body></html>", "malformed_sitemap"),
        (b"\x1f\x8bnot really gzip", "malformed_sitemap"),
    ],
)
def test_broken_sitemaps_raise_with_reason(body, reason):
    with pytest.raises(FeedError) as err:
        parse_sitemap(body, "http://127.0.0.1/sitemap.xml")
    assert err.value.reason == reason


def test_entities_are_not_expanded():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
        b"<urlset><url><loc>https://n.example/&b;</loc></url></urlset>"
    )
    try:
        sm = parse_sitemap(bomb, "x")
    except FeedError as exc:
        assert exc.reason in ("malformed_sitemap", "empty_sitemap")
    else:
        assert all("aaaaaaaaaa" not in i.url for i in sm.items)


def test_gzip_bomb_is_refused():
    body = gzip.compress(b"<urlset>" + b" " * 5_000_000 + b"</urlset>")
    with pytest.raises(FeedError) as err:
        parse_sitemap(body, "x.xml.gz", max_bytes=1_000_000)
    assert err.value.reason == "too_large"


TEXT = "Café crème, naïve résumé, déjà vu"


def test_header_says_utf8_but_bytes_are_windows_1252():
    body = f'<html><head><meta charset="windows-1252"></head><body>{TEXT}</body></html>'.encode("cp1252")
    text, encoding, how = decode_with_source(body, "text/html; charset=utf-8")
    assert TEXT in text and encoding == "cp1252" and how == "meta"


def test_header_says_latin1_but_bytes_are_utf8():
    body = f"<html><body>{TEXT}</body></html>".encode()
    assert detect_encoding(body, "text/html; charset=ISO-8859-1") == ("utf-8", "detected")
    assert TEXT in decode_with_source(body, "text/html; charset=ISO-8859-1")[0]


def test_no_declaration_at_all_is_detected():
    line = "The mayor said the café would reopen \u2014 after the \u201crepairs\u201d finished. "
    body = ("<html><body><p>" + line * 5 + "</p></body></html>").encode("cp1252")
    text, enc, how = decode_with_source(body, None)
    assert (enc, how) == ("cp1252", "detected") and "café would reopen \u2014 after" in text
    cyrillic = ("<p>" + "Мэр сообщил, что кафе откроется после ремонта. " * 5 + "</p>").encode("cp1251")
    assert detect_encoding(cyrillic, None)[0] != "cp1252"


def test_multibyte_character_cut_at_the_sample_edge_still_agrees():
    body = ("a" * 199_999 + "é" * 10).encode("utf-8")
    assert detect_encoding(body, "text/html; charset=utf-8") == ("utf-8", "header")
