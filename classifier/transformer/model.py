"""Task heads over chunk embeddings: attention pooling of an article's chunks, then a small MLP.

The same head scores a single vector (a sentence embedding) as a one-chunk article, which is how
evidence sentences are ranked. Inference runs in NumPy from the saved weights (no torch needed).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import torch
from torch import nn


class GradReverse(torch.autograd.Function):
    # ctx: torch's per-call context, which carries whatever forward stores on it for backward (Any)
    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, weight: float) -> torch.Tensor:
        ctx.weight = weight
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return -ctx.weight * grad, None


class PooledHead(nn.Module):
    """Attention pooling over chunks + Linear-ReLU-Linear; optional outlet adversary on the hidden layer."""

    def __init__(self, dim: int, n_out: int, hidden: int, dropout: float, n_adversary: int = 0) -> None:
        super().__init__()
        self.attn = nn.Linear(dim, 1)
        self.drop = nn.Dropout(dropout)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, n_out)
        self.adversary = nn.Linear(hidden, n_adversary) if n_adversary > 0 else None

    def pool(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        scores = self.attn(x).squeeze(-1).masked_fill(~mask, float("-inf"))
        weights = torch.softmax(scores, dim=-1)
        return (weights.unsqueeze(-1) * x).sum(1)

    def forward(
        self, x: torch.Tensor, mask: torch.Tensor, adversary_weight: float = 0.0
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        h = torch.relu(self.fc1(self.drop(self.pool(x, mask))))
        logits = self.fc2(self.drop(h))
        adv = None
        if self.adversary is not None and adversary_weight > 0:
            adv = self.adversary(GradReverse.apply(h, adversary_weight))
        return logits, adv


def head_arrays(head: PooledHead) -> dict[str, np.ndarray]:
    """The weights inference needs (the adversary is a training device and is not kept)."""
    return {
        k: v.detach().cpu().numpy().astype(np.float32)
        for k, v in head.state_dict().items()
        if not k.startswith("adversary")
    }


class NumpyHead:
    """Inference twin of :class:`PooledHead` (eval mode) in NumPy."""

    def __init__(self, weights: Mapping[str, np.ndarray]) -> None:
        self.attn_w = weights["attn.weight"][0]
        self.attn_b = float(weights["attn.bias"][0])
        self.w1, self.b1 = weights["fc1.weight"].T, weights["fc1.bias"]
        self.w2, self.b2 = weights["fc2.weight"].T, weights["fc2.bias"]

    def pool(self, chunks: np.ndarray) -> np.ndarray:
        """One article's chunk embeddings (n_chunks, dim) -> (dim,)."""
        s = chunks @ self.attn_w + self.attn_b
        w = np.exp(s - s.max())
        return (w / w.sum()) @ chunks

    def logits(self, vectors: np.ndarray) -> np.ndarray:
        """Logits for pooled (or single) vectors, shape (n, dim) -> (n, n_out)."""
        h = np.maximum(vectors @ self.w1 + self.b1, 0.0)
        return h @ self.w2 + self.b2


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)
