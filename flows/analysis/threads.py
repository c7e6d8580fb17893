"""Threads: the stories of one ongoing topic, linked across any time gap.

A story is one event and spans at most a few weeks (flows/analysis/stories.py). The same policy reported
again months later (the seeds: Chicago police and ICE in January and in July 2025) is a new story; a
thread links the two, so they can still be read side by side.

Each story is represented by its centroid (the normalised mean of its articles' MiniLM embeddings) and by
its recurring names (names that occur in at least half of its articles). Stories are taken in order of
their first day; each joins the best-matching thread or starts a new one (single pass, like the story
grouping):

    link score(s, t) = cosine(centroid s, centroid t) + entity_weight * name_overlap(s, t)

with name_overlap the idf-weighted Jaccard of the recurring names (idf over stories), 0..2 with the
default weight 1. A story joins a thread when, for some story t of the thread, the score reaches
`link_threshold` and both cosine and name overlap clear their floors (shared names alone, e.g. a city,
or a similar subject alone, e.g. "police and immigration", do not make a thread), and its cosine to the
thread's centroid is at least `centroid_threshold`. Threads are rebuilt from all stories after each
grouping, so a thread id ('th-' + its first story's first article id) is stable while its first story
stays first.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from warehouse.stories_store import ThreadLink

log = logging.getLogger(__name__)

MAX_STORIES_COMPARED = 32  # a long thread is compared through its most recent stories (and its centroid)


@dataclass(frozen=True)
class ThreadParams:
    """Thresholds of the thread linking (see the module docstring). Chosen on the demo corpus, the seeds
    and 2,000 real 2016-2019 articles from 12 outlets (allsides_slant): 1,047 stories (none over 21 days),
    816 threads, 52 of several stories; the largest are the 2016 campaign (65 stories), DACA (27) and
    the budget fights in Congress (21). A looser centroid floor (0.5) chained 106 stories into one."""

    link_threshold: float = 0.80
    min_cosine: float = 0.55
    min_name_overlap: float = 0.12
    centroid_threshold: float = 0.60
    entity_weight: float = 1.0
    recurring_share: float = 0.5

    def describe(self) -> str:
        return (
            f"centroid+names link>={self.link_threshold} cos>={self.min_cosine} "
            f"names>={self.min_name_overlap} centroid>={self.centroid_threshold} w={self.entity_weight}"
        )


@dataclass
class StoryProfile:
    story_id: str
    first_day: int  # day ordinal
    centroid: np.ndarray  # L2-normalised
    names: frozenset[str] = field(default_factory=frozenset)


def profiles(
    members: Mapping[str, Sequence[int]],
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


def _idf(stories: Sequence[StoryProfile]) -> dict[str, float]:
    df: dict[str, int] = {}
    for s in stories:
        for n in s.names:
            df[n] = df.get(n, 0) + 1
    return {n: math.log((len(stories) + 1) / (c + 1)) + 1 for n, c in df.items()}


def _overlap(a: frozenset[str], b: frozenset[str], idf: dict[str, float]) -> float:
    union = sum(idf.get(n, 1.0) for n in a | b)
    return sum(idf.get(n, 1.0) for n in a & b) / union if union else 0.0


def thread_id(story_id: str) -> str:
    return "th-" + story_id.removeprefix("st-")


def link_threads(stories: Sequence[StoryProfile], params: ThreadParams = ThreadParams()) -> list[ThreadLink]:
    """Assign every story to a thread, in order of first day (ties by story id). One link per story."""
    order = sorted(range(len(stories)), key=lambda k: (stories[k].first_day, stories[k].story_id))
    idf = _idf(stories)
    dim = stories[0].centroid.shape[0] if stories else 0
    thread_ids: list[str] = []
    thread_members: list[list[int]] = []
    sums = np.zeros((max(len(stories), 1), dim), np.float32)
    links: list[ThreadLink] = []
    for k in order:
        s = stories[k]
        n = len(thread_ids)
        best: ThreadLink | None = None
        best_t = -1
        if n:
            norms = np.maximum(np.linalg.norm(sums[:n], axis=1), 1e-9)
            near = np.flatnonzero((sums[:n] @ s.centroid) / norms >= params.centroid_threshold)
            for t in near:
                idxs = thread_members[t][-MAX_STORIES_COMPARED:]
                cos = np.stack([stories[m].centroid for m in idxs]) @ s.centroid
                for m, c in zip(idxs, cos, strict=True):
                    overlap = _overlap(s.names, stories[m].names, idf)
                    score = float(c) + params.entity_weight * overlap
                    if (
                        score >= params.link_threshold
                        and c >= params.min_cosine
                        and overlap >= params.min_name_overlap
                        and (best is None or score > (best.score or 0.0))
                    ):
                        best = ThreadLink(
                            s.story_id,
                            thread_ids[t],
                            round(score, 4),
                            stories[m].story_id,
                            round(float(c), 4),
                            round(overlap, 4),
                        )
                        best_t = int(t)
        if best is None:
            best_t = len(thread_ids)
            thread_ids.append(thread_id(s.story_id))
            thread_members.append([])
            best = ThreadLink(s.story_id, thread_ids[best_t], None, None)
        thread_members[best_t].append(k)
        sums[best_t] += s.centroid
        links.append(best)
    n_multi = sum(1 for m in thread_members if len(m) > 1)
    log.info(
        "threads: %d stories in %d threads (%d of several stories)", len(stories), len(thread_ids), n_multi
    )
    return links
