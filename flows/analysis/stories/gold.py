"""Gold events for story grouping, and how a grouping is scored against them.

The AllSides roundups (`allsides_roundups.parquet` in FRAMEWATCH_DATA_DIR): each roundup is one event told
by a left, a center and a right outlet; different roundups are different events (`extra.story_id`). The
file dates every article by its roundup; where the article's URL carries its own date (about 40% do) that
date is used instead, so same-event articles can lie days apart as they do in a real stream (`dated` marks
them: only pairs of such articles tell how far apart one event's reports are).

Scores are pairwise (every pair of articles: same gold event, same predicted story): precision, recall,
recall of the same-event pairs published within 21 days of each other, F1, and the adjusted Rand index.
`pair_intervals` gives precision, recall and F1 with intervals over the gold events (a bootstrap that
resamples events; the same resamples for every grouping compared, so their difference has its own, paired,
interval): at ~230 held-out events, 0.01 of F1 is well inside the noise.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import adjusted_rand_score

from classifier.intervals import LEVEL, RESAMPLES, Estimate, Measured, Units, measure
from flows.analysis.stories.features import StoryDoc

ROUNDUPS = "allsides_roundups.parquet"
_URL_DATE = re.compile(r"/(20\d\d)[/-](\d\d?)[/-](\d\d?)(?:/|-|$)")


def data_dir() -> Path:
    return Path(os.environ.get("FRAMEWATCH_DATA_DIR", "../shared/data"))


def _url_day(url: str | None, fallback: date) -> date | None:
    m = _URL_DATE.search(url or "")
    if not m:
        return None
    try:
        day = date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
    return day if abs((day - fallback).days) <= 30 else None


@dataclass
class GoldSet:
    docs: list[StoryDoc]
    events: np.ndarray  # gold event id per doc
    dated: np.ndarray  # bool: the doc's day is its own (from its URL), not its roundup's
    texts: list[tuple[str, str]]  # (title, text) to embed

    def subset(self, mask: np.ndarray) -> GoldSet:
        idx = np.flatnonzero(mask)
        return GoldSet(
            [self.docs[i] for i in idx], self.events[idx], self.dated[idx], [self.texts[i] for i in idx]
        )


def roundups(path: Path | None = None, first: date | None = None, last: date | None = None) -> GoldSet:
    """The roundups' articles (optionally those of roundups dated first..last), in day order."""
    df = pd.read_parquet(path or data_dir() / ROUNDUPS)
    df = df[df["text"].notna()]
    if first is not None:
        df = df[df["published"] >= first]
    if last is not None:
        df = df[df["published"] <= last]
    events, docs, dated, texts = [], [], [], []
    for r in df.itertuples():
        own = _url_day(r.url, r.published)
        day = own or r.published
        docs.append(StoryDoc.of(r.id, r.outlet, day, r.title or "", r.text))
        events.append(json.loads(r.extra)["story_id"])
        dated.append(own is not None)
        texts.append((r.title or "", r.text))
    order = sorted(range(len(docs)), key=lambda i: (docs[i].day, docs[i].article_id))
    return GoldSet(
        [docs[i] for i in order],
        np.asarray(events)[order],
        np.asarray(dated, bool)[order],
        [texts[i] for i in order],
    )


@dataclass
class PairScores:
    precision: float
    recall: float
    recall_21d: float
    f1: float
    ari: float
    n_articles: int
    n_events: int
    n_stories: int

    def line(self) -> str:
        return (
            f"P {self.precision:.3f} R {self.recall:.3f} R(<=21d) {self.recall_21d:.3f} F1 {self.f1:.3f} "
            f"ARI {self.ari:.3f} ({self.n_articles} articles, {self.n_events} events, "
            f"{self.n_stories} stories)"
        )


def pair_scores(gold: np.ndarray, pred: np.ndarray, days: np.ndarray, within: int = 21) -> PairScores:
    """Pairwise precision/recall/F1 of `pred` against `gold` (ids per article), recall of the gold pairs at
    most `within` days apart, and the adjusted Rand index."""
    gold, pred, days = np.asarray(gold), np.asarray(pred), np.asarray(days)
    iu = np.triu_indices(len(gold), 1)
    same_gold = (gold[:, None] == gold[None, :])[iu]
    same_pred = (pred[:, None] == pred[None, :])[iu]
    near = (np.abs(days[:, None] - days[None, :]) <= within)[iu]
    tp = int((same_gold & same_pred).sum())
    p = tp / max(int(same_pred.sum()), 1)
    r = tp / max(int(same_gold.sum()), 1)
    r21 = int((same_gold & same_pred & near).sum()) / max(int((same_gold & near).sum()), 1)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    ari = float(adjusted_rand_score(gold, pred)) if len(gold) > 1 else 1.0
    return PairScores(p, r, r21, f1, ari, len(gold), len(set(gold.tolist())), len(set(pred.tolist())))


@dataclass(frozen=True)
class PairIntervals:
    """Pairwise precision, recall and F1 of one grouping, each measured on every resample of the events."""

    precision: Measured
    recall: Measured
    f1: Measured

    def line(self, level: float = LEVEL) -> str:
        return "  ".join(
            f"{name} {_fmt(m.estimate(level))}"
            for name, m in (("P", self.precision), ("R", self.recall), ("F1", self.f1))
        )

    def minus(self, other: PairIntervals, level: float = LEVEL) -> str:
        """This grouping's figures minus `other`'s, with paired intervals (both on the same resamples)."""
        return "  ".join(
            f"{name} {_fmt(a.minus(b, level), sign=True)}"
            for name, a, b in (
                ("P", self.precision, other.precision),
                ("R", self.recall, other.recall),
                ("F1", self.f1, other.f1),
            )
        )


def _fmt(e: Estimate, sign: bool = False) -> str:
    return e.text(signed=sign, bound_digits=3) or "-"


def event_units(gold: np.ndarray, resamples: int = RESAMPLES, seed: int = 0) -> Units:
    """The gold events as bootstrap units (sorted ids): draw once, score every grouping on the same draws."""
    return Units.draw(sorted({str(e) for e in np.asarray(gold).tolist()}), resamples, seed)


def pair_intervals(gold: np.ndarray, pred: np.ndarray, units: Units) -> PairIntervals:
    """Pairwise precision, recall and F1 of `pred` against `gold` on the data as it is (the figures of
    `pair_scores`) and on each resample of the gold events in `units`.

    A resample weighs each event by how often it was drawn (w): an event's own pairs count w_e times (its
    same-event pairs, and those of them the grouping put together), and a pair of articles of two events
    put in one story (a false link) counts w_e * w_f times. With 0/1 weights that is `pair_scores` on the
    articles of the drawn events."""
    gold, pred = np.asarray(gold).astype(str), np.asarray(pred).astype(str)
    event_of = units.index(gold)
    if (event_of < 0).any():
        raise ValueError("every gold event must be one of the units (draw them with event_units)")
    _, story_of = np.unique(pred, return_inverse=True)
    counts = np.zeros((int(story_of.max()) + 1 if len(pred) else 0, len(units.ids)))
    np.add.at(counts, (story_of, event_of), 1.0)  # stories x events: articles of each event in each story
    together = (counts * (counts - 1) / 2).sum(0)  # per event: its pairs the grouping put together
    sizes = np.bincount(event_of, minlength=len(units.ids)).astype(float)
    pairs = sizes * (sizes - 1) / 2  # per event: its same-event pairs
    cross = counts.T @ counts  # events x events: articles of both put in one story (pairs of a false link)
    np.fill_diagonal(cross, 0.0)

    def tallies(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        tp = w @ together
        false = 0.5 * ((w @ cross) * w).sum(1)
        return tp, tp + false, w @ pairs

    def precision(w: np.ndarray) -> np.ndarray:
        tp, linked, _ = tallies(w)
        return np.divide(tp, linked, out=np.full_like(tp, np.nan), where=linked > 0)

    def recall(w: np.ndarray) -> np.ndarray:
        tp, _, same = tallies(w)
        return np.divide(tp, same, out=np.full_like(tp, np.nan), where=same > 0)

    def f1(w: np.ndarray) -> np.ndarray:
        tp, linked, same = tallies(w)
        return np.divide(2 * tp, linked + same, out=np.full_like(tp, np.nan), where=linked + same > 0)

    return PairIntervals(measure(precision, units), measure(recall, units), measure(f1, units))
