"""Fit task heads on cached chunk embeddings: a plain PyTorch loop, seeded, checkpointed each epoch."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from sklearn.model_selection import KFold

from classifier.thresholds import best_f1_threshold
from classifier.transformer.config import TransformerConfig
from classifier.transformer.model import PooledHead

logger = logging.getLogger(__name__)

NEVER = 1.01  # threshold for frames with too few training examples: never predicted


def _seed(seed: int) -> torch.Generator:
    torch.manual_seed(seed)
    np.random.seed(seed % (2**32))
    return torch.Generator().manual_seed(seed)


def save_checkpoint(
    path: Path, head: torch.nn.Module, opt: torch.optim.Optimizer, epoch: int, key: str
) -> None:
    path.mkdir(parents=True, exist_ok=True)
    tensors = {f"model.{k}": v.detach().cpu().contiguous() for k, v in head.state_dict().items()}
    state = opt.state_dict()
    for idx, slots in state["state"].items():
        for name, value in slots.items():
            tensors[f"opt.{idx}.{name}"] = torch.as_tensor(value).detach().cpu().contiguous()
    save_file(tensors, str(path / "checkpoint.safetensors.tmp"))
    (path / "checkpoint.safetensors.tmp").replace(path / "checkpoint.safetensors")
    (path / "checkpoint.json").write_text(
        json.dumps({"epoch": epoch, "key": key, "param_groups": state["param_groups"]})
    )


def load_checkpoint(path: Path, head: torch.nn.Module, opt: torch.optim.Optimizer, key: str) -> int:
    """The last finished epoch restored from ``path`` (-1 when there is no matching checkpoint)."""
    meta_file = path / "checkpoint.json"
    if not meta_file.exists():
        return -1
    meta = json.loads(meta_file.read_text())
    if meta.get("key") != key:
        logger.warning("ignoring checkpoint in %s: it belongs to another run", path)
        return -1
    tensors = load_file(str(path / "checkpoint.safetensors"))
    head.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("model.")})
    slots: dict[int, dict[str, torch.Tensor]] = {}
    for name, value in tensors.items():
        if name.startswith("opt."):
            _, idx, slot = name.split(".", 2)
            slots.setdefault(int(idx), {})[slot] = value
    opt.load_state_dict({"state": slots, "param_groups": meta["param_groups"]})
    logger.info("resuming from %s after epoch %d", path, meta["epoch"])
    return int(meta["epoch"])


def fit_head(
    x: np.ndarray,
    mask: np.ndarray,
    y: np.ndarray,
    multilabel: bool,
    config: TransformerConfig,
    groups: np.ndarray | None = None,
    checkpoint_dir: Path | None = None,
    checkpoint_key: str = "",
    on_epoch: Callable[[int], None] | None = None,
    n_classes: int | None = None,
) -> PooledHead:
    """Train a :class:`PooledHead` on padded chunk embeddings ``x`` (n, chunks, dim) with ``mask``.

    ``y`` is a 0/1 matrix (multi-label, BCE) or class indices (multi-class, class-balanced CE).
    ``groups`` (outlet ids) switch on the outlet adversary when ``config.adversary_weight > 0``.
    """
    gen = _seed(config.seed)
    n_out = y.shape[1] if multilabel else (n_classes or int(y.max()) + 1)
    n_adv = int(groups.max()) + 1 if groups is not None and config.adversary_weight > 0 else 0
    head = PooledHead(x.shape[-1], n_out, config.hidden, config.dropout, n_adv)
    opt = torch.optim.AdamW(head.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    X, M = torch.from_numpy(x), torch.from_numpy(mask)
    if multilabel:
        Y = torch.from_numpy(y.astype(np.float32))
        loss_fn: torch.nn.Module = torch.nn.BCEWithLogitsLoss()
    else:
        Y = torch.from_numpy(y.astype(np.int64))
        counts = np.bincount(y, minlength=n_out).astype(np.float32)
        weights = counts.sum() / np.maximum(counts, 1) / n_out
        loss_fn = torch.nn.CrossEntropyLoss(weight=torch.from_numpy(weights))
    G = torch.from_numpy(groups.astype(np.int64)) if n_adv and groups is not None else None
    start = 0
    if checkpoint_dir is not None:
        start = load_checkpoint(checkpoint_dir, head, opt, checkpoint_key) + 1
        gen.manual_seed(config.seed + start)
    for epoch in range(start, config.epochs):
        head.train()
        order = torch.randperm(len(X), generator=gen)
        for s in range(0, len(X), config.batch_size):
            b = order[s : s + config.batch_size]
            logits, adv = head(X[b], M[b], config.adversary_weight)
            loss = loss_fn(logits, Y[b])
            if adv is not None and G is not None:
                loss = loss + torch.nn.functional.cross_entropy(adv, G[b])
            opt.zero_grad()
            loss.backward()
            opt.step()
        if checkpoint_dir is not None:
            save_checkpoint(checkpoint_dir, head, opt, epoch, checkpoint_key)
        if on_epoch is not None:
            on_epoch(epoch)
    head.eval()
    return head


def predict_head(head: PooledHead, x: np.ndarray, mask: np.ndarray, multilabel: bool) -> np.ndarray:
    """Probabilities: sigmoid per column (multi-label) or softmax over classes."""
    head.eval()
    with torch.inference_mode():
        logits, _ = head(torch.from_numpy(x), torch.from_numpy(mask))
    return (torch.sigmoid(logits) if multilabel else torch.softmax(logits, -1)).numpy()


def tune_thresholds(x: np.ndarray, mask: np.ndarray, Y: np.ndarray, config: TransformerConfig) -> np.ndarray:
    """Per-frame thresholds from out-of-fold predictions on the given (training) rows only."""
    oof = np.zeros(Y.shape, dtype=np.float32)
    for tr, te in KFold(config.threshold_folds, shuffle=True, random_state=config.seed).split(x):
        oof[te] = predict_head(fit_head(x[tr], mask[tr], Y[tr], True, config), x[te], mask[te], True)
    positives = Y.sum(0)
    return np.array(
        [
            best_f1_threshold(Y[:, j], oof[:, j]) if positives[j] >= config.min_positives else NEVER
            for j in range(Y.shape[1])
        ]
    )
