"""What the report shows, as plain rows: the warehouse's report queries (warehouse/sql/report_*.sql).
Rendering sits above the warehouse (flows/reporting)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from warehouse.sqlfiles import sql


@dataclass(frozen=True)
class ReportOptions:
    max_outlets: int = 12
    top_frames: int = 5
    stories: int = 5
    alerts: int = 20


def rows(
    con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """The result of warehouse/sql/<name>.sql as dicts."""
    cur = con.execute(sql(name), params or {})
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def gather(con: duckdb.DuckDBPyConnection, opts: ReportOptions = ReportOptions()) -> dict[str, Any]:
    """Everything the report shows, as plain data."""
    outlets = rows(con, "report_outlets", {"limit": opts.max_outlets})
    ids = [o["outlet_id"] for o in outlets]
    frames = [r["frame"] for r in rows(con, "report_top_frames", {"limit": opts.top_frames})]
    all_frames = [r["frame"] for r in rows(con, "report_top_frames", {"limit": 100})]
    return {
        "overview": rows(con, "report_overview")[0],
        "outlets": outlets,
        "frames": frames,
        "all_frames": all_frames,
        "frame_share": rows(con, "report_frame_share", {"outlets": ids, "frames": frames}),
        "heatmap": rows(con, "report_heatmap", {"outlets": ids}),
        "stories": rows(con, "report_stories", {"limit": opts.stories}),
        "alerts": rows(con, "report_alerts", {"limit": opts.alerts}),
    }
