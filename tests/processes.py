"""Another process's children and whether a process still runs, read from /proc (Linux), for tests that
kill a command and check what it leaves behind; and which modules a fresh process imports."""

from __future__ import annotations

import ast
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path


def as_foreground_job() -> None:
    """A Popen `preexec_fn` for a child that stands for a terminal's foreground job: Ctrl+C (SIGINT) at
    its default. A shell without job control starts background commands with SIGINT ignored, and children
    inherit that: a suite started with `... &` would otherwise test a command that cannot be interrupted
    (test_ctrl_c_during_a_run_ends_in_one_line waited 600 s that way)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


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


def wait_until_read(pipe: Path, proc: subprocess.Popen, log: Path, limit: float = 900) -> int:
    """Wait until `proc` opens the named pipe `pipe` for reading (and so waits there); returns a write end
    of it, open, so that the reader keeps waiting until the caller closes it. A condition, not a clock:
    opening a pipe's write end without blocking succeeds exactly when a reader has it open. `log`: the
    process's output, shown when it ends first."""
    deadline = time.monotonic() + limit
    while True:
        try:
            return os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            if proc.poll() is not None:
                raise AssertionError(
                    f"ended before reading {pipe} (rc {proc.returncode}):\n{log.read_text()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"never read {pipe}:\n{log.read_text()}") from None
            time.sleep(0.1)


def modules_imported(code: str, modules: Iterable[str], env: Mapping[str, str] | None = None) -> list[str]:
    """Which of `modules` (exact names: 'scipy' for any of scipy, 'scipy.stats' for that one) a fresh
    Python process has imported once it has run `code`."""
    probe = f"{code}\nimport sys\nprint(sorted(m for m in {sorted(modules)!r} if m in sys.modules))\n"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 1, out.stdout + out.stderr
    return list(ast.literal_eval(lines[0]))
