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
