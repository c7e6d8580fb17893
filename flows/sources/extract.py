"""Article extraction from HTML with trafilatura: title, byline, date, language, body text, and the
paywall flag. Runs inside an extractor worker process (see extract_pool); `extract_payload` is the
worker's entry point and speaks plain JSON-able dicts."""

from __future__ import annotations

import logging
import re
import zlib
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import trafilatura

from flows.sources.charset import decode_html
from flows.sources.failure import SourceFailure
from flows.sources.paywall import paywall_signal

log = logging.getLogger(__name__)

EXTRACTOR = "trafilatura"
EXTRACTOR_VERSION = trafilatura.__version__
MIN_TEXT_CHARS = 200
_HTML_LANG = re.compile(r"<html[^>]*\blang\s*=\s*[\"']?([A-Za-z]{2,3})", re.I)
_CANONICAL = re.compile(r"<link[^>]+rel\s*=\s*[\"']?canonical[\"']?[^>]*>", re.I)
_HREF = re.compile(r"href\s*=\s*[\"']([^\"']+)[\"']", re.I)


class ExtractionError(SourceFailure):
    """A page whose article cannot be extracted: `reason` is short ('no_text', 'paywalled', ...)."""


@dataclass(frozen=True)
class Extracted:
    title: str
    byline: str | None
    published: date | None
    language: str | None
    text: str
    canonical_url: str | None


def canonical_link(html: str) -> str | None:
    for tag in _CANONICAL.findall(html[:100_000]):
        if match := _HREF.search(tag):
            return match.group(1).strip()
    return None


def _as_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def extract_article(html: str, url: str) -> Extracted:
    """Extract the article; raises ExtractionError('no_text' | 'extractor_failed', ...) otherwise."""
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False
        )
    except Exception as exc:  # trafilatura raises a variety of parser errors on broken pages
        raise ExtractionError("extractor_failed", f"{url}: {exc!r}") from exc
    if doc is None:
        raise ExtractionError("no_text", f"{url}: the extractor found no article body")
    assert not isinstance(doc, dict)  # a dict only with as_dict=True (deprecated, not passed)
    text = (doc.text or "").strip()
    if len(text) < MIN_TEXT_CHARS:
        raise ExtractionError(
            "no_text", f"{url}: only {len(text)} characters of body text (need {MIN_TEXT_CHARS})"
        )
    lang_match = _HTML_LANG.search(html[:5000])
    language = doc.language or (lang_match.group(1) if lang_match else None) or None
    return Extracted(
        title=(doc.title or "").strip(),
        byline=(doc.author or None),
        published=_as_date(doc.date),
        language=language.lower() if language else None,
        text=text,
        canonical_url=canonical_link(html),
    )


def extract_payload(html: str, url: str) -> dict[str, Any]:
    """Worker entry point: the extracted fields plus `paywall` (signal or None), JSON-able.
    A paywalled page without article text raises ExtractionError('paywalled', ...)."""
    signal = paywall_signal(html)
    try:
        ex = extract_article(html, url)
    except ExtractionError as exc:
        if signal and exc.reason == "no_text":
            raise ExtractionError(
                "paywalled",
                f"{url}: no article text and the page declares a paywall ({signal}); not bypassed",
            ) from exc
        raise
    data = asdict(ex)
    data["published"] = ex.published.isoformat() if ex.published else None
    data["paywall"] = signal
    return data


def extracted_from_payload(data: dict[str, Any]) -> tuple[Extracted, str | None]:
    """(Extracted, paywall signal) from a worker's JSON answer; ExtractionError if it is not one."""
    if not isinstance(data, dict) or not isinstance(data.get("text"), str) or not data["text"].strip():
        raise ExtractionError("extractor_failed", f"the extractor's answer has no text: {str(data)[:200]}")
    published = _as_date(data.get("published"))
    fields = {k: data.get(k) for k in ("byline", "language", "canonical_url")}
    return Extracted(
        title=data.get("title") or "", text=data["text"], published=published, **fields
    ), data.get("paywall")


def reextract(raw_html_z: bytes, url: str, content_type: str | None = None) -> Extracted:
    """Extract again from a stored article's compressed raw HTML (e.g. after upgrading trafilatura)."""
    html, _encoding = decode_html(zlib.decompress(raw_html_z), content_type)
    return extract_article(html, url)
