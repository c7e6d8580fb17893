"""Warehouse settings: one typed place, read from FRAMEWATCH_* environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class WarehouseSettings(BaseSettings):
    """Where the DuckDB file lives and what analysts' queries may read. Built where the program starts;
    importing does nothing."""

    model_config = SettingsConfigDict(env_prefix="FRAMEWATCH_", extra="ignore")

    db_path: Path = Field(Path("framewatch.duckdb"), description="The DuckDB file the flows write to.")
    query_dirs: Annotated[list[Path], NoDecode] = Field(
        default_factory=list,
        description="Folders `framewatch query` may read files from (read_parquet, read_csv, ...), "
        f"separated by {os.pathsep!r}; empty: the snapshot folder beside the database and "
        "./framewatch-parquet.",
    )

    query_timeout_s: float = Field(
        120.0, gt=0, description="`framewatch query` stops a query that runs longer (seconds)."
    )
    query_memory_limit: str = Field(
        "2GB", description="Memory one `framewatch query` may use (a DuckDB size: 2GB, 500MB)."
    )
    query_max_rows: int = Field(
        100_000, gt=0, description="Rows `framewatch query` fetches at most, even with --limit 0."
    )

    def query_limits(self) -> Any:
        """The limits of analysts' queries (warehouse.query_limits.QueryLimits)."""
        from warehouse.query_limits import QueryLimits

        return QueryLimits(self.query_timeout_s, self.query_memory_limit, self.query_max_rows)

    @field_validator("query_dirs", mode="before")
    @classmethod
    def _split_dirs(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [Path(p) for p in value.split(os.pathsep) if p.strip()]
        return value
