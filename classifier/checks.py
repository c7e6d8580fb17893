"""The protocol's checks and the rows each one tests on:

- `cv`: cross-validation with folds grouped by outlet (slant) and stratified by language (frames);
- `dev`: the AllSides media split's dev outlets, a fixed second check (classifier.folds);
- `big_outlets`: the largest outlets of the slant data (every domain with >= `big_outlet_min_articles`
  articles; on the shared data 11 domains, ~20.9k of 26.9k articles) held out together: recipes train on
  the other outlets and are scored on them; this is what monitors watch (wires, broadcasters, national
  papers, partisan sites);
- `big_groups`: the same big outlets held out a group at a time (`big_outlet_groups` groups, each mixing
  left, center and right outlets) while the recipes train on every other row, the other big outlets
  included: what a model trained on all the shared data meets on a big outlet it has not seen;
- `same_story`: AllSides roundups (one event told by a left, a center and a right outlet; side = the
  outlet's rating), test-only: scored by each recipe's fit on all slant rows (unless the recipe trains on
  stories: then cross-validated grouped by story);
- `test_set`: the retraining loop's frozen test set (labels.retrain), added by the retrain gate.

Settings are one typed place (:class:`ProtocolSettings`); the number of folds is one of them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from classifier.data import DataError, load_labeled, slant_rows
from classifier.folds import slant_groups

CV, DEV, BIG, STORIES, TEST_SET = "cv", "dev", "big_outlets", "same_story", "test_set"
BIG_GROUPS = "big_groups"
CHECKS = (CV, DEV, BIG, BIG_GROUPS, STORIES, TEST_SET)
ROUNDUPS_FILE = "allsides_roundups.parquet"


@dataclass(frozen=True)
class ProtocolSettings:
    """How the protocol runs. `folds`: cross-validation folds (>= 2); `big_outlet_min_articles`: the size
    from which an outlet counts as big; `resamples` and `level`: the bootstrap behind every interval;
    `seed`: folds and resamples."""

    folds: int = 5
    seed: int = 0
    big_outlet_min_articles: int = 1000
    big_outlet_groups: int = 3
    resamples: int = 1000
    level: float = 0.90

    def __post_init__(self) -> None:
        if self.folds < 2:
            raise ValueError(f"the protocol needs at least 2 folds (got {self.folds})")
        if self.big_outlet_min_articles < 1 or self.resamples < 10 or not 0 < self.level < 1:
            raise ValueError("big_outlet_min_articles >= 1, resamples >= 10 and 0 < level < 1 are required")
        if self.big_outlet_groups < 2:
            raise ValueError(f"big_outlet_groups must be at least 2 (got {self.big_outlet_groups})")


def big_outlets(slant_df: pd.DataFrame, min_articles: int) -> list[str]:
    """The outlet domains with at least `min_articles` slant rows, largest first."""
    counts = pd.Series(slant_groups(slant_df)).value_counts()
    return [str(o) for o, n in counts.items() if n >= min_articles]


def big_outlet_split(slant_df: pd.DataFrame, min_articles: int) -> tuple[np.ndarray, np.ndarray] | None:
    """(train rows, test rows): test = every row of a big outlet, train = all other rows. None when no
    outlet is that big or nothing would be left to train on."""
    big = big_outlets(slant_df, min_articles)
    if not big:
        return None
    held = np.isin(slant_groups(slant_df), big)
    train, test = np.flatnonzero(~held), np.flatnonzero(held)
    if len(train) == 0 or slant_df["slant"].iloc[train].nunique() < 2:
        return None
    return train, test


def big_outlet_groups(
    slant_df: pd.DataFrame, min_articles: int, groups: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train rows, test rows) per group of big outlets: test = the rows of one group's outlets, train =
    every other row (small outlets and the other groups' big outlets). Outlets are dealt to the groups
    label by label (each outlet's most common label), largest first, so each group mixes sides. Empty when
    there are fewer big outlets than groups."""
    big = big_outlets(slant_df, min_articles)
    if len(big) < groups:
        return []
    domains = slant_groups(slant_df)
    label_of = {o: str(slant_df["slant"][domains == o].mode().iloc[0]) for o in big}
    order = sorted(big, key=lambda o: (label_of[o], -int((domains == o).sum()), o))
    members: list[list[str]] = [[] for _ in range(groups)]
    for i, outlet in enumerate(order):
        members[i % groups].append(outlet)
    out = []
    for outlets in members:
        held = np.isin(domains, outlets)
        train, test = np.flatnonzero(~held), np.flatnonzero(held)
        if slant_df["slant"].iloc[train].nunique() >= 2:
            out.append((train, test))
    return out if len(out) == groups else []


def story_id(extra: object) -> str | None:
    """The AllSides story id in a roundup row's `extra` JSON."""
    if not isinstance(extra, str) or not extra:
        return None
    value = json.loads(extra).get("story_id")
    return None if value is None else str(value)


def load_roundups(path: Path) -> pd.DataFrame:
    """The same-story roundups (shared schema; story id from `extra`), slant-labeled rows only, with a
    `story_id` column. DataError when the file is unreadable or names no stories."""
    df = slant_rows(load_labeled(path, extra_columns=["extra"]))
    df["story_id"] = [story_id(x) for x in df["extra"]]
    df = df[df["story_id"].notna()].drop(columns=["extra"]).reset_index(drop=True)
    if df.empty:
        raise DataError(f"{path}: no rows with a story id in `extra`; expected the AllSides roundups file")
    return df


def story_folds(stories: pd.DataFrame, folds: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Folds of the roundups grouped by story (a story's articles are all in training or all in test)."""
    ids = stories["story_id"].to_numpy(dtype=str)
    unique = np.unique(ids)
    order = np.random.default_rng(seed).permutation(len(unique))
    fold_of_story = {s: i % folds for s, i in zip(unique[order], range(len(unique)), strict=True)}
    fold = np.array([fold_of_story[s] for s in ids])
    return [(np.flatnonzero(fold != k), np.flatnonzero(fold == k)) for k in range(folds)]
