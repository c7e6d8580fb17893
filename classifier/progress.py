"""The classifier's progress bars (rich), one look everywhere: what runs, the bar, done/total, time left."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


def progress_bar(enabled: bool = True) -> Progress:
    """A rich Progress to use as a context manager, drawn on stderr (stdout stays for results such as
    JSON); ``enabled=False`` draws nothing (tests, nested work)."""
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    return Progress(*columns, disable=not enabled, console=Console(stderr=True))
