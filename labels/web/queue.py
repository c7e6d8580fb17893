"""The two labeling queues (/label: the articles `framewatch label sample` queued; /test: the frozen test
set, shown without the model's suggestions): the next article, one article's page, saving its labels,
and skipping it for the session. An article is labeled only through the queue that holds it for that
annotator; each label form carries a one-time id, so pressing Save twice stores one label, not two."""

from __future__ import annotations

import logging
import secrets
from functools import partial
from typing import Any

import duckdb
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from labels.codebook import LabelError
from labels.web.highlight import paragraphs
from labels.web.page import PREFIX, Form, Page, one, refused
from labels.web.security import Session
from labels.web.warehouse import Busy
from warehouse import labels_store

log = logging.getLogger(__name__)


def routes(page: Page) -> list[Route]:
    out = []
    for queue, prefix in PREFIX.items():
        out += [
            Route(prefix, partial(next_article, page, queue), methods=["GET"]),
            Route(prefix + "/{article_id:str}", partial(article_page, page, queue), methods=["GET"]),
            Route(prefix + "/{article_id:str}", partial(save, page, queue), methods=["POST"]),
        ]
    return out + [Route("/skip/{article_id:str}", partial(skip, page), methods=["POST"])]


async def next_article(page: Page, queue: str, request: Request) -> Response:
    session, new = page.session_of(request)
    if not session.annotator:
        return page.redirect("/", session, new)
    annotator, skipped = session.annotator, list(session.skipped)
    try:
        article_id, stats = await page.warehouse.run(
            lambda con: (
                labels_store.next_article(con, annotator, skipped, queue),
                labels_store.progress(con, annotator),
            )
        )
    except Busy as exc:
        return page.busy_page(session, exc)
    if article_id is None:
        return page.render("done.html", session, new=new, progress=stats, skipped=len(skipped), queue=queue)
    return page.redirect(f"{PREFIX[queue]}/{article_id}", session, new)


async def article_page(page: Page, queue: str, request: Request) -> Response:
    session, new = page.session_of(request)
    if not session.annotator:
        return page.redirect("/", session, new)
    return await _article(page, request, session, queue, new)


async def _article(
    page: Page,
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
        article, stats, held_by = await page.warehouse.run(
            lambda con: (
                labels_store.article_for_page(con, article_id, annotator),
                labels_store.progress(con, annotator),
                labels_store.queue_of(con, article_id, annotator),
            )
        )
    except Busy as exc:
        return page.busy_page(session, exc)
    if article is None or held_by != queue:
        if article is not None and held_by is not None and error is None:
            return page.redirect(f"{PREFIX[held_by]}/{article_id}", session, new)
        return page.not_queued(session, article_id, queue, held_by if article is not None else None)
    if chosen is None:
        chosen = {
            "frames": list(article.get("my_frames") or []),
            "primary": article.get("my_primary"),
            "slant": article.get("my_slant"),
            "tone": article.get("my_tone"),
        }
    evidence = article.get("evidence") if queue == "train" else None
    return page.render(
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


async def save(page: Page, queue: str, request: Request) -> Response:
    session, form, refusal = await page.checked_post(request)
    if refusal or session is None:
        return refused(refusal)
    if not session.annotator:
        return page.redirect("/")
    return await _save(page, request, session, form, queue)


async def _save(page: Page, request: Request, session: Session, form: Form, queue: str) -> Response:
    article_id = request.path_params["article_id"]
    frames = form.get("frames", [])
    primary, slant, tone = one(form, "primary_frame"), one(form, "slant"), one(form, "tone")
    chosen: dict[str, Any] = {"frames": frames, "primary": primary, "slant": slant, "tone": tone}
    book = page.book
    try:
        labels = book.validate_labels(frames, primary or None, slant, tone)
    except LabelError as exc:
        missing = [n for n in ("slant", "tone") if not chosen[n]]
        message = f"Choose a {' and a '.join(missing)}." if missing else str(exc)
        return await _article(page, request, session, queue, error=message, chosen=chosen)
    annotator = str(session.annotator)
    form_id = one(form, "form_id")
    if not form_id:  # each page's form carries one: without it, Save could store twice
        return PlainTextResponse(
            "This label has no form id, so it did not come from the labeling page; nothing was stored. "
            "Reload the page and save again.",
            status_code=400,
        )
    if not page.sessions.claim_form(session, form_id):
        session.flash = "Already saved: Save was pressed again for the same form; nothing stored twice."
        return page.redirect(PREFIX[queue])
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
        held_by = await page.warehouse.run(store, write=True)
    except Busy as exc:
        page.sessions.release_form(session, form_id)
        return page.busy_page(session, exc)
    if held_by != queue:
        page.sessions.release_form(session, form_id)
        known = await page.warehouse.run(lambda con: bool(labels_store.known_article_ids(con, [article_id])))
        return page.not_queued(session, article_id, queue, held_by if known else None)
    session.flash = "Saved to the frozen test set." if queue == "test" else "Saved."
    log.info("%s labeled %s (%s queue)", annotator, article_id, queue)
    return page.redirect(PREFIX[queue])


async def skip(page: Page, request: Request) -> Response:
    session, form, refusal = await page.checked_post(request)
    if refusal or session is None:
        return refused(refusal)
    article_id = request.path_params["article_id"]
    if article_id not in session.skipped:
        session.skipped.append(article_id)
    session.flash = "Skipped for this session."
    return page.redirect(PREFIX["test"] if one(form, "queue") == "test" else PREFIX["train"])
