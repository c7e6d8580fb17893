"""The labeling page (Starlette): one article at a time, the model's suggestions and evidence, keyboard
shortcuts, annotators from a configured list, progress and undo. Labels go to DuckDB through labels_store
(and from there to the append-only labels export).

Two queues: /label is the labeling queue (articles `framewatch label sample` queued); /test is the frozen
test set's own queue, shown without the model's suggestions and saying why its labels are kept apart.
The routes live in small modules: login (sign in and out), queue (next article, article page, save,
skip), undo; page holds what they share."""

from __future__ import annotations

import logging

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from labels.web import login, queue, undo
from labels.web.page import HERE, Page, PageConfig
from labels.web.security import LOOPBACK_HOSTS, HostCheckMiddleware

log = logging.getLogger(__name__)

__all__ = ["PageConfig", "create_app", "serve"]


def create_app(config: PageConfig) -> Starlette:
    """The page for `config`; AnnotatorError when no annotators are configured."""
    page = Page(config)
    routes: list[BaseRoute] = [*login.routes(page), *queue.routes(page), *undo.routes(page)]
    routes.append(Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"))
    allowed = [h.lower() for h in config.allowed_hosts]
    config.allowed_hosts = allowed
    return Starlette(routes=routes, middleware=[Middleware(HostCheckMiddleware, allowed_hosts=allowed)])


def serve(config: PageConfig, host: str = "127.0.0.1", port: int = 8766) -> None:
    """Run the labeling page until interrupted."""
    import uvicorn

    if host not in LOOPBACK_HOSTS:
        log.warning("the labeling page is bound to %s: anyone who can reach it can label", host)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", server_header=False)
