"""Extraction in worker processes: a hung page is killed at the hard timeout and its worker replaced,
a crash or a memory blow-up is one page's failure, and the real extractor flags paywalls."""

from __future__ import annotations

import asyncio
import time
import zlib

import pytest

from flows.sources.extract import ExtractionError, extract_payload, reextract
from flows.sources.extract_pool import ExtractorPool
from flows.sources.paywall import paywall_signal
from tests.flows.pages import article_html, paragraphs

TARGET = "tests.flows.extractors:misbehaving"


def run(coro):
    return asyncio.run(coro)


class ShortFuseForHangs(ExtractorPool):
    """The hang gets a 1 s fuse; every other page a generous one, so a busy machine (slow answers) cannot
    turn a fine page into a timeout: the test depends on no wall-clock margin."""

    def timeout_for(self, url: str) -> float:
        return 1.0 if "hang" in url else 600.0


def test_hung_page_is_killed_and_the_pool_carries_on():
    async def go():
        async with ShortFuseForHangs(1, timeout_s=600.0, memory_mb=1024, target=TARGET) as pool:
            first = await pool.extract("<p>fine</p>", "http://127.0.0.1/ok")
            started = time.monotonic()
            with pytest.raises(ExtractionError) as err:
                await pool.extract("<p>HANG</p>", "http://127.0.0.1/hang")
            waited = time.monotonic() - started
            after = await pool.extract("<p>fine again</p>", "http://127.0.0.1/ok2")
            return first, err.value, waited, after, pool.timeouts

    first, err, waited, after, timeouts = run(go())
    assert err.reason == "extract_timeout" and "worker killed" in err.detail and "1s" in err.detail
    assert waited >= 0.9  # killed at the fuse, not before (the page itself would sleep an hour)
    assert after["title"] == "ok" and after["pid"] != first["pid"]  # a fresh worker took over
    assert timeouts == 1


def test_crash_memory_and_parser_errors_are_per_page():
    async def go():
        async with ExtractorPool(2, timeout_s=20.0, memory_mb=512, target=TARGET) as pool:
            pages = ["CRASH", "MEMORY", "FAIL", "ok-1", "ok-2"]
            return await asyncio.gather(
                *(pool.extract(f"<p>{p}</p>", f"http://127.0.0.1/{p}") for p in pages), return_exceptions=True
            )

    crash, memory, fail, ok1, ok2 = run(go())
    assert isinstance(crash, ExtractionError) and crash.reason == "extractor_crashed"
    assert isinstance(memory, ExtractionError) and memory.reason == "extractor_memory"
    assert (
        isinstance(fail, ExtractionError)
        and fail.reason == "extractor_failed"
        and "parser choked" in fail.detail
    )
    assert ok1["title"] == "ok" and ok2["title"] == "ok"


def test_real_extractor_in_a_worker_returns_fields():
    page = article_html(
        "Bridge budget passes", paragraphs(1), byline="Ana Ruiz", canonical="https://n.example/a"
    )

    async def go():
        async with ExtractorPool(1, timeout_s=30.0, memory_mb=2048) as pool:
            return await pool.extract(page, "https://n.example/a?utm_source=rss")

    fields = run(go())
    assert fields["title"] == "Bridge budget passes"
    assert fields["published"] == "2026-11-02" and fields["language"] == "en"
    assert fields["canonical_url"] == "https://n.example/a" and fields["paywall"] is None
    assert len(fields["text"]) > 200


PAYWALL_JSONLD = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "isAccessibleForFree": false}</script>'
)


@pytest.mark.parametrize(
    ("head", "signal"),
    [
        (PAYWALL_JSONLD, "jsonld_not_free"),
        ('<meta itemprop="isAccessibleForFree" content="False">', "microdata_not_free"),
        ('<meta property="article:content_tier" content="metered">', "content_tier_metered"),
        ('<meta name="article:content_tier" content="free">', None),
        ("<script>window.paywallConfig = {enabled: false}</script>", None),  # a mention is not a declaration
    ],
)
def test_paywall_signals(head, signal):
    assert paywall_signal(article_html("T", ["x"], head=head)) == signal


def test_paywalled_teaser_is_a_reason_and_long_paywalled_text_is_flagged():
    teaser = article_html("Locked story", ["Subscribe to read the rest."], head=PAYWALL_JSONLD)
    with pytest.raises(ExtractionError) as err:
        extract_payload(teaser, "https://n.example/locked")
    assert err.value.reason == "paywalled" and "not bypassed" in err.value.detail
    metered = extract_payload(
        article_html("Metered", paragraphs(2), head=PAYWALL_JSONLD), "https://n.example/m"
    )
    assert metered["paywall"] == "jsonld_not_free" and len(metered["text"]) > 200


def test_stored_raw_html_can_be_re_extracted():
    page = article_html("Again", paragraphs(3), charset="iso-8859-1").replace("council", "café council")
    raw = page.encode("latin-1")
    ex = reextract(zlib.compress(raw), "https://n.example/again")
    assert ex.title == "Again" and "café council" in ex.text
