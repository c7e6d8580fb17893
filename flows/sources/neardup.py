"""Near-duplicate search (syndicated wire copies, lightly edited reprints): MinHash signatures over word
shingles and an LSH index of the articles already seen. The dedupe rules that use it are in
flows.sources.dedup.

The signatures are datasketch 2.0's MinHash with its "affine32" scheme, bit for bit (SHA-1's first 4
bytes, the MurmurHash3 finalizer, h -> a h + b mod 2^32 with datasketch's seeded a and b), so signatures
stored by earlier versions stay comparable; the LSH index bands them as datasketch's MinHashLSH does, with
the same bands. Written here because datasketch's LSH imports scipy.integrate (0.5 s of every collecting
command) to choose those bands; tests/flows/test_neardup.py checks both against datasketch."""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


@dataclass(frozen=True)
class MinHashConfig:
    """Signature parameters. Stored signatures are only comparable under the same values."""

    num_perm: int = 128
    seed: int = 1
    shingle_words: int = 5
    threshold: float = 0.7  # estimated Jaccard similarity of shingle sets at which a copy is linked
    scheme: str = "affine32"


def shingles(text: str, k: int) -> set[bytes]:
    words = _WORD.findall(unicodedata.normalize("NFKC", text).lower())
    if len(words) < k:
        return set()
    return {" ".join(words[i : i + k]).encode("utf-8") for i in range(len(words) - k + 1)}


def signature(text: str, cfg: MinHashConfig) -> np.ndarray | None:
    """The MinHash hash values of `text`, or None when it has fewer words than one shingle."""
    grams = shingles(text, cfg.shingle_words)
    if not grams:
        return None
    if cfg.scheme != "affine32":
        raise ValueError(f"MinHash scheme {cfg.scheme!r} is not supported; stored signatures use 'affine32'")
    hv = np.fromiter(
        (int.from_bytes(hashlib.sha1(g).digest()[:4], "little") for g in grams), np.uint32, len(grams)
    )
    s1, m1, s2, m2, s3 = _FMIX32  # MurmurHash3's finalizer; uint32 arithmetic wraps, as intended
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    a, b = _permutations(cfg.num_perm, cfg.seed)
    return np.asarray((hv[:, None] * a + b).min(axis=0), dtype=np.uint64)


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 parameters: odd a and any b, drawn from RandomState(seed) in that order."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


@lru_cache(maxsize=8)
def lsh_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) minimising the false positive plus false negative probability mass around
    `threshold`, as datasketch's MinHashLSH chooses them (weights 0.5 / 0.5). Its integrals are of
    polynomials of degree <= num_perm, so a Gauss-Legendre rule of num_perm // 2 + 1 points is exact."""
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def integral(f: Any, lo: float, hi: float) -> float:
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        return float((hi - lo) / 2 * np.dot(weights, f(s)))

    best, opt = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            fp = integral(lambda s, b=b, r=r: 1 - (1 - s**r) ** b, 0.0, threshold)
            fn = integral(lambda s, b=b, r=r: (1 - s**r) ** b, threshold, 1.0)
            error = fp * 0.5 + fn * 0.5
            if error < best:
                best, opt = error, (b, r)
    return opt


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


@dataclass
class NearDupIndex:
    """Signatures of articles already seen (stored ones first, then this run's), searchable by LSH."""

    cfg: MinHashConfig = field(default_factory=MinHashConfig)

    def __post_init__(self) -> None:
        bands, rows = lsh_bands(self.cfg.threshold, self.cfg.num_perm)
        self._bands = [(i * rows, (i + 1) * rows) for i in range(bands)]
        self._tables: list[dict[bytes, list[str]]] = [{} for _ in self._bands]
        self._sigs: dict[str, np.ndarray] = {}
        self._cluster: dict[str, str] = {}

    def _keys(self, sig: np.ndarray) -> list[bytes]:
        values = np.asarray(sig, dtype=np.uint32)  # affine32 values: stored as uint64, 32 bits wide
        return [values[start:end].tobytes() for start, end in self._bands]

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._sigs

    def add(self, article_id: str, sig: np.ndarray, cluster_id: str | None = None) -> None:
        if article_id in self._sigs:
            return
        for table, key in zip(self._tables, self._keys(sig), strict=True):
            table.setdefault(key, []).append(article_id)
        self._sigs[article_id] = sig
        self._cluster[article_id] = cluster_id or article_id

    def cluster_of(self, article_id: str) -> str:
        return self._cluster.get(article_id, article_id)

    def candidates(self, sig: np.ndarray) -> set[str]:
        """Indexed articles that share at least one band with `sig` (LSH: likely similar)."""
        return {
            key
            for table, band in zip(self._tables, self._keys(sig), strict=True)
            for key in table.get(band, ())
        }

    def best_match(self, sig: np.ndarray, exclude: str | None = None) -> tuple[str, float] | None:
        """The most similar indexed article at or above the threshold, with its estimated similarity."""
        best: tuple[str, float] | None = None
        for key in self.candidates(sig):
            if key == exclude:
                continue
            sim = similarity(sig, self._sigs[key])
            if sim >= self.cfg.threshold and (
                best is None or sim > best[1] or (sim == best[1] and key < best[0])
            ):
                best = (key, sim)
        return best

    @classmethod
    def from_rows(cls, rows: Iterable[Sequence[Any]], cfg: MinHashConfig | None = None) -> NearDupIndex:
        """An index from stored (article_id, cluster_id, hashvalues) rows, oldest first."""
        index = cls(cfg or MinHashConfig())
        for article_id, cluster_id, hashvalues in rows:
            index.add(article_id, np.asarray(hashvalues, dtype=np.uint64), cluster_id)
        return index
