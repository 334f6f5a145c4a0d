"""The architecture diagram, drawn from a plan: components (or resources) and what depends on what.

The plan already holds the graph: every resource's `parent` (which component it belongs to) and its
`dependencies` (explicit `depends_on` plus every resource whose outputs feed its inputs). At component
level, an edge A --> B means "something in A uses something in B"; nested components hang off their
parent with a dotted edge. At resource level, each component is a subgraph of its cloud resources and
the edges are the resource dependencies.

Node ids are assigned in URN order, so the same plan always draws the same text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from livecommerce.review.compare import short_type
from livecommerce.review.diff import reviewable

FORMATS = ("mermaid", "dot")
DETAILS = ("components", "resources")


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    group: str = ""
    """The id of the enclosing group (resource level: the component), or ""."""


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str], ...]
    """(from, to): `from` depends on `to`."""
    contains: tuple[tuple[str, str], ...] = ()
    """(parent, child) component nesting, component level only."""
    groups: tuple[tuple[str, str], ...] = ()
    """(group id, label), resource level only."""


def _id_order(edge: tuple[str, str]) -> tuple[int, int]:
    # Ids are a letter and a number; order c2 before c10.
    return int(edge[0][1:]), int(edge[1][1:])


def _is_component(r: Mapping[str, Any]) -> bool:
    return str(r.get("type", "")).startswith("livecommerce:")


def _count(n: int) -> str:
    """`1 resource`, `2 resources`."""
    return f"{n} resource" if n == 1 else f"{n} resources"


def _noun(type_: str) -> str:
    return type_.rsplit(":", 1)[-1]


def _owners(plan: Mapping[str, Any]) -> dict[str, str]:
    """URN -> URN of the nearest component at or above it ("" when none)."""
    by_urn = {r["urn"]: r for r in plan.get("resources", [])}
    out: dict[str, str] = {}
    for urn in by_urn:
        cur, seen = urn, 0
        while cur in by_urn and not _is_component(by_urn[cur]) and seen < 100:
            cur, seen = by_urn[cur].get("parent") or "", seen + 1
        out[urn] = cur if cur in by_urn and _is_component(by_urn[cur]) else ""
    return out


def component_graph(plan: Mapping[str, Any]) -> Graph:
    """Components as nodes; an edge where any resource of one depends on any resource of another."""
    resources = sorted(plan.get("resources", []), key=lambda r: r["urn"])
    by_urn = {r["urn"]: r for r in resources}
    owners = _owners(plan)
    comps = [r for r in resources if _is_component(r)]
    ids = {r["urn"]: f"c{i}" for i, r in enumerate(comps)}
    counts: dict[str, int] = {}
    for r in resources:
        if reviewable(r) and owners.get(r["urn"]):
            counts[owners[r["urn"]]] = counts.get(owners[r["urn"]], 0) + 1
    nodes = tuple(Node(ids[r["urn"]], f"{_noun(r['type'])}: {r['name']} ({_count(counts.get(r['urn'], 0))})")
                  for r in comps)
    edges: set[tuple[str, str]] = set()
    for r in resources:
        src = owners.get(r["urn"], "")
        if not src:
            continue
        for dep in r.get("dependencies") or []:
            dst = owners.get(dep, "")
            if dst and dst != src and dep in by_urn:
                edges.add((ids[src], ids[dst]))
    contains = set()
    for r in comps:
        parent_owner = owners.get(r.get("parent") or "", "")
        if parent_owner:
            contains.add((ids[parent_owner], ids[r["urn"]]))
    return Graph(nodes, tuple(sorted(edges, key=_id_order)), tuple(sorted(contains, key=_id_order)))


def resource_graph(plan: Mapping[str, Any]) -> Graph:
    """Cloud resources as nodes, grouped by component; edges are their dependencies."""
    resources = sorted(plan.get("resources", []), key=lambda r: r["urn"])
    owners = _owners(plan)
    comps = [r for r in resources if _is_component(r)]
    group_ids = {r["urn"]: f"g{i}" for i, r in enumerate(comps)}
    shown = [r for r in resources if reviewable(r)]
    ids = {r["urn"]: f"r{i}" for i, r in enumerate(shown)}
    nodes = tuple(Node(ids[r["urn"]], f"{short_type(r['type'])}: {r['name']}",
                       group_ids.get(owners.get(r["urn"], ""), "")) for r in shown)
    edges = {(ids[r["urn"]], ids[d]) for r in shown for d in (r.get("dependencies") or []) if d in ids
             and d != r["urn"]}
    used_groups = {n.group for n in nodes if n.group}
    groups = tuple((group_ids[r["urn"]], f"{_noun(r['type'])}: {r['name']}") for r in comps
                   if group_ids[r["urn"]] in used_groups)
    return Graph(nodes, tuple(sorted(edges, key=_id_order)), (), groups)


def build(plan: Mapping[str, Any], detail: str = "components") -> Graph:
    if detail not in DETAILS:
        raise ValueError(f"detail must be one of {', '.join(DETAILS)}, got {detail!r}")
    return component_graph(plan) if detail == "components" else resource_graph(plan)


def _mermaid_label(text: str) -> str:
    # Inside a quoted Mermaid label, a double quote must be an entity; # starts an entity too.
    return text.replace("#", "#35;").replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def to_mermaid(graph: Graph) -> str:
    """A Mermaid flowchart (GitHub renders ```mermaid blocks)."""
    out = ["flowchart LR"]
    by_group: dict[str, list[Node]] = {}
    for n in graph.nodes:
        by_group.setdefault(n.group, []).append(n)
    for gid, glabel in graph.groups:
        out.append(f'  subgraph {gid}["{_mermaid_label(glabel)}"]')
        out += [f'    {n.id}["{_mermaid_label(n.label)}"]' for n in by_group.get(gid, [])]
        out.append("  end")
    out += [f'  {n.id}["{_mermaid_label(n.label)}"]' for n in by_group.get("", [])]
    out += [f"  {a} -.-> {b}" for a, b in graph.contains]
    out += [f"  {a} --> {b}" for a, b in graph.edges]
    if not graph.nodes:
        out.append("  %% the plan has no components")
    return "\n".join(out) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(graph: Graph) -> str:
    """A Graphviz digraph."""
    out = ["digraph livecommerce {", "  rankdir=LR;", "  node [shape=box];"]
    by_group: dict[str, list[Node]] = {}
    for n in graph.nodes:
        by_group.setdefault(n.group, []).append(n)
    for gid, glabel in graph.groups:
        out.append(f"  subgraph cluster_{gid} {{")
        out.append(f"    label={_dot_quote(glabel)};")
        out += [f"    {n.id} [label={_dot_quote(n.label)}];" for n in by_group.get(gid, [])]
        out.append("  }")
    out += [f"  {n.id} [label={_dot_quote(n.label)}];" for n in by_group.get("", [])]
    out += [f"  {a} -> {b} [style=dashed, arrowhead=none];" for a, b in graph.contains]
    out += [f"  {a} -> {b};" for a, b in graph.edges]
    out.append("}")
    return "\n".join(out) + "\n"


def render(plan: Mapping[str, Any], fmt: str = "mermaid", detail: str = "components") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    graph = build(plan, detail)
    return to_mermaid(graph) if fmt == "mermaid" else to_dot(graph)
