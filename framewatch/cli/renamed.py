"""Old command names, kept working after a rename so that no two names collide (e.g. `publish` is now
`refresh`): hidden from the help, each says where its command went and runs it with the same arguments."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from framewatch.cli.console import err_console


def under_old_name(command: Callable[..., Any], old: str, new: str) -> Callable[..., Any]:
    """`command` (the function behind `framewatch NEW`) to register as `framewatch OLD`: the same
    parameters (Typer reads them through `functools.wraps`), one note on stderr first."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        err_console.print(
            f"note: `framewatch {old}` is now `framewatch {new}`",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        return command(*args, **kwargs)

    return run
