"""Fine-tune the top encoder layers of one task jointly with its head, on cached bottom-layer states.

Two stages (linear probe, then fine-tune): the head is first fitted on the frozen model's chunk embeddings
(:func:`classifier.transformer.heads.fit_head`, cheap), then the task's copy of the top ``k`` layers and
the head are trained together in a plain PyTorch loop: AdamW with a lower learning rate for the encoder
layers than for the head, linear warmup then linear decay, seeds fixed per epoch (so a resumed run repeats
an uninterrupted one exactly), a checkpoint after every epoch, a rich progress bar, bf16 autocast on CPUs
with native bf16 and on GPUs. Dropout inside the encoder layers is off (on CPU the attention-dropout masks
cost more than the layer itself); the head keeps its dropout.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from classifier.transformer.config import TransformerConfig
from classifier.transformer.encoder import Embedded, bf16_supported, pad_docs
from classifier.transformer.heads import fit_head, load_checkpoint, save_checkpoint
from classifier.transformer.model import PooledHead
from classifier.transformer.states import ChunkStates
from classifier.transformer.towers import BASE, SplitEncoder, run_layers

logger = logging.getLogger(__name__)


def device_of(config: TransformerConfig) -> str:
    return "cuda" if torch.cuda.is_available() else "cpu"


def use_bf16(config: TransformerConfig) -> bool:
    return bool(config.bf16) and (torch.cuda.is_available() or bf16_supported())


class TowerModel(nn.Module):
    """One task's top layers + its :class:`PooledHead`: chunk token states -> article logits."""

    def __init__(self, split: SplitEncoder, layers: nn.ModuleList, head: PooledHead) -> None:
        super().__init__()
        self.layers = layers
        self.head = head
        self.base_config = split.config  # not a submodule: only the layers and the head are trained

    def chunk_vectors(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        states = run_layers(self.layers, self.base_config, x, mask).float()
        m = mask.unsqueeze(-1).float()
        pooled = (states * m).sum(1) / m.sum(1).clamp(min=1.0)
        return torch.nn.functional.normalize(pooled.float(), dim=-1, eps=1e-12)

    def forward(
        self,
        x: torch.Tensor,
        mask: torch.Tensor,
        layout: torch.Tensor,
        layout_mask: torch.Tensor,
        adversary_weight: float = 0.0,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        vectors = self.chunk_vectors(x, mask)
        docs = vectors[layout.clamp(min=0)] * layout_mask.unsqueeze(-1)
        return self.head(docs, layout_mask, adversary_weight)


def _batch(
    states: ChunkStates, docs: np.ndarray, max_chunks: int | None, gen: torch.Generator | None, device: str
) -> tuple[torch.Tensor, ...]:
    """Padded chunk states of ``docs`` (at most ``max_chunks`` per doc, drawn with ``gen``) and the layout."""
    picked: list[np.ndarray] = []
    for ids in states.chunks_of(docs):
        if max_chunks is not None and len(ids) > max_chunks:
            order = torch.randperm(len(ids), generator=gen).numpy()[:max_chunks]
            ids = np.sort(ids[order])
        picked.append(ids)
    flat = np.concatenate(picked) if picked else np.zeros(0, dtype=np.int64)
    width = max(1, max(len(p) for p in picked))
    layout = np.full((len(docs), width), -1, dtype=np.int64)
    pos = 0
    for row, ids in enumerate(picked):
        layout[row, : len(ids)] = np.arange(pos, pos + len(ids))
        pos += len(ids)
    x, mask = states.padded(flat)
    t = (torch.from_numpy(x), torch.from_numpy(mask), torch.from_numpy(layout), torch.from_numpy(layout >= 0))
    return tuple(v.to(device) for v in t)


def frozen_embeddings(
    split: SplitEncoder, states: ChunkStates, config: TransformerConfig, batch_chunks: int = 64
) -> Embedded:
    """Chunk embeddings of the frozen model (base top layers), as the linear-probe stage trains on."""
    device = device_of(config)
    split.to(device)
    out = np.zeros((len(states.lengths), states.dim), dtype=np.float32)
    order = np.argsort(states.lengths)
    for s in range(0, len(order), batch_chunks):
        idx = order[s : s + batch_chunks]
        x, mask = states.padded(idx)
        with torch.inference_mode(), torch.autocast(device, dtype=torch.bfloat16, enabled=use_bf16(config)):
            t = split.top(BASE, torch.from_numpy(x).to(device), torch.from_numpy(mask).to(device))
        m = torch.from_numpy(mask).to(device).unsqueeze(-1).float()
        pooled = (t.float() * m).sum(1) / m.sum(1).clamp(min=1.0)
        out[idx] = torch.nn.functional.normalize(pooled, dim=-1).cpu().numpy()
    return Embedded(chunks=out, doc_index=states.doc_index)


def _lr_factor(step: int, total: int, warmup: float) -> float:
    warm = max(1, int(round(warmup * total)))
    if step < warm:
        return (step + 1) / warm
    return max(0.0, (total - step) / max(1, total - warm))


def fit_tower(
    split: SplitEncoder,
    states: ChunkStates,
    rows: np.ndarray,
    y: np.ndarray,
    multilabel: bool,
    config: TransformerConfig,
    init_head: PooledHead,
    groups: np.ndarray | None = None,
    checkpoint_dir: Path | None = None,
    checkpoint_key: str = "",
    progress: bool = False,
    description: str = "fine-tuning",
    on_epoch: Callable[[int, TowerModel], None] | None = None,
) -> TowerModel:
    """Fine-tune a fresh copy of the base top layers + ``init_head`` on articles ``rows`` of ``states``.

    ``y`` (aligned with ``rows``) is a 0/1 matrix (multi-label) or class indices. ``groups`` (outlet ids,
    aligned with ``rows``) feed the gradient-reversal outlet adversary when ``config.adversary_weight > 0``.
    """
    from classifier.progress import progress_bar

    device = device_of(config)
    torch.manual_seed(config.seed)
    model = TowerModel(split, copy.deepcopy(split.stack(BASE)), copy.deepcopy(init_head)).to(device)
    split.to(device)
    for p in model.parameters():
        p.requires_grad_(True)
    opt = torch.optim.AdamW(
        [
            {"params": list(model.layers.parameters()), "lr": config.ft_lr},
            {"params": list(model.head.parameters()), "lr": config.ft_head_lr},
        ],
        weight_decay=config.weight_decay,
    )
    base_lrs = [g["lr"] for g in opt.param_groups]
    if multilabel:
        pos = y.sum(0).astype(np.float32)
        pw = np.clip((len(y) - pos) / np.maximum(pos, 1.0), 1.0, None) ** config.pos_weight_power
        loss_fn: nn.Module = nn.BCEWithLogitsLoss(
            pos_weight=torch.from_numpy(pw.astype(np.float32)).to(device)
        )
        target = torch.from_numpy(y.astype(np.float32))
        if config.label_smoothing > 0:
            target = target * (1 - config.label_smoothing) + 0.5 * config.label_smoothing
    else:
        n_out = init_head.fc2.out_features
        counts = np.bincount(y, minlength=n_out).astype(np.float32)
        weights = counts.sum() / np.maximum(counts, 1) / n_out
        loss_fn = nn.CrossEntropyLoss(
            weight=torch.from_numpy(weights).to(device), label_smoothing=config.label_smoothing
        )
        target = torch.from_numpy(y.astype(np.int64))
    g_t = (
        torch.from_numpy(groups.astype(np.int64))
        if groups is not None and model.head.adversary is not None
        else None
    )
    # ``groups`` (aligned with ``rows``) also drive outlet-balanced sampling when config.outlet_balanced
    sample_weights = None
    if groups is not None and config.outlet_balanced:
        per_group = np.bincount(groups)
        sample_weights = torch.from_numpy((1.0 / per_group[groups]).astype(np.float64))
    steps_per_epoch = -(-len(rows) // config.ft_batch_size)
    total = steps_per_epoch * config.ft_epochs
    start = 0
    if checkpoint_dir is not None:
        start = load_checkpoint(checkpoint_dir, model, opt, checkpoint_key) + 1
    bf16 = use_bf16(config)
    with progress_bar(progress) as bar:
        task = bar.add_task(description, total=total, completed=start * steps_per_epoch)
        for epoch in range(start, config.ft_epochs):
            model.layers.eval()  # no dropout inside the encoder layers
            model.head.train()
            seed = config.seed * 7919 + epoch
            torch.manual_seed(seed)  # head dropout
            gen = torch.Generator().manual_seed(seed)
            if sample_weights is not None:  # outlet-balanced: every outlet drawn about equally often
                order = torch.multinomial(sample_weights, len(rows), replacement=True, generator=gen).numpy()
            else:
                order = torch.randperm(len(rows), generator=gen).numpy()
            for s in range(0, len(rows), config.ft_batch_size):
                step = epoch * steps_per_epoch + s // config.ft_batch_size
                for group, lr in zip(opt.param_groups, base_lrs, strict=True):
                    group["lr"] = lr * _lr_factor(step, total, config.warmup)
                b = order[s : s + config.ft_batch_size]
                x, mask, layout, lmask = _batch(states, rows[b], config.ft_train_chunks, gen, device)
                with torch.autocast(device, dtype=torch.bfloat16, enabled=bf16):
                    logits, adv = model(x, mask, layout, lmask, config.adversary_weight)
                loss = loss_fn(logits.float(), target[b].to(device))
                if adv is not None and g_t is not None:
                    loss = loss + nn.functional.cross_entropy(adv.float(), g_t[b].to(device))
                opt.zero_grad()
                loss.backward()
                opt.step()
                bar.advance(task)
            if checkpoint_dir is not None:
                save_checkpoint(checkpoint_dir, model, opt, epoch, checkpoint_key)
            if on_epoch is not None:
                on_epoch(epoch, model)
    model.eval()
    return model


def predict_tower(
    model: TowerModel,
    states: ChunkStates,
    rows: np.ndarray,
    multilabel: bool,
    config: TransformerConfig,
    batch_docs: int = 16,
) -> np.ndarray:
    """Probabilities for articles ``rows`` (all their chunks), sigmoid or softmax."""
    device = device_of(config)
    model.eval()
    out = []
    for s in range(0, len(rows), batch_docs):
        x, mask, layout, lmask = _batch(states, rows[s : s + batch_docs], None, None, device)
        with torch.inference_mode(), torch.autocast(device, dtype=torch.bfloat16, enabled=use_bf16(config)):
            logits, _ = model(x, mask, layout, lmask)
        logits = logits.float()
        out.append((torch.sigmoid(logits) if multilabel else torch.softmax(logits, -1)).cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, 0), dtype=np.float32)


def probe_then_tune(
    split: SplitEncoder,
    states: ChunkStates,
    frozen: Embedded,
    rows: np.ndarray,
    y: np.ndarray,
    multilabel: bool,
    config: TransformerConfig,
    groups: np.ndarray | None = None,
    n_classes: int | None = None,
    probe_config: TransformerConfig | None = None,
    **kwargs: object,
) -> TowerModel:
    """Stage 1: fit the head on the frozen embeddings of ``rows``; stage 2: fine-tune layers + head."""
    x, mask = pad_docs(frozen, int(frozen.doc_index.max()) + 1)
    head = fit_head(
        x[rows], mask[rows], y, multilabel, probe_config or config, groups=groups, n_classes=n_classes
    )
    return fit_tower(split, states, rows, y, multilabel, config, head, groups=groups, **kwargs)  # type: ignore[arg-type]


def round_to_fp16(model: TowerModel) -> TowerModel:
    """Round the fine-tuned layers to float16 in place: the model evaluated is the model saved."""
    with torch.no_grad():
        for p in model.layers.parameters():
            p.copy_(p.half().float())
    return model
