"""Render a model card (README.md) from the provenance in card.json: what each head is, the data, the
evaluation protocol's figures beside the plain reference, what was tried, limitations, libraries."""

from __future__ import annotations

from typing import Any

LIMITATIONS = [
    "Slant labels are AllSides *outlet* ratings given to every article of an outlet, not judgements of "
    "each article. Every slant figure is measured on outlets the model never saw (folds grouped by outlet, "
    "and the AllSides dev outlets as a second check); read an article's slant as a weak signal and compare "
    "outlets over many articles (slant_share, with its interval).",
    "Outlet cues (names, domains, bylines, datelines, credits, promos, house boilerplate) are stripped "
    "before slant is scored, so the model cannot recognise outlets by name; an outlet's house style can "
    "still leak through its wording.",
    "Frames come from the SemEval-2023 Task 3 training set only (six languages, ~1.2k articles); there is "
    "no held-out test set, so the figures are cross-validation estimates. The shared data has no primary "
    "frame labels: `primary_frame` is simply the most probable frame.",
    "Frame shares are the mean calibrated probability: accurate where groups differ in wording, but pulled "
    "toward the training average when an outlet frames the same events differently without different "
    "words (worst for Public opinion, Policy prescription, Fairness). Read small differences as indicative.",
    "Tone is lexicon-based (VADER, English only) until labeled tone data exists; other languages come out "
    "close to neutral.",
    "Bag-of-words models: negation, sarcasm and quoted speech are not understood; evidence sentences show "
    "the article sentences in which a label stands out most, not why.",
]

HEADS = {
    "calibrated-char-tfidf": "character 2-5 gram TF-IDF, a logistic regression per frame, Platt calibration "
    "with per-language intercepts, one global threshold plus the most probable frame",
    "cue-stripped-tfidf": "outlet cues stripped (names, bylines, datelines, credits, house boilerplate), "
    "word 1-2 grams used by many training outlets and owned by none (`min_outlets`, `max_outlet_share` in "
    "the card's params), a log-loss linear model with capped outlet weights and balanced classes",
}


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}"


def _files(section: dict[str, Any]) -> str:
    return ", ".join(f"`{f['name']}` ({f['rows']:,} rows)" for f in section.get("files", []))


def render_card(card: dict[str, Any]) -> str:
    """Markdown model card."""
    data = card.get("data", {})
    evaluation = card.get("evaluation", {})
    heads = card.get("heads", {})
    lines = [
        f"# Model card: {card['version']}",
        "",
        f"- Kind: `{card.get('kind')}`; created {card.get('created')}; "
        f"codebook {card.get('codebook_version')}",
        f"- Training-data hash (sha256 of ids + labels): `{data.get('dataset_hash')}`",
        *[f"- {task}: `{name}` ({HEADS.get(name, name)})" for task, name in heads.items()],
        "- tone: VADER lexicon (no labeled tone data exists)",
        "",
        "## Data",
        "",
        f"- Frames: {_files(data.get('frames', {}))}; "
        f"{data.get('frames', {}).get('rows', 0):,} labeled rows.",
        f"- Slant: {_files(data.get('slant', {}))}; {data.get('slant', {}).get('rows', 0):,} labeled rows "
        f"from {data.get('slant', {}).get('outlets', 'n/a')} outlet domains.",
        "",
    ]
    if evaluation:
        lines += [
            "## Evaluation (the protocol: the model, the plain reference and the promoted model, one run)",
            "",
        ]
        lines += [f"- {k}: {v}" for k, v in evaluation.get("protocol", {}).items()]
        lines += ["", "```", evaluation.get("summary", ""), "```", ""]
        decision = card.get("decision", {})
        if "promote" in decision:
            verdict = "may be promoted" if decision["promote"] else "may NOT be promoted"
            lines += [
                f"Promotion rule (classifier.versions.promotion): the model {verdict}: {decision['reason']}",
                "",
            ]
            lines += [f"- note: {n}" for n in decision.get("notes", [])]
            lines += [""] if decision.get("notes") else []
        elif decision:  # cards written before the rule had intervals
            verdict = "beats" if decision.get("beats_reference") else "does NOT beat"
            lines += [f"On these figures the model {verdict} the plain reference everywhere.", ""]
    thresholds = card.get("thresholds", {})
    if thresholds:
        lines += ["## Frame decision thresholds (on calibrated probabilities)", ""]
        lines += ["| frame | threshold |", "|---|---|"]
        lines += [f"| {name} | {value:.2f} |" for name, value in thresholds.items()]
        lines.append("")
    tried = card.get("what_was_tried")
    if tried:
        lines += ["## What was tried", "", *tried, ""]
    tone = card.get("tone", {})
    lines += [
        "## Tone",
        "",
        f"{tone.get('method', 'VADER')}: score in [-1, 1]; negative below {tone.get('negative_below')}, "
        f"positive above {tone.get('positive_above')}, neutral in between.",
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
