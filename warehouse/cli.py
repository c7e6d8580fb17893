"""Warehouse commands: read-only SQL and run history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from framewatch.console import console, fail, print_table
from warehouse.db import WarehouseError, connect
from warehouse.queries import recent_runs, run_readonly, run_summary
from warehouse.settings import WarehouseSettings

app = typer.Typer(help="Query the DuckDB warehouse.", no_args_is_help=True)

DbOption = Annotated[
    Path | None, typer.Option("--db", help="DuckDB file (default: FRAMEWATCH_DB_PATH or ./framewatch.duckdb).")
]


def _db(db: Path | None) -> Path:
    return db or WarehouseSettings().db_path


def query(
    sql: Annotated[str, typer.Argument(help="SQL to run read-only, e.g. \"select * from outlet_summary\".")],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print rows as JSON lines.")] = False,
    limit: Annotated[int, typer.Option(help="Show at most this many rows (0 = all).")] = 200,
) -> None:
    """Run SQL against the warehouse read-only (views: frame_share_weekly, outlet_summary, article_scores)."""
    try:
        columns, rows = run_readonly(_db(db), sql)
    except WarehouseError as exc:
        fail(str(exc))
    shown = rows if limit == 0 else rows[:limit]
    if as_json:
        for row in shown:
            console.print_json(json.dumps(dict(zip(columns, row, strict=True)), default=str))
    else:
        print_table(columns, shown)
        if len(shown) < len(rows):
            console.print(f"[dim]{len(rows) - len(shown)} more rows; use --limit 0 to see all[/]")


def runs(
    db: DbOption = None,
    last: Annotated[int, typer.Option(help="How many recent runs.")] = 10,
    errors: Annotated[bool, typer.Option("--errors", help="Also list each failure of the latest run.")] = False,
) -> None:
    """Recent monitoring runs: status, counts, failures."""
    try:
        con = connect(_db(db), read_only=True)
    except WarehouseError as exc:
        fail(str(exc))
    try:
        columns, rows = recent_runs(con, last)
        print_table(columns, rows, title="runs")
        if errors and rows:
            summary = run_summary(con, rows[0][0])
            print_table(
                ["stage", "source", "reason", "detail"],
                [(e["stage"], e["source"], e["reason"], (e["detail"] or "")[:120]) for e in summary["errors"]],
                title=f"failures of run {rows[0][0]}",
            )
    finally:
        con.close()


app.command("query")(query)
app.command("runs")(runs)
