"""The append-only labels export: human work that no monitor run can redo, kept outside the database.

Every row written to the labeling tables (labels and undos, gold labels, test-set freezes, queue entries)
is also appended, once committed, as one JSON line to `<db dir>/.framewatch/labels/<db name>.labels.jsonl`:
{"table": "labels", "row": {...}}. Lines are only ever added (one write and an fsync per batch, under a
file lock), so `framewatch recover` can carry every label saved after the last snapshot into the
restored database, and anyone can read the file with any JSON tool. In-memory databases have no export."""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.sqlfiles import sql

log = logging.getLogger(__name__)

EXPORT_DIR = Path(".framewatch") / "labels"
TABLES = ("labels", "gold_labels", "label_test_set", "label_samples")


def export_path(db_path: Path | str) -> Path:
    """Where the labels export of the database at `db_path` lives."""
    db = Path(db_path).absolute()
    return db.parent / EXPORT_DIR / f"{db.name}.labels.jsonl"


def database_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    row = con.execute(sql("analytics/database_file")).fetchone()
    return Path(row[0]) if row and row[0] else None


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def append(con: duckdb.DuckDBPyConnection, table: str, rows: Sequence[dict[str, Any]]) -> Path | None:
    """Append committed `rows` of `table` to the export of `con`'s database file; returns the file. A
    failure to write is logged, never raised: the rows are stored in the database already."""
    if table not in TABLES:
        raise ValueError(f"not a labeling table: {table!r}")
    db = database_file(con)
    if db is None or not rows:
        return None
    path = export_path(db)
    data = "".join(
        json.dumps({"table": table, "row": {k: _plain(v) for k, v in row.items()}}, ensure_ascii=False) + "\n"
        for row in rows
    ).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)  # closing releases the lock
    except OSError as exc:
        log.error(
            "could not append %d %s row(s) to the labels export %s (%s): they are in the database, but "
            "a recovery from a snapshot would not carry them over",
            len(rows),
            table,
            path,
            exc,
        )
        return None
    return path


@dataclass
class ExportContents:
    """Rows of the export by table, and the lines that could not be read (line number, reason)."""

    rows: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t in TABLES})
    bad_lines: list[tuple[int, str]] = field(default_factory=list)


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as fh:
        yield from enumerate(fh, 1)


def read(path: Path | str) -> ExportContents:
    """Everything in an export; a torn or foreign line is listed in `bad_lines`, the rest still read."""
    out = ExportContents()
    for n, raw in _lines(Path(path)):
        if not raw.strip():
            continue
        try:
            entry = json.loads(raw.decode("utf-8"))
            table, row = entry["table"], entry["row"]
            if table not in TABLES or not isinstance(row, dict):
                raise ValueError(f"unknown table {table!r}")
        except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError) as exc:
            out.bad_lines.append((n, f"{type(exc).__name__}: {exc}"))
            continue
        out.rows[table].append(row)
    return out
