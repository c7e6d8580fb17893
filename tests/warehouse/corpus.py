"""A real warehouse file built from the bundled demo corpus (and the two seed articles when present),
with predictions inserted through warehouse.load from the writer-intended frames, slant and tone."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from flows.demo_site import DemoCorpus
from labels.codebook import load_codebook
from warehouse import load
from warehouse.db import connect
from warehouse.marts import refresh_marts
from warehouse.predictions import insert_headline_predictions, insert_predictions

TONE_SCORE = {"positive": 0.5, "neutral": 0.0, "negative": -0.5}
SEEDS = {  # stem -> (outlet, published, frames, slant, tone): our reading of the seeds README
    "000_d9d7385d39cd4705": (
        "foxnews.com",
        date(2025, 1, 20),
        ["Crime and punishment", "Security and defense", "Legality, constitutionality and jurisprudence"],
        "right",
        "negative",
    ),
    "004_4c4af3e25f1da198": (
        "seed-blog",
        date(2025, 7, 8),
        ["Fairness and equality", "Health and safety", "Political"],
        "left",
        "positive",
    ),
}


def _article(aid: str, outlet: str, title: str, text: str, day: date) -> dict[str, Any]:
    return dict(
        article_id=aid,
        outlet_id=outlet,
        url=f"https://{outlet}.example/{aid}",
        canonical_url=None,
        normalized_url=f"https://{outlet}.example/{aid}",
        feed_url=None,
        title=title,
        byline=None,
        published=day,
        language="en",
        text=text,
        content_hash=f"h-{aid}",
        raw_html_z=None,
        extractor="test",
        extractor_version="0",
        first_run_id="r1",
        fetched_at=datetime(2026, 11, 21),
    )


def _prediction(
    aid: str, frames: list[str], primary: str, slant: str, tone: str, text: str, version: str
) -> dict[str, Any]:
    names = load_codebook().frame_names
    first = text.split(". ")[0][:300]
    return dict(
        article_id=aid,
        model_version=version,
        scored_at=datetime(2026, 11, 21),
        run_id="r1",
        frame_probs={f: (0.9 if f in frames else 0.05) for f in names},
        frames=frames,
        primary_frame=primary,
        slant_probs={s: (0.8 if s == slant else 0.1) for s in ("left", "center", "right")},
        slant=slant,
        tone_score=TONE_SCORE[tone],
        tone=tone,
        evidence=json.dumps({primary: [first], "slant": [first]}),
    )


def build_corpus_db(
    path: Path,
    seeds_dir: Path | None,
    version: str = "writer-v1",
    shift_days: int = 0,
    stray: date | None = None,
) -> Path:
    """The demo warehouse; `shift_days` moves every demo article back in time (a whole number of weeks
    keeps weekdays); `stray`: one more article (a copy of the first demo article) dated that day."""
    corpus = DemoCorpus.load()
    shift = timedelta(days=shift_days)
    con = connect(path)
    outlets = [
        {
            "outlet_id": o["slug"],
            "name": o["name"],
            "domain": o.get("domain"),
            "country": o.get("country"),
            "kind": o.get("kind"),
            "lean_prior": o.get("lean"),
            "lean_source": "demo",
        }
        for o in corpus.outlets
    ]
    outlets += [
        {"outlet_id": "foxnews.com", "name": "Fox News", "lean_prior": "right"},
        {"outlet_id": "seed-blog", "name": "Seed blog post", "lean_prior": None},
    ]
    load.upsert_outlets(con, outlets)
    articles, predictions, headlines = [], [], []
    for a in corpus.articles:
        text = "\n\n".join(a["paragraphs"])
        day = date.fromisoformat(a["published"]) - shift
        articles.append(_article(a["id"], a["outlet"], a["title"], text, day))
        predictions.append(
            _prediction(a["id"], a["frames"], a["primary_frame"], a["slant"], a["tone"], text, version)
        )
        headlines.append(
            {
                "article_id": a["id"],
                "model_version": version,
                "scored_at": datetime(2026, 11, 21),
                "frames": [a["primary_frame"]],
                "primary_frame": a["primary_frame"],
            }
        )
    if seeds_dir is not None:
        for stem, (outlet, day, frames, slant, tone) in SEEDS.items():
            file = seeds_dir / f"{stem}.txt"
            if file.exists():
                text = file.read_text(encoding="utf-8").strip()
                articles.append(_article(stem, outlet, text.splitlines()[0].strip(), text, day))
                predictions.append(_prediction(stem, frames, frames[0], slant, tone, text, version))
    if stray is not None:
        a = corpus.articles[0]
        text = "\n\n".join(a["paragraphs"])
        articles.append(_article("stray", a["outlet"], a["title"], text, stray))
        predictions.append(
            _prediction("stray", a["frames"], a["primary_frame"], a["slant"], a["tone"], text, version)
        )
    load.insert_articles(con, articles)
    load.register_model(con, version, "writer-intended", {"source": "demo corpus labels"})
    insert_predictions(con, predictions)
    insert_headline_predictions(con, headlines)
    refresh_marts(con)
    con.execute("checkpoint")
    con.close()
    return path
