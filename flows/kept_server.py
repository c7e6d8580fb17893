"""The process of a kept Prefect API server (flows.kept_api): Prefect's server app under uvicorn, as the
temporary API runs it, plus a watch that stops it once no command has held the lease for `--keep`
seconds. Run by flows.kept_api, not by people:

    python -m flows.kept_server --home PREFECT_HOME --port PORT --keep SECONDS
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from pathlib import Path
from typing import Any

from flows.kept_api import LEASE, fcntl, forget
from flows.temporary_api import SERVER_APP, UVICORN_OPTIONS

WATCH_EVERY_S = 1.0


async def watch(server: Any, home: Path, keep_s: float) -> None:
    """Stop `server` once no command has held the lease for `keep_s` seconds. The state file goes while
    the lock is held exclusively: a command waiting for the lease then finds no server and starts one."""
    last_held = time.monotonic()
    with open(home / LEASE, "a") as lease:
        while not server.should_exit:
            await asyncio.sleep(min(WATCH_EVERY_S, keep_s))
            try:  # the lease without waiting: it is free when no command holds it
                fcntl.flock(lease, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                last_held = time.monotonic()
                continue
            try:
                if time.monotonic() - last_held >= keep_s:
                    forget(home, os.getpid())
                    server.should_exit = True
            finally:
                fcntl.flock(lease, fcntl.LOCK_UN)


async def serve(home: Path, port: int, keep_s: float) -> None:
    import uvicorn

    config = uvicorn.Config(SERVER_APP, factory=True, port=port, **UVICORN_OPTIONS)
    server = uvicorn.Server(config)
    watcher = asyncio.create_task(watch(server, home, keep_s))
    try:
        await server.serve()
    finally:
        watcher.cancel()
        forget(home, os.getpid())  # stopped otherwise (SIGTERM, a failed start): no longer to be used


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m flows.kept_server")
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--keep", type=float, required=True)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.home, args.port, args.keep))


if __name__ == "__main__":
    main()
