"""A vocabulary that grows as texts arrive (term -> id in order of first sight), for the per-run caches
(classifier.linecounts, classifier.termcounts)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import numpy as np
import scipy.sparse as sp


class GrowingVocabulary:
    """`ids` (term -> id) and `names` (id -> term); ids are never reused or renumbered."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []

    def count(self, terms: Iterable[str]) -> dict[int, int]:
        """Each term's id -> how often it occurs, in order of first appearance; new terms get new ids."""
        counts: dict[int, int] = {}
        for term, n in Counter(terms).items():  # counted in C, in order of first appearance
            tid = self.ids.get(term)
            if tid is None:
                tid = self.ids[term] = len(self.names)
                self.names.append(term)
            counts[tid] = n
        return counts

    def over(self, counts: sp.spmatrix, vocabulary: Mapping[str, int]) -> sp.csr_matrix:
        """`counts` (texts x this vocabulary's ids) as counts over a model's `vocabulary` (term -> column,
        columns 0..n-1), each row's columns in order; a term this vocabulary never saw counts 0."""
        where = np.full(len(vocabulary), counts.shape[1], dtype=np.int64)  # default: an all-zero column
        for term, col in vocabulary.items():
            tid = self.ids.get(term)
            if tid is not None:
                where[col] = tid
        zeros = sp.csr_matrix((counts.shape[0], 1), dtype=counts.dtype)
        return sp.hstack([counts, zeros]).tocsc()[:, where].tocsr()
