"""The options several commands share, each declared once with one help text, and the one place that
turns an option left out into its default (the FRAMEWATCH_* settings)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer


class Panel:
    """The headings that `framewatch --help` groups its commands under."""

    run = "Run"
    read = "Read the warehouse"
    models = "Models"
    labels = "Labels"
    sources = "Sources"


class Runner(str, Enum):
    default = "default"
    dask = "dask"


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB file (default: FRAMEWATCH_DB_PATH or ./framewatch.duckdb)."),
]
ModelsDirOption = Annotated[
    Path | None,
    typer.Option(
        "--models-dir", help="Folder of model versions (default: FRAMEWATCH_MODELS_DIR or classifier/models)."
    ),
]
ModelOption = Annotated[
    str | None, typer.Option("--model", help="Model version (default: the promoted one).")
]
SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources",
        help="Sources registry TOML (default: FRAMEWATCH_SOURCES or the bundled flows/sources/sources.toml).",
    ),
]
RunnerOption = Annotated[
    Runner,
    typer.Option(
        "--runner",
        help="Where extraction and scoring run: in this process (default) or on Dask through prefect-dask.",
    ),
]
AddressOption = Annotated[
    str | None,
    typer.Option(
        "--address",
        help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default with --runner dask: a temporary "
        "local cluster).",
    ),
]
WorkersOption = Annotated[int, typer.Option("--workers", help="Workers of the temporary local Dask cluster.")]


def resolve_db(db: Path | None) -> Path:
    """The warehouse file: --db, else FRAMEWATCH_DB_PATH, else ./framewatch.duckdb."""
    from warehouse.settings import WarehouseSettings

    return db or WarehouseSettings().db_path


def resolve_models_dir(models_dir: Path | None) -> Path:
    """The model registry: --models-dir, else FRAMEWATCH_MODELS_DIR, else classifier/models."""
    from classifier.settings import ClassifierSettings

    return models_dir or ClassifierSettings().models_dir


def resolve_sources(sources: Path | None) -> Path:
    """The sources registry: --sources, else FRAMEWATCH_SOURCES, else the bundled one."""
    from flows.settings import FlowSettings

    return sources or FlowSettings().sources


BIGGEST = 2**62  # past this a count means "all": DuckDB's LIMIT takes a BIGINT


def at_least(option: str, value: int, lowest: int) -> int:
    """`value` of `option`, refused in one line when under `lowest`; a huge one means all (BIGGEST)."""
    if value < lowest:
        from framewatch.cli.console import fail

        fail(f"{option} must be {lowest} or more, got {value}")
    return min(value, BIGGEST)
