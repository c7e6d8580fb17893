"""The story tables (migrations 003 and 010): what story grouping reads (articles, their embeddings,
existing assignments) and writes (embeddings, assignments, the per-story summary, threads of stories).
The grouping itself sits above the warehouse (flows/analysis/stories/: grouping.py, threads.py); the
side-by-side reads are in warehouse/story_reads.py."""

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
    lead: str | None  # the start of the body (story linking reads the title and lead)
    story_id: str | None  # None when in no story yet


class StoryLink(NamedTuple):
    article_id: str
    story_id: str
    score: float | None  # the weakest link to the story's members (None for a story's first article)
    linked_to: str | None  # the member it matched best; the evidence below is against it
    cosine: float | None = None
    name_overlap: float | None = None
    term_overlap: float | None = None
    number_match: int | None = None  # 1 shared, -1 both give numbers and none match, 0 otherwise
    gap_days: int | None = None
    best_score: float | None = None  # the pair probability with linked_to


class ThreadLink(NamedTuple):
    story_id: str
    thread_id: str
    score: float | None  # the link score that admitted the story (None for a thread's first story)
    linked_to: str | None  # the thread's latest story when it joined
    cosine: float | None = None  # of the story's centroid and the thread's
    name_overlap: float | None = None  # the idf weight of the subject names it shares with the thread


class ThreadRow(NamedTuple):
    thread_id: str
    headline: str
    subject: list[str]  # the names every story of the thread carries
    centroid_sum: np.ndarray
    n_stories: int


def articles_to_group(con: duckdb.DuckDBPyConnection, everything: bool = False) -> list[ArticleToGroup]:
    """The articles in no story yet (every article when `everything`), in day order."""
    rows = con.execute(sql("stories/articles"), {"everything": everything}).fetchall()
    return [ArticleToGroup(*row) for row in rows]


def open_story_articles(con: duckdb.DuckDBPyConnection, since: date) -> list[ArticleToGroup]:
    """The articles of the stories whose first day is on or after `since` (those new articles may join)."""
    return [
        ArticleToGroup(*row) for row in con.execute(sql("stories/open_articles"), {"since": since}).fetchall()
    ]


def assignments_of(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> dict[str, str]:
    """article_id -> story_id of the given articles that are in a story."""
    return dict(con.execute(sql("stories/assignments"), {"ids": list(article_ids)}).fetchall())


def unthreaded(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute(sql("stories/unthreaded")).fetchall()]


def counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(stories, stories covered by more than one outlet)."""
    n, multi = one_row(con, sql("stories/counts"))
    return int(n), int(multi)


class GroupingState(NamedTuple):
    methods: set[str]  # the grouping methods the stored stories were made with
    thread_methods: set[str]  # the linking methods of the stored threads
    n_stories: int
    unthreaded: int  # stories without a thread


def grouping_state(con: duckdb.DuckDBPyConnection) -> GroupingState:
    methods, thread_methods, n, unthreaded = one_row(con, sql("stories/grouping_state"))
    return GroupingState(set(methods or []), set(thread_methods or []), int(n), int(unthreaded))


def thread_counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(threads, threads of more than one story)."""
    n, multi = one_row(con, sql("stories/threads_counts"))
    return int(n), int(multi)


def embedded_ids(con: duckdb.DuckDBPyConnection, model: str) -> set[str]:
    return {row[0] for row in con.execute(sql("stories/embedded_ids"), [model]).fetchall()}


def embeddings_of(
    con: duckdb.DuckDBPyConnection, model: str, article_ids: Sequence[str]
) -> dict[str, np.ndarray]:
    """The stored embeddings of the given articles (those that have one), through Arrow."""
    params = {"model": model, "ids": list(article_ids)}
    table = con.sql(sql("stories/embeddings"), params=params).to_arrow_table()
    if table is None or not table.num_rows:
        return {}
    flat = table.column("embedding").combine_chunks()
    dim = len(flat[0])
    matrix = np.asarray(flat.flatten(), dtype=np.float32).reshape(-1, dim)
    return dict(zip(table.column("article_id").to_pylist(), matrix, strict=True))


def texts_of(con: duckdb.DuckDBPyConnection, article_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """article_id -> (title, text) of the given articles."""
    rows = con.execute(sql("stories/texts"), {"ids": list(article_ids)}).fetchall()
    return {aid: (title or "", text or "") for aid, title, text in rows}


def threads_sharing(con: duckdb.DuckDBPyConnection, names: Sequence[str]) -> list[ThreadRow]:
    """The stored threads whose subject carries any of `names`."""
    rows = con.execute(sql("stories/threads_sharing"), {"names": list(names)}).fetchall()
    return [
        ThreadRow(tid, "", list(subject or []), np.asarray(csum or [], np.float32), int(n))
        for tid, subject, csum, n in rows
    ]


def embedding_rows(article_ids: Sequence[str], model: str, vectors: np.ndarray, backend: str) -> pa.Table:
    """Rows of `article_embeddings` (JSON-free Arrow, so Dask workers can ship them); `backend` is what
    computed them (classifier.transformer.embedding.resolve_backend)."""
    return pa.table(
        {
            "article_id": list(article_ids),
            "model": [model] * len(article_ids),
            "embedding": pa.array([v.tolist() for v in vectors], pa.list_(pa.float32())),
            "created_at": pa.array([now()] * len(article_ids), pa.timestamp("us")),
            "backend": pa.array([backend] * len(article_ids), pa.string()),
        }
    )


def embedding_backends(con: duckdb.DuckDBPyConnection, model: str) -> dict[str, int]:
    """How many stored embeddings of `model` each backend computed ('unknown' for rows stored before the
    backend was recorded), most first."""
    return dict(con.execute(sql("stories/embedding_backends"), [model]).fetchall())


def _links_table(links: Sequence[StoryLink] | Sequence[ThreadLink], key: str, group: str) -> pa.Table:
    cols: dict[str, pa.Array | list] = {
        group: [getattr(a, group) for a in links],
        key: [getattr(a, key) for a in links],
        "score": pa.array([a.score for a in links], pa.float64()),
        "cosine": pa.array([a.cosine for a in links], pa.float64()),
        "name_overlap": pa.array([a.name_overlap for a in links], pa.float64()),
        "linked_to": pa.array([a.linked_to for a in links], pa.string()),
        "assigned_at": pa.array([now()] * len(links), pa.timestamp("us")),
    }
    if key == "article_id":
        cols["term_overlap"] = pa.array([getattr(a, "term_overlap") for a in links], pa.float64())
        cols["number_match"] = pa.array([getattr(a, "number_match") for a in links], pa.int32())
        cols["gap_days"] = pa.array([getattr(a, "gap_days") for a in links], pa.int32())
        cols["best_score"] = pa.array([getattr(a, "best_score") for a in links], pa.float64())
    return pa.table(cols)


def write_assignments(
    con: duckdb.DuckDBPyConnection, links: Sequence[StoryLink], method: str, rebuild: bool = False
) -> None:
    """Add `links` to story_articles (replacing every story and thread first when `rebuild`) and rebuild the
    summary rows of the stories they touch (and the counts of those stories' threads), in one transaction."""
    params = {"method": method, "updated_at": now()}
    with transaction(con, _links_table(links, "article_id", "story_id")) as cur:
        if rebuild:
            execute_file(cur, "stories/clear")
        execute_file(cur, "stories/insert_assignments")
        execute_file(cur, "stories/summarize", params)
        execute_file(cur, "stories/threads_refresh")


def _thread_rows(rows: Sequence[ThreadRow]) -> pa.Table:
    return pa.table(
        {
            "thread_id": pa.array([r.thread_id for r in rows], pa.string()),
            "headline": pa.array([r.headline for r in rows], pa.string()),
            "subject": pa.array([list(r.subject) for r in rows], pa.list_(pa.string())),
            "centroid_sum": pa.array([r.centroid_sum.tolist() for r in rows], pa.list_(pa.float32())),
        }
    )


def write_threads(
    con: duckdb.DuckDBPyConnection,
    links: Sequence[ThreadLink],
    rows: Sequence[ThreadRow],
    method: str,
    relink: bool = False,
) -> None:
    """Add `links` (one per newly linked story; every story when `relink`, after clearing the threads) and
    replace the touched threads' rows with `rows`, their summaries rebuilt from their stories; one
    transaction."""
    params = {"method": method, "updated_at": now()}
    with transaction(con, _thread_rows(rows)) as cur:
        cur.register("links", _links_table(links, "story_id", "thread_id"))
        if relink:
            execute_file(cur, "stories/threads_clear")
        execute_file(cur, "stories/threads_replace", params)
