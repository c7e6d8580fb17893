"""Typed parameters of every flow (validated by Prefect, shown in its UI, stored with each deployment).

Each flow takes the database path plus one model; `monitor` takes one of each so a scheduled run can set
anything a single flow can. Settings that come from the environment (FetchSettings) nest as models."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from flows.analysis.weeks import monday
from flows.sources.settings import FetchSettings


class RunnerParams(BaseModel):
    """Where extraction and scoring tasks run. Only the flow process ever writes DuckDB."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["default", "dask"] = Field(
        "default",
        description="default: in this process (extractor subprocesses, scoring inline); "
        "dask: Prefect tasks on a Dask cluster through prefect-dask.",
    )
    address: str | None = Field(
        None,
        description="Dask scheduler address (tcp://host:8786). None with kind=dask: a temporary "
        "local cluster for this run.",
    )
    n_workers: int = Field(2, ge=1, description="Workers of the temporary local cluster.")
    extract_batch: int = Field(64, ge=1, description="Pages per extraction task sent to a Dask worker.")
    score_batch: int = Field(256, ge=1, description="Articles per scoring task sent to a Dask worker.")
    max_in_flight: int = Field(
        4,
        ge=1,
        description="Scoring tasks queued on the cluster at once (bounds the flow's memory on big backlogs).",
    )
    task_timeout_s: float = Field(
        600.0,
        gt=0,
        description="Longest wait for one Dask task's answer. A scoring batch past it (a stuck or lost "
        "worker) and every later batch of the run are scored in the flow process; an extraction batch past "
        "it fails its pages for this run (the next run fetches them again).",
    )


class CollectParams(BaseModel):
    """What to collect: the sources registry's feeds and/or bulk files."""

    model_config = ConfigDict(extra="forbid")

    sources_path: str | None = Field(None, description="Sources TOML (outlets and feeds); None: no feeds.")
    import_paths: list[str] = Field(
        default_factory=list, description="JSONL/CSV/Parquet/.txt files to import."
    )
    import_outlet: str | None = Field(None, description="Outlet id for imported rows without an `outlet`.")
    max_items_per_feed: int | None = Field(None, ge=1, description="At most this many items per feed.")
    fetch: FetchSettings = Field(
        default_factory=FetchSettings, description="Politeness, timeouts, extraction."
    )


class ScoreParams(BaseModel):
    """Which model scores the articles that have no prediction from it yet."""

    model_config = ConfigDict(extra="forbid")

    model_version: str | None = Field(None, description="Model version; None: the promoted one.")
    batch_size: int = Field(64, ge=1, description="Articles per scoring call in the default runner.")


class ReportParams(BaseModel):
    """Stories, shifts, marts, the read-only snapshot and the run summary."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("week")
    @classmethod
    def _a_monday(cls, value: str | None) -> str | None:
        if value is not None:
            monday(date.fromisoformat(value))  # a clear error naming the Monday to use
        return value

    snapshot_dir: str | None = Field(
        None, description="Where snapshots go; None: .framewatch/snapshots beside the database file."
    )
    week: str | None = Field(
        None, description="Monday (YYYY-MM-DD) of the week to check for shifts; None: the latest week."
    )
    topics_file: str | None = Field(
        None, description="Topic taxonomy (TOML); None: FRAMEWATCH_TOPICS_FILE or the bundled topics.toml."
    )


class RetrainParams(BaseModel):
    """When monitor should start a retraining turn (the retrain flow's own settings live in RetrainConfig)."""

    model_config = ConfigDict(extra="forbid")

    min_new_gold: int = Field(
        0,
        ge=0,
        description="Retrain when at least this many gold labels were added "
        "since the last retrain run; 0: monitor never retrains.",
    )
    rescore_days: int = Field(90, ge=0, description="After a promotion, re-score articles this recent.")
