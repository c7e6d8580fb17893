"""Threads: the stories of one ongoing subject, linked across any time gap.

A story is one event and spans at most a few weeks (flows/analysis/stories/grouping.py). The same
policy reported again months later (the seeds: Chicago police and ICE in January and in July 2025) is
a new story; a thread links the two, so they can still be read side by side.

A thread is bounded by what its stories share. Each story brings its centroid (the normalised mean of its
articles' MiniLM embeddings) and its names (those in at least half of its articles). A thread keeps its
**subject**: the names every one of its stories carries. A story joins a thread only when

- it carries names of the thread's subject that are specific together (the sum of their idf over the run's
  articles reaches `min_subject_idf`: "trump" alone is US politics, "chicago" + "ice" is a subject),
- its centroid is close to the thread's centroid (cosine >= `min_cosine`), and
- the thread is not full (`max_stories`: a thread stays readable);

the subject then narrows to the names the story shares with it, so every story of a thread carries its
whole subject, and the thread is headlined by it ("Chicago · ICE · Sanctuary"). Stories are taken in order
of first day; a story keeps its thread. A run links only the stories without a thread (stored threads are
found by their subject names), so history is not relinked; a change of these parameters relinks all.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np

from classifier.transformer.embedding import Embedder
from flows.analysis.stories.features import StoryDoc, idf
from warehouse import stories_store
from warehouse.stories_store import ThreadLink, ThreadRow

log = logging.getLogger(__name__)

MIN_IDF_DOCS = 200  # a name's specificity is judged as if the run had at least this many articles


@dataclass(frozen=True)
class ThreadParams:
    """Thresholds of the thread linking (see the module docstring)."""

    min_cosine: float = 0.6
    min_subject_idf: float = 7.0
    min_subject_share: float = 0.3  # of the thread subject's weight the story must carry
    max_stories: int = 24
    recurring_share: float = 0.5
    subject_names: int = 4  # names shown in the headline

    def describe(self) -> str:
        return (
            f"subject-threads cos>={self.min_cosine} subject-idf>={self.min_subject_idf} "
            f"share>={self.min_subject_share} no-house-names "
            f"stories<={self.max_stories} recurring>={self.recurring_share}"
        )


@dataclass
class StoryProfile:
    story_id: str
    first_day: int  # day ordinal
    centroid: np.ndarray  # L2-normalised
    names: frozenset[str] = field(default_factory=frozenset)


@dataclass
class _Thread:
    thread_id: str
    subject: frozenset[str]
    centroid_sum: np.ndarray
    n_stories: int
    stories: list[str] = field(default_factory=list)

    def cosine(self, v: np.ndarray) -> float:
        return float(self.centroid_sum @ v / max(float(np.linalg.norm(self.centroid_sum)), 1e-9))


def profiles(
    members: dict[str, list[int]],
    days: Sequence[int],
    vectors: np.ndarray,
    names: Sequence[frozenset[str]],
    recurring_share: float = 0.5,
) -> list[StoryProfile]:
    """One profile per story from its members (indexes into days, vectors and names)."""
    out = []
    for sid, idxs in members.items():
        centroid = vectors[list(idxs)].sum(axis=0)
        centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-9)
        counts: dict[str, int] = {}
        for i in idxs:
            for n in names[i]:
                counts[n] = counts.get(n, 0) + 1
        need = max(1, math.ceil(recurring_share * len(idxs)))
        recurring = frozenset(n for n, c in counts.items() if c >= need)
        out.append(StoryProfile(sid, min(days[i] for i in idxs), centroid.astype(np.float32), recurring))
    return out


def house_names(docs: Sequence[StoryDoc], share: float = 0.25, min_articles: int = 10) -> frozenset[str]:
    """Names an outlet prints in its own articles rather than about a subject (a site's boilerplate, e.g. a
    "MORE" link after every name): in at least `share` of one outlet's articles (of `min_articles` or more)
    and mostly (over half of their occurrences) in that outlet's. They never make a thread's subject."""
    per_outlet: dict[str | None, int] = {}
    counts: dict[tuple[str | None, str], int] = {}
    totals: dict[str, int] = {}
    for d in docs:
        per_outlet[d.outlet_id] = per_outlet.get(d.outlet_id, 0) + 1
        for n in d.names:
            counts[(d.outlet_id, n)] = counts.get((d.outlet_id, n), 0) + 1
            totals[n] = totals.get(n, 0) + 1
    return frozenset(
        n
        for (outlet, n), c in counts.items()
        if per_outlet[outlet] >= min_articles and c >= share * per_outlet[outlet] and c > totals[n] / 2
    )


def thread_id(story_id: str) -> str:
    return "th-" + story_id.removeprefix("st-")


def link_threads(
    stories: Sequence[StoryProfile],
    params: ThreadParams = ThreadParams(),
    name_idf: dict[str, float] | None = None,
    known: Sequence[_Thread] = (),
) -> tuple[list[ThreadLink], list[_Thread]]:
    """Assign every story to a thread (one of `known`, or one it starts), in order of first day. Returns
    the links and every thread touched (with its narrowed subject)."""
    name_idf = name_idf if name_idf is not None else idf((s.names for s in stories), min_docs=MIN_IDF_DOCS)[0]
    unseen = max(name_idf.values(), default=1.0)
    threads = list(known)
    by_name: dict[str, list[int]] = {}
    for t_index, t in enumerate(threads):
        for n in t.subject:
            by_name.setdefault(n, []).append(t_index)
    touched: set[int] = set()
    links: list[ThreadLink] = []
    for s in sorted(stories, key=lambda p: (p.first_day, p.story_id)):
        best: tuple[float, int, frozenset[str], float] | None = None
        for t_index in sorted({t for n in s.names for t in by_name.get(n, [])}):
            t = threads[t_index]
            shared = t.subject & s.names
            weight = sum(name_idf.get(n, unseen) for n in shared)
            whole = sum(name_idf.get(n, unseen) for n in t.subject)
            if weight < params.min_subject_idf or weight < params.min_subject_share * whole:
                continue
            if t.n_stories >= params.max_stories:
                continue
            cos = t.cosine(s.centroid)
            if cos < params.min_cosine:
                continue
            score = cos + weight / (weight + params.min_subject_idf)  # closeness and specificity
            if best is None or score > best[0]:
                best = (score, t_index, shared, cos)
        if best is None:
            t = _Thread(thread_id(s.story_id), s.names, s.centroid.astype(np.float64).copy(), 0)
            threads.append(t)
            t_index = len(threads) - 1
            for n in s.names:
                by_name.setdefault(n, []).append(t_index)
            links.append(ThreadLink(s.story_id, t.thread_id, None, None))
        else:
            score, t_index, shared, cos = best
            t = threads[t_index]
            links.append(
                ThreadLink(
                    s.story_id,
                    t.thread_id,
                    round(score, 4),
                    t.stories[-1] if t.stories else None,
                    round(cos, 4),
                    round(sum(name_idf.get(n, unseen) for n in shared), 4),
                )
            )
            t.subject = shared
            t.centroid_sum = t.centroid_sum + s.centroid
        t.n_stories += 1
        t.stories.append(s.story_id)
        touched.add(t_index)
    return links, [threads[k] for k in sorted(touched)]


def headline(subject: frozenset[str], name_idf: dict[str, float], texts: Sequence[str], k: int) -> str:
    """The thread's subject for people: its most specific names, as the articles write them, joined into
    the runs the articles write them in ("Supreme Court", not "Supreme · Court")."""
    unseen = max(name_idf.values(), default=1.0) + 1
    words = sorted((n for n in subject if " " not in n), key=len, reverse=True)
    runs: dict[str, int] = {}
    if words:
        alternatives = "|".join(re.escape(w) for w in words)
        pattern = re.compile(rf"\b(?:{alternatives})(?:\s+(?:{alternatives}))+\b", re.IGNORECASE)
        for text in texts:
            for m in pattern.finditer(text):
                key = " ".join(m.group(0).lower().split())
                runs[key] = runs.get(key, 0) + 1
    # names and runs of names, the most specific (and most written) first
    candidates = set(subject) | {r for r, c in runs.items() if c >= 2}
    ranked = sorted(
        candidates,
        key=lambda n: (-sum(name_idf.get(w, unseen) for w in n.split()) - runs.get(n, 0), n),
    )
    shown: list[str] = []
    covered: set[str] = set()
    for n in ranked:
        if set(n.split()) <= covered:
            continue  # "court" when "Supreme Court" is shown
        shown.append(_as_written(n, texts))
        covered |= set(n.split())
        if len(shown) == k:
            break
    return " · ".join(shown)


def _as_written(name: str, texts: Sequence[str]) -> str:
    """The name as the articles write it most often (a dateline's capitals only when nothing else)."""
    pattern = re.compile(r"\b" + re.escape(name) + r"\b", re.IGNORECASE)
    forms: dict[str, int] = {}
    for text in texts:
        for m in pattern.finditer(text):
            forms[m.group(0)] = forms.get(m.group(0), 0) + 1
    if not forms:
        return name.title()
    return max(forms, key=lambda f: (not (f.isupper() and len(f) > 5), forms[f], f))


def link_new_stories(
    con: duckdb.DuckDBPyConnection,
    docs: Sequence[StoryDoc],
    vectors: np.ndarray,
    params: ThreadParams = ThreadParams(),
    relink: bool = False,
    embedder: Embedder | None = None,
) -> None:
    """Link the stories without a thread (every story when `relink`) into threads and write them. `docs`
    (with `vectors`) hold every article of those stories."""
    story_of = stories_store.assignments_of(con, [d.article_id for d in docs])
    unthreaded = set(stories_store.unthreaded(con)) if not relink else set(story_of.values())
    members: dict[str, list[int]] = {}
    for i, d in enumerate(docs):
        sid = story_of.get(d.article_id)
        if sid in unthreaded:
            members.setdefault(sid, []).append(i)
    missing = unthreaded - set(members)
    if missing:  # stories whose articles were not read this run (rare: a run stopped half way)
        log.warning("%d stories without a thread were not in this run's articles", len(missing))
    days = [d.day.toordinal() for d in docs]
    house = house_names(docs)
    names = [d.names - house for d in docs]
    stories = profiles(members, days, vectors, names, params.recurring_share)
    name_idf, _ = idf(names, min_docs=MIN_IDF_DOCS)
    known: list[_Thread] = []
    if not relink:
        wanted = sorted({n for s in stories for n in s.names})
        known = [
            _Thread(r.thread_id, frozenset(r.subject), np.asarray(r.centroid_sum, np.float64), r.n_stories)
            for r in stories_store.threads_sharing(con, wanted)
        ]
    links, touched = link_threads(stories, params, name_idf, known)
    texts = {sid: [f"{docs[i].title}. {docs[i].text}" for i in idxs] for sid, idxs in members.items()}
    rows = [
        ThreadRow(
            t.thread_id,
            headline(
                t.subject,
                name_idf,
                [x for sid in t.stories for x in texts.get(sid, [])],
                params.subject_names,
            ),
            sorted(t.subject),
            t.centroid_sum.astype(np.float32),
            t.n_stories,
        )
        for t in touched
    ]
    stories_store.write_threads(con, links, rows, params.describe(), relink=relink)
    n_multi = sum(1 for t in touched if t.n_stories > 1)
    log.info(
        "threads: %d stories linked, %d threads touched (%d of several stories)",
        len(links),
        len(rows),
        n_multi,
    )
