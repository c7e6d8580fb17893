"""Decide a page's text encoding: BOM, then HTTP header, then <meta charset>, then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def detect_encoding(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(encoding, how it was decided): 'bom' | 'header' | 'meta' | 'detected' | 'default'."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, "bom"
    if content_type:
        match = _HEADER_CHARSET.search(content_type)
        if match and (enc := _known(match.group(1))):
            return enc, "header"
    match = _META_CHARSET.search(body[:4096])
    if match and (enc := _known(match.group(1).decode("ascii", "ignore"))):
        return enc, "meta"
    best = from_bytes(body[:200_000]).best()
    if best is not None and (enc := _known(best.encoding)):
        return enc, "detected"
    return "utf-8", "default"


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes to str; returns (text, encoding). Undecodable bytes are replaced, not fatal."""
    encoding, _how = detect_encoding(body, content_type)
    text = body.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding
