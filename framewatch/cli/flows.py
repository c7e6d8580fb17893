"""Flow commands: demo, monitor, import, collect, score-stored, refresh, serve-schedules, cron. Thin:
parse options, check what the run needs, run the flow, print the outcome.

Prefect's temporary API takes seconds to start: the commands that always run a flow have it booting from
the program's entry (framewatch.entry), monitor once its quiet check found work; each imports the flow
modules (seconds too) meanwhile, and the flow runs once the API answers
(`flows.settings.start_temporary_api`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from flows import kept_api, local_api
from flows.settings import FlowSettings, flow_run_settings, start_temporary_api
from framewatch.cli.console import console, err_console, fail, interrupted, print_table, styled
from framewatch.cli.options import (
    AddressOption,
    DbOption,
    ModelOption,
    Panel,
    Runner,
    RunnerOption,
    SourcesOption,
    WorkersOption,
    resolve_db,
    resolve_sources,
)
from framewatch.cli.renamed import under_old_name

if TYPE_CHECKING:
    from flows.outcome import RunOutcome
    from flows.params import RunnerParams

T = TypeVar("T")

app = typer.Typer(help="Collect, score and store articles.", no_args_is_help=True)


def runner_params(runner: Runner, address: str | None, workers: int) -> RunnerParams:
    from flows.params import RunnerParams

    if address and runner is not Runner.dask:
        fail("--address needs --runner dask")
    return RunnerParams(kind=runner.value, address=address, n_workers=workers)


def _short(text: str | None, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _preflight(
    db_path: Path, sources: Path | str | None = None, model: str | None = None, need_model: bool = True
) -> None:
    """Check what a run needs before Prefect starts it (a failed flow run prints pages of traceback):
    the database free for writing, the sources file, the model version."""
    from flows.preflight import PreflightError, check_run

    try:
        check_run(db_path, sources, model, need_model)
    except PreflightError as exc:
        fail(str(exc))


def _model_loads(model: str | None) -> None:
    """Load the model a run will score with (and score a probe text) before any flow starts: a damaged
    weight file whose card still matches it then ends in one line, not in tracebacks from a failed flow."""
    from classifier import registry
    from classifier.versions.load import probe
    from flows.score import scorer_for  # the score flow reuses the model loaded here

    try:
        probe(model or registry.promoted_version(), load=scorer_for)
    except registry.RegistryError as exc:
        fail(f"{exc}; nothing was collected or scored")


def _run_or_fail(run: Callable[[], T], api_ready: Callable[[], None] | None = None) -> T:
    """Run a flow, once the API answers (`api_ready` waits for it); the errors a person can act on
    (another run took the lock meanwhile, a bad sources file, a broken model) end in one line."""
    from flows.preflight import ACTIONABLE

    try:
        if api_ready is not None:
            try:
                api_ready()
            except RuntimeError as exc:  # the temporary API did not come up: nothing has run yet
                fail(f"{exc}; nothing was collected or scored (or set PREFECT_API_URL to a running server)")
        with flow_run_settings():
            result = run()
    except ACTIONABLE as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        interrupted(
            "interrupted (Ctrl+C): the run is recorded as failed; everything it stored stays, and the next "
            "run carries on from there"
        )
    note = kept_api.started_note(local_api.started())
    if note:
        err_console.print(note, style="dim")
    return result


def _print_outcome(db_path: Path, outcome: RunOutcome) -> None:
    from warehouse.db import connect
    from warehouse.queries import in_sample_note, outlet_comparison

    counts = outcome["counts"]
    console.print(
        styled(
            (f"run {outcome['run_id']}", "bold"),
            f": {counts.get('articles_new', 0)} new articles, "
            f"{counts.get('scored', 0)} scored with {counts.get('model_version')}, "
            f"{len(outcome['errors'])} failures recorded, {counts.get('duration_s')} s",
        )
    )
    if outcome["errors"]:
        stored = "stored everything else" if counts.get("articles_new", 0) else "stored nothing new"
        console.print(f"recorded failures (the run finished and {stored}):")
        for e in outcome["errors"]:  # one line each, so file:line stays whole and greppable
            console.print(
                f"  {e['stage']} {e['source']}: {e['reason']}: {_short(e.get('detail'))}",
                soft_wrap=True,
                markup=False,
                highlight=False,
            )
    con = connect(db_path, read_only=True)
    try:
        columns, rows = outlet_comparison(con)
        note = in_sample_note(con)
    finally:
        con.close()
    print_table(columns, rows, title="outlet comparison (current model)")
    if note:
        console.print(note, soft_wrap=True, markup=False, highlight=False)
    console.print(
        styled(
            "Data: ",
            (str(db_path.resolve()), "bold"),
            '\nTry: framewatch query "select * from frame_share_weekly order by week, outlet, share desc"',
        )
    )


@app.command("demo", rich_help_panel=Panel.run)
def demo(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Loopback port for the demo website.")] = 8765,
    runner: RunnerOption = Runner.default,
    address: AddressOption = None,
    workers: WorkersOption = 2,
) -> None:
    """Try it out: serve a demo news site on 127.0.0.1, run the monitor over it, compare the outlets.

    The bundled demo corpus: 8 fictional outlets covering the same events (plus the seed articles when
    ../shared/seeds is there)."""
    settings = FlowSettings()
    db_path = resolve_db(db)
    console.print(f"Serving the demo corpus on 127.0.0.1:{port} and running the monitor flow ...")
    run_on = runner_params(runner, address, workers)
    _preflight(db_path)
    api_ready = start_temporary_api()
    from flows.demo import run_demo, seeds_note

    console.print(seeds_note(), highlight=False, markup=False)

    outcome = _run_or_fail(
        lambda: run_demo(db_path, settings.home, port=port, runner=run_on, ready=api_ready)
    )
    _print_outcome(db_path, outcome)


@app.command("monitor", rich_help_panel=Panel.run)
def monitor(
    sources: SourcesOption = None,
    db: DbOption = None,
    max_items: Annotated[int | None, typer.Option(help="At most this many items per feed.")] = None,
    model: ModelOption = None,
    runner: RunnerOption = Runner.default,
    address: AddressOption = None,
    workers: WorkersOption = 2,
    retrain_after: Annotated[
        int,
        typer.Option(
            help="Start a retraining turn when at least this many gold "
            "labels are new since the last one (0: never)."
        ),
    ] = 0,
) -> None:
    """One monitoring run over the sources registry: collect, dedupe, score, store, report."""
    db_path = resolve_db(db)
    run_on = runner_params(runner, address, workers)
    sources_path = resolve_sources(sources)
    _preflight(db_path, sources_path, model)
    from flows.monitor_check import settled_monitor
    from flows.params import CollectParams, RetrainParams, ScoreParams

    collect = CollectParams(sources_path=str(sources_path), max_items_per_feed=max_items)
    score, retrain = ScoreParams(model_version=model), RetrainParams(min_new_gold=retrain_after)
    outcome = settled_monitor(db_path, collect, score, retrain, run_on)  # nothing new: no flow started
    if outcome is None:
        api_ready = start_temporary_api()  # boots while the model loads and the flow modules import
        _model_loads(model)
        from flows.monitor import monitor_flow

        outcome = _run_or_fail(
            lambda: monitor_flow(
                db_path=str(db_path), collect=collect, score=score, retrain=retrain, runner=run_on
            ),
            api_ready,
        )
    _print_outcome(db_path, outcome)


@app.command("import", rich_help_panel=Panel.run)
def import_files(
    files: Annotated[
        list[Path],
        typer.Argument(help="JSONL, JSON, CSV, Parquet or .txt files of articles, or datasets folders."),
    ],
    outlet: Annotated[str | None, typer.Option(help="Outlet id for rows without an `outlet` field.")] = None,
    db: DbOption = None,
    runner: RunnerOption = Runner.default,
    address: AddressOption = None,
    workers: WorkersOption = 2,
) -> None:
    """Bulk-import articles from files, then score them.

    Every refused record is listed with its file:line and reason, and all the others are stored.

    Exit status: 0 all stored, 3 some refused (the rest stored), 4 nothing stored, 1 the import could not
    run (another run is writing, a bad option)."""
    from flows.import_check import settled_import
    from flows.params import CollectParams
    from flows.sources.bulk import NOTHING_STORED, import_verdict

    if not any(f.exists() for f in files):
        fail(f"no such file: {', '.join(map(str, files))}; nothing stored", NOTHING_STORED)
    db_path = resolve_db(db)
    run_on = runner_params(runner, address, workers)
    _preflight(db_path)
    params = CollectParams(import_paths=[str(f) for f in files], import_outlet=outlet)
    outcome = settled_import(db_path, params)  # nothing new: answered without starting a flow
    if outcome is None:
        api_ready = start_temporary_api()  # boots while the model loads and the flow modules import
        _model_loads(None)
        from flows.monitor import import_flow

        outcome = _run_or_fail(
            lambda: import_flow(db_path=str(db_path), collect=params, runner=run_on), api_ready
        )
    _print_outcome(db_path, outcome)
    code, line = import_verdict(outcome["counts"])
    console.print(line, soft_wrap=True)
    raise typer.Exit(code)


def _print_run(name: str, outcome: RunOutcome) -> None:
    counts = ", ".join(f"{k}={v}" for k, v in outcome["counts"].items())
    console.print(styled((f"{name} run {outcome['run_id']}", "bold"), f": {counts}"))
    if outcome["errors"]:
        from flows.runs import failures_by_reason

        print_table(
            ["stage", "reason", "n"], failures_by_reason(outcome["errors"]), title="failures by reason"
        )


def _run_part(
    name: str,
    flow: Any,
    params: Any,
    db_path: Path,
    api_ready: Callable[[], None],
    runner: Runner,
    address: str | None,
    workers: int,
) -> None:
    """Run `flow`, one of monitor's parts, on the chosen runner (a Dask cluster starts while the API does)."""
    from flows.cluster import cluster_for, on_runner

    def run() -> RunOutcome:
        with cluster_for(runner_params(runner, address, workers)) as run_on:
            api_ready()
            return on_runner(flow, run_on)(str(db_path), params, run_on)

    _print_run(name, _run_or_fail(run))


@app.command("collect", rich_help_panel=Panel.run)
def collect_cmd(
    sources: SourcesOption = None,
    db: DbOption = None,
    max_items: Annotated[int | None, typer.Option(help="At most this many items per feed.")] = None,
    runner: RunnerOption = Runner.default,
    address: AddressOption = None,
    workers: WorkersOption = 2,
) -> None:
    """Collect only: fetch feeds and pages, dedupe and store the articles (no scoring)."""
    from flows.params import CollectParams

    params = CollectParams(sources_path=str(resolve_sources(sources)), max_items_per_feed=max_items)
    db_path = resolve_db(db)
    _preflight(db_path, params.sources_path, need_model=False)
    api_ready = start_temporary_api()
    from flows.collect import collect_flow

    _run_part("collect", collect_flow, params, db_path, api_ready, runner, address, workers)


@app.command("score-stored", rich_help_panel=Panel.run)
def score_cmd(
    db: DbOption = None,
    model: ModelOption = None,
    runner: RunnerOption = Runner.default,
    address: AddressOption = None,
    workers: WorkersOption = 2,
) -> None:
    """Score only: every stored article the model has not scored yet."""
    from flows.params import ScoreParams

    params = ScoreParams(model_version=model)
    db_path = resolve_db(db)
    _preflight(db_path, model=params.model_version)
    api_ready = start_temporary_api()
    _model_loads(params.model_version)
    from flows.score import score_flow

    _run_part("score", score_flow, params, db_path, api_ready, runner, address, workers)


@app.command("refresh", rich_help_panel=Panel.run)
def refresh(
    db: DbOption = None,
    week: Annotated[
        str | None, typer.Option(help="A date in the week to check for shifts (default: latest).")
    ] = None,
) -> None:
    """Refresh stories, topics, shift alerts, marts and the analysts' snapshot from the stored articles.

    The report flow on its own (the monitor runs it after each run; the schedules weekly)."""
    db_path = resolve_db(db)
    _preflight(db_path, need_model=False)
    api_ready = start_temporary_api()
    from flows.params import ReportParams
    from flows.report import report_flow

    _print_run("report", _run_or_fail(lambda: report_flow(str(db_path), ReportParams(week=week)), api_ready))


@app.command("serve-schedules", rich_help_panel=Panel.run)
def serve_schedules(
    sources: SourcesOption = None,
    db: DbOption = None,
) -> None:
    """Run the schedules (the daily monitor, the weekly refresh) through a Prefect server.

    Needs a running server (PREFECT_API_URL); without one, run the schedules with OS cron
    (`framewatch cron`)."""
    import os

    from flows.schedules import SCHEDULES, cron_lines

    db_path = resolve_db(db)
    if not os.environ.get("PREFECT_API_URL"):
        fail(
            "PREFECT_API_URL is not set, and schedules never fire on Prefect's temporary API. "
            "Start `prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api, "
            "or use OS cron: run `framewatch cron` and add its lines with `crontab -e`:\n"
            + "\n".join(line for line in cron_lines(db_path) if not line.startswith("#"))
        )
    from flows.schedules import build_deployments, serve

    deployments = build_deployments(db_path, resolve_sources(sources))
    for s in SCHEDULES:
        console.print(f"{s.name}: {s.flow} flow, cron {s.cron!r} (UTC)")
    serve(deployments)  # until SIGTERM/SIGINT, also when the Prefect server is gone
    console.print("stopped serving")


@app.command("cron", rich_help_panel=Panel.run)
def cron(
    db: DbOption = None,
) -> None:
    """Print crontab lines that run the schedules with OS cron (no Prefect server needed)."""
    from flows.schedules import cron_lines

    for line in cron_lines(resolve_db(db)):
        print(line)


app.command("serve", hidden=True)(under_old_name(serve_schedules, "serve", "serve-schedules"))
app.command("publish", hidden=True)(under_old_name(refresh, "publish", "refresh"))
