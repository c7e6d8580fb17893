"""`framewatch` classifier commands: train, classify, models list/promote/export-onnx.

Thin: all logic lives in the library modules.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from classifier import registry
from classifier.registry import RegistryError, list_models
from classifier.settings import ClassifierSettings
from framewatch.cli.console import console, fail
from framewatch.cli.options import ModelsDirOption, Panel, resolve_models_dir
from framewatch.cli.renamed import under_old_name

# The classifier's heavy modules (classifier.data, classifier.promotion, classifier.predict: pandas and
# scikit-learn, over a second) are imported in the command bodies, so that `framewatch --help` and the
# other commands do not pay for them.
logger = logging.getLogger(__name__)

app = typer.Typer(
    help="Frame, slant and tone classifier: train, score, manage model versions.", no_args_is_help=True
)
models_app = typer.Typer(help="List saved model versions and choose the promoted one.", no_args_is_help=True)


@app.command("train", rich_help_panel=Panel.models)
def train(
    frames: Annotated[
        list[Path] | None,
        typer.Option(
            "--frames",
            help="Frame-labeled Parquet/JSONL file (repeatable); default: the shared SemEval file.",
        ),
    ] = None,
    slant: Annotated[
        list[Path] | None,
        typer.Option(
            "--slant",
            help="Slant-labeled Parquet/JSONL file (repeatable); default: the shared AllSides file.",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out-dir", help="Where to write the <version>/ folder; default: the models dir."),
    ] = None,
    cv_folds: Annotated[
        int,
        typer.Option("--cv-folds", min=0, help="Cross-validation folds for the card's metrics (0 skips CV)."),
    ] = 5,
    max_slant_rows: Annotated[
        int | None,
        typer.Option("--max-slant-rows", min=1, help="Subsample the slant data to this many rows (faster)."),
    ] = None,
    promote_model: Annotated[
        bool,
        typer.Option(
            "--promote/--no-promote",
            help="Make the new model the one scoring uses when its card shows it beats the plain reference "
            "on every protocol figure.",
        ),
    ] = True,
) -> None:
    """Train the frame, slant and tone model on the labeled corpora and save it with its model card.

    Cross-validates the model's recipe beside the plain reference, trains it on all labeled data, saves
    it, and promotes it when it beats the reference on every protocol figure."""
    from classifier.data import DataError
    from classifier.train import train_model

    settings = ClassifierSettings()
    frame_files = frames or [settings.frames_file]
    slant_files = slant or [settings.slant_file]
    missing = [p for p in [*frame_files, *slant_files] if not p.exists()]
    if missing:
        fail(
            f"data file(s) not found: {', '.join(map(str, missing))}. Point FRAMEWATCH_DATA_DIR at the "
            f"folder with the labeled corpora (now {settings.data_dir}) or pass --frames/--slant."
        )
    target = out_dir or settings.models_dir
    try:
        version = train_model(
            frame_files,
            slant_files,
            target,
            cv_folds=cv_folds,
            max_slant_rows=max_slant_rows,
            ratings_file=settings.data_dir / "outlet_ratings.parquet",
        )
    except DataError as exc:
        fail(str(exc))
    typer.echo(f"saved {version} in {target / version}")
    if promote_model:
        promote_on_evidence(version, target)


def promote_on_evidence(version: str, target: Path, hint: str = "") -> None:
    """Promote `version` when its card shows it beats the plain reference on every protocol figure; else
    say why (and `hint`) and keep the promoted model."""
    from classifier.promotion import NotEarned, promote

    try:
        promote(version, target, require_evidence=True)
    except NotEarned as exc:
        typer.echo(f"{exc}; the promoted model stays as it was{hint}")
        return
    except RegistryError as exc:
        fail(str(exc))
    typer.echo(f"promoted {version}: it beats the plain reference on every protocol figure")


@app.command("classify", rich_help_panel=Panel.models)
def classify(
    file: Annotated[
        Path | None, typer.Argument(help="Text file with the article body; '-' or nothing reads stdin.")
    ] = None,
    title: Annotated[str, typer.Option("--title", help="Article title (prepended to the text).")] = "",
    version: Annotated[
        str | None, typer.Option("--version", help="Model version to use; default: the promoted one.")
    ] = None,
    models_dir: ModelsDirOption = None,
) -> None:
    """Classify one text: print its frames, slant, tone and evidence sentences as JSON (stores nothing).

    To score the articles in the warehouse, use `framewatch score-stored`."""
    from classifier.predict import load_scorer
    from classifier.scoring import Doc

    if file is None or str(file) == "-":
        text = sys.stdin.read()
    elif not file.exists():
        fail(f"{file}: no such file")
    else:
        text = file.read_text(encoding="utf-8", errors="replace")
    if not (title or text).strip():
        fail("empty input: give a text file or pipe text on stdin")
    root = resolve_models_dir(models_dir)
    try:
        version = version or registry.promoted_version(root)
        scorer = load_scorer(version, root)
    except RegistryError as exc:
        fail(str(exc))
    except Exception as exc:  # a weight file that passed its hash check yet does not load
        fail(
            f"model {version!r} does not load ({type(exc).__name__}: {' '.join(str(exc).split())}); fix or "
            "retrain it, or promote another version (`framewatch models list --load` shows which load)"
        )
    prediction = scorer.score([Doc(title=title, text=text)])[0]
    output = {"model_version": scorer.version, **prediction.to_dict()}
    typer.echo(json.dumps(output, indent=2, ensure_ascii=False))


@models_app.command("list")
def models_list(
    models_dir: ModelsDirOption = None,
    load: Annotated[
        bool,
        typer.Option(
            "--load", help="Also load each version the way scoring does and score a probe text (slower)."
        ),
    ] = False,
) -> None:
    """Show saved model versions, their cross-validated metrics and which one is promoted.

    Status: "files ok" when the card reads and the weight files match its hashes (not loaded: `--load`
    loads each version and scores a probe text, "loads"), "broken" with the reason otherwise."""
    from dataclasses import replace

    root = resolve_models_dir(models_dir)
    infos = list_models(root)
    if not infos:
        fail(f"no models in {root}; run `framewatch train`")
    if load:
        from classifier.promotion import probe

        checked = []
        for info in infos:
            if info.problem is None:
                try:
                    probe(info.version, root)
                except RegistryError as exc:
                    info = replace(info, problem=str(exc))
            checked.append(info)
        infos = checked
    ok = "loads" if load else "files ok"
    table = Table(
        title=f"models in {root}",
        caption="figures from each card's cross-validation (slant and outlets: outlets unseen in training); "
        "beats reference: the protocol's verdict (cards older than the protocol carry none); status: "
        + (
            "each version loaded and scored a probe text"
            if load
            else "files match the card, not loaded (--load)"
        ),
    )
    table.add_column("version", no_wrap=True)
    table.add_column("promoted")
    table.add_column("created (UTC)", no_wrap=True)
    for column in ("frames micro-F1", "slant macro-F1", "outlet Spearman", "beats reference"):
        table.add_column(column)
    table.add_column("status")
    for info in infos:
        frames_f1, slant_f1, spearman, verdict = _figures(info.card)
        table.add_row(
            info.version,
            "*" if info.promoted else "",
            str(info.card.get("created", ""))[:16].replace("T", " "),
            _f1(frames_f1),
            _f1(slant_f1),
            _f1(spearman),
            verdict,
            ok if info.problem is None else "broken",
        )
    console.print(table)
    for info in infos:
        if info.problem is not None:
            console.print(f"broken: {info.version}: {info.problem}", soft_wrap=True, highlight=False)


def _figures(card: dict) -> tuple[object, object, object, str]:
    """Frames micro-F1, slant macro-F1, outlet Spearman and whether the version beats the plain reference:
    from the card's protocol decision, or (cards older than the protocol) its cross-validation metrics."""
    decision = card.get("decision") if isinstance(card.get("decision"), dict) else {}
    if decision and "beats_reference" in decision:

        def model(name: str) -> object:
            row = decision.get(name)
            return row.get("model") if isinstance(row, dict) else None

        verdict = "yes" if decision["beats_reference"] else "no"
        return model("frames micro-F1"), model("slant macro-F1"), model("outlet Spearman"), verdict
    metrics = card.get("metrics", {}) if isinstance(card.get("metrics"), dict) else {}
    frames_f1 = (metrics.get("frames") or {}).get("micro_f1")
    return frames_f1, (metrics.get("slant") or {}).get("macro_f1"), None, "no evidence"


def _f1(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, int | float) else "n/a"


@models_app.command("promote")
def models_promote(
    version: Annotated[str, typer.Argument(help="The version to promote (see `models list`).")],
    models_dir: ModelsDirOption = None,
    anyway: Annotated[
        bool,
        typer.Option(
            "--anyway",
            help="Promote even though its card does not show it beats the plain reference (for example a "
            "model trained without cross-validation); the reason is still printed.",
        ),
    ] = False,
) -> None:
    """Make VERSION the model that scoring uses by default.

    The version must load and score a probe text, and its card must show that it beats the plain reference
    on every figure of the evaluation protocol (`--anyway` skips only the second check)."""
    from classifier.promotion import NotEarned, earned, promote

    try:
        promote(version, resolve_models_dir(models_dir), require_evidence=not anyway)
    except NotEarned as exc:
        fail(f"{exc}. Pass --anyway to promote it all the same.")
    except RegistryError as exc:
        fail(str(exc))
    if anyway:
        ok, why = earned(version, resolve_models_dir(models_dir))
        if not ok:
            typer.echo(f"note: promoted without evidence: {why}")
    typer.echo(f"promoted {version}")


@models_app.command("export-onnx")
def models_export_onnx(
    version: Annotated[str, typer.Argument(help="Transformer model version (see `framewatch models list`).")],
    quantize: Annotated[bool, typer.Option(help="Also write the dynamic int8 encoder.")] = True,
    models_dir: ModelsDirOption = None,
) -> None:
    """Add the ONNX encoder files (fp32, and int8 unless --no-quantize) to a saved transformer version."""
    from classifier.registry import model_dir
    from classifier.transformer.store import export_model_dir

    root = resolve_models_dir(models_dir)
    try:
        for path in export_model_dir(model_dir(version, root), quantize=quantize):
            typer.echo(str(path))
    except (RegistryError, FileNotFoundError) as exc:
        fail(str(exc))


app.command("score", hidden=True)(under_old_name(classify, "score", "classify"))
