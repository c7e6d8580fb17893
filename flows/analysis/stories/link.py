"""The link between two articles: how likely they report the same event, from what they share.

    logit p(same event) = intercept + w_cos * cosine + w_terms * term_overlap
                          + w_names * name_overlap + w_num_shared * [a number in common]
                          + w_num_differ * [both give numbers, none in common]
                          + w_gap * log(1 + days apart)

cosine is the MiniLM embeddings' cosine of title and lead; the overlaps are idf-weighted Jaccard overlaps
of the lead's content words and names (flows/analysis/stories/features.py). The weights are a logistic
regression fitted on gold events (AllSides roundups: one event told by a left, a center and a right outlet;
different roundups are different events), the time weight on the pairs whose own publication days are known
(flows/analysis/stories/tuning.py); the fitted model is `link.json` beside this file, with the data it
was fitted on and its figures.

A story admits an article only when the article is linked to every member compared (complete linkage:
the weakest of its pair probabilities reaches `threshold`), so two events cannot chain into one story
through a single article that resembles both, and only while the story spans at most `event_days`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from flows.analysis.stories.features import KeyWeights, StoryDoc, overlap

MODEL_FILE = Path(__file__).with_name("link.json")
FEATURES = ("cosine", "term_overlap", "name_overlap", "number_shared", "number_differ", "log_gap")


@dataclass(frozen=True)
class LinkModel:
    """A fitted pair model and the linkage rule it is used with (see the module docstring)."""

    weights: dict[str, float]
    intercept: float
    threshold: float = 0.3  # the story link a story accepts (probability; see `linkage`)
    linkage: str = "complete"  # complete: the weakest member link; average: the mean, every link >= floor
    floor: float = 0.0  # average linkage: the weakest member link allowed
    event_days: int = 21
    max_members: int = 64  # a big story is compared through its most recent members
    prefilter_cosine: float = 0.25  # stories whose centroid is further never pass (speed only)
    version: str = "event-link-1"
    tuned: dict[str, Any] = field(default_factory=dict)  # what it was fitted on and its figures

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> LinkModel:
        data = json.loads(Path(path).read_text())
        return cls(**data)

    def save(self, path: Path = MODEL_FILE) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")

    def describe(self) -> str:
        """The method name stored with every story (a change regroups)."""
        w = ",".join(f"{self.weights[k]:.2f}" for k in FEATURES)
        rule = "complete" if self.linkage == "complete" else f"average floor>={self.floor:.2f}"
        return (
            f"{self.version} {rule} p>={self.threshold:.2f} event<={self.event_days}d "
            f"b={self.intercept:.2f} w={w}"
        )

    def coefficients(self) -> np.ndarray:
        return np.array([self.weights[k] for k in FEATURES], dtype=np.float64)


@dataclass
class PairParts:
    """The evidence of one link, as stored with it."""

    cosine: float
    term_overlap: float
    name_overlap: float
    number_match: int  # 1 a number in common, -1 both give numbers and none match, 0 otherwise
    gap_days: int


def features(doc: StoryDoc, others: list[StoryDoc], cosines: np.ndarray, weights: KeyWeights) -> np.ndarray:
    """(len(others), len(FEATURES)) features of `doc` against each of `others`."""
    unseen = weights.unseen()
    out = np.zeros((len(others), len(FEATURES)), np.float64)
    for r, other in enumerate(others):
        shared = bool(doc.numbers & other.numbers)
        out[r] = (
            cosines[r],
            overlap(doc.terms, other.terms, weights.terms, unseen),
            overlap(doc.names, other.names, weights.names, unseen),
            float(shared),
            float(bool(doc.numbers) and bool(other.numbers) and not shared),
            np.log1p(abs((doc.day - other.day).days)),
        )
    return out


def parts(row: np.ndarray) -> PairParts:
    return PairParts(
        round(float(row[0]), 4),
        round(float(row[1]), 4),
        round(float(row[2]), 4),
        1 if row[3] else (-1 if row[4] else 0),
        int(round(float(np.expm1(row[5])))),
    )


def story_link(model: LinkModel, p: np.ndarray) -> float | None:
    """The article's link to a story from its pair probabilities with the members compared; None when the
    story does not admit it."""
    weakest = float(p.min())
    if model.linkage == "complete":
        return weakest if weakest >= model.threshold else None
    mean = float(p.mean())
    return mean if mean >= model.threshold and weakest >= model.floor else None


def probabilities(model: LinkModel, feats: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(feats @ model.coefficients() + model.intercept)))
