"""What makes two texts the same article: the normalized body text and its hash (`articles.content_hash`).
Collection dedupes on it, and a model's training texts are hashed the same way, so the warehouse can tell
which stored articles a model was trained on (classifier.in_sample)."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFKC, whitespace runs as one space, stripped, lower case."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()


def content_hash(text: str) -> str:
    """sha256 (hex) of the normalized text."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()
