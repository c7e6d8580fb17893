"""The `framewatch` command: mounts each package's thin CLI."""

from __future__ import annotations

import logging
import os
from typing import NoReturn

import typer

from flows.settings import FlowSettings, configure_runtime, ran_flows
from framewatch.cli import evaluate as evaluate_cli
from framewatch.cli import flows as flows_cli
from framewatch.cli import labels as labels_cli
from framewatch.cli import models as models_cli
from framewatch.cli import sources as sources_cli
from framewatch.cli import stories as stories_cli
from framewatch.cli import transformer as transformer_cli
from framewatch.cli import warehouse as warehouse_cli
from framewatch.cli.console import fail
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
    try:
        configure_runtime(FlowSettings())
    except OSError as exc:  # FRAMEWATCH_HOME (or PREFECT_HOME) names a place no folder can be made
        fail(
            f"cannot make the working folder {exc.filename or ''}: {exc.strerror or exc}; "
            "set FRAMEWATCH_HOME (or PREFECT_HOME) to a writable folder"
        )


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
    # Prefect's event and log senders warn "Still processing items" whenever items are left to send at exit,
    # which is every run: they are sent (the exit waits for them), so it is no news to the person
    for sender in ("EventsWorker", "APILogWorker"):
        logging.getLogger(sender).setLevel(logging.ERROR)
    try:
        app()
    except SystemExit as exc:
        if not ran_flows():
            raise
        _exit_now(exc.code)


EXIT_GRACE_S = 60.0  # the longest the exit handlers may take after a run


def _exit_now(code: object) -> NoReturn:
    """End a process that ran flows without the interpreter's teardown: once the exit handlers have run
    (Prefect's log and event drains, stopping the temporary API server) and the output is flushed, what is
    left is finalizing torch, transformers, scikit-learn and Prefect's threads, which took 2-6 s of a
    run's fixed cost (bench/bench_overhead.py). Every file and database was closed by then."""
    import atexit
    import sys
    import threading

    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    status = code if isinstance(code, int) else 0
    # a watchdog: a thread that cannot finish (a task blocked reading a pipe when Ctrl+C came) or a drain
    # that waits on a server already stopped must not keep the process alive; the exit status stays
    watchdog = threading.Timer(EXIT_GRACE_S, _flush_and_exit, (status,))
    watchdog.daemon = True
    watchdog.start()
    # what the interpreter does first at exit, in its order: threading's exit hooks (Prefect drains its
    # log and event workers there) and the join of non-daemon threads, then the atexit handlers
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    _flush_and_exit(status)


def _flush_and_exit(status: int) -> NoReturn:
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)


if __name__ == "__main__":
    main()
