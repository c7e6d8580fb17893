"""An extractor worker process: `python -m flows.sources.extract_worker TARGET MEMORY_MB`.

Reads length-prefixed JSON requests ({"html", "url"}) on stdin, answers length-prefixed JSON
({"ok": fields} or {"error": {"reason", "detail"}}) on stdout, one at a time, until stdin closes.
Started by extract_pool; anything the extractor prints goes to stderr, never into the protocol."""

from __future__ import annotations

import importlib
import json
import logging
import os
import struct
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

log = logging.getLogger(__name__)

HEADER = struct.Struct(">I")
READY: dict[str, Any] = {"ready": True}


def load_target(target: str) -> Callable[[str, str], dict[str, Any]]:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


def cap_memory(memory_mb: int) -> None:
    if memory_mb <= 0:
        return
    try:
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError) as exc:  # not on this platform: run without the cap
        log.warning("extractor memory cap not applied: %s", exc)


def write_frame(out: BinaryIO, message: dict[str, Any]) -> None:
    data = json.dumps(message, default=str).encode("utf-8")
    out.write(HEADER.pack(len(data)) + data)
    out.flush()


def read_frame(inp: BinaryIO) -> dict[str, Any] | None:
    head = inp.read(HEADER.size)
    if len(head) < HEADER.size:
        return None
    (size,) = HEADER.unpack(head)
    return json.loads(inp.read(size))


def answer(
    func: Callable[[str, str], dict[str, Any]], request: dict[str, Any], memory_mb: int
) -> dict[str, Any]:
    from flows.sources.extract import ExtractionError

    url = request.get("url", "")
    try:
        return {"ok": func(request["html"], url)}
    except ExtractionError as exc:
        return {"error": {"reason": exc.reason, "detail": exc.detail}}
    except MemoryError:
        return {
            "error": {
                "reason": "extractor_memory",
                "detail": f"{url}: extraction passed the {memory_mb} MB cap",
            }
        }
    except RecursionError:
        return {"error": {"reason": "extractor_failed", "detail": f"{url}: document nested too deeply"}}
    except Exception as exc:  # any parser failure is this page's problem, not the run's
        return {"error": {"reason": "extractor_failed", "detail": f"{url}: {exc!r}"}}


def main(argv: list[str]) -> int:
    target, memory_mb = argv[0], int(argv[1])
    protocol = os.fdopen(os.dup(1), "wb")  # our channel; fd 1 then points at stderr for stray prints
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    inp = sys.stdin.buffer
    func = load_target(target)
    import flows.sources.extract  # noqa: F401 - answer() needs it: import it now, not inside a page's timeout

    cap_memory(memory_mb)
    write_frame(protocol, READY)
    while (request := read_frame(inp)) is not None:
        reply = answer(func, request, memory_mb)
        write_frame(protocol, reply)
        if reply.get("error", {}).get("reason") == "extractor_memory":
            return 3  # a worker that ran out of memory may be in a bad state: the pool starts a fresh one
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
