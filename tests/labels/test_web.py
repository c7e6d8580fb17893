"""The labeling page over HTTP (Starlette's test client, a real warehouse file): sessions by annotator,
labels stored with annotator/time/codebook version, undo, progress, and the safety checks."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from labels.codebook import load_codebook
from labels.sampling import SampleConfig, draw
from labels.web.app import PageConfig, create_app
from tests.labels.corpus import HOSTILE_ID
from warehouse import labels_store
from warehouse.db import connect, open_db

BASE = "http://127.0.0.1:8766"


@pytest.fixture()
def page(warehouse):
    path, truths = warehouse
    with open_db(path) as con:
        draw(con, SampleConfig(n=6, test_size=2, seed=1))
    app = create_app(PageConfig(db_path=path))
    return app, path, truths


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
    app, path, _ = page
    client, token = login(app, "alice")
    first = client.get("/label")
    article_id = str(first.url).rsplit("/", 1)[1]
    assert "0 / 8 done" in first.text
    response = client.post(
        f"/label/{article_id}",
        data={
            "csrf_token": token,
            "frames": ["Economic", "Political"],
            "primary_frame": "Political",
            "slant": "left",
            "tone": "negative",
        },
    )
    assert response.status_code == 200 and "Saved." in response.text and "1 / 8 done" in response.text
    assert str(response.url).rsplit("/", 1)[1] != article_id  # moved on to the next article
    (row,) = stored(path)
    assert row["article_id"] == article_id and row["annotator"] == "alice"
    assert row["frames"] == ["Economic", "Political"] and row["primary_frame"] == "Political"
    assert row["codebook_version"] == load_codebook().version and row["labeled_at"] is not None
    assert row["source"] == "page"


def test_undo_withdraws_the_last_label_and_returns_to_it(page):
    app, path, _ = page
    client, token = login(app, "alice")
    article_id = str(client.get("/label").url).rsplit("/", 1)[1]
    client.post(
        f"/label/{article_id}",
        data={"csrf_token": token, "frames": ["Other"], "slant": "center", "tone": "neutral"},
    )
    response = client.post("/undo", data={"csrf_token": token})
    assert str(response.url).endswith(f"/label/{article_id}") and "Undone" in response.text
    assert stored(path) == []
    con = connect(path, read_only=True)
    actions = con.execute("select action from labels order by labeled_at").fetchall()
    con.close()
    assert actions == [("label",), ("undo",)]  # append-only: the label row is kept, an undo row added


def test_annotators_have_their_own_progress(page):
    app, path, _ = page
    alice, a_token = login(app, "alice")
    bob, _ = login(app, "bob")
    article_id = str(alice.get("/label").url).rsplit("/", 1)[1]
    alice.post(
        f"/label/{article_id}",
        data={"csrf_token": a_token, "frames": ["Other"], "slant": "center", "tone": "neutral"},
    )
    assert "0 / 8 done" in bob.get("/label").text
    assert str(bob.get("/label").url).endswith(article_id)  # bob still gets it: overlap for agreement


def test_invalid_label_is_refused_with_a_reason_and_keeps_the_choices(page):
    app, path, _ = page
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
    app, _, _ = page
    client, _ = login(app, "alice")
    html = client.get(f"/label/{HOSTILE_ID}").text
    assert "<script>window.__pwned" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.__pwned = 1" in html
    assert '<mark class="evidence" title="evidence for: Economic">Taxes would rise' in html
    # only our own script file is referenced
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/app.js" defer>']


def test_host_header_is_checked(page):
    app, _, _ = page
    assert TestClient(app, base_url="http://attacker.example").get("/").status_code == 400
    assert TestClient(app, base_url="http://localhost:8766").get("/").status_code == 200


def test_every_post_needs_the_sessions_csrf_token(page):
    app, path, _ = page
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
    app, _, _ = page
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
    app = create_app(PageConfig(db_path=path))
    client = TestClient(app, base_url=BASE)
    token = csrf(client.get("/").text)
    response = client.post("/session", data={"annotator": "alice", "csrf_token": token})
    assert "Your queue is empty" in response.text and "framewatch label sample" in response.text


def test_bad_annotator_names_are_refused(page):
    app, _, _ = page
    client = TestClient(app, base_url=BASE)
    token = csrf(client.get("/").text)
    response = client.post("/session", data={"annotator": "<b>x</b>", "csrf_token": token})
    assert "Give your name" in response.text and "<b>x</b>" not in response.text
