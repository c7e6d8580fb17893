"""Metrics helpers, the warehouse model_metrics table, `framewatch evaluate` on a tiny model, and the one
scoring path: evaluate's probabilities are the ones the score flow stores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from classifier.metrics import calibration, flatten, frame_metrics, slant_metrics
from classifier.reference import NAME as REFERENCE
from classifier.thresholds import decide_frames
from classifier.transformer.train import compare_cv
from classifier.versions.load import load_scorer
from framewatch.cli.evaluate import app
from tests.classifier.transformer_helpers import tiny_config

NAMES = ["Economic", "Morality", "Other"]


@pytest.fixture(scope="module")
def tiny(tiny_transformer: tuple[Path, str, dict[str, Path]]) -> tuple[Path, str, dict[str, Path]]:
    return tiny_transformer


def test_calibration_error_is_zero_when_confidence_matches_accuracy() -> None:
    conf = np.array([0.25] * 4 + [0.75] * 4)
    correct = np.array([1, 0, 0, 0, 1, 1, 1, 0])
    assert calibration(conf, correct)["ece"] == pytest.approx(0.0)
    over = calibration(np.full(10, 0.95), np.zeros(10))
    assert over["ece"] == pytest.approx(0.95) and over["bins"][0]["n"] == 10


def test_frame_and_slant_metrics_with_slices() -> None:
    df = pd.DataFrame(
        {
            "frames": [["Economic"], ["Morality"], ["Economic", "Morality"], ["Economic"]],
            "language": ["en", "en", "fr", "fr"],
            "outlet": [None] * 4,
            "outlet_domain": [None] * 4,
            "slant": ["left", "right", "center", "left"],
        }
    )
    probs = np.array([[0.9, 0.1, 0.0], [0.2, 0.8, 0.0], [0.7, 0.3, 0.0], [0.4, 0.6, 0.0]])
    pred = decide_frames(probs, np.array([0.5, 0.5, 0.5]))
    m = frame_metrics(df, probs, pred, NAMES, min_slice_rows=1)
    assert m["per_frame"]["Economic"]["confusion"] == {"tn": 1, "fp": 0, "fn": 1, "tp": 2}
    assert "Other" not in m["per_frame"]  # never labeled: left out of macro-F1
    assert m["by_language"]["en"]["micro_f1"] == pytest.approx(1.0)
    s = slant_metrics(
        df,
        np.array([[0.8, 0.1, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3], [0.2, 0.5, 0.3]]),
        ["left", "center", "right"],
        min_slice_rows=1,
    )
    assert s["accuracy"] == pytest.approx(0.75) and s["confusion_matrix"]["rows_true_cols_pred"][0] == [
        1,
        1,
        0,
    ]
    rows = flatten({"frames": m, "slant": s})
    assert {"task": "frames", "slice": "language:fr", "metric": "micro_f1"}.items() <= next(
        r for r in rows if r["slice"] == "language:fr"
    ).items()
    assert all(np.isfinite(r["value"]) for r in rows)


def test_metrics_are_stored_in_the_warehouse(tmp_path: Path) -> None:
    from warehouse.db import open_db
    from warehouse.model_metrics import latest_metrics, record_metrics, register_evaluated_model

    db = tmp_path / "w.duckdb"
    with open_db(db) as con:
        register_evaluated_model(con, "v1", "transformer-x", {"version": "v1"})
        assert (
            record_metrics(
                con,
                "v1",
                "cv",
                [{"task": "frames", "slice": "all", "metric": "micro_f1", "value": 0.5, "n": 10}],
            )
            == 1
        )
        register_evaluated_model(con, "v1", "transformer-x", {"version": "v1", "metrics": {}})
        assert con.execute("select count(*), bool_or(is_current) from models").fetchone() == (1, False)
        assert latest_metrics(con, "v1", "cv")[0][:4] == ("frames", "all", "micro_f1", 0.5)


def test_the_one_loader_picks_the_transformer_and_its_backend(
    tiny: tuple[Path, str, dict[str, Path]],
) -> None:
    from classifier.data import load_labeled
    from classifier.heldout import model_outputs
    from classifier.transformer.predict import TransformerScorer

    models, version, files = tiny
    scorer = load_scorer(version, models, backend="onnx")
    assert isinstance(scorer, TransformerScorer) and scorer.version == version
    assert scorer.encoder.name.startswith("onnx")
    df = load_labeled([files["frames"], files["slant"]])
    frame_probs, decided, slant_probs = model_outputs(scorer, df, NAMES, ["left", "center", "right"])
    assert frame_probs.shape == (len(df), len(NAMES)) and slant_probs.shape == (len(df), 3)
    assert (decided.sum(1) >= 1).all()  # the decision rule always keeps the top frame


def test_evaluate_cli_prints_json_for_any_shared_schema_file(tiny: tuple[Path, str, dict[str, Path]]) -> None:
    models, version, files = tiny
    res = CliRunner().invoke(
        app,
        [
            "--model",
            version,
            "--data",
            str(files["slant"]),
            "--json",
            "--no-record",
            "--no-reference",
            "--models-dir",
            str(models),
        ],
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["model_version"] == version and out["frames"] == {}
    assert set(out["slant"]["model"]["article"]["per_class_f1"]) == {"left", "center", "right"}
    missing = CliRunner().invoke(
        app, ["--model", version, "--data", "nope.parquet", "--models-dir", str(models)]
    )
    assert missing.exit_code == 1 and "no such file" in missing.output


def test_compare_cv_reports_the_transformer_beside_the_recipe_and_the_reference(
    tiny: tuple[Path, str, dict[str, Path]], tmp_path: Path
) -> None:
    _, _, files = tiny
    result = compare_cv(
        [files["frames"]],
        [files["slant"]],
        tiny_config(files["base"]),
        folds=3,
        cache_dir=tmp_path,
        progress=False,
    )
    rows = {(r["check"], r["figure"]): r for r in result["table"]["rows"]}
    for model in ("model", REFERENCE, "transformer"):  # the same folds, the same figures
        assert 0.0 <= rows[("cv", "frames micro-F1")]["values"][model]["value"] <= 1.0
        assert 0.0 <= rows[("cv", "slant macro-F1")]["values"][model]["value"] <= 1.0
    assert result["table"]["roles"]["candidate"] == "transformer"
    assert "reference" in rows[("cv", "slant macro-F1")]["vs"]
    assert "transformer" in result["summary"] and REFERENCE in result["summary"]
