"""The one way the warehouse writes: a transaction on its own cursor, optionally over an Arrow table
registered as ``batch``, committed as a whole or rolled back as a whole."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.sqlfiles import statements


@contextmanager
def transaction(
    con: duckdb.DuckDBPyConnection, batch: pa.Table | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor inside ``begin``/``commit``; any exception rolls everything back and propagates.
    ``batch`` (when given) is visible to the statements as the table ``batch``."""
    cur = con.cursor()
    try:
        if batch is not None:
            cur.register("batch", batch)
        cur.execute("begin transaction")
        try:
            yield cur
            cur.execute("commit")
        except BaseException:
            cur.execute("rollback")
            raise
    finally:
        if batch is not None:
            cur.unregister("batch")
        cur.close()


def execute_file(cur: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any] | None = None) -> None:
    """Every statement of warehouse/sql/<name>.sql, each given the ``$params`` it uses."""
    for statement in statements(name):
        cur.execute(statement, {k: v for k, v in (params or {}).items() if k in statement.named_parameters})
