"""Checks shared by the CLI tests: a bad input gets one clear line (what, which input, what to do), and
never a traceback."""

from __future__ import annotations

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
