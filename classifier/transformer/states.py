"""Cached token states of the frozen bottom of the encoder, per training chunk (fp16, on disk).

Fine-tuning the top ``k`` layers needs, for every training chunk, the token states that enter layer
``n - k + 1``. They never change during training, so they are computed once (shards of articles, saved as
safetensors under the cache dir, keyed by base-model fingerprint, cut, texts, chunking and preprocessing)
and a resumed or repeated run reads them back. Stored flat: ``states`` (tokens, dim) float16 and
``lengths`` (chunks,), so no padding is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Unpack

import numpy as np

from classifier.transformer.chunking import ChunkedDocs, length_batches, pad_batch
from classifier.transformer.shards import ShardOptions, cached_shards

if TYPE_CHECKING:  # torch and datasets are imported when states are computed, not with this module
    from datasets import Dataset

    from classifier.transformer.towers import SplitEncoder

logger = logging.getLogger(__name__)


@dataclass
class ChunkStates:
    """Bottom-layer token states of every chunk of a set of articles."""

    states: np.ndarray  # (total_tokens, dim) float16
    lengths: np.ndarray  # (n_chunks,) tokens per chunk
    doc_index: np.ndarray  # (n_chunks,) article of each chunk

    def __post_init__(self) -> None:
        self.offsets = np.concatenate([[0], np.cumsum(self.lengths)]).astype(np.int64)
        order = np.argsort(self.doc_index, kind="stable")
        n_docs = int(self.doc_index.max()) + 1 if len(self.doc_index) else 0
        bounds = np.searchsorted(self.doc_index[order], np.arange(n_docs + 1))
        self.by_doc = [order[bounds[d] : bounds[d + 1]] for d in range(n_docs)]

    @property
    def dim(self) -> int:
        return int(self.states.shape[1])

    def chunks_of(self, docs: Iterable[int]) -> list[np.ndarray]:
        return [self.by_doc[d] if d < len(self.by_doc) else np.zeros(0, dtype=np.int64) for d in docs]

    def padded(self, chunk_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(chunks, longest, dim) float32 states and (chunks, longest) int64 attention mask."""
        lens = self.lengths[chunk_ids]
        width = int(lens.max()) if len(lens) else 1
        x = np.zeros((len(chunk_ids), width, self.dim), dtype=np.float32)
        mask = np.zeros((len(chunk_ids), width), dtype=np.int64)
        for row, (c, n) in enumerate(zip(chunk_ids, lens, strict=True)):
            x[row, :n] = self.states[self.offsets[c] : self.offsets[c] + n]
            mask[row, :n] = 1
        return x, mask


def compute_bottom_states(
    split_encoder: SplitEncoder, docs: ChunkedDocs, max_tokens: int, bf16: bool, device: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(flat fp16 states, lengths, doc_index) of the frozen bottom for every chunk of ``docs``; the
    settings (and their defaults) are :func:`encode_states`'."""
    import torch

    lengths = np.array([len(c.input_ids) for c in docs.chunks], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    dim = int(split_encoder.config.hidden_size)
    out = np.zeros((int(lengths.sum()), dim), dtype=np.float16)
    for idx in length_batches(lengths.tolist(), max_tokens):
        ids, mask = pad_batch([docs.chunks[i] for i in idx])
        with torch.inference_mode(), torch.autocast(device.split(":")[0], dtype=torch.bfloat16, enabled=bf16):
            states = split_encoder.bottom_states(
                torch.from_numpy(ids).to(device), torch.from_numpy(mask).to(device)
            )
        batch = states.float().cpu().numpy()
        for row, i in enumerate(idx):
            out[offsets[i] : offsets[i + 1]] = batch[row, : lengths[i]]
    return out, lengths, docs.doc_index()


def encode_states(
    windows: Dataset,
    split_encoder: SplitEncoder,
    *,
    max_tokens: int = 8192,
    bf16: bool = False,
    device: str = "cpu",
    **shards: Unpack[ShardOptions],
) -> ChunkStates:
    """Bottom-layer states for every window of ``windows`` (a dataset from
    :func:`classifier.transformer.dataset.tokenize_windows`) in shards of ``shard_size`` articles
    (``shards``: :class:`~classifier.transformer.shards.ShardOptions`); each finished shard is cached as
    ``<key>-<shard>.safetensors`` in ``cache_dir`` so an interrupted run resumes where it stopped."""
    from classifier.transformer.dataset import chunked_docs

    def compute(start: int, stop: int) -> dict[str, np.ndarray]:
        docs = chunked_docs(windows, start, stop)
        states, lengths, doc_index = compute_bottom_states(split_encoder, docs, max_tokens, bf16, device)
        return {"states": states, "lengths": lengths, "doc_index": doc_index}

    data = cached_shards(len(windows), compute, **shards)
    if data is None:
        return ChunkStates(np.zeros((0, 1), np.float16), np.zeros(0, np.int64), np.zeros(0, np.int64))
    return ChunkStates(states=data["states"], lengths=data["lengths"], doc_index=data["doc_index"])
