"""The classifier CLI through typer's runner."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from classifier import registry
from framewatch.cli import app

runner = CliRunner()


def test_help_for_every_command() -> None:
    for args in ([], ["train"], ["classify"], ["models"], ["models", "list"], ["models", "promote"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_train_with_missing_data_says_where_to_point(tmp_path: Path) -> None:
    missing = str(tmp_path / "none.parquet")
    result = runner.invoke(app, ["train", "--frames", missing, "--out-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "FRAMEWATCH_DATA_DIR" in " ".join(result.output.split())


def test_models_list_on_empty_dir(tmp_path: Path) -> None:
    result = runner.invoke(app, ["models", "list", "--models-dir", str(tmp_path)])
    assert result.exit_code == 1 and "framewatch train" in " ".join(result.output.split())


def test_models_and_classify(small_model_dir: tuple[Path, str], tmp_path: Path) -> None:
    root, version = small_model_dir
    result = runner.invoke(app, ["models", "promote", version, "--anyway", "--models-dir", str(root)])
    assert result.exit_code == 0 and registry.promoted_version(root) == version
    listed = runner.invoke(app, ["models", "list", "--models-dir", str(root)])
    assert listed.exit_code == 0 and version[:20] in listed.output
    loaded = runner.invoke(app, ["models", "list", "--load", "--models-dir", str(root)])
    assert loaded.exit_code == 0, loaded.output  # --load imported a module that had moved (issue 22)
    assert "loads" in loaded.output
    text = "Police arrested two men after a robbery. The court will hear the case next week."
    args = ["--models-dir", str(root), "--title", "Robbery"]
    scored = runner.invoke(app, ["classify", *args], input=text)
    assert scored.exit_code == 0, scored.output
    out = json.loads(scored.output)
    assert out["model_version"] == version
    assert out["primary_frame"] in out["frames"]
    assert abs(sum(out["slant_probs"].values()) - 1) < 1e-6
    old = runner.invoke(app, ["score", *args], input=text)  # the old name: a note, then the same answer
    note, answer = old.output.split("\n", 1)
    assert old.exit_code == 0 and note == "note: `framewatch score` is now `framewatch classify`"
    assert json.loads(answer) == out
