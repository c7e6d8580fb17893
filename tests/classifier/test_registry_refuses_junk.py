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

from classifier import registry
from classifier.intervals import Estimate
from classifier.table import Row, Table
from classifier.versions import promotion
from classifier.versions.load import load_scorer
from framewatch.cli import app
from tests.clichecks import one_clear_line, run_cli

SHIPPED = Path(registry.__file__).parent / "models"
COMPOSITE = "model-20261201-341afe18"
TRANSFORMER = "transformer-20261130-b6c8733f"
runner = CliRunner()


@pytest.fixture()
def models(tmp_path: Path) -> Path:
    """A models dir with the shipped composite (promoted) and transformer versions."""
    root = tmp_path / "models"
    root.mkdir()
    for version in (COMPOSITE, TRANSFORMER):
        shutil.copytree(SHIPPED / version, root / version)
    (root / "PROMOTED").write_text(COMPOSITE + "\n")
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
    for version in (COMPOSITE, TRANSFORMER):
        card = registry.read_card(version, SHIPPED)
        folder = SHIPPED / version
        assert set(card["sha256"]) == set(registry.weight_files(card, folder))
        assert all(registry.file_sha256(folder / n) == h for n, h in card["sha256"].items())


def test_promote_refuses_a_model_file_of_random_bytes(models: Path):
    bad = _copy(models, COMPOSITE, "model-random-bytes")
    (bad / "frames.safetensors").write_bytes(os.urandom(4096))
    card = json.loads((bad / "card.json").read_text())
    del card["sha256"]  # even without a hash to catch it, loading it refuses it
    (bad / "card.json").write_text(json.dumps(card))
    result = _invoke(models, "models", "promote", bad.name)
    one_clear_line(
        result,
        "cannot promote",
        "frames.safetensors is not a readable safetensors file",
        f"still points at {COMPOSITE}",
    )
    assert registry.promoted_version(models) == COMPOSITE


def test_promote_refuses_a_version_without_its_model_file(models: Path):
    bad = _copy(models, COMPOSITE, "model-no-weights")
    (bad / "slant.safetensors").unlink()
    one_clear_line(
        _invoke(models, "models", "promote", bad.name), "cannot promote", "slant.safetensors is missing"
    )
    assert registry.promoted_version(models) == COMPOSITE


@pytest.mark.parametrize("name", ["../outside/x", "/tmp/x", "a/../../b", "..", ".hidden", "x\ny"])
def test_version_names_are_plain_names_inside_the_models_dir(models: Path, name: str):
    outside = models.parent / "outside" / "x"
    shutil.copytree(models / COMPOSITE, outside)  # a real, loadable model outside the registry
    one_clear_line(_invoke(models, "models", "promote", name), "not a plain name")
    assert (models / "PROMOTED").read_text().strip() == COMPOSITE
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


def test_corrupt_weight_files_get_one_clear_line(models: Path, tmp_path: Path):
    text = tmp_path / "a.txt"
    text.write_text("The council approved the budget.")
    for version, name in ((COMPOSITE, "frames.safetensors"), (TRANSFORMER, "towers.safetensors")):
        (models / version / name).write_bytes(b"junk" * 100)
        one_clear_line(_invoke(models, "classify", "--version", version, str(text)), version, name)
    registry.seal(COMPOSITE, models)  # a hash that matches the junk: the loader itself refuses it
    one_clear_line(
        _invoke(models, "classify", "--version", COMPOSITE, str(text)), "not a readable safetensors file"
    )
    shutil.copy(SHIPPED / COMPOSITE / "frames.safetensors", models / COMPOSITE / "frames.safetensors")
    (models / COMPOSITE / "slant.json").write_text("{not json")
    registry.seal(COMPOSITE, models)
    with pytest.raises(registry.RegistryError, match="slant.json is not readable JSON"):
        load_scorer(COMPOSITE, models)


def test_a_broken_version_is_listed_as_broken_and_the_others_still_work(models: Path):
    broken = models / "model-broken-card"
    broken.mkdir()
    (broken / "card.json").write_text("{not json")
    bad_weights = _copy(models, COMPOSITE, "model-bad-weights")
    (bad_weights / "slant.safetensors").write_bytes(b"x")
    infos = {m.version: m for m in registry.list_models(models)}
    assert infos[COMPOSITE].problem is None and infos[TRANSFORMER].problem is None
    assert "not a readable model card" in infos["model-broken-card"].problem
    assert "does not match the sha256" in infos["model-bad-weights"].problem
    result = _invoke(models, "models", "list")
    assert result.exit_code == 0, result.output
    assert "broken: " in result.output and COMPOSITE in result.output and "Traceback" not in result.output
    assert load_scorer(models_dir=models).version == COMPOSITE  # the promoted version is unaffected


def test_promote_loads_scores_and_seals(models: Path):
    version = _copy(models, COMPOSITE, "model-unsealed").name
    card = json.loads((models / version / "card.json").read_text())
    del card["sha256"]
    (models / version / "card.json").write_text(json.dumps(card))
    prediction = promotion.probe(version, models)
    assert prediction["slant"] in prediction["slant_probs"]
    result = _invoke(models, "models", "promote", version, "--anyway")
    assert result.exit_code == 0 and f"promoted {version}" in result.output
    assert registry.promoted_version(models) == version
    assert registry.read_card(version, models)["sha256"]["frames.safetensors"] == registry.file_sha256(
        models / version / "frames.safetensors"
    )


def _with_table(models: Path, name: str, big_gain: float, cv_loss: bool) -> str:
    """A copy of the shipped model whose card carries a protocol table: `big_gain` is its article-slant
    gain over the reference on the big-outlet check; with `cv_loss` it loses cross-validated slant beyond
    the interval."""
    target = _copy(models, COMPOSITE, name)
    card = json.loads((target / "card.json").read_text())
    cv = Estimate(-0.05, -0.08, -0.02) if cv_loss else Estimate(0.02, -0.01, 0.05)
    rows = [
        Row("cv", "slant macro-F1", "outlets", True, vs={"reference": cv}),
        Row(
            "big_outlets", "slant macro-F1", "outlets", True, vs={"reference": Estimate(big_gain, -0.1, 0.2)}
        ),
    ]
    roles = {"candidate": "model", "reference": "plain TF-IDF + LR", "promoted": COMPOSITE}
    card["protocol_table"] = Table(roles, ["model", "plain TF-IDF + LR", COMPOSITE], rows, {}).to_json()
    (target / "card.json").write_text(json.dumps(card))
    return name


def test_promote_follows_the_promotion_rule(models: Path):
    # the shipped model's card predates the protocol's table: no evidence, so refused unless asked anyway
    plain = _copy(models, COMPOSITE, "model-no-evidence").name
    one_clear_line(
        _invoke(models, "models", "promote", plain), "is not promoted", "no protocol table", "--anyway"
    )
    assert registry.promoted_version(models) == COMPOSITE
    loser = _with_table(models, "model-loses", big_gain=0.04, cv_loss=True)
    one_clear_line(_invoke(models, "models", "promote", loser), "cv: slant macro-F1 -0.050 vs the reference")
    behind = _with_table(models, "model-behind", big_gain=-0.01, cv_loss=False)
    one_clear_line(_invoke(models, "models", "promote", behind), "beats the reference on big_outlets")
    assert registry.promoted_version(models) == COMPOSITE

    winner = _with_table(models, "model-wins", big_gain=0.04, cv_loss=False)
    result = _invoke(models, "models", "promote", winner)
    assert result.exit_code == 0 and registry.promoted_version(models) == winner
    # measured beside the model promoted then, but another one is promoted now: the comparison is stale
    stale = _with_table(models, "model-stale", big_gain=0.04, cv_loss=False)
    one_clear_line(_invoke(models, "models", "promote", stale), f"{winner} is promoted now")
    anyway = _invoke(models, "models", "promote", plain, "--anyway")
    assert anyway.exit_code == 0 and "promoted against the rule" in anyway.output
    assert registry.promoted_version(models) == plain


@pytest.mark.parametrize("command", [["score-stored"], ["monitor", "--sources", "{sources}"]])
def test_a_run_with_a_damaged_model_stops_in_one_line_before_any_flow(
    models: Path, tmp_path: Path, command: list[str]
):
    """A weight file damaged before its card was written (the card's hash matches the junk): the flow
    commands load the model first, so the user sees one line, not a failed flow's tracebacks."""
    (models / COMPOSITE / "frames.safetensors").write_bytes(b"junk" * 100)
    registry.seal(COMPOSITE, models)
    sources = tmp_path / "sources.toml"
    sources.write_text(
        'schema = 1\nversion = "1"\n[[outlet]]\nslug = "loop"\nname = "Loop"\ndomain = "loop.example"\n'
        'country = "US"\nkind = "blog"\nfeeds = ["http://127.0.0.1:9/feed.xml"]\n'
    )
    db = tmp_path / "fw.duckdb"
    args = [a.replace("{sources}", str(sources)) for a in command]
    # a subprocess, as a user runs it: a run in this process would leave logging bound to a closed stream
    result = run_cli(
        *args, "--db", str(db), env={"FRAMEWATCH_MODELS_DIR": str(models), "FRAMEWATCH_HOME": str(tmp_path)}
    )
    one_clear_line(result, COMPOSITE, "not a readable safetensors file", "nothing was collected or scored")
