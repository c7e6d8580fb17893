"""One scoring path (issue 18.1): `framewatch evaluate --data` scores exactly what production scores. The
same articles go through the real score flow (`framewatch import` stores and scores them in a DuckDB file
with the promoted model) and through `framewatch evaluate --predictions-out`; the probabilities agree.
Frame probabilities are calibrated per language, so the rows are in several languages: a loader that
dropped `language` (as a second dispatch once did) would differ by up to 0.1 here."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from framewatch.cli import app
from warehouse.db import connect


def _rows(data_dir: Path) -> pd.DataFrame:
    frames = pd.read_parquet(data_dir / "semeval2023_frames_train.parquet")
    picked = [frames[frames["language"] == lang].head(2) for lang in ("en", "fr", "de", "it", "pl", "ru")]
    slant = pd.read_parquet(data_dir / "allsides_slant.parquet").head(4)
    return pd.concat([*picked, slant], ignore_index=True)


def test_evaluate_probabilities_equal_the_score_flows(prefect_harness, data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("FRAMEWATCH_HOME", str(tmp_path / "home"))
    rows = _rows(data_dir)
    records = tmp_path / "articles.jsonl"
    with records.open("w", encoding="utf-8") as fh:
        for i, r in enumerate(rows.itertuples()):
            fh.write(
                json.dumps(
                    {
                        "url": f"https://news.example/{i}",
                        "title": r.title or f"untitled {i}",
                        "text": r.text,
                        "outlet": "Example Wire",
                        "language": r.language,
                        "published": "2020-03-02",
                    }
                )
                + "\n"
            )
    db = tmp_path / "fw.duckdb"
    cli = CliRunner()
    stored = cli.invoke(app, ["import", str(records), "--db", str(db)])
    assert stored.exit_code == 0, stored.output
    con = connect(db, read_only=True)
    try:
        scored = con.execute(  # probabilities are stored as float32 lists in the label set's key order
            "select a.title, a.text, a.language, map_from_entries(list_zip(k.frame_keys, p.frame_probs)), "
            "map_from_entries(list_zip(k.slant_keys, p.slant_probs)) from predictions p "
            "join articles a using (article_id) join model_label_sets k using (model_version) "
            "order by a.title"
        ).fetchall()
    finally:
        con.close()
    assert len(scored) == len(rows) and len({r[2] for r in scored}) == 6
    # the stored articles (as the warehouse holds them) with their labels, as a labeled file
    by_title = {
        (t or f"untitled {i}"): r
        for i, (t, r) in enumerate(zip(rows["title"], rows.itertuples(), strict=True))
    }
    labeled = pd.DataFrame(
        {
            "id": [f"a{i}" for i in range(len(scored))],
            "title": [s[0] for s in scored],
            "text": [s[1] for s in scored],
            "language": [s[2] for s in scored],
            "outlet_domain": [by_title[s[0]].outlet_domain for s in scored],
            "labels": [by_title[s[0]].labels for s in scored],
        }
    )
    data = tmp_path / "stored.parquet"
    labeled.to_parquet(data)
    out = tmp_path / "preds.parquet"
    args = ["evaluate", "--data", str(data), "--predictions-out", str(out), "--no-reference", "--no-record"]
    evaluated = cli.invoke(app, [*args, "--json"])
    assert evaluated.exit_code == 0, evaluated.output
    table = pd.read_parquet(out).set_index("id")
    for i, (_title, _text, _lang, frame_probs, slant_probs) in enumerate(scored):
        row = table.loc[f"a{i}"]
        frames, slant = dict(frame_probs), dict(slant_probs)
        assert len(frames) == 15 and len(slant) == 3
        # equal up to the float32 the warehouse stores (a dropped language moved them by up to 0.1)
        assert np.allclose([row[f"frame:{k}"] for k in frames], list(frames.values()), atol=1e-6, rtol=0)
        assert np.allclose([row[f"slant:{k}"] for k in slant], list(slant.values()), atol=1e-6, rtol=0)
