"""Checks shared by the CLI tests: a bad input gets one clear line (what, which input, what to do), and
never a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any


def one_clear_line(result: Any, *needles: str, code: int | None = None) -> str:
    """The error line of a failed command; asserts it is one line, names every needle, and that no
    traceback was printed. `code`: the exit status expected (default: any failure)."""
    output = result.output
    assert "Traceback" not in output, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if code is None:
        assert result.exit_code != 0, output
    else:
        assert result.exit_code == code, output
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got {len(lines)}:\n{output}"
    line = lines[0]
    assert line.startswith("error: "), line
    for needle in needles:
        assert needle in line, f"{needle!r} not in {line!r}"
    return line


@dataclass
class CliResult:
    """What a `framewatch` subprocess printed (stdout and stderr together) and its exit status."""

    output: str
    exit_code: int
    exception: BaseException | None = None


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 900) -> CliResult:
    """Run the installed `framewatch` command in a subprocess, as a user does. Inside the Prefect test
    harness it uses the harness's API (no second server to start). The limit is generous: it only stops
    a hung command, a busy machine is merely slow."""
    import os
    import subprocess
    import sys

    full_env = {**os.environ, **(env or {})}
    try:
        from prefect.settings import PREFECT_API_URL

        if PREFECT_API_URL.value():
            full_env["PREFECT_API_URL"] = PREFECT_API_URL.value()
    except ImportError:
        pass
    proc = subprocess.run(
        [str(Path(sys.executable).parent / "framewatch"), *args],
        env={**full_env, "COLUMNS": "250"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
    )
    return CliResult(proc.stdout, proc.returncode)
