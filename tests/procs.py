"""Finding the processes a test's commands left running (Linux /proc)."""

from __future__ import annotations

from pathlib import Path


def pids(command_part: str, env_entry: str) -> list[int]:
    """Pids of processes whose command line contains `command_part` and whose environment holds the
    entry `env_entry` ("NAME=value", exactly)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if command_part.encode() not in (entry / "cmdline").read_bytes():
                continue
            if env_entry.encode() in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def stop_kept_server(prefect_home: Path) -> None:
    """SIGTERM the kept Prefect API server of `prefect_home` (flows.kept_api's state file names it), if
    one runs: a test whose commands had a home of their own does not leave it idling until the session
    ends (each idle server costs ~2% of a core)."""
    import os
    import signal

    from flows import kept_api

    state = kept_api.read_state(prefect_home)
    if state is not None and kept_api.usable(state):
        try:
            os.kill(int(state["pid"]), signal.SIGTERM)
        except ProcessLookupError:
            pass
