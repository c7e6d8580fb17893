"""`framewatch evaluate`: metrics of a saved model on a labeled file, or the cross-validated comparison of
the transformer with the TF-IDF baseline (issue-4 targets). Thin: the logic is in classifier.evaluate."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

logger = logging.getLogger(__name__)
_err = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    _err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code=1)


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
        _err.print(f"recorded {n} metric rows for {version} in {db}")
    except WarehouseError as exc:
        _err.print(f"[yellow]warning:[/] metrics not written to the warehouse: {exc}")


def evaluate(
    model: Annotated[
        str | None,
        typer.Option(
            "--model", help="Model version (see `framewatch models list`); default: the promoted one."
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="Labeled Parquet/JSONL file in the shared schema "
            "(frames and/or slant labels). Without it: cross-validated "
            "comparison of transformer and baseline on the shared corpora.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the metrics as JSON on stdout.")] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help="Evaluate a seeded random sample of this "
            "many rows of --data (transformer scoring is ~articles/s on CPU).",
        ),
    ] = None,
    backend: Annotated[
        str | None, typer.Option("--backend", help="Transformer backend: auto, onnx-int8, onnx, torch.")
    ] = None,
    folds: Annotated[
        int, typer.Option("--folds", min=2, help="Cross-validation folds (comparison mode).")
    ] = 5,
    frames: Annotated[
        list[Path] | None,
        typer.Option(
            "--frames", help="Frame-labeled files for the comparison; default: the shared SemEval file."
        ),
    ] = None,
    slant: Annotated[
        list[Path] | None,
        typer.Option(
            "--slant", help="Slant-labeled files for the comparison; default: the shared AllSides file."
        ),
    ] = None,
    models_dir: Annotated[
        Path | None,
        typer.Option(
            "--models-dir",
            help="Folder of model versions; default: FRAMEWATCH_MODELS_DIR or classifier/models.",
        ),
    ] = None,
    record: Annotated[
        bool,
        typer.Option(
            "--record/--no-record",
            help="Write the metrics to the warehouse "
            "(models + model_metrics) and, in comparison mode, to the model card.",
        ),
    ] = True,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB file; default FRAMEWATCH_DB_PATH.")] = None,
) -> None:
    """Per-task metrics (micro/macro F1, per frame, per language and outlet, calibration, confusion
    matrices)."""
    from classifier.data import DataError, dataset_hash, load_labeled
    from classifier.evaluate import evaluate_file, load_any_scorer
    from classifier.registry import RegistryError, promoted_version
    from classifier.settings import ClassifierSettings
    from classifier.transformer.train import compare_cv
    from warehouse.settings import WarehouseSettings

    settings = ClassifierSettings()
    root = models_dir or settings.models_dir
    db_path = db or WarehouseSettings().db_path
    if data is not None:
        if not data.exists():
            raise _fail(f"{data}: no such file; give a Parquet/JSONL file in the shared schema")
        try:
            df = load_labeled(data)
            scorer = load_any_scorer(model, root, backend)
        except (DataError, RegistryError, FileNotFoundError) as exc:
            raise _fail(str(exc)) from exc
        if limit is not None and len(df) > limit:
            df = df.sample(limit, random_state=0).reset_index(drop=True)
        try:
            result = evaluate_file(scorer, df)
        except ValueError as exc:
            raise _fail(f"{data}: {exc}") from exc
        result["data"] = {"file": str(data), "rows": int(len(df)), "dataset_hash": dataset_hash(df)}
        if record:
            _record(
                db_path,
                scorer.version,
                str(getattr(scorer, "kind", None) or "baseline-tfidf-lr"),
                getattr(scorer, "card", {}) or {},
                data.name,
                result,
                result["data"]["dataset_hash"],
                f"scored {len(df)} rows of {data.name}",
            )
        if as_json:
            typer.echo(json.dumps(result, indent=2, default=float))
        else:
            _print_file_summary(result)
        return

    from classifier.transformer import KIND
    from classifier.transformer.config import TransformerConfig
    from classifier.transformer.settings import TransformerSettings
    from classifier.transformer.store import CARD_FILE, write_card

    version, card = model, None
    if version is None:
        try:
            version = promoted_version(root)
        except RegistryError:
            version = None
    if version is not None and (root / version / CARD_FILE).exists():
        card = json.loads((root / version / CARD_FILE).read_text("utf-8"))
        if card.get("kind") != KIND:
            card = None  # the baseline is re-fitted per fold anyway; nothing of it to reuse
    config = TransformerConfig.from_dict(card["config"]) if card else TransformerConfig()
    try:
        result = compare_cv(
            frames or [settings.frames_file],
            slant or [settings.slant_file],
            config,
            folds,
            TransformerSettings().cache_dir,
            settings.data_dir / "outlet_ratings.parquet",
            progress=not as_json,
            threads=TransformerSettings().threads,
        )
    except (DataError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from exc
    if record and card is not None:
        card["benchmark"] = {k: result[k] for k in ("protocol", "targets", "summary")}
        card["metrics"] = {**card.get("metrics", {}), "cv_comparison": result["transformer"]}
        write_card(root / card["version"], card)
        _record(
            db_path,
            card["version"],
            card["kind"],
            card,
            "cv:semeval+allsides",
            result["transformer"],
            card.get("data", {}).get("dataset_hash"),
            json.dumps(result["protocol"]),
        )
    if as_json:
        typer.echo(json.dumps(result, indent=2, default=float))
    else:
        typer.echo(result["summary"])


def _print_file_summary(result: dict[str, Any]) -> None:
    typer.echo(f"model {result['model_version']} on {result['data']['file']} ({result['data']['rows']} rows)")
    if "frames" in result:
        f = result["frames"]
        typer.echo(
            f"frames: micro-F1 {f['micro_f1']:.3f}  macro-F1 {f['macro_f1']:.3f}  ECE "
            f"{f['calibration']['ece']:.3f}"
        )
        for lang, row in f["by_language"].items():
            typer.echo(f"  {lang}: n={row['n']} micro-F1 {row['micro_f1']:.3f}")
    if "slant" in result:
        s = result["slant"]
        typer.echo(
            f"slant: macro-F1 {s['macro_f1']:.3f}  accuracy {s['accuracy']:.3f}  ECE "
            f"{s['calibration']['ece']:.3f}"
        )
        typer.echo(
            f"  confusion (rows true {s['confusion_matrix']['labels']}): "
            f"{s['confusion_matrix']['rows_true_cols_pred']}"
        )


app = typer.Typer(help="Evaluate saved models.", no_args_is_help=False)
app.command()(evaluate)

if __name__ == "__main__":
    app()
