"""Text features at scoring time without scikit-learn: its word n-gram analyzer, counts over a fitted
vocabulary and l2 row normalisation, computed as scikit-learn computes them (tests/classifier/
test_textvec.py compares them with CountVectorizer and normalize on real articles).

Every scoring command and every Dask worker loads a model; importing scikit-learn costs 1.5-2 s there
(it loads scipy.stats and pandas), more than the model itself. The models import scikit-learn only to fit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np
import scipy.sparse as sp

# scikit-learn's default token_pattern: words of two or more word characters
TOKEN = re.compile(r"(?u)\b\w\w+\b")


def word_ngrams(text: str, ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
    """CountVectorizer(ngram_range=ngram_range).build_analyzer()(text): lower-cased tokens, then their
    n-grams joined by one space, shortest first, in text order."""
    tokens = TOKEN.findall(text.lower())
    min_n, max_n = ngram_range
    if max_n == 1:
        return tokens
    out = list(tokens) if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n + 1, len(tokens) + 1)):
        out.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return out


def count_matrix(
    docs: Iterable[Iterable[str]], vocabulary: Mapping[str, int], dtype: type = np.float32
) -> sp.csr_matrix:
    """(documents x vocabulary) term counts of the analysed documents; terms outside the vocabulary are
    ignored (CountVectorizer(vocabulary=...).transform, sorted indices)."""
    indices: list[int] = []
    values: list[int] = []
    indptr = [0]
    get = vocabulary.get
    for terms in docs:
        counts: dict[int, int] = {}
        for term in terms:
            j = get(term)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        indices.extend(counts)
        values.extend(counts.values())
        indptr.append(len(indices))
    out = sp.csr_matrix(
        (np.asarray(values, dtype=dtype), np.asarray(indices, dtype=np.int64), np.asarray(indptr, np.int64)),
        shape=(len(indptr) - 1, len(vocabulary)),
        dtype=dtype,
    )
    out.sort_indices()
    return out


def l2_normalize(X: sp.spmatrix) -> sp.csr_matrix:
    """sklearn.preprocessing.normalize(X) for a sparse X: a copy whose rows have unit l2 norm (rows of zeros
    stay zero). Squares in X's precision summed in float64 in row order, each value divided in float64,
    as scikit-learn's own loop does."""
    out = sp.csr_matrix(X, copy=True)
    if out.dtype not in (np.float32, np.float64):
        out = out.astype(np.float64)
    lengths = np.diff(out.indptr)
    rows = np.repeat(np.arange(out.shape[0]), lengths)
    norms = np.sqrt(
        np.bincount(rows, weights=(out.data * out.data).astype(np.float64), minlength=out.shape[0])
    )
    norms[norms == 0.0] = 1.0
    out.data /= np.repeat(norms, lengths)
    return out
