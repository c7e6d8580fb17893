"""Caches in force inside a `with` block: the protocol opens one per run and the estimators it fits look
it up, so a text's features are computed once per run (classifier.linecounts, classifier.charngrams,
classifier.termcounts). Outside a block an estimator computes its features itself, with the same result."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")


class InForce(Generic[T]):
    """The caches of one kind whose blocks are open, innermost last; `block(*args)` opens a new one,
    `factory(*args)`."""

    def __init__(self, factory: Callable[..., T]) -> None:
        self._factory = factory
        self._open: list[T] = []

    @contextmanager
    def block(self, *args: object) -> Iterator[T]:
        cache = self._factory(*args)
        self._open.append(cache)
        try:
            yield cache
        finally:
            self._open.remove(cache)

    def innermost(self, fits: Callable[[T], bool] = lambda _: True) -> T | None:
        """The innermost open cache that `fits`, or None."""
        return next((c for c in reversed(self._open) if fits(c)), None)
