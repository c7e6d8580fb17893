"""The only code that opens the DuckDB file: connect, migrate, create views, explain failures."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from warehouse.sqlfiles import migrations, views

log = logging.getLogger(__name__)


class WarehouseError(RuntimeError):
    """A database problem explained for a person: what happened and what to do."""


def connect(
    path: Path | str, read_only: bool = False, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. A writable connection is migrated and its views refreshed. `config`: DuckDB
    settings applied at connect (the query sandbox turns extension autoloading off this way)."""
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError(
            f"no database at {path}: run `framewatch demo` or `framewatch monitor` first, "
            "or point FRAMEWATCH_DB_PATH at an existing file"
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config or {})
    except duckdb.IOException as exc:
        msg = " ".join(str(exc).split())
        if "lock" in msg.lower():
            raise WarehouseError(
                f"{path} is locked by another process (a monitoring run is writing). "
                "Wait for it to finish, or query the read-only snapshot the run publishes. "
                f"DuckDB said: {msg}"
            ) from exc
        raise WarehouseError(
            f"cannot open {path}: {msg}. If the file is damaged, move it aside and restore the latest "
            f"snapshot: `framewatch recover --db {path}` does both (it never deletes the file); "
            "the next `framewatch monitor` fills in what is missing."
        ) from exc
    except duckdb.Error as exc:
        raise WarehouseError(
            f"{path} is not a readable DuckDB database ({' '.join(str(exc).split())}). Move it aside and "
            f"restore the latest snapshot: `framewatch recover --db {path}` does both (it never deletes "
            "the file); or start a fresh file with FRAMEWATCH_DB_PATH."
        ) from exc
    if not read_only:
        migrate(con)
        refresh_views(con)
    return con


def ensure_writable(path: Path | str) -> None:
    """Raise WarehouseError (locked: another run is writing; damaged: how to recover) unless `path` can be
    opened for writing now. Flows check this before they start, so a second concurrent run gets one
    clear line instead of a failed flow run."""
    path = Path(path)
    if path.exists():
        connect(path).close()


@contextmanager
def open_db(path: Path | str, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(path, read_only=read_only)
    try:
        yield con
    finally:
        if not read_only:
            con.execute("checkpoint")
        con.close()


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every migration not yet recorded in schema_migrations, each in its own transaction."""
    con.execute(
        "create table if not exists schema_migrations ("
        " version varchar primary key, applied_at timestamp not null default current_timestamp)"
    )
    done = {row[0] for row in con.execute("select version from schema_migrations").fetchall()}
    applied = []
    for version, text in migrations():
        if version in done:
            continue
        con.execute("begin transaction")
        try:
            con.execute(text)
            con.execute("insert into schema_migrations (version) values (?)", [version])
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        log.info("applied migration %s", version)
        applied.append(version)
    return applied


def refresh_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view, staging -> intermediate -> marts, on the live tables (always correct).
    warehouse.marts.refresh_marts later points the intermediate layer at materialized rollups."""
    for name, text in views():
        try:
            con.execute(text)
        except duckdb.Error as exc:
            raise WarehouseError(f"view file warehouse/views/{name}.sql failed: {exc}") from exc


SNAPSHOT_RELPATH = Path(".framewatch") / "snapshots" / "framewatch-latest.duckdb"


def _check_opens(path: Path) -> None:
    """Raise duckdb.Error unless `path` opens read-only and its tables can be read."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        con.execute("select count(*) from schema_migrations").fetchone()
    finally:
        con.close()


def recover(path: Path | str, force: bool = False, stamp: str | None = None) -> list[str]:
    """Recover a damaged warehouse: move the file (and its .wal) aside to <name>.corrupt-<timestamp>,
    never deleting anything, then restore <db dir>/.framewatch/snapshots/framewatch-latest.duckdb when
    it exists and opens, and carry over the labeling work the snapshot lacks (from the damaged file when it
    still reads, and from the labels export). Returns what was done, one line per step. A file that opens
    is left alone unless `force`; a locked file (a run is writing) is never touched."""
    from warehouse.recovery import carry_labels

    path = Path(path)
    done: list[str] = []
    wal = path.with_name(path.name + ".wal")
    aside: Path | None = None
    if path.exists():
        try:
            _check_opens(path)
        except duckdb.Error as exc:
            if "lock" in str(exc).lower():
                raise WarehouseError(
                    f"{path} is locked by another process (a monitoring run is writing): it is in use, "
                    "not damaged. Wait for the run to finish; nothing was moved."
                ) from exc
            done.append(f"{path} does not open: {' '.join(str(exc).split())}")
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
    snapshot = path.parent / SNAPSHOT_RELPATH
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
