"""`framewatch evaluate`: the figures that predict held-out performance, beside the plain reference.

Without --data: the protocol on the shared corpora (classifier.protocol: outlet-grouped folds, dev outlets,
big outlets held out, same-story roundups) for a version's recipe, the version itself and the promoted
model, beside the plain reference, with intervals: the table promotion reads. With --data: a saved model
on a labeled file, scored as production scores it. Thin: the logic is in classifier.protocol,
classifier.table and classifier.heldout."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import Annotated, Any

import typer

from framewatch.cli.console import err_console, fail, styled
from framewatch.cli.options import DbOption, ModelsDirOption, Panel, resolve_db

logger = logging.getLogger(__name__)
app = typer.Typer(help="Evaluate models.", no_args_is_help=False)


def _record(
    db: Path,
    version: str,
    kind: str,
    card: dict[str, Any],
    dataset: str,
    metrics: dict[str, Any],
    data_hash: str | None,
    protocol: str | None,
) -> None:
    from classifier.metrics import flatten
    from warehouse.db import WarehouseError, open_db
    from warehouse.model_metrics import record_metrics, register_evaluated_model

    try:
        with open_db(db) as con:
            register_evaluated_model(con, version, kind, card)
            n = record_metrics(con, version, dataset, flatten(metrics), data_hash, protocol)
        err_console.print(f"recorded {n} metric rows for {version} in {db}")
    except WarehouseError as exc:
        err_console.print(styled(("warning:", "yellow"), f" metrics not written to the warehouse: {exc}"))


def _write_predictions(path: Path, table: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    table.to_parquet(tmp, index=False)
    tmp.replace(path)
    err_console.print(f"wrote {len(table)} predictions to {path}")


@app.command("evaluate", rich_help_panel=Panel.models)
def evaluate(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="A labeled Parquet/JSONL file in the shared schema (frames and/or slant). Without it: "
            "cross-validation of the training recipe on the shared corpora.",
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            help="The model version to evaluate (default: the promoted one). Without --data: its recipe is "
            "run through the protocol and the version itself scored on the same test rows.",
        ),
    ] = None,
    recipe: Annotated[
        str | None,
        typer.Option(
            "--recipe",
            help="Without --data: the recipe to run through the protocol (default: the version's; see "
            "classifier.recipes.RECIPES).",
        ),
    ] = None,
    group_by: Annotated[
        str | None,
        typer.Option(
            "--group-by",
            help="With --data: a column naming events (e.g. a story id); reports the share of article pairs "
            "with different slant labels inside a group that the model orders right.",
        ),
    ] = None,
    predictions_out: Annotated[
        Path | None,
        typer.Option(
            "--predictions-out",
            help="Write the model's probabilities, one row per input id, with columns frame:<frame> and "
            "slant:<class> (cross-validation: the out-of-fold probabilities).",
        ),
    ] = None,
    reference: Annotated[
        bool,
        typer.Option("--reference/--no-reference", help="Also train and score the plain reference."),
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print every figure as JSON on stdout.")] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", min=1, help="With --data: evaluate a seeded random sample of this many rows."
        ),
    ] = None,
    backend: Annotated[
        str | None, typer.Option("--backend", help="Transformer backend: auto, onnx-int8, onnx, torch.")
    ] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, help="Cross-validation folds.")] = 5,
    resamples: Annotated[
        int, typer.Option("--resamples", min=10, help="Bootstrap resamples behind every interval.")
    ] = 1000,
    big_outlets: Annotated[
        int,
        typer.Option(
            "--big-outlet-min-articles",
            min=1,
            help="Without --data: outlets with at least this many slant articles are held out together "
            "(the big-outlet check).",
        ),
    ] = 1000,
    frames: Annotated[
        list[Path] | None,
        typer.Option(
            "--frames", help="Frame-labeled files for cross-validation; default: the shared SemEval file."
        ),
    ] = None,
    slant: Annotated[
        list[Path] | None,
        typer.Option(
            "--slant", help="Slant-labeled files for cross-validation; default: the shared AllSides file."
        ),
    ] = None,
    models_dir: ModelsDirOption = None,
    record: Annotated[
        bool,
        typer.Option("--record/--no-record", help="With --data: write the metrics to the warehouse."),
    ] = True,
    db: DbOption = None,
) -> None:
    """Measure how well the model does on data it has not seen, beside a plain reference model.

    Articles, outlets (ranking), events (order within a story) and frame shares (error of the
    warehouse's estimate), each beside a plain TF-IDF + logistic regression reference measured in the same
    run. Bad input (duplicate ids, unlabeled rows, unknown labels) is refused before anything is written."""
    from classifier.checks import ProtocolSettings
    from classifier.data import DataError
    from classifier.registry import RegistryError
    from classifier.settings import ClassifierSettings

    settings = ClassifierSettings()
    protocol = ProtocolSettings(folds=folds, resamples=resamples, big_outlet_min_articles=big_outlets)
    try:
        if data is not None:
            result, table = _heldout(
                data, model, group_by, reference, limit, backend, models_dir, settings, not as_json, protocol
            )
        else:
            result, table = _cross_validation(
                frames, slant, model, recipe, models_dir, settings, not as_json, protocol
            )
    except (DataError, RegistryError, FileNotFoundError, ValueError) as exc:
        fail(str(exc))
    if predictions_out is not None:
        _write_predictions(predictions_out, table)
    if data is not None and record:
        version = result["model_version"]
        _record(
            resolve_db(db),
            version,
            result.get("model_kind") or "unknown",
            result.get("model_card") or {},
            data.name,
            {
                k: v["article"]
                for k, v in (
                    ("frames", result["frames"].get("model")),
                    ("slant", result["slant"].get("model")),
                )
                if v
            },
            result["data"]["dataset_hash"],
            json.dumps(result["protocol"]),
        )
    if as_json:
        shown = {k: v for k, v in result.items() if k not in ("model_card",)}
        typer.echo(json.dumps(shown, indent=2, default=float))
    else:
        typer.echo(result["summary"])


def _heldout(
    data: Path,
    model: str | None,
    group_by: str | None,
    reference: bool,
    limit: int | None,
    backend: str | None,
    models_dir: Path | None,
    settings: Any,
    progress: bool,
    protocol: Any,
) -> tuple[dict[str, Any], Any]:
    from classifier.data import dataset_hash, load_labeled
    from classifier.heldout import (
        check_labeled,
        evaluate_heldout,
        model_outputs,
        predictions_table,
        reference_outputs,
    )
    from classifier.in_sample import check_rows
    from classifier.protocol import trained_datasets
    from classifier.ratings import outlet_ratings
    from classifier.reference import NAME as REFERENCE
    from classifier.versions.load import load_scorer
    from labels.codebook import load_codebook

    if not data.exists():
        raise FileNotFoundError(f"{data}: no such file; give a Parquet/JSONL file in the shared schema")
    df = load_labeled(data, extra_columns=[group_by] if group_by else ())
    check_labeled(df, str(data))
    if limit is not None and len(df) > limit:
        df = df.sample(limit, random_state=0).reset_index(drop=True)
    book = load_codebook()
    names, labels = book.frame_names, list(book.slant_labels)
    scorer = load_scorer(model, models_dir or settings.models_dir, backend)
    with _steps(progress) as step:
        columns = {"model": model_outputs(scorer, df, names, labels)}
        step("model: scored")
        if reference:
            files = [settings.frames_file], [settings.slant_file]
            columns[REFERENCE] = reference_outputs(df, *files, names, labels, step)
    trained = trained_datasets(scorer.card) or set()
    seen = {"model": bool(set(df["dataset"].dropna()) & trained)}
    ratings = outlet_ratings(df, settings.ratings_file)
    result = evaluate_heldout(columns, df, names, labels, group_by, ratings, seen, protocol)
    result.update(
        model_version=scorer.version,
        model_kind=str(scorer.kind),
        model_card=scorer.card,
        data={"file": str(data), "rows": int(len(df)), "dataset_hash": dataset_hash(df)},
    )
    result["summary"] = f"model {scorer.version} on {data} ({len(df)} rows)\n" + result["summary"]
    in_sample = check_rows(scorer.card, df, models_dir or settings.models_dir)  # rows the model trained on
    result["in_sample"] = in_sample.as_dict()
    result["summary"] = "\n".join(filter(None, [in_sample.line(), result["summary"]]))
    fp, _fd, sp = columns["model"]
    return result, predictions_table(df["id"], fp, sp, names, labels)


def _cross_validation(
    frames: list[Path] | None,
    slant: list[Path] | None,
    model: str | None,
    recipe: str | None,
    models_dir: Path | None,
    settings: Any,
    progress: bool,
    protocol: Any,
) -> tuple[dict[str, Any], Any]:
    import pandas as pd

    from classifier.checks import ROUNDUPS_FILE, load_roundups
    from classifier.data import frame_rows, load_labeled, slant_rows
    from classifier.heldout import predictions_table
    from classifier.ratings import outlet_ratings
    from classifier.versions.evaluate import evaluate_version
    from labels.codebook import load_codebook

    book = load_codebook()
    names, labels = book.frame_names, list(book.slant_labels)
    frames_df = frame_rows(load_labeled(frames or [settings.frames_file]))
    slant_df = slant_rows(load_labeled(slant or [settings.slant_file]))
    roundups_file = settings.data_dir / ROUNDUPS_FILE
    roundups = load_roundups(roundups_file) if roundups_file.exists() else None
    result, run = evaluate_version(
        names,
        labels,
        frames_df,
        slant_df,
        roundups,
        protocol,
        models_dir or settings.models_dir,
        settings.ratings_file,
        model,
        recipe,
        outlet_ratings(slant_df, settings.ratings_file),
        progress,
    )
    cv = run.outputs[result["recipe"]].get("cv")
    parts = []
    if cv is not None and cv.frame_probs is not None:
        parts.append(predictions_table(frames_df["id"], cv.frame_probs, None, names, labels))
    if cv is not None and cv.slant_probs is not None:
        parts.append(predictions_table(slant_df["id"], None, cv.slant_probs, names, labels))
    return result, pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


class _steps:
    """A progress bar advanced once per finished step (model x task)."""

    def __init__(self, enabled: bool, total: int = 3) -> None:
        from classifier.progress import progress_bar

        self.bar = progress_bar(enabled)
        self.total = total

    def __enter__(self) -> Callable[[str], None]:
        self.bar.__enter__()
        task = self.bar.add_task("evaluating", total=self.total)

        def step(what: str) -> None:
            self.bar.update(task, advance=1, description=what)

        return step

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.bar.__exit__(exc_type, exc, tb)


if __name__ == "__main__":
    app()
