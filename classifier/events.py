"""Same-event groups rebuilt in labeled data: AllSides rated each story by showing left, center and right
coverage of one event, but the shared file keeps no story id, so events are found again: articles
published within `window_days` of each other whose title and lead are very similar (TF-IDF cosine >=
`threshold`), from different outlets, are linked; links are merged strongest first into groups of at
most `max_size` articles (a chain of loosely related articles never becomes one event). Only label-free
text is used, so building groups over all rows leaks no label into cross-validation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer

LEAD_WORDS = 120


@dataclass(frozen=True)
class EventParams:
    window_days: int = 2
    threshold: float = 0.35
    max_size: int = 12


def _leads(df: pd.DataFrame) -> list[str]:
    return [
        f"{t or ''} {' '.join(str(x or '').split()[:LEAD_WORDS])}"
        for t, x in zip(df["title"], df["text"], strict=True)
    ]


def event_groups(df: pd.DataFrame, outlets: Sequence[str], params: EventParams = EventParams()) -> np.ndarray:
    """An event id per row (object array; None for rows in no group of two or more outlets)."""
    n = len(df)
    out = np.full(n, None, dtype=object)
    days = pd.to_datetime(df["published"], errors="coerce")
    dated = np.flatnonzero(days.notna().to_numpy())
    if len(dated) < 2:
        return out
    X = TfidfVectorizer(stop_words="english", min_df=2, sublinear_tf=True, dtype=np.float32).fit_transform(
        _leads(df.iloc[dated])
    )
    day = (days.iloc[dated] - days.iloc[dated].min()).dt.days.to_numpy()
    outlet = np.asarray(outlets, dtype=object)[dated]
    order = np.argsort(day, kind="stable")
    edges: list[tuple[float, int, int]] = []
    start = 0
    for pos, i in enumerate(order):  # compare each article with the later ones inside the window
        while day[order[start]] < day[i] - params.window_days:
            start += 1
        stop = pos + 1
        while stop < len(order) and day[order[stop]] <= day[i] + params.window_days:
            stop += 1
        later = order[pos + 1 : stop]
        if not len(later):
            continue
        sims = (X[later] @ X[i].T).toarray().ravel()
        for j, s in zip(later, sims, strict=True):
            if s >= params.threshold and outlet[j] != outlet[i]:
                edges.append((float(s), int(i), int(j)))
    parent = list(range(len(dated)))
    size = [1] * len(dated)

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for _s, i, j in sorted(edges, reverse=True):
        a, b = find(i), find(j)
        if a != b and size[a] + size[b] <= params.max_size:
            parent[b] = a
            size[a] += size[b]
    roots = np.array([find(k) for k in range(len(dated))])
    counts = pd.Series(roots).value_counts()
    for k, r in enumerate(roots):
        if counts[r] >= 2:
            out[dated[k]] = f"ev{r}"
    return out
