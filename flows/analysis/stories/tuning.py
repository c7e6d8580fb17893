"""Fit the story link model on gold events, and the previous grouping as a reference to measure beside it.

Fitting (bench/bench_story_gold.py --fit writes flows/analysis/stories/link.json):

1. every pair of tuning articles at most `event_days` apart gives the features of story_link.FEATURES and
   a label (same gold event or not);
2. a logistic regression on the content features (cosine, term and name overlap, numbers) over all pairs;
3. the time weight: a logistic regression of the label on that content logit and log(1 + days apart),
   fitted only on pairs of articles whose own publication days are known (GoldSet.dated: in the roundups the
   other articles carry their roundup's day, so every same-event gap would read 0 and teach a time
   penalty far too steep);
4. the linkage threshold: the story grouping run on the tuning articles for each candidate threshold; the
   highest F1 among thresholds whose pairwise precision reaches `target_precision` (else the highest F1).

The reference is the grouping this replaced: cosine + idf-weighted name overlap >= 0.60 to any member
(single link), centroid cosine >= 0.50, at most 21 days, names from the title and 400 words.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
from sklearn.linear_model import LogisticRegression

from flows.analysis.stories.features import _EDGE, _STOP, KeyWeights, StoryDoc
from flows.analysis.stories.gold import GoldSet, pair_scores
from flows.analysis.stories.grouping import group
from flows.analysis.stories.link import FEATURES, LinkModel, features

THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6)
CONTENT = FEATURES[:5]


def pairs(
    gold: GoldSet, vectors: np.ndarray, event_days: int = 21
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(features, same event, both dated) of every pair at most `event_days` apart."""
    weights = KeyWeights.of(gold.docs)
    days = np.array([d.day.toordinal() for d in gold.docs])
    rows, labels, honest = [], [], []
    for i in range(len(gold.docs)):
        j = np.flatnonzero((np.abs(days - days[i]) <= event_days) & (np.arange(len(days)) > i))
        if not len(j):
            continue
        rows.append(features(gold.docs[i], [gold.docs[k] for k in j], vectors[j] @ vectors[i], weights))
        labels.append(gold.events[j] == gold.events[i])
        honest.append(gold.dated[j] & gold.dated[i])
    return np.vstack(rows), np.concatenate(labels), np.concatenate(honest)


def fit(
    gold: GoldSet,
    vectors: np.ndarray,
    target_precision: float = 0.9,
    thresholds: Sequence[float] = THRESHOLDS,
    base: LinkModel | None = None,
) -> tuple[LinkModel, list[tuple[float, str]]]:
    """The link model fitted on `gold` (see the module docstring) and each threshold's tuning scores."""
    base = base or LinkModel(weights=dict.fromkeys(FEATURES, 0.0), intercept=0.0)
    X, y, honest = pairs(gold, vectors, base.event_days)
    content = LogisticRegression(C=10.0, max_iter=2000).fit(X[:, :5], y)
    logit = content.decision_function(X[:, :5])
    timed = LogisticRegression(C=10.0, max_iter=2000).fit(np.c_[logit[honest], X[honest, 5]], y[honest])
    a, g = (float(c) for c in timed.coef_[0])
    weights = {k: a * float(w) for k, w in zip(CONTENT, content.coef_[0], strict=True)} | {"log_gap": g}
    intercept = a * float(content.intercept_[0]) + float(timed.intercept_[0])
    days = np.array([d.day.toordinal() for d in gold.docs])
    tried: list[tuple[float, str]] = []
    best: tuple[bool, float, float] | None = None
    for t in thresholds:
        model = replace(base, weights=weights, intercept=intercept, threshold=t)
        links = {a.article_id: a.story_id for a in group(gold.docs, vectors, model)}
        s = pair_scores(gold.events, np.array([links[d.article_id] for d in gold.docs]), days)
        tried.append((t, s.line()))
        key = (s.precision >= target_precision, s.f1, t)
        if best is None or key > best:
            best = key
    assert best is not None
    tuned = {
        "pairs": int(len(y)),
        "same_event_pairs": int(y.sum()),
        "dated_pairs": int(honest.sum()),
        "target_precision": target_precision,
        "thresholds": {f"{t:.2f}": line for t, line in tried},
    }
    return replace(base, weights=weights, intercept=intercept, threshold=best[2], tuned=tuned), tried


def _reference_names(title: str, text: str, max_words: int = 400) -> frozenset[str]:
    """The previous method's names: capitalized words not at a sentence start, title and 400 words."""
    found: set[str] = set()
    body = " ".join(text.split()[:max_words])
    for sentence in re.split(r"(?<=[.!?:\n])\s+", f"{title}.\n{body}"):
        for k, raw in enumerate(sentence.split()):
            word = raw.strip(_EDGE)
            if not word or not word[0].isupper():
                continue
            word = word[:-2] if word.endswith(("'s", "’s")) else word
            key = word.lower()
            if key in _STOP or len(key) < 2 or (k == 0 and not word.isupper() and key in _STOP):
                continue
            found.add(key)
    return frozenset(found)


def reference_group(
    docs: Sequence[StoryDoc], vectors: np.ndarray, texts: Sequence[tuple[str, str]]
) -> list[str]:
    """Story ids by the previous method (see the module docstring), in the order of `docs`."""
    keys = [_reference_names(t, x) for t, x in texts]
    df: dict[str, int] = {}
    for found in keys:
        for n in found:
            df[n] = df.get(n, 0) + 1
    idf = {n: math.log((len(keys) + 1) / (c + 1)) + 1 for n, c in df.items()}

    def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
        union = sum(idf.get(n, 1.0) for n in a | b)
        return sum(idf.get(n, 1.0) for n in a & b) / union if union else 0.0

    days = [d.day.toordinal() for d in docs]
    story = [-1] * len(docs)
    members: list[list[int]] = []
    sums: list[np.ndarray] = []
    first: list[int] = []
    last: list[int] = []
    for i in sorted(range(len(docs)), key=lambda j: (docs[j].day, docs[j].article_id)):
        best, best_k = 0.0, -1
        for k, mem in enumerate(members):
            if max(last[k], days[i]) - min(first[k], days[i]) > 21:
                continue
            if float(sums[k] @ vectors[i]) / max(float(np.linalg.norm(sums[k])), 1e-9) < 0.5:
                continue
            for m in mem[-64:]:
                score = float(vectors[m] @ vectors[i]) + jaccard(keys[i], keys[m])
                if score >= 0.6 and score > best:
                    best, best_k = score, k
        if best_k < 0:
            members.append([])
            sums.append(np.zeros_like(vectors[i]))
            first.append(days[i])
            last.append(days[i])
            best_k = len(members) - 1
        members[best_k].append(i)
        sums[best_k] = sums[best_k] + vectors[i]
        first[best_k], last[best_k] = min(first[best_k], days[i]), max(last[best_k], days[i])
        story[i] = best_k
    return [f"ref-{k}" for k in story]
