"""The `framewatch` command: mounts each package's thin CLI."""

from __future__ import annotations

import logging
import os

import typer

from flows.settings import FlowSettings, configure_runtime
from framewatch.cli import evaluate as evaluate_cli
from framewatch.cli import flows as flows_cli
from framewatch.cli import labels as labels_cli
from framewatch.cli import models as models_cli
from framewatch.cli import sources as sources_cli
from framewatch.cli import stories as stories_cli
from framewatch.cli import transformer as transformer_cli
from framewatch.cli import warehouse as warehouse_cli
from framewatch.cli.options import Panel

app = typer.Typer(
    help="framewatch: collect news, score frames / slant / tone, compare outlets over time.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="markdown",  # docstring paragraphs reflow to the terminal's width
)


@app.callback()
def runtime() -> None:
    # Before any command: environment defaults for Prefect and Hugging Face (PREFECT_HOME, offline hub,
    # no telemetry), set before either is imported. Cheap: imports neither.
    configure_runtime(FlowSettings())


# One way to register commands: each module registers its own on its Typer app, each with the heading of
# `framewatch --help` it sits under (its rich_help_panel, see options.Panel); every app is mounted here,
# merged into the top level or as a group (`framewatch models ...`), in the order of the help.
for cli in (flows_cli, warehouse_cli, stories_cli, models_cli, evaluate_cli, transformer_cli):
    app.add_typer(cli.app)
app.add_typer(models_cli.models_app, name="models", rich_help_panel=Panel.models)
app.add_typer(labels_cli.app, name="label", rich_help_panel=Panel.labels)
app.add_typer(sources_cli.app, name="sources", rich_help_panel=Panel.sources)


def main() -> None:
    logging.basicConfig(
        level=os.environ.get("FRAMEWATCH_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s"
    )
    app()


if __name__ == "__main__":
    main()
