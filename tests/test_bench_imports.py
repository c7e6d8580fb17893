"""The benchmarks run only in `make bench`, so a rename in the product can break one unseen (bench_scoring
imported a class that a refactor had removed). Every name a benchmark imports from framewatch's packages,
at the top or inside a function, must exist."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OURS = ("framewatch", "flows", "classifier", "labels", "warehouse")
BENCHES = sorted((REPO / "bench").glob("*.py"))


def _imports(path: Path) -> list[tuple[str, str | None, int]]:
    """(module, name or None for `import module`, line) of every import of our packages in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in OURS:
                found += [(node.module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(a.name, None, node.lineno) for a in node.names if a.name.split(".")[0] in OURS]
    return found


@pytest.mark.parametrize("bench", BENCHES, ids=[p.name for p in BENCHES])
def test_every_name_a_benchmark_imports_exists(bench: Path):
    assert BENCHES, "no benchmarks found"
    missing = []
    for module, name, line in _imports(bench):
        try:
            mod = importlib.import_module(module)
        except ImportError as exc:
            missing.append(f"{bench.name}:{line}: {module} ({exc})")
            continue
        if name is not None and not hasattr(mod, name):
            try:
                importlib.import_module(f"{module}.{name}")  # a submodule: `from pkg import module`
            except ImportError:
                missing.append(f"{bench.name}:{line}: {module} has no {name}")
    assert not missing, "\n".join(missing)
