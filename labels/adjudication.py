"""Gold labels from annotators' labels: agreed articles are decided by majority, the rest are conflicts a
person resolves (`framewatch label adjudicate --article ...`)."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from labels.codebook import Codebook
from warehouse.load import now

log = logging.getLogger(__name__)


@dataclass
class Conflict:
    article_id: str
    reasons: list[str]  # e.g. "slant: left 1, right 1"
    labels: dict[str, Mapping[str, Any]]  # annotator -> label


def _majority(values: Sequence[str]) -> str | None:
    """The value more than half of the annotators gave, else None."""
    value, count = Counter(values).most_common(1)[0]
    return value if count * 2 > len(values) else None


def gold_row(
    article_id: str,
    frames: Sequence[str],
    primary: str,
    slant: str,
    tone: str,
    codebook: Codebook,
    method: str,
    n_annotators: int,
    adjudicator: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    labels = codebook.validate_labels(frames, primary, slant, tone)
    return {
        "article_id": article_id,
        "frames": list(labels.frames),
        "primary_frame": labels.primary_frame,
        "slant": labels.slant,
        "tone": labels.tone,
        "codebook_version": codebook.version,
        "method": method,
        "adjudicator": adjudicator,
        "n_annotators": n_annotators,
        "decided_at": now(),
        "note": note,
    }


def propose_gold(
    labels: Sequence[Mapping[str, Any]],
    codebook: Codebook,
    min_annotators: int = 2,
    accept_single: bool = False,
    skip: set[str] | frozenset[str] = frozenset(),
) -> tuple[list[dict[str, Any]], list[Conflict]]:
    """Gold rows for articles whose annotators agree by majority on every frame, the primary frame, slant
    and tone; a Conflict for each of the others. Articles in `skip` (already gold) are left alone.
    With `accept_single`, articles labeled by one annotator become gold ('single')."""
    by_article: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for r in labels:
        by_article[str(r["article_id"])][str(r["annotator"])] = r
    decided, conflicts = [], []
    for article_id in sorted(by_article):
        if article_id in skip:
            continue
        per = by_article[article_id]
        k = len(per)
        if k < min_annotators and not (accept_single and k == 1):
            continue
        reasons: list[str] = []
        frame_votes = Counter(f for r in per.values() for f in (r["frames"] or []))
        frames = [f for f in codebook.frame_names if frame_votes[f] * 2 > k]
        ties = [f for f in codebook.frame_names if frame_votes[f] * 2 == k]
        if ties:
            reasons.append("frames split evenly: " + ", ".join(ties))
        if not frames and not ties:
            reasons.append("no frame chosen by a majority")
        picked: dict[str, str | None] = {}
        for variable in ("primary_frame", "slant", "tone"):
            values = [str(r[variable]) for r in per.values()]
            picked[variable] = _majority(values)
            if picked[variable] is None:
                counts = Counter(values)
                reasons.append(f"{variable}: " + ", ".join(f"{v} {n}" for v, n in counts.most_common()))
        if picked["primary_frame"] and picked["primary_frame"] not in frames and not reasons:
            reasons.append(f"primary frame {picked['primary_frame']} is not among the majority frames")
        if reasons:
            conflicts.append(Conflict(article_id, reasons, dict(per)))
            continue
        unanimous = all(
            sorted(r["frames"]) == sorted(frames) and all(r[v] == picked[v] for v in picked)
            for r in per.values()
        )
        method = "single" if k == 1 else "unanimous" if unanimous else "majority"
        decided.append(
            gold_row(
                article_id,
                frames,
                str(picked["primary_frame"]),
                str(picked["slant"]),
                str(picked["tone"]),
                codebook,
                method,
                k,
            )
        )
    log.info("adjudication: %d decided, %d conflicts", len(decided), len(conflicts))
    return decided, conflicts


def waiting_for_annotators(
    labels: Sequence[Mapping[str, Any]],
    min_annotators: int = 2,
    accept_single: bool = False,
    skip: set[str] | frozenset[str] = frozenset(),
) -> dict[str, list[str]]:
    """Articles that cannot become gold yet because fewer than `min_annotators` people labeled them (and
    single labels are not accepted): article id -> who labeled it."""
    by_article: dict[str, set[str]] = defaultdict(set)
    for r in labels:
        by_article[str(r["article_id"])].add(str(r["annotator"]))
    return {
        a: sorted(who)
        for a, who in sorted(by_article.items())
        if a not in skip and len(who) < min_annotators and not (accept_single and len(who) == 1)
    }
