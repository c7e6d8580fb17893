"""Record which stored articles the current model was trained on (the report flow runs it after every run
that changed the warehouse), so the outlet table, outlet_summary and the report can say how many of the
articles behind a figure are in-sample."""

from __future__ import annotations

import logging
from typing import Any

import duckdb

from warehouse import training_overlap
from warehouse.shifts_store import current_model

log = logging.getLogger(__name__)


def record_training_overlap(
    con: duckdb.DuckDBPyConnection, version: str | None = None
) -> dict[str, Any] | None:
    """Check every stored article against the training data of `version` (default: the current model)
    unless the last check already saw them all. Returns the check, None without a current model."""
    from classifier import registry
    from classifier.in_sample import keys_for_warehouse, training_keys
    from classifier.settings import ClassifierSettings

    version = version or current_model(con)
    if version is None:
        return None
    last = training_overlap.latest(con, version)
    if training_overlap.is_current(last):
        return last
    try:
        path = registry.model_dir(version, verify=False)
        card = registry.load_card(path)
    except registry.RegistryError as exc:
        return training_overlap.record(con, version, None, False, f"no card for {version} here ({exc})")
    keys, why = training_keys(card, path, ClassifierSettings().data_dir)
    if keys is None:
        return training_overlap.record(con, version, None, False, why)
    exact = all(keys.exact.values())
    check = training_overlap.record(con, version, keys_for_warehouse(keys), exact, keys.source)
    log.info(
        "%d of %d stored articles are in %s's training data",
        check["articles_in_training"],
        check["articles_checked"],
        version,
    )
    return check
