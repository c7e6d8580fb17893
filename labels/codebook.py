"""The codebook as data: load `codebook.toml` and validate labels against it."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

CODEBOOK_PATH = Path(__file__).with_name("codebook.toml")


class LabelError(ValueError):
    """A label that the codebook does not know."""


@dataclass(frozen=True)
class Frame:
    key: str
    name: str
    definition: str
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class Guide:
    """Definition, include/exclude guidance and examples for one slant or tone label."""

    label: str
    definition: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class LabelSet:
    """One article's labels, validated: frames in codebook order, primary among them."""

    frames: tuple[str, ...]
    primary_frame: str
    slant: str
    tone: str


@dataclass(frozen=True)
class Codebook:
    version: str
    frames: tuple[Frame, ...]
    slant_labels: tuple[str, ...]
    tone_labels: tuple[str, ...]
    slant_definition: str = ""
    tone_definition: str = ""
    slant_guide: tuple[Guide, ...] = ()
    tone_guide: tuple[Guide, ...] = ()
    guidance: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)

    @property
    def frame_names(self) -> list[str]:
        return [f.name for f in self.frames]

    def frame_by_name(self, name: str) -> Frame:
        return self._frame_where(lambda f: f.name, name, "frame", "frames")

    def frame_by_key(self, key: str) -> Frame:
        return self._frame_where(lambda f: f.key, key, "frame key", "keys")

    def _frame_where(self, field: Callable[[Frame], str], value: str, what: str, valid: str) -> Frame:
        """The first frame whose `field` is `value`; else a LabelError that lists every valid one."""
        for frame in self.frames:
            if field(frame) == value:
                return frame
        raise LabelError(
            f"unknown {what} {value!r}; valid {valid} (codebook {self.version}): "
            f"{', '.join(field(f) for f in self.frames)}"
        )

    def frame(self, name_or_key: str) -> Frame:
        """A frame by its MFC name or its key (imports accept either)."""
        for frame in self.frames:
            if name_or_key in (frame.name, frame.key):
                return frame
        return self.frame_by_name(name_or_key)

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

    def validate_labels(
        self, frames: Iterable[str], primary_frame: str | None, slant: str, tone: str
    ) -> LabelSet:
        """A complete label for one article: at least one frame (name or key), the primary frame among
        them (defaults to the first when there is only one), a slant and a tone. Raises LabelError."""
        names = {self.frame(str(f)).name for f in frames}
        if not names:
            raise LabelError("no frame chosen: tick at least one frame (use 'Other' when none fits)")
        ordered = tuple(n for n in self.frame_names if n in names)
        if not primary_frame:
            if len(ordered) != 1:
                raise LabelError(f"choose a primary frame among {', '.join(ordered)}")
            primary = ordered[0]
        else:
            primary = self.frame(primary_frame).name
        if primary not in names:
            raise LabelError(
                f"primary frame {primary!r} is not among the chosen frames ({', '.join(ordered)})"
            )
        return LabelSet(ordered, primary, self.validate_slant(slant), self.validate_tone(tone))


def load_codebook(path: Path | None = None) -> Codebook:
    return _load(str(path or CODEBOOK_PATH))


def _strings(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    return tuple(str(x) for x in data.get(key, ()))


def _guides(section: Mapping[str, Any], labels: tuple[str, ...], what: str, path: str) -> tuple[Guide, ...]:
    guide = section.get("guide", {})
    unknown = set(guide) - set(labels)
    if unknown:
        raise LabelError(f"{path}: [{what}.guide] names labels not in {what}.labels: {sorted(unknown)}")
    return tuple(
        Guide(
            label,
            str(guide.get(label, {}).get("definition", "")),
            _strings(guide.get(label, {}), "include"),
            _strings(guide.get(label, {}), "exclude"),
            _strings(guide.get(label, {}), "examples"),
        )
        for label in labels
    )


@lru_cache(maxsize=4)
def _load(path: str) -> Codebook:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    frames = tuple(
        Frame(
            f["key"],
            f["name"],
            f["definition"],
            _strings(f, "include"),
            _strings(f, "exclude"),
            _strings(f, "examples"),
        )
        for f in data["frame"]
    )
    for attr in ("key", "name"):
        values = [getattr(f, attr) for f in frames]
        if len(set(values)) != len(values):
            raise LabelError(f"{path}: frame {attr}s must be unique")
    slant_labels = tuple(data["slant"]["labels"])
    tone_labels = tuple(data["tone"]["labels"])
    return Codebook(
        version=data["version"],
        frames=frames,
        slant_labels=slant_labels,
        tone_labels=tone_labels,
        slant_definition=str(data["slant"].get("definition", "")),
        tone_definition=str(data["tone"].get("definition", "")),
        slant_guide=_guides(data["slant"], slant_labels, "slant", path),
        tone_guide=_guides(data["tone"], tone_labels, "tone", path),
        guidance={str(k): str(v) for k, v in data.get("guidance", {}).items()},
    )
