"""The `framewatch` command: mounts each package's thin CLI."""

from __future__ import annotations

import logging
import os

import typer

from flows.settings import FlowSettings, configure_runtime
from framewatch.cli import flows as flows_cli
from framewatch.cli import labels as labels_cli
from framewatch.cli import sources as sources_cli
from framewatch.cli import stories as stories_cli
from framewatch.cli import warehouse as warehouse_cli

app = typer.Typer(
    help="framewatch: collect news, score frames / slant / tone, compare outlets over time.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


@app.callback()
def runtime() -> None:
    # Before any command: environment defaults for Prefect and Hugging Face (PREFECT_HOME, offline hub,
    # no telemetry), set before either is imported. Cheap: imports neither.
    configure_runtime(FlowSettings())


for command in (
    flows_cli.app.registered_commands
    + warehouse_cli.app.registered_commands
    + stories_cli.app.registered_commands
):
    app.registered_commands.append(command)


def _mount_classifier() -> None:
    from framewatch.cli import models as classifier_cli
    from framewatch.cli.evaluate import evaluate
    from framewatch.cli.transformer import train_transformer_command

    for command in classifier_cli.app.registered_commands:
        app.registered_commands.append(command)
    for group in classifier_cli.app.registered_groups:
        app.registered_groups.append(group)
    app.command("evaluate")(evaluate)
    app.command("train-transformer")(train_transformer_command)


_mount_classifier()
app.add_typer(sources_cli.app, name="sources")
app.add_typer(labels_cli.app, name="label")


def main() -> None:
    logging.basicConfig(
        level=os.environ.get("FRAMEWATCH_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s"
    )
    app()


if __name__ == "__main__":
    main()
