"""What preprocessing removes from texts before encoding: outlet names and domains (collapsed to one
[MASK] token, so a model cannot learn to recognise outlets by name) and boilerplate lines (dropped)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from classifier.cues import outlet_pattern
from classifier.transformer.chunking import boilerplate_hashes


@dataclass(frozen=True)
class Preprocessing:
    """What is removed from texts before encoding: outlet names (masked) and boilerplate lines (dropped)."""

    outlet_names: tuple[str, ...] = ()
    boilerplate: frozenset[str] = frozenset()

    def pattern(self) -> re.Pattern[str] | None:
        return outlet_pattern(self.outlet_names) if self.outlet_names else None

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for name in sorted(self.outlet_names):
            h.update(name.encode() + b"\0")
        for line in sorted(self.boilerplate):
            h.update(line.encode() + b"\1")
        return h.hexdigest()[:16]

    def to_json(self) -> dict[str, list[str]]:
        return {"outlet_names": sorted(self.outlet_names), "boilerplate_line_sha1": sorted(self.boilerplate)}

    @classmethod
    def from_json(cls, data: dict[str, list[str]]) -> Preprocessing:
        return cls(tuple(data.get("outlet_names", [])), frozenset(data.get("boilerplate_line_sha1", [])))


def build_preprocessing(
    texts: Sequence[str], names: Sequence[str], mask_outlets: bool, boilerplate_min_docs: int
) -> Preprocessing:
    hashes = boilerplate_hashes(texts, min_docs=boilerplate_min_docs) if boilerplate_min_docs > 0 else set()
    return Preprocessing(tuple(names) if mask_outlets else (), frozenset(hashes))
