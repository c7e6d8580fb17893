"""The model's own error as measured on held-out data (its card's evaluation), in words for people: an
interval over articles covers sampling only, so the report and the outlet table show this beside it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class HeldOutError:
    version: str
    frame_share_mae: float | None  # mean absolute error of a frame share (0..1) on held-out cells
    slant_macro_f1: float | None  # articles of outlets the model never saw
    outlet_spearman: float | None  # ranking of unseen outlets against their labels
    outlet_spearman_rating: float | None  # ... against their AllSides rating
    protocol: str

    def frames_line(self) -> str:
        if self.frame_share_mae is None:
            return f"the held-out error of {self.version}'s frame shares is not on its card"
        return (
            f"frame shares of {self.version} were off by {100 * self.frame_share_mae:.1f} points on average "
            "on held-out data (mean absolute error over language x frame cells)"
        )

    def slant_line(self) -> str:
        if self.slant_macro_f1 is None and self.outlet_spearman is None:
            return f"the held-out error of {self.version}'s slant is not on its card"
        parts = []
        if self.slant_macro_f1 is not None:
            parts.append(f"macro-F1 {self.slant_macro_f1:.2f} on articles of outlets it never saw")
        if self.outlet_spearman_rating is not None:
            parts.append(
                f"unseen outlets ranked against AllSides at Spearman {self.outlet_spearman_rating:.2f}"
            )
        elif self.outlet_spearman is not None:
            parts.append(f"unseen outlets ranked against their labels at Spearman {self.outlet_spearman:.2f}")
        return f"slant of {self.version}: " + "; ".join(parts) + ": read slant scores as rough positions"


def _get(data: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def from_card(card: Mapping[str, Any]) -> HeldOutError:
    """The held-out figures of a model card (composite and transformer cards alike; missing ones None)."""
    decision = card.get("decision") or {}
    slant = _get(card, "evaluation", "slant", "model") or {}
    mae = _num(_get(decision, "frame share MAE", "model"))
    if mae is None:
        mae = _num(_get(card, "evaluation", "frames", "model", "prevalence", "language", "mae"))
    f1 = _num(_get(decision, "slant macro-F1", "model"))
    if f1 is None:
        f1 = _num(_get(slant, "article", "macro_f1"))
    return HeldOutError(
        version=str(card.get("version") or "?"),
        frame_share_mae=mae,
        slant_macro_f1=f1,
        outlet_spearman=_num(_get(slant, "outlet", "spearman")),
        outlet_spearman_rating=_num(_get(slant, "outlet", "spearman_rating")),
        protocol=str(_get(card, "evaluation", "protocol", "slant") or ""),
    )


def held_out_error(version: str | None, models_dir: Path | str | None = None) -> HeldOutError | None:
    """The held-out error of a registered version, or None when it is not in the registry (its card
    unreadable: say the error is not known)."""
    if not version:
        return None
    from classifier import registry

    try:
        return from_card(registry.load_card(registry.model_dir(version, models_dir, verify=False)))
    except registry.RegistryError:
        return None
