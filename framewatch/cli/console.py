"""Shared terminal output: one rich console and a table printer."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from rich.console import Console
from rich.markup import escape
from rich.table import Table

# Piped output (logs, CI) gets a wide fixed width so tables stay readable instead of folding to 80 columns.
console = Console(width=None if sys.stdout.isatty() else 180)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 180)


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
    table = Table(title=title, show_lines=False)
    for col in columns:
        table.add_column(str(col), overflow="fold")
    for row in rows:
        table.add_row(*[cell(v) for v in row])
    console.print(table)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error a person can act on (one line, never wrapped, no markup read from it) and exit."""
    import typer

    err_console.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True, highlight=False)
    raise typer.Exit(code)
