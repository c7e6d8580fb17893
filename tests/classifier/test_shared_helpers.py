"""Helpers that serve more than one caller: the frames' global threshold search (CalibratedFrames and
BlendedFrames) and the shard cache behind both encoders (chunk embeddings and frozen-layer states)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from classifier.frames import best_global_threshold, micro_f1
from classifier.thresholds import THRESHOLD_GRID, decide_frames
from classifier.transformer.shards import cached_shards


def test_best_global_threshold_is_the_first_grid_value_with_the_best_micro_f1() -> None:
    rng = np.random.default_rng(0)
    Y = (rng.random((40, 5)) < 0.3).astype(np.int8)
    probs = np.clip(Y * 0.5 + rng.random((40, 5)) * 0.6, 0, 1)
    scores = [micro_f1(Y, decide_frames(probs, t)) for t in THRESHOLD_GRID]
    best = best_global_threshold(Y, probs)
    assert isinstance(best, float)
    assert best == float(THRESHOLD_GRID[int(np.argmax(scores))])


def test_cached_shards_caches_each_shard_and_counts_doc_index_from_zero(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []

    def compute(start: int, stop: int) -> dict[str, np.ndarray]:
        calls.append((start, stop))
        docs = np.arange(stop - start, dtype=np.int64)
        return {"values": (docs + start).astype(np.float32), "doc_index": docs}

    first = cached_shards(5, compute, cache_dir=tmp_path, key="k", shard_size=2, progress=False)
    assert first is not None and calls == [(0, 2), (2, 4), (4, 5)]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"k-0000{i}.safetensors" for i in range(3)]
    assert first["doc_index"].tolist() == [0, 1, 2, 3, 4]
    again = cached_shards(5, compute, cache_dir=tmp_path, key="k", shard_size=2, progress=False)
    assert again is not None and len(calls) == 3  # read back, not computed
    assert np.array_equal(again["values"], first["values"])
    assert cached_shards(0, compute, progress=False) is None  # no articles, and the defaults cache nothing
