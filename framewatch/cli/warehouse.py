"""Warehouse commands: read-only SQL, run history, shifts, the HTML report, snapshot and export (stories:
framewatch/cli/stories.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from framewatch.cli.console import console, err_console, fail, print_table
from framewatch.cli.db import reading
from framewatch.cli.options import DbOption, Panel, at_least, resolve_db
from warehouse.db import WarehouseError, connect
from warehouse.queries import latest_finished_run, recent_runs, run_summary
from warehouse.settings import WarehouseSettings

app = typer.Typer(help="Query the DuckDB warehouse.", no_args_is_help=True)


@app.command("query", rich_help_panel=Panel.read)
def query(
    sql: Annotated[str, typer.Argument(help='SQL to run read-only, e.g. "select * from outlet_summary".')],
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print rows as JSON lines.")] = False,
    limit: Annotated[
        int, typer.Option(help="Show at most this many rows (0 = up to FRAMEWATCH_QUERY_MAX_ROWS).")
    ] = 200,
) -> None:
    """Run SQL read-only (views: frame_share_weekly, outlet_summary, article_scores).

    Tables show numbers to 4 decimals at most; --json prints them in full.

    Only SELECT runs (and EXPLAIN of a SELECT); files can be read only under FRAMEWATCH_QUERY_DIRS
    (default: the snapshot folder and ./framewatch-parquet); no COPY, ATTACH, INSTALL/LOAD or SET.
    A query stops after FRAMEWATCH_QUERY_TIMEOUT_S (120 s) or past FRAMEWATCH_QUERY_MEMORY_LIMIT (2GB);
    only the rows shown are fetched (at most FRAMEWATCH_QUERY_MAX_ROWS, 100000)."""
    from warehouse.query_limits import QueryInterrupted, run_limited

    limit = at_least("--limit", limit, 0)
    settings = WarehouseSettings()
    limits = settings.query_limits()
    try:
        result = run_limited(
            settings.db_path if db is None else db, sql, limits, settings.query_dirs or None, limit
        )
    except QueryInterrupted as exc:
        fail(str(exc), 130)
    except WarehouseError as exc:
        fail(str(exc))
    if as_json:
        for row in result.rows:
            console.print_json(json.dumps(dict(zip(result.columns, row, strict=True)), default=str))
    else:
        print_table(result.columns, result.rows)
    if result.more:
        cap = limit == 0 or limit > limits.max_rows
        more = (
            f"stopped at {limits.max_rows} rows (FRAMEWATCH_QUERY_MAX_ROWS); for all of them use "
            "`framewatch export`, or narrow the query"
            if cap
            else f"more rows not shown; use --limit N (0: up to {limits.max_rows}) or narrow the query"
        )
        err_console.print(more, style="dim", soft_wrap=True, markup=False, highlight=False)


@app.command("runs", rich_help_panel=Panel.read)
def runs(
    db: DbOption = None,
    last: Annotated[int, typer.Option(help="How many recent runs.")] = 10,
    errors: Annotated[
        bool,
        typer.Option(
            "--errors", help="Also list each failure (file:line for imports) of the last run to finish."
        ),
    ] = False,
) -> None:
    """Recent monitoring runs: status, counts, failures."""
    last = at_least("--last", last, 1)
    with reading(resolve_db(db)) as con:
        columns, rows = recent_runs(con, last)
        print_table(columns, rows, title="runs")
        latest = latest_finished_run(con) if errors else None
        if latest is not None:
            summary = run_summary(con, latest)
            console.print(
                f"failures of run {latest} ({summary['status']}, the last to finish): "
                f"{len(summary['errors'])}",
                soft_wrap=True,
            )
            for e in summary["errors"]:  # one line each, so file:line stays whole and greppable
                detail = " ".join((e["detail"] or "").split())
                console.print(
                    f"  {e['stage']} {e['source']}: {e['reason']}" + (f": {detail}" if detail else ""),
                    soft_wrap=True,
                    markup=False,
                    highlight=False,
                )


@app.command("shifts", rich_help_panel=Panel.read)
def shifts(
    db: DbOption = None,
    week: Annotated[
        str | None, typer.Option(help="Monday of the week to test, YYYY-MM-DD (default: the latest week).")
    ] = None,
) -> None:
    """Flag shifts: each outlet's frame and slant shares of a week against its own 12 weeks before.

    Says what was tested and why nothing (or what) fired."""
    from datetime import date

    from flows.analysis.shifts import detect_shifts
    from flows.analysis.weeks import WeekError, monday
    from warehouse.marts import refresh_marts

    try:
        chosen = monday(date.fromisoformat(week)) if week else None
    except WeekError as exc:
        fail(f"--week: {exc}")
    except ValueError:
        fail(f"--week {week!r} is not a date; give the Monday of the week as YYYY-MM-DD")
    try:
        con = connect(resolve_db(db))
    except WarehouseError as exc:
        fail(str(exc))
    try:
        refresh_marts(con)
        result = detect_shifts(con, chosen)
    finally:
        con.close()
    console.print(result["summary"], highlight=False)
    if result["alerts"]:
        print_table(
            ["outlet", "dimension", "label", "baseline", "week share", "q"],
            [
                (
                    a["outlet_id"],
                    a["dimension"],
                    a["label"],
                    f"{a['baseline_share']:.0%}",
                    f"{a['share']:.0%}",
                    f"{a['q_value']:.3g}",
                )
                for a in result["alerts"]
            ],
        )


@app.command("report", rich_help_panel=Panel.read)
def report(
    out: Annotated[
        Path, typer.Option("--out", help="HTML file to write (a folder: framewatch-report.html in it).")
    ] = Path("framewatch-report.html"),
    db: DbOption = None,
    outlets: Annotated[
        int,
        typer.Option(help="Show at most this many outlets (most articles first); says when any is left out."),
    ] = 30,
) -> None:
    """Write one HTML report that works offline: slant by outlet, frames over time, stories.

    Each outlet's frame emphasis against the others, with filters by outlet, topic and period,
    click-through to the articles; stories, threads, blindspots and a page per story with its outlets
    side by side."""
    from flows.reporting.report import ReportOptions, report_notes, write_report
    from flows.settings import FlowSettings

    outlets = at_least("--outlets", outlets, 1)
    if out.is_dir():  # a folder: the report goes in it, under its usual name
        out = out / "framewatch-report.html"
    with reading(resolve_db(db)) as con:
        opts = ReportOptions(max_outlets=outlets)
        try:
            path = write_report(con, out, opts, FlowSettings().home / "cache")
            notes = report_notes(con, opts)
        except OSError as exc:
            fail(
                f"cannot write the report to {out}: {exc.strerror or exc}; give --out a file in a folder "
                "you can write"
            )
    console.print(f"report: {path.resolve()}", soft_wrap=True, highlight=False)
    for note in notes:
        console.print(f"note: {note}", soft_wrap=True, markup=False, highlight=False)


@app.command("export", rich_help_panel=Panel.read)
def export(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="Folder to write: a new or empty one, or one an earlier export wrote (its files are "
            "replaced; nothing else in it is touched).",
        ),
    ] = Path("framewatch-parquet"),
    db: DbOption = None,
) -> None:
    """Write Parquet: article scores partitioned by month and outlet, plus the marts, for any tool.

    Writes only its own files: any other folder that is not empty is refused."""
    from warehouse.snapshot import export_parquet

    try:
        path = export_parquet(resolve_db(db), out)
    except WarehouseError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write the export to {out}: {exc.strerror or exc}; nothing was deleted")
    console.print(
        f"Parquet written to {path.resolve()} (read with duckdb: select * from "
        f"read_parquet('{path}/article_scores/**/*.parquet', hive_partitioning = true))"
    )


@app.command("snapshot", rich_help_panel=Panel.read)
def snapshot(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Snapshot file or folder; default: where every run publishes it, "
            ".framewatch/snapshots/<database name>-latest.duckdb beside the database.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Publish the read-only copy of the warehouse that analysts query (the flow does it after each run)."""
    from warehouse.snapshot import publish_snapshot

    try:
        path = publish_snapshot(resolve_db(db), out)
    except WarehouseError as exc:
        fail(str(exc))
    console.print(f"snapshot: {path.resolve()} (open it read-only: duckdb.connect(path, read_only=True))")


@app.command("recover", rich_help_panel=Panel.run)
def recover(
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="Move the file aside even if it opens.")] = False,
) -> None:
    """Recover a damaged database: move it aside and restore the latest snapshot.

    The file becomes <name>.corrupt-<time> (never deleted); labeling work the snapshot lacks is carried
    over from it and from the labels export."""
    from warehouse.recovery import recover as recover_db

    try:
        steps = recover_db(resolve_db(db), force=force)
    except WarehouseError as exc:
        fail(str(exc))
    for step in steps:
        console.print(step)
