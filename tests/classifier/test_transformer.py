"""Transformer classifier on a tiny random BERT (real tokenizer, real ONNX export) and synthetic data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from classifier.cues import outlet_pattern
from classifier.evidence import SLANT_KEY, split_sentences
from classifier.scoring import Doc, compose_text
from classifier.transformer.chunking import (
    chunk_texts,
    length_batches,
    load_tokenizer,
    pick_windows,
)
from classifier.transformer.config import TransformerConfig, describe
from classifier.transformer.heads import fit_head
from classifier.transformer.predict import load_transformer_scorer
from classifier.transformer.store import CARD_FILE, HEADS_FILE, ONNX_INT8
from labels.codebook import load_codebook

BOOK = load_codebook()


@pytest.fixture(scope="module")
def tiny(tiny_transformer: tuple[Path, str, dict[str, Path]]) -> dict[str, Path]:
    """The tiny base model and synthetic data the session's tiny transformer was trained on."""
    return tiny_transformer[2]


@pytest.fixture(scope="module")
def trained(tiny_transformer: tuple[Path, str, dict[str, Path]]) -> tuple[Path, str]:
    """The tiny transformer (transformer_helpers.train_tiny: these files, tiny_config, 2-fold CV, ONNX
    export), trained once per session, in this module's own models dir."""
    models, version, _files = tiny_transformer
    return models, version


def test_pick_windows_spreads_over_long_articles() -> None:
    assert pick_windows(3, 8) == [0, 1, 2]
    assert pick_windows(20, 4) == [0, 6, 13, 19]
    assert pick_windows(5, 1) == [0]


def test_long_text_is_chunked_not_truncated(tiny: dict[str, Path]) -> None:
    tok = load_tokenizer(tiny["base"])
    text = " ".join(f"Sentence number {i} talks about the budget." for i in range(200))
    sentences = split_sentences(text)
    docs = chunk_texts(tok, [text, "short"], max_length=64, max_chunks=5, sentences=[sentences, ["short"]])
    first = [c for c in docs.chunks if c.doc == 0]
    assert len(first) == 5 and all(len(c.input_ids) <= 64 for c in first)
    covered = {s for c in first for s, _, _ in c.spans}
    assert 0 in covered and len(sentences) - 1 in covered  # the end of the article is read too
    assert [c.doc for c in docs.chunks].count(1) == 1


def test_outlet_names_collapse_to_one_mask(tiny: dict[str, Path]) -> None:
    tok = load_tokenizer(tiny["base"])
    pattern = outlet_pattern(["Fox News", "CNN (Web News)".split(" (")[0], "Reason"])
    a = chunk_texts(tok, ["Fox News reported the vote."], mask=pattern).chunks[0].input_ids
    b = chunk_texts(tok, ["CNN reported the vote."], mask=pattern).chunks[0].input_ids
    assert np.array_equal(a, b) and tok.token_to_id("[MASK]") in a
    kept = chunk_texts(tok, ["Reason reported the vote."], mask=pattern).chunks[0].input_ids
    assert tok.token_to_id("[MASK]") not in kept  # single ordinary words are not masked


def test_length_batches_group_similar_lengths() -> None:
    lengths = [5, 100, 6, 98, 7, 99]
    batches = list(length_batches(lengths, max_tokens=300))
    assert sorted(i for b in batches for i in b) == list(range(6))
    assert all(max(lengths[i] for i in b) * len(b) <= 300 for b in batches)
    assert [sorted(lengths[i] for i in b) for b in batches] == [[98, 99, 100], [5, 6, 7]]


def test_config_validates_and_documents() -> None:
    with pytest.raises(ValueError, match="max_length"):
        TransformerConfig(max_length=4)
    assert "slant_per_outlet" in describe()
    cfg = TransformerConfig(epochs=3)
    assert TransformerConfig.from_dict({**cfg.to_dict(), "unknown": 1}) == cfg


def test_training_is_seeded_and_resumable(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 2, 8)).astype(np.float32)
    mask = np.ones((20, 2), dtype=bool)
    y = (x[:, 0, 0] > 0).astype(np.int64)
    cfg = TransformerConfig(epochs=3, hidden=4, batch_size=5)
    a = fit_head(x, mask, y, False, cfg)
    b = fit_head(x, mask, y, False, cfg)
    assert all(
        np.array_equal(p.detach(), q.detach()) for p, q in zip(a.parameters(), b.parameters(), strict=True)
    )
    ckpt = tmp_path / "ckpt"
    fit_head(
        x,
        mask,
        y,
        False,
        TransformerConfig(epochs=2, hidden=4, batch_size=5),
        checkpoint_dir=ckpt,
        checkpoint_key="k",
    )
    assert json.loads((ckpt / "checkpoint.json").read_text())["epoch"] == 1
    resumed = fit_head(x, mask, y, False, cfg, checkpoint_dir=ckpt, checkpoint_key="k")  # runs epoch 2 only
    assert json.loads((ckpt / "checkpoint.json").read_text())["epoch"] == 2
    again = fit_head(x, mask, y, False, cfg, checkpoint_dir=ckpt, checkpoint_key="k")  # nothing left to run
    assert all(
        np.array_equal(p.detach(), q.detach())
        for p, q in zip(resumed.parameters(), again.parameters(), strict=True)
    )


def test_model_dir_has_card_and_no_pickle(trained: tuple[Path, str]) -> None:
    models, version = trained
    folder = models / version
    card = json.loads((folder / CARD_FILE).read_text())
    assert card["kind"].startswith("transformer") and card["codebook_version"] == BOOK.version
    assert len(card["data"]["dataset_hash"]) == 64 and card["libraries"]["onnxruntime"]
    assert {"micro_f1", "by_language", "calibration", "per_frame"} <= set(card["metrics"]["frames"])
    assert {"macro_f1", "confusion_matrix", "by_outlet"} <= set(card["metrics"]["slant"])
    assert (
        (folder / HEADS_FILE).exists() and (folder / ONNX_INT8).exists() and (folder / "README.md").exists()
    )
    assert not [p for p in folder.iterdir() if p.suffix in {".pkl", ".pickle", ".joblib", ".pt", ".bin"}]


@pytest.mark.parametrize("backend", ["onnx-int8", "onnx", "torch", "torch-bf16"])
def test_scores_with_evidence_on_every_backend(trained: tuple[Path, str], backend: str) -> None:
    models, version = trained
    scorer = load_transformer_scorer(models / version, backend=backend, threads=1)
    assert (
        scorer.version == version
        and scorer.kind.startswith("transformer")
        and scorer.card["version"] == version
    )
    docs = [
        Doc(
            "Police report",
            "Police arrested the suspect after the robbery downtown. Prosecutors filed murder "
            "charges in court on Monday. The budget deficit grew as taxes rose this year.",
        ),
        Doc("", ""),
    ]
    predictions = scorer.score(docs, batch_size=1)
    # batching does not change decisions; the int8 graph runs each text alone (its activations are quantized
    # over the whole input), so it too gives the same scores in any batch; bf16 drifts a little
    tol = 0.02 if backend == "torch-bf16" else 1e-4
    for a, b in zip(scorer.score(docs, batch_size=8), predictions, strict=True):
        assert a.frames == b.frames and a.slant == b.slant
        assert a.frame_probs == pytest.approx(b.frame_probs, abs=tol)
    p = predictions[0]
    assert list(p.frame_probs) == BOOK.frame_names and list(p.slant_probs) == list(BOOK.slant_labels)
    assert p.primary_frame in p.frames and sum(p.slant_probs.values()) == pytest.approx(1.0, abs=1e-5)
    assert set(p.evidence) == {*p.frames, SLANT_KEY}
    sentences = set(split_sentences(compose_text(docs[0].title, docs[0].text)))
    assert all(s in sentences for picked in p.evidence.values() for s in picked)
    assert predictions[1].evidence[SLANT_KEY] == []


def test_encoder_batch_budget_changes_speed_not_scores(
    trained: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """FRAMEWATCH_MAX_TOKENS only regroups windows into encoder batches: fp32 scores stay the same."""
    models, version = trained
    monkeypatch.setenv("FRAMEWATCH_MAX_TOKENS", "64")
    small = load_transformer_scorer(models / version, backend="torch", threads=1)
    assert small.max_tokens == 64
    monkeypatch.setenv("FRAMEWATCH_MAX_TOKENS", "8192")
    large = load_transformer_scorer(models / version, backend="torch", threads=1)
    long_text = " ".join(
        f"Police arrested suspect number {i} after the robbery and the budget grew." for i in range(60)
    )
    docs = [Doc("Police report", long_text), Doc("Budget", "Taxes rose this year."), Doc("", "")]
    for a, b in zip(small.score(docs), large.score(docs), strict=True):
        assert a.frames == b.frames and a.slant == b.slant and a.evidence == b.evidence
        assert a.frame_probs == pytest.approx(b.frame_probs, abs=1e-5)
        assert a.slant_probs == pytest.approx(b.slant_probs, abs=1e-5)
    monkeypatch.setenv("FRAMEWATCH_MAX_TOKENS", "8")
    with pytest.raises(ValueError, match="max_tokens"):
        load_transformer_scorer(models / version, backend="torch", threads=1)


def test_registry_lists_promotes_and_loads_the_transformer(trained: tuple[Path, str]) -> None:
    from classifier.registry import list_models, promoted_version
    from classifier.transformer.predict import TransformerScorer
    from classifier.versions.load import load_scorer
    from classifier.versions.promotion import promote

    models, version = trained
    assert [m.version for m in list_models(models)] == [version]
    promote(version, models)
    assert promoted_version(models) == version
    scorer = load_scorer(models_dir=models)
    assert isinstance(scorer, TransformerScorer) and scorer.version == version
