"""Extraction in worker processes with a hard timeout and a memory cap.

trafilatura can hang or balloon on pathological pages; a thread cannot be stopped, a process can. Each
worker (`python -m flows.sources.extract_worker`) handles one page at a time over length-prefixed JSON
on its stdin/stdout (no pickle, no re-import of the caller's __main__). A page that takes longer than
the timeout gets its worker killed and replaced, and comes back as ExtractionError('extract_timeout')."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
from typing import Any

from flows.sources.extract import ExtractionError
from flows.sources.extract_worker import HEADER, load_target

log = logging.getLogger(__name__)

DEFAULT_TARGET = "flows.sources.extract:extract_payload"
STARTUP_TIMEOUT_S = 120.0


class _Worker:
    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.ready = False

    @classmethod
    async def start(cls, target: str, memory_mb: int) -> _Worker:
        env = dict(os.environ)
        paths = [p for p in sys.path if p and os.path.isdir(p)]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys([os.getcwd(), *paths]))
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "flows.sources.extract_worker",
            target,
            str(memory_mb),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
        )
        return cls(proc)

    async def _read(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        head = await self.proc.stdout.readexactly(HEADER.size)
        (size,) = HEADER.unpack(head)
        return json.loads(await self.proc.stdout.readexactly(size))

    async def call(self, payload: bytes, timeout_s: float) -> dict[str, Any]:
        """Send one page and wait for its answer; TimeoutError past `timeout_s` (startup not counted)."""
        assert self.proc.stdin is not None
        if not self.ready:
            await asyncio.wait_for(self._read(), STARTUP_TIMEOUT_S)
            self.ready = True
        self.proc.stdin.write(HEADER.pack(len(payload)) + payload)
        async with asyncio.timeout(timeout_s):
            await self.proc.stdin.drain()
            return await self._read()

    async def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.proc.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.proc.wait(), 10)

    async def stop(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.is_closing():
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 5)
        except TimeoutError:
            await self.kill()


class ExtractorPool:
    """`async with ExtractorPool(2, 20.0) as pool: fields = await pool.extract(html, url)`.
    workers=0 runs the target in a thread instead (no hard timeout; for debugging only)."""

    def __init__(
        self, workers: int, timeout_s: float, memory_mb: int = 0, target: str = DEFAULT_TARGET
    ) -> None:
        self.workers = workers
        self.timeout_s = timeout_s
        self.memory_mb = memory_mb
        self.target = target
        self.timeouts = 0
        self.crashes = 0
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._starting: asyncio.Lock | None = None

    async def __aenter__(self) -> ExtractorPool:
        self._starting = asyncio.Lock()
        return self

    async def _workers(self) -> asyncio.Queue[_Worker]:
        """The idle-worker queue, started on first use (a run with nothing to extract starts nothing)."""
        assert self._starting is not None, "use ExtractorPool as an async context manager"
        async with self._starting:
            if self._idle is None:
                idle: asyncio.Queue[_Worker] = asyncio.Queue()
                for worker in await asyncio.gather(*(self._spawn() for _ in range(self.workers))):
                    idle.put_nowait(worker)
                self._idle = idle
        return self._idle

    async def __aexit__(self, *exc: object) -> None:
        self._idle = None
        workers, self._all = list(self._all), set()
        await asyncio.gather(*(w.stop() for w in workers))

    async def _spawn(self) -> _Worker:
        worker = await _Worker.start(self.target, self.memory_mb)
        self._all.add(worker)
        return worker

    async def _replace(self, worker: _Worker) -> _Worker:
        self._all.discard(worker)
        await worker.kill()
        return await self._spawn()

    def timeout_for(self, url: str) -> float:
        """The hard timeout of one page's extraction (the pool's; a subclass may vary it by page)."""
        return self.timeout_s

    async def extract(self, html: str, url: str) -> dict[str, Any]:
        """The target's answer for one page; raises ExtractionError with a short reason otherwise."""
        if self.workers <= 0:
            return await asyncio.to_thread(load_target(self.target), html, url)
        idle = await self._workers()
        payload = json.dumps({"html": html, "url": url}).encode("utf-8")
        worker = await idle.get()
        answer: dict[str, Any] | None = None
        failure: ExtractionError | None = None
        timeout_s = self.timeout_for(url)
        try:
            answer = await worker.call(payload, timeout_s)
        except TimeoutError:
            self.timeouts += 1
            failure = ExtractionError(
                "extract_timeout", f"{url}: extraction took longer than {timeout_s:g}s; worker killed"
            )
        except (asyncio.IncompleteReadError, ConnectionError, OSError) as exc:  # the worker died
            self.crashes += 1
            failure = ExtractionError("extractor_crashed", f"{url}: extractor worker died ({exc!r})")
        finally:
            # Cancelled, timed out, crashed or out of memory: that worker's state is unknown, start afresh.
            healthy = answer is not None and answer.get("error", {}).get("reason") != "extractor_memory"
            if not healthy:
                worker = await asyncio.shield(self._replace(worker))
            idle.put_nowait(worker)
        if failure is not None:
            raise failure
        assert answer is not None
        if "error" in answer:
            raise ExtractionError(answer["error"]["reason"], answer["error"]["detail"])
        return answer["ok"]
