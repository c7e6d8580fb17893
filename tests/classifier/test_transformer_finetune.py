"""Fine-tuning the top encoder layers: on a tiny random 2-layer BERT (real tokenizer) and synthetic data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from datasets import Dataset

from classifier.transformer.chunking import chunk_texts, load_tokenizer
from classifier.transformer.dataset import tokenize_windows
from classifier.transformer.finetune import fit_tower, frozen_embeddings, predict_tower
from classifier.transformer.model import PooledHead
from classifier.transformer.preprocessing import Preprocessing
from classifier.transformer.states import encode_states
from classifier.transformer.towers import BASE, load_split_encoder
from tests.classifier.transformer_helpers import (
    synthetic_frames,
    synthetic_slant,
    tiny_base_model,
    tiny_config,
)

TEXTS = [
    "Police arrested the suspect after the robbery. Prosecutors filed charges in court.",
    "The budget deficit grew as taxes rose. Jobs and wages hit the economy this year.",
    "Doctors warned the hospital about the outbreak. Patients needed vaccines quickly.",
    "The city council met on Tuesday and residents gathered outside the building.",
] * 3


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tiny_base_model(tmp_path_factory.mktemp("ft") / "base", layers=2)


def _config(base: Path, **overrides: object):  # noqa: ANN202
    values = {
        "finetune_layers": 1,
        "ft_epochs": 2,
        "ft_batch_size": 4,
        "ft_lr": 5e-3,
        "ft_head_lr": 5e-3,
        "bf16": False,
        "max_length": 16,
        "max_chunks": 3,
    }
    values.update(overrides)
    return tiny_config(base, **values)


def _states(base: Path, config):  # noqa: ANN001, ANN202
    split = load_split_encoder(base, config.finetune_layers)
    windows = tokenize_windows(
        Dataset.from_dict({"text": TEXTS}),
        load_tokenizer(base),
        max_length=config.max_length,
        max_chunks=config.max_chunks,
        prep=Preprocessing(),
        progress=False,
    )
    states = encode_states(windows, split, progress=False)
    return split, states


def _fit(base: Path, config, **kwargs: object):  # noqa: ANN001, ANN202
    split, states = _states(base, config)
    y = np.arange(len(TEXTS)) % 2
    torch.manual_seed(0)
    head = PooledHead(states.dim, 2, 8, 0.1)
    return split, states, fit_tower(split, states, np.arange(len(TEXTS)), y, False, config, head, **kwargs)


def test_split_encoder_equals_the_full_model(base: Path) -> None:
    from transformers import AutoModel

    full = AutoModel.from_pretrained(str(base)).eval()
    split = load_split_encoder(base, 1, ("frames",))
    ids = torch.randint(1000, 5000, (2, 12))
    mask = torch.ones_like(ids)
    mask[1, 7:] = 0
    with torch.no_grad():
        ref = full(input_ids=ids, attention_mask=mask).last_hidden_state
        outs = split(ids, mask)
    assert split.tower_names == ("frames", "slant") or split.tower_names == ("frames", BASE)
    for out in outs:  # untrained towers are copies of the base top layer
        assert torch.allclose(out[mask.bool()], ref[mask.bool()], atol=1e-5)


def test_cached_states_are_those_of_the_bottom(base: Path) -> None:
    config = _config(base)
    split, states = _states(base, config)
    docs = chunk_texts(load_tokenizer(base), TEXTS[:1], max_length=16, max_chunks=3)
    ids = torch.from_numpy(docs.chunks[0].input_ids[None])
    with torch.no_grad():
        ref = split.bottom_states(ids, torch.ones_like(ids))[0].numpy()
    got = states.states[: states.lengths[0]].astype(np.float32)
    assert np.allclose(got, ref, atol=2e-3)  # float16 cache
    assert np.array_equal(np.unique(states.doc_index), np.arange(len(TEXTS)))


def test_finetuning_changes_the_top_layers_and_only_them(base: Path) -> None:
    config = _config(base)
    split, _, model = _fit(base, config)
    fresh = load_split_encoder(base, 1)
    for (name, before), after in zip(
        fresh.bottom.state_dict().items(), split.bottom.state_dict().values(), strict=True
    ):
        assert torch.equal(before, after), f"frozen bottom changed: {name}"
    for before, after in zip(
        fresh.stacks[BASE].state_dict().values(), split.stacks[BASE].state_dict().values(), strict=True
    ):
        assert torch.equal(before, after)  # the base's own top layer is untouched: each fit trains a copy
    changed = [
        not torch.equal(a, b)
        for a, b in zip(fresh.stacks[BASE].parameters(), model.layers.parameters(), strict=True)
    ]
    assert sum(changed) >= len(changed) - 2  # every weight matrix of the fine-tuned layer moved


def test_resume_after_interruption_equals_an_uninterrupted_run(base: Path, tmp_path: Path) -> None:
    config = _config(base, ft_epochs=3)
    _, states, straight = _fit(base, config)

    class Killed(Exception):
        pass

    def kill_after_first(epoch: int, _model: object) -> None:
        if epoch == 0:
            raise Killed

    ckpt = tmp_path / "ckpt"
    with pytest.raises(Killed):
        _fit(base, config, checkpoint_dir=ckpt, checkpoint_key="k", on_epoch=kill_after_first)
    assert json.loads((ckpt / "checkpoint.json").read_text())["epoch"] == 0
    _, _, resumed = _fit(base, config, checkpoint_dir=ckpt, checkpoint_key="k")
    assert json.loads((ckpt / "checkpoint.json").read_text())["epoch"] == 2
    for a, b in zip(straight.state_dict().values(), resumed.state_dict().values(), strict=True):
        assert torch.allclose(a, b, atol=1e-6)
    rows = np.arange(len(TEXTS))
    assert np.allclose(
        predict_tower(straight, states, rows, False, config),
        predict_tower(resumed, states, rows, False, config),
        atol=1e-6,
    )


def test_frozen_embeddings_are_the_base_models(base: Path) -> None:
    config = _config(base)
    split, states = _states(base, config)
    emb = frozen_embeddings(split, states, config)
    assert emb.chunks.shape == (len(states.lengths), states.dim)
    assert np.allclose(np.linalg.norm(emb.chunks, axis=1), 1.0, atol=1e-5)


@pytest.fixture(scope="module")
def finetuned_dir(base: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, Path]:
    from classifier.transformer.train import train_transformer

    root = tmp_path_factory.mktemp("ftmodel")
    frames, slant = synthetic_frames(root / "frames.parquet"), synthetic_slant(root / "slant.parquet")
    models = root / "models"
    config = _config(base, epochs=5, ft_epochs=1, max_length=32, infer_max_chunks=4)
    version = train_transformer(
        [frames],
        [slant],
        models,
        config,
        cv_folds=0,
        cache_dir=root / "cache",
        progress=False,
        export_onnx=True,
        quantize=False,
    )
    return models, version, root


def test_saved_model_keeps_only_the_finetuned_layers_and_reloads_identically(
    finetuned_dir: tuple[Path, str, Path], tmp_path: Path
) -> None:
    from safetensors.torch import load_file

    from classifier.transformer.predict import load_transformer_scorer
    from classifier.transformer.store import TOWERS_FILE, load_transformer

    models, version, root = finetuned_dir
    folder = models / version
    model = load_transformer(folder)
    assert model.finetune_layers == 1 and set(model.finetuned_tasks) == {"frames", "slant"}
    towers = load_file(str(folder / TOWERS_FILE))
    assert towers and all(v.dtype == torch.float16 for v in towers.values())
    assert {k.split(".")[0] for k in towers} == {"frames", "slant"}
    assert all(
        k.split(".")[1] == "0" for k in towers
    )  # one layer (index 0 of the tower) per task, nothing else
    # the saved layers are the trained ones (the final fit's last checkpoint), rounded to float16
    ckpt = next((root / "cache" / "checkpoints").glob("*/frames/checkpoint.safetensors"))
    trained = {
        k[len("model.layers.") :]: v for k, v in load_file(str(ckpt)).items() if k.startswith("model.layers.")
    }
    for k, v in trained.items():
        assert torch.equal(towers[f"frames.{k}"], v.half())
    texts = ["Police arrested the suspect after the robbery downtown. Taxes rose this year.", "Short note."]
    a = load_transformer_scorer(folder, backend="torch", threads=1).doc_scores(texts)
    copy = tmp_path / version
    shutil.copytree(folder, copy)
    b = load_transformer_scorer(copy, backend="torch", threads=1).doc_scores(texts)
    assert np.array_equal(a.frame_probs, b.frame_probs) and np.array_equal(a.slant_probs, b.slant_probs)
    onnx = load_transformer_scorer(folder, backend="onnx", threads=1).doc_scores(texts)
    assert np.allclose(onnx.frame_probs, a.frame_probs, atol=1e-4)
    assert np.allclose(onnx.slant_probs, a.slant_probs, atol=1e-4)
    # the fine-tuned layers matter: the frozen base alone scores differently
    from classifier.transformer.encoder import TorchEncoder
    from classifier.transformer.predict import TransformerScorer

    frozen = TransformerScorer(model, TorchEncoder(model.encoder_dir(), device="cpu")).doc_scores(texts)
    assert not np.allclose(frozen.frame_probs, a.frame_probs, atol=1e-6)


def test_loading_refuses_a_different_base_model(
    finetuned_dir: tuple[Path, str, Path], tmp_path: Path
) -> None:
    from classifier.transformer.predict import load_transformer_scorer
    from classifier.transformer.store import CARD_FILE, BaseModelMismatch

    models, version, _ = finetuned_dir
    folder = tmp_path / version
    shutil.copytree(models / version, folder)
    other = tiny_base_model(tmp_path / "other", layers=3)  # same tokenizer, different weights and size
    card = json.loads((folder / CARD_FILE).read_text())
    card["base_model"] = str(other)
    (folder / CARD_FILE).write_text(json.dumps(card))
    with pytest.raises(BaseModelMismatch, match="fingerprint"):
        load_transformer_scorer(folder, backend="torch", threads=1)


def test_cli_set_options_are_typed_and_checked() -> None:
    from framewatch.cli.transformer import parse_sets

    assert parse_sets(["ft_epochs=4", "finetune_slant=false", "ft_lr=3e-4", "frames_train_languages=en"]) == {
        "ft_epochs": 4,
        "finetune_slant": False,
        "ft_lr": 3e-4,
        "frames_train_languages": "en",
    }
    with pytest.raises(ValueError, match="KEY=VALUE"):
        parse_sets(["no_such_field=1"])


def test_card_says_what_was_finetuned(finetuned_dir: tuple[Path, str, Path]) -> None:
    models, version, _ = finetuned_dir
    text = (models / version / "README.md").read_text()
    assert "top 1 encoder layer(s) fine-tuned per task" in text and "towers.safetensors" in text
