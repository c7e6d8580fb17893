"""Read the SQL kept in warehouse/sql, warehouse/views and warehouse/migrations."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).parent
SQL_DIR = ROOT / "sql"
VIEWS_DIR = ROOT / "views"
MIGRATIONS_DIR = ROOT / "migrations"


@lru_cache(maxsize=None)
def sql(name: str) -> str:
    """The text of warehouse/sql/<name>.sql."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def migrations() -> list[tuple[str, str]]:
    """(version, sql) for every migration file, in order: '001_init.sql' -> ('001_init', ...)."""
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(MIGRATIONS_DIR.glob("*.sql"))]


def views() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(VIEWS_DIR.glob("*.sql"))]


def statements(name: str) -> list[str]:
    """The statements of warehouse/sql/<name>.sql, comment lines dropped, split on ';'."""
    body = "\n".join(line for line in sql(name).splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]
