"""Train a recipe (classifier.recipes) into a saved model (classifier.composite): run the evaluation protocol
(classifier.protocol: every check, the recipe beside the plain reference and the promoted model, in one
run), keep the recipe's fit on all labeled rows, save it with its card.

The card records the protocol's table with intervals (classifier.table), the detailed figures, the data's
hashes and the datasets it trained on, and the libraries, so a version carries the evidence the promotion
rule (classifier.versions.promotion) reads."""

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

from classifier import figures, protocol, tone
from classifier import table as tables
from classifier.checks import ProtocolSettings, load_roundups
from classifier.composite import CompositeModel, save_composite
from classifier.data import DataError, dataset_hash, frame_rows, load_labeled, slant_rows
from classifier.in_sample import save_training_keys
from classifier.measures import build_table
from classifier.progress import progress_bar
from classifier.ratings import outlet_ratings
from classifier.recipes import MODEL, Recipe, build, context
from classifier.reference import NAME as REFERENCE
from classifier.registry import seal
from classifier.scoring import Scorer
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


def datasets_of(df: pd.DataFrame) -> list[str]:
    return sorted(str(d) for d in df["dataset"].dropna().unique()) if "dataset" in df else []


def evaluate_recipe(
    frames_df: pd.DataFrame,
    slant_df: pd.DataFrame,
    recipe: Recipe,
    reference_recipe: Recipe,
    names: list[str],
    labels: list[str],
    settings: ProtocolSettings,
    roundups: pd.DataFrame | None = None,
    promoted: Scorer | None = None,
    ratings: dict[str, float] | None = None,
    progress: bool = True,
    fit_all: bool = True,
) -> tuple[protocol.Run, tables.Table, dict[str, Any]]:
    """The protocol for `recipe` beside the reference and (when given) the promoted model: the run, its
    table and the detailed figures. With `fit_all`, the recipe's frames are also fitted on all rows (the
    run's `fitted[recipe.name]` is then the model to save)."""
    plan = protocol.plan(frames_df, slant_df, roundups, settings)
    versions = {promoted.version: promoted} if promoted is not None else {}
    steps = 2 * 3 + (1 if versions else 0)
    with progress_bar(progress) as bar:
        task = bar.add_task("protocol", total=steps)

        def step(what: str) -> None:
            bar.update(task, advance=1, description=what)

        run = protocol.run(
            plan,
            [recipe, reference_recipe],
            names,
            labels,
            versions,
            step,
            fit_all_frames=[recipe.name] if fit_all else [],
        )
    roles = {tables.CANDIDATE: recipe.name, tables.REFERENCE_ROLE: reference_recipe.name}
    if promoted is not None:
        roles[tables.PROMOTED] = promoted.version
    table = build_table(run, roles, names, labels)
    return run, table, figures.details(run, names, labels, ratings)


def train_model(
    frame_files: Sequence[str | Path],
    slant_files: Sequence[str | Path],
    out_dir: str | Path,
    cv_folds: int = 5,
    max_slant_rows: int | None = None,
    progress: bool = True,
    *,
    max_frame_rows: int | None = None,
    template: Recipe | None = None,
    recipe: str = MODEL,
    ratings_file: Path | None = None,
    roundups_file: Path | None = None,
    promoted: Scorer | None = None,
    settings: ProtocolSettings | None = None,
    random_state: int = 0,
) -> str:
    """Run the protocol (unless ``cv_folds`` < 2), fit on all rows, save to ``out_dir/<version>/``; returns
    the version. ``recipe`` names the recipe (classifier.recipes.RECIPES); ``template`` overrides it (smaller
    models for quick loops and tests). ``promoted`` (the promoted model's scorer) is measured in the same
    run; ``roundups_file`` adds the same-story check."""
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
    ctx = context(names, labels, slant_all, ratings_file)
    chosen = template or build(recipe, ctx)
    chosen = Recipe(
        MODEL if template is not None else chosen.name,
        chosen.frames,
        chosen.slant,
        trains_on_stories=chosen.trains_on_stories,
    )
    if chosen.frames is None or chosen.slant is None:
        raise ValueError(
            f"recipe {chosen.name!r} lacks a frames or a slant estimator; a saved model needs both"
        )
    logger.info("training %s on %d frame rows and %d slant rows", chosen.name, len(frames_df), len(slant_df))
    evaluation: dict[str, Any] = {}
    card_table: dict[str, Any] | None = None
    roundups = (
        load_roundups(roundups_file) if roundups_file is not None and Path(roundups_file).exists() else None
    )
    on_stories = chosen.trains_on_stories and roundups is not None
    # the slant rows the recipe's fit on all rows sees: a recipe that trains on the roundups gets them in
    # the protocol's fit and in the fit without it alike, and the training keys name them
    slant_trained = pd.concat([slant_df, roundups], ignore_index=True) if on_stories else slant_df
    if cv_folds >= 2:
        settings = settings or ProtocolSettings(folds=cv_folds, seed=random_state)
        run, table, detail = evaluate_recipe(
            frames_df,
            slant_df,
            chosen,
            build(REFERENCE, ctx),
            names,
            labels,
            settings,
            roundups,
            promoted,
            outlet_ratings(slant_df, ratings_file),
            progress,
        )
        fitted = run.fitted[chosen.name]
        frames_model, slant_model = fitted.frames, fitted.slant
        card_table = table.to_json()
        evaluation = {"protocol": table.checks, "summary": tables.render(table), "details": detail}
    else:
        with progress_bar(progress) as bar:
            fit_task = bar.add_task("fit on all data", total=2)
            frames_model = protocol.fit_frames(chosen.frames, frames_df)
            bar.advance(fit_task)
            slant_model = protocol.fit_slant(chosen.slant, slant_trained)
            bar.advance(fit_task)
    data_hash = hashlib.sha256((dataset_hash(frames_df) + dataset_hash(slant_df)).encode()).hexdigest()
    version = make_version(data_hash)
    model = CompositeModel(frames_model, slant_model)
    card = {
        "version": version,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "codebook_version": book.version,
        "recipe": chosen.name,
        "data": {
            "dataset_hash": data_hash,
            "frames": {
                "files": frame_entries,
                "rows": int(len(frames_df)),
                "dataset_hash": dataset_hash(frames_df),
                "datasets": datasets_of(frames_df),
            },
            "slant": {
                "files": slant_entries,
                "rows": int(len(slant_df)),
                "dataset_hash": dataset_hash(slant_df),
                "datasets": datasets_of(slant_df) + (["allsides_roundups"] if on_stories else []),
                "outlets": int(slant_df["outlet_domain"].nunique()),
            },
        },
        "libraries": _libraries(),
        "labels": {"frames": names, "slant": labels, "tone": list(book.tone_labels)},
        "thresholds": frames_model.thresholds_by_frame_,
        "languages": getattr(frames_model, "languages_", []),
        "params": {
            "frames": frames_model.get_params(),
            "slant": {k: v for k, v in slant_model.get_params().items() if k != "outlet_names"},
        },
        "masked_outlet_names": len(getattr(slant_model, "outlet_names_", [])),
        "evaluation": evaluation,
        "protocol_table": card_table,
        "tone": {
            "method": tone.METHOD,
            "negative_below": tone.NEGATIVE_BELOW,
            "positive_above": tone.POSITIVE_ABOVE,
            "note": "lexicon-based until labeled tone data exists",
        },
        "primary_frame": "argmax of the calibrated frame probabilities (no primary-frame labels in the data)",
        "what_was_tried": what_was_tried(),
    }
    folder = save_composite(model, card, out_dir)
    # the exact training rows, so `evaluate --data` and the report flag in-sample articles without the
    # data files, and count the roundups a story-trained head saw (the card's files do not name them)
    save_training_keys(folder, frames_df, slant_trained, source=f"written by framewatch train for {version}")
    seal(version, out_dir)  # the card carries the sha256 of every weight file, checked on load
    return version
