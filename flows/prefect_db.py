"""A new PREFECT_HOME starts from a copy of a database Prefect already created, instead of creating one.

On a PREFECT_HOME without a database, Prefect's server first creates it (every migration, then its block
types): 10.1 s to a healthy API on a 2-core AVX2 machine instead of 4.2-4.8 s with a database in place.
Every new home pays that: an analyst's first run, `make demo`, each test with a home of its own. So the
first server of a Prefect version that comes up on a new database leaves a copy of it (SQLite's backup
API: a consistent snapshot, taken before any flow runs) in a cache folder, keyed by Prefect's version;
later new homes get that copy before their server starts. Nothing is copied over an existing database,
nor when Prefect is pointed at another database (PREFECT_API_DATABASE_CONNECTION_URL), nor from a copy
that is not a migrated Prefect database. The server that starts on a fresh copy with its block types skips
checking the migrations and registering the block types again (flows.temporary_api.SEEDED_ENV: 1.9 s of
its start here); later starts on that home check them as on any database. Imports nothing of Prefect."""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from importlib import metadata
from pathlib import Path

log = logging.getLogger(__name__)

DB_NAME = "prefect.db"  # Prefect's default database file in PREFECT_HOME


def cache_dir(explicit: Path | None = None) -> Path:
    """Where the copies live: `explicit` (FRAMEWATCH_PREFECT_DB_CACHE, FlowSettings.prefect_db_cache),
    else $XDG_CACHE_HOME (~/.cache)/framewatch/prefect-db."""
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "framewatch" / "prefect-db"


def template_path(cache: Path | None = None) -> Path | None:
    """The copy for the installed Prefect version (None without Prefect)."""
    try:
        version = metadata.version("prefect")
    except metadata.PackageNotFoundError:
        return None
    return cache_dir(cache) / f"prefect-{version}.db"


def database_setting() -> str:
    """The database Prefect is told to use instead of PREFECT_HOME's (empty: PREFECT_HOME's)."""
    return os.environ.get("PREFECT_API_DATABASE_CONNECTION_URL") or os.environ.get(
        "PREFECT_SERVER_DATABASE_CONNECTION_URL", ""
    )


def home_database(home: Path) -> Path | None:
    """PREFECT_HOME's database file, or None when Prefect is told to use another database."""
    return None if database_setting() else home / DB_NAME


def _answers(path: Path, query: str) -> bool:
    """Whether `query`'s first value in the SQLite database `path` is set (False when it cannot be read)."""
    try:
        con = sqlite3.connect(path)  # only read (read-only mode cannot read a WAL database it may not write)
        try:
            row = con.execute(query).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return False
    return bool(row and row[0])


def _migrated(path: Path) -> bool:
    """Whether `path` is an SQLite database that Prefect's migrations have run on."""
    return _answers(path, "select version_num from alembic_version")


def has_block_types(path: Path) -> bool:
    """Whether Prefect's server registered its block types in the database `path` (it does so on its first
    start, before it answers)."""
    return _answers(path, "select count(*) from block_type")


def seed(home: Path, cache: Path | None = None) -> bool:
    """Copy the cached database (in `cache`, see cache_dir) into a PREFECT_HOME that has none; True when
    it did."""
    target, template = home_database(home), template_path(cache)
    if target is None or template is None or target.exists() or not template.is_file():
        return False
    if not _migrated(template):
        log.warning("ignoring %s: not a migrated Prefect database", template)
        return False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        return _copy(template, target)
    except (OSError, sqlite3.Error):
        log.warning("could not copy %s to %s; Prefect creates its database", template, target, exc_info=True)
        return False


def keep(home: Path, cache: Path | None = None) -> None:
    """Save a copy of the database a server has just created in `home` (call once it answers, before any
    flow runs) in `cache` (see cache_dir), unless the version's copy exists. Never fails the command."""
    source, template = home_database(home), template_path(cache)
    if source is None or template is None or template.exists() or not source.is_file():
        return
    try:
        template.parent.mkdir(parents=True, exist_ok=True)
        if _migrated(source):
            _copy(source, template)
    except (OSError, sqlite3.Error):
        log.warning("could not keep a copy of %s in %s", source, template, exc_info=True)


def _copy(source: Path, target: Path) -> bool:
    """A consistent copy of an SQLite database (also while another process writes it), put in place at once
    and never over a file: False when `target` exists by then (another command on the same home started
    its server meanwhile: its database stays as it is)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    try:
        src = sqlite3.connect(source)  # only read
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        try:
            os.link(tmp, target)  # fails when target exists, unlike a rename
        except FileExistsError:
            return False
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
