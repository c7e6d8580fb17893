"""Arrow schemas of warehouse tables, read from the tables themselves (the migrations' DDL is the only
description of a table): rows built in Python are converted with exactly the column types DuckDB stores."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

import duckdb
import pyarrow as pa

from warehouse.sqlfiles import sql

_CACHE: dict[tuple[str, tuple[str, ...]], pa.Schema] = {}


def arrow_schema(
    con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[str] | None = None
) -> pa.Schema:
    """The Arrow schema of `table` (all columns in table order, or `columns` in the given order).
    Cached per process: migrations run before any write, and append-only migrations never change a
    column's type in place."""
    key = (table, tuple(columns or ()))
    if key not in _CACHE:
        cur = con.cursor()  # a cursor of its own: a result the caller has not finished reading stays intact
        try:
            known = [row[0] for row in cur.execute(sql("core/table_columns"), [table]).fetchall()]
            if not known:
                raise ValueError(f"no warehouse table {table!r}")
            wanted = list(columns) if columns else known
            unknown = sorted(set(wanted) - set(known))
            if unknown:
                raise ValueError(f"table {table!r} has no column(s) {unknown}")
            # names were checked against the catalog above, so quoting them into the select is safe
            select = ", ".join(f'"{c}"' for c in wanted)
            _CACHE[key] = cur.sql(f'select {select} from "{table}" limit 0').to_arrow_table().schema
        finally:
            cur.close()
    return _CACHE[key]


def arrow_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str] | None = None,
    elsewhere: Collection[str] = (),
) -> pa.Table:
    """`rows` (dicts; a missing key is null) as an Arrow table typed like `table`'s `columns` (default: all
    of them). Map columns take Python dicts. A key that is neither one of those columns nor named in
    `elsewhere` (keys the caller knows another table keeps) raises ValueError naming the key and the
    table: a misspelled key must fail, not lose its value."""
    schema = arrow_schema(con, table, columns)
    known = set(schema.names) | set(elsewhere)
    prepared = []
    for i, row in enumerate(rows):
        unknown = row.keys() - known
        if unknown:
            raise ValueError(
                f"row {i} for table {table!r} has key(s) {sorted(unknown)} that are not among its columns "
                f"written here ({', '.join(schema.names)}); nothing was stored"
            )
        out = {}
        for f in schema:
            value = row.get(f.name)
            if isinstance(value, dict) and pa.types.is_map(f.type):
                value = list(value.items())
            out[f.name] = value
        prepared.append(out)
    return pa.Table.from_pylist(prepared, schema=schema)
