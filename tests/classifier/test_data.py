"""Loading labeled data: schema, label validation against the codebook, provenance hash."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from classifier.data import COLUMNS, DataError, dataset_hash, load_labeled
from classifier.scoring import compose_text
from labels.codebook import load_codebook

BOOK = load_codebook()
FRAME_A, FRAME_B = BOOK.frame_names[0], BOOK.frame_names[6]


def _row(row_id: str, frames: list[str] | None, slant: str | None = None, tone: str | None = None) -> dict:
    return {
        "dataset": "unit",
        "id": row_id,
        "outlet": "Example Gazette",
        "outlet_domain": "example.org",
        "url": f"https://example.org/{row_id}",
        "title": f"Headline {row_id}",
        "text": "The council met on Tuesday. It voted on the budget.",
        "published": "2025-01-02",
        "topic": None,
        "language": "en",
        "labels": {"frames": frames, "primary_frame": None, "slant": slant, "tone": tone},
        "split": "train",
        "extra": "{}",
    }


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_loads_jsonl_in_shared_schema(tmp_path: Path) -> None:
    rows = [_row("a1", [FRAME_A, FRAME_B], "left", "neutral"), _row("a2", None, "right")]
    path = _jsonl(tmp_path / "ok.jsonl", rows)
    df = load_labeled(path)
    assert list(df.columns) == COLUMNS
    assert df["frames"].tolist() == [[FRAME_A, FRAME_B], []]
    assert df["slant"].tolist() == ["left", "right"]
    assert df["tone"].tolist()[0] == "neutral" and df["tone"].tolist()[1] is None
    assert df["outlet_domain"].tolist() == ["example.org", "example.org"]


def test_loads_parquet_and_many_files(tmp_path: Path) -> None:
    pq = tmp_path / "part1.parquet"
    pd.DataFrame([_row("p1", [FRAME_A], "center")]).to_parquet(pq)
    jl = _jsonl(tmp_path / "part2.jsonl", [_row("p2", [FRAME_B])])
    df = load_labeled([pq, jl])
    assert df["id"].tolist() == ["p1", "p2"]
    assert df["frames"].tolist() == [[FRAME_A], [FRAME_B]]


def test_bad_frame_label_names_file_row_and_label(tmp_path: Path) -> None:
    rows = [_row("ok-1", [FRAME_A]), _row("row-77", [FRAME_A, "Vibes and feelings"])]
    path = _jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(DataError) as err:
        load_labeled(path)
    message = str(err.value)
    assert "bad.jsonl" in message
    assert "row-77" in message
    assert "'Vibes and feelings'" in message
    assert "codebook.toml" in message  # says what to do


def test_bad_slant_and_tone_labels_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "bad.parquet"
    pd.DataFrame([_row("s1", None, "far-left"), _row("s2", None, "left", "angry")]).to_parquet(path)
    with pytest.raises(DataError) as err:
        load_labeled(path)
    message = str(err.value)
    assert "2 label(s)" in message and "'far-left'" in message and "'angry'" in message and "s2" in message


def test_missing_file_and_duplicate_ids(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="FRAMEWATCH_DATA_DIR"):
        load_labeled(tmp_path / "nope.parquet")
    a = _jsonl(tmp_path / "a.jsonl", [_row("same", [FRAME_A])])
    b = _jsonl(tmp_path / "b.jsonl", [_row("same", [FRAME_B])])
    with pytest.raises(DataError, match="duplicate"):
        load_labeled([a, b])


def test_dataset_hash_ignores_order_but_not_labels(tmp_path: Path) -> None:
    rows = [_row("h1", [FRAME_A], "left"), _row("h2", [FRAME_B], "right")]
    base = dataset_hash(load_labeled(_jsonl(tmp_path / "1.jsonl", rows)))
    assert base == dataset_hash(load_labeled(_jsonl(tmp_path / "2.jsonl", rows[::-1])))
    changed = [_row("h1", [FRAME_A], "center"), rows[1]]
    assert base != dataset_hash(load_labeled(_jsonl(tmp_path / "3.jsonl", changed)))
    assert len(base) == 64


def test_compose_text() -> None:
    assert compose_text("Title", "Body.") == "Title\nBody."
    assert compose_text(None, "Body.") == "\nBody."


def test_shared_frames_file_validates(shared_files: tuple[Path, Path]) -> None:
    df = load_labeled(shared_files[0])
    assert len(df) > 1000
    assert all(f in BOOK.frame_names for row in df["frames"] for f in row)
    assert df["frames"].map(len).min() >= 1
