"""`framewatch story ID` and `framewatch stories` on the demo corpus + seeds: one story (or thread) side by
side, the largest stories with their span and lean coverage, blindspots; an unknown id is one line and
exit 1, nothing changed."""

from __future__ import annotations

import hashlib

import pytest
from typer.testing import CliRunner

from flows.analysis.stories.view import side_by_side
from framewatch.cli import app
from tests.warehouse.test_stories import SEED_IDS
from warehouse.db import connect

runner = CliRunner()


def _seeds_present(db) -> bool:
    con = connect(db, read_only=True)
    try:
        return (
            con.execute("select count(*) from articles where article_id in ?", [list(SEED_IDS)]).fetchone()[0]
            == 2
        )
    finally:
        con.close()


def test_the_seeds_thread_side_by_side(corpus_db):
    if not _seeds_present(corpus_db):
        pytest.skip("seed articles not available")
    # asked by the article id of the Fox News seed: its story, one outlet, and the hint to read its thread
    result = runner.invoke(app, ["story", SEED_IDS[0], "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Story st-{SEED_IDS[0]}" in out and f"(article {SEED_IDS[0]} is in this story)" in out
    assert "Other stories in its thread" in out and f"st-{SEED_IDS[1]}" in out
    thread = f"th-{SEED_IDS[0]}"
    assert f"framewatch story {thread}" in out
    result = runner.invoke(app, ["story", thread, "--db", str(corpus_db)])
    assert result.exit_code == 0, result.output
    out = result.output
    fox, blog = (
        out.index("== Fox News (right lean prior)"),
        out.index("== Seed blog post (unknown lean prior)"),
    )
    assert fox < blog  # left to right by lean prior, unknown last
    assert "Coverage by lean prior (articles): left 0 (0 outlets)  center 0 (0 outlets)  right 1" in out
    # each outlet's frame emphasis against the other's coverage, with slant, tone and evidence
    # (as shares and the gap in points: a ratio of two shares reads as more than it is)
    assert "Crime and punishment 90% vs 5% (+85 points)" in out[fox:blog]
    assert "Fairness and equality 90% vs 5% (+85 points)" in out[blog:]
    # the slant in words that agree with its score (+0.70: right; -0.70: left), not the argmax class
    assert (
        "Slant: score +0.70 (right; -1 left .. +1 right)" in out[fox:blog]
        and "Tone: negative" in out[fox:blog]
    )
    assert "Slant: score -0.70 (left;" in out[blog:]
    assert "[Crime and punishment] “Chicago police announced Monday" in out[fox:blog]
    assert "Stories in this thread" in out


def test_a_story_of_several_outlets(corpus_db):
    con = connect(corpus_db, read_only=True)
    story_id = con.execute(
        "select story_id from story_articles where article_id = 'mw-lakeport-ice-1'"
    ).fetchone()[0]
    view = side_by_side(con, story_id)
    con.close()
    # the detainer policy announced: the first reports, from three outlets (one event; the op-eds and
    # follow-ups of the next weeks are stories of its thread)
    assert view is not None and view.kind == "story" and len(view.outlets) == 3
    assert [o.lean for o in view.outlets] == sorted(
        (o.lean for o in view.outlets), key=["left", "center", "right"].index
    )
    assert view.coverage["center"][1] == 2 and view.coverage["right"][1] == 1
    for o in view.outlets:
        assert o.emphasis and all(e.lift is not None for e in o.emphasis)
        # most emphasised first: the largest gap in points over the other coverage (not the largest ratio)
        assert o.emphasis == sorted(o.emphasis, key=lambda e: -(e.share - e.others_share))
        assert o.slant_score is not None and o.evidence
    assert len(view.stories) >= 3  # the Lakeport thread's other stories
    # a linked article shows its link score and the two parts it is made of
    result = runner.invoke(app, ["story", story_id, "--db", str(corpus_db)])
    assert result.exit_code == 0 and "joined with p=" in result.output
    assert "weakest link to the story's members" in result.output and "days apart" in result.output


def test_unknown_id_is_one_line_and_exit_1(corpus_copy):
    before = hashlib.sha256(corpus_copy.read_bytes()).hexdigest()
    result = runner.invoke(app, ["story", "st-nope", "--db", str(corpus_copy)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "st-nope" in lines[0] and "framewatch stories" in lines[0]
    assert hashlib.sha256(corpus_copy.read_bytes()).hexdigest() == before


def test_stories_lists_the_largest_with_span_and_lean(corpus_copy):
    # stories of one size list newest first, so a tie at the threshold may move one a row: room for that
    result = runner.invoke(app, ["stories", "--db", str(corpus_copy), "--limit", "8"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "0 articles assigned" in out and "threads" in out
    assert "Lakeport police to stop honoring" in out
    assert "C2 R1" in out  # the first Lakeport story: articles by lean
    con = connect(corpus_copy, read_only=True)
    headline = con.execute(
        "select headline from threads where thread_id = 'th-il-lakeport-ice-1'"
    ).fetchone()[0]
    con.close()
    assert headline in out and "Lakeport" in headline  # a thread is headlined by the subject it shares
    assert "framewatch story ID" in out


def test_blindspots_pass_a_bar_and_say_why(corpus_copy):
    """A blindspot is a story of 3+ articles from 2+ outlets, every link >= 0.5, one side only, its thread not
    covered by the other side nearby. The minimum-wage signing (3 articles, 2 left outlets and a center one)
    is none while a right outlet covered its thread that week; with no right outlet at all (every right
    lean prior read as center) it is one, and says why. A 2-article one-sided story with nothing nearby
    stays below the bar."""
    con = connect(corpus_copy)
    story = "st-fc-minimum-wage-1"
    assert con.execute("select count(*) from story_blindspots").fetchone()[0] == 0
    row = con.execute(
        "select n_articles, n_outlets, cohesion, covered_by, nearby_right, blindspot from story_coverage "
        "where story_id = ?",
        [story],
    ).fetchone()
    assert row[:2] == (3, 3) and row[2] >= 0.5 and row[3] == "left only" and row[4] > 0 and not row[5]
    # which 2-article stories are one-sided with nothing nearby depends on links at the threshold (the
    # embedding backend's rounding): every such story, and at least one exists
    small = con.execute(
        "select story_id, blindspot, blindspot_why from story_coverage where n_articles = 2 "
        "and covered_by in ('left only', 'right only') and nearby_left + nearby_right = 0"
    ).fetchall()
    assert small and all(not blind and why is None for _story, blind, why in small), small
    con.execute("update outlets set lean_prior = 'center' where lean_prior = 'right'")
    why = con.execute("select why from story_blindspots where story_id = ?", [story]).fetchone()[0]
    con.close()
    assert why.startswith("3 articles from 3 outlets, 2 of them left") and "no right outlet" in why
    result = runner.invoke(app, ["stories", "--db", str(corpus_copy)])
    assert result.exit_code == 0 and "blindspots: covered by one side only" in result.output
    blind = result.output[result.output.index("blindspots: covered by one side only") :]
    assert story in blind and "why it counts" in blind and "weakest link" in blind


def test_embeddings_record_their_backend_and_a_mix_of_backends_is_named(corpus_copy):
    """Each stored story embedding records the backend that computed it. One article embedded by another
    backend (as a second machine writing the same warehouse would) makes two; `framewatch stories` then warns
    that links near the threshold can differ between them and how to keep one. Rows from before backends
    were recorded count as unknown, not as a second backend."""
    from classifier.transformer.embedding import MODEL_NAME, StoryEmbedder, resolve_backend
    from flows.analysis.stories.grouping import mixed_backends, update_stories
    from warehouse.stories_store import embedding_backends

    here = resolve_backend()
    other = "onnx" if here != "onnx" else "onnx-int8"
    moved = "mw-lakeport-ice-1"
    con = connect(corpus_copy)
    try:
        n = con.execute("select count(*) from article_embeddings").fetchone()[0]
        assert embedding_backends(con, MODEL_NAME) == {here: n}
        assert mixed_backends(embedding_backends(con, MODEL_NAME)) is None
        con.execute("delete from article_embeddings where article_id = ?", [moved])
        con.execute("delete from story_articles where article_id = ?", [moved])
        assert update_stories(con, embedder=StoryEmbedder(other))["articles_assigned"] == 1
        assert embedding_backends(con, MODEL_NAME) == {here: n - 1, other: 1}
        warning = mixed_backends(embedding_backends(con, MODEL_NAME))
        assert warning and f"{here} {n - 1:,}" in warning and f"{other} 1" in warning, warning
        assert "FRAMEWATCH_EMBED_BACKEND" in warning
    finally:
        con.close()

    result = runner.invoke(app, ["stories", "--db", str(corpus_copy)])
    assert result.exit_code == 0, result.output
    assert "warning: story embeddings come from 2 backends" in " ".join(result.output.split())

    con = connect(corpus_copy)
    try:
        con.execute("update article_embeddings set backend = null where article_id = ?", [moved])
        assert embedding_backends(con, MODEL_NAME) == {here: n - 1, "unknown": 1}
        assert mixed_backends(embedding_backends(con, MODEL_NAME)) is None
    finally:
        con.close()
