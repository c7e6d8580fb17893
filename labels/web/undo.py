"""Undo: an annotator retracts their last standing label (append-only: an undo row is stored, nothing is
deleted) and is taken back to that article in the queue that holds it."""

from __future__ import annotations

from functools import partial

import duckdb
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from labels.web.page import PREFIX, Page, refused
from labels.web.warehouse import Busy
from warehouse import labels_store


def routes(page: Page) -> list[Route]:
    return [Route("/undo", partial(undo, page), methods=["POST"])]


async def undo(page: Page, request: Request) -> Response:
    session, _form, refusal = await page.checked_post(request)
    if refusal or session is None:
        return refused(refusal)
    if not session.annotator:
        return page.redirect("/")
    annotator = session.annotator

    def withdraw(con: duckdb.DuckDBPyConnection) -> tuple[str | None, str | None]:
        article_id = labels_store.undo_last(con, annotator, page.book.version)
        return article_id, labels_store.queue_of(con, article_id, annotator) if article_id else None

    try:
        article_id, held_by = await page.warehouse.run(withdraw, write=True)
    except Busy as exc:
        return page.busy_page(session, exc)
    if article_id is None:
        session.flash = "Nothing to undo."
        return page.redirect("/label")
    session.flash = "Undone: your last label was withdrawn. Label this article again."
    session.skipped = [a for a in session.skipped if a != article_id]
    return page.redirect(f"{PREFIX.get(held_by or 'train')}/{article_id}")
