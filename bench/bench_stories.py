"""Story grouping and threads on real articles: N (default 2,000) articles of 2016-2019 from the 12 outlets
with the most articles in the shared allsides_slant corpus (FRAMEWATCH_DATA_DIR), embedded with the local
MiniLM model. Prints how many stories and threads, the longest story span (never over the event window),
the largest stories and threads with a few of their titles, and the time each step took.

    .venv/bin/python bench/bench_stories.py             # ~8 min on the 2-core machine, most of it embedding
    .venv/bin/python bench/bench_stories.py --n 500

Gold-event figures (pairwise precision, recall, F1, ARI against the AllSides roundups, beside the previous
method) are in bench/bench_story_gold.py.
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import pandas as pd

from classifier.transformer.embedding import embed_articles, shared_embedder
from flows.analysis.stories.features import StoryDoc
from flows.analysis.stories.grouping import group
from flows.analysis.stories.link import LinkModel
from flows.analysis.stories.threads import ThreadParams, headline, house_names, link_threads, profiles


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    data = Path(os.environ.get("FRAMEWATCH_DATA_DIR", "../shared/data")) / "allsides_slant.parquet"
    df = pd.read_parquet(data, columns=["id", "outlet", "title", "text", "published"])
    df = df[(df.published >= date(2016, 1, 1)) & (df.published <= date(2019, 12, 31))]
    df = df[df.outlet.isin(df.outlet.value_counts().index[:12])].sample(args.n, random_state=1)
    docs = [StoryDoc.of(r.id, r.outlet, r.published, r.title or "", r.text or "") for r in df.itertuples()]
    t0 = time.perf_counter()
    vectors = embed_articles(
        shared_embedder(), list(zip(df.title.fillna(""), df.text.fillna(""), strict=True))
    )
    t1 = time.perf_counter()
    links = group(docs, vectors)
    t2 = time.perf_counter()
    members: dict[str, list[int]] = defaultdict(list)
    story_of = {a.article_id: a.story_id for a in links}
    for i, d in enumerate(docs):
        members[story_of[d.article_id]].append(i)
    days = [d.day.toordinal() for d in docs]
    house = house_names(docs)
    stories = profiles(members, days, vectors, [d.names - house for d in docs])
    threads, touched = link_threads(stories, ThreadParams())
    t3 = time.perf_counter()
    span = {s: max(days[i] for i in m) - min(days[i] for i in m) for s, m in members.items()}
    print(f"{len(docs)} articles: embed {t1 - t0:.1f} s, group {t2 - t1:.2f} s, threads {t3 - t2:.2f} s")
    print(
        f"{len(members)} stories, longest span {max(span.values())} days "
        f"(window {LinkModel.load().event_days})"
    )
    for sid, m in sorted(members.items(), key=lambda kv: -len(kv[1]))[:3]:
        outlets = len({docs[i].outlet_id for i in m})
        print(f"  story {len(m)} articles, {outlets} outlets, {span[sid]} days: {docs[m[0]].title[:70]}")
    by_thread: dict[str, list[str]] = defaultdict(list)
    for t in threads:
        by_thread[t.thread_id].append(t.story_id)
    multi = sorted((t for t in touched if t.n_stories > 1), key=lambda t: t.n_stories, reverse=True)
    print(f"{len(by_thread)} threads, {len(multi)} of several stories")
    for t in multi[:5]:
        n_articles = sum(len(members[s]) for s in t.stories)
        texts = [docs[i].title for s in t.stories for i in members[s]]
        print(
            f"  thread of {t.n_stories} stories, {n_articles} articles: {headline(t.subject, {}, texts, 4)}"
        )


if __name__ == "__main__":
    main()
