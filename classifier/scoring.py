"""What every scorer takes and gives: documents in, :class:`Probabilities` (what evaluation reads) and
:class:`Prediction` rows (what the warehouse stores) out, and the :class:`Scorer` protocol the flows, the
evaluation and the retrain loop program against (the text-model and the transformer scorers both satisfy
it). A scorer computes its predictions from its own `probabilities`, so what is evaluated is what
production stores."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np

from classifier.thresholds import decide_frames


def compose_text(title: str | None, body: str | None) -> str:
    """The text every model sees: title, a newline, then the body."""
    return f"{title or ''}\n{body or ''}"


@dataclass(frozen=True)
class Doc:
    title: str
    text: str
    language: str | None = None  # ISO code (en, fr, ...) when known; calibration uses it


@dataclass(frozen=True)
class Prediction:
    frame_probs: dict[str, float]
    frames: list[str]
    primary_frame: str
    slant_probs: dict[str, float]
    slant: str
    tone_score: float
    tone: str
    evidence: dict[str, list[str]]

    def to_row(self) -> dict[str, Any]:
        """A flat dict for a database row: probabilities as dicts, evidence as a JSON string."""
        row = asdict(self)
        row["evidence"] = json.dumps(self.evidence, ensure_ascii=False)
        return row

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (evidence stays a mapping)."""
        return asdict(self)


@dataclass(frozen=True)
class Probabilities:
    """Per-document probabilities of one scorer: frames (n, len(frame_names)) and slant
    (n, len(slant_labels)), with the per-frame decision thresholds."""

    frame_names: list[str]
    slant_labels: list[str]
    frame_thresholds: np.ndarray
    frames: np.ndarray
    slant: np.ndarray

    def decided(self) -> np.ndarray:
        """The frame indicators of the decision rule (classifier.thresholds.decide_frames)."""
        return decide_frames(self.frames, self.frame_thresholds)

    def in_order(self, names: Sequence[str], labels: Sequence[str]) -> Probabilities:
        """The same probabilities with columns in `names` / `labels` order (a frame the model lacks: 0,
        never decided)."""
        f_idx = [self.frame_names.index(n) if n in self.frame_names else -1 for n in names]
        keep = np.array(f_idx) >= 0
        frames = np.zeros((len(self.frames), len(names)))
        frames[:, keep] = self.frames[:, [i for i in f_idx if i >= 0]]
        thresholds = np.array([self.frame_thresholds[i] if i >= 0 else 1.0 for i in f_idx])
        slant = self.slant[:, [self.slant_labels.index(c) for c in labels]]
        return Probabilities(list(names), list(labels), thresholds, frames, slant)

    @staticmethod
    def concat(parts: Sequence[Probabilities]) -> Probabilities:
        first = parts[0]
        return Probabilities(
            first.frame_names,
            first.slant_labels,
            first.frame_thresholds,
            np.concatenate([p.frames for p in parts]),
            np.concatenate([p.slant for p in parts]),
        )


def in_batches(
    compute: Callable[[Sequence[Doc]], Probabilities], docs: Sequence[Doc], batch_size: int
) -> Probabilities:
    """Run a scorer's vectorised probability computation over `docs` in slices, keeping order."""
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    if not docs:
        return compute([])
    return Probabilities.concat(
        [compute(docs[start : start + batch_size]) for start in range(0, len(docs), batch_size)]
    )


def score_in_batches(
    score_batch: Callable[[Sequence[Doc]], list[Prediction]], docs: Sequence[Doc], batch_size: int
) -> list[Prediction]:
    """Run a scorer's vectorised `score_batch` over `docs` in slices of `batch_size`, keeping order."""
    if batch_size < 1:
        raise ValueError("batch_size must be >= 1")
    out: list[Prediction] = []
    for start in range(0, len(docs), batch_size):
        out.extend(score_batch(docs[start : start + batch_size]))
    return out


class Scorer(Protocol):
    """A loaded model version that scores documents."""

    @property
    def version(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def card(self) -> dict[str, Any]: ...

    def score(self, docs: Sequence[Doc], batch_size: int = 64) -> list[Prediction]: ...

    def probabilities(self, docs: Sequence[Doc], batch_size: int = 64) -> Probabilities:
        """The probabilities `score` decides from (no evidence, no tone): what evaluation reads."""
        ...
