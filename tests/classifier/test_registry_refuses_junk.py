"""The registry refuses junk (issue 13, point 4): `promote` loads the version and scores a probe text
first; version names are plain names inside the models dir; cards carry the sha256 of every weight
file, checked on load; a broken version is listed as broken and never breaks the others. The shipped
versions are copied to a temporary models dir, so every check runs on real model files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from classifier import promotion, registry
from classifier.predict import load_scorer
from framewatch.cli import app
from tests.clichecks import one_clear_line

SHIPPED = Path(registry.__file__).parent / "models"
BASELINE = "baseline-20261123-341afe18"
TRANSFORMER = "transformer-20261130-b6c8733f"
runner = CliRunner()


@pytest.fixture()
def models(tmp_path: Path) -> Path:
    """A models dir with the shipped baseline (promoted) and transformer versions."""
    root = tmp_path / "models"
    root.mkdir()
    for version in (BASELINE, TRANSFORMER):
        shutil.copytree(SHIPPED / version, root / version)
    (root / "PROMOTED").write_text(BASELINE + "\n")
    return root


def _copy(models: Path, version: str, name: str) -> Path:
    target = models / name
    shutil.copytree(models / version, target)
    card = json.loads((target / "card.json").read_text())
    card["version"] = name
    (target / "card.json").write_text(json.dumps(card))
    return target


def _invoke(models: Path, *args: str):
    return runner.invoke(app, [*args, "--models-dir", str(models)])


def test_shipped_cards_carry_the_sha256_of_every_weight_file():
    for version in (BASELINE, TRANSFORMER):
        card = registry.read_card(version, SHIPPED)
        folder = SHIPPED / version
        assert set(card["sha256"]) == set(registry.weight_files(card, folder))
        assert all(registry.file_sha256(folder / n) == h for n, h in card["sha256"].items())


def test_promote_refuses_a_model_file_of_random_bytes(models: Path):
    bad = _copy(models, BASELINE, "baseline-random-bytes")
    (bad / "model.skops").write_bytes(os.urandom(4096))
    card = json.loads((bad / "card.json").read_text())
    del card["sha256"]  # even without a hash to catch it, loading it refuses it
    (bad / "card.json").write_text(json.dumps(card))
    result = _invoke(models, "models", "promote", bad.name)
    one_clear_line(result, "cannot promote", "not a readable skops model file", f"still points at {BASELINE}")
    assert registry.promoted_version(models) == BASELINE


def test_promote_refuses_a_version_without_its_model_file(models: Path):
    bad = _copy(models, BASELINE, "baseline-no-weights")
    (bad / "model.skops").unlink()
    one_clear_line(_invoke(models, "models", "promote", bad.name), "cannot promote", "model.skops is missing")
    assert registry.promoted_version(models) == BASELINE


@pytest.mark.parametrize("name", ["../outside/x", "/tmp/x", "a/../../b", "..", ".hidden", "x\ny"])
def test_version_names_are_plain_names_inside_the_models_dir(models: Path, name: str):
    outside = models.parent / "outside" / "x"
    shutil.copytree(models / BASELINE, outside)  # a real, loadable model outside the registry
    one_clear_line(_invoke(models, "models", "promote", name), "not a plain name")
    assert (models / "PROMOTED").read_text().strip() == BASELINE
    with pytest.raises(registry.RegistryError, match="not a plain name"):
        load_scorer(name, models)
    (models / "PROMOTED").write_text("../outside/x\n")  # a PROMOTED pointer edited by hand
    with pytest.raises(registry.RegistryError, match="not a plain name"):
        registry.promoted_version(models)


def test_a_weight_file_that_differs_from_its_card_is_refused_on_load(models: Path):
    weights = models / TRANSFORMER / "heads.safetensors"
    data = bytearray(weights.read_bytes())
    data[-100:] = b"\0" * 100  # still a loadable safetensors file, with other numbers
    weights.write_bytes(bytes(data))
    with pytest.raises(registry.RegistryError, match="heads.safetensors does not match the sha256"):
        load_scorer(TRANSFORMER, models)
    one_clear_line(
        _invoke(models, "classify", "--version", TRANSFORMER, str(SHIPPED.parent / "registry.py")),
        "does not match the sha256",
        "restore the file or retrain",
    )


def test_corrupt_skops_and_safetensors_get_one_clear_line(models: Path, tmp_path: Path):
    text = tmp_path / "a.txt"
    text.write_text("The council approved the budget.")
    for version, name in ((BASELINE, "model.skops"), (TRANSFORMER, "towers.safetensors")):
        (models / version / name).write_bytes(b"junk" * 100)
        one_clear_line(_invoke(models, "classify", "--version", version, str(text)), version, name)
    registry.seal(BASELINE, models)  # a hash that matches the junk: the loader itself refuses it
    one_clear_line(
        _invoke(models, "classify", "--version", BASELINE, str(text)), "not a readable skops model file"
    )


def test_a_broken_version_is_listed_as_broken_and_the_others_still_work(models: Path):
    broken = models / "baseline-broken-card"
    broken.mkdir()
    (broken / "card.json").write_text("{not json")
    bad_weights = _copy(models, BASELINE, "baseline-bad-weights")
    (bad_weights / "model.skops").write_bytes(b"x")
    infos = {m.version: m for m in registry.list_models(models)}
    assert infos[BASELINE].problem is None and infos[TRANSFORMER].problem is None
    assert "not a readable model card" in infos["baseline-broken-card"].problem
    assert "does not match the sha256" in infos["baseline-bad-weights"].problem
    result = _invoke(models, "models", "list")
    assert result.exit_code == 0, result.output
    assert "broken: " in result.output and BASELINE in result.output and "Traceback" not in result.output
    assert load_scorer(models_dir=models).version == BASELINE  # the promoted version is unaffected


def test_promote_loads_scores_and_seals(models: Path):
    version = _copy(models, BASELINE, "baseline-unsealed").name
    card = json.loads((models / version / "card.json").read_text())
    del card["sha256"]
    (models / version / "card.json").write_text(json.dumps(card))
    prediction = promotion.probe(version, models)
    assert prediction["slant"] in prediction["slant_probs"]
    result = _invoke(models, "models", "promote", version, "--anyway")
    assert result.exit_code == 0 and f"promoted {version}" in result.output
    assert registry.promoted_version(models) == version
    assert registry.read_card(version, models)["sha256"]["model.skops"] == registry.file_sha256(
        models / version / "model.skops"
    )


def _with_decision(models: Path, name: str, better: dict[str, bool]) -> str:
    target = _copy(models, BASELINE, name)
    card = json.loads((target / "card.json").read_text())
    card["decision"] = {
        figure: {"model": 0.6, "reference": 0.5, "better": ok} for figure, ok in better.items()
    } | {"beats_reference": all(better.values())}
    (target / "card.json").write_text(json.dumps(card))
    return name


def test_promote_needs_evidence_that_the_version_beats_the_reference(models: Path):
    # the shipped baseline's card predates the protocol: no evidence, so refused unless asked for anyway
    plain = _copy(models, BASELINE, "baseline-no-evidence").name
    one_clear_line(_invoke(models, "models", "promote", plain), "is not promoted", "--anyway")
    assert registry.promoted_version(models) == BASELINE
    loser = _with_decision(models, "model-loses", {"slant macro-F1": True, "outlet Spearman": False})
    one_clear_line(
        _invoke(models, "models", "promote", loser), "does not beat the plain reference on: outlet"
    )
    assert registry.promoted_version(models) == BASELINE

    winner = _with_decision(models, "model-wins", {"slant macro-F1": True, "outlet Spearman": True})
    result = _invoke(models, "models", "promote", winner)
    assert result.exit_code == 0 and registry.promoted_version(models) == winner
    anyway = _invoke(models, "models", "promote", plain, "--anyway")
    assert anyway.exit_code == 0 and "promoted without evidence" in anyway.output
    assert registry.promoted_version(models) == plain


@pytest.mark.parametrize("command", [["score-stored"], ["monitor", "--sources", "{sources}"]])
def test_a_run_with_a_damaged_model_stops_in_one_line_before_any_flow(
    models: Path, tmp_path: Path, command: list[str]
):
    """A weight file damaged before its card was written (the card's hash matches the junk): the flow
    commands load the model first, so the user sees one line, not a failed flow's tracebacks."""
    (models / BASELINE / "model.skops").write_bytes(b"junk" * 100)
    registry.seal(BASELINE, models)
    sources = tmp_path / "sources.toml"
    sources.write_text(
        'schema = 1\nversion = "1"\n[[outlet]]\nslug = "loop"\nname = "Loop"\ndomain = "127.0.0.1"\n'
        'country = "US"\nkind = "blog"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n'
    )
    db = tmp_path / "fw.duckdb"
    args = [a.replace("{sources}", str(sources)) for a in command]
    result = runner.invoke(app, [*args, "--db", str(db)], env={"FRAMEWATCH_MODELS_DIR": str(models)})
    one_clear_line(result, BASELINE, "not a readable skops model file", "nothing was collected or scored")
