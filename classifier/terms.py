"""A vocabulary that grows as texts arrive (term -> id in order of first sight), for the per-run caches
(classifier.linecounts, classifier.termcounts)."""

from __future__ import annotations

from collections.abc import Iterable


class GrowingVocabulary:
    """`ids` (term -> id) and `names` (id -> term); ids are never reused or renumbered."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: list[str] = []

    def count(self, terms: Iterable[str]) -> dict[int, int]:
        """Each term's id -> how often it occurs, in order of first appearance; new terms get new ids."""
        counts: dict[int, int] = {}
        for term in terms:
            tid = self.ids.get(term)
            if tid is None:
                tid = self.ids[term] = len(self.names)
                self.names.append(term)
            counts[tid] = counts.get(tid, 0) + 1
        return counts
