"""The promoted model's whole scoring path, as the score flow runs it (issue #12.5): frames, slant, tone,
evidence, the headline-only scores and the story embedding, on N articles of ~600 words (default 600), on
this CPU, in the same run against the plain way of computing the very same model:

- default: `flows.score.score_rows` as the flow calls it: the fast exact char n-gram transform
  (classifier.charngrams) and the story embedding on its `auto` backend (torch-bf16 where bf16 is native,
  else ONNX Runtime int8; FRAMEWATCH_BF16=off forces the path of CPUs without bf16);
- plain: the same function with scikit-learn's own TfidfVectorizer transform for the frame features and
  the story embedding with sentence-transformers in PyTorch fp32 (batches of 32): the reference.

The two take turns on `--rounds` slices of the articles (interleaved), so drift in the machine's speed
hits both alike. Also printed: agreement of frame sets, primary frame and slant (target >= 98%), the
cosine between the two story embeddings, and how many story links (pairs over the grouping's link
threshold by cosine) the two embeddings share. Threads: `--threads` (default 2) for BLAS, PyTorch and
ONNX Runtime. The CPU's model and flags are printed with the figures.

    FRAMEWATCH_BF16=off .venv/bin/python bench/bench_scoring.py            # the AVX2 path
    .venv/bin/python bench/bench_scoring.py --n 200 --json out.json         # quicker
Targets: default >= 20 articles/s and >= 3x plain, on 2 cores without bf16."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

TARGET_RATE = 20.0
TARGET_RATIO = 3.0
MIN_AGREEMENT = 0.98


def plain_scorer(version: str | None) -> Any:
    """The promoted model with scikit-learn's transform for its char n-gram features (same vocabulary and
    idf: the matrix is the same, `tests/classifier/test_frames.py` checks it)."""
    from classifier.predict import load_scorer

    scorer = load_scorer(version)
    frames = getattr(scorer.model, "frames", None)
    fast = getattr(frames, "vectorizer_", None)
    if fast is not None:
        reference = fast.vectorizer()
        reference.vocabulary = fast.vocabulary_
        reference.fit(["x"])  # builds the analyzer over the fixed vocabulary; idf is set next
        reference.idf_ = fast.idf_
        frames.vectorizer_ = reference
    return scorer


def story_links(vectors: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    sims = vectors @ vectors.T
    i, j = np.nonzero(np.triu(sims >= threshold, 1))
    return set(zip(i.tolist(), j.tolist(), strict=True))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=600, help="articles (500-700 words each)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--version", help="model version (default: the promoted one)")
    parser.add_argument("--batch", type=int, default=64, help="articles per score_rows call (the flow's)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    os.environ["FRAMEWATCH_THREADS"] = str(args.threads)
    from threadpoolctl import threadpool_limits

    threadpool_limits(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    from bench_classifier import articles

    from classifier.embedding import StoryEmbedder, resolve_backend
    from classifier.hardware import cpu_report
    from classifier.settings import ClassifierSettings
    from flows.analysis.stories import GroupingParams
    from flows.score import score_rows
    from warehouse.load import ArticleText

    cpu = cpu_report()
    backend = resolve_backend()
    print(json.dumps(cpu), flush=True)
    print(f"FRAMEWATCH_BF16={os.environ.get('FRAMEWATCH_BF16', 'auto')}: story embedding backend {backend}")
    docs = articles(args.n, ClassifierSettings().data_dir)
    batch = [ArticleText(f"a{i}", d.title, d.text, "en") for i, d in enumerate(docs)]
    words = np.mean([len(d.text.split()) for d in docs])
    print(f"{len(batch)} articles, {words:.0f} words on average; threads {args.threads}", flush=True)

    from classifier.predict import load_scorer

    paths = {
        "default": (load_scorer(args.version), StoryEmbedder(backend, threads=args.threads)),
        "plain": (plain_scorer(args.version), StoryEmbedder("sentence-transformers", threads=args.threads)),
    }
    version = paths["default"][0].version
    print(f"model {version} ({paths['default'][0].kind})", flush=True)
    for scorer, embedder in paths.values():  # warm-up: sessions, caches, the ONNX export on first use
        score_rows(scorer, batch[:8], "bench", frozenset(a.article_id for a in batch[:8]), embedder)

    rows: dict[str, list[Any]] = {name: [] for name in paths}
    vecs: dict[str, list[np.ndarray]] = {name: [] for name in paths}
    seconds = dict.fromkeys(paths, 0.0)
    size = -(-len(batch) // max(1, args.rounds))
    for r, start in enumerate(range(0, len(batch), size), 1):
        part = batch[start : start + size]
        line = []
        for name, (scorer, embedder) in paths.items():
            t0 = time.perf_counter()
            for b in range(0, len(part), args.batch):
                chunk = part[b : b + args.batch]
                out = score_rows(scorer, chunk, "bench", frozenset(a.article_id for a in chunk), embedder)
                rows[name].extend(out.bodies)
                if out.embeddings is not None:
                    vecs[name].extend(
                        np.asarray(v, np.float32) for v in out.embeddings["embedding"].to_pylist()
                    )
            took = time.perf_counter() - t0
            seconds[name] += took
            line.append(f"{name} {len(part) / took:.1f}")
        print(f"  round {r}: " + ", ".join(line) + " articles/s", flush=True)

    rate = {name: len(batch) / s for name, s in seconds.items()}
    d, p = rows["default"], rows["plain"]
    agree = {
        "frame_sets": float(
            np.mean([set(a["frames"]) == set(b["frames"]) for a, b in zip(d, p, strict=True)])
        ),
        "primary": float(
            np.mean([a["primary_frame"] == b["primary_frame"] for a, b in zip(d, p, strict=True)])
        ),
        "slant": float(np.mean([a["slant"] == b["slant"] for a, b in zip(d, p, strict=True)])),
    }
    ed, ep = np.stack(vecs["default"]), np.stack(vecs["plain"])
    cosine = np.sum(ed * ep, axis=1)
    threshold = GroupingParams().link_threshold
    ld, lp = story_links(ed, threshold), story_links(ep, threshold)
    shared = len(ld & lp) / max(1, len(ld | lp))
    ratio = rate["default"] / rate["plain"]
    print(f"\nwhole scoring path, {version}, {len(batch)} articles, {args.threads} threads:")
    print(f"  plain   (scikit-learn transform, sentence-transformers fp32): {rate['plain']:6.1f} articles/s")
    print(f"  default (fast char n-grams, {backend} story embedding): {rate['default']:6.1f} articles/s")
    print(
        f"  ratio {ratio:.2f}x (target >= {TARGET_RATIO:.0f}x); default >= {TARGET_RATE:.0f}/s: "
        f"{'met' if rate['default'] >= TARGET_RATE else 'NOT MET'}"
    )
    print(
        f"  agreement with plain: frame sets {agree['frame_sets']:.1%}, primary {agree['primary']:.1%}, "
        f"slant {agree['slant']:.1%} (target >= {MIN_AGREEMENT:.0%})"
    )
    print(
        f"  story embedding: cosine to fp32 mean {cosine.mean():.4f}, min {cosine.min():.4f}; story links "
        f"(cosine >= {threshold}) shared {shared:.1%} ({len(ld)} vs {len(lp)})"
    )
    print(f"  CPU: {cpu.get('cpu')}; flags: {', '.join(cpu.get('flags', []))}")
    ok = (
        rate["default"] >= TARGET_RATE
        and ratio >= TARGET_RATIO
        and min(agree["frame_sets"], agree["slant"]) >= MIN_AGREEMENT
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "version": version,
                    "n": len(batch),
                    "threads": args.threads,
                    "backend": backend,
                    "rate": rate,
                    "ratio": ratio,
                    "agreement": agree,
                    "embedding_cosine_mean": float(cosine.mean()),
                    "story_links_shared": shared,
                    "cpu": cpu,
                    "met": ok,
                },
                indent=2,
            )
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
