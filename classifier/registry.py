"""Versioned model store: ``<models_dir>/<version>/{model.skops, card.json, README.md}`` plus ``PROMOTED``.

Models are saved with skops (never pickle/joblib). Loading trusts only the types in
:data:`TRUSTED_TYPES` and refuses a file that holds anything else.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from classifier.baseline import BaselineModel
from classifier.card import render_card
from classifier.settings import ClassifierSettings

logger = logging.getLogger(__name__)

MODEL_FILE = "model.skops"
CARD_FILE = "card.json"
README_FILE = "README.md"
PROMOTED_FILE = "PROMOTED"
KIND = "baseline-tfidf-lr"

# The only types outside skops' defaults (builtins, numpy, scipy, scikit-learn) a model file may hold.
TRUSTED_TYPES = [
    "classifier.baseline.BaselineModel",
    "classifier.baseline.FrameClassifier",
    "classifier.baseline.SlantClassifier",
]


class RegistryError(RuntimeError):
    """A model that cannot be found, saved or trusted; the message says what to do."""


class UntrustedModelError(RegistryError):
    """A model file holding types that are not in TRUSTED_TYPES."""


@dataclass(frozen=True)
class ModelInfo:
    version: str
    path: Path
    card: dict[str, Any]
    promoted: bool


def make_version(data_hash: str, day: date | None = None) -> str:
    """``baseline-YYYYMMDD-<first 8 hex of the training-data hash>``."""
    return f"baseline-{(day or date.today()):%Y%m%d}-{data_hash[:8]}"


def _models_dir(models_dir: Path | str | None) -> Path:
    return Path(models_dir) if models_dir is not None else ClassifierSettings().models_dir


def save_model(model: BaselineModel, card: dict[str, Any], models_dir: Path | str | None = None) -> Path:
    """Write model.skops, card.json and README.md to ``<models_dir>/<card['version']>/`` (replacing it)."""
    root = _models_dir(models_dir)
    version = card["version"]
    import skops.io as sio  # heavy (imports every estimator): only when a model is saved or loaded

    data = sio.dumps(model, compression=zipfile.ZIP_DEFLATED)
    unexpected = sorted(set(sio.get_untrusted_types(data=data)) - set(TRUSTED_TYPES))
    if unexpected:
        raise UntrustedModelError(
            f"refusing to save {version}: it holds types outside TRUSTED_TYPES: {unexpected}; "
            "add them to classifier.registry.TRUSTED_TYPES only if they are safe to load"
        )
    root.mkdir(parents=True, exist_ok=True)
    target = root / version
    with tempfile.TemporaryDirectory(dir=root, prefix=f".{version}-") as tmp:
        staging = Path(tmp) / version
        staging.mkdir()
        (staging / MODEL_FILE).write_bytes(data)
        (staging / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", "utf-8")
        (staging / README_FILE).write_text(render_card(card), "utf-8")
        if target.exists():
            logger.warning("replacing existing model dir %s", target)
            shutil.rmtree(target)
        staging.rename(target)
    logger.info("saved model %s (%.1f MB)", version, len(data) / 1e6)
    return target


def load_model(path: Path | str) -> BaselineModel:
    """Load a model.skops file, trusting only TRUSTED_TYPES."""
    path = Path(path)
    if not path.exists():
        raise RegistryError(f"{path}: model file not found")
    import skops.io as sio

    untrusted = sorted(set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES))
    if untrusted:
        raise UntrustedModelError(
            f"{path}: refusing to load, the file holds untrusted types {untrusted}; "
            "only load model files you produced with `framewatch train`"
        )
    model = sio.load(path, trusted=TRUSTED_TYPES)
    if not isinstance(model, BaselineModel):
        raise UntrustedModelError(f"{path}: expected a BaselineModel, found {type(model).__name__}")
    return model


def read_card(version: str, models_dir: Path | str | None = None) -> dict[str, Any]:
    return json.loads((model_dir(version, models_dir) / CARD_FILE).read_text("utf-8"))


def model_dir(version: str, models_dir: Path | str | None = None) -> Path:
    """The folder of ``version`` (any kind: a folder with a card.json); a clear error if it does not exist."""
    root = _models_dir(models_dir)
    path = root / version
    if not (path / CARD_FILE).exists():
        known = [m.version for m in list_models(root)]
        hint = f"known versions: {', '.join(known)}" if known else "the models dir is empty"
        raise RegistryError(f"no model {version!r} in {root} ({hint}); run `framewatch train` to make one")
    return path


def list_models(models_dir: Path | str | None = None) -> list[ModelInfo]:
    """All saved models, newest first."""
    root = _models_dir(models_dir)
    if not root.is_dir():
        return []
    promoted = _read_promoted(root)
    infos = []
    for path in root.iterdir():
        if path.is_dir() and not path.name.startswith(".") and (path / CARD_FILE).exists():
            card = json.loads((path / CARD_FILE).read_text("utf-8"))
            infos.append(ModelInfo(path.name, path, card, path.name == promoted))
    return sorted(infos, key=lambda m: (m.card.get("created", ""), m.version), reverse=True)


def promote(version: str, models_dir: Path | str | None = None) -> Path:
    """Point ``PROMOTED`` at ``version`` (which must exist); returns the PROMOTED file."""
    root = _models_dir(models_dir)
    model_dir(version, root)
    pointer = root / PROMOTED_FILE
    pointer.write_text(version + "\n", "utf-8")
    logger.info("promoted %s", version)
    return pointer


def promoted_version(models_dir: Path | str | None = None) -> str:
    """The promoted version; a clear error if none is promoted or the models dir is empty."""
    root = _models_dir(models_dir)
    version = _read_promoted(root)
    if version:
        return version
    known = [m.version for m in list_models(root)]
    if not known:
        raise RegistryError(
            f"no models in {root}; run `framewatch train` "
            "(or set FRAMEWATCH_MODELS_DIR to a folder of models)"
        )
    raise RegistryError(
        f"no promoted model in {root}; "
        f"run `framewatch models promote VERSION` with one of: {', '.join(known)}"
    )


def _read_promoted(root: Path) -> str | None:
    pointer = root / PROMOTED_FILE
    if not pointer.exists():
        return None
    return pointer.read_text("utf-8").strip() or None
