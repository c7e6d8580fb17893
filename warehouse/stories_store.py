"""The story tables (migration 003): what story grouping reads (articles, their embeddings, existing
assignments) and writes (embeddings, assignments, the per-story summary). The grouping itself sits above
the warehouse (flows/analysis/stories.py)."""

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


def write_assignments(
    con: duckdb.DuckDBPyConnection, links: Sequence[StoryLink], method: str, rebuild: bool = False
) -> None:
    """Add `links` to story_articles (replacing every story first when `rebuild`) and rebuild the
    per-story summary, in one transaction."""
    batch = pa.table(
        {
            "story_id": [a.story_id for a in links],
            "article_id": [a.article_id for a in links],
            "score": pa.array([a.score for a in links], pa.float64()),
            "linked_to": pa.array([a.linked_to for a in links], pa.string()),
            "assigned_at": pa.array([now()] * len(links), pa.timestamp("us")),
        }
    )
    params = {"method": method, "updated_at": now()}
    with transaction(con, batch) as cur:
        if rebuild:
            execute_file(cur, "stories_clear")
        execute_file(cur, "stories_insert_assignments")
        execute_file(cur, "stories_summarize", params)
