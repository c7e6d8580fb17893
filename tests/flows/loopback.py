"""A real HTTP server on 127.0.0.1 whose routes a test scripts (status, headers, body, delays, streamed
bodies that never end). Records hits per path, their times, and the most requests in flight at once."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from flows.demo_site import ServedInThread


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    # A streamed body (no Content-Length; the connection closes at its end): called once per request.
    stream: Callable[[], Iterable[bytes]] | None = None


Route = Reply | list[Reply] | Callable[[BaseHTTPRequestHandler], Reply]


def repeat(chunk: bytes, total: int | None, pause_s: float = 0.0) -> Callable[[], Iterable[bytes]]:
    """A streamed body of `chunk` repeated up to `total` bytes (None: forever), generated as it is sent
    so the server never holds more than one chunk."""

    def gen() -> Iterable[bytes]:
        sent = 0
        while total is None or sent < total:
            piece = chunk if total is None else chunk[: total - sent]
            sent += len(piece)
            yield piece
            if pause_s:
                time.sleep(pause_s)

    return gen


class LoopbackServer(ServedInThread):
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = defaultdict(int)
        self.hit_times: dict[str, list[float]] = defaultdict(list)
        self.bytes_sent: dict[str, int] = defaultdict(int)
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._host = host
        super().__init__(host, 0, self._handler())

    @property
    def base(self) -> str:
        return f"http://{self._host}:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def _reply_for(self, path: str, handler: BaseHTTPRequestHandler) -> Reply:
        route = self.routes.get(path)
        if route is None:
            return Reply(404, b"not found")
        if isinstance(route, list):
            n = self.hits[path] - 1
            return route[min(n, len(route) - 1)]
        if callable(route):
            return route(handler)
        return route

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path.split("?", 1)[0]
                server.hits[path] += 1
                server.hit_times[path].append(time.monotonic())
                server._enter()
                left = False
                try:
                    reply = server._reply_for(path, self)
                    if reply.delay_s:
                        time.sleep(reply.delay_s)
                    self.send_response(reply.status)
                    if reply.stream is None:
                        headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                    else:
                        headers = {"Connection": "close", **reply.headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    if reply.stream is None:
                        # the request stops counting as in flight before its last bytes go out: a client
                        # that has them may send its next request at once, which another thread can take
                        # before this one runs again (under load the count then read one too many)
                        server._leave()
                        left = True
                        self.wfile.write(reply.body)
                        server.bytes_sent[path] += len(reply.body)
                    else:
                        self.close_connection = True
                        for chunk in reply.stream():
                            self.wfile.write(chunk)
                            server.bytes_sent[path] += len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    if not left:
                        server._leave()

        return Handler
