"""The retraining loop's logic (the labeling workflow, above the classifier): training files from gold
labels (+ a sample of the base corpora), the champion and the challenger scored on the frozen test set,
and the test set's row of the protocol table.

The test-set metric is stated once, here: `score` = mean of frame macro-F1 (over the frames present in the
test set's gold labels) and slant macro-F1 (over the slant labels present there); a paired bootstrap over
the test articles gives the interval of the challenger's gain. Whether the challenger is promoted is the
promotion rule's to say (classifier.versions.promotion, the same rule `framewatch train` and `models
promote` use): on the protocol's table (the challenger's recipe with the gold labels in every training
part, the plain reference and the champion on the base corpora) plus this test-set row, where the
challenger must beat the champion by `margin` with the interval of the gain above zero (with ten articles
a +0.01 is noise and is refused)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
from sklearn.metrics import accuracy_score, f1_score

from classifier.intervals import Estimate
from classifier.scoring import Prediction
from classifier.table import PROMOTED, Row
from classifier.versions.promotion import TEST_SET, TEST_SET_FIGURE
from labels.codebook import Codebook

log = logging.getLogger(__name__)

FRAMES_FILE = "semeval2023_frames_train.parquet"
SLANT_FILE = "allsides_slant.parquet"
GOLD_FILE = "gold_train.jsonl"


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
        default=False,
        metadata={"help": "Fewer inner folds and looser vocabulary filters: quick loops, tests."},
    )
    alpha: float = field(
        default=0.05,
        metadata={"help": "The gain's interval is the central 1 - 2 x alpha of the paired bootstrap."},
    )
    bootstrap: int = field(default=2000, metadata={"help": "Paired bootstrap resamples of the test set."})
    protocol_folds: int = field(default=3, metadata={"help": "Folds of the protocol's cross-validation."})
    same_story: bool = field(
        default=True,
        metadata={"help": "Include the same-story roundups check when the data folder has the roundups."},
    )
    big_outlet_share: float = field(
        default=1000 / 26942,
        metadata={
            "help": "Outlets with at least this share of the base slant rows form the big-outlet check "
            "(on the full shared corpus: the 11 outlets with >= 1,000 articles)."
        },
    )

    def __post_init__(self) -> None:
        if self.margin < 0:
            raise ValueError("margin must be >= 0")
        if not 0 < self.alpha < 1 or self.bootstrap < 100:
            raise ValueError("alpha must be in (0, 1) and bootstrap >= 100")
        if self.min_test_articles < 1 or self.min_train_gold < 0:
            raise ValueError("min_test_articles must be >= 1 and min_train_gold >= 0")
        if self.protocol_folds < 2 or not 0 < self.big_outlet_share < 1:
            raise ValueError("protocol_folds must be >= 2 and big_outlet_share in (0, 1)")


@dataclass(frozen=True)
class EvalScore:
    version: str
    n_articles: int
    frame_macro_f1: float
    slant_macro_f1: float
    primary_accuracy: float
    score: float


@dataclass(frozen=True)
class PairedTest:
    """Challenger minus champion on resamples of the same test articles."""

    delta: float  # on the test set as it is
    lo: float  # the alpha and 1 - alpha quantiles of the resampled differences (default: a 90% interval)
    hi: float
    p_value: float  # share of resamples in which the challenger does not win
    resamples: int


@dataclass(frozen=True)
class Decision:
    """What the retraining turn decided and on what: the test-set scores, the paired test, the protocol
    table (with the test-set row) and the promotion rule's verdict on it."""

    promote: bool
    reason: str
    champion: EvalScore | None
    challenger: EvalScore
    margin: float
    paired: PairedTest | None = None
    table: dict[str, Any] | None = None
    verdict: dict[str, Any] | None = None

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
    """(frame files, slant files) for classifier.train.train_model: gold (train split) + base samples.
    Check `missing_requirements` first (the frozen test set never reaches training)."""
    gold = write_gold_jsonl(gold_train, work_dir / GOLD_FILE)
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


def missing_requirements(
    gold_train: Sequence[Mapping[str, Any]],
    gold_test: Sequence[Mapping[str, Any]],
    test_ids: set[str],
    data_dir: Path,
    config: RetrainConfig,
) -> list[str]:
    """Everything a retraining turn lacks, each a line saying what to do (empty: it can run). Checked all
    at once before anything starts, so a user fixes the lot in one go."""
    missing = []
    if len(gold_test) < config.min_test_articles:
        missing.append(
            f"only {len(gold_test)} gold-labeled test articles (need {config.min_test_articles}): label the "
            "frozen test set (its own queue on the labeling page: `framewatch label serve`, then open "
            "http://127.0.0.1:8766/test), then "
            "`framewatch label adjudicate`"
        )
    if len(gold_train) < config.min_train_gold:
        missing.append(
            f"only {len(gold_train)} gold training labels (need {config.min_train_gold}): label and "
            "adjudicate articles outside the test set (`framewatch label sample`, `label serve`, "
            "`label adjudicate`)"
        )
    leaked = {r["article_id"] for r in gold_train} & test_ids
    if leaked:
        missing.append(
            f"{len(leaked)} test-set articles reached the training data (e.g. {sorted(leaked)[0]}): "
            "the frozen test set must stay out of training; report this as a bug"
        )
    for name in (FRAMES_FILE, SLANT_FILE):
        if not (Path(data_dir) / name).is_file():
            missing.append(
                f"no base corpus {name} in {data_dir}: point FRAMEWATCH_DATA_DIR at the shared data folder"
            )
    return missing


def raise_if_missing(missing: Sequence[str]) -> None:
    """Raise RetrainError listing every missing requirement `missing_requirements` found, if any."""
    if missing:
        raise RetrainError(
            f"retraining needs {len(missing)} more thing{'s' if len(missing) > 1 else ''}: "
            + "; ".join(missing)
        )


def _score(
    test_rows: Sequence[Mapping[str, Any]], preds: Sequence[Prediction], codebook: Codebook
) -> tuple[float, float, float]:
    """(frame macro-F1, slant macro-F1, primary-frame accuracy) of `preds` against the test rows."""
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
    return frame_f1, slant_f1, primary


def evaluate(
    version: str, preds: Sequence[Prediction], test_rows: Sequence[Mapping[str, Any]], codebook: Codebook
) -> EvalScore:
    """Score the predictions `preds` of model `version` (one per test row, in order) against the gold
    labels of the test set."""
    if not test_rows:
        raise RetrainError("no gold-labeled test articles")
    if len(preds) != len(test_rows):
        raise ValueError(f"{len(preds)} predictions for {len(test_rows)} test articles")
    frame_f1, slant_f1, primary = _score(test_rows, preds, codebook)
    return EvalScore(
        version,
        len(test_rows),
        round(frame_f1, 4),
        round(slant_f1, 4),
        round(primary, 4),
        round((frame_f1 + slant_f1) / 2, 4),
    )


def _macro_f1(weights: np.ndarray, truth: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Macro-F1 over the columns present in the truth, for each row of article weights (how often each
    article was drawn): `_score`'s figure, with every resample at once. truth, pred: (articles, columns)."""
    t, p = truth.astype(float), pred.astype(float)
    tp, fp, fn = weights @ (t * p), weights @ ((1 - t) * p), weights @ (t * (1 - p))
    denom = 2 * tp + fp + fn  # F1 = 2PR / (P + R) = 2tp / (2tp + fp + fn); 0 where nothing was drawn
    f1 = np.divide(2 * tp, denom, out=np.zeros_like(tp), where=denom > 0)
    present = (weights @ t) > 0
    n = present.sum(1)
    return np.divide((f1 * present).sum(1), n, out=np.zeros(len(weights)), where=n > 0)


def _combined(
    weights: np.ndarray,
    test_rows: Sequence[Mapping[str, Any]],
    preds: Sequence[Prediction],
    codebook: Codebook,
) -> np.ndarray:
    """The test-set score ((frame macro-F1 + slant macro-F1) / 2) for each row of article weights."""
    frames, slants = codebook.frame_names, codebook.slant_labels
    frame_f1 = _macro_f1(
        weights,
        np.array([[f in r["frames"] for f in frames] for r in test_rows]),
        np.array([[f in p.frames for f in frames] for p in preds]),
    )
    slant_f1 = _macro_f1(
        weights,
        np.array([[r["slant"] == s for s in slants] for r in test_rows]),
        np.array([[p.slant == s for s in slants] for p in preds]),
    )
    return (frame_f1 + slant_f1) / 2


def paired_bootstrap(
    test_rows: Sequence[Mapping[str, Any]],
    champion: Sequence[Prediction],
    challenger: Sequence[Prediction],
    codebook: Codebook,
    resamples: int = 2000,
    seed: int = 0,
    alpha: float = 0.05,
) -> PairedTest:
    """Resample the test articles (the same articles for both models) and recompute both scores: how
    often does the challenger fail to beat the champion? Each resample is a row of article counts, so all
    resamples are scored at once (the same figures as `_score` on each resample's rows)."""
    rng = np.random.default_rng(seed)
    n = len(test_rows)
    drawn = rng.integers(0, n, (resamples, n))
    weights = np.vstack([np.ones(n), np.apply_along_axis(np.bincount, 1, drawn, minlength=n)])
    diffs = _combined(weights, test_rows, challenger, codebook) - _combined(
        weights, test_rows, champion, codebook
    )
    delta, diffs = diffs[0], diffs[1:]
    return PairedTest(
        round(float(delta), 4),
        round(float(np.quantile(diffs, alpha)), 4),
        round(float(np.quantile(diffs, 1 - alpha)), 4),
        round(float(np.mean(diffs <= 0)), 4),
        resamples,
    )


def not_comparable(champion: EvalScore | None, challenger: EvalScore, config: RetrainConfig) -> str | None:
    """Why the turn cannot be judged at all (None: it can): too few test articles, or a challenger that is
    the champion (the same training data gives the same version)."""
    if challenger.n_articles < config.min_test_articles:
        return (
            f"only {challenger.n_articles} gold-labeled test articles (need {config.min_test_articles}): "
            "label the test set, then adjudicate"
        )
    if champion is not None and champion.version == challenger.version:
        return "the challenger is the champion (same training data)"
    return None


def test_set_row(
    champion: EvalScore, challenger: EvalScore, candidate: str, promoted: str, paired: PairedTest
) -> Row:
    """The frozen test set as a row of the protocol table: both scores, and the challenger's gain over the
    champion with its paired bootstrap interval (`candidate` / `promoted`: the table's columns)."""
    return Row(
        TEST_SET,
        TEST_SET_FIGURE,
        "articles",
        higher_is_better=True,
        n_units=challenger.n_articles,
        values={candidate: Estimate(challenger.score), promoted: Estimate(champion.score)},
        vs={PROMOTED: Estimate(paired.delta, paired.lo, paired.hi)},
        seen={candidate: False, promoted: False},
    )
