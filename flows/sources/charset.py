"""Decide a page's text encoding: BOM, then HTTP header, then <meta charset>, then detection.

A declared encoding is trusted only if the bytes agree with it: a page served as UTF-8 whose bytes are
not valid UTF-8 falls through to the next source, and a page declared as Latin-1/ASCII whose bytes are
valid multi-byte UTF-8 is read as UTF-8 (the usual misconfigured server)."""

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
# Labels that browsers read as windows-1252 (WHATWG Encoding Standard).
_AS_CP1252 = {"ascii", "latin-1", "iso8859-1"}
_SINGLE_BYTE_DECLARED = {"cp1252", "ascii", "latin-1", "iso8859-1", "iso8859-15"}


def _known(name: str | None) -> str | None:
    if not name:
        return None
    try:
        found = codecs.lookup(name).name
    except LookupError:
        return None
    return "cp1252" if found in _AS_CP1252 else found


def _decodes(body: bytes, encoding: str) -> bool:
    """Strict decoding of a sample; a character cut at the sample's end is not an error."""
    try:
        codecs.getincrementaldecoder(encoding)(errors="strict").decode(body, final=False)
    except UnicodeDecodeError:
        return False
    return True


def _is_utf8_with_multibyte(body: bytes) -> bool:
    return not body.isascii() and _decodes(body, "utf-8")


def _agrees(body: bytes, encoding: str) -> bool:
    """Whether `body` plausibly is text in `encoding`."""
    if encoding in _SINGLE_BYTE_DECLARED and _is_utf8_with_multibyte(body):
        return False
    return _decodes(body, encoding)


_WESTERN_PUNCT = set(
    "\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u20ac\u00a0\u00ab\u00bb\u00b7\u00a9\u00ae\u00b0"
)


def _looks_western(body: bytes) -> bool:
    """Whether single-byte `body` reads as mostly-ASCII Western text in windows-1252: non-ASCII letters
    are Latin-1 accented letters and a small share of all letters (Cyrillic or Greek code pages would
    put almost every letter outside ASCII). Detection on short samples often guesses a Baltic or
    Central European code page for such text; the WHATWG fallback for English pages is windows-1252."""
    if not _decodes(body, "cp1252"):
        return False
    text = body.decode("cp1252", errors="replace")
    letters = [c for c in text if c.isalpha()]
    accented = [c for c in letters if not c.isascii()]
    if not letters or not accented:
        return bool(letters)
    odd = [c for c in text if not c.isascii() and not c.isalpha() and c not in _WESTERN_PUNCT]
    latin1 = all("\u00c0" <= c <= "\u00ff" for c in accented)
    return latin1 and len(accented) / len(letters) < 0.3 and len(odd) <= len(accented) * 0.1


def detect_encoding(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """(encoding, how it was decided): 'bom' | 'header' | 'meta' | 'detected' | 'default'."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, "bom"
    declared: list[tuple[str | None, str]] = []
    if content_type and (match := _HEADER_CHARSET.search(content_type)):
        declared.append((_known(match.group(1)), "header"))
    if meta := _META_CHARSET.search(body[:4096]):
        declared.append((_known(meta.group(1).decode("ascii", "ignore")), "meta"))
    sample = body[:200_000]
    for encoding, how in declared:
        if encoding and _agrees(sample, encoding):
            return encoding, how
    if _is_utf8_with_multibyte(sample):
        return "utf-8", "detected"
    if _looks_western(sample):
        return "cp1252", "detected"
    best = from_bytes(sample).best()
    if best is not None and (enc := _known(best.encoding)):
        return enc, "detected"
    return "utf-8", "default"


def decode_html(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode page bytes to str; returns (text, encoding). Undecodable bytes are replaced, not fatal."""
    text, encoding, _how = decode_with_source(body, content_type)
    return text, encoding


def decode_with_source(body: bytes, content_type: str | None = None) -> tuple[str, str, str]:
    """(text, encoding, how the encoding was decided)."""
    encoding, how = detect_encoding(body, content_type)
    text = body.decode(encoding, errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, encoding, how
