"""Labeling work through a recovery: `recover` restores the last snapshot, which predates whatever was
labeled since; this carries those rows into the restored (or fresh) database from the damaged file when
it still reads, and from the append-only labels export, and says where anything it could not carry sits."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb

from warehouse import labels_export, labels_store
from warehouse.db import connect

log = logging.getLogger(__name__)

NAMES = {
    "labels": "label/undo rows",
    "gold_labels": "gold labels",
    "label_test_set": "test-set articles",
    "label_samples": "queue entries",
}


def _from_damaged(aside: Path) -> dict[str, list[dict]] | None:
    """The labeling rows of the damaged file, or None when it does not open."""
    try:
        con = connect(aside, read_only=True)
    except Exception:  # noqa: BLE001 - any failure means: not readable, say so
        return None
    try:
        return labels_store.rows_in_database(con)
    except duckdb.Error:
        return None
    finally:
        con.close()


def carry_labels(path: Path, aside: Path | None) -> list[str]:
    """Restore into `path` the labeling rows it lacks, from `aside` (the damaged file, when it reads) and
    from the labels export; one line per finding."""
    export = labels_export.export_path(path)
    lines: list[str] = []
    sources: list[tuple[str, dict[str, list[dict]]]] = []
    if aside is not None and aside.exists():
        rows = _from_damaged(aside)
        if rows is None:
            lines.append(
                f"the damaged file {aside} does not open, so labels are carried from the export only"
            )
        else:
            sources.append((f"the damaged file {aside}", rows))
    if export.exists():
        contents = labels_export.read(export)
        sources.append((f"the labels export {export}", contents.rows))
        if contents.bad_lines:
            shown = ", ".join(str(n) for n, _why in contents.bad_lines[:10])
            lines.append(
                f"{len(contents.bad_lines)} line(s) of {export} could not be read (line {shown}); they stay "
                "in that file, nothing else was carried from them"
            )
    elif aside is not None:
        lines.append(
            f"no labels export at {export}: labels saved after the snapshot, if any, are only in {aside} "
            "(open it with duckdb read-only if it opens)"
        )
    if not any(any(rows.values()) for _where, rows in sources):
        return lines
    con = connect(path)
    try:
        total = dict.fromkeys(NAMES, 0)
        for where, rows in sources:
            added = labels_store.restore_rows(con, rows)
            for table, n in added.items():
                total[table] += n
            if any(added.values()):
                log.info("recover: carried %s from %s", added, where)
        orphans = labels_store.orphaned_labels(con)
        con.execute("checkpoint")
    finally:
        con.close()
    what = ", ".join(f"{n} {NAMES[t]}" for t, n in total.items())
    lines.append(
        f"carried over labeling work the snapshot lacked: {what} (from {', '.join(w for w, _r in sources)})"
    )
    if orphans:
        lines.append(
            f"{orphans} standing labels belong to articles not in the restored database: they show again "
            "when the next `framewatch monitor` collects (or `framewatch import` brings back) those articles"
        )
    return lines
