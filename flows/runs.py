"""Run bookkeeping shared by every flow: one writer connection per database per process, and a
`recorded_run` that writes the `runs` row (running -> completed | failed; 'interrupted' is set by a later
run when this process died mid-way) with counts, failures by reason and duration, and publishes the same
as a Prefect markdown artifact."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from prefect import get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run

from warehouse import load
from warehouse.db import open_db

_OPEN: dict[Path, duckdb.DuckDBPyConnection] = {}


@contextmanager
def writer(db_path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writable connection for `db_path`, shared by nested flows of one process: the outermost `with`
    opens it (monitor, holding DuckDB's file lock for the whole run) and closes it; inner ones reuse it."""
    key = Path(db_path).resolve()
    if key in _OPEN:
        yield _OPEN[key]
        return
    with open_db(key) as con:
        _OPEN[key] = con
        try:
            yield con
        finally:
            del _OPEN[key]


@dataclass
class RunRecord:
    run_id: str
    flow_name: str
    counts: dict[str, Any] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def add(self, counts: dict[str, Any], errors: list[dict[str, Any]] | None = None) -> None:
        self.counts.update(counts)
        self.errors.extend(errors or [])


def failures_by_reason(errors: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(stage, reason, count), most frequent first."""
    tally = Counter((e["stage"], e["reason"]) for e in errors)
    return [(stage, reason, n) for (stage, reason), n in tally.most_common()]


def run_markdown(record: RunRecord, status: str) -> str:
    lines = [
        f"# {record.flow_name} run `{record.run_id}`: {status}",
        "",
        f"Duration: {record.counts.get('duration_s', '?')} s",
        "",
        "| count | value |",
        "|---|---|",
    ]
    lines += [f"| {k} | {v} |" for k, v in record.counts.items() if k != "duration_s"]
    if record.errors:
        lines += ["", f"## Failures ({len(record.errors)})", "", "| stage | reason | n |", "|---|---|---|"]
        lines += [f"| {s} | {r} | {n} |" for s, r, n in failures_by_reason(record.errors)]
    return "\n".join(lines)


@contextmanager
def recorded_run(
    db_path: str | Path, flow_name: str, params: dict[str, Any], hold: bool = True
) -> Iterator[RunRecord]:
    """Record this flow run in `runs` (+ `run_errors`) and as an artifact, whatever happens inside.
    Runs left 'running' by a process that is gone are marked 'interrupted' first. `hold` keeps the writer
    connection (and DuckDB's file lock) for the whole run; retraining lets go while it trains."""
    record = RunRecord(run_id=str(flow_run.id or uuid.uuid4()), flow_name=flow_name)
    with writer(db_path) if hold else contextlib.nullcontext():
        with writer(db_path) as con:
            interrupted = load.mark_interrupted_runs(con, record.run_id)
            if interrupted:
                record.counts["interrupted_runs_marked"] = len(interrupted)
            load.start_run(con, record.run_id, flow_name, {**params, **load.run_owner()})
        status = "failed"
        try:
            yield record
            status = "completed"
        except BaseException as exc:
            record.errors.append(
                {"stage": "run", "source": flow_name, "reason": type(exc).__name__, "detail": str(exc)}
            )
            raise
        finally:
            _finish(db_path, record, status)


def _finish(db_path: str | Path, record: RunRecord, status: str) -> None:
    logger = get_run_logger()
    record.counts["duration_s"] = round(time.monotonic() - record.started, 2)
    with writer(db_path) as con:
        load.finish_run(con, record.run_id, status, record.counts, record.errors)
    try:
        create_markdown_artifact(
            markdown=run_markdown(record, status),
            key=f"{flow_name_key(record)}-run",
            description=f"{record.flow_name} run {record.run_id}: {status}",
        )
    except Exception:  # the runs table is the record; a failed artifact must not fail the run
        logger.warning("could not publish the %s run artifact", record.flow_name, exc_info=True)
    logger.info("%s run %s %s: %s", record.flow_name, record.run_id, status, record.counts)


def flow_name_key(record: RunRecord) -> str:
    return "".join(c if c.isalnum() else "-" for c in record.flow_name.lower())
