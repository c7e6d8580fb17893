"""Another process's children and whether a process still runs, read from /proc (Linux), for tests that
kill a command and check what it leaves behind."""

from __future__ import annotations

from pathlib import Path


def children(pid: int) -> list[int]:
    """The child processes of `pid`: every thread's children (Prefect's server, say, is started by a
    thread of its own)."""
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except FileNotFoundError:  # the thread ended meanwhile
            continue
    return kids


def alive(pid: int) -> bool:
    """Whether `pid` runs: a zombie is dead, only not yet reaped by whoever adopted it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")
