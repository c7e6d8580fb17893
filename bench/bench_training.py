"""Training speed of the frame model (CalibratedFrames, the product's parameters) on this CPU, beside the
scikit-learn path it replaced, on the same SemEval articles in the same run.

Both paths fit the same folds (K-fold CV over --n articles, default 600 in 3 folds, each fit with its 5
inner folds): the reference builds the char n-gram vocabulary with scikit-learn's TfidfVectorizer and fits
each frame's logistic regression on the sparse columns; the product lists each word's n-grams once
(classifier.charngrams) and fits in the row space of the training matrix (classifier.rowspace). Prints
seconds per path and their ratio, the cross-validated micro-F1 of each, and how far their out-of-fold
probabilities lie apart; with the CPU's flags.

    .venv/bin/python bench/bench_training.py [--n 600] [--folds 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from sklearn.model_selection import KFold  # noqa: E402

from classifier.charngrams import CharNgramTfidf  # noqa: E402
from classifier.data import frame_rows, load_labeled, texts_of  # noqa: E402
from classifier.frames import CalibratedFrames, micro_f1  # noqa: E402
from classifier.settings import ClassifierSettings  # noqa: E402
from classifier.thresholds import decide_frames  # noqa: E402
from labels.codebook import load_codebook  # noqa: E402


class ScikitLearnFrames(CalibratedFrames):
    """The same model through scikit-learn's vocabulary and the fits on the sparse columns."""

    def _fit_features(self, texts: list[str]) -> Any:
        ref = CharNgramTfidf(tuple(self.ngram_range), self.min_df).vectorizer().fit(texts)
        self.vectorizer_ = CharNgramTfidf.from_fitted(
            ref.vocabulary_, ref.idf_, self.ngram_range, self.min_df
        )
        return self.vectorizer_.transform(texts)

    def _gram(self, X: Any) -> None:
        return None


def cpu_flags() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor()
    flags = next(
        (line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), []
    )
    wanted = ("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16")
    return " ".join(f for f in wanted if f in flags) or "none of avx2/avx512/amx"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=600, help="SemEval articles (default 600)")
    ap.add_argument("--folds", type=int, default=3, help="outer folds (default 3)")
    args = ap.parse_args()
    names = load_codebook().frame_names
    df = frame_rows(load_labeled(ClassifierSettings().frames_file))
    df = df.sample(min(args.n, len(df)), random_state=1).reset_index(drop=True)
    Y = np.array([[n in set(r) for n in names] for r in df["frames"]], dtype=np.int8)
    texts, langs = texts_of(df), df["language"].tolist()
    folds = list(KFold(args.folds, shuffle=True, random_state=0).split(df))
    print(f"{len(df)} SemEval articles, {args.folds} folds; CPU: {os.cpu_count()} cores, flags {cpu_flags()}")
    probs: dict[str, np.ndarray] = {}
    seconds: dict[str, float] = {}
    for name, model in (("scikit-learn path", ScikitLearnFrames()), ("product path", CalibratedFrames())):
        start, f1s, out = time.perf_counter(), [], np.zeros(Y.shape)
        for train, test in folds:
            m = model.__class__(**model.get_params()).fit(
                [texts[i] for i in train], df["frames"].iloc[train].tolist(), [langs[i] for i in train]
            )
            out[test] = m.predict_proba([texts[i] for i in test], [langs[i] for i in test])
            f1s.append(micro_f1(Y[test], decide_frames(out[test], m.threshold_)))
        seconds[name], probs[name] = time.perf_counter() - start, out
        print(
            f"  {name:18s} {seconds[name]:7.1f} s   CV micro-F1 {np.mean(f1s):.4f} (folds {np.round(f1s, 4)})"
        )
    ratio = seconds["scikit-learn path"] / seconds["product path"]
    diff = np.abs(probs["scikit-learn path"] - probs["product path"])
    print(f"  speed ratio (scikit-learn / product): {ratio:.1f}x")
    print(f"  out-of-fold probabilities apart: max {diff.max():.4f}, mean {diff.mean():.5f}")


if __name__ == "__main__":
    main()
