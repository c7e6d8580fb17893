"""What every flow returns (and `runs` stores): the run's id, its counts and its failures, plus, for the
flows that publish one, the snapshot path and, for retraining, the promotion decision. One type, so the
CLI, the tests and the composing flows read the same keys."""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class RunOutcome(TypedDict):
    run_id: str
    counts: dict[str, Any]  # what the run did: articles_new, scored, model_version, duration_s, ...
    # one dict per failure: stage (feed | fetch | extract | import | score | run), source, reason, detail
    errors: list[dict[str, Any]]
    snapshot: NotRequired[str]  # monitor and report: the analysts' read-only copy
    decision: NotRequired[dict[str, Any]]  # retrain: labels.retrain.Decision as a dict
