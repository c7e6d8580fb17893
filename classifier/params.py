"""What scikit-learn's BaseEstimator gives our models, without importing scikit-learn where a model only
scores (classifier.textvec says why): `get_params`/`set_params` from `__init__`'s arguments, so that
`sklearn.base.clone` copies an unfitted model for each fold, and a check that a model was fitted."""

from __future__ import annotations

import inspect
from typing import Any


class NotFittedError(ValueError, AttributeError):
    """A model used before `fit` (or `from_state`); as scikit-learn's, both a ValueError and an
    AttributeError."""


class Params:
    """Parameters are `__init__`'s keyword arguments, kept as given under the same names (no logic in
    `__init__`, as scikit-learn asks)."""

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(
            p.name
            for p in signature.parameters.values()
            if p.name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Any:
        known = set(self._param_names())
        for name, value in params.items():
            if name not in known:
                raise ValueError(f"{type(self).__name__} has no parameter {name!r}; it has {sorted(known)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()}
        changed = {
            k: v
            for k, v in self.get_params().items()
            if not _same(v, defaults.get(k, inspect.Parameter.empty))
        }
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in changed.items())})"


def _same(value: Any, default: Any) -> bool:
    try:
        return bool(value == default)
    except Exception:  # arrays and the like: shown
        return False


def check_fitted(model: Any, attribute: str) -> None:
    if not hasattr(model, attribute):
        raise NotFittedError(
            f"this {type(model).__name__} is not fitted yet: call fit (or load a saved one) before using it"
        )
