"""Another process that holds DuckDB's write lock on a warehouse file, as a monitoring run does while it
writes: it opens the file, says so, and keeps it open until the test closes its stdin (no clock involved)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOLD = "import duckdb, sys; con = duckdb.connect(sys.argv[1]); print('holding', flush=True); sys.stdin.read()"


@contextmanager
def lock_held(path: Path) -> Iterator[None]:
    """While the block runs, another process holds the write lock on `path` (an existing database)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        yield
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=120)
