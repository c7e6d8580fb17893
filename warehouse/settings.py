"""Warehouse settings: one typed place, read from FRAMEWATCH_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WarehouseSettings(BaseSettings):
    """Where the DuckDB file lives. Built where the program starts; importing does nothing."""

    model_config = SettingsConfigDict(env_prefix="FRAMEWATCH_", extra="ignore")

    db_path: Path = Field(Path("framewatch.duckdb"), description="The DuckDB file the flows write to.")
