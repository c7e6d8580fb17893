"""Training articles as a Hugging Face ``datasets.Dataset``: typed labels and tokenized windows.

Labels are ``ClassLabel`` features built from the codebook (frames a list of them, slant one, missing slant
None), so the training targets carry their label names and cannot drift from the codebook's order. Every
article is cut into windows once with ``Dataset.map`` (batched; :func:`chunk_texts`, the scorer's own
chunking); with a cache dir the windows are an Arrow file keyed like the encoder caches, read back by the
next run instead of re-tokenizing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
from datasets import ClassLabel, Dataset, Features, List, Value
from datasets.utils.logging import disable_progress_bar, enable_progress_bar, is_progress_bar_enabled
from tokenizers import Tokenizer

from classifier.data import texts_of
from classifier.transformer.chunking import Chunk, ChunkedDocs, chunk_texts
from classifier.transformer.preprocessing import Preprocessing
from labels.codebook import Codebook, load_codebook

logger = logging.getLogger(__name__)

WINDOWS = "windows"


def article_features(book: Codebook) -> Features:
    return Features(
        {
            "id": Value("string"),
            "text": Value("string"),
            "language": Value("string"),
            "frames": List(ClassLabel(names=list(book.frame_names))),
            "slant": ClassLabel(names=list(book.slant_labels)),
        }
    )


def article_dataset(df: pd.DataFrame, book: Codebook | None = None) -> Dataset:
    """A labeled frame from :func:`classifier.data.load_labeled` as a Dataset (model text = title + body)."""
    book = book or load_codebook()
    return Dataset.from_dict(
        {
            "id": df["id"].astype(str).tolist(),
            "text": texts_of(df),
            "language": [None if pd.isna(x) else str(x) for x in df["language"]],
            "frames": [list(f) for f in df["frames"]],
            "slant": [None if pd.isna(s) else s for s in df["slant"]],
        },
        features=article_features(book),
    )


def tokenize_windows(
    ds: Dataset,
    tokenizer: Tokenizer,
    *,
    max_length: int,
    max_chunks: int,
    prep: Preprocessing,
    cache_dir: Path | None = None,
    key: str = "",
    progress: bool = True,
) -> Dataset:
    """``ds`` with a ``windows`` column: each article's token windows ([CLS] ... [SEP], int32), outlet names
    masked and boilerplate dropped as ``prep`` says. With ``cache_dir``, cached as
    ``<cache_dir>/<key>-<schema hash>.arrow``: the schema (label names included) is part of the name, so a
    new codebook re-tokenizes."""
    pattern = prep.pattern()

    def windows(batch: dict[str, list]) -> dict[str, list]:
        docs = chunk_texts(
            tokenizer,
            batch["text"],
            max_length=max_length,
            max_chunks=max_chunks,
            mask=pattern,
            drop=prep.boilerplate,
        )
        out: list[list[np.ndarray]] = [[] for _ in batch["text"]]
        for chunk in docs.chunks:
            out[chunk.doc].append(chunk.input_ids.astype(np.int32))
        return {WINDOWS: out}

    features = ds.features.copy()
    features[WINDOWS] = List(List(Value("int32")))
    cache_file = None
    if cache_dir is not None:
        cache_dir.mkdir(parents=True, exist_ok=True)
        schema = hashlib.sha256(repr(features).encode()).hexdigest()[:8]
        cache_file = str(cache_dir / f"{key}-{schema}.arrow")
    reused = cache_file is not None and Path(cache_file).exists()
    with _progress_bars(progress):
        out = ds.map(
            windows,
            batched=True,
            batch_size=256,
            features=features,
            cache_file_name=cache_file,
            load_from_cache_file=cache_file is not None,
            new_fingerprint=key or None,
            desc="tokenizing articles into windows",
        )
    logger.info(
        "%s the windows of %d articles%s",
        "read back" if reused else "tokenized",
        len(out),
        f" ({cache_file})" if cache_file else "",
    )
    return out


def chunked_docs(ds: Dataset, start: int, stop: int) -> ChunkedDocs:
    """The windows of articles ``start:stop`` of a tokenized dataset (``doc`` counted from ``start``)."""
    rows = ds.select_columns([WINDOWS])[start:stop][WINDOWS]
    chunks = [
        Chunk(doc=d, input_ids=np.asarray(w, dtype=np.int64))
        for d, windows in enumerate(rows)
        for w in windows
    ]
    return ChunkedDocs(chunks=chunks, n_docs=len(rows))


def frame_targets(ds: Dataset, names: Sequence[str]) -> np.ndarray:
    """(articles, len(names)) 0/1 int8: column j is frame ``names[j]``."""
    labels = ds.features["frames"].feature
    column = {labels.str2int(n): j for j, n in enumerate(names)}
    y = np.zeros((len(ds), len(names)), dtype=np.int8)
    for row, ids in enumerate(ds["frames"]):
        for i in ids:
            if i in column:
                y[row, column[i]] = 1
    return y


def slant_targets(ds: Dataset, labels: Sequence[str]) -> np.ndarray:
    """Index into ``labels`` of every article's slant; an article without one is refused by name."""
    feature = ds.features["slant"]
    order = {feature.str2int(x): j for j, x in enumerate(labels)}
    slants = list(ds["slant"])
    missing = [i for i, s in zip(ds["id"], slants, strict=True) if s not in order]
    if missing:
        raise ValueError(
            f"{len(missing)} slant training row(s) without a slant label in {list(labels)}, "
            f"e.g. id={missing[0]!r}; load slant rows with classifier.data.slant_rows"
        )
    return np.array([order[s] for s in slants], dtype=np.int64)


@contextmanager
def _progress_bars(on: bool) -> Iterator[None]:
    was = is_progress_bar_enabled()
    (enable_progress_bar if on else disable_progress_bar)()
    try:
        yield
    finally:
        (enable_progress_bar if was else disable_progress_bar)()
