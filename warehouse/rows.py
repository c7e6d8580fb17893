"""Reading rows: the one row of a query that always returns one (an aggregate, a count)."""

from __future__ import annotations

from typing import Any

import duckdb


class NoRowError(RuntimeError):
    """A query that should return one row returned none."""


def one_row(con: duckdb.DuckDBPyConnection, statement: str, params: Any = None) -> tuple[Any, ...]:
    """The single row of a query that always returns one (an aggregate, a count)."""
    row = (
        con.execute(statement, params).fetchone() if params is not None else con.execute(statement).fetchone()
    )
    if row is None:
        raise NoRowError(f"expected one row from: {' '.join(statement.split())[:120]}")
    return row
