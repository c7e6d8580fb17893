"""Work over many texts in shards, each finished shard cached as safetensors so an interrupted run
resumes where it stopped; a progress bar counts articles. Used for chunk embeddings (features.py) and
frozen-layer token states (states.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file


def cached_shards(
    texts: Sequence[str],
    compute: Callable[[list[str]], dict[str, np.ndarray]],
    *,
    cache_dir: Path | None,
    key: str,
    shard_size: int,
    description: str,
    progress: bool,
) -> dict[str, np.ndarray] | None:
    """``compute`` over ``texts`` in shards of ``shard_size``; each shard's arrays are saved as
    ``<key>-<shard>.safetensors`` in ``cache_dir`` and read back next time. ``doc_index`` (the text each row
    belongs to, within its shard) is shifted to index ``texts``. The shards' arrays, concatenated per name;
    None when there are no texts."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    parts: list[dict[str, np.ndarray]] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, disable=not progress) as bar:
        task = bar.add_task(f"{description} (articles)", total=len(texts))
        for shard, start in enumerate(range(0, len(texts), shard_size)):
            part = list(texts[start : start + shard_size])
            path = cache_dir / f"{key}-{shard:05d}.safetensors" if cache_dir is not None else None
            if path is not None and path.exists():
                data = load_file(str(path))
            else:
                data = compute(part)
                if path is not None:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_name(path.name + ".tmp")
                    save_file(data, str(tmp))
                    tmp.replace(path)
            parts.append({**data, "doc_index": data["doc_index"] + start})
            bar.advance(task, len(part))
    if not parts:
        return None
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
