"""The house: folders name the architecture, and dependencies between them run one way.

The folder import graph is computed from the source (every `import` and `from ... import`, including the
ones inside functions), one node per architecture block (`components/<block>/`) and per top-level
package (`stacks`, `livecommerce`, `functions`, `policies`). A cycle fails, and so does an edge against
the architecture's direction: workloads -> governance -> openapi, nothing imports back.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("components", "stacks", "livecommerce", "functions", "policies")
BLOCKS = ("network", "container_platform", "data", "workloads", "governance", "observability", "media", "openapi")


def unit_of_module(module: str) -> str | None:
    """The folder a dotted module belongs to: `components/<block>` or a top-level package (else None)."""
    parts = module.split(".")
    if parts[0] == "livecommerce_guard":  # the policy pack imports itself by its own top-level name
        return "policies"
    if parts[0] not in PACKAGES:
        return None
    if parts[0] == "components" and len(parts) > 1:
        return f"components/{parts[1]}"
    return parts[0]


def unit_of_path(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return unit_of_module(".".join(parts)) or parts[0]


def imported_modules(path: Path) -> set[str]:
    """Every absolute module a file imports (relative imports stay inside their folder)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            # `from components import network` names the block in the alias
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def source_files() -> Iterable[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def folder_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in source_files():
        unit = unit_of_path(path)
        edges = graph.setdefault(unit, set())
        for module in imported_modules(path):
            target = unit_of_module(module)
            # `components` alone (the namespace package) is no block of its own.
            if target is not None and target != unit and target != "components":
                edges.add(target)
    return graph


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle of `graph` as a path `[a, b, ..., a]`, or None when it is acyclic."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_cycle_finder_finds_cycles():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_graph_sees_the_known_edges():
    graph = folder_graph()
    # The composition root wires every block (openapi only through them); the workloads carry
    # governance's pod labels.
    assert {f"components/{b}" for b in BLOCKS if b != "openapi"} <= graph["stacks"]
    assert "components/governance" in graph["components/workloads"]
    assert "components/openapi" in graph["components/governance"]
    assert "stacks" in graph["livecommerce"]


def test_no_folder_level_import_cycle():
    cycle = find_cycle(folder_graph())
    assert cycle is None, "folder import cycle: " + " -> ".join(cycle or [])


@pytest.mark.parametrize(("source", "forbidden"), [
    ("components/governance", "components/workloads"),
    ("components/openapi", "components/governance"),
    ("components/openapi", "components/observability"),
    ("stacks", "livecommerce"),
    *((f"components/{b}", "stacks") for b in BLOCKS),
    *((f"components/{b}", "livecommerce") for b in BLOCKS),
])
def test_dependencies_run_one_way(source, forbidden):
    assert forbidden not in folder_graph().get(source, set()), f"{source} must not import {forbidden}"


def test_openapi_is_the_bottom_block():
    assert not {u for u in folder_graph()["components/openapi"] if u.startswith("components/")}


#: Modules at the top of components/: the shared kernel every block may use (it imports no block).
KERNEL = ("naming", "secrets")


def test_every_block_is_a_folder_named_after_the_architecture():
    folders = {p.name for p in (ROOT / "components").iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert set(BLOCKS) <= folders
    assert sorted(p.stem for p in (ROOT / "components").glob("*.py")) == sorted(["__init__", *KERNEL])


@pytest.mark.parametrize("module", KERNEL)
def test_the_kernel_imports_no_block(module):
    assert not {u for u in folder_graph()[f"components/{module}"] if u.startswith("components/")}
