"""Shared terminal output: one rich console and a table printer.

Everything printed is text, never Rich markup: stored data (titles, outlet names, SQL results, file
names) may hold `[/x]` or `[bold red]`, which markup would choke on or render. Styling is given
explicitly (`style=`, `styled`), never inside the string."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from rich.console import Console
from rich.table import Table
from rich.text import Text

# Piped output (logs, CI) gets a wide fixed width so tables stay readable instead of folding to 80 columns.
console = Console(width=None if sys.stdout.isatty() else 180, markup=False)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 180, markup=False)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line from plain parts and (text, style) parts, none of them read as markup."""
    return Text.assemble(*parts)


def cell(value: Any) -> str:
    """A value as a table shows it: floats to 4 decimals at most (full precision: `--json`), no -0."""
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        text = f"{round(value, 4) + 0.0:.4f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    table = Table(title=None if title is None else Text(title), show_lines=False)
    for col in columns:
        table.add_column(Text(str(col)), overflow="fold")
    for row in rows:
        table.add_row(*[Text(cell(v)) for v in row])
    console.print(table)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error a person can act on (one line, never wrapped, no markup read from it) and exit."""
    import typer

    err_console.print(styled(("error:", "bold red"), " ", message), soft_wrap=True, highlight=False)
    raise typer.Exit(code)


def interrupted(message: str) -> NoReturn:
    """End after Ctrl+C with one line (exit 130). What the interrupted flow left (Prefect keeps its crashed
    state, and the DuckDB objects its frames hold, until the interpreter ends) makes DuckDB's bindings
    (nanobind) print ~45 lines of 'leaked instance' warnings on stderr at exit: noise after the one line
    that matters, so the rest of this process's stderr goes to /dev/null. Only when stderr is the real
    file descriptor 2 (not under a test runner that captures it)."""
    import os

    import typer

    err_console.print(styled(("error:", "bold red"), " ", message), soft_wrap=True, highlight=False)
    try:
        real = sys.stderr.fileno() == 2
    except (AttributeError, OSError, ValueError):
        real = False
    if real:
        sys.stderr.flush()
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    raise typer.Exit(130)
