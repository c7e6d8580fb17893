"""Read the SQL kept in warehouse/sql, warehouse/views and warehouse/migrations."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import duckdb

ROOT = Path(__file__).parent
SQL_DIR = ROOT / "sql"
VIEWS_DIR = ROOT / "views"
MIGRATIONS_DIR = ROOT / "migrations"


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    """The text of warehouse/sql/<feature>/<file>.sql for `name` = '<feature>/<file>' (labels/insert,
    stories/insert_embeddings, ...): one folder per feature (tests/warehouse/test_sqlfiles.py checks that
    every name the code gives resolves and every file is used)."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def migrations() -> list[tuple[str, str]]:
    """(version, sql) for every migration file, in order: '001_init.sql' -> ('001_init', ...)."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(MIGRATIONS_DIR.glob("*.sql"))]


VIEW_LAYERS = ("staging", "intermediate", "marts")


@lru_cache(maxsize=None)
def views() -> tuple[tuple[str, str], ...]:
    """(name, sql) for every view file, layer by layer (staging -> intermediate -> marts), each layer in
    file-name order: 'views/marts/20_frame_share_weekly.sql' -> ('marts/20_frame_share_weekly', ...).
    Files directly under views/ (none today) come first. Read once per process, as `sql` files are: every
    writable open fingerprints them (warehouse.db.ensure_views)."""
    files = sorted(VIEWS_DIR.glob("*.sql"))
    for layer in VIEW_LAYERS:
        files += sorted((VIEWS_DIR / layer).glob("*.sql"))
    return tuple(
        (p.relative_to(VIEWS_DIR).with_suffix("").as_posix(), p.read_text(encoding="utf-8")) for p in files
    )


def statements(name: str) -> list[duckdb.Statement]:
    """The statements of warehouse/sql/<name>.sql as DuckDB's own parser splits them: a ';' inside a
    string literal or a comment does not end a statement. Each knows its `named_parameters`."""
    return duckdb.extract_statements(sql(name))
