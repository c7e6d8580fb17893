"""Slow checks on the shared data (`pytest -m slow`, run by `make bench`): the scoring benchmark on a
small sample, and the cross-validated transformer-vs-baseline comparison with the issue-4 targets."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from classifier.settings import REPO_ROOT

pytestmark = pytest.mark.slow


def test_benchmark_prints_rates_and_ratios(tmp_path: Path, shared_files: tuple[Path, Path]) -> None:
    out = tmp_path / "bench.json"
    res = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "bench" / "bench_classifier.py"),
            "--n",
            "40",
            "--skip-onnx-fp32",
            "--json",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    figures = json.loads(out.read_text())
    assert figures["torch_fp32_articles_per_s"] > 0 and figures["speedup_onnx_int8_vs_torch"] > 1.0
    assert figures["onnx_int8_vs_torch_fp32_agreement"]["slant"] >= 0.8
    assert figures["torch_bf16_vs_torch_fp32_agreement"]["primary_frame"] >= 0.9


def test_cross_validated_comparison_on_shared_data(shared_files: tuple[Path, Path], tmp_path: Path) -> None:
    from classifier.transformer.settings import TransformerSettings
    from classifier.transformer.train import compare_cv

    frames, slant = shared_files
    result = compare_cv(
        [frames],
        [slant],
        folds=5,
        cache_dir=TransformerSettings().cache_dir,
        ratings_file=frames.parent / "outlet_ratings.parquet",
        progress=False,
    )
    print(result["summary"])
    assert result["frames"]["transformer"]["article"]["by_language"]["en"]["micro_f1"] > 0.6
    assert result["slant"]["transformer"]["article"]["macro_f1"] > 0.38  # above chance on unseen outlets
