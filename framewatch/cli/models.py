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
from classifier.registry import RegistryError, list_models, read_card
from classifier.settings import ClassifierSettings
from framewatch.cli.console import console, fail
from framewatch.cli.options import ModelsDirOption, Panel, resolve_models_dir
from framewatch.cli.renamed import under_old_name

# The classifier's heavy modules (classifier.data, classifier.versions, classifier.train: pandas and
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
        typer.Option(
            "--cv-folds", min=0, help="Folds of the protocol's cross-validation (0 skips the protocol)."
        ),
    ] = 5,
    recipe: Annotated[
        str,
        typer.Option("--recipe", help="The recipe to train (classifier.recipes.RECIPES; default: model)."),
    ] = "model",
    max_slant_rows: Annotated[
        int | None,
        typer.Option("--max-slant-rows", min=1, help="Subsample the slant data to this many rows (faster)."),
    ] = None,
    promote_model: Annotated[
        bool,
        typer.Option(
            "--promote/--no-promote",
            help="Make the new model the one scoring uses when the promotion rule says so (see "
            "`framewatch models promote --help`).",
        ),
    ] = True,
) -> None:
    """Train the frame, slant and tone model on the labeled corpora and save it with its model card.

    Runs the evaluation protocol (outlet-grouped folds, dev outlets, big outlets held out, same-story
    roundups) for the recipe beside the plain reference and the promoted model, keeps the recipe's fit
    on all labeled data, saves it with the protocol's table, and promotes it when the promotion rule says
    so."""
    from classifier.checks import ROUNDUPS_FILE
    from classifier.data import DataError
    from classifier.registry import promoted_version
    from classifier.train import train_model
    from classifier.versions.load import load_scorer

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
        promoted = load_scorer(promoted_version(target), target) if cv_folds >= 2 else None
    except RegistryError:
        promoted = None  # nothing promoted yet: the first model is compared with the reference only
    try:
        version = train_model(
            frame_files,
            slant_files,
            target,
            cv_folds=cv_folds,
            max_slant_rows=max_slant_rows,
            recipe=recipe,
            ratings_file=settings.ratings_file,
            roundups_file=settings.data_dir / ROUNDUPS_FILE,
            promoted=promoted,
        )
    except (DataError, ValueError) as exc:
        fail(str(exc))
    typer.echo(f"saved {version} in {target / version}")
    summary = read_card(version, target).get("evaluation", {}).get("summary")
    if summary:
        typer.echo(summary)
    promote_on_evidence(version, target, promote_model)


def promote_on_evidence(version: str, target: Path, act: bool = True, hint: str = "") -> None:
    """The promotion rule on `version`'s card (recorded in it); promote it when the rule says so and `act`;
    else say why (and `hint`) and keep the promoted model."""
    from classifier.versions.promotion import NotEarned, judge, promote, record

    ruling = judge(version, target)
    record(version, ruling, target)
    if not act:
        typer.echo(f"promotion rule: {'promote' if ruling.promote else 'do not promote'}: {ruling.reason}")
        return
    try:
        promote(version, target, evidence=ruling)
    except NotEarned as exc:
        typer.echo(f"{exc}; the promoted model stays as it was{hint}")
        return
    except RegistryError as exc:
        fail(str(exc))
    typer.echo(f"promoted {version}: {ruling.reason}")


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
    from classifier.scoring import Doc
    from classifier.versions.load import load_scorer

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
        from classifier.versions.load import probe

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
        caption="figures from each card's protocol (slant: outlets unseen in training; big outlets: the "
        "largest outlets held out); rule: the promotion rule on the card (older cards: their own verdict); "
        "status: "
        + (
            "each version loaded and scored a probe text"
            if load
            else "files match the card, not loaded (--load)"
        ),
    )
    table.add_column("version", no_wrap=True)
    table.add_column("promoted")
    table.add_column("created (UTC)", no_wrap=True)
    for column in ("frames micro-F1", "slant macro-F1", "big outlets slant", "outlet Spearman", "rule"):
        table.add_column(column)
    table.add_column("status")
    for info in infos:
        frames_f1, slant_f1, big_f1, spearman, verdict = _figures(info.card)
        table.add_row(
            info.version,
            "*" if info.promoted else "",
            str(info.card.get("created", ""))[:16].replace("T", " "),
            _f1(frames_f1),
            _f1(slant_f1),
            _f1(big_f1),
            _f1(spearman),
            verdict,
            ok if info.problem is None else "broken",
        )
    console.print(table)
    for info in infos:
        if info.problem is not None:
            console.print(f"broken: {info.version}: {info.problem}", soft_wrap=True, highlight=False)


def _figures(card: dict) -> tuple[object, object, object, object, str]:
    """Frames micro-F1, slant macro-F1 (cross-validation and big outlets), outlet Spearman and the promotion
    rule's word on the card's protocol table; cards older than the table: their own figures and verdict."""
    from classifier.table import CANDIDATE
    from classifier.versions.promotion import table_of, verdict

    table = table_of(card)
    if table is not None:

        def value(check: str, figure: str) -> object:
            row = table.row(check, figure)
            estimate = row.values.get(table.roles.get(CANDIDATE, "")) if row else None
            return estimate.value if estimate else None

        ruling = "promote" if verdict(table).promote else "no"
        return (
            value("cv", "frames micro-F1"),
            value("cv", "slant macro-F1"),
            value("big_outlets", "slant macro-F1"),
            value("cv", "outlet Spearman"),
            ruling,
        )
    decision = card.get("decision") if isinstance(card.get("decision"), dict) else {}
    if decision and "beats_reference" in decision:

        def model(name: str) -> object:
            row = decision.get(name)
            return row.get("model") if isinstance(row, dict) else None

        verdict_old = "old: yes" if decision["beats_reference"] else "old: no"
        return model("frames micro-F1"), model("slant macro-F1"), None, model("outlet Spearman"), verdict_old
    return None, None, None, None, "no evidence"


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
            help="Promote even though the promotion rule does not allow it (for example a model trained "
            "without the protocol); the reason is still printed.",
        ),
    ] = False,
) -> None:
    """Make VERSION the model that scoring uses by default.

    The version must load and score a probe text, and the promotion rule must allow it on its card's
    protocol table: not worse than the plain reference beyond the interval on any check, better on the
    big-outlet check's article slant, and not worse than the model promoted when it was measured on any
    clean check (`--anyway` skips only the rule)."""
    from classifier.versions.promotion import NotEarned, Verdict, judge, promote

    root = resolve_models_dir(models_dir)
    try:
        ruling = judge(version, root)
    except RegistryError as exc:  # promote() below says why the version cannot be used
        ruling = Verdict(False, str(exc))
    try:
        promote(version, root, evidence=None if anyway else ruling)
    except NotEarned as exc:
        fail(f"{exc}. Pass --anyway to promote it all the same.")
    except RegistryError as exc:
        fail(str(exc))
    if anyway and not ruling.promote:
        typer.echo(f"note: promoted against the rule: {ruling.reason}")
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
