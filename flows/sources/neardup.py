"""Near-duplicates (syndicated wire copies, lightly edited reprints) by MinHash + LSH over word
shingles. Duplicates are linked, not dropped: every copy points at the article it copies and at its
cluster (the earliest article of the story), so an analyst can count syndication."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
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
    mh = MinHash(num_perm=cfg.num_perm, seed=cfg.seed, scheme=cfg.scheme)  # type: ignore[arg-type]
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


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def link_row(
    row: dict[str, Any], linked_id: str, relation: str, sim: float, cluster_id: str, run_id: str | None
) -> dict[str, Any]:
    return {
        "article_id": row["article_id"],
        "linked_article_id": linked_id,
        "relation": relation,  # 'near_duplicate' | 'exact_duplicate'
        "similarity": round(sim, 4),
        "cluster_id": cluster_id,
        "outlet_id": row.get("outlet_id"),
        "url": row.get("url"),
        "run_id": run_id,
        "linked_at": _now(),
    }


@dataclass
class DedupOutcome:
    fresh: list[dict[str, Any]] = field(default_factory=list)  # rows to store
    links: list[dict[str, Any]] = field(default_factory=list)  # exact copies (not stored) + near copies
    signatures: list[dict[str, Any]] = field(default_factory=list)  # for the fresh rows
    exact_duplicates: int = 0
    near_duplicates: int = 0


def _story_order(row: dict[str, Any]) -> tuple[date, str]:
    """Within one batch the earliest published article is the original; ties go by article id, not by
    which page happened to download first, so the same inputs always link the same way."""
    return row.get("published") or date.max, row["article_id"]


def dedupe_and_link(
    rows: Sequence[dict[str, Any]],
    known_hashes: dict[str, str],
    index: NearDupIndex,
    run_id: str | None = None,
    prior_links: Sequence[dict[str, Any]] = (),
) -> DedupOutcome:
    """Drop exact copies (same content hash as a stored or earlier row) but record a link for each;
    keep near-copies and link them to the most similar earlier article. `known_hashes` maps content
    hash -> article_id and is updated; `index` gains this batch's signatures. `prior_links` are exact
    copies dropped earlier in the run (CollectResult.links): their cluster ids are filled in here."""
    out = DedupOutcome()
    cfg = index.cfg
    pending_exact: list[dict[str, Any]] = [dict(link) for link in prior_links]
    for row in sorted(rows, key=_story_order):
        chash = row["content_hash"]
        kept = known_hashes.get(chash)
        if kept is not None and kept != row["article_id"]:
            out.exact_duplicates += 1
            pending_exact.append(link_row(row, kept, "exact_duplicate", 1.0, kept, run_id))
            continue
        known_hashes[chash] = row["article_id"]
        out.fresh.append(row)
        sig = signature(row.get("text") or "", cfg)
        if sig is None:
            continue
        match = index.best_match(sig, exclude=row["article_id"])
        cluster = row["article_id"]
        if match is not None:
            cluster = index.cluster_of(match[0])
            out.near_duplicates += 1
            out.links.append(link_row(row, match[0], "near_duplicate", match[1], cluster, run_id))
        index.add(row["article_id"], sig, cluster)
        out.signatures.append(
            {
                "article_id": row["article_id"],
                "cluster_id": cluster,
                "scheme": cfg.scheme,
                "num_perm": cfg.num_perm,
                "seed": cfg.seed,
                "shingle_words": cfg.shingle_words,
                "hashvalues": [int(v) for v in sig],
                "created_at": _now(),
            }
        )
    for link in pending_exact:
        link["cluster_id"] = index.cluster_of(link["linked_article_id"])
        out.links.append(link)
    return out
