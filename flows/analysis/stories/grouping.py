"""Story grouping: the articles that report one event, across outlets.

Articles are taken in publication order; each joins the story it is most surely part of, or starts a new
one (single pass, as in topic detection and tracking), so story ids stay stable and new articles never
regroup history. What links two articles is their evidence of one event (flows/analysis/stories/link.py: a
pair probability from the title/lead embedding cosine, shared content words, names and numbers, and the
days between them, fitted on gold events); an article joins a story only when it is linked to every member
compared (complete linkage: the weakest pair probability reaches the model's threshold) and the story,
with it, spans at most `event_days` days. Each link stores its probability (the weakest) and its evidence
against the member it matched best (story_articles: cosine, name_overlap, term_overlap, number_match,
gap_days, linked_to).

A run reads only what can still change: the articles not yet grouped and the stories whose first day is
within `event_days` of them (their members' embeddings and leads); older stories are closed. Threads
(flows/analysis/stories/threads.py) link stories of one ongoing subject across any gap.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import duckdb
import numpy as np
from threadpoolctl import threadpool_limits

from classifier.transformer.embedding import MODEL_NAME, Embedder, embed_articles, shared_embedder
from flows.analysis.stories.features import KeyWeights, StoryDoc
from flows.analysis.stories.link import LinkModel, features, parts, probabilities, story_link
from flows.analysis.stories.threads import ThreadParams, link_new_stories
from warehouse import stories_store
from warehouse.predictions import Scoring, store_scoring
from warehouse.stories_store import StoryLink

log = logging.getLogger(__name__)


def _zero_padded(a: np.ndarray, rows: int) -> np.ndarray:
    out = np.zeros((rows, *a.shape[1:]), a.dtype)
    out[: len(a)] = a
    return out


@dataclass
class _Stories:
    """Running state of the single pass: per story its members, vector sum and date range."""

    dim: int
    ids: list[str] = field(default_factory=list)
    members: list[list[int]] = field(default_factory=list)
    sums: np.ndarray = field(init=False)
    norms: np.ndarray = field(init=False)  # |sum| per story
    first: np.ndarray = field(init=False)  # day ordinals
    last: np.ndarray = field(init=False)
    by_id: dict[str, int] = field(default_factory=dict)
    # centroid cosines of a block of new articles against the stories as they were when it started (one
    # matrix product instead of one pass over every story per article); stories changed since are
    # recomputed
    block_rows: dict[int, int] = field(default_factory=dict)
    block_cos: np.ndarray = field(init=False)
    block_n: int = 0
    touched: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.block_cos = np.zeros((0, 0), np.float32)
        self.sums = np.zeros((0, self.dim), np.float32)
        self.norms = np.zeros(0, np.float32)
        self.first = np.zeros(0, np.int64)
        self.last = np.zeros(0, np.int64)

    def add(self, sid: str, i: int, vec: np.ndarray, day: int) -> None:
        k = self.by_id.get(sid)
        if k is None:
            k = self.by_id[sid] = len(self.ids)
            self.ids.append(sid)
            self.members.append([])
            if k >= self.sums.shape[0]:  # grow by doubling
                size = max(16, 2 * k)
                self.sums, self.norms, self.first, self.last = (
                    _zero_padded(a, size) for a in (self.sums, self.norms, self.first, self.last)
                )
            self.first[k] = self.last[k] = day
        self.members[k].append(i)
        self.touched.add(k)
        self.sums[k] += vec
        self.norms[k] = np.linalg.norm(self.sums[k])
        self.first[k], self.last[k] = min(self.first[k], day), max(self.last[k], day)

    def start_block(self, rows: Sequence[int], vectors: np.ndarray) -> None:
        """Centroid cosines of the docs `rows` against every story now (BLAS on all cores)."""
        n = self.block_n = len(self.ids)
        self.block_rows = {i: r for r, i in enumerate(rows)}
        self.touched = set()
        with threadpool_limits(len(os.sched_getaffinity(0))):  # the article loop runs on one thread
            sums = self.sums[:n] / np.maximum(self.norms[:n], 1e-9)[:, None]
            self.block_cos = vectors[list(rows)] @ sums.T if n else np.zeros((len(rows), 0), np.float32)

    def candidates(self, i: int, vec: np.ndarray, day: int, model: LinkModel) -> np.ndarray:
        """Stories that, with `day`, would still span at most event_days and whose centroid is not far
        (vectorized; the centroid floor only saves time: members that far never pass the link)."""
        n = len(self.ids)
        if n == 0:
            return np.zeros(0, dtype=int)
        span = np.maximum(self.last[:n], day) - np.minimum(self.first[:n], day)
        row = self.block_rows.get(i)
        if row is None:
            cos = (self.sums[:n] @ vec) / np.maximum(self.norms[:n], 1e-9)
        else:
            cos = np.empty(n, np.float32)
            cos[: self.block_n] = self.block_cos[row]
            fresh = np.array(sorted(self.touched | set(range(self.block_n, n))), dtype=int)
            if len(fresh):
                cos[fresh] = (self.sums[fresh] @ vec) / np.maximum(self.norms[fresh], 1e-9)
        return np.flatnonzero((span <= model.event_days) & (cos >= model.prefilter_cosine))


BLOCK = 256  # new articles whose centroid cosines are computed in one matrix product


def group(
    docs: Sequence[StoryDoc],
    vectors: np.ndarray,
    model: LinkModel | None = None,
    existing: dict[str, str] | None = None,
) -> list[StoryLink]:
    """Assign every doc not in `existing` (article_id -> story_id) to a story, in publication order.
    `vectors[i]` is the L2-normalized embedding of `docs[i]`; `existing` members are the stories new docs
    may join. Returns the new assignments only."""
    model = model or LinkModel.load()
    with threadpool_limits(1):  # thousands of tiny matrix-vector products: BLAS threads only add waiting
        return _single_pass(docs, vectors, model, dict(existing or {}))


def _single_pass(
    docs: Sequence[StoryDoc], vectors: np.ndarray, model: LinkModel, existing: dict[str, str]
) -> list[StoryLink]:
    weights = KeyWeights.of(docs)
    days = [d.day.toordinal() for d in docs]
    stories = _Stories(dim=vectors.shape[1] if vectors.ndim == 2 else 0)
    order = sorted(range(len(docs)), key=lambda j: (docs[j].day, docs[j].article_id))
    for i in order:
        if docs[i].article_id in existing:
            stories.add(existing[docs[i].article_id], i, vectors[i], days[i])
    new: list[StoryLink] = []
    todo = [i for i in order if docs[i].article_id not in existing]
    for pos, i in enumerate(todo):
        doc = docs[i]
        if pos % BLOCK == 0:
            stories.start_block(todo[pos : pos + BLOCK], vectors)
        best: StoryLink | None = None
        for k in stories.candidates(i, vectors[i], days[i], model):
            idxs = stories.members[k][-model.max_members :]
            cos = vectors[idxs] @ vectors[i]
            ranked = np.argsort(cos, kind="stable")  # the least similar first: most likely to fail
            floor = model.threshold if model.linkage == "complete" else model.floor
            weakest = probabilities(model, features(doc, [docs[idxs[ranked[0]]]], cos[ranked[:1]], weights))
            if weakest[0] < floor:
                continue
            feats = features(doc, [docs[m] for m in idxs], cos, weights)
            p = probabilities(model, feats)
            score = story_link(model, p)
            if score is None or (best is not None and score <= (best.score or 0.0)):
                continue
            j = int(np.argmax(p))
            evidence = parts(feats[j])
            best = StoryLink(
                doc.article_id,
                stories.ids[k],
                round(score, 4),
                docs[idxs[j]].article_id,
                evidence.cosine,
                evidence.name_overlap,
                evidence.term_overlap,
                evidence.number_match,
                evidence.gap_days,
                round(float(p[j]), 4),
            )
        sid = best.story_id if best else f"st-{doc.article_id}"
        new.append(best or StoryLink(doc.article_id, sid, None, None))
        stories.add(sid, i, vectors[i], days[i])
        existing[doc.article_id] = sid
    return new


def _embeddings(
    con: duckdb.DuckDBPyConnection, docs: Sequence[StoryDoc], embedder: Embedder | None
) -> np.ndarray:
    """Stored embeddings (the score flow stores them as it scores), computing and storing any missing."""
    ids = [d.article_id for d in docs]
    stored = stories_store.embeddings_of(con, MODEL_NAME, ids)
    todo = [d for d in docs if d.article_id not in stored]
    if todo:
        embedder = embedder or shared_embedder()
        log.info("embedding %d articles with %s", len(todo), embedder.name)
        texts = stories_store.texts_of(con, [d.article_id for d in todo])
        vectors = embed_articles(embedder, [texts[d.article_id] for d in todo])
        todo_ids = [d.article_id for d in todo]
        rows = stories_store.embedding_rows(todo_ids, embedder.name, vectors, embedder.backend)
        store_scoring(con, Scoring(embeddings=rows))
        stored.update(zip(todo_ids, vectors, strict=True))
    return np.stack([stored[i] for i in ids]) if docs else np.zeros((0, 384), np.float32)


def mixed_backends(counts: dict[str, int]) -> str | None:
    """A warning when the stored story embeddings (`counts`: stories_store.embedding_backends) come from
    more than one backend (say int8 from an AVX2 machine beside bf16 from one with native bf16): their
    vectors differ a little, so a link near the threshold may depend on which machine embedded its
    articles. None when one backend (or none) is known."""
    known = [b for b in counts if b != "unknown"]
    if len(known) < 2:
        return None
    listed = ", ".join(f"{b} {n:,}" for b, n in counts.items())
    return (
        f"story embeddings come from {len(known)} backends ({listed}): a story link near the threshold can "
        "differ between them; set FRAMEWATCH_EMBED_BACKEND to one backend on every machine that writes this "
        "warehouse"
    )


def update_stories(
    con: duckdb.DuckDBPyConnection,
    embedder: Embedder | None = None,
    model: LinkModel | None = None,
    rebuild: bool = False,
    thread_params: ThreadParams = ThreadParams(),
) -> dict[str, int]:
    """Group the articles not yet in a story: each joins an open story (first day within the event
    window) or starts one; then new stories join threads. rebuild=True regroups everything (so does a
    change of method). Writes story_articles, stories, story_threads and threads. Returns counts."""
    model = model or LinkModel.load()
    state = stories_store.grouping_state(con)
    if state.methods and state.methods != {model.describe()}:
        log.info("stories were grouped with %s; regrouping with %s", sorted(state.methods), model.describe())
        rebuild = True
    # threads are relinked from scratch after a regrouping, a change of their method, or a run that
    # stopped between writing stories and linking them
    relink = rebuild or state.unthreaded > 0
    relink = relink or (state.n_stories > 0 and state.thread_methods != {thread_params.describe()})
    clock = _Clock()
    rows = stories_store.articles_to_group(con, everything=relink)
    if not rows:
        return _counts(con, 0)  # nothing new: nothing to read
    existing = {} if rebuild else {r.article_id: r.story_id for r in rows if r.story_id}
    if not relink:  # only new articles: the stories they may join are the open ones
        since = min(r.day for r in rows) - timedelta(days=model.event_days)
        window = stories_store.open_story_articles(con, since)
        existing = {r.article_id: r.story_id for r in window if r.story_id}
        rows = window + rows
    clock.lap(f"read {len(rows):,} articles ({len(existing):,} of open stories)")
    docs = [StoryDoc.of(r.article_id, r.outlet_id, r.day, r.title or "", r.lead or "") for r in rows]
    clock.lap("names, numbers and words of their leads")
    vectors = _embeddings(con, docs, embedder)
    clock.lap("embeddings read")
    new = group(docs, vectors, model, existing)
    clock.lap(f"{len(new):,} articles linked")
    stories_store.write_assignments(con, new, model.describe(), rebuild=rebuild)
    clock.lap("assignments and story summaries written")
    link_new_stories(con, docs, vectors, thread_params, relink=relink, embedder=embedder)
    clock.lap("new stories linked into threads")
    counts = _counts(con, len(new))
    log.info(
        "stories: %d new assignments, %d stories (%d across outlets), %d threads",
        len(new),
        counts["stories"],
        counts["multi_outlet_stories"],
        counts["threads"],
    )
    return counts


class _Clock:
    """Logs how long each step of a grouping run took."""

    def __init__(self) -> None:
        self.t = time.perf_counter()

    def lap(self, what: str) -> None:
        now = time.perf_counter()
        log.info("stories: %s in %.1f s", what, now - self.t)
        self.t = now


def _counts(con: duckdb.DuckDBPyConnection, assigned: int) -> dict[str, int]:
    n_stories, n_multi = stories_store.counts(con)
    n_threads, n_multi_threads = stories_store.thread_counts(con)
    return {
        "articles_assigned": assigned,
        "stories": n_stories,
        "multi_outlet_stories": n_multi,
        "threads": n_threads,
        "multi_story_threads": n_multi_threads,
    }
