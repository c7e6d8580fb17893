"""Near-duplicate search (syndicated wire copies, lightly edited reprints): MinHash signatures over word
shingles and an LSH index of the articles already seen. The dedupe rules that use it are in
flows.sources.dedup."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

log = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")


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
    mh = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, scheme=cfg.scheme)
    mh.update_batch(list(grams))
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


@dataclass
class NearDupIndex:
    """Signatures of articles already seen (stored ones first, then this run's), searchable by LSH."""

    cfg: MinHashConfig = field(default_factory=MinHashConfig)

    def __post_init__(self) -> None:
        self._lsh = MinHashLSH(threshold=self.cfg.threshold, num_perm=self.cfg.num_perm)
        self._sigs: dict[str, np.ndarray] = {}
        self._cluster: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._sigs

    def add(self, article_id: str, sig: np.ndarray, cluster_id: str | None = None) -> None:
        if article_id in self._sigs:
            return
        lean = LeanMinHash(seed=self.cfg.seed, hashvalues=sig, scheme=self.cfg.scheme)
        self._lsh.insert(article_id, lean, check_duplication=False)
        self._sigs[article_id] = sig
        self._cluster[article_id] = cluster_id or article_id

    def cluster_of(self, article_id: str) -> str:
        return self._cluster.get(article_id, article_id)

    def best_match(self, sig: np.ndarray, exclude: str | None = None) -> tuple[str, float] | None:
        """The most similar indexed article at or above the threshold, with its estimated similarity."""
        lean = LeanMinHash(seed=self.cfg.seed, hashvalues=sig, scheme=self.cfg.scheme)
        best: tuple[str, float] | None = None
        for key in self._lsh.query(lean):
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
