"""Small real fixtures for the labeling tests: the bundled demo corpus (fictional articles written with
intended labels) loaded into a real DuckDB warehouse, a hostile article, and simulated annotators."""

from __future__ import annotations

import hashlib
import json
import random
import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from labels.codebook import load_codebook
from warehouse import load
from warehouse.predictions import insert_predictions

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "flows" / "demo_corpus"
FIXTURE_MODEL = "fixture-model-0"
HOSTILE_ID = "hostile0000000001"
HOSTILE_TITLE = 'Council vote <script>window.__pwned = 1</script> "quoted" & more'
HOSTILE_TEXT = (
    "The council met on Tuesday. <script>window.__pwned = 1; document.title = 'pwned'</script>\n"
    '<img src=x onerror="window.__pwned = 2"> Residents packed the hall to protest the new fee.\n'
    "Taxes would rise by 4 percent under the plan, the budget office said."
)


def demo_articles() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (CORPUS / "articles.jsonl").read_text(encoding="utf-8").splitlines()]


def article_id(corpus_id: str) -> str:
    return hashlib.sha256(corpus_id.encode()).hexdigest()[:16]


def _article_row(aid: str, outlet: str, title: str, text: str, published: str) -> dict[str, Any]:
    return dict(
        article_id=aid,
        outlet_id=outlet,
        url=f"https://{outlet}.example/{aid}",
        canonical_url=None,
        normalized_url=f"https://{outlet}.example/{aid}",
        feed_url=None,
        title=title,
        byline=None,
        published=date.fromisoformat(published),
        language="en",
        text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
        raw_html_z=None,
        extractor="fixture",
        extractor_version="0",
        first_run_id="fixture",
        fetched_at=datetime(2026, 10, 10),
    )


def fixture_prediction(aid: str, truth: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """A noisy model prediction near the writer's labels (deterministic with the rng), with evidence."""
    book = load_codebook()
    probs = {
        f: (0.55 + 0.4 * rng.random() if f in truth["frames"] else 0.45 * rng.random())
        for f in book.frame_names
    }
    frames = [f for f in book.frame_names if probs[f] >= 0.5] or [max(probs, key=probs.get)]
    slant_probs = {s: rng.random() * 0.5 for s in book.slant_labels}
    slant_probs[truth["slant"]] += 0.4 * rng.random()
    total = sum(slant_probs.values())
    slant_probs = {k: v / total for k, v in slant_probs.items()}
    first = truth["paragraphs"][0].split(". ")[0] if truth.get("paragraphs") else ""
    return dict(
        article_id=aid,
        model_version=FIXTURE_MODEL,
        scored_at=datetime(2026, 10, 10),
        run_id="fixture",
        frame_probs=probs,
        frames=frames,
        primary_frame=max(frames, key=probs.get),
        slant_probs=slant_probs,
        slant=max(slant_probs, key=slant_probs.get),
        tone_score=0.0,
        tone=truth["tone"],
        evidence=json.dumps({"frames": {frames[0]: [first]}}),
    )


def build_warehouse(
    con: duckdb.DuckDBPyConnection, hostile: bool = True, seed: int = 7, predictions: bool = True
) -> dict[str, dict[str, Any]]:
    """Load the demo corpus (+ a hostile article), with fixture predictions unless `predictions` is False.
    Returns article_id -> truth (the writer's intended labels)."""
    outlets = tomllib.loads((CORPUS / "outlets.toml").read_text(encoding="utf-8"))["outlet"]
    load.upsert_outlets(
        con,
        [
            {
                "outlet_id": o["slug"],
                "name": o["name"],
                "domain": o.get("domain"),
                "lean_prior": o.get("lean"),
            }
            for o in outlets
        ],
    )
    rng = random.Random(seed)
    truths: dict[str, dict[str, Any]] = {}
    rows, preds = [], []
    for art in demo_articles():
        aid = article_id(art["id"])
        truths[aid] = art
        rows.append(
            _article_row(aid, art["outlet"], art["title"], "\n".join(art["paragraphs"]), art["published"])
        )
        preds.append(fixture_prediction(aid, art, rng))
    if hostile:
        truth = {
            "frames": ["Economic", "Public opinion"],
            "primary_frame": "Economic",
            "slant": "center",
            "tone": "negative",
            "paragraphs": HOSTILE_TEXT.split("\n"),
        }
        truths[HOSTILE_ID] = truth
        rows.append(_article_row(HOSTILE_ID, "metro-wire", HOSTILE_TITLE, HOSTILE_TEXT, "2026-10-01"))
        pred = fixture_prediction(HOSTILE_ID, truth, rng)
        pred["evidence"] = json.dumps(
            {"frames": {"Economic": ["Taxes would rise by 4 percent under the plan"]}}
        )
        preds.append(pred)
    load.insert_articles(con, rows)
    if not predictions:
        return truths
    load.register_model(con, FIXTURE_MODEL, "fixture", {"note": "test fixture predictions"})
    insert_predictions(con, preds)
    return truths


def simulated_label(
    truth: dict[str, Any], annotator: str, rng: random.Random, noise: float
) -> dict[str, Any]:
    """An annotator who mostly agrees with the writer's intended labels, with a given error rate."""
    book = load_codebook()
    frames = list(truth["frames"])
    if rng.random() < noise:
        extra = rng.choice([f for f in book.frame_names if f not in frames])
        frames.append(extra)
    slant = truth["slant"]
    if rng.random() < noise:
        slant = rng.choice([s for s in book.slant_labels if s != slant])
    tone = truth["tone"]
    if rng.random() < noise:
        tone = rng.choice([t for t in book.tone_labels if t != tone])
    return {
        "annotator": annotator,
        "frames": frames,
        "primary_frame": truth["primary_frame"],
        "slant": slant,
        "tone": tone,
    }
