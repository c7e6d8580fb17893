"""Story grouping against gold events: the AllSides roundups (one event told by a left, a center and a right
outlet; FRAMEWATCH_DATA_DIR/allsides_roundups.parquet), pairwise precision, recall (all same-event pairs and
those within 21 days), F1 and adjusted Rand index, for the event-link model (flows/analysis/stories/link.json)
beside the previous method (single link at cosine + names >= 0.60), both run here on the same articles;
precision, recall and F1 also with 90% intervals over the gold events (a bootstrap of events, the same
draws for both methods, so their difference gets a paired interval: flows.analysis.stories.gold).

Split by time: roundups dated before --cut (Apr 22 - Jul 24, 2021) tune the model, the later ones (Jul 25 -
Oct 18) are held out; every figure is printed for both. --fit refits the model on the tuning block and
writes flows/analysis/stories/link.json. --slant N adds a full-text check: N articles (Apr-Aug 2018,
the 12 largest outlets of allsides_slant) grouped by both methods, scored against pseudo-events
(classifier/events.py: different outlets, 2 days, TF-IDF title+lead >= 0.35: a secondary check, not gold).

    .venv/bin/python bench/bench_story_gold.py [--fit] [--slant 1200] [--cache DIR]
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from classifier.transformer.embedding import LEAD_WORDS, embed_articles, shared_embedder
from flows.analysis.stories.features import StoryDoc
from flows.analysis.stories.gold import GoldSet, data_dir, event_units, pair_intervals, pair_scores, roundups
from flows.analysis.stories.grouping import group
from flows.analysis.stories.link import MODEL_FILE, LinkModel
from flows.analysis.stories.tuning import fit, reference_group

CUT = date(2021, 7, 25)


def _vectors(texts: list[tuple[str, str]], name: str, cache: Path | None, lead_words: int) -> np.ndarray:
    path = cache / f"{name}-{len(texts)}-lead{lead_words}.npy" if cache else None
    if path and path.exists():
        return np.load(path)
    vectors = embed_articles(shared_embedder(), texts, lead_words)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    return vectors


def _score(gold: GoldSet, vectors: np.ndarray, model: LinkModel) -> list[str]:
    days = np.array([d.day.toordinal() for d in gold.docs])
    t0 = time.perf_counter()
    ref = np.array(reference_group(gold.docs, vectors, gold.texts))
    t1 = time.perf_counter()
    links = {a.article_id: a.story_id for a in group(gold.docs, vectors, model)}
    t2 = time.perf_counter()
    new = np.array([links[d.article_id] for d in gold.docs])
    units = event_units(gold.events)
    old_i, new_i = pair_intervals(gold.events, ref, units), pair_intervals(gold.events, new, units)
    return [
        f"previous   {pair_scores(gold.events, ref, days).line()} [{t1 - t0:.1f} s]",
        f"event-link {pair_scores(gold.events, new, days).line()} [{t2 - t1:.1f} s]",
        f"90% intervals over the {len(units.ids)} events (bootstrap, {len(units.weights)} draws):",
        f"  previous   {old_i.line()}",
        f"  event-link {new_i.line()}",
        f"  event-link - previous (paired) {new_i.minus(old_i)}",
    ]


def _slant_check(n: int, model: LinkModel, cache: Path | None, lead_words: int) -> None:
    from classifier.events import event_groups

    df = pd.read_parquet(
        data_dir() / "allsides_slant.parquet", columns=["id", "outlet", "title", "text", "published"]
    )
    df = df[(df.published >= date(2018, 4, 1)) & (df.published <= date(2018, 8, 31))]
    df = df[df.outlet.isin(df.outlet.value_counts().index[:12])].sort_values(["published", "id"]).head(n)
    df = df.reset_index(drop=True)
    texts = list(zip(df.title.fillna(""), df.text, strict=True))
    vectors = _vectors(texts, "slant2018", cache, lead_words)
    docs = [StoryDoc.of(r.id, r.outlet, r.published, r.title or "", r.text) for r in df.itertuples()]
    pseudo = event_groups(df, list(df.outlet))
    grouped = np.array([e is not None for e in pseudo])
    days = np.array([d.day.toordinal() for d in docs])
    links = {a.article_id: a.story_id for a in group(docs, vectors, model)}
    outcomes = {
        "previous": np.array(reference_group(docs, vectors, texts)),
        "event-link": np.array([links[d.article_id] for d in docs]),
    }
    print(
        f"\nfull texts: {len(df)} allsides_slant articles, 2018-04..08, 12 outlets; {grouped.sum()} in "
        f"{len(set(pseudo[grouped]))} pseudo-events (secondary check: recall of pseudo-event pairs)"
    )
    events = pseudo[grouped].astype(str)
    units = event_units(events)
    measured = {}
    for name, pred in outcomes.items():
        s = pair_scores(events, pred[grouped], days[grouped])
        measured[name] = pair_intervals(events, pred[grouped], units)
        sizes = pd.Series(pred).value_counts()
        print(
            f"  {name:10s} pseudo-pair recall {s.recall:.3f} (precision {s.precision:.3f}); "
            f"{len(sizes)} stories, largest {sizes.iloc[0]} articles, {int((sizes >= 10).sum())} of 10+\n"
            f"  {'':10s} {measured[name].line()} (90% intervals over the {len(units.ids)} pseudo-events)"
        )
    print(f"  event-link - previous (paired) {measured['event-link'].minus(measured['previous'])}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fit", action="store_true", help="refit on the tuning block and write story_link.json")
    ap.add_argument("--cut", type=date.fromisoformat, default=CUT)
    ap.add_argument("--slant", type=int, default=0, help="also check N full-text articles (pseudo-events)")
    ap.add_argument("--cache", type=Path, default=None, help="keep embeddings here (outside the repo)")
    ap.add_argument("--cv", action="store_true", help="also cross-validate by three time blocks")
    ap.add_argument(
        "--lead-words",
        type=int,
        default=LEAD_WORDS,
        help="body words the story embedding reads after the title",
    )
    args = ap.parse_args()
    gold = roundups()
    t0 = time.perf_counter()
    vectors = _vectors(gold.texts, "roundups", args.cache, args.lead_words)
    print(
        f"{len(gold.docs)} roundup articles, {len(set(gold.events.tolist()))} events; embedded in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    tune = np.array([d.day < args.cut for d in gold.docs])
    if args.fit:
        model, tried = fit(gold.subset(tune), vectors[tune])
        model = LinkModel(
            **{
                **model.__dict__,
                "tuned": {**model.tuned, "tuning_block": f"< {args.cut}", "held_out_block": f">= {args.cut}"},
            }
        )
        for t, line in tried:
            print(f"  tune threshold {t:.2f}: {line}")
        model.save(MODEL_FILE)
        print(f"wrote {MODEL_FILE}: {model.describe()}")
    model = LinkModel.load()
    for name, mask in (
        ("tuning block", tune),
        ("held-out block", ~tune),
        ("all roundups", np.ones_like(tune)),
    ):
        print(f"{name}:\n  " + "\n  ".join(_score(gold.subset(mask), vectors[mask], model)))
    if args.cv:
        _time_blocks(gold, vectors)
    if args.slant:
        _slant_check(args.slant, model, args.cache, args.lead_words)


def _time_blocks(gold: GoldSet, vectors: np.ndarray) -> None:
    """Fit on two time blocks, score the third (each in turn): how stable the fitted method is."""
    edges = [date(2021, 4, 1), date(2021, 6, 16), date(2021, 8, 16), date(2021, 11, 1)]
    days = np.array([d.day for d in gold.docs])
    print("\ncross-validation by time blocks (fit on the other two blocks, score this one):")
    for lo, hi in zip(edges, edges[1:], strict=False):
        test = (days >= lo) & (days < hi)
        model, _ = fit(gold.subset(~test), vectors[~test])
        lines = _score(gold.subset(test), vectors[test], model)
        print(
            f"  {lo} .. {hi - timedelta(days=1)} (threshold {model.threshold:.2f}):\n    "
            + "\n    ".join(lines)
        )


if __name__ == "__main__":
    main()
