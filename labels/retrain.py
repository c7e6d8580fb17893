"""The retraining loop's logic: training files from gold labels (+ a sample of the base corpora), the
champion and the challenger scored on the frozen test set, the promotion rule, and re-scoring.

The decision metric is stated once, here: `score` = mean of frame macro-F1 (over the frames present in
the test set's gold labels) and slant macro-F1 (over the slant labels present there). A challenger is
promoted only when its score beats the champion's by at least `margin` (default +0.01) on at least
`min_test_articles` gold-labeled test articles; with no champion at all, the challenger is promoted."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pyarrow.parquet as pq
from sklearn.metrics import accuracy_score, f1_score

from labels.codebook import Codebook

log = logging.getLogger(__name__)

FRAMES_FILE = "semeval2023_frames_train.parquet"
SLANT_FILE = "allsides_slant.parquet"


class RetrainError(RuntimeError):
    """The loop cannot go on; the message says what to do (label more, point at the data, ...)."""


@dataclass(frozen=True)
class RetrainConfig:
    """How a challenger is trained and judged."""

    margin: float = field(default=0.01, metadata={"help": "Score gain over the champion needed to promote."})
    min_test_articles: int = field(
        default=10, metadata={"help": "Gold-labeled test articles needed to decide."}
    )
    min_train_gold: int = field(
        default=1, metadata={"help": "Gold-labeled training articles needed to train."}
    )
    base_frame_rows: int | None = field(
        default=None, metadata={"help": "Rows of the base frames corpus to add (None: all of its languages)."}
    )
    base_frame_languages: tuple[str, ...] = field(
        default=("en",), metadata={"help": "Languages of the base frames corpus to use (empty: all)."}
    )
    base_slant_rows: int | None = field(
        default=2000, metadata={"help": "Rows of the base slant corpus to add."}
    )
    seed: int = field(default=0, metadata={"help": "Seed for the base-corpus samples."})
    small_model: bool = field(
        default=False, metadata={"help": "Smaller vocabularies and 3-fold thresholds: quick loops and tests."}
    )

    def __post_init__(self) -> None:
        if self.margin < 0:
            raise ValueError("margin must be >= 0")
        if self.min_test_articles < 1 or self.min_train_gold < 0:
            raise ValueError("min_test_articles must be >= 1 and min_train_gold >= 0")


@dataclass(frozen=True)
class EvalScore:
    version: str
    n_articles: int
    frame_macro_f1: float
    slant_macro_f1: float
    primary_accuracy: float
    score: float


@dataclass(frozen=True)
class Decision:
    promote: bool
    reason: str
    champion: EvalScore | None
    challenger: EvalScore
    margin: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- training data ------------------------------------------------------------------------------------------


def write_gold_jsonl(rows: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """Gold labels as a labeled file in the shared schema (what classifier.data.load_labeled reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(
                json.dumps(
                    {
                        "id": f"gold-{r['article_id']}",
                        "title": r.get("title") or "",
                        "text": r["text"],
                        "outlet": r.get("outlet_id"),
                        "outlet_domain": r.get("outlet_id"),
                        "language": "en",
                        "labels": {
                            "frames": list(r["frames"]),
                            "primary_frame": r["primary_frame"],
                            "slant": r["slant"],
                            "tone": r["tone"],
                        },
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    return path


def sample_parquet(
    source: Path, target: Path, rows: int | None, seed: int, languages: Sequence[str] = ()
) -> Path:
    """A random subset of a base corpus, written outside the repository (the texts stay in the data dir's
    licence terms: used to train, never copied into the repo)."""
    if not source.exists():
        raise RetrainError(
            f"{source}: base corpus not found; set FRAMEWATCH_DATA_DIR to the shared data folder"
        )
    table = pq.read_table(source)
    if languages and "language" in table.column_names:
        keep = np.isin(np.asarray(table["language"].to_pylist(), dtype=object), list(languages))
        table = table.filter(keep)
    if rows is not None and table.num_rows > rows:
        idx = np.sort(np.random.default_rng(seed).choice(table.num_rows, size=rows, replace=False))
        table = table.take(idx)
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, target)
    return target


def training_files(
    gold_train: Sequence[Mapping[str, Any]],
    test_ids: set[str],
    data_dir: Path,
    work_dir: Path,
    config: RetrainConfig,
) -> tuple[list[Path], list[Path]]:
    """(frame files, slant files) for classifier.train.train_baseline: gold (train split) + base samples."""
    leaked = {r["article_id"] for r in gold_train} & test_ids
    if leaked:
        raise RetrainError(
            f"{len(leaked)} test-set articles reached the training data (e.g. {sorted(leaked)[0]})"
        )
    if len(gold_train) < config.min_train_gold:
        raise RetrainError(
            f"only {len(gold_train)} gold training labels (need {config.min_train_gold}): label and "
            "adjudicate more articles (`framewatch label serve`, `framewatch label adjudicate`)"
        )
    gold = write_gold_jsonl(gold_train, work_dir / "gold_train.jsonl")
    frames = sample_parquet(
        data_dir / FRAMES_FILE,
        work_dir / "base_frames.parquet",
        config.base_frame_rows,
        config.seed,
        config.base_frame_languages,
    )
    slant = sample_parquet(
        data_dir / SLANT_FILE, work_dir / "base_slant.parquet", config.base_slant_rows, config.seed
    )
    files = [frames, gold] if gold_train else [frames]
    return files, ([slant, gold] if gold_train else [slant])


# -- evaluation on the frozen test set ----------------------------------------------------------------------


def check_test_set(test_rows: Sequence[Mapping[str, Any]], config: RetrainConfig) -> None:
    """Refuse to go on when the frozen test set has too few gold labels to judge a challenger."""
    if len(test_rows) < config.min_test_articles:
        raise RetrainError(
            f"only {len(test_rows)} gold-labeled test articles (need {config.min_test_articles}): label "
            "the test set (`framewatch label serve` shows test articles first), then "
            "`framewatch label adjudicate`"
        )


class Predicted(Protocol):
    """What the evaluation reads of a model's prediction for one article."""

    frames: list[str]
    primary_frame: str
    slant: str


def evaluate(
    version: str, preds: Sequence[Predicted], test_rows: Sequence[Mapping[str, Any]], codebook: Codebook
) -> EvalScore:
    """Score the predictions `preds` of model `version` (one per test row, in order) against the gold
    labels of the test set."""
    if not test_rows:
        raise RetrainError("no gold-labeled test articles")
    if len(preds) != len(test_rows):
        raise ValueError(f"{len(preds)} predictions for {len(test_rows)} test articles")
    frames = [f for f in codebook.frame_names if any(f in r["frames"] for r in test_rows)]
    y_true = np.array([[f in r["frames"] for f in frames] for r in test_rows], dtype=int)
    y_pred = np.array([[f in p.frames for f in frames] for p in preds], dtype=int)
    slants = [s for s in codebook.slant_labels if any(r["slant"] == s for r in test_rows)]
    frame_f1 = float(f1_score(y_true, y_pred, average="macro", zero_division=0))
    slant_f1 = float(
        f1_score(
            [r["slant"] for r in test_rows],
            [p.slant for p in preds],
            labels=slants,
            average="macro",
            zero_division=0,
        )
    )
    primary = float(accuracy_score([r["primary_frame"] for r in test_rows], [p.primary_frame for p in preds]))
    return EvalScore(
        version,
        len(test_rows),
        round(frame_f1, 4),
        round(slant_f1, 4),
        round(primary, 4),
        round((frame_f1 + slant_f1) / 2, 4),
    )


def decide(champion: EvalScore | None, challenger: EvalScore, config: RetrainConfig) -> Decision:
    """Promote only if the challenger beats the champion by at least the margin on enough test articles."""
    if challenger.n_articles < config.min_test_articles:
        return Decision(
            False,
            f"only {challenger.n_articles} gold-labeled test articles (need "
            f"{config.min_test_articles}): label the test set, then adjudicate",
            champion,
            challenger,
            config.margin,
        )
    if champion is None:
        return Decision(
            True,
            "no champion: the challenger becomes the first promoted model",
            None,
            challenger,
            config.margin,
        )
    if champion.version == challenger.version:
        return Decision(
            False, "the challenger is the champion (same training data)", champion, challenger, config.margin
        )
    delta = challenger.score - champion.score
    if delta >= config.margin - 1e-9:
        return Decision(
            True,
            f"challenger {challenger.score:.4f} vs champion {champion.score:.4f}: "
            f"+{delta:.4f} >= margin {config.margin}",
            champion,
            challenger,
            config.margin,
        )
    return Decision(
        False,
        f"challenger {challenger.score:.4f} vs champion {champion.score:.4f}: "
        f"{delta:+.4f} < margin {config.margin}",
        champion,
        challenger,
        config.margin,
    )
