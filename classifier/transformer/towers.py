"""The encoder split for fine-tuning: a frozen bottom shared by all tasks, a fine-tuned top per task.

A base model of ``n`` layers is cut after layer ``n - k`` (``k = finetune_layers``). The bottom (embeddings +
the first ``n - k`` layers) stays frozen, so its token states can be computed once per training chunk and
cached; each task (frames, slant) gets its own copy of the top ``k`` layers, trained jointly with its head.
A task that is not fine-tuned uses the base model's own top layers. ``k = 0`` is the frozen encoder.

Only the fine-tuned layers are saved (``towers.safetensors``); the base still comes from its model dir and
its fingerprint is checked. Works with BERT-style models (``model.encoder.layer``: BERT, MiniLM, RoBERTa,
XLM-R); other architectures can be used frozen (``finetune_layers=0``).
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import nn

if TYPE_CHECKING:
    from transformers import PreTrainedConfig, PreTrainedModel

logger = logging.getLogger(__name__)

TASKS = ("frames", "slant")
BASE = "base"  # tower name of the base model's own (frozen) top layers


def encoder_layers(model: nn.Module) -> nn.ModuleList:
    layers = getattr(getattr(model, "encoder", None), "layer", None)
    if not isinstance(layers, nn.ModuleList):
        raise ValueError(
            f"{type(model).__name__}: fine-tuning needs a BERT-style encoder (model.encoder.layer); "
            "use finetune_layers=0 to keep this base model frozen"
        )
    return layers


def run_layers(
    layers: nn.ModuleList, config: PreTrainedConfig, states: torch.Tensor, attention_mask: torch.Tensor
) -> torch.Tensor:
    """Token states after ``layers`` (BERT-style layers of a model with ``config``); 2-D 0/1
    ``attention_mask``."""
    if len(layers) == 0:
        return states
    from transformers.masking_utils import create_bidirectional_mask

    mask = create_bidirectional_mask(config=config, inputs_embeds=states, attention_mask=attention_mask)
    for layer in layers:
        states = layer(states, mask)
    return states


class SplitEncoder(nn.Module):
    """``bottom`` (frozen, shared) then one stack of top layers per tower.

    ``towers`` maps a task to its tower name: the task itself when fine-tuned, else ``BASE``.
    ``forward`` returns the last token states of every distinct tower, in ``self.tower_names`` order.
    """

    def __init__(
        self, base: PreTrainedModel, finetune_layers: int, finetuned_tasks: Sequence[str] = TASKS
    ) -> None:
        super().__init__()
        layers = encoder_layers(base) if finetune_layers > 0 else None
        n = len(layers) if layers is not None else 0
        if finetune_layers > n and layers is not None:
            raise ValueError(f"finetune_layers={finetune_layers} but the base model has {n} layers")
        self.config = base.config
        self.finetune_layers = finetune_layers
        top = nn.ModuleList(list(layers[n - finetune_layers :])) if layers is not None else nn.ModuleList()
        if layers is not None:
            base.get_submodule("encoder").layer = nn.ModuleList(list(layers[: n - finetune_layers]))
        self.bottom = base
        stacks = {BASE: top}
        for task in finetuned_tasks if finetune_layers > 0 else ():
            stacks[task] = copy.deepcopy(top)
        self.stacks = nn.ModuleDict(stacks)
        self.towers = {t: (t if t in stacks else BASE) for t in TASKS}
        self.tower_names = tuple(dict.fromkeys(self.towers.values()))
        for p in self.bottom.parameters():
            p.requires_grad_(False)
        for p in self.stacks[BASE].parameters():
            p.requires_grad_(False)

    @property
    def finetuned(self) -> tuple[str, ...]:
        return tuple(t for t in self.stacks if t != BASE)

    def bottom_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.bottom(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    def stack(self, tower: str) -> nn.ModuleList:
        """The top layers of ``tower``."""
        layers = self.stacks[tower]
        assert isinstance(layers, nn.ModuleList)  # __init__ puts only ModuleLists in self.stacks
        return layers

    def top(self, tower: str, states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return run_layers(self.stack(tower), self.config, states, attention_mask)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, ...]:
        states = self.bottom_states(input_ids, attention_mask)
        return tuple(self.top(name, states, attention_mask) for name in self.tower_names)

    def tower_state(self) -> dict[str, torch.Tensor]:
        """The fine-tuned layers' weights, keyed ``<task>.<layer>.<param>`` (what the model dir stores)."""
        return {
            f"{t}.{k}": v.detach().cpu().contiguous()
            for t in self.finetuned
            for k, v in self.stacks[t].state_dict().items()
        }

    def load_tower_state(self, tensors: Mapping[str, torch.Tensor]) -> None:
        for t in self.finetuned:
            prefix = f"{t}."
            own = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
            missing, unexpected = self.stacks[t].load_state_dict(own, strict=False)
            if missing or unexpected:
                raise ValueError(
                    f"tower weights for {t} do not fit the base model: missing {missing[:3]}, "
                    f"unexpected {unexpected[:3]}"
                )


def load_split_encoder(
    base_dir: str | Path,
    finetune_layers: int,
    finetuned_tasks: Sequence[str] = TASKS,
    tower_file: str | Path | None = None,
    attn_implementation: str | None = None,
) -> SplitEncoder:
    """The base model from ``base_dir`` split for ``finetune_layers``, towers loaded from ``tower_file``."""
    from transformers import AutoModel

    kwargs = {"attn_implementation": attn_implementation} if attn_implementation else {}
    base = AutoModel.from_pretrained(str(base_dir), **kwargs)
    enc = SplitEncoder(base, finetune_layers, finetuned_tasks)
    if tower_file is not None:
        from safetensors.torch import load_file

        enc.load_tower_state({k: v.float() for k, v in load_file(str(tower_file)).items()})
    return enc.eval()
