"""The labeling page's access to the warehouse: short-lived connections, one request at a time.

The warehouse is opened per request and closed at once, so a monitoring run can take the write lock
between labels; while it holds it, the page answers 503 (Busy) and the annotator saves again."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import duckdb
from starlette.concurrency import run_in_threadpool

from warehouse.db import WarehouseError, connect

T = TypeVar("T")


class Busy(RuntimeError):
    """The warehouse is locked by another process."""


class Warehouse:
    """Short-lived connections, one request at a time (a DuckDB connection is not thread-safe).
    Pages read through a read-only connection (cheap); saves open a writable one, which also applies
    migrations the first time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._migrated = False

    @contextmanager
    def open(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            writable = write or not self._migrated
            try:
                con = connect(self.path, read_only=not writable)
            except WarehouseError as exc:
                if "locked" in str(exc):
                    raise Busy(str(exc)) from exc
                raise
            self._migrated = self._migrated or writable
            try:
                yield con
            finally:
                if writable:
                    con.execute("checkpoint")
                con.close()

    async def run(self, fn: Callable[[duckdb.DuckDBPyConnection], T], write: bool = False) -> T:
        def work() -> T:
            with self.open(write) as con:
                return fn(con)

        return await run_in_threadpool(work)
