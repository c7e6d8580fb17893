"""Inter-annotator agreement: Krippendorff's alpha (nominal) per frame, for the primary frame, slant and
tone, and pairwise annotator confusion. Input: standing labels (one per article and annotator)."""

from __future__ import annotations

import itertools
import logging
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import krippendorff
import numpy as np

from labels.codebook import Codebook

log = logging.getLogger(__name__)

SINGLE_FIELDS = ("primary_frame", "slant", "tone")


@dataclass(frozen=True)
class Alpha:
    variable: str  # a frame name, or primary_frame / slant / tone
    alpha: float | None  # None: undefined (fewer than two values, or no article with two annotators)
    n_units: int  # articles with at least two annotators
    n_pairable: int  # ratings on those articles
    observed_agreement: float | None  # share of agreeing pairs of ratings, for a plain-language reading


@dataclass
class PairConfusion:
    a: str
    b: str
    n_shared: int
    # variable -> {(label by a, label by b): count}; frames as (in a?, in b?) per frame, summed
    confusion: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)

    def agreement(self, variable: str) -> float | None:
        counts = self.confusion.get(variable)
        total = sum(counts.values()) if counts else 0
        if counts is None or not total:
            return None
        return sum(n for (x, y), n in counts.items() if x == y) / total


@dataclass
class AgreementReport:
    annotators: list[str]
    n_articles: int  # labeled by anyone
    n_overlap: int  # labeled by two or more
    alphas: list[Alpha]
    pairs: list[PairConfusion]

    def alpha(self, variable: str) -> float | None:
        return next(a.alpha for a in self.alphas if a.variable == variable)


def _alpha(matrix: np.ndarray, variable: str) -> Alpha:
    """matrix: raters x units of category codes, nan where a rater did not rate a unit."""
    rated = (~np.isnan(matrix)).sum(axis=0)
    keep = rated >= 2
    sub = matrix[:, keep]
    n_units = int(keep.sum())
    pairs = agree = 0
    for col in sub.T:
        vals = col[~np.isnan(col)]
        for x, y in itertools.combinations(vals, 2):
            pairs += 1
            agree += int(x == y)
    observed = agree / pairs if pairs else None
    values = np.unique(sub[~np.isnan(sub)])
    value: float | None = None
    if n_units and len(values) >= 2:
        value = float(krippendorff.alpha(reliability_data=sub, level_of_measurement="nominal"))
    return Alpha(variable, value, n_units, int(rated[keep].sum()), observed)


def agreement(labels: Sequence[Mapping[str, Any]], codebook: Codebook) -> AgreementReport:
    """Alpha for each frame (present/absent), the primary frame, slant and tone; confusion per pair."""
    annotators = sorted({str(r["annotator"]) for r in labels})
    articles = sorted({str(r["article_id"]) for r in labels})
    by_unit: dict[str, dict[str, Mapping[str, Any]]] = defaultdict(dict)
    for r in labels:
        by_unit[str(r["article_id"])][str(r["annotator"])] = r
    col = {a: j for j, a in enumerate(articles)}
    row = {a: i for i, a in enumerate(annotators)}
    alphas = []
    for frame in codebook.frame_names:
        m = np.full((len(annotators), len(articles)), np.nan)
        for r in labels:
            m[row[str(r["annotator"])], col[str(r["article_id"])]] = float(frame in (r["frames"] or []))
        alphas.append(_alpha(m, frame))
    domains = {
        "primary_frame": codebook.frame_names,
        "slant": list(codebook.slant_labels),
        "tone": list(codebook.tone_labels),
    }
    for variable in SINGLE_FIELDS:
        code = {v: float(i) for i, v in enumerate(domains[variable])}
        m = np.full((len(annotators), len(articles)), np.nan)
        for r in labels:
            m[row[str(r["annotator"])], col[str(r["article_id"])]] = code[r[variable]]
        alphas.append(_alpha(m, variable))

    pairs = []
    for a, b in itertools.combinations(annotators, 2):
        shared = [u for u in articles if a in by_unit[u] and b in by_unit[u]]
        pair = PairConfusion(a, b, len(shared))
        for variable in SINGLE_FIELDS:
            pair.confusion[variable] = Counter(
                (by_unit[u][a][variable], by_unit[u][b][variable]) for u in shared
            )
        frames: Counter[tuple[str, str]] = Counter()
        for u in shared:
            fa, fb = set(by_unit[u][a]["frames"] or []), set(by_unit[u][b]["frames"] or [])
            for frame in codebook.frame_names:
                if frame in fa or frame in fb:
                    frames[("yes" if frame in fa else "no", "yes" if frame in fb else "no")] += 1
        pair.confusion["frames"] = frames
        pairs.append(pair)
    n_overlap = sum(1 for u in articles if len(by_unit[u]) >= 2)
    log.info(
        "agreement over %d articles (%d with 2+ annotators), %d annotators",
        len(articles),
        n_overlap,
        len(annotators),
    )
    return AgreementReport(annotators, len(articles), n_overlap, alphas, pairs)


def confusion_table(pair: PairConfusion, variable: str, labels: Sequence[str]) -> list[list[int]]:
    """Rows: annotator a's label; columns: annotator b's label, in `labels` order."""
    counts = pair.confusion[variable]
    return [[counts.get((x, y), 0) for y in labels] for x in labels]
