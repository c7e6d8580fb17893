"""Extraction in batches, for a task runner that ships work to other processes or machines (Dask).

`extract_batch` runs where the task runs: it starts its own ExtractorPool (worker processes with the same
hard timeout and memory cap as the default path) and answers each page with {"ok": fields} or
{"error": {"reason", "detail"}}: plain JSON, nothing to unpickle. `BatchingExtractor` gives collection the
ExtractorPool interface (`await extract(html, url)`) while sending pages out in batches through `submit`."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any, Protocol

from flows.sources.extract import ExtractionError
from flows.sources.extract_pool import ExtractorPool

log = logging.getLogger(__name__)


def extract_batch(
    pages: list[tuple[str, str]], timeout_s: float, memory_mb: int, workers: int = 1
) -> list[dict[str, Any]]:
    """One answer per (html, url), in order."""

    async def run() -> list[dict[str, Any]]:
        async with ExtractorPool(workers, timeout_s, memory_mb) as pool:
            return await asyncio.gather(*(_one(pool, html, url) for html, url in pages))

    return asyncio.run(run())


async def _one(pool: ExtractorPool, html: str, url: str) -> dict[str, Any]:
    try:
        return {"ok": await pool.extract(html, url)}
    except ExtractionError as exc:
        return {"error": {"reason": exc.reason, "detail": exc.detail}}


class BatchHandle(Protocol):
    def result(self, timeout: float | None = None) -> list[dict[str, Any]]: ...


class BatchingExtractor:
    """`async with BatchingExtractor(submit, 64) as ex: fields = await ex.extract(html, url)`.

    Pages wait until `batch_size` are pending or `linger_s` passed, then go out as one `submit(pages)`
    call (blocking calls run in a thread). Answers come back to each caller; errors raise ExtractionError
    as they would from ExtractorPool. A batch with no answer within `result_timeout_s` fails its pages."""

    def __init__(
        self,
        submit: Callable[[list[tuple[str, str]]], BatchHandle],
        batch_size: int = 64,
        linger_s: float = 0.2,
        result_timeout_s: float | None = None,
    ) -> None:
        self.submit = submit
        self.result_timeout_s = result_timeout_s
        self.batch_size = batch_size
        self.linger_s = linger_s
        self.timeouts = 0
        self.batches = 0
        self._pending: list[tuple[str, str, asyncio.Future[dict[str, Any]]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._inflight: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> BatchingExtractor:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._flush()
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)

    async def extract(self, html: str, url: str) -> dict[str, Any]:
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending.append((html, url, future))
        if len(self._pending) >= self.batch_size:
            self._flush()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self.linger_s, self._flush)
        answer = await future
        if "error" in answer:
            if answer["error"]["reason"] == "extract_timeout":
                self.timeouts += 1
            raise ExtractionError(answer["error"]["reason"], answer["error"]["detail"])
        return answer["ok"]

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        task = asyncio.get_running_loop().create_task(self._send(batch))
        self._inflight.add(task)
        task.add_done_callback(self._inflight.discard)

    async def _send(self, batch: list[tuple[str, str, asyncio.Future[dict[str, Any]]]]) -> None:
        self.batches += 1
        try:
            handle = await asyncio.to_thread(self.submit, [(html, url) for html, url, _f in batch])
            answers = await asyncio.to_thread(handle.result, self.result_timeout_s)
            if len(answers) != len(batch):
                raise RuntimeError(f"extraction batch answered {len(answers)} of {len(batch)} pages")
        except Exception as exc:  # a lost worker or batch costs its pages, not the run
            log.warning("extraction batch of %d pages failed: %r", len(batch), exc)
            answers = [{"error": {"reason": "extract_batch_failed", "detail": repr(exc)}}] * len(batch)
        for (_h, _u, future), answer in zip(batch, answers, strict=True):
            with contextlib.suppress(asyncio.InvalidStateError):
                future.set_result(answer)
