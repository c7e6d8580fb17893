"""Split an article into paragraphs and segments, marking the model's evidence sentences.

Returns plain strings only: the template escapes them (never mark up text here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Segment:
    text: str
    labels: tuple[str, ...] = ()  # the frames/labels this sentence is evidence for; () = plain text


def evidence_sentences(evidence: Any) -> dict[str, list[str]]:
    """Sentence -> the labels it supports. Evidence may be {label: [sentence, ...]} (classifier.predict),
    {"frames": {label: [...]}, "slant": [...]}, or [{"label"|"frame": ..., "text"|"sentence": ...}]."""
    out: dict[str, list[str]] = {}

    def add(sentence: Any, label: str) -> None:
        if isinstance(sentence, Mapping):
            sentence = sentence.get("text") or sentence.get("sentence")
        if isinstance(sentence, str) and len(sentence.strip()) >= 12:
            out.setdefault(sentence.strip(), [])
            if label not in out[sentence.strip()]:
                out[sentence.strip()].append(label)

    if isinstance(evidence, Mapping):
        for key, value in evidence.items():
            if isinstance(value, Mapping):  # nested: {"frames": {frame: [...]}}
                for label, items in value.items():
                    for item in items if isinstance(items, list) else [items]:
                        add(item, str(label))
            elif isinstance(value, list):
                for item in value:
                    label = item.get("label") or item.get("frame") if isinstance(item, Mapping) else None
                    add(item, str(label or key))
            else:
                add(value, str(key))
    elif isinstance(evidence, list):
        for item in evidence:
            if isinstance(item, Mapping):
                add(item, str(item.get("label") or item.get("frame") or "evidence"))
    return out


def paragraphs(text: str, evidence: Any) -> list[list[Segment]]:
    """The text's paragraphs, each a list of segments; evidence sentences found verbatim are marked."""
    marks = evidence_sentences(evidence)
    out = []
    for para in [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]:
        spans: list[tuple[int, int, tuple[str, ...]]] = []
        for sentence, labels in marks.items():
            start = para.find(sentence)
            if start >= 0 and not any(s < start + len(sentence) and start < e for s, e, _ in spans):
                spans.append((start, start + len(sentence), tuple(labels)))
        spans.sort()
        segments, pos = [], 0
        for start, end, span_labels in spans:
            if start > pos:
                segments.append(Segment(para[pos:start]))
            segments.append(Segment(para[start:end], span_labels))
            pos = end
        if pos < len(para):
            segments.append(Segment(para[pos:]))
        out.append(segments)
    return out
