"""What every scorer takes and gives: documents in, :class:`Prediction` rows out, and the
:class:`Scorer` protocol the flows, the evaluation and the retrain loop program against (the baseline
and the transformer scorers both satisfy it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol


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
