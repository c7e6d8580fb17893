"""Versioned model store: ``<models_dir>/<version>/`` (a card.json, a README.md and the weight files of the
version's kind: JSON + safetensors, never pickle) plus ``PROMOTED``. Versions are loaded by kind in one
place (classifier.versions.load) and promoted in one place (classifier.versions.promotion).

The registry refuses junk: a version name is a plain folder name inside the models dir (no paths);
cards carry the sha256 of every weight file (``card["sha256"]``), checked whenever a version is opened;
``promote`` loads the version and scores a probe text before it moves ``PROMOTED``; a broken version
(unreadable card, missing or altered weights) is listed as broken and never breaks the others.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from classifier.settings import ClassifierSettings

logger = logging.getLogger(__name__)

CARD_FILE = "card.json"
README_FILE = "README.md"
PROMOTED_FILE = "PROMOTED"


class RegistryError(RuntimeError):
    """A model that cannot be found, saved or trusted; the message says what to do."""


VERSION_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
SHA_KEY = "sha256"
NOT_WEIGHTS = {CARD_FILE, README_FILE}
PROBE = (
    "Council approves budget",
    "The city council approved a budget that raises property taxes to pay for new schools and more "
    "police patrols; critics said families would bear the cost.",
)


@dataclass(frozen=True)
class ModelInfo:
    version: str
    path: Path
    card: dict[str, Any]
    promoted: bool
    problem: str | None = None  # why this version cannot be used (None: it opens and its weights match)


def models_root(models_dir: Path | str | None) -> Path:
    return Path(models_dir) if models_dir is not None else ClassifierSettings().models_dir


@contextmanager
def staged_version(root: Path, version: str) -> Iterator[Path]:
    """A staging folder for a new `version` inside `root`. On a clean exit it replaces `<root>/<version>`
    in one rename, so a half-written version is never seen; on an error nothing is replaced."""
    root.mkdir(parents=True, exist_ok=True)
    target = root / version
    with tempfile.TemporaryDirectory(dir=root, prefix=f".{version}-") as tmp:
        staging = Path(tmp) / version
        staging.mkdir()
        yield staging
        if target.exists():
            logger.warning("replacing existing model dir %s", target)
            shutil.rmtree(target)
        staging.rename(target)


def check_name(version: str, root: Path) -> None:
    """Refuse anything but a plain folder name inside the models dir (no paths, no '..')."""
    if not isinstance(version, str) or not VERSION_NAME.fullmatch(version) or ".." in version:
        raise RegistryError(
            f"model version {version!r} is not a plain name: give the name of a version folder inside "
            f"{root} (letters, digits, '.', '_', '-'; see `framewatch models list`)"
        )


def check_real_folder(path: Path) -> None:
    """Refuse a version folder that is a symbolic link: a version lives inside the models dir, where its
    card's hashes vouch for it, not wherever a link points."""
    if path.is_symlink():
        raise RegistryError(
            f"model {path.name!r} is a symbolic link (to {os.readlink(path)}), not a folder in "
            f"{path.parent}: copy the version into the models dir instead"
        )


def load_card(path: Path) -> dict[str, Any]:
    try:
        card = json.loads((path / CARD_FILE).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RegistryError(
            f"{path / CARD_FILE} is not a readable model card ({exc}); restore it or remove the version"
        ) from exc
    if not isinstance(card, dict):
        raise RegistryError(f"{path / CARD_FILE} is not a model card (a JSON object); restore it")
    return card


def weight_files(card: dict[str, Any], path: Path) -> list[str]:
    """The files of a version that hold weights (or anything the loader reads besides the card)."""
    files = card.get("files")
    if isinstance(files, dict) and files:
        return sorted({str(f) for f in files.values()})
    return sorted(
        p.name for p in path.iterdir() if p.is_file() and p.name not in NOT_WEIGHTS and p.name[0] != "."
    )


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_weights(card: dict[str, Any], path: Path) -> list[str]:
    """Raise RegistryError when a weight file the card hashes is missing or differs; returns the weight
    files the card does not hash yet (an unsealed version: sealed when it is promoted)."""
    hashes = card.get(SHA_KEY) or {}
    if not isinstance(hashes, dict):
        raise RegistryError(
            f"{path / CARD_FILE}: `{SHA_KEY}` must map file names to hashes; restore the card"
        )
    for name, expected in sorted(hashes.items()):
        file = path / name
        if Path(name).name != name or not file.is_file():
            raise RegistryError(
                f"model {path.name!r}: weight file {name} is missing; restore it or retrain the version"
            )
        if file_sha256(file) != expected:
            raise RegistryError(
                f"model {path.name!r}: {name} does not match the sha256 in its card (damaged or replaced); "
                "restore the file or retrain the version"
            )
    files = weight_files(card, path)
    if not files and not hashes:
        raise RegistryError(
            f"model {path.name!r}: no weight files (its card names none and its folder holds none); "
            "retrain the version or remove its folder"
        )
    unsealed = [name for name in files if name not in hashes]
    for name in unsealed:
        if Path(name).name != name or not (path / name).is_file():
            raise RegistryError(
                f"model {path.name!r}: weight file {name} is missing; restore it or retrain the version"
            )
    if unsealed:
        logger.warning("model %s: no sha256 in the card for %s", path.name, ", ".join(unsealed))
    return unsealed


def seal(version: str, models_dir: Path | str | None = None) -> dict[str, str]:
    """Record the sha256 of every weight file of `version` in its card (card.json rewritten atomically)."""
    path = model_dir(version, models_dir, verify=False)
    card = load_card(path)
    hashes = dict(card.get(SHA_KEY) or {})
    for name in weight_files(card, path):
        file = path / name
        if not file.is_file():
            raise RegistryError(f"model {version!r}: weight file {name} is missing; retrain the version")
        hashes[name] = file_sha256(file)
    card[SHA_KEY] = hashes
    tmp = path / f".{CARD_FILE}.tmp"
    tmp.write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", "utf-8")
    os.replace(tmp, path / CARD_FILE)
    logger.info("sealed %s: sha256 of %s", version, ", ".join(sorted(hashes)))
    return hashes


def read_card(version: str, models_dir: Path | str | None = None) -> dict[str, Any]:
    return load_card(model_dir(version, models_dir))


def model_dir(version: str, models_dir: Path | str | None = None, verify: bool = True) -> Path:
    """The folder of ``version`` (any kind: a folder with a card.json); a clear error if the name is not a
    plain version name, the version does not exist, its card does not read, or (`verify`) a weight file
    differs from the sha256 in the card."""
    root = models_root(models_dir)
    check_name(version, root)
    path = root / version
    check_real_folder(path)
    if not (path / CARD_FILE).is_file():
        known = [m.version for m in list_models(root) if m.problem is None]
        hint = f"known versions: {', '.join(known)}" if known else "no usable versions there"
        raise RegistryError(f"no model {version!r} in {root} ({hint}); run `framewatch train` to make one")
    if verify:
        verify_weights(load_card(path), path)
    return path


def check_version(version: str, models_dir: Path | str | None = None) -> dict[str, Any]:
    """The card of `version` after the cheap checks (name, card, weight hashes); RegistryError otherwise."""
    return read_card(version, models_dir)


def list_models(models_dir: Path | str | None = None) -> list[ModelInfo]:
    """All saved models, newest first; a version that cannot be used is listed with its `problem`."""
    root = models_root(models_dir)
    if not root.is_dir():
        return []
    promoted = read_promoted(root)
    infos = []
    for path in root.iterdir():
        if not (path.is_dir() and not path.name.startswith(".") and (path / CARD_FILE).exists()):
            continue
        card: dict[str, Any] = {}
        problem = None
        try:
            check_name(path.name, root)
            check_real_folder(path)
            card = load_card(path)
            verify_weights(card, path)
        except RegistryError as exc:
            problem = str(exc)
        infos.append(ModelInfo(path.name, path, card, path.name == promoted, problem))
    return sorted(infos, key=lambda m: (str(m.card.get("created", "")), m.version), reverse=True)


def promoted_version(models_dir: Path | str | None = None) -> str:
    """The promoted version; a clear error if none is promoted or the models dir is empty."""
    root = models_root(models_dir)
    version = read_promoted(root)
    if version:
        check_name(version, root)
        return version
    known = [m.version for m in list_models(root) if m.problem is None]
    if not known:
        raise RegistryError(
            f"no models in {root}; run `framewatch train` "
            "(or set FRAMEWATCH_MODELS_DIR to a folder of models)"
        )
    raise RegistryError(
        f"no promoted model in {root}; "
        f"run `framewatch models promote VERSION` with one of: {', '.join(known)}"
    )


def read_promoted(root: Path) -> str | None:
    pointer = root / PROMOTED_FILE
    if not pointer.exists():
        return None
    return pointer.read_text("utf-8", errors="replace").strip() or None
