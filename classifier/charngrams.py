"""Character n-gram TF-IDF (scikit-learn's `analyzer="char_wb"`: lowercase, n-grams inside ' word ' only,
min_df, sublinear tf, smooth idf, l2) with an exact, fast transform for scoring.

char_wb n-grams never cross word boundaries, so a document's n-gram counts are its word counts times a
word -> n-gram count matrix; a word's row is built once, the first time the word is seen, and kept (up to
`max_words`). scikit-learn's own transform rebuilds every n-gram of every document, about ten times
slower; `tests/classifier/test_frames.py` checks that both give the same matrix."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

MERGE_BLOCKS = 16


class CharNgramTfidf:
    """Fit with scikit-learn, transform with cached per-word n-gram rows. Fitted: vocabulary_, idf_."""

    def __init__(self, ngram_range: Sequence[int] = (2, 5), min_df: int = 2, max_words: int = 2_000_000):
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.min_df = min_df
        self.max_words = max_words
        self._reset()

    def vectorizer(self) -> TfidfVectorizer:
        """The scikit-learn vectorizer with the same settings (it fits; tests compare transforms with it)."""
        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            min_df=self.min_df,
            sublinear_tf=True,
            dtype=np.float32,
        )

    def fit(self, docs: Sequence[str]) -> CharNgramTfidf:
        v = self.vectorizer().fit(list(docs))
        self.vocabulary_ = {gram: int(i) for gram, i in v.vocabulary_.items()}
        self.idf_ = v.idf_.astype(np.float32)
        self._reset()
        return self

    def fit_transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        return self.fit(docs).transform(docs)

    @classmethod
    def from_fitted(
        cls, vocabulary: dict[str, int], idf: np.ndarray, ngram_range: Sequence[int], min_df: int = 2
    ) -> CharNgramTfidf:
        out = cls(tuple(ngram_range), min_df)
        out.vocabulary_ = {str(g): int(i) for g, i in vocabulary.items()}
        out.idf_ = np.asarray(idf, dtype=np.float32)
        return out

    # -- the fast transform ------------------------------------------------------------------------------
    def _reset(self) -> None:
        self._word_id: dict[str, int] = {}  # word -> row of the stacked word -> n-gram matrix
        self._blocks: list[sp.csr_matrix] = []  # that matrix, in blocks of rows (merged now and then)

    def _grams(self, word: str) -> list[str]:
        """scikit-learn's char_wb n-grams of one word: n-grams of ' word '; a padded word no longer than n
        is emitted once and ends the loop."""
        padded = f" {word} "
        size = len(padded)
        out = []
        for n in range(self.ngram_range[0], self.ngram_range[1] + 1):
            if n >= size:
                out.append(padded)
                break
            out.extend(padded[i : i + n] for i in range(size - n + 1))
        return out

    def _add_words(self, words: list[str]) -> None:
        get = self.vocabulary_.get
        indptr: list[int] = [0]
        cols: list[int] = []
        for w in words:
            cols.extend(j for j in map(get, self._grams(w)) if j is not None)
            indptr.append(len(cols))
        block = sp.csr_matrix(
            (np.ones(len(cols), np.float32), np.asarray(cols, np.int64), np.asarray(indptr)),
            shape=(len(words), len(self.vocabulary_)),
        )
        block.sum_duplicates()
        start = len(self._word_id)
        self._word_id.update((w, start + r) for r, w in enumerate(words))
        self._blocks.append(block)
        if len(self._blocks) > MERGE_BLOCKS:  # keep the number of products per transform small
            self._blocks = [sp.vstack(self._blocks, format="csr")]

    def counts(self, docs: Sequence[str]) -> sp.csr_matrix:
        """Raw n-gram counts per document (vocabulary columns)."""
        tokens = [d.lower().split() for d in docs]
        new = list(dict.fromkeys(w for t in tokens for w in t if w not in self._word_id))
        if len(self._word_id) + len(new) > self.max_words:  # bound the cache: start over with these docs
            self._reset()
            new = list(dict.fromkeys(w for t in tokens for w in t))
        if new:
            self._add_words(new)
        ids = [self._word_id[w] for t in tokens for w in t]
        indptr = np.cumsum([0] + [len(t) for t in tokens])
        W = sp.csr_matrix(
            (np.ones(len(ids), np.float32), np.asarray(ids, np.int64), indptr),
            shape=(len(docs), len(self._word_id)),
        )
        W.sum_duplicates()
        out, start = None, 0
        for block in self._blocks:
            part = W[:, start : start + block.shape[0]] @ block
            out = part if out is None else out + part
            start += block.shape[0]
        return (out if out is not None else sp.csr_matrix((len(docs), len(self.vocabulary_)))).tocsr()

    def transform(self, docs: Sequence[str]) -> sp.csr_matrix:
        """Sublinear tf x idf, l2-normalised: what the fitted scikit-learn vectorizer would give."""
        X = self.counts(docs)
        X.data = np.log(X.data) + 1
        return normalize(X.multiply(self.idf_[None, :]).tocsr())
