"""Checks before a flow starts: what a run needs, each failure a line a person can act on.

A flow that fails inside Prefect prints its traceback (hundreds of lines) before the CLI can say
anything; so the CLI checks first: the database is free for writing (no other run holds the lock) and
not damaged, the sources file reads, the model version loads from a sound registry entry."""

from __future__ import annotations

from pathlib import Path

from classifier.registry import RegistryError
from flows.sources.registry import SourceError
from warehouse.db import WarehouseError

ACTIONABLE = (WarehouseError, SourceError, RegistryError)


class PreflightError(RuntimeError):
    """What a run lacks, and what to do."""


def check_run(
    db_path: Path | str, sources: Path | str | None = None, model: str | None = None, need_model: bool = True
) -> None:
    """Raise PreflightError unless a run can start on `db_path`: the file free for writing, `sources`
    readable (when given), model `model` (or the promoted one) sound (when `need_model`)."""
    from classifier import registry
    from flows.sources.registry import load_registry
    from warehouse.db import ensure_writable

    try:
        ensure_writable(db_path)
        if sources is not None:
            load_registry(Path(sources))
        if need_model:
            registry.check_version(model or registry.promoted_version())
    except ACTIONABLE as exc:
        raise PreflightError(str(exc)) from exc
