"""Opening the warehouse from a command: a file that cannot be opened, or a table it does not have yet,
ends in one line that says what to do, never in a traceback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from framewatch.cli.console import fail
from warehouse.db import WarehouseError, connect


@contextmanager
def reading(
    path: Path, no_tables: Callable[[duckdb.CatalogException], str] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse at `path`, read-only, closed after the block. When it cannot be opened: the reason,
    in one line; when the block reads a table it lacks (CatalogException) and `no_tables` is given: the
    line `no_tables` makes of it."""
    try:
        con = connect(path, read_only=True)
    except WarehouseError as exc:
        fail(str(exc))
    try:
        yield con
    except duckdb.CatalogException as exc:
        if no_tables is None:
            raise
        fail(no_tables(exc))
    finally:
        con.close()
