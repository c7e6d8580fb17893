"""Which failures a task retries: lost workers and broken connections, never bad input or a bug
(retrying those repeats the same failure and hides it)."""

from __future__ import annotations

from typing import Any

INFRA_ERRORS = (
    "KilledWorker",
    "CommClosedError",
    "StreamClosedError",
    "ConnectionError",
    "TimeoutError",
    "OSError",
    "BrokenProcessPool",
)


def infrastructure_failure(_task: Any, _task_run: Any, state: Any) -> bool:
    """Prefect `retry_condition_fn`: retry only when the task died of its infrastructure."""
    try:
        state.result()
    except Exception as exc:  # the task's exception, re-raised by result()
        names = {cls.__name__ for cls in type(exc).__mro__}
        return bool(names.intersection(INFRA_ERRORS))
    return False
