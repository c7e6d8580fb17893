"""Paywall detection from the markup publishers use to declare it. We flag paywalled pages; we never
try to get around a paywall (no cookie tricks, no alternate user agents, no cached copies)."""

from __future__ import annotations

import re

# schema.org `isAccessibleForFree: false` in JSON-LD (Google's "subscription and paywalled content"
# markup), the same as microdata, and the `article:content_tier` meta tag (locked / metered).
_JSONLD_NOT_FREE = re.compile(r"[\"']isAccessibleForFree[\"']\s*:\s*[\"']?(?:false|no)[\"']?", re.I)
_MICRODATA_NOT_FREE = re.compile(
    r"<meta[^>]+itemprop\s*=\s*[\"']isAccessibleForFree[\"'][^>]*content\s*=\s*[\"'](?:false|no)[\"']", re.I
)
_CONTENT_TIER = re.compile(
    r"<meta[^>]+(?:name|property)\s*=\s*[\"']article:content_tier[\"'][^>]*content\s*=\s*[\"']"
    r"(locked|metered)[\"']",
    re.I,
)
_SCAN_CHARS = 2_000_000


def paywall_signal(html: str) -> str | None:
    """The declaration that marks `html` as paywalled ('jsonld_not_free', 'content_tier_locked', ...),
    or None. Only explicit declarations count: a script that merely mentions 'paywall' does not."""
    head = html[:_SCAN_CHARS]
    if _JSONLD_NOT_FREE.search(head):
        return "jsonld_not_free"
    if _MICRODATA_NOT_FREE.search(head):
        return "microdata_not_free"
    if match := _CONTENT_TIER.search(head):
        return f"content_tier_{match.group(1).lower()}"
    return None
