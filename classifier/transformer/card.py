"""Render the README.md model card of a transformer model from its card.json."""

from __future__ import annotations

from typing import Any

from classifier.card import card_footer

LIMITATIONS = [
    "Only the top encoder layer(s) are fine-tuned (a copy per task), on top of frozen lower layers whose "
    "states are computed once: full fine-tuning did not fit the 2-core CPU budget. The directory stores "
    "only the fine-tuned layers (float16) and the heads: scoring loads the rest from the installed base "
    "model and refuses one whose fingerprint differs.",
    "The default encoder is English-only; non-English SemEval articles are tokenized into sub-word "
    "fragments and score poorly. Read the per-language figures before trusting other languages.",
    "Slant labels are AllSides outlet ratings given to every article of an outlet. The slant model is "
    "trained on at most N articles per outlet and evaluated on outlets unseen in training (GroupKFold by "
    "outlet_domain); outlet names are masked and recurring boilerplate lines dropped before encoding.",
    "Frame thresholds come from a held-out share of the training data, which the fine-tuned model does not "
    "train on (the cross-validation folds use the same recipe as the final model).",
    "The shared data has no primary-frame labels: `primary_frame` is the most probable frame.",
    "Tone has no labeled data: it is the baseline's VADER lexicon score, not a transformer output.",
    "Evidence sentences rank sentences by the heads applied to each sentence's pooled token states from the "
    "same forward pass; they show what the model reacts to, not why.",
]

FROZEN_LIMITATION = (
    "The encoder is frozen: chunk embeddings are computed once and only the attention-pooling heads are "
    "trained. The directory holds no encoder weights unless ONNX was exported: scoring loads the installed "
    "base model and refuses one whose fingerprint differs."
)


def _encoder_line(card: dict[str, Any]) -> str:
    ft = card.get("finetune") or {}
    if ft.get("layers"):
        return (
            f"top {ft['layers']} encoder layer(s) fine-tuned per task ({', '.join(ft.get('tasks', []))}), "
            "lower layers frozen"
        )
    return "frozen encoder"


def _pct(value: Any) -> str:
    return "n/a" if not isinstance(value, int | float) else f"{100 * value:.1f}"


def render_transformer_card(card: dict[str, Any]) -> str:
    cfg = card.get("config", {})
    data = card.get("data", {})
    m = card.get("metrics", {})
    fr, sl = m.get("frames", {}), m.get("slant", {})
    lines = [
        f"# Model card: {card['version']}",
        "",
        f"- Kind: `{card.get('kind')}`: {_encoder_line(card)} over {cfg.get('max_length')}-token windows "
        f"(up to {cfg.get('infer_max_chunks')} per article when scoring, spread over the article), "
        "attention-pooled, MLP heads for frames (sigmoid, tuned thresholds) and slant (softmax)",
        f"- Base model: {card.get('base_model_name') or card.get('base_model')} "
        f"(fingerprint `{card.get('base_model_fingerprint')}`)",
        f"- Created: {card.get('created')}",
        f"- Codebook version: {card.get('codebook_version')}",
        f"- Training-data hash (sha256 of ids + labels): `{data.get('dataset_hash')}`",
        f"- Files: {', '.join(f'`{v}`' for v in card.get('files', {}).values())}",
        "",
        "## Data",
        "",
        f"- Frames: {data.get('frames', {}).get('rows', 0):,} articles "
        f"({', '.join(data.get('frames', {}).get('files', []))}).",
        f"- Slant: {data.get('slant', {}).get('rows', 0):,} articles, "
        f"{data.get('slant', {}).get('sampling', '')}.",
        "- Tone: no labeled data; VADER lexicon (the baseline's tone scorer).",
        "",
        "## Metrics (cross-validation, percent)",
        "",
        "| task | protocol | metric | value |",
        "|---|---|---|---|",
        f"| frames | {fr.get('protocol', '')} | micro-F1, all languages | {_pct(fr.get('micro_f1'))} |",
        f"| frames | same folds | macro-F1, all languages | {_pct(fr.get('macro_f1'))} |",
        "| frames | same folds | micro-F1, English | "
        f"{_pct(fr.get('by_language', {}).get('en', {}).get('micro_f1'))} |",
        f"| frames | same folds | ECE (all frame decisions) | {_pct(fr.get('calibration', {}).get('ece'))} |",
        f"| slant | {sl.get('protocol', '')} | macro-F1 | {_pct(sl.get('macro_f1'))} |",
        f"| slant | same folds | accuracy | {_pct(sl.get('accuracy'))} |",
        f"| slant | same folds | ECE (top class) | {_pct(sl.get('calibration', {}).get('ece'))} |",
        "",
    ]
    bench = card.get("benchmark")
    if bench:
        lines += [
            "## Benchmark against the baseline (same run, same folds)",
            "",
            "```",
            bench.get("summary", ""),
            "```",
            "",
        ]
    speed = card.get("speed_benchmark")
    if speed:
        lines += [
            f"## Scoring speed ({speed.get('n')} articles of ~{speed.get('mean_words', 0):.0f} words, "
            f"{speed.get('threads')} CPU threads, full scorer incl. evidence and tone)",
            "",
            *(
                [
                    f"Plain PyTorch fp32: encoder batches of {speed['reference_max_tokens']} tokens "
                    "in input order; the other "
                    f"paths: length-sorted batches of {speed['max_tokens']} tokens (the scorer's default)."
                    + (
                        f" The paths took turns on {speed['rounds']} rounds of the articles."
                        if speed.get("rounds")
                        else ""
                    ),
                    "",
                ]
                if "max_tokens" in speed
                else []
            ),
            "| path | articles/s | vs plain PyTorch fp32 | vs fp32 with the same batches | "
            "agreement with fp32 (frame sets / slant) |",
            "|---|---|---|---|---|",
            f"| baseline TF-IDF | {speed.get('baseline_articles_per_s', 0):.1f} | | | |",
            f"| plain PyTorch fp32 | {speed.get('torch_fp32_articles_per_s', 0):.1f} | 1.00x | | reference |",
        ]
        for key, label in (
            ("torch_fp32_sorted", "PyTorch fp32, length-sorted"),
            ("torch_bf16", "PyTorch bf16 autocast"),
            ("onnx_fp32", "ONNX Runtime fp32"),
            ("onnx_int8", "ONNX Runtime int8 (dynamic)"),
        ):
            if f"{key}_articles_per_s" in speed:
                agree = speed.get(f"{key}_vs_torch_fp32_agreement", {})
                same = speed.get(f"speedup_{key}_vs_torch_sorted")
                lines.append(
                    f"| {label} | {speed[f'{key}_articles_per_s']:.1f} | "
                    f"{speed[f'speedup_{key}_vs_torch']:.2f}x | "
                    f"{'' if same is None else f'{same:.2f}x'} | "
                    f"{_pct(agree.get('frames_exact'))} / {_pct(agree.get('slant'))} |"
                )
        if speed.get("default_path"):
            lines += [
                "",
                f"Default scoring path (`auto` backend): `{speed.get('default_backend')}`, the "
                "fastest whose frame "
                "sets and slant agree with fp32 on >= 98% of the articles.",
            ]
        lines.append("")
    per_frame = fr.get("per_frame", {})
    if per_frame:
        lines += ["### Frames: per-frame F1 and threshold", "", "| frame | F1 | threshold |", "|---|---|---|"]
        for name, row in per_frame.items():
            lines.append(
                f"| {name} | {_pct(row.get('f1'))} | {card.get('thresholds', {}).get(name, 'n/a')} |"
            )
        lines.append("")
    tried = card.get("experiments") or []
    if tried:
        lines += [
            "## What was tried (5-fold cross-validation, the same folds and seed as the benchmark above)",
            "",
            "| setting | frames micro-F1 English | frames micro-F1 all | slant macro-F1 unseen "
            "outlets | note |",
            "|---|---|---|---|---|",
        ]
        for row in tried:
            lines.append(
                f"| {row.get('setting', '')} | {_pct(row.get('frames_en'))} | "
                f"{_pct(row.get('frames_all'))} | "
                f"{_pct(row.get('slant'))} | {row.get('note', '')} |"
            )
        lines.append("")
    for extra in card.get("notes", []):
        lines.append(f"- {extra}")
    if card.get("notes"):
        lines.append("")
    limitations = (
        LIMITATIONS
        if (card.get("finetune") or {}).get("layers")
        else [FROZEN_LIMITATION, *(x for x in LIMITATIONS[1:] if not x.startswith("Frame thresholds"))]
    )
    lines += card_footer(limitations, card)
    return "\n".join(lines)
