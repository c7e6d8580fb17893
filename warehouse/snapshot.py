"""Read-only copies for analysts, so they never wait for the writer's lock.

`publish_snapshot` checkpoints the warehouse and copies the file to
<db folder>/.framewatch/snapshots/<db name>-latest.duckdb atomically (temporary file + os.replace): an
analyst who has the old snapshot open keeps reading it; the next open sees the new one. `export_parquet`
writes the marts and the article-level scores as Parquet, the scores partitioned by month and outlet (hive
layout), into a folder that holds nothing but its own files (warehouse.export_folder)."""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
from pathlib import Path

import duckdb

from warehouse import export_folder
from warehouse.db import WarehouseError, connect, snapshot_path
from warehouse.marts import marts_fresh, refresh_marts
from warehouse.sqlfiles import sql

log = logging.getLogger(__name__)

SNAPSHOT_MODE = 0o644  # other analysts on the machine read it (mkstemp would leave it 0600)
# Small tables and marts exported whole (one Parquet file each); article scores are partitioned.
EXPORT_WHOLE = (
    "outlets",
    "stories",
    "threads",
    "story_comparison",
    "story_coverage",
    "story_blindspots",
    "shift_alerts",
    "frame_share",
    "frame_lift",
    "frame_share_change",
    "slant_share",
    "topic_coverage_weekly",
    "outlet_summary",
    "frame_share_weekly",
    "frame_share_monthly",
    "slant_tone_weekly",
    "outlet_vs_baseline",
    "outlet_vs_peers",
)


def _db_file(con: duckdb.DuckDBPyConnection) -> Path:
    row = con.execute(sql("analytics/database_file")).fetchone()
    if row is None or not row[0]:
        raise WarehouseError("this connection is not to a database file (in-memory?): nothing to snapshot")
    return Path(row[0])


def publish_snapshot(
    con_or_path: duckdb.DuckDBPyConnection | Path | str, dest: Path | str | None = None
) -> Path:
    """Copy the warehouse atomically to `dest` (a .duckdb file, or a folder that gets <db name>-latest.duckdb;
    default: warehouse.db.snapshot_path, beside the database), readable by every local user. With a
    writable connection (the flow's), the marts are refreshed first when stale, then CHECKPOINT, so the copy
    is complete and fast to query. With a path, the file must not be open for writing elsewhere."""
    source = (
        _db_file(con_or_path) if isinstance(con_or_path, duckdb.DuckDBPyConnection) else Path(con_or_path)
    )
    default = snapshot_path(source)
    dest = Path(dest) if dest is not None else default
    if dest.suffix != ".duckdb":
        dest = dest / default.name
    dest.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        con = con_or_path
        if not marts_fresh(con):
            refresh_marts(con)
        con.execute("checkpoint")
        _copy(_db_file(con), dest)
    else:
        con = connect(Path(con_or_path))
        try:
            if not marts_fresh(con):
                refresh_marts(con)
            con.execute("checkpoint")
        finally:
            con.close()
        _copy(Path(con_or_path), dest)
    log.info("published snapshot %s", dest)
    return dest


TEMP_PREFIX, TEMP_SUFFIX = ".snapshot-", ".duckdb"


def remove_stale_copies(folder: Path | str) -> list[Path]:
    """Remove the temporary copies (`.snapshot-*.duckdb`) that a publisher killed mid-copy left in
    `folder`; returns them. A copy being written holds an flock on its file, so one that can be locked is
    nobody's: no clock involved."""
    removed = []
    for tmp in Path(folder).glob(f"{TEMP_PREFIX}*{TEMP_SUFFIX}"):
        try:
            fd = os.open(tmp, os.O_RDONLY)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live publisher is writing it
        else:
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
        finally:
            os.close(fd)
    if removed:
        log.warning("removed %d temporary snapshot copies left by a killed run: %s", len(removed), removed)
    return removed


def _copy(source: Path, dest: Path) -> None:
    remove_stale_copies(dest.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # held until published: remove_stale_copies leaves it alone
        with source.open("rb") as src, open(fd, "wb", closefd=False) as out:
            shutil.copyfileobj(src, out, 1 << 20)
        check = duckdb.connect(str(tmp), read_only=True)  # refuse to publish a copy that does not open
        try:
            check.execute("select count(*) from schema_migrations").fetchone()
        finally:
            check.close()
        os.chmod(tmp, SNAPSHOT_MODE)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


def export_parquet(
    db_path: Path | str, out_dir: Path | str, partition_by: tuple[str, ...] = ("month", "outlet_id")
) -> Path:
    """Write Parquet for tools that do not speak DuckDB:
    out_dir/article_scores/month=.../outlet_id=.../*.parquet (article-level current-model scores) and
    out_dir/<name>.parquet for the marts in EXPORT_WHOLE. Reads a snapshot or an idle warehouse
    read-only. Writes only its own files (warehouse.export_folder): a new or empty folder, or one a previous
    export wrote, whose files it replaces; any other folder is refused before anything is written."""
    out_dir = Path(out_dir)
    target = out_dir.absolute()  # `.` too has a parent to stage in
    previous = export_folder.check_target(target, EXPORT_WHOLE)
    con = connect(db_path, read_only=True)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.export-", dir=target.parent))
        try:
            con.sql(sql("analytics/export_article_scores")).write_parquet(
                str(staging / export_folder.SCORES_DIR), partition_by=list(partition_by), overwrite=True
            )
            for name in EXPORT_WHOLE:
                con.sql(sql("analytics/export_relation"), params=[name]).write_parquet(
                    str(staging / f"{name}.parquet")
                )
            export_folder.install(staging, target, previous, Path(db_path))
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # ours: gone once installed, or on failure
    finally:
        con.close()
    log.info("exported Parquet to %s", out_dir)
    return out_dir
