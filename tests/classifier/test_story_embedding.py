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
