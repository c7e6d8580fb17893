"""What every route of the labeling page shares: the configuration, the sessions, the warehouse, the
templates, and the answers each route gives the same way (a rendered page, a redirect, a checked POST,
the busy and not-queued pages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from labels.annotators import require
from labels.codebook import Codebook, load_codebook
from labels.web.security import LOOPBACK_HOSTS, SESSION_COOKIE, Session, Sessions, csrf_ok, host_name
from labels.web.warehouse import Warehouse

HERE = Path(__file__).parent
FRAME_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", "q", "w", "e", "r", "t"]
SLANT_KEYS = ["a", "s", "d"]
TONE_KEYS = ["j", "k", "l"]
MAX_FORM_BYTES = 64 * 1024
PREFIX = {"train": "/label", "test": "/test"}  # URL of each queue

Form = dict[str, list[str]]


@dataclass
class PageConfig:
    db_path: Path
    annotators: list[str] = field(default_factory=list)  # who may label; required (see labels.annotators)
    allowed_hosts: list[str] = field(default_factory=lambda: list(LOOPBACK_HOSTS))
    codebook: Codebook = field(default_factory=load_codebook)


def one(form: Form, name: str) -> str:
    """The first value of `name` in a form, stripped ('' when absent)."""
    return (form.get(name) or [""])[0].strip()


def refused(response: Response | None) -> Response:
    """The refusal of a POST that `Page.checked_post` gave no session for."""
    return response or PlainTextResponse("no session", status_code=403)


class Page:
    """The state of one labeling page and the answers its routes share. AnnotatorError when `config`
    names no annotators."""

    def __init__(self, config: PageConfig) -> None:
        self.config = config
        self.annotators = require(config.annotators)
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True)
        )
        self.sessions = Sessions()
        self.warehouse = Warehouse(config.db_path)
        self.book = config.codebook
        self.frame_keys = dict(zip(self.book.frame_names, FRAME_KEYS, strict=False))

    def session_of(self, request: Request) -> tuple[Session, bool]:
        """The request's session, made when it has none: (session, made now)."""
        return self.sessions.get_or_create(request.cookies.get(SESSION_COOKIE))

    def render(
        self, name: str, session: Session, status: int = 200, new: bool = False, **ctx: Any
    ) -> Response:
        flash, session.flash = session.flash, None
        html = self.env.get_template(name).render(
            session=session,
            codebook=self.book,
            frame_keys=self.frame_keys,
            slant_keys=SLANT_KEYS,
            tone_keys=TONE_KEYS,
            annotators=self.annotators,
            prefix=PREFIX,
            flash=flash,
            **ctx,
        )
        response = HTMLResponse(html, status_code=status)
        if new:
            set_cookie(response, session)
        return response

    def redirect(self, url: str, session: Session | None = None, new: bool = False) -> Response:
        response = RedirectResponse(url, status_code=303)
        if session is not None and new:
            set_cookie(response, session)
        return response

    async def checked_post(self, request: Request) -> tuple[Session | None, Form, Response | None]:
        """The session and form of a POST, or a refusal: CSRF token and Origin checked."""
        origin = request.headers.get("origin")
        if origin and origin != "null":
            origin_host = host_name(origin.split("://", 1)[-1].split("/", 1)[0])
            if origin_host not in self.config.allowed_hosts:
                return None, {}, PlainTextResponse("cross-origin POST refused", status_code=403)
        form = await _form(request)
        session = self.sessions.get(request.cookies.get(SESSION_COOKIE))
        if not csrf_ok(session, one(form, "csrf_token")):
            return (
                None,
                form,
                PlainTextResponse(
                    "CSRF token missing or wrong: reload the labeling page and try again.", status_code=403
                ),
            )
        return session, form, None

    def busy_page(self, session: Session, exc: Exception) -> Response:
        return self.render("busy.html", session, status=503, message=str(exc))

    def not_queued(self, session: Session, article_id: str, queue: str, held_by: str | None) -> Response:
        return self.render(
            "missing.html", session, status=403, article_id=article_id, queue=queue, held_by=held_by
        )


async def _form(request: Request) -> Form:
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return {}
    return parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)


def set_cookie(response: Response, session: Session) -> None:
    response.set_cookie(SESSION_COOKIE, session.token, httponly=True, samesite="strict", path="/")
