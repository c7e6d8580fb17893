"""Analysts' queries with limits: each `framewatch query` runs in a process of its own, so no query can hang
the command or take the machine's memory, and Ctrl+C always ends it.

- time: DuckDB has no statement timeout, so a timer interrupts the connection (`con.interrupt()`); a
  query busy in a step that does not look at interrupts (one huge value) is ended with its process a
  little later;
- memory: DuckDB's `memory_limit` for what its operators hold, and the process's address space capped at
  its idle size plus that much, for what DuckDB does not count (one huge string) and for the rows it hands
  to Python;
- rows: only the rows to show are fetched (`fetchmany`), never the whole result; each value is cut to
  `max_chars` characters for display.

The worker answers with JSON lines on stdout: {"columns": [...]}, then {"row": [...]} per row, then
{"end": {"more": bool}}; or one {"error": kind, "message": ...}. Values travel as JSON (dates and other
non-JSON values as their text, as the command prints them)."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse.db import WarehouseError
from warehouse.sandbox import QueryRefused, check_reads_only, default_dirs, execute_reads, open_sandbox

GRACE_S = 10.0  # after the interrupt, before the process is ended


@dataclass(frozen=True)
class QueryLimits:
    """What one analyst's query may take (WarehouseSettings.query_limits: FRAMEWATCH_QUERY_*)."""

    timeout_s: float = 120.0
    memory_limit: str = "2GB"
    max_rows: int = 100_000
    max_chars: int = 10_000


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]
    more: bool  # the result has rows past those fetched


class QueryStopped(WarehouseError):
    """A query ended by a limit; the message names the limit and its setting."""


class QueryInterrupted(QueryStopped):
    """A query ended by Ctrl+C."""


def _size_bytes(size: str) -> int:
    con = duckdb.connect()
    try:
        con.execute("set memory_limit = ?", [size])
        row = con.execute("select current_setting('memory_limit')").fetchone()
    except duckdb.Error as exc:
        raise WarehouseError(
            f"FRAMEWATCH_QUERY_MEMORY_LIMIT={size!r} is not a size; give one like 2GB or 500MB"
        ) from exc
    finally:
        con.close()
    number, unit = str(row[0] if row else "0 B").split()
    return int(float(number) * 1024 ** ["B", "KiB", "MiB", "GiB", "TiB"].index(unit))


def run_limited(
    db_path: Path | str, query: str, limits: QueryLimits, allowed_dirs: Sequence[Path | str] | None, want: int
) -> QueryResult:
    """Run an analyst's SQL in the sandbox (warehouse.sandbox) in a worker process under `limits`; at most
    `want` rows (0: up to limits.max_rows). Refusals, failures and stops are WarehouseErrors."""
    check_reads_only(query)  # refused at once, before a process starts
    dirs = [
        str(Path(d).resolve()) for d in (allowed_dirs if allowed_dirs is not None else default_dirs(db_path))
    ]
    request = {
        "db": str(Path(db_path).resolve()),
        "query": query,
        "dirs": dirs,
        "memory_limit": limits.memory_limit,
        "memory_bytes": _size_bytes(limits.memory_limit),
        "timeout_s": limits.timeout_s,
        "rows": min(want, limits.max_rows) if want > 0 else limits.max_rows,
        "max_chars": limits.max_chars,
    }
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "warehouse.query_limits"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env={**os.environ, "MALLOC_ARENA_MAX": "2"},  # fewer malloc arenas: less address space reserved
        )
        lines: list[bytes] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []), daemon=True)
        try:
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(request).encode())
            proc.stdin.close()
            reader.start()
            try:
                proc.wait(timeout=limits.timeout_s + GRACE_S)
            except subprocess.TimeoutExpired:
                raise QueryStopped(_timeout(limits)) from None
            reader.join()
        except KeyboardInterrupt:
            raise QueryInterrupted("query interrupted (Ctrl+C); nothing was changed") from None
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        stderr.seek(0)
        said = [ln for ln in stderr.read().decode("utf-8", "replace").splitlines() if ln.strip()]
    return _answer(lines, proc.returncode, said[-1] if said else "", limits)


def _timeout(limits: QueryLimits) -> str:
    return (
        f"query stopped after {limits.timeout_s:g} s, the limit FRAMEWATCH_QUERY_TIMEOUT_S sets: narrow it "
        "(a WHERE, a LIMIT, fewer joins) or raise the setting"
    )


def _memory(limits: QueryLimits) -> str:
    return (
        f"query stopped: it needs more memory than the {limits.memory_limit} that "
        "FRAMEWATCH_QUERY_MEMORY_LIMIT allows: narrow it (fewer rows, no huge values) or raise the setting"
    )


def _answer(lines: list[bytes], returncode: int, said: str, limits: QueryLimits) -> QueryResult:
    columns: list[str] = []
    rows: list[list[Any]] = []
    for raw in lines:
        message = json.loads(raw)
        if "columns" in message:
            columns = message["columns"]
        elif "row" in message:
            rows.append(message["row"])
        elif "end" in message:
            return QueryResult(columns, rows, bool(message["end"]["more"]))
        elif message.get("error") == "timeout":
            raise QueryStopped(_timeout(limits))
        elif message.get("error") == "memory":
            raise QueryStopped(_memory(limits))
        elif message.get("error") == "refused":
            raise QueryRefused(message["message"])
        else:
            raise WarehouseError(message["message"])
    if returncode < 0 or "memory" in said.lower() or "bad_alloc" in said:  # ended by the address-space cap
        raise QueryStopped(_memory(limits))
    raise WarehouseError(f"query failed: its process ended without an answer (exit {returncode}): {said}")


# The worker ----------------------------------------------------------------------------------------------


def _value(value: Any, max_chars: int) -> Any:
    if isinstance(value, str) and len(value) > max_chars:
        return f"{value[:max_chars]}... ({len(value) - max_chars:,} more characters)"
    return value


def _send(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message, default=str) + "\n")


def _cap_address_space(extra: int) -> None:
    """Let this process map at most `extra` bytes more than it has now (Linux: /proc/self/statm)."""
    try:
        with open("/proc/self/statm") as fh:
            now = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return
    resource.setrlimit(resource.RLIMIT_AS, (now + extra, resource.getrlimit(resource.RLIMIT_AS)[1]))


def work(request: dict[str, Any]) -> None:
    """Run one request (run_limited's) and answer on stdout."""
    con = open_sandbox(request["db"], request["dirs"], request["memory_limit"])
    _cap_address_space(int(request["memory_bytes"]))
    timer = threading.Timer(request["timeout_s"], con.interrupt)
    timer.start()
    try:
        cur = execute_reads(con, check_reads_only(request["query"]), request["dirs"])
        if cur is None or cur.description is None:
            _send({"columns": []})
            _send({"end": {"more": False}})
            return
        _send({"columns": [d[0] for d in cur.description]})
        fetched = cur.fetchmany(request["rows"] + 1)
        for row in fetched[: request["rows"]]:
            _send({"row": [_value(v, request["max_chars"]) for v in row]})
        _send({"end": {"more": len(fetched) > request["rows"]}})
    finally:
        timer.cancel()
        con.close()


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the command, which ends this process
    request = json.load(sys.stdin)
    try:
        work(request)
    except duckdb.InterruptException:
        _send({"error": "timeout"})
    except (duckdb.OutOfMemoryException, MemoryError):
        _send({"error": "memory"})
    except QueryRefused as exc:
        _send({"error": "refused", "message": str(exc)})
    except WarehouseError as exc:
        _send({"error": "failed", "message": str(exc)})
    except duckdb.Error as exc:
        _send({"error": "failed", "message": f"query failed: {' '.join(str(exc).split())}"})
    sys.stdout.flush()


if __name__ == "__main__":
    main()
