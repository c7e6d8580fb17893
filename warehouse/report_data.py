"""What the report shows, as plain rows: the warehouse's report queries (warehouse/sql/report_*.sql) and the
story reads (warehouse/story_reads.py). Rendering sits above the warehouse (flows/reporting)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from warehouse import story_reads
from warehouse.shifts_store import last_check
from warehouse.sqlfiles import sql


@dataclass(frozen=True)
class ReportOptions:
    max_outlets: int = 12
    top_frames: int = 6  # frames drawn over time (the most used)
    stories: int = 12  # stories listed and given a page
    threads: int = 6  # threads of several stories given a page
    blindspots: int = 10
    alerts: int = 20
    max_articles: int = 20000  # articles behind the points (most recent first)


def rows(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The result of warehouse/sql/<name>.sql as dicts."""
    cur = con.execute(sql(name), params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def gather(
    con: duckdb.DuckDBPyConnection, opts: ReportOptions = ReportOptions(), charts: bool = True
) -> dict[str, Any]:
    """Everything the report shows, as plain data (without the charts' cells and articles when `charts` is
    False: the markdown summary needs none)."""
    outlets = rows(con, "report_outlets", {"limit": opts.max_outlets})
    ids = [o["outlet_id"] for o in outlets]
    frames = [r["frame"] for r in rows(con, "report_top_frames", {"limit": 100})]
    filters = rows(con, "report_filters")
    n_articles = sum(o["n_articles"] for o in outlets)
    return {
        "overview": rows(con, "report_overview")[0],
        "shift_check": last_check(con),
        "outlets": outlets,
        "frames": frames,  # every frame, most used first
        "prob_frames": [r["frame"] for r in rows(con, "report_frame_order")],  # order of articles' probs
        "top_frames": frames[: opts.top_frames],
        "topics": [f["value"] for f in filters if f["kind"] == "topic"],
        "months": [f["value"] for f in filters if f["kind"] == "month"],
        "last_week": next((f["value"] for f in filters if f["kind"] == "last_week"), None),
        "frame_cells": rows(con, "report_frame_cells", {"outlets": ids}) if charts else [],
        "slant_cells": rows(con, "report_slant_cells", {"outlets": ids}) if charts else [],
        "articles": rows(con, "report_articles", {"outlets": ids, "limit": opts.max_articles})
        if charts
        else [],
        "articles_total": n_articles,
        "stories": story_reads.largest_stories(con, opts.stories),
        "threads": story_reads.largest_threads(con, opts.threads),
        "blindspots": story_reads.blindspots(con, opts.blindspots),
        "alerts": rows(con, "report_alerts", {"limit": opts.alerts}),
    }
