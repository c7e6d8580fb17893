"""Recovering a damaged warehouse and the labeling work in it: `recover` moves the damaged file aside
(never deleting it) and restores the last snapshot, which predates whatever was labeled since;
`carry_labels` brings those rows into the restored (or fresh) database from the damaged file when it still
reads, and from the append-only labels export, and says where anything it could not carry sits."""

from __future__ import annotations

import logging
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse import labels_export, labels_store
from warehouse.db import WarehouseError, connect, damaged_warehouse, is_lock_error, snapshot_path

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


def _check_opens(path: Path) -> None:
    """Raise duckdb.Error unless `path` opens read-only and its tables can be read."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("select count(*) from schema_migrations").fetchone()
    finally:
        con.close()


def recover(path: Path | str, force: bool = False, stamp: str | None = None) -> list[str]:
    """Recover a damaged warehouse: move the file (and its .wal) aside to <name>.corrupt-<timestamp>,
    never deleting anything, then restore its snapshot (warehouse.db.snapshot_path) when
    it exists and opens, and carry over the labeling work the snapshot lacks (from the damaged file when it
    still reads, and from the labels export). Returns what was done, one line per step. A file that opens
    is left alone unless `force`; so is a file that is not recognisably a warehouse (db.damaged_warehouse:
    not a DuckDB file, no snapshot or labels export by its name) or a DuckDB database without our schema;
    a locked file (a run is writing) and a folder are never touched."""
    path = Path(path)
    done: list[str] = []
    wal = path.with_name(path.name + ".wal")
    aside: Path | None = None
    if path.is_dir():
        raise WarehouseError(
            f"{path} is a folder, not a warehouse file; nothing was moved: give --db the damaged file"
        )
    if path.exists():
        try:
            _check_opens(path)
        except duckdb.CatalogException as exc:  # it opens, as some other DuckDB database
            if not force:
                raise WarehouseError(
                    f"{path} opens as a DuckDB database but is not a framewatch warehouse (no "
                    "schema_migrations table): there is nothing to recover and nothing was moved (--force "
                    "moves it aside all the same)"
                ) from exc
            done.append(f"{path} is not a framewatch warehouse; moving it aside because --force was given")
        except duckdb.Error as exc:
            if is_lock_error(exc):
                raise WarehouseError(
                    f"{path} is locked by another process (a monitoring run is writing): it is in use, "
                    "not damaged. Wait for the run to finish; nothing was moved."
                ) from exc
            why = damaged_warehouse(path)
            if why is None and not force:
                raise WarehouseError(
                    f"{path} does not open and is not recognisably a framewatch warehouse (not a DuckDB "
                    "file, and no snapshot or labels export of one by that name): nothing was moved. If it "
                    "is a warehouse whose header was destroyed, --force moves it aside"
                ) from exc
            done.append(
                f"{path} does not open ({why or 'moved because --force was given'}): "
                f"{' '.join(str(exc).split())}"
            )
        else:
            if not force:
                return [f"{path} opens fine; nothing to recover (use --force to move it aside anyway)"]
            done.append(f"{path} opens fine; moving it aside because --force was given")
        stamp = stamp or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        path.rename(aside)
        done.append(f"moved {path} -> {aside} (kept, never deleted)")
        if wal.exists():
            wal_aside = aside.with_name(aside.name + ".wal")
            wal.rename(wal_aside)
            done.append(f"moved {wal} -> {wal_aside}")
    elif wal.exists():
        stamp = stamp or datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        wal_aside = path.with_name(f"{path.name}.corrupt-{stamp}.wal")
        wal.rename(wal_aside)
        done.append(f"moved orphan {wal} -> {wal_aside}")
    else:
        done.append(f"no database at {path}")
    snapshot = snapshot_path(path)
    restored = False
    if snapshot.exists():
        try:
            _check_opens(snapshot)
        except duckdb.Error as exc:
            done.append(f"snapshot {snapshot} does not open either ({exc}); not restored")
        else:
            tmp = path.with_name(f".{path.name}.restoring")
            shutil.copyfile(snapshot, tmp)
            tmp.replace(path)
            restored = True
            done.append(f"restored {path} from snapshot {snapshot}")
    else:
        done.append(f"no snapshot at {snapshot}")
    done += carry_labels(path, aside)
    if restored:
        done.append(
            "articles collected after the snapshot come back with the next `framewatch monitor` (files you "
            "imported since: import them again); labeling work is carried over as listed above"
        )
    elif not path.exists():
        done.append(
            f"the next `framewatch monitor` (or `framewatch demo --db {path}`) creates a fresh database"
        )
    else:
        done.append(
            f"{path} is a fresh database holding only the labeling work above; the next `framewatch "
            "monitor` collects and scores the articles"
        )
    return done
