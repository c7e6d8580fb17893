"""Word 1-2 gram counts of cue-stripped lines (classifier.cues), computed once per article and protocol run.

The cue-stripped slant model counts n-grams per line (an n-gram never spans two lines) after dropping
outlet cues and the house boilerplate of its training texts. Stripping and tokenising an article costs far
more than fitting on it, and the protocol fits the same recipe on overlapping training sets many times
(every fold, the dev and big-outlet checks, the fit on all rows). Inside a `feature_cache()` block each
article is stripped and tokenised once: its lines' counts are kept over one vocabulary that grows as
articles arrive, and every fit and every scoring reads them, dropping the boilerplate lines of its own
training texts. The counts are exactly those of scikit-learn's CountVectorizer over the same lines
(tests/classifier/test_slant.py fits with and without the cache and gets the same model)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from classifier.blocks import InForce
from classifier.cues import clean_line, line_hash, lines_of
from classifier.terms import GrowingVocabulary
from classifier.textvec import word_ngrams

MIN_BOILERPLATE_CHARS = 20  # as classifier.cues.clean_lines / house_boilerplate


@dataclass(frozen=True)
class ArticleLines:
    """One article's cleaned lines as n-gram counts: entry k is term `terms[k]` counted `counts[k]` times
    in line `line_of[k]`; `hashes[i]` is line i's hash when boilerplate could drop it (else None)."""

    terms: np.ndarray
    counts: np.ndarray
    line_of: np.ndarray
    hashes: tuple[str | None, ...]


class FeatureCache:
    """Cleaned, tokenised articles keyed by (outlet-name pattern, text), over one growing vocabulary."""

    def __init__(self) -> None:
        self._vocabulary = GrowingVocabulary()
        self.vocabulary = self._vocabulary.ids  # term -> id
        self.terms = self._vocabulary.names  # id -> term
        self._articles: dict[tuple[str, str], ArticleLines] = {}
        self._analyze = word_ngrams  # word 1-2 grams, as CountVectorizer(ngram_range=(1, 2))

    def article(self, text: str, names: re.Pattern[str] | None) -> ArticleLines:
        key = ("" if names is None else names.pattern, text)
        found = self._articles.get(key)
        if found is None:
            found = self._articles[key] = self._lines(text, names)
        return found

    def _lines(self, text: str, names: re.Pattern[str] | None) -> ArticleLines:
        lines = lines_of(text)
        n = len(lines)
        terms: list[int] = []
        counts: list[int] = []
        line_of: list[int] = []
        hashes: list[str | None] = []
        for i, line in enumerate(lines):
            droppable = i > 0 and len(line.strip()) >= MIN_BOILERPLATE_CHARS
            hashes.append(line_hash(line) if droppable else None)
            cleaned = clean_line(line, i == 0, i >= n - 3, names)
            if not cleaned:
                continue
            per_line = self._vocabulary.count(self._analyze(cleaned))
            terms.extend(per_line)
            counts.extend(per_line.values())
            line_of.extend([i] * len(per_line))
        return ArticleLines(
            np.asarray(terms, dtype=np.int64),
            np.asarray(counts, dtype=np.float32),
            np.asarray(line_of, dtype=np.int64),
            tuple(hashes),
        )

    def counts(
        self, texts: Sequence[str], names: re.Pattern[str] | None, boilerplate: frozenset[str]
    ) -> sp.csr_matrix:
        """(texts x the whole vocabulary so far) counts of the texts' cleaned lines, boilerplate dropped."""
        rows, cols, vals = [], [], []
        for d, text in enumerate(texts):
            art = self.article(text, names)
            keep = np.ones(len(art.terms), dtype=bool)
            if boilerplate:
                dropped = [i for i, h in enumerate(art.hashes) if h is not None and h in boilerplate]
                if dropped:
                    keep = ~np.isin(art.line_of, dropped)
            rows.append(np.full(int(keep.sum()), d, dtype=np.int64))
            cols.append(art.terms[keep])
            vals.append(art.counts[keep])
        shape = (len(texts), len(self.terms))
        if not rows:
            return sp.csr_matrix(shape, dtype=np.float32)
        return sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=shape,
            dtype=np.float32,
        )

    def boilerplate(
        self, texts: Sequence[str], names: re.Pattern[str] | None, min_docs: int
    ) -> frozenset[str]:
        """classifier.cues.house_boilerplate of `texts`, from the cached line hashes."""
        seen: dict[str, int] = {}
        for text in texts:
            for h in {h for h in self.article(text, names).hashes if h is not None}:
                seen[h] = seen.get(h, 0) + 1
        return frozenset(h for h, c in seen.items() if c >= min_docs)

    def over(self, counts: sp.spmatrix, vocabulary: Mapping[str, int]) -> sp.csr_matrix:
        """`counts` (from `counts`) over a model's vocabulary columns (classifier.terms)."""
        return self._vocabulary.over(counts, vocabulary)


# within a `with feature_cache(): ...` block cue-stripped slant models strip and count each article once;
# `active()`: the innermost open cache or None
CACHES: InForce[FeatureCache] = InForce(FeatureCache)
feature_cache = CACHES.block
active = CACHES.innermost
