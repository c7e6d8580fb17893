"""Which stored articles a model was trained on (tables model_training_articles, model_training_checks):
written from the model's training keys (classifier.in_sample, above this layer), read by every view and
report that must say when its figures are in-sample."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.load import now
from warehouse.sqlfiles import sql
from warehouse.transaction import execute_file, transaction


def record(
    con: duckdb.DuckDBPyConnection,
    model_version: str,
    keys: Iterable[tuple[str, str]] | None,
    exact: bool,
    source: str,
    checked_at: datetime | None = None,
) -> dict[str, Any]:
    """Replace what is recorded for `model_version`: the stored articles whose text key is among `keys`
    ((key, tasks) pairs), and one check row; `keys` None records that the training data is not known
    (`source` says why). Returns the new check (latest())."""
    params = {"model_version": model_version, "checked_at": checked_at or now(), "source": source}
    if keys is None:
        with transaction(con) as cur:
            execute_file(cur, "models/training_overlap_unknown", params)
    else:
        pairs = list(keys)
        batch = pa.table(
            {"key": [k for k, _ in pairs], "tasks": [t for _, t in pairs]},
            schema=pa.schema([("key", pa.string()), ("tasks", pa.string())]),
        )
        with transaction(con, batch) as cur:
            execute_file(cur, "models/training_overlap_replace", {**params, "exact": exact})
    found = latest(con, model_version)
    assert found is not None
    return found


def latest(con: duckdb.DuckDBPyConnection, model_version: str | None) -> dict[str, Any] | None:
    """The latest check of `model_version` (articles_checked, articles_in_training, known, source,
    checked_at, articles_now), or None when it was never checked."""
    if model_version is None:
        return None
    cur = con.execute(sql("models/training_overlap_state"), {"model_version": model_version})
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cur.description], row, strict=True))


def is_current(check: dict[str, Any] | None) -> bool:
    """True when the check saw every article stored now."""
    return check is not None and check["articles_checked"] == check["articles_now"]
