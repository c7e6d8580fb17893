"""What this CPU can do fast, for choosing a backend and for stating it beside every speed figure.

bfloat16 pays off only with native instructions (AVX512-BF16 or AMX); elsewhere PyTorch emulates it and
runs ~4x slower than fp32 (measured on an AVX2 EPYC, see ../shared/PITFALLS.md), even where oneDNN says
bf16 is "supported". So native bf16 is read from the CPU flags, and FRAMEWATCH_BF16 (auto | on | off)
can force either way, e.g. to measure the path users without bf16 get."""

from __future__ import annotations

import os
import platform
import sys
from functools import lru_cache
from typing import Any

NATIVE_BF16_FLAGS = ("avx512_bf16", "amx_bf16")
REPORTED_FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8")


@lru_cache(maxsize=1)
def cpu_flags() -> frozenset[str]:
    """The CPU's feature flags (Linux /proc/cpuinfo; empty elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return frozenset(line.split(":", 1)[1].split())
    except OSError:
        pass
    return frozenset()


def cuda_driver_present() -> bool:
    """Whether an NVIDIA driver could give torch a CUDA device: on Linux its /proc entry or device
    files; True elsewhere except macOS (no CUDA), so that torch is asked there."""
    if sys.platform == "darwin":
        return False
    if sys.platform.startswith("linux"):
        return os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidiactl")
    return True


def use_bf16(preference: str | None = None) -> bool:
    """Whether to run bf16: `preference` (or FRAMEWATCH_BF16) 'on' / 'off', else (auto) only with native
    bf16 instructions or a CUDA device."""
    choice = (preference or os.environ.get("FRAMEWATCH_BF16", "auto")).lower()
    if choice in ("on", "1", "true", "yes"):
        return True
    if choice in ("off", "0", "false", "no"):
        return False
    if any(f in cpu_flags() for f in NATIVE_BF16_FLAGS):
        return True
    if not cuda_driver_present():  # importing torch to ask costs ~2 s of a run's start
        return False
    try:
        import torch

        return bool(torch.cuda.is_available())
    except ImportError:  # pragma: no cover - torch is a dependency
        return False


def cpu_report() -> dict[str, Any]:
    """The CPU as a speed figure should state it: model, cores, the flags that matter, torch's kernel
    level, and whether bf16 is native here and used."""
    model = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            model = next((ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")), "")
    except OSError:
        pass
    try:
        import torch

        capability = torch.backends.cpu.get_cpu_capability()
    except (ImportError, AttributeError):  # pragma: no cover
        capability = "unknown"
    flags = cpu_flags()
    return {
        "cpu": model or platform.processor(),
        "cores": os.cpu_count(),
        "flags": [f for f in REPORTED_FLAGS if f in flags],
        "torch_capability": capability,
        "native_bf16": any(f in flags for f in NATIVE_BF16_FLAGS),
        "bf16_used": use_bf16(),
    }
