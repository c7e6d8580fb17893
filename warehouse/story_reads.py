"""Read stories and threads for people: what an id names, a story's or thread's articles side by side with
each outlet's frame emphasis, the largest stories, blindspots and threads (warehouse/sql/story_*.sql over
the story_coverage, story_outlet_frames and thread_outlet_frames marts). The reading is assembled above
the warehouse (flows/analysis/stories/view.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from warehouse.sqlfiles import sql


def _rows(con: duckdb.DuckDBPyConnection, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql(name), params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def resolve(con: duckdb.DuckDBPyConnection, any_id: str) -> tuple[str, str] | None:
    """('thread', thread_id), ('story', story_id) or ('article', its story_id) for an id; None if unknown."""
    row = con.execute(sql("stories/story_resolve"), {"id": any_id}).fetchone()
    return (row[0], row[1]) if row else None


def thread(con: duckdb.DuckDBPyConnection, thread_id: str) -> dict[str, Any] | None:
    rows = _rows(con, "stories/story_thread", {"thread_id": thread_id})
    return rows[0] if rows else None


def thread_stories(con: duckdb.DuckDBPyConnection, thread_id: str) -> list[dict[str, Any]]:
    return _rows(con, "stories/story_thread_stories", {"thread_id": thread_id})


def side_articles(con: duckdb.DuckDBPyConnection, story_ids: Sequence[str]) -> list[dict[str, Any]]:
    return _rows(con, "stories/story_side_articles", {"story_ids": list(story_ids)})


def outlet_emphasis(
    con: duckdb.DuckDBPyConnection, kind: str, group_id: str, top: int
) -> list[dict[str, Any]]:
    """Per outlet its `top` frames by lift against the other coverage of the story or thread."""
    name = "stories/thread_outlet_emphasis" if kind == "thread" else "stories/story_outlet_emphasis"
    return _rows(con, name, {"id": group_id, "top": top})


def largest_stories(con: duckdb.DuckDBPyConnection, limit: int) -> list[dict[str, Any]]:
    return _rows(con, "stories/story_largest", {"limit": limit})


def blindspots(con: duckdb.DuckDBPyConnection, limit: int) -> list[dict[str, Any]]:
    return _rows(con, "stories/story_blindspots", {"limit": limit})


def largest_threads(con: duckdb.DuckDBPyConnection, limit: int) -> list[dict[str, Any]]:
    return _rows(con, "stories/story_threads_largest", {"limit": limit})
