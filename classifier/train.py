"""Train the product model (classifier.composite): cross-validate its recipe beside the plain reference with
the evaluation protocol (classifier.protocol), fit it on all labeled rows, save it with its card.

The card records the protocol's figures for both (articles, outlets, events, frame shares, the dev-outlet
check), the data's hashes and the libraries, so a version carries the evidence it was promoted on."""

from __future__ import annotations

import hashlib
import logging
import platform
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

import pandas as pd
from sklearn.base import clone

from classifier import tone
from classifier.composite import CompositeModel, save_composite
from classifier.data import DataError, dataset_hash, frame_rows, load_labeled, slant_rows, texts_of
from classifier.folds import slant_groups
from classifier.progress import progress_bar
from classifier.protocol import Candidate, cross_validate, decision
from classifier.ratings import outlet_ratings
from classifier.recipes import MODEL, masked_names, product, reference
from classifier.reference import NAME as REFERENCE
from classifier.registry import seal
from labels.codebook import load_codebook

logger = logging.getLogger(__name__)

LIBRARIES = ("scikit-learn", "numpy", "scipy", "pandas", "safetensors", "vaderSentiment")


TRIED_FILE = Path(__file__).with_name("what_was_tried.md")


def what_was_tried() -> list[str]:
    """The model card's "What was tried" (classifier/what_was_tried.md: the research behind the recipe)."""
    return TRIED_FILE.read_text(encoding="utf-8").splitlines() if TRIED_FILE.exists() else []


def make_version(data_hash: str, day: datetime | None = None) -> str:
    """``model-YYYYMMDD-<first 8 hex of the training-data hash>``."""
    return f"model-{(day or datetime.now(UTC)):%Y%m%d}-{data_hash[:8]}"


def _load_files(paths: Sequence[Path]) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """Load and validate each file once; also return per-file provenance (name, path, rows, hash)."""
    parts, entries = [], []
    for path in paths:
        df = load_labeled(path)
        parts.append(df)
        entries.append(
            {"name": path.name, "path": str(path), "rows": int(len(df)), "dataset_hash": dataset_hash(df)}
        )
    combined = pd.concat(parts, ignore_index=True)
    if combined["id"].duplicated().any():
        raise DataError(
            f"duplicate row ids across {', '.join(map(str, paths))}; each labeled row needs a unique id"
        )
    return combined, entries


def _libraries() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in LIBRARIES:
        try:
            out[name] = dist_version(name)
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            out[name] = "not installed"
    return out


def train_model(
    frame_files: Sequence[str | Path],
    slant_files: Sequence[str | Path],
    out_dir: str | Path,
    cv_folds: int = 5,
    max_slant_rows: int | None = None,
    progress: bool = True,
    *,
    max_frame_rows: int | None = None,
    template: Candidate | None = None,
    ratings_file: Path | None = None,
    random_state: int = 0,
) -> str:
    """Cross-validate (unless ``cv_folds`` < 2), fit on all rows, save to ``out_dir/<version>/``; returns
    the version. ``template`` overrides the recipe (smaller models for quick loops and tests)."""
    frames_all, frame_entries = _load_files([Path(p) for p in frame_files])
    slant_all, slant_entries = _load_files([Path(p) for p in slant_files])
    frames_df, slant_df = frame_rows(frames_all), slant_rows(slant_all)
    if max_frame_rows is not None and len(frames_df) > max_frame_rows:
        frames_df = frames_df.sample(max_frame_rows, random_state=random_state).reset_index(drop=True)
    if max_slant_rows is not None and len(slant_df) > max_slant_rows:
        slant_df = slant_df.sample(max_slant_rows, random_state=random_state).reset_index(drop=True)
    if frames_df.empty or slant_df.empty:
        raise DataError(
            "training needs rows with frame labels and rows with slant labels; found none of one kind"
        )
    book = load_codebook()
    names, labels = book.frame_names, list(book.slant_labels)
    recipe = template or product(names, labels, masked_names(slant_all, ratings_file))
    recipe = Candidate(MODEL, recipe.frames, recipe.slant)
    logger.info("training on %d frame rows and %d slant rows", len(frames_df), len(slant_df))
    figures: dict[str, Any] = {}
    with progress_bar(progress) as bar:
        if cv_folds >= 2:
            task = bar.add_task("cross-validation (model and reference)", total=4)

            def step(what: str) -> None:
                bar.update(task, advance=1, description=what)

            figures, _ = cross_validate(
                frames_df,
                slant_df,
                [recipe, reference(names, labels)],
                names,
                labels,
                cv_folds,
                random_state,
                ratings=outlet_ratings(slant_df, ratings_file),
                step=step,
            )
        fit_task = bar.add_task("final fit on all data", total=2)
        frames_model = clone(recipe.frames).fit(
            texts_of(frames_df), frames_df["frames"].tolist(), frames_df["language"].tolist()
        )
        bar.advance(fit_task)
        slant_model = clone(recipe.slant).fit(
            texts_of(slant_df), slant_df["slant"].tolist(), slant_groups(slant_df)
        )
        bar.advance(fit_task)
    data_hash = hashlib.sha256((dataset_hash(frames_df) + dataset_hash(slant_df)).encode()).hexdigest()
    version = make_version(data_hash)
    model = CompositeModel(frames_model, slant_model)
    card = {
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "codebook_version": book.version,
        "data": {
            "dataset_hash": data_hash,
            "frames": {
                "files": frame_entries,
                "rows": int(len(frames_df)),
                "dataset_hash": dataset_hash(frames_df),
            },
            "slant": {
                "files": slant_entries,
                "rows": int(len(slant_df)),
                "dataset_hash": dataset_hash(slant_df),
                "outlets": int(slant_df["outlet_domain"].nunique()),
            },
        },
        "libraries": _libraries(),
        "labels": {"frames": names, "slant": labels, "tone": list(book.tone_labels)},
        "thresholds": frames_model.thresholds_by_frame_,
        "languages": frames_model.languages_,
        "params": {
            "frames": frames_model.get_params(),
            "slant": {k: v for k, v in slant_model.get_params().items() if k != "outlet_names"},
        },
        "masked_outlet_names": len(slant_model.outlet_names_),
        "evaluation": {
            k: figures[k] for k in ("protocol", "frames", "slant", "dev_check", "summary") if k in figures
        },
        "decision": decision(figures, MODEL, REFERENCE) if figures else {},
        "tone": {
            "method": tone.METHOD,
            "negative_below": tone.NEGATIVE_BELOW,
            "positive_above": tone.POSITIVE_ABOVE,
            "note": "lexicon-based until labeled tone data exists",
        },
        "primary_frame": "argmax of the calibrated frame probabilities (no primary-frame labels in the data)",
        "what_was_tried": what_was_tried(),
    }
    save_composite(model, card, out_dir)
    seal(version, out_dir)  # the card carries the sha256 of every weight file, checked on load
    return version
