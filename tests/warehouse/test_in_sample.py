"""In-sample warnings: a model card that names its training file tells which rows (and which stored
articles) the model was trained on, and every figure computed on them says so and how many: evaluate
--data, the outlet table after a run, outlet_summary, the report. A card whose files are not here says that
it cannot tell."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from classifier.in_sample import check, check_rows, save_training_keys, text_key, training_keys
from tests.warehouse.synthetic import article, prediction
from warehouse import load, predictions
from warehouse.content import content_hash
from warehouse.db import connect
from warehouse.marts import refresh_marts

TEXTS = [
    f"Article number {i}. The council voted on the transit budget after a hearing on fares." for i in range(6)
]


def _labeled(path: Path, texts: list[str]) -> Path:
    labels = pa.struct(
        [
            ("frames", pa.list_(pa.string())),
            ("primary_frame", pa.string()),
            ("slant", pa.string()),
            ("tone", pa.string()),
        ]
    )
    table = pa.table(
        {
            "id": [f"row-{i}" for i in range(len(texts))],
            "title": ["t"] * len(texts),
            "text": texts,
            "outlet": ["Alpha"] * len(texts),
            "labels": pa.array(
                [{"frames": [], "primary_frame": None, "slant": "left", "tone": None}] * len(texts), labels
            ),
        }
    )
    pq.write_table(table, path)
    return path


@pytest.fixture()
def registry(tmp_path, monkeypatch) -> tuple[Path, str, Path]:
    """A model folder whose card names a training file of four of the six texts (exact rows, hashed)."""
    from classifier.data import dataset_hash, load_labeled, slant_rows

    data = _labeled(tmp_path / "train.parquet", TEXTS[:4])
    rows = slant_rows(load_labeled(data))
    models = tmp_path / "models"
    (models / "v1").mkdir(parents=True)
    card = {
        "version": "v1",
        "data": {
            "dataset_hash": "x" * 64,
            "slant": {
                "files": [
                    {"name": data.name, "path": str(data), "rows": 4, "dataset_hash": dataset_hash(rows)}
                ],
                "rows": 4,
                "dataset_hash": dataset_hash(rows),
            },
        },
        "decision": {"frame share MAE": {"model": 0.02}, "slant macro-F1": {"model": 0.4}},
    }
    (models / "v1" / "card.json").write_text(json.dumps(card), encoding="utf-8")
    monkeypatch.setenv("FRAMEWATCH_MODELS_DIR", str(models))
    monkeypatch.setenv("FRAMEWATCH_CACHE_DIR", str(tmp_path / "cache" / "transformer"))
    return models, "v1", data


def _warehouse(path: Path) -> Path:
    """Six stored articles (two outlets), the first four with the training texts (whitespace and case
    changed: the content hash normalizes them), scored by v1."""
    con = connect(path)
    load.upsert_outlets(con, [{"outlet_id": o, "name": o.title(), "lean_prior": "left"} for o in ("a", "b")])
    arts = []
    for i, text in enumerate(TEXTS):
        row = article(f"x{i}", "a" if i < 3 else "b", date(2026, 11, 2))
        stored = f"  {text.upper()}\n" if i == 1 else text
        row.update(text=stored, content_hash=content_hash(stored))
        arts.append(row)
    load.insert_articles(con, arts)
    load.register_model(con, "v1", "m", {})
    predictions.insert_predictions(
        con, [prediction(f"x{i}", "v1", ["Political"], scored_at=datetime(2026, 12, 1)) for i in range(6)]
    )
    refresh_marts(con)
    con.close()
    return path


def test_the_card_tells_which_rows_the_model_trained_on(registry):
    from classifier.data import load_labeled

    models, version, data = registry
    card = json.loads((models / version / "card.json").read_text())
    keys, why = training_keys(card, models / version)
    assert keys is not None and not why and keys.exact == {"slant": True}
    assert keys.texts["slant"] == {text_key(t) for t in TEXTS[:4]}
    # evaluate --data on the training file itself: every row is in-sample, and the line says so
    found = check_rows(card, load_labeled(data), models)
    assert (found.n, found.n_in, found.known, found.exact) == (4, 4, True, True)
    assert found.line().startswith("IN-SAMPLE: 4 of 4 rows are in the model's training data")
    assert found.as_dict()["in_training"] == 4
    # rows the model never saw: nothing to say
    fresh = check(keys, "", ["n1", "n2"], ["another text", "and one more"])
    assert fresh.n_in == 0 and fresh.line() == ""


def test_a_card_whose_files_are_missing_cannot_tell(registry, tmp_path):
    models, version, data = registry
    card = json.loads((models / version / "card.json").read_text())
    data.rename(tmp_path / "elsewhere.parquet")
    keys, why = training_keys(card, None, tmp_path / "no-data-here")
    assert keys is None and "train.parquet" in why
    line = check(keys, why, ["r"], ["t"]).line()
    assert line.startswith("note: cannot tell whether these rows were in the model's training data")


def test_keys_saved_in_the_model_folder_need_no_data_file(tmp_path):
    import pandas as pd

    df = pd.DataFrame({"id": ["a", "b"], "text": TEXTS[:2]})
    save_training_keys(tmp_path, slant=df)
    keys, why = training_keys({"version": "v"}, tmp_path)
    assert keys is not None and keys.ids["slant"] == {"a", "b"}
    assert check(keys, why, ["z", "y"], [TEXTS[1], "other"]).n_in == 1


def test_the_warehouse_and_its_readers_say_how_many_articles_are_in_sample(registry, tmp_path):
    from flows.analysis.training_overlap import record_training_overlap
    from flows.reporting.report import report_notes, write_report
    from warehouse.queries import in_sample_note, outlet_comparison

    con = connect(_warehouse(tmp_path / "w.duckdb"))
    check_row = record_training_overlap(con)
    assert check_row is not None and check_row["known"]
    assert (check_row["articles_checked"], check_row["articles_in_training"]) == (6, 4)
    assert record_training_overlap(con)["checked_at"] == check_row["checked_at"]  # current: not redone
    per_outlet = dict(con.execute("select outlet_id, n_in_training from outlet_summary").fetchall())
    assert per_outlet == {"a": 3, "b": 1}
    columns, rows = outlet_comparison(con)
    assert dict((r[0], r[columns.index("in_training")]) for r in rows) == {"A": 3, "B": 1}
    note = in_sample_note(con)
    assert note is not None and note.startswith("IN-SAMPLE: 4 of 6 articles are in the training data of v1")
    assert any(n.startswith("In-sample: 4 of 6 articles") for n in report_notes(con))
    html = write_report(con, tmp_path / "r.html").read_text(encoding="utf-8")
    assert (
        'id="training-note"' in html and "In-sample: 4 of 6 articles are in the training data of v1" in html
    )
    assert "frame shares of v1 were off by 2.0 points on average on held-out data" in html  # model error
    con.close()
