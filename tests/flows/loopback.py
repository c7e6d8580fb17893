"""A real HTTP server on 127.0.0.1 whose routes a test scripts (status, headers, body, delays)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0


Route = Reply | list[Reply] | Callable[[BaseHTTPRequestHandler], Reply]


class LoopbackServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = defaultdict(int)
        self.hit_times: dict[str, list[float]] = defaultdict(list)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()

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

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?", 1)[0]
                server.hits[path] += 1
                server.hit_times[path].append(time.monotonic())
                reply = server._reply_for(path, self)
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                try:
                    self.send_response(reply.status)
                    headers = {"Content-Length": str(len(reply.body)), **reply.headers}
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        return Handler
