"""Every dedupe rule, in one place:

- exact copies: a hash of the normalized body text (`content_hash`); within one batch of fetched pages the
  first of each URL and of each text is kept (`dedupe_batch`);
- against what is stored: exact copies are dropped but linked, near-copies (flows.sources.neardup's MinHash
  index) are kept and linked to the most similar earlier article and its cluster (the earliest article of
  the story), so an analyst can count syndication (`dedupe_and_link`).
Imported records whose id is stored with another text are refused by flows.sources.bulk (an id clash, not
a copy)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flows.sources.neardup import NearDupIndex, signature
from warehouse.content import content_hash, normalize_text

__all__ = ["content_hash", "normalize_text"]  # kept here too: the dedupe rules read as one place


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


@dataclass
class BatchDedup:
    articles: list[dict[str, Any]] = field(default_factory=list)  # first of each URL and text
    links: list[dict[str, Any]] = field(default_factory=list)  # exact copies within the batch
    counts: Counter[str] = field(default_factory=Counter)


def dedupe_batch(
    rows: Iterable[dict[str, Any] | None], known_ids: set[str], run_id: str | None
) -> BatchDedup:
    """The fetched pages of one run: skip articles already stored (by id), second URLs of one canonical
    URL, and second copies of one text (linked to the first)."""
    out = BatchDedup()
    seen_hash: dict[str, str] = {}
    seen_ids: set[str] = set()
    for row in rows:
        if row is None:
            continue
        if row["article_id"] in known_ids:
            out.counts["items_already_stored"] += 1  # canonical URL pointed at an article we already have
            continue
        if row["article_id"] in seen_ids:
            out.counts["duplicate_urls"] += 1  # two feed URLs with one canonical URL
            continue
        kept = seen_hash.get(row["content_hash"])
        if kept is not None:
            out.counts["exact_duplicates"] += 1
            out.links.append(link_row(row, kept, "exact_duplicate", 1.0, kept, run_id))
            continue
        seen_hash[row["content_hash"]] = row["article_id"]
        seen_ids.add(row["article_id"])
        out.articles.append(row)
    return out
