"""Checks before a flow starts: what a run needs, each failure a line a person can act on.

A flow that fails inside Prefect prints its traceback (hundreds of lines) before the CLI can say
anything; so the CLI checks first: the database is free for writing (no other run holds the lock) and
not damaged, the sources file reads, the model version loads from a sound registry entry."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from classifier import registry
from classifier.registry import RegistryError
from flows.sources.registry import SourceError, check_registry
from warehouse import labels_store
from warehouse.db import WarehouseError, connect, ensure_writable

if TYPE_CHECKING:  # labels.retrain imports scikit-learn: seconds a run that does not retrain need not pay
    from labels.retrain import RetrainConfig

ACTIONABLE = (WarehouseError, SourceError, RegistryError)


class PreflightError(RuntimeError):
    """What a run lacks, and what to do."""


def check_run(
    db_path: Path | str, sources: Path | str | None = None, model: str | None = None, need_model: bool = True
) -> None:
    """Raise PreflightError unless a run can start on `db_path`: the file free for writing, `sources`
    readable (when given), model `model` (or the promoted one) sound (when `need_model`)."""
    try:
        ensure_writable(db_path)
        if sources is not None:
            check_sources(Path(sources))
        if need_model:
            registry.check_version(model or registry.promoted_version())
    except ACTIONABLE as exc:
        raise PreflightError(str(exc)) from exc


def check_sources(path: Path) -> None:
    """The sources registry as `framewatch sources validate` checks it: SourceError (one line) naming the
    first of its problems, so a run never starts from a registry the validator rejects."""
    errors, _warnings = check_registry(path)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise SourceError(
            f"{errors[0]}{more}; fix the sources file and check it with `framewatch sources validate "
            f"--sources {path}`"
        )


def check_retrain(db_path: Path | str, data_dir: Path, models_dir: Path, config: RetrainConfig) -> None:
    """Raise PreflightError listing every requirement of a retraining turn that is missing (gold labels
    on both sides of the frozen test set, base corpora, a writable model registry, the database free):
    a read of the label tables, seconds, before any flow or training starts."""

    problems: list[str] = []
    path = Path(db_path)
    if not path.exists():
        raise PreflightError(
            f"no warehouse at {path}: collect and label articles first (`framewatch monitor`)"
        )
    try:
        ensure_writable(path)
        con = connect(path, read_only=True)
    except WarehouseError as exc:
        raise PreflightError(str(exc)) from exc
    try:
        test_ids = {r["article_id"] for r in labels_store.test_set(con)}
        gold_train, gold_test = labels_store.gold(con, "train"), labels_store.gold(con, "test")
    finally:
        con.close()
    from labels.retrain import missing_requirements

    problems += missing_requirements(gold_train, gold_test, test_ids, data_dir, config)
    models_dir = Path(models_dir)
    probe = models_dir if models_dir.exists() else models_dir.parent
    if not os.access(probe, os.W_OK):
        problems.append(f"the model registry {models_dir} is not writable: set FRAMEWATCH_MODELS_DIR")
    if problems:
        raise PreflightError(
            f"retraining needs {len(problems)} more thing{'s' if len(problems) > 1 else ''}:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )
