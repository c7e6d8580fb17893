"""Training articles as a Hugging Face dataset: codebook-typed labels, windows tokenized with Dataset.map
(the scorer's chunking, cached as an Arrow file) and the targets the training loop reads from it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from classifier.data import load_labeled, texts_of
from classifier.transformer.chunking import chunk_texts, load_tokenizer
from classifier.transformer.dataset import (
    article_dataset,
    chunked_docs,
    frame_targets,
    slant_targets,
    tokenize_windows,
)
from classifier.transformer.preprocessing import Preprocessing
from labels.codebook import load_codebook
from tests.classifier.transformer_helpers import synthetic_frames, synthetic_slant, tiny_base_model

BOOK = load_codebook()


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("ds")
    return {
        "base": tiny_base_model(root / "base"),
        "frames": synthetic_frames(root / "frames.parquet"),
        "slant": synthetic_slant(root / "slant.parquet"),
    }


def test_labels_are_codebook_class_labels(tiny: dict[str, Path]) -> None:
    df = load_labeled([tiny["frames"], tiny["slant"]])
    ds = article_dataset(df)
    assert ds.features["frames"].feature.names == list(BOOK.frame_names)
    assert ds.features["slant"].names == list(BOOK.slant_labels)
    assert ds["text"] == texts_of(df) and ds["id"] == df["id"].tolist()

    names = list(reversed(BOOK.frame_names))  # any order the caller asks for
    y = frame_targets(ds, names)
    expected = np.array([[n in f for n in names] for f in df["frames"]], dtype=np.int8)
    assert y.shape == (len(df), len(BOOK.frame_names)) and np.array_equal(y, expected) and y.sum() > 0

    has_slant = df["slant"].notna().to_numpy()
    labeled = ds.select(np.flatnonzero(has_slant))
    labels = ["right", "left", "center"]
    assert slant_targets(labeled, labels).tolist() == [labels.index(s) for s in df["slant"][has_slant]]
    unlabeled_id = df["id"][~has_slant].iloc[0]
    with pytest.raises(ValueError, match=f"id='{unlabeled_id}'"):  # a frames-only row is refused by name
        slant_targets(ds, labels)


def test_windows_are_the_scorers_chunks(tiny: dict[str, Path]) -> None:
    tok = load_tokenizer(tiny["base"])
    df = load_labeled([tiny["slant"]])
    long_text = " ".join(f"Sentence {i} of a long article about the budget." for i in range(120))
    df.loc[0, "text"] = long_text + "\nRead more at Example Daily News online today"
    prep = Preprocessing(outlet_names=("Example Daily News",))
    ds = tokenize_windows(article_dataset(df), tok, max_length=32, max_chunks=4, prep=prep, progress=False)
    ref = chunk_texts(tok, texts_of(df), max_length=32, max_chunks=4, mask=prep.pattern())
    got = chunked_docs(ds, 0, len(ds))
    assert len(got.chunks) == len(ref.chunks) > len(df)  # the long article has several windows
    for a, b in zip(got.chunks, ref.chunks, strict=True):
        assert a.doc == b.doc and np.array_equal(a.input_ids, b.input_ids)
    assert sum(c.doc == 0 for c in got.chunks) == 4
    part = chunked_docs(ds, 3, 7)  # a shard counts its articles from its start
    assert part.n_docs == 4 and [c.doc for c in part.chunks] == [
        c.doc - 3 for c in ref.chunks if 3 <= c.doc < 7
    ]


def test_windows_are_cached_and_read_back(tiny: dict[str, Path], tmp_path: Path) -> None:
    tok = load_tokenizer(tiny["base"])
    ds = article_dataset(load_labeled([tiny["frames"]]))
    first = tokenize_windows(
        ds,
        tok,
        max_length=32,
        max_chunks=2,
        prep=Preprocessing(),
        cache_dir=tmp_path,
        key="frames-abc",
        progress=False,
    )
    [cached] = tmp_path.glob("frames-abc-*.arrow")
    assert first.cache_files[0]["filename"] == str(cached)
    stamp = cached.stat().st_mtime_ns
    again = tokenize_windows(
        ds,
        tok,
        max_length=32,
        max_chunks=2,
        prep=Preprocessing(),
        cache_dir=tmp_path,
        key="frames-abc",
        progress=False,
    )
    assert cached.stat().st_mtime_ns == stamp  # read back, not rewritten
    assert again["windows"] == first["windows"] and again["frames"] == first["frames"]


def test_rows_without_frames_or_language_keep_their_place() -> None:
    df = pd.DataFrame(
        {
            "id": ["a", "b"],
            "title": ["T", None],
            "text": ["x", "y"],
            "language": [None, "en"],
            "outlet": [None, "Paper"],
            "outlet_domain": [None, None],
            "frames": [[], ["Economic"]],
            "slant": [None, "left"],
            "tone": [None, None],
        }
    )
    ds = article_dataset(df)
    assert ds["language"] == [None, "en"] and ds["slant"] == [None, BOOK.slant_labels.index("left")]
    assert frame_targets(ds, BOOK.frame_names).sum(1).tolist() == [0, 1]
