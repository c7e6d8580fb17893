"""The calibrated frame model: the fast char n-gram transform equals scikit-learn's, probabilities are
calibrated (their mean tracks the true share), decisions use one threshold plus the top frame, a language
the model never saw still scores, and the saved state (JSON + arrays, no pickle) scores identically."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from classifier.charngrams import CharNgramTfidf
from classifier.frames import CalibratedFrames
from classifier.thresholds import decide_frames


def test_fast_char_ngrams_equal_scikit_learn_on_unseen_text():
    train = [
        "The council voted to raise taxes.",
        "Police arrested two men after the robbery!",
        "ça va, l'été",
    ]
    test = ["Taxes rose; police said the council's vote was final.", "", "l'été à Paris", "x"]
    fast = CharNgramTfidf().fit(train + train)  # min_df 2: every gram of the training texts
    ref = fast.vectorizer().fit(train + train)
    assert abs(fast.transform(test) - ref.transform(test)).max() < 1e-6
    assert abs(fast.transform(test[:2]) - ref.transform(test[:2])).max() < 1e-6  # cached words reused


def _same_as_scikit_learn(fast: CharNgramTfidf, texts: list[str], unseen: list[str]) -> None:
    ref = fast.vectorizer().fit(texts)
    assert fast.vocabulary_ == {g: int(i) for g, i in ref.vocabulary_.items()}
    assert np.array_equal(fast.idf_, ref.idf_.astype(np.float32))
    for docs in (texts[:10], unseen):
        assert abs(fast.transform(docs) - ref.transform(docs)).max() < 1e-6


def test_fast_fit_equals_scikit_learn_alone_and_with_a_shared_word_cache(semeval):
    """The vocabulary and idf per distinct word are scikit-learn's exactly: one fit alone, and overlapping
    fits sharing a word cache (the protocol's folds), each also transforming as scikit-learn does."""
    from classifier.charngrams import word_cache
    from classifier.data import texts_of

    texts = texts_of(semeval.iloc[:50])
    unseen = texts_of(semeval.iloc[50:60])
    _same_as_scikit_learn(CharNgramTfidf().fit(texts[:30]), texts[:30], unseen)
    with word_cache() as cache:
        for part in (texts[:30], texts[20:50], texts[::2]):
            _same_as_scikit_learn(CharNgramTfidf().fit(part), part, unseen)
        words = len(cache.word_id)
        CharNgramTfidf().fit(texts[:30])
        assert len(cache.word_id) == words  # seen words are not listed again
    with pytest.raises(ValueError, match="no words"):
        CharNgramTfidf().fit(["", "  "])
    with pytest.raises(ValueError, match="2 or more"):
        CharNgramTfidf().fit(["abc", "xyz"])


@pytest.fixture(scope="module")
def semeval(shared_files: tuple[Path, Path]) -> pd.DataFrame:
    from classifier.data import frame_rows, load_labeled

    return frame_rows(load_labeled(shared_files[0])).sample(500, random_state=0).reset_index(drop=True)


@pytest.fixture(scope="module")
def fitted(semeval: pd.DataFrame) -> tuple[CalibratedFrames, pd.DataFrame, pd.DataFrame]:
    from classifier.data import texts_of

    train, test = semeval.iloc[:380], semeval.iloc[380:].reset_index(drop=True)
    model = CalibratedFrames(inner_folds=3).fit(
        texts_of(train), train["frames"].tolist(), train["language"].tolist()
    )
    return model, train, test


def test_calibrated_shares_track_the_true_shares(fitted):
    from classifier.data import texts_of

    model, _train, test = fitted
    probs = model.predict_proba(texts_of(test), test["language"].tolist())
    Y = np.array([[f in set(row) for f in model.frame_names_] for row in test["frames"]], dtype=float)
    err_mean = np.abs(probs.mean(0) - Y.mean(0))[model.trained_].mean()
    counted = np.abs(decide_frames(probs, model.threshold_).mean(0) - Y.mean(0))[model.trained_].mean()
    assert err_mean < 0.06 and err_mean < counted  # the mean probability estimates shares better than counts
    assert 0.05 <= model.threshold_ <= 0.95
    decided = model.predict(texts_of(test), test["language"].tolist())
    assert (decided.sum(1) >= 1).all() and decided.sum(1).mean() < 6  # never empty, no saturation


def test_unknown_language_and_missing_languages_still_score(fitted):
    model, _train, _test = fitted
    a = model.predict_proba(["Le gouvernement a voté le budget."], ["xx"])
    b = model.predict_proba(["Le gouvernement a voté le budget."])
    assert a.shape == (1, len(model.frame_names_)) and np.allclose(a, b)


def test_saved_state_scores_identically(fitted, tmp_path):
    from safetensors.numpy import load_file, save_file

    from classifier.data import texts_of

    model, _train, test = fitted
    meta, arrays = model.to_state()
    (tmp_path / "frames.json").write_text(json.dumps(meta), encoding="utf-8")
    save_file(arrays, str(tmp_path / "frames.safetensors"))
    back = CalibratedFrames.from_state(
        json.loads((tmp_path / "frames.json").read_text(encoding="utf-8")),
        load_file(str(tmp_path / "frames.safetensors")),
    )
    texts, langs = texts_of(test), test["language"].tolist()
    assert np.allclose(back.predict_proba(texts, langs), model.predict_proba(texts, langs), atol=1e-6)
    assert back.threshold_ == model.threshold_
