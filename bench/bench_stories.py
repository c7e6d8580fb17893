"""Story grouping and threads on real articles: N (default 2,000) articles of 2016-2019 from the 12 outlets
with the most articles in the shared allsides_slant corpus (FRAMEWATCH_DATA_DIR), embedded with the local
MiniLM model. Prints how many stories and threads, the longest story span (never over the event window),
the largest stories and threads with a few of their titles, and the time each step took.

    .venv/bin/python bench/bench_stories.py             # ~8 min on the 2-core machine, most of it embedding
    .venv/bin/python bench/bench_stories.py --n 500

Measured (2026-12-01, 2,000 articles): 1,047 stories, none over 21 days, the largest 20 articles from 10
outlets (2016 campaign coverage); 816 threads, 52 of several stories: the 2016 campaign (65 stories),
DACA (27), the budget fights in Congress (21).
"""

from __future__ import annotations

import argparse
import os
import time
from collections import defaultdict
from datetime import date
from pathlib import Path

import pandas as pd

from classifier.transformer.embedding import MiniLMEmbedder, embed_articles
from flows.analysis.stories import GroupingParams, StoryDoc, group, names
from flows.analysis.threads import ThreadParams, link_threads, profiles


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000)
    args = ap.parse_args()
    data = Path(os.environ.get("FRAMEWATCH_DATA_DIR", "../shared/data")) / "allsides_slant.parquet"
    df = pd.read_parquet(data, columns=["id", "outlet", "title", "text", "published"])
    df = df[(df.published >= date(2016, 1, 1)) & (df.published <= date(2019, 12, 31))]
    df = df[df.outlet.isin(df.outlet.value_counts().index[:12])].sample(args.n, random_state=1)
    docs = [
        StoryDoc(r.id, r.outlet, r.published, r.title or "", r.text or "", names(r.title or "", r.text or ""))
        for r in df.itertuples()
    ]
    t0 = time.perf_counter()
    vectors = embed_articles(MiniLMEmbedder(), [(d.title, d.text) for d in docs])
    t1 = time.perf_counter()
    links = group(docs, vectors, GroupingParams())
    t2 = time.perf_counter()
    members: dict[str, list[int]] = defaultdict(list)
    story_of = {a.article_id: a.story_id for a in links}
    for i, d in enumerate(docs):
        members[story_of[d.article_id]].append(i)
    days = [d.day.toordinal() for d in docs]
    stories = profiles(members, days, vectors, [d.names for d in docs])
    threads = link_threads(stories, ThreadParams())
    t3 = time.perf_counter()
    span = {s: max(days[i] for i in m) - min(days[i] for i in m) for s, m in members.items()}
    print(f"{len(docs)} articles: embed {t1 - t0:.1f} s, group {t2 - t1:.2f} s, threads {t3 - t2:.2f} s")
    print(
        f"{len(members)} stories, longest span {max(span.values())} days "
        f"(window {GroupingParams().event_days})"
    )
    for sid, m in sorted(members.items(), key=lambda kv: -len(kv[1]))[:3]:
        outlets = len({docs[i].outlet_id for i in m})
        print(f"  story {len(m)} articles, {outlets} outlets, {span[sid]} days: {docs[m[0]].title[:70]}")
    by_thread: dict[str, list[str]] = defaultdict(list)
    for t in threads:
        by_thread[t.thread_id].append(t.story_id)
    multi = sorted((v for v in by_thread.values() if len(v) > 1), key=len, reverse=True)
    print(f"{len(by_thread)} threads, {len(multi)} of several stories")
    for v in multi[:3]:
        print(f"  thread of {len(v)} stories: " + " | ".join(docs[members[s][0]].title[:40] for s in v[:3]))


if __name__ == "__main__":
    main()
