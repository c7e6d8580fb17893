"""Whether a report is due, without Prefect: what a report is made of (its key), where its snapshot goes,
and whether the last completed report already shows the warehouse as it is. The monitor flow and the
quiet-run check (flows.monitor_check) both ask here."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

from flows.analysis.topics import load_taxonomy
from flows.analysis.weeks import week_of
from flows.params import ReportParams
from flows.settings import FlowSettings
from warehouse import state
from warehouse.db import snapshot_path


def snapshot_target(db_path: str, params: ReportParams) -> Path:
    """params.snapshot_dir when set, else the warehouse's own snapshot path (warehouse.db.snapshot_path)."""
    return Path(params.snapshot_dir) if params.snapshot_dir else snapshot_path(db_path)


def report_key(con: duckdb.DuckDBPyConnection, topics_version: str, today: date | None = None) -> str:
    """What a report is made of: the warehouse state it reads (warehouse.state), the topic taxonomy
    version and the current week (a new week brings a new shift check). Equal keys: the same report."""
    week = week_of(today or date.today())
    return f"{state.fingerprint(con)}|topics {topics_version}|week {week.isoformat()}"


def report_due(con: duckdb.DuckDBPyConnection, db_path: str, params: ReportParams) -> str | None:
    """Why the report must run now, or None when the last completed report already shows the warehouse
    (`con`, open on `db_path`) as it is: a monitoring run that stored and scored nothing, in the same
    week, needs no new report."""
    if params.week:
        return "a week was asked for"
    if not snapshot_target(db_path, params).exists():
        return "no snapshot yet"
    taxonomy = load_taxonomy(params.topics_file or FlowSettings().topics_file)
    last = state.last_report_state(con)
    if last is None:
        return "no report yet"
    if last != report_key(con, taxonomy.version):
        return "the warehouse changed since the last report"
    return None
