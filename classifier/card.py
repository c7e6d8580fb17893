"""Render a model card (README.md) from the provenance in card.json."""

from __future__ import annotations

from typing import Any

LIMITATIONS = [
    "Slant labels are AllSides *outlet* ratings given to every article of an outlet, not judgements of "
    "each article. The model is evaluated on outlets never seen in training (GroupKFold by outlet domain); "
    "expect far lower accuracy than a random split would suggest, and read slant as a weak signal.",
    "Outlet-specific terms (used by fewer than `min_outlets` outlets, or mostly by one outlet) are removed "
    "from the slant vocabulary so the model cannot simply recognise outlets.",
    "Frames come from the SemEval-2023 Task 3 training set only (six languages, ~1.2k articles); there is "
    "no held-out test set, so the figures are cross-validation estimates. The shared data has no primary "
    "frame labels: `primary_frame` is simply the most probable frame.",
    "Frames with too few training examples (e.g. `Other`) always get probability 0.",
    "Tone is lexicon-based (VADER, English only) until labeled tone data exists; other languages come out "
    "close to neutral.",
    "Bag-of-words models: negation, sarcasm and quoted speech are not understood; evidence sentences show "
    "which sentences score highest, not why.",
]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}"


def _files(section: dict[str, Any]) -> str:
    return ", ".join(f"`{f['name']}` ({f['rows']:,} rows)" for f in section.get("files", []))


def render_card(card: dict[str, Any]) -> str:
    """Markdown model card: data, metrics table, date, limitations."""
    data = card.get("data", {})
    frames_m = card.get("metrics", {}).get("frames", {})
    slant_m = card.get("metrics", {}).get("slant", {})
    lines = [
        f"# Model card: {card['version']}",
        "",
        f"- Kind: `{card.get('kind')}` (TF-IDF word 1-2 grams + logistic regression)",
        f"- Created: {card.get('created')}",
        f"- Codebook version: {card.get('codebook_version')}",
        f"- Training-data hash (sha256 of ids + labels): `{data.get('dataset_hash')}`",
        "",
        "## Data",
        "",
        f"- Frames: {_files(data.get('frames', {}))}; {data.get('frames', {}).get('rows', 0):,} labeled rows "
        f"used ({', '.join(f'{k} {v}' for k, v in frames_m.get('languages', {}).items())}).",
        f"- Slant: {_files(data.get('slant', {}))}; {data.get('slant', {}).get('rows', 0):,} labeled rows "
        f"used from {slant_m.get('n_outlets', 'n/a')} outlet domains.",
        "- Tone: no labeled data; VADER lexicon.",
        "",
        "## Metrics (cross-validation, percent)",
        "",
        "| task | protocol | metric | value |",
        "|---|---|---|---|",
        f"| frames | {frames_m.get('protocol', '')} | micro-F1, all languages "
        f"| {_pct(frames_m.get('micro_f1'))} |",
        f"| frames | same folds | macro-F1, all languages | {_pct(frames_m.get('macro_f1'))} |",
        f"| frames | same folds | micro-F1, English only | {_pct(frames_m.get('en_micro_f1'))} |",
        f"| frames | same folds | macro-F1, English only | {_pct(frames_m.get('en_macro_f1'))} |",
        f"| slant | {slant_m.get('protocol', '')} | macro-F1 | {_pct(slant_m.get('macro_f1'))} |",
        f"| slant | same folds | accuracy | {_pct(slant_m.get('accuracy'))} |",
        f"| slant | same folds | majority-class accuracy | {_pct(slant_m.get('majority_accuracy'))} |",
        "",
    ]
    per_frame = frames_m.get("per_frame_f1", {})
    if per_frame:
        lines += ["### Frames: per-frame F1 and decision threshold", ""]
        lines += ["| frame | F1 | threshold |", "|---|---|---|"]
        thresholds = card.get("thresholds", {})
        for name, f1 in per_frame.items():
            lines.append(f"| {name} | {_pct(f1)} | {thresholds.get(name, 'n/a')} |")
        lines.append("")
    per_class = slant_m.get("per_class_f1", {})
    if per_class:
        lines += ["### Slant: per-class F1", "", "| class | F1 |", "|---|---|"]
        lines += [f"| {name} | {_pct(f1)} |" for name, f1 in per_class.items()]
        lines.append("")
    tone = card.get("tone", {})
    lines += [
        "## Tone",
        "",
        f"{tone.get('method', 'VADER')}: score in [-1, 1]; negative below {tone.get('negative_below')}, "
        f"positive above {tone.get('positive_above')}, neutral in between. Lexicon-based until labeled tone "
        "data exists.",
        "",
        *card_footer(LIMITATIONS, card),
    ]
    return "\n".join(lines)


def card_footer(limitations: list[str] | tuple[str, ...], card: dict[str, Any]) -> list[str]:
    """The model card's closing sections: limitations and library versions (shared by every model kind)."""
    return [
        "## Limitations",
        "",
        *[f"- {item}" for item in limitations],
        "",
        "## Libraries",
        "",
        ", ".join(f"{k} {v}" for k, v in card.get("libraries", {}).items()),
        "",
    ]
