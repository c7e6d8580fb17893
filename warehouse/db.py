"""The only code that opens the DuckDB file: connect, migrate, create views, start new files from an empty
warehouse, explain failures."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from warehouse.sqlfiles import migrations, sql, views
from warehouse.transaction import execute_file

log = logging.getLogger(__name__)


class WarehouseError(RuntimeError):
    """A database problem explained for a person: what happened and what to do."""


def connect(
    path: Path | str, read_only: bool = False, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse. A writable connection is migrated and its views brought up to date (recreated
    when the view files changed or a migration was applied: `ensure_views`). `config`: DuckDB
    settings applied at connect (the query sandbox turns extension autoloading off this way)."""
    path = Path(path)
    if read_only and not path.exists():
        raise WarehouseError(
            f"no database at {path}: run `framewatch demo` or `framewatch monitor` first, "
            "or point FRAMEWATCH_DB_PATH at an existing file"
        )
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            start_from_template(path)
    if path.is_dir():
        raise WarehouseError(
            f"{path} is a folder, not a database file: point --db or FRAMEWATCH_DB_PATH at the warehouse file"
        )
    try:
        con = duckdb.connect(str(path), read_only=read_only, config=config or {})
    except duckdb.Error as exc:
        msg = " ".join(str(exc).split())
        if is_lock_error(exc):
            raise _locked(path, exc) from exc
        why = damaged_warehouse(path)
        if why is None:
            raise WarehouseError(
                f"cannot open {path}: {msg}. It is not a framewatch warehouse (not a DuckDB file, and no "
                "snapshot or labels export of one by that name): point --db or FRAMEWATCH_DB_PATH at the "
                "warehouse file"
            ) from exc
        raise WarehouseError(
            f"cannot open {path} ({why}): {msg}. If the file is damaged, move it aside and restore the "
            f"latest snapshot: `framewatch recover --db {path}` does both (it never deletes the file); "
            "the next `framewatch monitor` fills in what is missing."
        ) from exc
    if not read_only:
        try:
            ensure_views(con, migrated=bool(migrate(con)))
        except (duckdb.Error, WarehouseError) as exc:
            con.close()
            if is_lock_error(exc):
                raise _locked(path, exc) from exc  # another process took the file between connect and commit
            raise
    return con


def is_lock_error(exc: BaseException) -> bool:
    """Whether DuckDB refused because another process holds the file's lock (not a damaged file, whose
    messages mention a 'block')."""
    text = str(exc).lower()
    return "conflicting lock" in text or "could not set lock" in text


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of every DuckDB database file


def damaged_warehouse(path: Path | str) -> str | None:
    """Why `path`, a file that does not open, is recognisably a warehouse of ours (so `framewatch recover`
    may move it aside): it is a DuckDB file (its header says so), or a snapshot or labels export of a
    warehouse by its name sits beside it. None: nothing says it is one (a copy of /etc/passwd, a CSV)."""
    from warehouse.labels_export import export_path

    path = Path(path)
    try:
        with path.open("rb") as fh:
            if fh.read(12)[8:12] == DUCKDB_MAGIC:
                return "a DuckDB file"
    except OSError:
        return None
    if snapshot_path(path).is_file():
        return f"its snapshot {snapshot_path(path)} exists"
    if export_path(path).is_file():
        return f"its labels export {export_path(path)} exists"
    return None


def _locked(path: Path, exc: BaseException) -> WarehouseError:
    return WarehouseError(
        f"{path} is locked by another process (a monitoring run is writing). "
        "Wait for it to finish, or query the read-only snapshot the run publishes. "
        f"DuckDB said: {' '.join(str(exc).split())}"
    )


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


def views_fingerprint() -> str:
    """sha256 over the view files' names and texts, in the order they are created."""
    digest = hashlib.sha256()
    for name, text in views():
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()


def ensure_views(con: duckdb.DuckDBPyConnection, migrated: bool = False) -> bool:
    """Recreate the views (`refresh_views`) unless they were last created from the same view files (the
    fingerprint kept in view_state), every one of them is there, and no migration was just applied (a
    changed table rebinds its views). True when it recreated them. Recreating takes 0.2-0.3 s; a writable
    open that finds them current takes a few milliseconds."""
    fingerprint = views_fingerprint()
    stored, n_then, n_now = con.execute(sql("core/view_fingerprint")).fetchone() or (None, 0, 0)
    if not migrated and stored == fingerprint and n_now >= n_then:
        return False
    refresh_views(con)
    execute_file(con, "core/record_view_fingerprint", {"fingerprint": fingerprint})
    return True


def refresh_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view, staging -> intermediate -> marts. Views never change meaning: the mart views
    read the mart tables that warehouse.marts.refresh_marts keeps up to date after every run."""
    for name, text in views():
        try:
            con.execute(text)
        except duckdb.Error as exc:
            raise WarehouseError(f"view file warehouse/views/{name}.sql failed: {exc}") from exc


IN_MEMORY = ":memory:"  # DuckDB's name for a database without a file (warehouse.estimate uses one)
_TEMPLATES: dict[str, bytes] = {}  # template key -> the bytes of an empty warehouse of that schema
_TEMPLATE_LOCK = threading.Lock()


def template_key() -> str:
    """What an empty warehouse is made of: DuckDB's version, the migrations and the view files."""
    digest = hashlib.sha256(f"duckdb {duckdb.__version__}\0".encode())
    for version, text in migrations():
        digest.update(f"{version}\0{text}\0".encode())
    digest.update(views_fingerprint().encode())
    return digest.hexdigest()


def _template() -> bytes:
    """The bytes of an empty warehouse (every migration applied, every view created, checkpointed), built
    once per process in a temporary folder that is removed as soon as the file is read, so a process
    killed later (SIGKILL runs no exit handler) leaves nothing in the temp folder; built again when the
    schema files change."""
    key = template_key()
    with _TEMPLATE_LOCK:
        if key not in _TEMPLATES:
            with tempfile.TemporaryDirectory(prefix="framewatch-warehouse-") as folder:
                built = Path(folder) / "empty.duckdb"
                con = duckdb.connect(str(built))
                try:
                    ensure_views(con, migrated=bool(migrate(con)))
                    con.execute("checkpoint")
                finally:
                    con.close()
                _TEMPLATES[key] = built.read_bytes()
        return _TEMPLATES[key]


def start_from_template(path: Path) -> bool:
    """Create the new warehouse file `path` as a copy of this process's empty one (`_template`), instead
    of applying every migration and creating every view on it: 0.07 s instead of 0.45 s on a 2-core AVX2
    machine, for each new file after a process's first (a test suite makes hundreds). The copy is linked
    into place only if no file is there yet (another process may have created one meanwhile), so nothing
    is ever overwritten. False when it was not copied (a file is there, no hard links here, the template
    could not be built, or `path` is DuckDB's in-memory database, which has no file): the open then
    creates the database itself, with the same error it would give."""
    if str(path).startswith(IN_MEMORY):
        return False
    staging = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    made = False  # only a staging file this call created is removed (one a killed run left stays)
    try:
        with open(staging, "xb") as out:
            made = True
            out.write(_template())
        os.link(staging, path)
        return True
    except (OSError, duckdb.Error, WarehouseError) as exc:
        log.debug("new warehouse %s not copied from the template: %s", path, exc)
        return False
    finally:
        if made:
            staging.unlink(missing_ok=True)


SNAPSHOT_DIR = Path(".framewatch") / "snapshots"


def snapshot_path(db_path: Path | str) -> Path:
    """Where the read-only snapshot of the warehouse `db_path` lives, whoever writes it (the report flow,
    `framewatch snapshot`) and whoever reads it (`recover`, the query sandbox): beside the database, named
    after it, so two warehouses in one folder never overwrite each other's snapshot."""
    db = Path(db_path).resolve()
    return db.parent / SNAPSHOT_DIR / f"{db.stem}-latest.duckdb"
