"""Architecture checks: the packages form layers and nothing imports upward; no import cycles between
files, nor between (sub)packages. Function-level imports count too (hiding an import inside a function
does not remove the dependency).

    warehouse  <-  labels.codebook  <-  classifier  <-  labels  <-  flows  <-  framewatch (the CLI)

warehouse stores and queries only. labels.codebook is the vocabulary every layer needs (frames, slant and
tone labels): the one labels module the classifier may import. classifier holds the models, their
evaluation and promotion. labels (the rest of it) is the labeling workflow: sampling, the labeling page,
imports, agreement, gold labels and the retraining loop's test set, which judge models and so sit above
them. flows runs everything (Prefect flows, collection, story grouping, shifts, reports); framewatch is
the command line on top.

Inside a package, its subpackages form a graph without loops too: classifier's text models and
evaluation <- classifier.transformer <- classifier.versions (loading any version by kind, promotion)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["warehouse", "labels.codebook", "classifier", "labels", "flows", "framewatch"]
PACKAGES = ["warehouse", "labels", "classifier", "flows", "framewatch"]
# Loops between subpackages that are allowed: none (add one only with the change that removes it).
KNOWN_LOOPS: set[frozenset[str]] = set()


def _layer(module: str) -> int:
    """The layer of a module: the longest layer name it starts with."""
    matches = [i for i, name in enumerate(LAYERS) if module == name or module.startswith(name + ".")]
    return max(matches, key=lambda i: len(LAYERS[i]))


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules `path` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            while parts and ".".join(parts) not in modules:
                parts.pop()
            if parts:
                found.add(".".join(parts))
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: _imports(p, modules) - {m} for m, p in modules.items()}


def test_no_package_imports_upward():
    upward = sorted(
        f"{src} imports {dst}"
        for src, targets in _graph().items()
        for dst in targets
        if _layer(dst) > _layer(src)
    )
    assert not upward, "imports against the layers " + " <- ".join(LAYERS) + ":\n" + "\n".join(upward)


def test_warehouse_imports_no_other_package():
    outside = sorted(
        f"{src} imports {dst}"
        for src, targets in _graph().items()
        if src.startswith("warehouse")
        for dst in targets
        if not dst.startswith("warehouse")
    )
    assert not outside, "\n".join(outside)


def test_no_import_cycles_between_files():
    graph = _graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def _unit(module: str, modules: dict[str, Path]) -> str:
    """The (sub)package a module belongs to; labels.codebook is a unit of its own (its own layer)."""
    if module in LAYERS:
        return module
    return module if modules[module].name == "__init__.py" else module.rsplit(".", 1)[0]


def test_no_import_loops_between_subpackages():
    modules = _modules()
    units: dict[str, set[str]] = {}
    for src, targets in _graph().items():
        for dst in targets:
            a, b = _unit(src, modules), _unit(dst, modules)
            if a != b:
                units.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(units.get(node, ()))
        return False

    pairs = {frozenset({a, b}) for a in units for b in units[a] if reaches(b, a)}  # a -> b -> ... -> a
    loops = sorted(" <-> ".join(sorted(pair)) for pair in pairs - KNOWN_LOOPS)
    assert not loops, "subpackages importing each other (directly or through others):\n" + "\n".join(loops)


def test_the_layer_of_a_module():
    assert LAYERS[_layer("labels.codebook")] == "labels.codebook"
    assert LAYERS[_layer("labels.retrain")] == "labels"
    assert LAYERS[_layer("classifier.transformer.predict")] == "classifier"


def test_the_check_sees_function_level_imports(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from warehouse.db import connect\n    return connect\n", encoding="utf-8")
    assert _imports(path, _modules()) == {"warehouse.db"}
