"""Small synthetic warehouses with known answers (real DuckDB files, written through warehouse.load)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from labels.codebook import load_codebook
from warehouse import load, predictions

FRAMES = load_codebook().frame_names


def article(aid: str, outlet: str, day: date, title: str = "t") -> dict[str, Any]:
    return dict(
        article_id=aid,
        outlet_id=outlet,
        url=f"https://x.example/{aid}",
        canonical_url=None,
        normalized_url=f"https://x.example/{aid}",
        feed_url=None,
        title=title,
        byline=None,
        published=day,
        language="en",
        text="body",
        content_hash=f"h{aid}",
        raw_html_z=None,
        extractor="t",
        extractor_version="0",
        first_run_id="r",
        fetched_at=datetime(2026, 12, 1),
    )


def prediction(
    aid: str,
    version: str,
    frames: list[str],
    slant: str = "center",
    tone: float = 0.0,
    scored_at: datetime = datetime(2026, 12, 1),
) -> dict[str, Any]:
    return dict(
        article_id=aid,
        model_version=version,
        scored_at=scored_at,
        run_id="r",
        frame_probs={f: 0.9 if f in frames else 0.02 for f in FRAMES},
        frames=frames,
        primary_frame=frames[0] if frames else "Other",
        slant_probs={"left": 0.1, "center": 0.1, "right": 0.1} | {slant: 0.8},
        slant=slant,
        tone_score=tone,
        tone="neutral",
        evidence=None,
    )


def weekly_outlet(
    con: Any,
    outlet: str,
    start: date,
    weeks: int,
    per_week: int,
    share_by_week: dict[int, float],
    frame: str = "Economic",
    version: str = "v1",
    default_share: float = 0.2,
) -> None:
    """`per_week` articles a week for `weeks` weeks; in week i a share (default 0.2) carries `frame`,
    the rest carry 'Political'. Articles fall on the week's Monday..Friday."""
    arts, preds = [], []
    for w in range(weeks):
        k = round(per_week * share_by_week.get(w, default_share))
        for j in range(per_week):
            aid = f"{outlet}-{w:03d}-{j:02d}"
            arts.append(article(aid, outlet, start + timedelta(weeks=w, days=j % 5)))
            preds.append(
                prediction(
                    aid, version, [frame] if j < k else ["Political"], slant="left" if j % 2 else "right"
                )
            )
    load.insert_articles(con, arts)
    predictions.insert_predictions(con, preds)
