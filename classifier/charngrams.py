"""Character n-gram TF-IDF (scikit-learn's `analyzer="char_wb"`: lowercase, n-grams inside ' word ' only,
min_df, sublinear tf, smooth idf, l2) with an exact, fast transform for scoring.

char_wb n-grams never cross word boundaries, so a document's n-gram counts are its word counts times a
word -> n-gram count matrix; a word's row is built once, the first time the word is seen, and kept (up to
`max_words`). scikit-learn's own transform rebuilds every n-gram of every document, about ten times
slower. Fitting uses the same identity: each distinct word's n-grams are listed once, the document
frequencies come from the product, and the vocabulary and idf are scikit-learn's rule (terms sorted, kept
from `min_df` documents, smooth idf in float32); the fitted word rows then serve the first transform.
`tests/classifier/test_frames.py` checks that both give the same vocabulary, idf and matrix."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from classifier.blocks import InForce
from classifier.textvec import l2_normalize

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

MERGE_BLOCKS = 16


class CharNgramTfidf:
    """scikit-learn's vocabulary and idf rule; transform with cached per-word n-gram rows. Fitted:
    vocabulary_, idf_."""

    def __init__(self, ngram_range: Sequence[int] = (2, 5), min_df: int = 2, max_words: int = 2_000_000):
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.min_df = min_df
        self.max_words = max_words
        self._reset()

    def vectorizer(self) -> TfidfVectorizer:
        """The scikit-learn vectorizer with the same settings (tests compare transforms with it)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            min_df=self.min_df,
            sublinear_tf=True,
            dtype=np.float32,
        )

    def fit(self, docs: Sequence[str]) -> CharNgramTfidf:
        """scikit-learn's vocabulary and idf for `docs` (see `vectorizer`), computed per distinct word."""
        tokens = [d.lower().split() for d in docs]
        if not any(tokens):
            raise ValueError("empty vocabulary: the training texts hold no words")
        cache = _active(self.ngram_range) or WordGrams(self.ngram_range)
        cache.add(w for t in tokens for w in t)
        M = cache.matrix()  # word -> n-gram counts, every word and n-gram the cache holds
        df = np.bincount((_doc_words(tokens, cache.word_id) @ M).indices, minlength=M.shape[1])
        kept = sorted(cache.terms[j] for j in np.flatnonzero(df >= self.min_df))
        if not kept:
            raise ValueError(f"no n-gram is in {self.min_df} or more training texts: give more texts")
        old = np.fromiter((cache.grams[g] for g in kept), np.int64, len(kept))
        self.vocabulary_ = {g: i for i, g in enumerate(kept)}
        # scikit-learn's TfidfTransformer on float32 counts: log((n + 1) / (df + 1)) + 1, in float32
        self.idf_ = (np.log((len(tokens) + 1) / (df[old].astype(np.float32) + 1)) + 1.0).astype(np.float32)
        if len(cache.word_id) <= self.max_words:  # the cache's word rows, over the vocabulary, start ours
            self._reset(dict(cache.word_id), [M[:, old].tocsr()])
        else:
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
    def _reset(
        self, word_id: dict[str, int] | None = None, blocks: list[sp.csr_matrix] | None = None
    ) -> None:
        self._word_id = word_id or {}  # word -> row of the stacked word -> n-gram matrix
        self._blocks = blocks or []  # that matrix, in blocks of rows (merged now and then)

    def _add_words(self, words: list[str]) -> None:
        get = self.vocabulary_.get
        indptr: list[int] = [0]
        cols: list[int] = []
        for w in words:
            cols.extend(j for j in map(get, wb_grams(w, self.ngram_range)) if j is not None)
            indptr.append(len(cols))
        block = _rows(cols, indptr, len(self.vocabulary_))
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
        W = _doc_words(tokens, self._word_id)
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
        return l2_normalize(X.multiply(self.idf_[None, :]).tocsr())


class WordGrams:
    """Every n-gram of each word seen, over one growing n-gram index. A fit lists the n-grams of the words
    it has not seen yet; inside a `word_cache()` block fits on overlapping texts (the protocol's folds and
    checks) share one, so each word's n-grams are listed once per block."""

    def __init__(self, ngram_range: Sequence[int] = (2, 5)) -> None:
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.grams: dict[str, int] = {}
        self.terms: list[str] = []
        self.word_id: dict[str, int] = {}
        self._cols: list[int] = []
        self._indptr: list[int] = [0]
        self._matrix: sp.csr_matrix | None = None

    def add(self, words: Iterable[str]) -> None:
        for w in words:
            if w in self.word_id:
                continue
            self.word_id[w] = len(self.word_id)
            for gram in wb_grams(w, self.ngram_range):
                j = self.grams.get(gram)
                if j is None:
                    j = self.grams[gram] = len(self.terms)
                    self.terms.append(gram)
                self._cols.append(j)
            self._indptr.append(len(self._cols))

    def matrix(self) -> sp.csr_matrix:
        """(words x n-grams) counts; built again only when words were added."""
        if self._matrix is None or self._matrix.shape[0] != len(self.word_id):
            self._matrix = _rows(self._cols, self._indptr, len(self.terms))
        return self._matrix


# within a `with word_cache((2, 5)): ...` block, fits with that n-gram range list each word's n-grams once
CACHES: InForce[WordGrams] = InForce(WordGrams)
word_cache = CACHES.block


def _active(ngram_range: tuple[int, int]) -> WordGrams | None:
    return CACHES.innermost(lambda c: c.ngram_range == ngram_range)


def wb_grams(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """scikit-learn's char_wb n-grams of one word: n-grams of ' word '; a padded word no longer than n is
    emitted once and ends the loop."""
    padded = f" {word} "
    size = len(padded)
    out = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        if n >= size:
            out.append(padded)
            break
        out.extend(padded[i : i + n] for i in range(size - n + 1))
    return out


def _rows(cols: list[int], indptr: list[int], width: int) -> sp.csr_matrix:
    """A count matrix from each row's column list (a column listed twice counts 2)."""
    out = sp.csr_matrix(
        (np.ones(len(cols), np.float32), np.asarray(cols, np.int64), np.asarray(indptr)),
        shape=(len(indptr) - 1, width),
    )
    out.sum_duplicates()
    return out


def _doc_words(tokens: list[list[str]], word_id: dict[str, int]) -> sp.csr_matrix:
    """Document -> word counts over the cache's word rows."""
    ids = [word_id[w] for t in tokens for w in t]
    indptr = np.cumsum([0] + [len(t) for t in tokens]).tolist()
    return _rows(ids, indptr, len(word_id))
