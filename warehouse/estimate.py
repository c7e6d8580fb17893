"""The warehouse's share estimator, run on any set of per-article probabilities: an in-memory warehouse is
filled through the same writer and refreshed through the same marts, and `frame_share` / `slant_share`
are read back. `framewatch evaluate` measures prevalence error with it, so the figure it reports is the
error of exactly what analysts read (not of a re-implementation)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import numpy as np
import pandas as pd

from warehouse import load
from warehouse.db import connect
from warehouse.marts import refresh_marts
from warehouse.predictions import insert_predictions

MODEL = "estimate"
DAY = date(2000, 1, 3)


def estimate_shares(
    groups: Sequence[str],
    frame_probs: np.ndarray,
    frame_names: Sequence[str],
    slant_probs: np.ndarray | None = None,
    slant_labels: Sequence[str] = ("left", "center", "right"),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(frame shares, slant shares) per group, as the marts compute them for an outlet over all its
    articles: frames: group, frame, n_articles, share, share_lo, share_hi, labeled_share; slant: group,
    n_articles, slant_left, slant_center, slant_right, slant_score, slant_score_lo, slant_score_hi."""
    n = len(groups)
    if frame_probs.shape != (n, len(frame_names)):
        raise ValueError(f"frame_probs has shape {frame_probs.shape}; expected ({n}, {len(frame_names)})")
    slant = slant_probs if slant_probs is not None else np.full((n, len(slant_labels)), 1 / len(slant_labels))
    con = connect(":memory:")
    try:
        stamp = datetime(2000, 1, 3)
        load.insert_articles(
            con,
            [
                {
                    "article_id": f"e{i}",
                    "outlet_id": str(g),
                    "url": f"estimate:{i}",
                    "normalized_url": f"estimate:{i}",
                    "published": DAY,
                    "text": "",
                    "content_hash": f"e{i}",
                    "fetched_at": stamp,
                }
                for i, g in enumerate(groups)
            ],
        )
        load.register_model(con, MODEL, "estimate", {})
        rows = []
        for i in range(n):
            p = frame_probs[i]
            top = int(np.argmax(p)) if len(p) else 0
            rows.append(
                {
                    "article_id": f"e{i}",
                    "model_version": MODEL,
                    "scored_at": stamp,
                    "frame_probs": {f: float(v) for f, v in zip(frame_names, p, strict=True)},
                    "frames": [frame_names[top]],
                    "primary_frame": frame_names[top],
                    "slant_probs": {s: float(v) for s, v in zip(slant_labels, slant[i], strict=True)},
                    "slant": slant_labels[int(np.argmax(slant[i]))],
                    "tone_score": 0.0,
                    "tone": "neutral",
                }
            )
        insert_predictions(con, rows)
        refresh_marts(con)
        frames = con.execute(
            'select outlet_id as "group", frame, n_articles, share, share_lo, share_hi '
            "from frame_share where grain = 'all' and topic = '*' order by 1, 2"
        ).df()
        slants = con.execute(
            'select outlet_id as "group", n_articles, slant_left, slant_center, slant_right, slant_score, '
            "slant_score_lo, slant_score_hi from slant_share where grain = 'all' and topic = '*' order by 1"
        ).df()
    finally:
        con.close()
    return frames, slants
