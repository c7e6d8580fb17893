"""The query sandbox: analysts' SQL reads the warehouse (or a snapshot) and Parquet files under the allowed
folders, and nothing else. Two locks, each enough on its own for the writes it covers:

1. Only reads run: every statement must be a SELECT (an EXPLAIN only of a SELECT, since EXPLAIN ANALYZE
   executes its statement). COPY ... TO, EXPORT, ATTACH, INSTALL / LOAD, SET, PRAGMA, CALL and DDL/DML are
   refused before anything runs, with the reason.
2. The connection itself: read-only, extension autoinstall/autoload off, file access limited to the
   allowed folders (`allowed_directories` + `enable_external_access = false`), configuration locked so
   the query cannot undo any of it (see PITFALLS.md: COPY TO inside an allowed folder would still write,
   hence lock 1)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

from warehouse.db import WarehouseError, connect, snapshot_path
from warehouse.sqlfiles import statements

log = logging.getLogger(__name__)

READS = {duckdb.StatementType.SELECT}
_EXPLAIN = re.compile(
    r"^(?:\s+|--[^\n]*\n|/\*.*?\*/)*explain\s+(?:\([^)]*\)\s*)?(?:analy[sz]e\s+)?(?P<inner>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_HINTS = {
    "COPY": "COPY writes files; to get Parquet use `framewatch export --out DIR`, or print rows with --json",
    "EXPORT": "EXPORT DATABASE writes files; use `framewatch export --out DIR` or `framewatch snapshot`",
    "ATTACH": "ATTACH opens another database (possibly for writing); query a snapshot directly with "
    "`framewatch query --db <db folder>/.framewatch/snapshots/<db name>-latest.duckdb`",
    "DETACH": "the query runs on one database, opened read-only",
    "LOAD": "INSTALL / LOAD of extensions are off (they would reach the network or run native code)",
    "SET": "settings are locked for analysts' queries",
    "VARIABLE_SET": "settings are locked for analysts' queries",
    "PRAGMA": "PRAGMA changes settings; for table info use `describe TABLE` or `show tables`",
    "CALL": "CALL runs procedures; use SELECT * FROM the table function instead",
    "MULTI": "PIVOT without a column list creates a type; list the values: PIVOT ... ON col IN (...)",
    "CHECKPOINT": "CHECKPOINT writes the database file (every run checkpoints after it writes)",
    "VACUUM": "VACUUM / ANALYZE rewrite the database's statistics",
    "ANALYZE": "VACUUM / ANALYZE rewrite the database's statistics",
    "INSTALL": "INSTALL / LOAD of extensions are off (they would reach the network or run native code)",
    "USE": "the query runs on one database, opened read-only",
    "RESET": "settings are locked for analysts' queries",
}
_LEADING = re.compile(
    r"^(?:\s+|--[^\n]*\n|/\*.*?\*/)*(?:force\s+)?(?P<verb>[a-z_]+)", re.IGNORECASE | re.DOTALL
)


def _verb(text: str, kind: str) -> str:
    """What a statement does, as a person wrote it: its first keyword when DuckDB files it under another
    type (CHECKPOINT is a CALL, USE and RESET are SET, ANALYZE is VACUUM, INSTALL is LOAD)."""
    match = _LEADING.match(text)
    verb = match.group("verb").upper() if match else kind
    return verb if verb in _HINTS else kind


class QueryRefused(WarehouseError):
    """An analyst's query that the sandbox will not run; the message says why and what to do instead."""


def default_dirs(db_path: Path | str) -> list[Path]:
    """Folders analysts may read files from when none are configured: the snapshot folder beside the
    database and the default Parquet export folder (`framewatch export`)."""
    db = Path(db_path).resolve()
    return [snapshot_path(db).parent, Path("framewatch-parquet").resolve()]


def check_reads_only(query: str) -> list[str]:
    """The query's statements, each checked to be a read; raises QueryRefused naming the first that is not."""
    try:
        statements = duckdb.extract_statements(query)
    except duckdb.Error as exc:
        raise WarehouseError(f"query failed: {exc}") from exc
    if not statements:
        raise QueryRefused('empty query: give one SELECT statement, e.g. "select * from outlet_summary"')
    texts = []
    for n, statement in enumerate(statements, 1):
        kind = statement.type
        text = statement.query
        if kind == duckdb.StatementType.EXPLAIN:
            match = _EXPLAIN.match(text)
            inner = []
            if match:
                try:
                    inner = duckdb.extract_statements(match.group("inner"))
                except duckdb.Error:
                    inner = []
            if len(inner) != 1 or inner[0].type not in READS:
                raise QueryRefused(
                    f"query refused: statement {n} explains something that is not a SELECT "
                    "(EXPLAIN ANALYZE would run it); `framewatch query` is read-only and runs only reads"
                )
        elif kind not in READS:
            name = _verb(text, kind.name)
            hint = _HINTS.get(name, "it would change data or settings")
            raise QueryRefused(
                f"query refused: statement {n} is {name}, not a read; `framewatch query` is read-only "
                f"and runs only SELECT (and EXPLAIN of a SELECT): {hint}"
            )
        texts.append(text)
    return texts


def open_sandbox(
    db_path: Path | str, allowed_dirs: Sequence[Path | str], memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A read-only connection to `db_path` that can read files only under `allowed_dirs`, loads no
    extension and cannot change its own settings; `memory_limit` (a DuckDB size, '2GB') caps what its
    queries may hold in memory."""
    config: dict[str, Any] = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = connect(db_path, read_only=True, config=config)
    try:
        folders = [str(Path(d).resolve()).rstrip("/") + "/" for d in allowed_dirs]
        for statement in statements("core/sandbox_lock"):
            con.execute(statement, {"dirs": folders} if "dirs" in statement.named_parameters else None)
    except BaseException:
        con.close()
        raise
    return con


def execute_reads(
    con: duckdb.DuckDBPyConnection, texts: Sequence[str], dirs: Sequence[Path | str]
) -> duckdb.DuckDBPyConnection | None:
    """Run the checked statements `texts` (check_reads_only) on a sandbox connection; the cursor of the
    last one, with its rows still to fetch. A read outside `dirs` or a failure is one clear error. An
    interrupt (duckdb.InterruptException) and running out of memory (duckdb.OutOfMemoryException) are
    raised as they are, for the caller to explain with its limits."""
    cur = None
    for text in texts:
        try:
            cur = con.execute(text)
        except duckdb.PermissionException as exc:
            shown = ", ".join(str(Path(d)) for d in dirs) or "(none)"
            raise QueryRefused(
                f"query refused: it reads a file outside the allowed folders ({shown}). Put the file "
                f"in one of them, or list its folder in FRAMEWATCH_QUERY_DIRS. DuckDB said: "
                f"{str(exc).splitlines()[0]}"
            ) from exc
        except (duckdb.InterruptException, duckdb.OutOfMemoryException):
            raise
        except duckdb.Error as exc:
            hint = ""
            if "read-only" in str(exc).lower() or "read only" in str(exc).lower():
                hint = " (`framewatch query` is read-only: it cannot change the warehouse)"
            raise WarehouseError(f"query failed: {' '.join(str(exc).split())}{hint}") from exc
    return cur


def run_query(
    db_path: Path | str, query: str, allowed_dirs: Sequence[Path | str] | None = None
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run an analyst's SQL in the sandbox, in this process; (columns, rows) of the last statement. The
    command (`framewatch query`) runs it in a process of its own with limits: warehouse.query_limits."""
    texts = check_reads_only(query)
    dirs = list(allowed_dirs) if allowed_dirs is not None else default_dirs(db_path)
    con = open_sandbox(db_path, dirs)
    try:
        try:
            cur = execute_reads(con, texts, dirs)
        except (duckdb.InterruptException, duckdb.OutOfMemoryException) as exc:
            raise WarehouseError(f"query failed: {' '.join(str(exc).split())}") from exc
        if cur is None or cur.description is None:
            return [], []
        return [d[0] for d in cur.description], cur.fetchall()
    finally:
        con.close()
