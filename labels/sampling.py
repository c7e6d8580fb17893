"""Which articles to label next: a frozen random test set, then a batch mixing model uncertainty,
diversity (far from anything already labeled or queued) and a random slice, each stratified by outlet.

Pure functions over rows read from the warehouse; `framewatch label sample` reads and writes them."""

from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

if TYPE_CHECKING:
    import duckdb

log = logging.getLogger(__name__)

TEXT_CHARS = 4000  # enough of each article for TF-IDF diversity, bounded cost


@dataclass(frozen=True)
class SampleConfig:
    """How a labeling batch is drawn. Shares are of `n`; what is left after uncertainty and random goes
    to diversity (and so does any shortfall, e.g. when few articles are scored)."""

    n: int = field(
        default=40,
        metadata={
            "help": "Articles to queue for labeling, exactly (the test set is drawn apart, not counted)."
        },
    )
    uncertainty_share: float = field(
        default=0.4, metadata={"help": "Share picked where the model is least sure."}
    )
    random_share: float = field(
        default=0.3, metadata={"help": "Share picked uniformly at random (unbiased slice)."}
    )
    test_size: int = field(
        default=20, metadata={"help": "Size of the frozen test set, drawn once when none exists (0: none)."}
    )
    seed: int = field(
        default=0, metadata={"help": "Random seed: the same seed and data give the same batch."}
    )

    def __post_init__(self) -> None:
        if self.n < 0 or self.test_size < 0:
            raise ValueError("n and test_size must be >= 0")
        for name in ("uncertainty_share", "random_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.uncertainty_share + self.random_share > 1.0 + 1e-9:
            raise ValueError("uncertainty_share + random_share must be at most 1 (the rest is diversity)")

    @property
    def diversity_share(self) -> float:
        return 1.0 - self.uncertainty_share - self.random_share


@dataclass
class Pick:
    article_id: str
    outlet_id: str
    strategy: str  # test | uncertainty | diversity | random
    score: float | None = None


@dataclass
class SamplePlan:
    test: list[Pick]
    batch: list[Pick]

    def counts(self) -> dict[tuple[str, str], int]:
        """(outlet, strategy) -> number of picks, test set included."""
        return dict(Counter((p.outlet_id, p.strategy) for p in [*self.test, *self.batch]))


def uncertainty(
    frame_probs: Mapping[str, float] | None, slant_probs: Mapping[str, float] | None
) -> float | None:
    """0 (sure) .. 1 (unsure). Frames: the mean closeness to 0.5 of the three least certain frames;
    slant: one minus the margin between the two most likely labels. None when the article is unscored."""
    if not frame_probs or not slant_probs:
        return None
    closeness = sorted((1.0 - abs(2.0 * float(p) - 1.0) for p in frame_probs.values()), reverse=True)
    frame_u = float(np.mean(closeness[:3]))
    top = sorted((float(p) for p in slant_probs.values()), reverse=True) + [0.0]
    slant_u = 1.0 - (top[0] - top[1])
    return round((frame_u + slant_u) / 2.0, 6)


def allocate(sizes: Mapping[str, int], n: int, rng: np.random.Generator) -> dict[str, int]:
    """Split n across strata in proportion to their sizes (largest remainder, ties broken at random),
    never giving a stratum more than it has."""
    total = sum(sizes.values())
    n = min(n, total)
    if n <= 0:
        return {k: 0 for k in sizes}
    quota = {k: n * v / total for k, v in sizes.items()}
    out = {k: min(sizes[k], math.floor(q)) for k, q in quota.items()}
    keys = list(sizes)
    jitter = dict(zip(keys, rng.random(len(keys)), strict=True))
    while sum(out.values()) < n:
        open_keys = [k for k in keys if out[k] < sizes[k]]
        best = max(open_keys, key=lambda k: (quota[k] - out[k], jitter[k]))
        out[best] += 1
    return out


def _by_outlet(rows: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        groups[str(row["outlet_id"])].append(row)
    return groups


def _random_picks(rows: list[dict[str, Any]], n: int, strategy: str, rng: np.random.Generator) -> list[Pick]:
    picks: list[Pick] = []
    groups = _by_outlet(rows)
    quotas = allocate({k: len(v) for k, v in groups.items()}, n, rng)
    for outlet in sorted(groups):
        members = groups[outlet]
        for i in sorted(rng.choice(len(members), size=quotas[outlet], replace=False).tolist()):
            picks.append(Pick(members[i]["article_id"], outlet, strategy))
    return picks


def _uncertainty_picks(rows: list[dict[str, Any]], n: int, rng: np.random.Generator) -> list[Pick]:
    scored = [r for r in rows if r.get("uncertainty") is not None]
    groups = _by_outlet(scored)
    quotas = allocate({k: len(v) for k, v in groups.items()}, n, rng)
    picks = []
    for outlet in sorted(groups):
        ranked = sorted(groups[outlet], key=lambda r: (-r["uncertainty"], r["article_id"]))
        picks += [
            Pick(r["article_id"], outlet, "uncertainty", r["uncertainty"]) for r in ranked[: quotas[outlet]]
        ]
    return picks


def _doc(row: Mapping[str, Any]) -> str:
    return f"{row.get('title') or ''}\n{(row.get('text') or '')[:TEXT_CHARS]}"


def _diversity_picks(
    rows: list[dict[str, Any]], seen: Sequence[Mapping[str, Any]], n: int, rng: np.random.Generator
) -> list[Pick]:
    """Farthest-first traversal on TF-IDF cosine distance, per outlet quota, away from everything seen."""
    if n <= 0 or not rows:
        return []
    docs = [_doc(r) for r in rows] + [_doc(s) for s in seen]
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=1, max_features=20000, stop_words="english")
    try:
        matrix = vectorizer.fit_transform(docs)
    except ValueError:  # empty vocabulary (e.g. texts of stop words only): fall back to random
        return _random_picks(rows, n, "diversity", rng)
    cand, prior = matrix[: len(rows)], matrix[len(rows) :]
    # min cosine distance of every candidate to the seen set (1.0 when nothing is seen yet)
    if prior.shape[0]:
        min_dist = 1.0 - np.asarray((cand @ prior.T).max(axis=1).todense()).ravel()
    else:
        min_dist = np.ones(len(rows))
    groups: dict[str, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[str(row["outlet_id"])].append(i)
    quotas = allocate({k: len(v) for k, v in groups.items()}, n, rng)
    remaining = dict(quotas)
    taken: set[int] = set()
    picks: list[Pick] = []
    while any(remaining.values()):
        open_idx = [i for k, idx in groups.items() if remaining[k] > 0 for i in idx if i not in taken]
        if not open_idx:
            break
        best = max(open_idx, key=lambda i: (min_dist[i], -i))
        outlet = str(rows[best]["outlet_id"])
        picks.append(Pick(rows[best]["article_id"], outlet, "diversity", round(float(min_dist[best]), 6)))
        taken.add(best)
        remaining[outlet] -= 1
        sim = np.asarray((cand @ cand[best].T).todense()).ravel()
        min_dist = np.minimum(min_dist, 1.0 - sim)
    return picks


def plan_sample(
    candidates: Sequence[dict[str, Any]],
    seen: Sequence[Mapping[str, Any]],
    config: SampleConfig,
    has_test_set: bool,
) -> SamplePlan:
    """Draw the test set (only when none exists yet) and one labeling batch from `candidates`
    (rows with article_id, outlet_id, title, text, frame_probs, slant_probs)."""
    rng = np.random.default_rng(config.seed)
    pool = [dict(r, uncertainty=uncertainty(r.get("frame_probs"), r.get("slant_probs"))) for r in candidates]
    test: list[Pick] = []
    if not has_test_set and config.test_size:
        test = _random_picks(pool, config.test_size, "test", rng)
    used = {p.article_id for p in test}
    pool = [r for r in pool if r["article_id"] not in used]

    n = min(config.n, len(pool))
    n_random = round(n * config.random_share)
    n_uncertain = round(n * config.uncertainty_share)
    random_picks = _random_picks(pool, n_random, "random", rng)
    used |= {p.article_id for p in random_picks}
    pool = [r for r in pool if r["article_id"] not in used]
    uncertain = _uncertainty_picks(pool, n_uncertain, rng)
    used |= {p.article_id for p in uncertain}
    pool = [r for r in pool if r["article_id"] not in used]
    diverse = _diversity_picks(pool, seen, n - len(random_picks) - len(uncertain), rng)
    batch = [*random_picks, *uncertain, *diverse]
    order = rng.permutation(len(batch)).tolist()  # interleave strategies so no kind comes first
    batch = [batch[i] for i in order]
    log.info(
        "sample: test %d, random %d, uncertainty %d, diversity %d",
        len(test),
        len(random_picks),
        len(uncertain),
        len(diverse),
    )
    return SamplePlan(test=test, batch=batch)


def draw(
    con: duckdb.DuckDBPyConnection,
    config: SampleConfig,
    assign: Sequence[str] = (),
    batch_id: str | None = None,
) -> tuple[str, SamplePlan]:
    """Plan a batch from the warehouse and store it: freeze the test set if none exists, queue the test
    set and the batch (for everyone, or once for each name in `assign`). Returns (batch_id, plan)."""
    from warehouse import labels_store
    from warehouse.load import now

    batch_id = batch_id or labels_store.new_id()[:12]
    has_test = bool(labels_store.test_set(con))
    plan = plan_sample(labels_store.sampling_candidates(con), labels_store.seen_texts(con), config, has_test)
    stamp = now()
    labels_store.freeze_test_set(
        con,
        [
            {"article_id": p.article_id, "outlet_id": p.outlet_id, "batch_id": batch_id, "frozen_at": stamp}
            for p in plan.test
        ],
    )
    annotators: list[str | None] = [*assign] or [None]  # None: the batch is not assigned to anyone
    rows = [
        {
            "batch_id": batch_id,
            "article_id": p.article_id,
            "outlet_id": p.outlet_id,
            "strategy": p.strategy,
            "score": p.score,
            "position": i,
            "annotator": who,
            "created_at": stamp,
        }
        for i, p in enumerate([*plan.test, *plan.batch])
        for who in annotators
    ]
    labels_store.append_samples(con, rows)
    return batch_id, plan


def sample_summary(plan: SamplePlan, n: int, test_size: int) -> list[str]:
    """What `label sample` did, in words: exactly how many articles joined the labeling queue, and,
    separately, the frozen test set when this sample drew it."""
    lines = [
        f"queued {len(plan.batch)} articles for labeling (--n {n}); label them with `framewatch label serve`"
    ]
    if len(plan.batch) < n:
        lines.append(
            f"only {len(plan.batch)} candidates were left (articles nobody labeled, queued or set aside); "
            "collect or import more articles to queue more"
        )
    if plan.test:
        lines.append(
            f"also froze the test set: {len(plan.test)} articles drawn at random (stratified by outlet), not "
            "counted in --n. They wait in their own queue (/test on the labeling page); their labels are "
            "used only to judge retrained models, never to train them. This happens once."
        )
    elif test_size:
        lines.append("the test set was frozen by an earlier sample: kept as it is")
    return lines
