"""The labeling page's sign-in: an annotator chooses a name from the configured list, and signs out."""

from __future__ import annotations

import logging
from functools import partial

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from labels.web.page import Page, one, refused

log = logging.getLogger(__name__)


def routes(page: Page) -> list[Route]:
    return [
        Route("/", partial(index, page), methods=["GET"]),
        Route("/session", partial(login, page), methods=["POST"]),
        Route("/logout", partial(logout, page), methods=["POST"]),
    ]


async def index(page: Page, request: Request) -> Response:
    session, new = page.session_of(request)
    if session.annotator:
        return page.redirect("/label", session, new)
    return page.render("login.html", session, new=new)


async def login(page: Page, request: Request) -> Response:
    session, form, refusal = await page.checked_post(request)
    if refusal or session is None:
        return refused(refusal)
    name = one(form, "annotator")
    if name not in page.annotators:
        session.flash = (
            "Choose your name from the list. Not on it? Ask whoever runs `framewatch label serve` to "
            "add you (--annotator NAME or FRAMEWATCH_LABEL_ANNOTATORS)."
        )
        log.warning("refused a session for an annotator not on the list")
        return page.redirect("/")
    session.annotator, session.skipped = name, []
    log.info("annotator %s started a session", name)
    return page.redirect("/label")


async def logout(page: Page, request: Request) -> Response:
    session, _form, refusal = await page.checked_post(request)
    if refusal or session is None:
        return refused(refusal)
    session.annotator, session.skipped = None, []
    return page.redirect("/")
