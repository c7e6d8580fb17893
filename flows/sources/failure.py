"""The failure of one source step (a feed, a page) that a run records and goes on: a short `reason` code
for run_errors, and the `detail` a person reads."""

from __future__ import annotations


class SourceFailure(ValueError):
    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
