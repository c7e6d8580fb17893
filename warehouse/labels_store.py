"""Reads and writes of the labeling tables (migration 004): labels, samples, the test set, gold labels.

Everything is append-only: a label is retracted by an undo row, a gold label is superseded by a newer one,
test-set members stay members. Writes go in one Arrow batch per transaction, and every committed batch is
also appended to the labels export (warehouse.labels_export), from which `recover` restores them."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa

from warehouse import labels_export
from warehouse.load import ArticleText, now, run_batch
from warehouse.rows import one_row
from warehouse.schema import arrow_rows, arrow_schema
from warehouse.sqlfiles import sql

log = logging.getLogger(__name__)


def new_id() -> str:
    return uuid.uuid4().hex


def _append(con: duckdb.DuckDBPyConnection, statement: str, batch: pa.Table, table: str) -> int:
    """Run one insert over the Arrow table registered as `batch`, in its own transaction; once committed,
    the rows also go to the labels export."""
    run_batch(con, statement, batch)
    labels_export.append(con, table, batch.to_pylist())
    return batch.num_rows


def _dicts(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


# -- labels ---------------------------------------------------------------------------------------------


def label_row(
    article_id: str,
    annotator: str,
    frames: Sequence[str],
    primary_frame: str,
    slant: str,
    tone: str,
    codebook_version: str,
    source: str,
    labeled_at: datetime | None = None,
    import_id: str | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    """A row for `labels` (action 'label'). Validate against the codebook before building it."""
    return {
        "label_id": new_id(),
        "article_id": article_id,
        "annotator": annotator,
        "action": "label",
        "undoes": None,
        "frames": list(frames),
        "primary_frame": primary_frame,
        "slant": slant,
        "tone": tone,
        "codebook_version": codebook_version,
        "labeled_at": labeled_at or now(),
        "source": source,
        "import_id": import_id,
        "note": note,
    }


def append_labels(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    """Append label (or undo) rows in one transaction: all are stored or none."""
    if not rows:
        return 0
    return _append(con, sql("labels/insert"), arrow_rows(con, "labels", list(rows)), "labels")


def undo_last(con: duckdb.DuckDBPyConnection, annotator: str, codebook_version: str) -> str | None:
    """Retract the annotator's most recent standing label; returns its article_id (None: nothing to undo)."""
    row = con.execute(sql("labels/last_live"), [annotator]).fetchone()
    if row is None:
        return None
    label_id, article_id = row
    undo = {
        "label_id": new_id(),
        "article_id": article_id,
        "annotator": annotator,
        "action": "undo",
        "undoes": label_id,
        "frames": None,
        "primary_frame": None,
        "slant": None,
        "tone": None,
        "codebook_version": codebook_version,
        "labeled_at": now(),
        "source": "page",
        "import_id": None,
        "note": None,
    }
    append_labels(con, [undo])
    log.info("%s undid label %s of article %s", annotator, label_id, article_id)
    return str(article_id)


def current_labels(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Each annotator's standing label of each article."""
    return _dicts(con.execute(sql("labels/current")))


QUEUES = ("train", "test")  # the labeling queue, and the frozen test set's own queue


def next_article(
    con: duckdb.DuckDBPyConnection, annotator: str, skip: Sequence[str] = (), queue: str = "train"
) -> str | None:
    """The next article of the annotator's `queue` ('train': the labeling queue; 'test': the test set's)."""
    if queue not in QUEUES:
        raise ValueError(f"queue must be one of {QUEUES}, not {queue!r}")
    params = {"annotator": annotator, "skip": list(skip), "queue": queue}
    row = con.execute(sql("labels/queue_next"), params).fetchone()
    return None if row is None else str(row[0])


def queue_of(con: duckdb.DuckDBPyConnection, article_id: str, annotator: str) -> str | None:
    """'test' or 'train' for an article queued for the annotator (the test set only through its own
    queue), None when it is not queued for them."""
    row = con.execute(sql("labels/queue_of"), {"article_id": article_id, "annotator": annotator}).fetchone()
    return None if row is None else str(row[0])


def progress(con: duckdb.DuckDBPyConnection, annotator: str) -> dict[str, int]:
    return _dicts(con.execute(sql("labels/progress"), {"annotator": annotator}))[0]


def article_for_page(
    con: duckdb.DuckDBPyConnection, article_id: str, annotator: str
) -> dict[str, Any] | None:
    rows = _dicts(con.execute(sql("labels/article"), {"article_id": article_id, "annotator": annotator}))
    if not rows:
        return None
    row = rows[0]
    if isinstance(row.get("evidence"), str):
        try:
            row["evidence"] = json.loads(row["evidence"])
        except json.JSONDecodeError:
            row["evidence"] = None
    return row


def known_article_ids(con: duckdb.DuckDBPyConnection, ids: Sequence[str]) -> set[str]:
    if not ids:
        return set()
    cur = con.cursor()
    try:
        cur.register("batch", pa.table({"article_id": pa.array(list(ids), pa.string())}))
        return {r[0] for r in cur.execute(sql("labels/known_articles")).fetchall()}
    finally:
        cur.unregister("batch")
        cur.close()


# -- sampling and the test set ----------------------------------------------------------------------------


def sampling_candidates(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _dicts(con.execute(sql("labels/candidates")))


def seen_texts(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _dicts(con.execute(sql("labels/labeled_texts")))


def test_set(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    return _dicts(con.execute(sql("labels/test_set")))


def freeze_test_set(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    if not rows:
        return 0
    batch = arrow_rows(con, "label_test_set", list(rows))
    return _append(con, sql("labels/insert_test_set"), batch, "label_test_set")


def append_samples(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    if not rows:
        return 0
    batch = arrow_rows(con, "label_samples", list(rows))
    return _append(con, sql("labels/insert_samples"), batch, "label_samples")


# -- gold labels and training data ------------------------------------------------------------------------


def append_gold(con: duckdb.DuckDBPyConnection, rows: Sequence[dict[str, Any]]) -> int:
    if not rows:
        return 0
    batch = arrow_rows(con, "gold_labels", list(rows))
    return _append(con, sql("labels/insert_gold"), batch, "gold_labels")


def gold(con: duckdb.DuckDBPyConnection, split: str = "all") -> list[dict[str, Any]]:
    """Gold labels with article text. split: 'train' (never the test set), 'test' or 'all'."""
    if split not in ("train", "test", "all"):
        raise ValueError(f"split must be train, test or all, not {split!r}")
    return _dicts(con.execute(sql("labels/gold"), {"split": split}))


def export_tasks(con: duckdb.DuckDBPyConnection, scope: str = "queue") -> list[dict[str, Any]]:
    if scope not in ("queue", "all"):
        raise ValueError(f"scope must be queue or all, not {scope!r}")
    return _dicts(con.execute(sql("labels/export_tasks"), {"scope": scope}))


def recent_articles(con: duckdb.DuckDBPyConnection, since: date) -> list[ArticleText]:
    """(article_id, title, text) of articles published (else fetched) on or after `since`."""
    return [ArticleText(*row) for row in con.execute(sql("labels/recent_articles"), [since]).fetchall()]


def new_gold_since_retrain(con: duckdb.DuckDBPyConnection) -> int:
    """Gold decisions made since the last completed retrain run."""
    return int(one_row(con, sql("labels/new_gold"))[0])


# -- recovery ---------------------------------------------------------------------------------------------

TABLES = ("labels", "gold_labels", "label_test_set", "label_samples")  # the labeling work


def _typed_rows(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]]) -> pa.Table:
    """Rows read back from JSON (timestamps as ISO strings) as an Arrow table of the table's schema."""
    schema = arrow_schema(con, table)
    stamps = [f.name for f in schema if pa.types.is_timestamp(f.type)]
    fixed = []
    for row in rows:
        row = {f.name: row.get(f.name) for f in schema}
        for name in stamps:
            if isinstance(row[name], str):
                row[name] = datetime.fromisoformat(row[name])
        fixed.append(row)
    return pa.Table.from_pylist(fixed, schema=schema)


def restore_rows(
    con: duckdb.DuckDBPyConnection, rows_by_table: dict[str, list[dict[str, Any]]]
) -> dict[str, int]:
    """Insert the rows the database lacks (labels by label_id, gold by article and time, test-set members
    by article, queue entries by batch, article and annotator); returns how many per table. Restored
    rows are not appended to the export again (they came from it, or from the damaged file)."""
    added = {}
    for table in TABLES:
        rows = rows_by_table.get(table) or []
        added[table] = (
            len(run_batch(con, sql(f"labels/restore_{table}"), _typed_rows(con, table, rows))) if rows else 0
        )
    return added


def orphaned_labels(con: duckdb.DuckDBPyConnection) -> int:
    """Standing labels whose article the database does not hold."""
    return int(one_row(con, sql("labels/orphans"))[0])


def rows_in_database(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    """Every row of the labeling tables (to carry them from a damaged file that still reads)."""
    out = {}
    for table in TABLES:
        columns = ", ".join(arrow_schema(con, table).names)
        out[table] = _dicts(
            con.execute(sql("labels/all_rows").replace("{table}", table).replace("{columns}", columns))
        )
    return out
