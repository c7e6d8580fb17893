"""One story (or thread) side by side: per outlet, left to right by lean prior, its headlines, the frames it
emphasizes against the other outlets' coverage of the same story (a lift: the outlet's estimated share of
the frame over the others' share, so a frame everyone uses cancels out), its slant and tone, and the
sentences that carry the difference (the evidence of its most emphasized frames); plus coverage by lean
and the thread's stories. `framewatch story ID` prints it; the report draws a page per story from it.

A thread is read the same way over all its stories: for the seeds (Chicago police and ICE, Fox News in
January 2025, a blog post in July) each story has one outlet, and only the thread puts them side by side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb

from flows.analysis.stories.link import LinkModel
from warehouse import story_reads

LEANS = ("left", "center", "right", "unknown")
LEAN_SHORT = {"left": "L", "center": "C", "right": "R", "unknown": "?"}
TOP_FRAMES = 3
ALL_FRAMES = 1000  # every frame's emphasis is read: the evidence comes from the most emphasized with any
SENTENCES = 2


@dataclass
class Emphasis:
    frame: str
    share: float
    others_share: float | None
    lift: float | None  # None when nobody else covered the story


@dataclass
class OutletSide:
    outlet_id: str
    outlet: str
    lean: str
    articles: list[dict[str, Any]] = field(default_factory=list)  # story_id, article_id, day, title, url
    emphasis: list[Emphasis] = field(default_factory=list)
    slant: str | None = None  # the most frequent predicted slant of its articles
    slant_score: float | None = None  # mean P(right) - P(left), -1..1
    tone: str | None = None
    tone_score: float | None = None
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (frame or 'slant', sentence)


@dataclass
class SideBySide:
    kind: str  # story | thread
    id: str
    asked: str  # the id as given (an article id resolves to its story)
    headline: str | None
    first_day: date | None
    last_day: date | None
    thread_id: str | None
    stories: list[dict[str, Any]]  # the thread's stories (story_coverage rows), oldest first
    coverage: dict[str, tuple[int, int]]  # lean -> (articles, outlets)
    outlets: list[OutletSide]
    scored: bool  # False when the articles have no current-model prediction yet

    @property
    def n_articles(self) -> int:
        return sum(len(o.articles) for o in self.outlets)


def _evidence(rows: list[dict[str, Any]], emphasis: list[Emphasis]) -> list[tuple[str, str]]:
    """The sentences behind the outlet's difference: those of the (at most two) frames it emphasizes most
    that have evidence (evidence is kept for the frames an article was predicted to carry), then the
    slant's."""
    found: list[tuple[str, str]] = []
    maps = [_evidence_map(r["evidence"]) for r in rows]
    have = {k for ev in maps for k, v in ev.items() if v}
    frames = [e.frame for e in emphasis if e.frame in have and (e.lift is None or e.lift > 1)][:2]
    for key in [*frames, "slant"]:
        seen = 0
        for ev in maps:
            for sentence in ev.get(key, []):
                if seen < (1 if key == "slant" else SENTENCES) and (key, sentence) not in found:
                    found.append((key, sentence))
                    seen += 1
    return found


def _evidence_map(raw: Any) -> dict[str, list[str]]:
    if not raw:
        return {}
    try:
        data = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return {str(k): [str(s) for s in v] for k, v in data.items() if isinstance(v, list)}


def _most_common(values: list[Any]) -> Any:
    values = [v for v in values if v is not None]
    return max(sorted(set(values)), key=values.count) if values else None


def _mean(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def side_by_side(con: duckdb.DuckDBPyConnection, any_id: str, top: int = TOP_FRAMES) -> SideBySide | None:
    """The side-by-side reading of a thread id, story id or article id (its story); None when unknown."""
    found = story_reads.resolve(con, any_id.strip())
    if found is None:
        return None
    kind, group_id = found
    kind = "thread" if kind == "thread" else "story"
    if kind == "thread":
        stories = story_reads.thread_stories(con, group_id)
        rows = story_reads.side_articles(con, [s["story_id"] for s in stories])
        thread_id: str | None = group_id
    else:
        rows = story_reads.side_articles(con, [group_id])
        thread_id = rows[0]["thread_id"] if rows else None
        stories = story_reads.thread_stories(con, thread_id) if thread_id else []
    emphasis: dict[str, list[Emphasis]] = {}
    for e in story_reads.outlet_emphasis(con, kind, group_id, ALL_FRAMES):
        emphasis.setdefault(e["outlet_id"], []).append(
            Emphasis(e["frame"], e["share"], e["others_share"], e["lift"])
        )
    outlets: dict[str, OutletSide] = {}
    for r in rows:
        key = r["outlet_id"] or "?"
        side = outlets.setdefault(key, OutletSide(key, r["outlet"] or key, r["lean_prior"] or "unknown"))
        side.articles.append(
            {k: r[k] for k in ("story_id", "article_id", "day", "title", "url", "link_score", "cosine")}
            | {k: r[k] for k in ("name_overlap", "term_overlap", "number_match", "gap_days", "best_score")}
        )
    for key, side in outlets.items():
        mine = [r for r in rows if (r["outlet_id"] or "?") == key]
        ranked = emphasis.get(key, [])
        side.emphasis = ranked[:top]
        side.slant = _most_common([r["slant"] for r in mine])
        side.slant_score = _mean([r["slant_score"] for r in mine])
        side.tone = _most_common([r["tone"] for r in mine])
        side.tone_score = _mean([r["tone_score"] for r in mine])
        side.evidence = _evidence(mine, ranked)
    coverage = {
        lean: (
            sum(len(o.articles) for o in outlets.values() if o.lean == lean),
            sum(1 for o in outlets.values() if o.lean == lean),
        )
        for lean in LEANS
    }
    days = [r["day"] for r in rows if r["day"] is not None]
    headline: str | None
    if kind == "thread":  # headlined by the subject its stories share
        row = story_reads.thread(con, group_id)
        headline = row["headline"] if row else None
    else:
        headline = next((s["headline"] for s in stories if s["story_id"] == group_id), None)
        headline = headline or (rows[0]["title"] if rows else None)
    return SideBySide(
        kind=kind,
        id=group_id,
        asked=any_id,
        headline=headline,
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
        thread_id=thread_id,
        stories=stories,
        coverage=coverage,
        outlets=sorted(outlets.values(), key=lambda o: (LEANS.index(o.lean), o.outlet)),
        scored=any(r["primary_frame"] for r in rows),
    )


def joined(a: dict[str, Any]) -> str:
    """How an article joined its story, in words: its weakest link to the members and the evidence of its
    strongest."""
    numbers = {1: "a number in common", -1: "different numbers"}.get(a.get("number_match") or 0, "no numbers")
    gap = a.get("gap_days") or 0
    return (
        f"joined with p={a['link_score']:.2f} (weakest link to the story's members; needs "
        f"{LinkModel.load().threshold:.2f}); closest member p={a.get('best_score') or 0:.2f}: cosine "
        f"{a['cosine']:.2f}, words {a.get('term_overlap') or 0:.2f}, names {a.get('name_overlap') or 0:.2f}, "
        f"{numbers}, {gap} day{'s' if gap != 1 else ''} apart"
    )


def coverage_by_lean(row: dict[str, Any]) -> str:
    """A story's articles by the outlets' lean prior, e.g. "L2 C4 R5" (from its n_left .. n_unknown)."""
    return " ".join(f"{LEAN_SHORT[k]}{row[f'n_{k}']}" for k in LEANS if row[f"n_{k}"])
