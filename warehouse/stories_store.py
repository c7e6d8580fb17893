"""The story tables (migrations 003 and 010): what story grouping reads (articles, their embeddings,
existing assignments) and writes (embeddings, assignments, the per-story summary, threads of stories).
The grouping itself sits above the warehouse (flows/analysis/stories.py, threads.py); the side-by-side
reads are in warehouse/story_reads.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.load import now
from warehouse.rows import one_row
from warehouse.sqlfiles import sql
from warehouse.transaction import execute_file, transaction


class ArticleToGroup(NamedTuple):
    article_id: str
    outlet_id: str | None
    day: date
    title: str | None
    text: str | None


class StoryLink(NamedTuple):
    article_id: str
    story_id: str
    score: float | None  # the link score that admitted the article (None for a story's first article)
    linked_to: str | None
    cosine: float | None = None  # the score's parts: score = cosine + entity_weight * name_overlap
    name_overlap: float | None = None


class ThreadLink(NamedTuple):
    story_id: str
    thread_id: str
    score: float | None  # the link score that admitted the story (None for a thread's first story)
    linked_to: str | None  # the thread's story it matched best
    cosine: float | None = None  # of the two stories' centroids
    name_overlap: float | None = None  # of their recurring names


def articles_to_group(con: duckdb.DuckDBPyConnection) -> list[ArticleToGroup]:
    """Every stored article with its day (published, else fetched), in day order."""
    return [ArticleToGroup(*row) for row in con.execute(sql("stories_articles")).fetchall()]


def unassigned_count(con: duckdb.DuckDBPyConnection) -> int:
    return int(one_row(con, sql("stories_unassigned"))[0])


def assignments(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """article_id -> story_id of every grouped article."""
    return dict(con.execute(sql("stories_assignments")).fetchall())


def counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(stories, stories covered by more than one outlet)."""
    n, multi = one_row(con, sql("stories_counts"))
    return int(n), int(multi)


class GroupingState(NamedTuple):
    methods: set[str]  # the grouping methods the stored stories were made with
    thread_methods: set[str]  # the linking methods of the stored threads
    n_stories: int
    unthreaded: int  # stories without a thread


def grouping_state(con: duckdb.DuckDBPyConnection) -> GroupingState:
    methods, thread_methods, n, unthreaded = one_row(con, sql("stories_grouping_state"))
    return GroupingState(set(methods or []), set(thread_methods or []), int(n), int(unthreaded))


def thread_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(threads, threads of more than one story)."""
    n, multi = one_row(con, sql("threads_counts"))
    return int(n), int(multi)


def embedded_ids(con: duckdb.DuckDBPyConnection, model: str) -> set[str]:
    return {row[0] for row in con.execute(sql("stories_embedded_ids"), [model]).fetchall()}


def embeddings(con: duckdb.DuckDBPyConnection, model: str) -> dict[str, np.ndarray]:
    return {
        aid: np.asarray(vec, dtype=np.float32)
        for aid, vec in con.execute(sql("stories_embeddings"), [model]).fetchall()
    }


def embedding_rows(article_ids: Sequence[str], model: str, vectors: np.ndarray) -> pa.Table:
    """Rows of `article_embeddings` (JSON-free Arrow, so Dask workers can ship them)."""
    return pa.table(
        {
            "article_id": list(article_ids),
            "model": [model] * len(article_ids),
            "embedding": pa.array([v.tolist() for v in vectors], pa.list_(pa.float32())),
            "created_at": pa.array([now()] * len(article_ids), pa.timestamp("us")),
        }
    )


def _links_table(links: Sequence[StoryLink] | Sequence[ThreadLink], key: str, group: str) -> pa.Table:
    return pa.table(
        {
            group: [getattr(a, group) for a in links],
            key: [getattr(a, key) for a in links],
            "score": pa.array([a.score for a in links], pa.float64()),
            "cosine": pa.array([a.cosine for a in links], pa.float64()),
            "name_overlap": pa.array([a.name_overlap for a in links], pa.float64()),
            "linked_to": pa.array([a.linked_to for a in links], pa.string()),
            "assigned_at": pa.array([now()] * len(links), pa.timestamp("us")),
        }
    )


def write_assignments(
    con: duckdb.DuckDBPyConnection, links: Sequence[StoryLink], method: str, rebuild: bool = False
) -> None:
    """Add `links` to story_articles (replacing every story first when `rebuild`) and rebuild the
    per-story summary, in one transaction."""
    params = {"method": method, "updated_at": now()}
    with transaction(con, _links_table(links, "article_id", "story_id")) as cur:
        if rebuild:
            execute_file(cur, "stories_clear")
        execute_file(cur, "stories_insert_assignments")
        execute_file(cur, "stories_summarize", params)


def write_threads(con: duckdb.DuckDBPyConnection, links: Sequence[ThreadLink], method: str) -> None:
    """Replace every thread with `links` (one per story) and rebuild the per-thread summary, in one
    transaction."""
    params = {"method": method, "updated_at": now()}
    with transaction(con, _links_table(links, "story_id", "thread_id")) as cur:
        execute_file(cur, "threads_replace", params)
