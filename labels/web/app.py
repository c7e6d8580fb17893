"""The labeling page (Starlette): one article at a time, the model's suggestions and evidence, keyboard
shortcuts, several annotators by name, progress and undo. Labels go to DuckDB through labels_store.

The warehouse is opened per request and closed at once, so a monitoring run can take the write lock
between labels; while it holds it, saving answers 503 and the annotator retries."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

import duckdb
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

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
from warehouse import labels_store
from warehouse.db import WarehouseError, connect

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
FRAME_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "q", "w", "e", "r", "t"]
SLANT_KEYS = ["a", "s", "d"]
TONE_KEYS = ["j", "k", "l"]
MAX_FORM_BYTES = 64 * 1024
ANNOTATOR_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,39}$")
T = TypeVar("T")


class Busy(RuntimeError):
    """The warehouse is locked by another process."""


@dataclass
class PageConfig:
    db_path: Path
    allowed_hosts: list[str] = field(default_factory=lambda: list(LOOPBACK_HOSTS))
    codebook: Codebook = field(default_factory=load_codebook)


class Warehouse:
    """Short-lived connections, one request at a time (a DuckDB connection is not thread-safe).
    Pages read through a read-only connection (cheap); saves open a writable one, which also applies
    migrations the first time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._migrated = False

    @contextmanager
    def open(self, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            writable = write or not self._migrated
            try:
                con = connect(self.path, read_only=not writable)
            except WarehouseError as exc:
                if "locked" in str(exc):
                    raise Busy(str(exc)) from exc
                raise
            self._migrated = self._migrated or writable
            try:
                yield con
            finally:
                if writable:
                    con.execute("checkpoint")
                con.close()

    async def run(self, fn: Callable[[duckdb.DuckDBPyConnection], T], write: bool = False) -> T:
        def work() -> T:
            with self.open(write) as con:
                return fn(con)

        return await run_in_threadpool(work)


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
        if not ANNOTATOR_RE.match(name):
            session.flash = "Give your name: letters, digits, space, . _ @ - (at most 40 characters)."
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

    async def next_page(request: Request) -> Response:
        session, new = session_of(request)
        if not session.annotator:
            return redirect("/", session, new)
        annotator, skipped = session.annotator, list(session.skipped)
        try:
            article_id, stats = await warehouse.run(
                lambda con: (
                    labels_store.next_article(con, annotator, skipped),
                    labels_store.progress(con, annotator),
                )
            )
        except Busy as exc:
            return busy_page(session, exc)
        if article_id is None:
            return render("done.html", session, new=new, progress=stats, skipped=len(skipped))
        return redirect(f"/label/{article_id}", session, new)

    async def article_page(request: Request) -> Response:
        session, new = session_of(request)
        if not session.annotator:
            return redirect("/", session, new)
        return await _article(request, session, new)

    async def _article(
        request: Request,
        session: Session,
        new: bool = False,
        error: str | None = None,
        chosen: dict[str, Any] | None = None,
    ) -> Response:
        article_id = request.path_params["article_id"]
        annotator = str(session.annotator)
        try:
            article, stats = await warehouse.run(
                lambda con: (
                    labels_store.article_for_page(con, article_id, annotator),
                    labels_store.progress(con, annotator),
                )
            )
        except Busy as exc:
            return busy_page(session, exc)
        if article is None:
            return render("missing.html", session, status=404, new=new, article_id=article_id)
        if chosen is None:
            chosen = {
                "frames": list(article.get("my_frames") or []),
                "primary": article.get("my_primary"),
                "slant": article.get("my_slant"),
                "tone": article.get("my_tone"),
            }
        return render(
            "label.html",
            session,
            status=400 if error else 200,
            new=new,
            article=article,
            progress=stats,
            paras=paragraphs(article.get("text") or "", article.get("evidence")),
            error=error,
            chosen=chosen,
        )

    async def save(request: Request) -> Response:
        session, form, refusal = await checked_post(request)
        if refusal or session is None:
            return refusal or PlainTextResponse("no session", status_code=403)
        if not session.annotator:
            return redirect("/")
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
            return await _article(request, session, error=message, chosen=chosen)
        row = labels_store.label_row(
            article_id,
            session.annotator,
            labels.frames,
            labels.primary_frame,
            labels.slant,
            labels.tone,
            book.version,
            "page",
        )

        def store(con: duckdb.DuckDBPyConnection) -> bool:
            if not labels_store.known_article_ids(con, [article_id]):
                return False
            labels_store.append_labels(con, [row])
            return True

        try:
            stored = await warehouse.run(store, write=True)
        except Busy as exc:
            return busy_page(session, exc)
        if not stored:
            return render("missing.html", session, status=404, article_id=article_id)
        session.flash = "Saved."
        log.info("%s labeled %s", session.annotator, article_id)
        return redirect("/label")

    async def undo(request: Request) -> Response:
        session, _form_, refusal = await checked_post(request)
        if refusal or session is None:
            return refusal or PlainTextResponse("no session", status_code=403)
        if not session.annotator:
            return redirect("/")
        annotator = session.annotator
        try:
            article_id = await warehouse.run(
                lambda con: labels_store.undo_last(con, annotator, book.version), write=True
            )
        except Busy as exc:
            return busy_page(session, exc)
        if article_id is None:
            session.flash = "Nothing to undo."
            return redirect("/label")
        session.flash = "Undone: your last label was withdrawn. Label this article again."
        session.skipped = [a for a in session.skipped if a != article_id]
        return redirect(f"/label/{article_id}")

    async def skip(request: Request) -> Response:
        session, _form_, refusal = await checked_post(request)
        if refusal or session is None:
            return refusal or PlainTextResponse("no session", status_code=403)
        article_id = request.path_params["article_id"]
        if article_id not in session.skipped:
            session.skipped.append(article_id)
        session.flash = "Skipped for this session."
        return redirect("/label")

    routes = [
        Route("/", index, methods=["GET"]),
        Route("/session", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/label", next_page, methods=["GET"]),
        Route("/label/{article_id:str}", article_page, methods=["GET"]),
        Route("/label/{article_id:str}", save, methods=["POST"]),
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
