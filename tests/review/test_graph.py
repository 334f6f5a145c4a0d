"""Architecture diagrams from plans: Mermaid that parses (every edge between declared nodes), DOT, determinism."""

from __future__ import annotations

import copy
import random
import re

import pytest

from livecommerce.review import graph
from tests.review.plans import component, plan, platform, resource

NODE = re.compile(r'^\s*([A-Za-z][\w]*)\["([^"]*)"\]\s*$')
SUBGRAPH = re.compile(r'^\s*subgraph ([A-Za-z][\w]*)\["([^"]*)"\]\s*$')
EDGE = re.compile(r"^\s*([A-Za-z][\w]*) (-->|-\.->) ([A-Za-z][\w]*)\s*$")


def parse_mermaid(text: str) -> tuple[dict[str, str], list[tuple[str, str, str]], set[str]]:
    """A structural parse of the flowchart subset we emit; raises on any line it does not understand."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "flowchart LR"
    nodes: dict[str, str] = {}
    groups: set[str] = set()
    edges = []
    depth = 0
    for line in lines[1:]:
        if m := SUBGRAPH.match(line):
            groups.add(m.group(1))
            depth += 1
        elif line.strip() == "end":
            depth -= 1
            assert depth >= 0, "unbalanced end"
        elif m := NODE.match(line):
            assert m.group(1) not in nodes, f"node {m.group(1)} declared twice"
            nodes[m.group(1)] = m.group(2)
        elif m := EDGE.match(line):
            edges.append((m.group(1), m.group(2), m.group(3)))
        elif line.strip().startswith("%%"):
            continue
        else:
            raise AssertionError(f"unparseable mermaid line: {line!r}")
    assert depth == 0, "unclosed subgraph"
    for a, _, b in edges:
        assert a in nodes and b in nodes, f"edge {a} -> {b} has an undeclared endpoint"
    assert not (set(nodes) & groups), "a node id is also a subgraph id"
    return nodes, edges, groups


def test_component_graph_edges_follow_resource_dependencies():
    p = platform()
    nodes, edges, _ = parse_mermaid(graph.render(p, "mermaid", "components"))
    label = {v.split(" (")[0]: k for k, v in nodes.items()}
    net = label["Network: prod-network"]
    cp = label["ContainerPlatform: prod-platform"]
    media = label["Media: prod-media"]
    assert (cp, "-->", net) in edges  # the cluster's vSwitches come from the network
    assert (net, "-->", cp) not in edges
    assert not any(a == media or b == media for a, _, b in edges)  # media stands alone in this plan
    assert "(4 resources)" in nodes[net]  # vpc, two vSwitches, NAT


def test_nested_components_hang_off_their_parent():
    outer = component("prod", "livecommerce:platform:Platform", "prod-platform")
    inner = component("prod", "livecommerce:governance:Governance", "prod-gov")
    inner["parent"] = outer["urn"]
    p = plan("prod", [outer, inner, resource("prod", "alicloud:mse/cluster:Cluster", "prod-gov-nacos", parent=inner)])
    nodes, edges, _ = parse_mermaid(graph.render(p))
    ids = {v.split(" (")[0]: k for k, v in nodes.items()}
    assert (ids["Platform: prod-platform"], "-.->", ids["Governance: prod-gov"]) in edges


def test_resource_graph_groups_by_component_and_parses():
    p = platform()
    text = graph.render(p, "mermaid", "resources")
    nodes, edges, groups = parse_mermaid(text)
    assert len(groups) == 3
    assert len(nodes) == sum(1 for r in p["resources"] if r["custom"] and not r["type"].startswith("pulumi:"))
    by_label = {v: k for k, v in nodes.items()}
    pool = by_label["cs/NodePool: prod-platform-pool-default"]
    cluster = by_label["cs/ManagedKubernetes: prod-platform-cluster"]
    assert (pool, "-->", cluster) in edges


def test_labels_are_escaped():
    p = plan("prod", [resource("prod", "alicloud:oss/bucket:Bucket", 'prod-"odd"<name>#1')])
    nodes, _, _ = parse_mermaid(graph.render(p, "mermaid", "resources"))
    (label,) = nodes.values()
    assert '"' not in label and "<" not in label and "#quot;" in label
    dot = graph.render(p, "dot", "resources")
    assert '\\"odd\\"' in dot


def test_dot_output_declares_every_edge_endpoint():
    dot = graph.render(platform(), "dot", "resources")
    assert dot.startswith("digraph livecommerce {") and dot.rstrip().endswith("}")
    declared = set(re.findall(r"^\s*(r\d+) \[label=", dot, re.M))
    for a, b in re.findall(r"^\s*(r\d+) -> (r\d+);", dot, re.M):
        assert a in declared and b in declared


def test_same_plan_any_order_same_text():
    p = platform()
    shuffled = copy.deepcopy(p)
    random.Random(7).shuffle(shuffled["resources"])
    for fmt in graph.FORMATS:
        for detail in graph.DETAILS:
            assert graph.render(p, fmt, detail) == graph.render(shuffled, fmt, detail)


def test_bad_format_or_detail():
    with pytest.raises(ValueError, match="format"):
        graph.render(platform(), "svg")
    with pytest.raises(ValueError, match="detail"):
        graph.render(platform(), "mermaid", "everything")
