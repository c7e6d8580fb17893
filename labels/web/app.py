"""The labeling page (Starlette): one article at a time, the model's suggestions and evidence, keyboard
shortcuts, annotators from a configured list, progress and undo. Labels go to DuckDB through labels_store
(and from there to the append-only labels export).

Two queues: /label is the labeling queue (articles `framewatch label sample` queued); /test is the frozen
test set's own queue, shown without the model's suggestions and saying why its labels are kept apart.
An article is labeled only through the queue that holds it for that annotator: anything else is refused.
Each label form carries a one-time id, so pressing Save twice stores one label, not two."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from labels.annotators import require
from labels.codebook import Codebook, LabelError, load_codebook
from labels.web.highlight import paragraphs
from labels.web.security import (
    LOOPBACK_HOSTS,
    SESSION_COOKIE,
    HostCheckMiddleware,
    Session,
    Sessions,
    csrf_ok,
    host_name,
)
from labels.web.warehouse import Busy, Warehouse
from warehouse import labels_store

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
FRAME_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "q", "w", "e", "r", "t"]
SLANT_KEYS = ["a", "s", "d"]
TONE_KEYS = ["j", "k", "l"]
MAX_FORM_BYTES = 64 * 1024
PREFIX = {"train": "/label", "test": "/test"}  # URL of each queue


@dataclass
class PageConfig:
    db_path: Path
    annotators: list[str] = field(default_factory=list)  # who may label; required (see labels.annotators)
    allowed_hosts: list[str] = field(default_factory=lambda: list(LOOPBACK_HOSTS))
    codebook: Codebook = field(default_factory=load_codebook)


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True)
    )


async def _form(request: Request) -> dict[str, list[str]]:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)


def _one(form: dict[str, list[str]], name: str) -> str:
    return (form.get(name) or [""])[0].strip()


def create_app(config: PageConfig) -> Starlette:
    """The page for `config`; AnnotatorError when no annotators are configured."""
    annotators = require(config.annotators)
    env = _environment()
    sessions = Sessions()
    warehouse = Warehouse(config.db_path)
    book = config.codebook
    frame_keys = dict(zip(book.frame_names, FRAME_KEYS, strict=False))

    def session_of(request: Request) -> tuple[Session, bool]:
        return sessions.get_or_create(request.cookies.get(SESSION_COOKIE))

    def render(name: str, session: Session, status: int = 200, new: bool = False, **ctx: Any) -> Response:
        flash, session.flash = session.flash, None
        html = env.get_template(name).render(
            session=session,
            codebook=book,
            frame_keys=frame_keys,
            slant_keys=SLANT_KEYS,
            tone_keys=TONE_KEYS,
            annotators=annotators,
            prefix=PREFIX,
            flash=flash,
            **ctx,
        )
        response = HTMLResponse(html, status_code=status)
        if new:
            _set_cookie(response, session)
        return response

    def redirect(url: str, session: Session | None = None, new: bool = False) -> Response:
        response = RedirectResponse(url, status_code=303)
        if session is not None and new:
            _set_cookie(response, session)
        return response

    async def checked_post(request: Request) -> tuple[Session | None, dict[str, list[str]], Response | None]:
        """The session and form of a POST, or a refusal: CSRF token and Origin checked."""
        origin = request.headers.get("origin")
        if origin and origin != "null":
            origin_host = host_name(origin.split("://", 1)[-1].split("/", 1)[0])
            if origin_host not in config.allowed_hosts:
                return None, {}, PlainTextResponse("cross-origin POST refused", status_code=403)
        form = await _form(request)
        session = sessions.get(request.cookies.get(SESSION_COOKIE))
        if not csrf_ok(session, _one(form, "csrf_token")):
            return (
                None,
                form,
                PlainTextResponse(
                    "CSRF token missing or wrong: reload the labeling page and try again.", status_code=403
                ),
            )
        return session, form, None

    def busy_page(session: Session, exc: Exception) -> Response:
        return render("busy.html", session, status=503, message=str(exc))

    def not_queued(session: Session, article_id: str, queue: str, held_by: str | None) -> Response:
        return render(
            "missing.html", session, status=403, article_id=article_id, queue=queue, held_by=held_by
        )

    async def index(request: Request) -> Response:
        session, new = session_of(request)
        if session.annotator:
            return redirect("/label", session, new)
        return render("login.html", session, new=new)

    async def login(request: Request) -> Response:
        session, form, refusal = await checked_post(request)
        if refusal or session is None:
            return refusal or PlainTextResponse("no session", status_code=403)
        name = _one(form, "annotator")
        if name not in annotators:
            session.flash = (
                "Choose your name from the list. Not on it? Ask whoever runs `framewatch label serve` to "
                "add you (--annotator NAME or FRAMEWATCH_LABEL_ANNOTATORS)."
            )
            log.warning("refused a session for an annotator not on the list")
            return redirect("/")
        session.annotator, session.skipped = name, []
        log.info("annotator %s started a session", name)
        return redirect("/label")

    async def logout(request: Request) -> Response:
        session, _form_, refusal = await checked_post(request)
        if refusal or session is None:
            return refusal or PlainTextResponse("no session", status_code=403)
        session.annotator, session.skipped = None, []
        return redirect("/")

    def next_page(queue: str) -> Any:
        async def handler(request: Request) -> Response:
            session, new = session_of(request)
            if not session.annotator:
                return redirect("/", session, new)
            annotator, skipped = session.annotator, list(session.skipped)
            try:
                article_id, stats = await warehouse.run(
                    lambda con: (
                        labels_store.next_article(con, annotator, skipped, queue),
                        labels_store.progress(con, annotator),
                    )
                )
            except Busy as exc:
                return busy_page(session, exc)
            if article_id is None:
                return render(
                    "done.html", session, new=new, progress=stats, skipped=len(skipped), queue=queue
                )
            return redirect(f"{PREFIX[queue]}/{article_id}", session, new)

        return handler

    def article_page(queue: str) -> Any:
        async def handler(request: Request) -> Response:
            session, new = session_of(request)
            if not session.annotator:
                return redirect("/", session, new)
            return await _article(request, session, queue, new)

        return handler

    async def _article(
        request: Request,
        session: Session,
        queue: str,
        new: bool = False,
        error: str | None = None,
        chosen: dict[str, Any] | None = None,
    ) -> Response:
        article_id = request.path_params["article_id"]
        annotator = str(session.annotator)
        try:
            article, stats, held_by = await warehouse.run(
                lambda con: (
                    labels_store.article_for_page(con, article_id, annotator),
                    labels_store.progress(con, annotator),
                    labels_store.queue_of(con, article_id, annotator),
                )
            )
        except Busy as exc:
            return busy_page(session, exc)
        if article is None or held_by != queue:
            if article is not None and held_by is not None and error is None:
                return redirect(f"{PREFIX[held_by]}/{article_id}", session, new)
            return not_queued(session, article_id, queue, held_by if article is not None else None)
        if chosen is None:
            chosen = {
                "frames": list(article.get("my_frames") or []),
                "primary": article.get("my_primary"),
                "slant": article.get("my_slant"),
                "tone": article.get("my_tone"),
            }
        evidence = article.get("evidence") if queue == "train" else None
        return render(
            "label.html",
            session,
            status=400 if error else 200,
            new=new,
            article=article,
            progress=stats,
            queue=queue,
            suggest=queue == "train",  # the test set is labeled without the model's suggestions
            form_id=secrets.token_urlsafe(12),
            paras=paragraphs(article.get("text") or "", evidence),
            error=error,
            chosen=chosen,
        )

    def save(queue: str) -> Any:
        async def handler(request: Request) -> Response:
            session, form, refusal = await checked_post(request)
            if refusal or session is None:
                return refusal or PlainTextResponse("no session", status_code=403)
            if not session.annotator:
                return redirect("/")
            return await _save(request, session, form, queue)

        return handler

    async def _save(request: Request, session: Session, form: dict[str, list[str]], queue: str) -> Response:
        article_id = request.path_params["article_id"]
        chosen = {
            "frames": form.get("frames", []),
            "primary": _one(form, "primary_frame"),
            "slant": _one(form, "slant"),
            "tone": _one(form, "tone"),
        }
        try:
            labels = book.validate_labels(
                chosen["frames"], chosen["primary"] or None, chosen["slant"], chosen["tone"]
            )
        except LabelError as exc:
            missing = [n for n in ("slant", "tone") if not chosen[n]]
            message = f"Choose a {' and a '.join(missing)}." if missing else str(exc)
            return await _article(request, session, queue, error=message, chosen=chosen)
        annotator = str(session.annotator)
        form_id = _one(form, "form_id")
        if not _one(form, "form_id"):  # each page's form carries one: without it, Save could store twice
            return PlainTextResponse(
                "This label has no form id, so it did not come from the labeling page; nothing was stored. "
                "Reload the page and save again.",
                status_code=400,
            )
        if not sessions.claim_form(session, form_id):
            session.flash = "Already saved: Save was pressed again for the same form; nothing stored twice."
            return redirect(PREFIX[queue])
        row = labels_store.label_row(
            article_id,
            annotator,
            labels.frames,
            labels.primary_frame,
            labels.slant,
            labels.tone,
            book.version,
            "page",
        )

        def store(con: duckdb.DuckDBPyConnection) -> str | None:
            held_by = labels_store.queue_of(con, article_id, annotator)
            if held_by == queue:
                labels_store.append_labels(con, [row])
            return held_by

        try:
            held_by = await warehouse.run(store, write=True)
        except Busy as exc:
            sessions.release_form(session, form_id)
            return busy_page(session, exc)
        if held_by != queue:
            sessions.release_form(session, form_id)
            known = await warehouse.run(lambda con: bool(labels_store.known_article_ids(con, [article_id])))
            return not_queued(session, article_id, queue, held_by if known else None)
        session.flash = "Saved to the frozen test set." if queue == "test" else "Saved."
        log.info("%s labeled %s (%s queue)", annotator, article_id, queue)
        return redirect(PREFIX[queue])

    async def undo(request: Request) -> Response:
        session, _form_, refusal = await checked_post(request)
        if refusal or session is None:
            return refusal or PlainTextResponse("no session", status_code=403)
        if not session.annotator:
            return redirect("/")
        annotator = session.annotator

        def withdraw(con: duckdb.DuckDBPyConnection) -> tuple[str | None, str | None]:
            article_id = labels_store.undo_last(con, annotator, book.version)
            return article_id, labels_store.queue_of(con, article_id, annotator) if article_id else None

        try:
            article_id, held_by = await warehouse.run(withdraw, write=True)
        except Busy as exc:
            return busy_page(session, exc)
        if article_id is None:
            session.flash = "Nothing to undo."
            return redirect("/label")
        session.flash = "Undone: your last label was withdrawn. Label this article again."
        session.skipped = [a for a in session.skipped if a != article_id]
        return redirect(f"{PREFIX.get(held_by or 'train')}/{article_id}")

    async def skip(request: Request) -> Response:
        session, form, refusal = await checked_post(request)
        if refusal or session is None:
            return refusal or PlainTextResponse("no session", status_code=403)
        article_id = request.path_params["article_id"]
        if article_id not in session.skipped:
            session.skipped.append(article_id)
        session.flash = "Skipped for this session."
        return redirect(PREFIX["test"] if _one(form, "queue") == "test" else PREFIX["train"])

    routes = [Route("/", index, methods=["GET"]), Route("/session", login, methods=["POST"])]
    routes.append(Route("/logout", logout, methods=["POST"]))
    for queue, prefix in PREFIX.items():
        routes += [
            Route(prefix, next_page(queue), methods=["GET"]),
            Route(prefix + "/{article_id:str}", article_page(queue), methods=["GET"]),
            Route(prefix + "/{article_id:str}", save(queue), methods=["POST"]),
        ]
    routes += [
        Route("/undo", undo, methods=["POST"]),
        Route("/skip/{article_id:str}", skip, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    allowed = [h.lower() for h in config.allowed_hosts]
    config.allowed_hosts = allowed
    return Starlette(routes=routes, middleware=[Middleware(HostCheckMiddleware, allowed_hosts=allowed)])


def _set_cookie(response: Response, session: Session) -> None:
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="strict", path="/")


def serve(config: PageConfig, host: str = "127.0.0.1", port: int = 8766) -> None:
    """Run the labeling page until interrupted."""
    import uvicorn

    if host not in LOOPBACK_HOSTS:
        log.warning("the labeling page is bound to %s: anyone who can reach it can label", host)
    uvicorn.run(create_app(config), host=host, port=port, log_level="warning", server_header=False)
