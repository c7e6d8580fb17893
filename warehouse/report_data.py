"""What the report shows, as plain rows: the warehouse's report queries (warehouse/sql/report_*.sql) and the
story reads (warehouse/story_reads.py). Rendering sits above the warehouse (flows/reporting)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from warehouse import story_reads, training_overlap
from warehouse.shifts_store import current_model, last_check
from warehouse.sqlfiles import sql


@dataclass(frozen=True)
class ReportOptions:
    max_outlets: int = 30  # the most-published outlets; the report says when it leaves any out
    top_frames: int = 6  # frames drawn over time (the most used)
    stories: int = 12  # stories listed and given a page
    threads: int = 6  # threads of several stories given a page (plus as many only a thread joins)
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


def table(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The result of warehouse/sql/<name>.sql in a compact form for the page: column names, each text
    column's distinct values once (`dicts`), and rows as lists (text columns as indexes into their dict).
    The page's script turns it back into objects (report.js `expand`)."""
    cur = con.execute(sql(name), params or {})
    cols = [d[0] for d in cur.description]
    data = cur.fetchall()
    texts = [
        i
        for i, c in enumerate(cols)
        if any(isinstance(r[i], str) for r in data[:50])
        and all(r[i] is None or isinstance(r[i], str) for r in data)
    ]
    dicts: dict[str, list[str | None]] = {}
    index: dict[int, dict[str | None, int]] = {}
    for i in texts:
        values = sorted({r[i] for r in data}, key=lambda v: (v is None, v or ""))
        dicts[cols[i]] = values
        index[i] = {v: k for k, v in enumerate(values)}
    # long free texts (titles, urls) gain nothing from a dict: keep those inline
    for i in list(texts):
        if len(dicts[cols[i]]) > len(data) // 2:
            texts.remove(i)
            del dicts[cols[i]], index[i]
    packed = [[index[i][v] if i in index else v for i, v in enumerate(r)] for r in data]
    return {"columns": cols, "dicts": dicts, "rows": packed}


def _story_ids(stories: Sequence[dict[str, Any]], thread_stories: Sequence[str]) -> list[str]:
    return list(dict.fromkeys([s["story_id"] for s in stories] + list(thread_stories)))


def gather(
    con: duckdb.DuckDBPyConnection, opts: ReportOptions = ReportOptions(), charts: bool = True
) -> dict[str, Any]:
    """Everything the report shows, as plain data (without the charts' cells and articles when `charts` is
    False: the markdown summary needs none)."""
    outlets = rows(con, "report/outlets", {"limit": max(opts.max_outlets, 1)})
    ids = [o["outlet_id"] for o in outlets]
    frames = [r["frame"] for r in rows(con, "report/top_frames", {"limit": 100})]
    filters = rows(con, "report/filters")
    window = next(iter(rows(con, "report/window")), None)
    n_articles = sum(o["n_articles"] for o in outlets)
    stories = story_reads.largest_stories(con, opts.stories)
    threads = rows(con, "report/threads", {"limit": opts.threads})
    blindspots = story_reads.blindspots(con, opts.blindspots)
    model = current_model(con)
    members = (
        {
            t["thread_id"]: [s["story_id"] for s in story_reads.thread_stories(con, t["thread_id"])]
            for t in threads
        }
        if charts
        else {}
    )
    listed = _story_ids([*stories, *blindspots], [s for ids in members.values() for s in ids])
    return {
        "overview": rows(con, "report/overview")[0],
        "shift_check": last_check(con),
        "outlets": outlets,
        "n_outlets": outlets[0]["n_outlets"] if outlets else 0,
        "frames": frames,  # every frame, most used first
        "prob_frames": [r["frame"] for r in rows(con, "report/frame_order")],  # order of articles' probs
        "top_frames": frames[: opts.top_frames],
        "topics": [f["value"] for f in filters if f["kind"] == "topic"],
        "months": [f["value"] for f in filters if f["kind"] == "month"],  # oldest first
        "window": window,
        "training": training_overlap.latest(con, model),
        "frame_cells": table(con, "report/frame_cells", {"outlets": ids}) if charts else {},
        "slant_cells": table(con, "report/slant_cells", {"outlets": ids}) if charts else {},
        "articles": table(con, "report/articles", {"outlets": ids, "limit": opts.max_articles})
        if charts
        else {},
        "articles_total": n_articles,
        "stories": stories,
        "threads": threads,
        "thread_stories": members,
        "blindspots": blindspots,
        "story_facts": table(con, "report/story_facts", {"story_ids": listed}) if charts else {},
        "alerts": rows(con, "report/alerts", {"limit": opts.alerts}),
    }
