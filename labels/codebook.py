"""The codebook as data: load `codebook.toml` and validate labels against it."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CODEBOOK_PATH = Path(__file__).with_name("codebook.toml")


class LabelError(ValueError):
    """A label that the codebook does not know."""


@dataclass(frozen=True)
class Frame:
    key: str
    name: str
    definition: str


@dataclass(frozen=True)
class Codebook:
    version: str
    frames: tuple[Frame, ...]
    slant_labels: tuple[str, ...]
    tone_labels: tuple[str, ...]

    @property
    def frame_names(self) -> list[str]:
        return [f.name for f in self.frames]

    def frame_by_name(self, name: str) -> Frame:
        for frame in self.frames:
            if frame.name == name:
                return frame
        raise LabelError(
            f"unknown frame {name!r}; valid frames (codebook {self.version}): {', '.join(self.frame_names)}"
        )

    def validate_frames(self, names: list[str]) -> list[str]:
        return [self.frame_by_name(n).name for n in names]

    def validate_slant(self, label: str) -> str:
        if label not in self.slant_labels:
            raise LabelError(f"unknown slant {label!r}; use one of {', '.join(self.slant_labels)}")
        return label

    def validate_tone(self, label: str) -> str:
        if label not in self.tone_labels:
            raise LabelError(f"unknown tone {label!r}; use one of {', '.join(self.tone_labels)}")
        return label


def load_codebook(path: Path | None = None) -> Codebook:
    return _load(str(path or CODEBOOK_PATH))


@lru_cache(maxsize=4)
def _load(path: str) -> Codebook:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    frames = tuple(Frame(f["key"], f["name"], f["definition"]) for f in data["frame"])
    return Codebook(
        version=data["version"],
        frames=frames,
        slant_labels=tuple(data["slant"]["labels"]),
        tone_labels=tuple(data["tone"]["labels"]),
    )
