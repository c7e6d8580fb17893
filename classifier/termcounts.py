"""Word 1-2 gram counts of whole texts, computed once per text inside a `term_cache()` block.

The plain reference (classifier.reference) counts scikit-learn's default word n-grams (lowercase, tokens
of two or more word characters, 1-2 grams) of every training and test text, and the protocol fits it on
overlapping rows many times (every fold, the dev and big-outlet checks, the fit on all rows). Inside a
block each text is tokenised once, over one vocabulary that grows as texts arrive; a fit or a scoring
reads the counts and keeps its own columns. The counts are exactly CountVectorizer's
(tests/classifier/test_reference.py fits with and without the cache and gets the same probabilities)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from classifier.blocks import InForce
from classifier.terms import GrowingVocabulary

NGRAMS = (1, 2)


class TermCounts:
    """Each text's n-gram counts over one growing vocabulary (term -> id, ids in order of first sight)."""

    def __init__(self) -> None:
        self._vocabulary = GrowingVocabulary()
        self.vocabulary = self._vocabulary.ids  # term -> id
        self.terms = self._vocabulary.names  # id -> term
        self._texts: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._analyze = CountVectorizer(ngram_range=NGRAMS).build_analyzer()

    def _text(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        found = self._texts.get(text)
        if found is None:
            counts = self._vocabulary.count(self._analyze(text))
            found = self._texts[text] = (
                np.fromiter(counts, np.int64, len(counts)),
                np.fromiter(counts.values(), np.float32, len(counts)),
            )
        return found

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """(texts x every term so far) counts."""
        rows = [self._text(t) for t in texts]
        indptr = np.cumsum([0] + [len(ids) for ids, _ in rows])
        if not len(rows) or indptr[-1] == 0:
            return sp.csr_matrix((len(texts), len(self.terms)), dtype=np.float32)
        return sp.csr_matrix(
            (np.concatenate([c for _, c in rows]), np.concatenate([i for i, _ in rows]), indptr),
            shape=(len(texts), len(self.terms)),
        )

    def fit_counts(self, texts: Sequence[str], min_df: int) -> tuple[dict[str, int], sp.csr_matrix]:
        """CountVectorizer(ngram_range=(1, 2), min_df=min_df).fit_transform, to the last bit: its vocabulary
        (terms in `min_df` or more texts, sorted) and counts, each row's entries in its order (by where
        the term first appears in `texts`), so that sums over a row run as scikit-learn's do."""
        counts = self.counts(texts)  # a row's terms in order of appearance in its text
        seen, first = np.unique(counts.indices, return_index=True)
        by_sight = seen[np.argsort(first)]  # this fit's terms in order of first appearance
        rank = np.zeros(len(self.terms), dtype=np.int64)
        rank[by_sight] = np.arange(len(by_sight))
        ranked = sp.csr_matrix(
            (counts.data, rank[counts.indices], counts.indptr), shape=(len(texts), len(seen))
        )
        ranked.sort_indices()
        df = np.bincount(ranked.indices, minlength=len(seen))
        kept = sorted(self.terms[j] for j in by_sight[df >= min_df])
        if not kept:
            raise ValueError(f"no word is in {min_df} or more training texts: give more texts")
        vocabulary = {t: i for i, t in enumerate(kept)}
        return vocabulary, ranked[:, rank[[self.vocabulary[t] for t in kept]]].tocsr()

    def transform(self, texts: Sequence[str], vocabulary: Mapping[str, int]) -> sp.csr_matrix:
        """Counts over `vocabulary`'s columns (unseen terms count 0), rows sorted as CountVectorizer's."""
        return self._vocabulary.over(self.counts(texts), vocabulary)


# within a `with term_cache(): ...` block the plain reference tokenises each text once;
# `active()`: the innermost open cache or None
CACHES: InForce[TermCounts] = InForce(TermCounts)
term_cache = CACHES.block
active = CACHES.innermost
