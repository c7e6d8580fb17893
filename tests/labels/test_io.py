"""Interchange: Label Studio tasks with predictions and multi-label choices, Label Studio and JSONL imports
validated record by record; a bad file stores nothing and loses nothing."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from labels.codebook import load_codebook
from labels.io import LabelImportError, import_labels, label_studio_config, label_studio_tasks, labels_jsonl
from labels.sampling import SampleConfig, draw
from tests.labels.corpus import FIXTURE_MODEL
from warehouse import labels_store
from warehouse.db import open_db


def _label(aid: str, annotator: str = "alice", **over) -> dict:
    return {
        "article_id": aid,
        "annotator": annotator,
        "frames": ["Economic", "Political"],
        "primary_frame": "Economic",
        "slant": "center",
        "tone": "neutral",
        **over,
    }


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _ls_annotation(who, frames, primary, slant, tone):
    def item(name, choices):
        return {"from_name": name, "to_name": "text", "type": "choices", "value": {"choices": choices}}

    return {
        "completed_by": who,
        "result": [
            item("frames", frames),
            item("primary_frame", [primary]),
            item("slant", [slant]),
            item("tone", [tone]),
        ],
    }


def test_label_studio_tasks_carry_predictions_as_choices(warehouse):
    path, _ = warehouse
    with open_db(path) as con:
        draw(con, SampleConfig(n=5, test_size=0))
        tasks = label_studio_tasks(labels_store.export_tasks(con, "queue"))
    assert len(tasks) == 5
    task = tasks[0]
    assert set(task["data"]) >= {"article_id", "title", "text", "outlet"}
    (pred,) = task["predictions"]
    assert pred["model_version"] == FIXTURE_MODEL and 0.0 <= pred["score"] <= 1.0
    by_name = {r["from_name"]: r for r in pred["result"]}
    assert set(by_name) == {"frames", "primary_frame", "slant", "tone"}
    for r in pred["result"]:
        assert r["type"] == "choices" and r["to_name"] == "text" and isinstance(r["value"]["choices"], list)
    assert by_name["primary_frame"]["value"]["choices"][0] in by_name["frames"]["value"]["choices"]


def test_label_studio_config_matches_the_codebook():
    book = load_codebook()
    root = ET.fromstring(label_studio_config(book).split("-->", 1)[1])
    choices = {c.get("name"): c for c in root.iter("Choices")}
    assert choices["frames"].get("choice") == "multiple"
    assert [c.get("value") for c in choices["frames"]] == book.frame_names
    assert [c.get("value") for c in choices["slant"]] == list(book.slant_labels)


def test_label_studio_import(warehouse, tmp_path):
    path, truths = warehouse
    aid = sorted(truths)[0]
    export = [
        {
            "id": 1,
            "data": {"article_id": aid, "text": "..."},
            "annotations": [
                _ls_annotation(
                    {"id": 3, "email": "ana@newsroom.example"},
                    ["Economic", "Health and safety"],
                    "Economic",
                    "left",
                    "negative",
                ),
                _ls_annotation(7, ["Other"], "Other", "center", "neutral"),
                {**_ls_annotation(8, ["Other"], "Other", "center", "neutral"), "was_cancelled": True},
            ],
        }
    ]
    file = tmp_path / "export.json"
    file.write_text(json.dumps(export), encoding="utf-8")
    with open_db(path) as con:
        result = import_labels(con, file, load_codebook())
        stored = {r["annotator"]: r for r in labels_store.current_labels(con)}
    assert result.stored == 2
    assert stored["ana@newsroom.example"]["frames"] == ["Economic", "Health and safety"]
    assert stored["ls-user-7"]["slant"] == "center"
    assert stored["ls-user-7"]["codebook_version"] == load_codebook().version
    assert stored["ls-user-7"]["source"] == "label-studio"


def test_jsonl_round_trip_and_reimport_is_harmless(warehouse, tmp_path):
    path, truths = warehouse
    ids = sorted(truths)[:3]
    book = load_codebook()
    with open_db(path) as con:
        first = import_labels(con, _jsonl(tmp_path / "a.jsonl", [_label(a) for a in ids]), book)
        again = import_labels(con, tmp_path / "a.jsonl", book)
        exported = [json.loads(line) for line in labels_jsonl(labels_store.current_labels(con))]
        n_rows = con.execute("select count(*) from labels").fetchone()[0]
    assert (first.stored, again.stored, again.unchanged) == (3, 0, 3)
    assert n_rows == 3
    assert {e["article_id"] for e in exported} == set(ids)
    assert exported[0]["codebook_version"] == book.version and exported[0]["annotator"] == "alice"


def test_bad_file_lists_every_problem_and_stores_nothing(warehouse, tmp_path):
    path, truths = warehouse
    ids = sorted(truths)
    book = load_codebook()
    with open_db(path) as con:
        import_labels(con, _jsonl(tmp_path / "good.jsonl", [_label(ids[0])]), book)
        before = labels_store.current_labels(con)
        bad = _jsonl(
            tmp_path / "bad.jsonl",
            [
                _label(ids[1]),  # fine, but the file fails as a whole
                _label(ids[2], frames=["Economy"], primary_frame="Economy"),
                _label("no-such-article"),
                _label(ids[3], slant="far-right"),
                _label(ids[0], annotator="alice", tone="angry"),
                _label(ids[4]),
                _label(ids[4]),  # the same label twice
            ],
        )
        with pytest.raises(LabelImportError) as err:
            import_labels(con, bad, book)
        after = labels_store.current_labels(con)
        n_rows = con.execute("select count(*) from labels").fetchone()[0]
    message = str(err.value)
    for expected in (
        "line 2: unknown frame 'Economy'",
        "line 3: unknown article 'no-such-article'",
        "line 4: unknown slant 'far-right'",
        "line 5: unknown tone 'angry'",
        "line 7:",
        "labeled twice",
        "nothing was imported",
    ):
        assert expected in message, message
    assert after == before and n_rows == 1


def test_broken_json_and_wrong_shapes_are_explained(warehouse, tmp_path):
    path, _ = warehouse
    book = load_codebook()
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"article_id": "x"\n', encoding="utf-8")
    not_tasks = tmp_path / "tasks.json"
    not_tasks.write_text(json.dumps({"tasks": []}), encoding="utf-8")
    with open_db(path) as con:
        with pytest.raises(LabelImportError, match="line 1: not valid JSON"):
            import_labels(con, broken, book)
        with pytest.raises(LabelImportError, match="expected a list of tasks"):
            import_labels(con, not_tasks, book)
        with pytest.raises(LabelImportError, match="file not found"):
            import_labels(con, tmp_path / "absent.json", book)
