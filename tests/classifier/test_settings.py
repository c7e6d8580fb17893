from __future__ import annotations

from pathlib import Path

import pytest

from classifier.settings import PACKAGE_DIR, ClassifierSettings


def test_env_overrides_and_nothing_is_created(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    data = tmp_path / "not-yet" / "data"
    monkeypatch.setenv("FRAMEWATCH_DATA_DIR", str(data))
    monkeypatch.setenv("FRAMEWATCH_BASE_MODEL", "some/model")
    settings = ClassifierSettings()
    assert settings.data_dir == data
    assert settings.seeds_dir == data.parent / "seeds"
    assert settings.base_model == "some/model"
    assert not data.exists()


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("FRAMEWATCH_DATA_DIR", "FRAMEWATCH_MODELS_DIR", "FRAMEWATCH_BASE_MODEL"):
        monkeypatch.delenv(name, raising=False)
    settings = ClassifierSettings()
    assert settings.models_dir == PACKAGE_DIR / "models"
    assert settings.data_dir == (PACKAGE_DIR.parent.parent / "shared" / "data").resolve()
    assert settings.base_model is None
