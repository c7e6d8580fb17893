"""The story embedding of an article does not depend on the articles it is scored with: the int8 graph
quantizes activations over its whole input, so it runs each text alone (before, one article's embedding
agreed only to cosine 0.983 between batches, and a story link at the threshold depended on which articles a
run scored together, or on the runner)."""

from __future__ import annotations

import numpy as np
import pytest

from classifier.transformer.embedding import embed_articles, shared_embedder

ITEMS = [
    ("Senate passes budget", "The Senate passed the budget bill late on Tuesday by 51 votes to 49."),
    ("Storm hits coast", " ".join(["The storm flooded the harbour and closed the schools."] * 30)),
    ("Court rules on map", "The court struck down the district map, saying it diluted minority votes."),
    ("", "A short note."),
    ("Jobs report", " ".join(["Employers added 250,000 jobs and wages rose 0.3 percent."] * 12)),
]


@pytest.mark.parametrize("backend", ["onnx-int8", "onnx"])
def test_an_articles_embedding_is_the_same_in_any_batch(backend: str) -> None:
    embedder = shared_embedder(backend)
    together = embed_articles(embedder, ITEMS)
    alone = np.vstack([embed_articles(embedder, [item]) for item in ITEMS])
    reversed_ = embed_articles(embedder, ITEMS[::-1])[::-1]
    np.testing.assert_allclose(together, alone, atol=1e-5)
    np.testing.assert_allclose(together, reversed_, atol=1e-5)
    assert np.allclose(np.linalg.norm(together, axis=1), 1, atol=1e-5)
    # different texts, different vectors: the check above is not met by a constant
    assert float(together[0] @ together[1]) < 0.9


def test_texts_run_side_by_side_give_the_states_they_give_one_by_one() -> None:
    """With two threads the int8 graph runs two texts at once, one thread each (faster on 2 cores than two
    threads on one short text); each text still runs alone, so its embedding is the one it has alone."""
    from classifier.transformer.embedding import StoryEmbedder

    side_by_side = StoryEmbedder("onnx-int8", threads=2)
    one_by_one = StoryEmbedder("onnx-int8", threads=1)
    together = embed_articles(side_by_side, ITEMS)
    assert side_by_side._encoder.side_by_side == 2 and one_by_one._encoder is None
    np.testing.assert_allclose(together, embed_articles(one_by_one, ITEMS), atol=1e-6)
    assert one_by_one._encoder.side_by_side == 1


def test_the_score_flow_embeds_while_it_scores_and_gets_the_same_vectors() -> None:
    """score_rows computes the story embedding in a thread beside the predictions; the rows it returns hold
    the embedder's vectors for the articles that need one, and only those."""
    from classifier.versions.load import load_scorer
    from flows.score import score_rows
    from warehouse.load import ArticleText

    embedder = shared_embedder("onnx-int8")
    batch = [ArticleText(f"a{i}", title, text, "en") for i, (title, text) in enumerate(ITEMS)]
    scoring = score_rows(load_scorer(None), batch, "run-1", frozenset({"a0", "a2", "a4"}), embedder)
    rows = scoring.embeddings.to_pylist()
    assert [r["article_id"] for r in rows] == ["a0", "a2", "a4"]
    got = np.array([r["embedding"] for r in rows], np.float32)
    np.testing.assert_allclose(got, embed_articles(embedder, [ITEMS[0], ITEMS[2], ITEMS[4]]), atol=1e-6)
    assert len(scoring.bodies) == len(ITEMS)
