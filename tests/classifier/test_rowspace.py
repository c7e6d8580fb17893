"""Logistic regression in the row space of a wide sparse matrix reaches the optimum of the fit on its
columns: same coefficients and probabilities, with class weights and the unpenalised intercept."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from classifier.rowspace import RowSpace


def _problem(rows: int = 60, cols: int = 3000) -> tuple[sp.csr_matrix, np.ndarray]:
    rng = np.random.default_rng(0)
    X = sp.random(rows, cols, density=0.02, random_state=1, format="csr", dtype=np.float64)
    X = sp.vstack([X, X[:5]]).tocsr()  # repeated rows: a rank below the row count
    truth = rng.normal(size=cols)
    y = (X @ truth + rng.normal(scale=0.5, size=X.shape[0]) > 0.3).astype(int)
    return X, y


def test_the_row_space_fit_is_the_column_fit():
    X, y = _problem()
    space = RowSpace(X)
    assert RowSpace.pays(X) and space.features.shape == (X.shape[0], 60)  # 5 repeated rows add no rank
    settings = dict(C=10.0, class_weight="balanced", max_iter=100_000, tol=1e-10)
    wide = LogisticRegression(**settings).fit(X, y)
    narrow = LogisticRegression(**settings).fit(space.features, y)
    w = space.weights(narrow.coef_[0])
    assert np.abs(w - wide.coef_[0]).max() < 1e-4 * np.abs(wide.coef_[0]).max()
    assert abs(narrow.intercept_[0] - wide.intercept_[0]) < 1e-4
    unseen = sp.random(20, X.shape[1], density=0.02, random_state=2, format="csr")
    p_wide = wide.predict_proba(unseen)[:, 1]
    p_narrow = 1 / (1 + np.exp(-(unseen @ w + narrow.intercept_[0])))
    assert np.abs(p_wide - p_narrow).max() < 1e-5


def test_only_wide_sparse_matrices_go_to_the_row_space():
    X, _ = _problem()
    assert not RowSpace.pays(X.T.tocsr())  # more rows than columns
    assert not RowSpace.pays(X.toarray())  # dense (sentence vectors): fitted as they are
    assert not RowSpace.pays(sp.csr_matrix((3, 10)))  # no entry at all
