"""Bulk import from JSONL / CSV / Parquet / txt: good rows kept, bad rows reported with file:line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from flows.sources.bulk import ImportFileError, read_import_file

TEXT = "The county board met on Tuesday to discuss the bridge repair budget and the timeline."


def test_jsonl_good_and_bad_rows(tmp_path):
    path = tmp_path / "a.jsonl"
    lines = [
        json.dumps({"url": "https://n.example/1?utm_source=x", "title": "One", "text": TEXT, "outlet": "n"}),
        "{not json",
        json.dumps({"title": "No text", "text": "", "outlet": "n"}),
        json.dumps(
            {"id": "x2", "title": "Two", "text": TEXT + " More.", "outlet": "n", "published": "2026-11-02"}
        ),
    ]
    path.write_text("\n".join(lines) + "\n")
    rows, errors = read_import_file(path)
    assert [r["title"] for r in rows] == ["One", "Two"]
    assert rows[0]["normalized_url"] == "https://n.example/1"
    assert str(rows[1]["published"]) == "2026-11-02"
    assert [(e["source"], e["reason"]) for e in errors] == [
        (f"{path}:2", "bad_json"),
        (f"{path}:3", "no_text"),
    ]
    assert "not valid JSON" in errors[0]["detail"] and "no `text`" in errors[1]["detail"]


def test_same_file_gives_same_ids(tmp_path):
    path = tmp_path / "b.csv"
    pd.DataFrame([{"title": "A", "text": TEXT, "outlet": "n"}]).to_csv(path, index=False)
    first, _ = read_import_file(path)
    second, _ = read_import_file(path)
    assert first[0]["article_id"] == second[0]["article_id"]


def test_parquet_and_txt(tmp_path):
    pq = tmp_path / "c.parquet"
    pd.DataFrame([{"title": "P", "text": TEXT, "outlet_domain": "p.example"}]).to_parquet(pq)
    rows, errors = read_import_file(pq)
    assert rows[0]["outlet_id"] == "p.example" and not errors
    txt = tmp_path / "story.txt"
    txt.write_text("Headline here\n" + TEXT)
    rows, _ = read_import_file(txt, outlet_id="blog")
    assert rows[0]["title"] == "Headline here" and rows[0]["outlet_id"] == "blog"


def test_unusable_files_raise_clearly(tmp_path):
    with pytest.raises(ImportFileError, match="no such file"):
        read_import_file(tmp_path / "missing.jsonl")
    bad = tmp_path / "x.xlsx"
    bad.write_bytes(b"zz")
    with pytest.raises(ImportFileError, match="unsupported file type"):
        read_import_file(bad)
    nocol = tmp_path / "d.csv"
    pd.DataFrame([{"body": "x"}]).to_csv(nocol, index=False)
    with pytest.raises(ImportFileError, match="no `text` column"):
        read_import_file(nocol)


def test_hugging_face_dataset_on_disk(tmp_path):
    from datasets import Dataset, DatasetDict

    rows = [
        {
            "url": "https://hf.example/1",
            "title": "One",
            "text": TEXT,
            "outlet": "hf.example",
            "published": "2026-11-01",
        },
        {
            "url": "https://hf.example/2",
            "title": "Two",
            "text": "",
            "outlet": "hf.example",
            "published": None,
        },
    ]
    single = tmp_path / "single"
    Dataset.from_list(rows).save_to_disk(str(single))
    good, bad = read_import_file(single)
    assert [r["title"] for r in good] == ["One"] and str(good[0]["published"]) == "2026-11-01"
    assert bad[0]["source"] == f"{single}:row 2" and "no `text`" in bad[0]["detail"]

    splits = tmp_path / "splits"
    DatasetDict({"train": Dataset.from_list(rows[:1]), "test": Dataset.from_list(rows[:1])}).save_to_disk(
        str(splits)
    )
    good, bad = read_import_file(splits)
    assert len(good) == 1 and bad == []  # the same URL and text in both splits: one article, nothing refused


def test_a_plain_folder_is_refused(tmp_path):
    with pytest.raises(ImportFileError, match="not a saved Hugging Face dataset"):
        read_import_file(tmp_path)
