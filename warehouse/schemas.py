"""Arrow schemas of warehouse tables, read from the tables themselves: a table is described once, by its
DDL in migrations/*.sql, and every path that builds an Arrow batch for it (inserts, restores) asks here
instead of keeping a copy of its column types."""

from __future__ import annotations

import duckdb
import pyarrow as pa


def table_schema(con: duckdb.DuckDBPyConnection, table: str) -> pa.Schema:
    """The Arrow schema of `table` as the database defines it (every column, in table order). Read on a
    cursor of its own, so that a result the caller has not finished reading stays as it is."""
    cur = con.cursor()
    try:
        return cur.table(table).limit(0).to_arrow_table().schema
    finally:
        cur.close()


def batch_for(con: duckdb.DuckDBPyConnection, table: str, rows: list[dict]) -> pa.Table:
    """`rows` as an Arrow batch of `table`'s schema: a column a row lacks is null, a key that is not a
    column is left out."""
    schema = table_schema(con, table)
    return pa.Table.from_pylist([{c: r.get(c) for c in schema.names} for r in rows], schema=schema)
