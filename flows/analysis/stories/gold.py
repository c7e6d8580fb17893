"""Gold events for story grouping, and how a grouping is scored against them.

The AllSides roundups (`allsides_roundups.parquet` in FRAMEWATCH_DATA_DIR): each roundup is one event told
by a left, a center and a right outlet; different roundups are different events (`extra.story_id`). The
file dates every article by its roundup; where the article's URL carries its own date (about 40% do) that
date is used instead, so same-event articles can lie days apart as they do in a real stream (`dated` marks
them: only pairs of such articles tell how far apart one event's reports are).

Scores are pairwise (every pair of articles: same gold event, same predicted story): precision, recall,
recall of the same-event pairs published within 21 days of each other, F1, and the adjusted Rand index.
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
