"""The labeling page over HTTP (Starlette's test client, a real warehouse file): sessions by annotator,
labels stored with annotator/time/codebook version, undo, progress, and the safety checks."""

from __future__ import annotations

import re
import secrets

import pytest
from starlette.testclient import TestClient

from labels.codebook import load_codebook
from labels.sampling import SampleConfig, draw
from labels.web.app import PageConfig, create_app
from tests.labels.corpus import HOSTILE_ID
from warehouse import labels_store
from warehouse.db import connect, open_db

BASE = "http://127.0.0.1:8766"


ANNOTATORS = ["alice", "bob"]


def queue_hostile(con) -> None:
    """Put the hostile article in everyone's labeling queue (the page shows queued articles only)."""
    from datetime import datetime

    labels_store.append_samples(
        con,
        [
            {
                "batch_id": "hostile",
                "article_id": HOSTILE_ID,
                "outlet_id": "metro-wire",
                "strategy": "random",
                "score": None,
                "position": 0,
                "annotator": None,
                "created_at": datetime(2030, 1, 1),  # after the fixture's batch: served last
            }
        ],
    )


@pytest.fixture()
def page(warehouse):
    path, truths = warehouse
    with open_db(path) as con:
        _batch, plan = draw(con, SampleConfig(n=6, test_size=2, seed=1))
        queue_hostile(con)
    app = create_app(PageConfig(db_path=path, annotators=ANNOTATORS))
    return app, path, truths, plan


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def login(app, name: str) -> tuple[TestClient, str]:
    client = TestClient(app, base_url=BASE)
    token = csrf(client.get("/").text)
    response = client.post("/session", data={"annotator": name, "csrf_token": token})
    assert response.status_code == 200 and "/label/" in str(response.url)
    return client, token


def stored(path) -> list[dict]:
    con = connect(path, read_only=True)
    try:
        return labels_store.current_labels(con)
    finally:
        con.close()


def test_label_is_stored_with_annotator_time_and_codebook_version(page):
    app, path, _, _ = page
    client, token = login(app, "alice")
    first = client.get("/label")
    article_id = str(first.url).rsplit("/", 1)[1]
    assert "0 / 7 done" in first.text and "test set</a> 0 / 2" in first.text
    response = client.post(
        f"/label/{article_id}",
        data=_label_form(
            token, frames=["Economic", "Political"], primary_frame="Political", slant="left", tone="negative"
        ),
    )
    assert response.status_code == 200 and "Saved." in response.text and "1 / 7 done" in response.text
    assert str(response.url).rsplit("/", 1)[1] != article_id  # moved on to the next article
    (row,) = stored(path)
    assert row["article_id"] == article_id and row["annotator"] == "alice"
    assert row["frames"] == ["Economic", "Political"] and row["primary_frame"] == "Political"
    assert row["codebook_version"] == load_codebook().version and row["labeled_at"] is not None
    assert row["source"] == "page"


def test_undo_withdraws_the_last_label_and_returns_to_it(page):
    app, path, _, _ = page
    client, token = login(app, "alice")
    article_id = str(client.get("/label").url).rsplit("/", 1)[1]
    client.post(
        f"/label/{article_id}",
        data=_label_form(token),
    )
    response = client.post("/undo", data={"csrf_token": token})
    assert str(response.url).endswith(f"/label/{article_id}") and "Undone" in response.text
    assert stored(path) == []
    con = connect(path, read_only=True)
    actions = con.execute("select action from labels order by labeled_at").fetchall()
    con.close()
    assert actions == [("label",), ("undo",)]  # append-only: the label row is kept, an undo row added


def test_annotators_have_their_own_progress(page):
    app, path, _, _ = page
    alice, a_token = login(app, "alice")
    bob, _ = login(app, "bob")
    article_id = str(alice.get("/label").url).rsplit("/", 1)[1]
    alice.post(
        f"/label/{article_id}",
        data=_label_form(a_token),
    )
    assert "0 / 7 done" in bob.get("/label").text
    assert str(bob.get("/label").url).endswith(article_id)  # bob still gets it: overlap for agreement


def test_invalid_label_is_refused_with_a_reason_and_keeps_the_choices(page):
    app, path, _, _ = page
    client, token = login(app, "alice")
    article_id = str(client.get("/label").url).rsplit("/", 1)[1]
    response = client.post(
        f"/label/{article_id}",
        data={"csrf_token": token, "frames": ["Economic", "Morality"], "slant": "left"},
    )
    assert response.status_code == 400 and "Choose a tone." in response.text
    assert re.search(r'value="Morality"[^>]*\n?[^>]*checked', response.text)
    response = client.post(
        f"/label/{article_id}",
        data={"csrf_token": token, "frames": ["Economy"], "slant": "left", "tone": "neutral"},
    )
    assert response.status_code == 400 and "unknown frame" in response.text
    assert stored(path) == []


def test_hostile_article_text_is_escaped(page):
    app, _, _, _ = page
    client, _ = login(app, "alice")
    html = client.get(f"/label/{HOSTILE_ID}").text
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned = 1" in html
    assert '<mark class="evidence" title="evidence for: Economic">Taxes would rise' in html
    # only our own script file is referenced
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']


def test_host_header_is_checked(page):
    app, _, _, _ = page
    assert TestClient(app, base_url="http://attacker.example").get("/").status_code == 400
    assert TestClient(app, base_url="http://localhost:8766").get("/").status_code == 200


def test_every_post_needs_the_sessions_csrf_token(page):
    app, path, _, _ = page
    alice, _ = login(app, "alice")
    mallory = TestClient(app, base_url=BASE)
    other_token = csrf(mallory.get("/").text)  # a valid token, but of another session
    article_id = str(alice.get("/label").url).rsplit("/", 1)[1]
    form = {"frames": ["Other"], "slant": "center", "tone": "neutral"}
    for data in (form, {**form, "csrf_token": "forged"}, {**form, "csrf_token": other_token}):
        assert alice.post(f"/label/{article_id}", data=data).status_code == 403
    assert alice.post("/undo", data={}).status_code == 403
    assert alice.post("/logout", data={"csrf_token": other_token}).status_code == 403
    assert stored(path) == []


def test_cross_origin_post_is_refused_and_headers_are_strict(page):
    app, _, _, _ = page
    client, token = login(app, "alice")
    response = client.post("/undo", data={"csrf_token": token}, headers={"Origin": "http://attacker.example"})
    assert response.status_code == 403
    headers = client.get("/label").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
    cookie = TestClient(app, base_url=BASE).get("/").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_empty_queue_says_what_to_do(warehouse):
    path, _ = warehouse
    app = create_app(PageConfig(db_path=path, annotators=ANNOTATORS))
    client = TestClient(app, base_url=BASE)
    token = csrf(client.get("/").text)
    response = client.post("/session", data={"annotator": "alice", "csrf_token": token})
    assert "Your queue is empty" in response.text and "framewatch label sample" in response.text


def test_only_configured_annotators_can_start_a_session(page):
    """Issue 13.7: any typed name became an annotator; now only names on the configured list."""
    app, path, _, _ = page
    client = TestClient(app, base_url=BASE)
    login_page = client.get("/").text
    assert '<option value="alice">' in login_page and '<option value="bob">' in login_page
    token = csrf(login_page)
    for name in ("mallory", "<b>x</b>", "Alice", ""):
        response = client.post("/session", data={"annotator": name, "csrf_token": token})
        assert "Choose your name from the list" in response.text and "/label/" not in str(response.url)
        assert "<b>x</b>" not in response.text
    assert client.get("/label").url.path == "/"  # still no session
    assert stored(path) == []


def test_a_page_needs_an_annotator_list(warehouse):
    from labels.annotators import AnnotatorError

    path, _ = warehouse
    with pytest.raises(AnnotatorError, match="--annotator NAME"):
        create_app(PageConfig(db_path=path))
    with pytest.raises(AnnotatorError, match="not usable"):
        create_app(PageConfig(db_path=path, annotators=["ok", "<script>"]))


def _label_form(token: str, **extra) -> dict:
    """A label form as the page sends it: its own form id (each rendering of the page has a new one)."""
    form = {"csrf_token": token, "frames": ["Other"], "slant": "center", "tone": "neutral"}
    return {**form, "form_id": secrets.token_urlsafe(12), **extra}


def test_the_test_set_is_labeled_only_through_its_own_queue(page):
    """Issue 13.7: a test-set article could be labeled through the page like any other; now only through
    the test-set queue, which says why its labels are kept apart and hides the model's suggestions."""
    app, path, _, plan = page
    client, token = login(app, "alice")
    test_id = plan.test[0].article_id
    refused = client.post(f"/label/{test_id}", data=_label_form(token))
    assert refused.status_code == 403 and "belongs to the frozen test set" in refused.text
    assert stored(path) == []
    assert client.get(f"/label/{test_id}").url.path == f"/test/{test_id}"  # sent to its own queue
    page_html = client.get("/test").text
    assert 'id="test-banner"' in page_html and "never to train it" in page_html
    assert 'id="accept"' not in page_html and 'data-suggested="1"' not in page_html
    assert 'class="evidence"' not in page_html
    article_id = re.search(r'data-article-id="([^"]+)"', page_html).group(1)
    assert article_id in {p.article_id for p in plan.test}
    saved = client.post(f"/test/{article_id}", data=_label_form(token))
    assert saved.status_code == 200 and "Saved to the frozen test set." in saved.text
    assert [r["article_id"] for r in stored(path)] == [article_id]
    batch_id = plan.batch[0].article_id
    assert client.post(f"/test/{batch_id}", data=_label_form(token)).status_code == 403  # and vice versa


def test_unqueued_and_unknown_articles_cannot_be_labeled(page):
    app, path, truths, plan = page
    client, token = login(app, "alice")
    queued = {p.article_id for p in [*plan.test, *plan.batch]} | {HOSTILE_ID}
    unqueued = next(a for a in sorted(truths) if a not in queued)
    for article_id in (unqueued, "no-such-article"):
        response = client.post(f"/label/{article_id}", data=_label_form(token))
        assert response.status_code == 403 and "Not in your queue" in response.text
        assert client.get(f"/label/{article_id}").status_code == 403
    assert stored(path) == []


def test_the_same_form_sent_twice_stores_one_label(page):
    app, path, _, _ = page
    client, token = login(app, "alice")
    html = client.get("/label").text
    article_id = re.search(r'data-article-id="([^"]+)"', html).group(1)
    form_id = re.search(r'name="form_id" value="([^"]+)"', html).group(1)
    first = client.post(f"/label/{article_id}", data=_label_form(token, form_id=form_id))
    again = client.post(f"/label/{article_id}", data=_label_form(token, form_id=form_id, slant="left"))
    assert "Saved." in first.text and "Already saved" in again.text
    con = connect(path, read_only=True)
    try:
        assert con.execute("select count(*) from labels").fetchone()[0] == 1
    finally:
        con.close()
    assert stored(path)[0]["slant"] == "center"


def test_a_label_without_its_form_id_is_refused(page):
    """Issue 20, point 10: a POST without the page's form id stored a label every time; now refused."""
    app, path, _, _ = page
    client, token = login(app, "alice")
    article_id = re.search(r'data-article-id="([^"]+)"', client.get("/label").text).group(1)
    for _ in range(2):
        refused = client.post(f"/label/{article_id}", data=_label_form(token, form_id=""))
        assert refused.status_code == 400 and "no form id" in refused.text
    assert stored(path) == []


def test_saved_labels_also_land_in_the_labels_export(page):
    from warehouse.labels_export import export_path, read

    app, path, _, _ = page
    client, token = login(app, "alice")
    article_id = str(client.get("/label").url).rsplit("/", 1)[1]
    client.post(f"/label/{article_id}", data=_label_form(token))
    client.post("/undo", data={"csrf_token": token})
    rows = read(export_path(path)).rows["labels"]
    assert [(r["article_id"], r["annotator"], r["action"]) for r in rows] == [
        (article_id, "alice", "label"),
        (article_id, "alice", "undo"),
    ]
