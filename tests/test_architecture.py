"""The shape of the package (DESIGN.md, rules that keep it livable, and docs/architecture.md):
no import loop anywhere in mill, no function-level import inside the model to dodge one, the
layers only look down, and no stage imports another stage."""

from __future__ import annotations

import ast
from pathlib import Path

MILL = Path(__file__).resolve().parents[1] / "mill"

LAYERS = ("cli", "experiment", "analysis", "model", "quality", "trace", "scenario")
"""Top to bottom: a layer may import the layers after it, never those before it."""
BELOW_ALL = ("rng", "distributions", "sampling")
"""The foundations every layer may use."""


def _modules() -> dict[str, Path]:
    out = {}
    for path in MILL.rglob("*.py"):
        parts = path.relative_to(MILL.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> list[tuple[str, bool]]:
    """(module imported, whether inside a function) for every import of a mill module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_function: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function |= {id(n) for n in ast.walk(node) if n is not node}
    out = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mill"):
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names if a.name.startswith("mill")]
        out += [(n, id(node) in in_function) for n in names if n in modules]
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {m: {t for t, _ in _imports(p, modules) if t != m} for m, p in modules.items()}


def test_no_import_loop_anywhere_in_mill() -> None:
    """Every import of every module, TYPE_CHECKING ones included, forms an acyclic graph."""
    graph = _graph()
    state: dict[str, int] = {}
    loops: list[list[str]] = []

    def visit(m: str, path: list[str]) -> None:
        state[m] = 1
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                loops.append([*path[path.index(t) :], t] if t in path else [m, t])
            elif t not in state:
                visit(t, [*path, t])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert loops == []


def test_the_model_has_no_function_level_imports_of_itself() -> None:
    """No import of a mill.model module hides inside a function in the model."""
    modules = _modules()
    hidden = [
        (m, t)
        for m, p in modules.items()
        if m.startswith("mill.model")
        for t, inside in _imports(p, modules)
        if inside and t.startswith("mill.model")
    ]
    assert hidden == []


def test_layers_only_look_down() -> None:
    """analysis never imports model or experiment; quality and trace never import model;
    nothing below the CLI imports it."""
    graph = _graph()

    def layer(m: str) -> str:
        return m.split(".")[1] if m.count(".") else ""

    wrong = []
    for m, targets in graph.items():
        if layer(m) not in LAYERS:
            continue
        for t in targets:
            lt = layer(t)
            if lt in LAYERS and LAYERS.index(lt) < LAYERS.index(layer(m)):
                wrong.append((m, t))
    assert wrong == []


def test_the_foundations_import_no_layer() -> None:
    """rng, distributions and sampling sit below every layer: they import only each other, so
    any layer may use them without a loop."""
    graph = _graph()
    foundations = {f"mill.{name}" for name in BELOW_ALL}
    assert foundations <= set(graph), "every foundation module exists"
    wrong = [(m, t) for m in foundations for t in graph[m] if t not in foundations]
    assert wrong == []


def test_no_stage_imports_another_stage() -> None:
    """The route is data: a stage's module never imports another stage's module."""
    graph = _graph()
    stages = {m for m in graph if m.startswith("mill.model.stages.")}
    assert stages, "the stages live in mill.model.stages"
    assert [(m, t) for m in stages for t in graph[m] if t in stages] == []
