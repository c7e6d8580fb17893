"""Work over many texts in shards, each finished shard cached as safetensors so an interrupted run
resumes where it stopped; a progress bar counts articles. Used for chunk embeddings (features.py) and
frozen-layer token states (states.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

import numpy as np
from safetensors.numpy import load_file, save_file

from classifier.progress import progress_bar


class ShardOptions(TypedDict, total=False):
    """Where and how :func:`cached_shards` works; the encoders (features.py, states.py) take these as
    keyword arguments and pass them on."""

    cache_dir: Path | None  # None: nothing cached
    key: str  # names the shard files
    shard_size: int  # articles per shard
    description: str  # the progress bar's label
    progress: bool


def cached_shards(
    n_items: int,
    compute: Callable[[int, int], dict[str, np.ndarray]],
    *,
    cache_dir: Path | None = None,
    key: str = "",
    shard_size: int = 128,
    description: str = "encoding",
    progress: bool = True,
) -> dict[str, np.ndarray] | None:
    """``compute(start, stop)`` over ``n_items`` articles in shards of ``shard_size``; each shard's arrays
    are saved as ``<key>-<shard>.safetensors`` in ``cache_dir`` and read back next time. ``doc_index`` (the
    article each row belongs to, counted from ``start``) is shifted to count from 0. The shards' arrays,
    concatenated per name; None when there are no articles."""
    parts: list[dict[str, np.ndarray]] = []
    with progress_bar(progress) as bar:
        task = bar.add_task(f"{description} (articles)", total=n_items)
        for shard, start in enumerate(range(0, n_items, shard_size)):
            stop = min(n_items, start + shard_size)
            path = cache_dir / f"{key}-{shard:05d}.safetensors" if cache_dir is not None else None
            if path is not None and path.exists():
                data = load_file(str(path))
            else:
                data = compute(start, stop)
                if path is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_name(path.name + ".tmp")
                    save_file(data, str(tmp))
                    tmp.replace(path)
            parts.append({**data, "doc_index": data["doc_index"] + start})
            bar.advance(task, stop - start)
    if not parts:
        return None
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
