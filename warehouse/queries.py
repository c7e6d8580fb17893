"""Read-side helpers: analyst SQL (sandboxed, read-only) and the outlet comparison the demo prints."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from warehouse.db import WarehouseError
from warehouse.sandbox import run_query
from warehouse.sqlfiles import sql


def run_readonly(
    path: Path | str, query: str, allowed_dirs: Sequence[Path | str] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run an analyst's SQL in the query sandbox (warehouse.sandbox): reads only, files only under
    `allowed_dirs` (default: the snapshot folder and ./framewatch-parquet), no extensions."""
    return run_query(path, query, allowed_dirs)


def outlet_comparison(con: duckdb.DuckDBPyConnection) -> tuple[list[str], list[tuple[Any, ...]]]:
    """One row per outlet: lean prior, articles, slant shares, mean tone, top frames."""
    cur = con.execute(sql("report/outlet_comparison"))
    return [d[0] for d in cur.description], cur.fetchall()


def in_sample_note(con: duckdb.DuckDBPyConnection) -> str | None:
    """One line on the articles the current model was trained on (model_training_checks), or None when
    none of the stored articles is known to be: figures on those articles are in-sample."""
    from warehouse.shifts_store import current_model
    from warehouse.training_overlap import latest

    model = current_model(con)
    check = latest(con, model)
    if check is None:
        return None
    if not check["known"]:
        return f"note: cannot tell which articles {model} was trained on ({check['source']})"
    if not check["articles_in_training"]:
        return None
    return (
        f"IN-SAMPLE: {check['articles_in_training']} of {check['articles_checked']} articles are in the "
        f"training data of {model} (column in_training): figures on them describe what the model learned, "
        "not how it does on new articles"
    )


def run_summary(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    """The counts and errors a run recorded."""
    row = con.execute(sql("runs/run_summary"), [run_id]).fetchone()
    if row is None:
        raise WarehouseError(f"no run {run_id!r} in the warehouse")
    errors = con.execute(sql("runs/run_errors"), [run_id]).fetchall()
    return {
        "run_id": row[0],
        "status": row[1],
        "counts": row[2],
        "started_at": row[3],
        "finished_at": row[4],
        "errors": [dict(zip(("stage", "source", "reason", "detail"), e, strict=True)) for e in errors],
    }


def recent_runs(con: duckdb.DuckDBPyConnection, last: int) -> tuple[list[str], list[tuple[Any, ...]]]:
    cur = con.execute(sql("runs/recent_runs"), [last])
    return [d[0] for d in cur.description], cur.fetchall()


def latest_finished_run(con: duckdb.DuckDBPyConnection) -> str | None:
    """The run that finished last (a monitor run, with its parts' failures), or None when there is none."""
    row = con.execute(sql("runs/latest_finished_run")).fetchone()
    return None if row is None else str(row[0])
