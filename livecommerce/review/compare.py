"""How two environments' plans differ, resource by logical resource: sizes, counts, security settings,
resources that exist in one only.

URNs and names carry the stack (`urn:pulumi:prod::...`, `prod-network-vpc`), so two environments never
share a URN. Resources are matched on (type, name with the environment's token removed) instead:
`prod-network-vpc` and `dev-network-vpc` are both `network-vpc`. Values are compared after the same
normalisation (`livecommerce-prod` and `livecommerce-dev` are both `livecommerce-{env}`).

What a reviewer does not care about is left out: tags, names and descriptions, and inputs fed by other
resources' outputs (ids, ARNs; in a plan these are mock values). For such an input that is a list
(the vSwitches of a cluster or node pool) the number of items is compared, because that count is a
zone count. Differences a reviewer does care about (zones, pool sizes, deletion protection, replicas,
cluster spec, public endpoints, retention, instance counts) are marked important and listed first.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from livecommerce.review.diff import ABSENT, flatten, render_pair, reviewable

COMPARE_FORMAT = "livecommerce.compare/v1"

# Inputs that only carry identity or bookkeeping.
NOISE_ROOTS = frozenset({"tags", "description", "namePrefix", "bucket", "__provider"})

# Last path segments a reviewer looks for when comparing environments.
IMPORTANT_KEYS = frozenset({
    # network and zones
    "zoneId", "zoneIds", "vswitchIds", "podVswitchIds", "cidrBlock", "bandwidth",
    # sizes and counts
    "minSize", "maxSize", "desiredSize", "instanceTypes", "enable", "replicas", "minReplicas", "maxReplicas",
    "clusterSpec", "clusterSpecification", "instanceCount", "replica", "spec", "shardCount", "memorySize",
    "cpu", "memory", "diskSize", "instanceConcurrency", "multiAzPolicy", "spotStrategy", "onDemandBaseCapacity",
    "onDemandPercentageAboveBaseCapacity", "systemDiskSize", "version",
    # protection and exposure
    "deletionProtection", "[protect]", "forceDestroy", "slbInternetEnabled", "endpointPublicAccess",
    "netType", "pubNetworkFlow", "aclEntryLists", "internetAccess", "blockPublicAccess", "acl",
    "enableRrsa", "redundancyType", "storageClass", "status", "systemDiskEncrypted", "encrypted",
    # retention
    "retentionPeriod", "ttl", "hotTtl", "duration", "archiveDuration", "days",
})

_INDEX = re.compile(r"\[\d+\]")


def _env_pattern(env: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(env)}(?![A-Za-z0-9])")


def normalise_name(name: str, env: str) -> str:
    """The logical name: the environment's token removed (`prod-network-vpc` -> `network-vpc`)."""
    if not env:
        return name
    # A stack name may itself hold hyphens (`prod-sg`): drop its whole token run, not single tokens.
    tokens, token_run = name.split("-"), env.split("-")
    parts: list[str] = []
    i = 0
    while i < len(tokens):
        if tokens[i:i + len(token_run)] == token_run:
            i += len(token_run)
            continue
        parts.append(tokens[i])
        i += 1
    return "-".join(parts) if parts else name


def normalise_value(value: Any, env: str) -> Any:
    """The same value with the environment's token replaced by `{env}`, recursively."""
    if not env:
        return value
    if isinstance(value, str):
        return _env_pattern(env).sub("{env}", value)
    if isinstance(value, list):
        return [normalise_value(v, env) for v in value]
    if isinstance(value, dict):
        return {normalise_value(k, env): normalise_value(v, env) for k, v in value.items()}
    return value


def _is_name_key(segment: str) -> bool:
    return segment == "name" or segment.endswith("Name")


def _segments(path: str) -> list[str]:
    return _INDEX.sub("", path).split(".")


def is_noise(path: str) -> bool:
    """Names, tags and descriptions: never a difference worth a reviewer's time."""
    segs = _segments(path)
    return segs[0] in NOISE_ROOTS or _is_name_key(segs[-1]) or "labels" in segs and segs[-1] == "env"


def is_important(path: str) -> bool:
    """The property's own name (its last segment) is one a reviewer looks for."""
    return _segments(path.replace(" (count)", ""))[-1] in IMPORTANT_KEYS


@dataclass(frozen=True)
class Difference:
    """One input that differs between the matched resources of two environments."""

    type: str
    name: str
    """The logical name (environment token removed)."""
    path: str
    a: Any
    b: Any
    important: bool

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "name": self.name, "path": self.path, "a": self.a, "b": self.b,
                "important": self.important}


@dataclass(frozen=True)
class Divergence:
    """Everything that differs between environment A and environment B."""

    a: str
    b: str
    only_a: tuple[tuple[str, str], ...]
    """(type, logical name) of resources in A only."""
    only_b: tuple[tuple[str, str], ...]
    differences: tuple[Difference, ...]
    glance: tuple[tuple[str, str, str], ...]
    """(what, A, B) headline facts: zones, resource counts, protection."""

    @property
    def important(self) -> list[Difference]:
        return [d for d in self.differences if d.important]

    @property
    def other(self) -> list[Difference]:
        return [d for d in self.differences if not d.important]

    @property
    def empty(self) -> bool:
        return not (self.only_a or self.only_b or self.differences)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": COMPARE_FORMAT, "a": self.a, "b": self.b,
            "glance": [{"what": w, "a": x, "b": y} for w, x, y in self.glance],
            "onlyIn": {self.a: [{"type": t, "name": n} for t, n in self.only_a],
                       self.b: [{"type": t, "name": n} for t, n in self.only_b]},
            "differences": [d.to_json() for d in self.differences],
        }


def logical_index(plan: Mapping[str, Any]) -> dict[tuple[str, str], Mapping[str, Any]]:
    """(type, logical name) -> resource, for the reviewable resources of a plan."""
    env = str(plan.get("stack", ""))
    out: dict[tuple[str, str], Mapping[str, Any]] = {}
    for r in plan.get("resources", []):
        if reviewable(r):
            out[(r["type"], normalise_name(r["name"], env))] = r
    return out


def _comparable(resource: Mapping[str, Any], env: str) -> dict[str, Any]:
    """The leaves worth comparing: noise dropped, output-fed inputs reduced to list lengths."""
    inputs = resource.get("inputs") or {}
    fed = {k for k, v in (resource.get("propertyDependencies") or {}).items() if v}
    out: dict[str, Any] = {}
    for key in sorted(inputs):
        value = inputs[key]
        if key in fed:
            if isinstance(value, list):
                out[f"{key} (count)"] = len(value)
            continue
        for path, leaf in flatten({key: normalise_value(value, env)}).items():
            if not is_noise(path):
                out[path] = leaf
    out["[protect]"] = bool(resource.get("protect"))
    return out


def _zones(plan: Mapping[str, Any]) -> list[str]:
    zones: set[str] = set()
    for r in plan.get("resources", []):
        if not reviewable(r):
            continue
        inputs = r.get("inputs") or {}
        if isinstance(inputs.get("zoneId"), str):
            zones.add(inputs["zoneId"])
        if isinstance(inputs.get("zoneIds"), list):
            zones.update(z for z in inputs["zoneIds"] if isinstance(z, str))
    return sorted(zones)


def _on(value: Any) -> bool:
    # Most resources take a bool; KMS keys take "Enabled"/"Disabled".
    return value is True or (isinstance(value, str) and value.lower() in ("enabled", "true"))


def _glance(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    def facts(plan: Mapping[str, Any]) -> dict[str, str]:
        res = [r for r in plan.get("resources", []) if reviewable(r)]
        zones = _zones(plan)
        return {
            "zones": f"{len(zones)}: {', '.join(zones)}" if zones else "0",
            "cloud resources": str(len(res)),
            "protected resources": str(sum(1 for r in res if r.get("protect"))),
            "deletionProtection on": str(sum(1 for r in res if _on((r.get("inputs") or {}).get("deletionProtection")))),
        }

    fa, fb = facts(a), facts(b)
    return tuple((k, fa[k], fb[k]) for k in fa)


def compare_plans(a: Mapping[str, Any], b: Mapping[str, Any]) -> Divergence:
    """Compare two environments' plans by logical resource; see the module docstring."""
    env_a, env_b = str(a.get("stack", "a")), str(b.get("stack", "b"))
    ia, ib = logical_index(a), logical_index(b)
    diffs: list[Difference] = []
    for key in sorted(set(ia) & set(ib)):
        ca, cb = _comparable(ia[key], env_a), _comparable(ib[key], env_b)
        for path in sorted(set(ca) | set(cb)):
            va, vb = ca.get(path, ABSENT), cb.get(path, ABSENT)
            if va == vb and type(va) is type(vb):
                continue
            diffs.append(Difference(key[0], key[1], path, va, vb, is_important(path)))
    diffs.sort(key=lambda d: (not d.important, d.type, d.name, d.path))
    return Divergence(env_a, env_b, tuple(sorted(set(ia) - set(ib))), tuple(sorted(set(ib) - set(ia))),
                      tuple(diffs), _glance(a, b))


def type_counts(div: Divergence) -> list[tuple[str, int, int]]:
    """Per type, how many resources exist in one environment only: (type, only in A, only in B)."""
    ca, cb = Counter(t for t, _ in div.only_a), Counter(t for t, _ in div.only_b)
    return [(t, ca[t], cb[t]) for t in sorted(set(ca) | set(cb))]


# --------------------------------------------------------------------------------------------------
# Rendering


def short_type(type_: str) -> str:
    """`alicloud:cs/nodePool:NodePool` -> `cs/NodePool`; `kubernetes:apps/v1:Deployment` -> `apps/Deployment`."""
    parts = type_.split(":")
    if len(parts) == 3:
        module = parts[1].split("/")[0]
        return f"{module}/{parts[2]}"
    return type_


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;")


def _code_text(text: str) -> str:
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def difference_table(diffs: list[Difference], a: str, b: str) -> list[str]:
    lines = [f"| resource | property | {a} | {b} |", "|---|---|---|---|"]
    for d in diffs:
        a_text, b_text = render_pair(d.a, d.b, 60)
        lines.append(f"| {_cell(short_type(d.type))} `{_cell(d.name)}` | `{_cell(d.path)}` | "
                     f"{_code_text(a_text)} | {_code_text(b_text)} |")
    return lines


def render_markdown(div: Divergence, *, heading: str = "###", detail: int = 0) -> str:
    """Markdown for the report and `compare --format markdown`.

    `detail` 0 lists everything (other differences folded); 1 drops the other differences to a count;
    2 keeps only the glance table and per-type counts.
    """
    a, b = div.a, div.b
    out = [f"{heading} `{a}` vs `{b}`", ""]
    out += [f"| | {a} | {b} |", "|---|---|---|"]
    out += [f"| {_cell(w)} | {_cell(x)} | {_cell(y)} |" for w, x, y in div.glance]
    out.append("")
    if div.empty:
        out += ["No differences between the matched resources.", ""]
        return "\n".join(out)
    counts = type_counts(div)
    if counts:
        if detail >= 2:
            out += [f"| resources in one environment only | {a} only | {b} only |", "|---|---|---|"]
            out += [f"| {_cell(short_type(t))} | {x} | {y} |" for t, x, y in counts]
            out.append("")
        else:
            out.append("**In one environment only**")
            out.append("")
            out += ["| resource | in |", "|---|---|"]
            out += [f"| {_cell(short_type(t))} `{_cell(n)}` | {a} only |" for t, n in div.only_a]
            out += [f"| {_cell(short_type(t))} `{_cell(n)}` | {b} only |" for t, n in div.only_b]
            out.append("")
    important, other = div.important, div.other
    if detail >= 2:
        out += [f"{len(important)} important and {len(other)} other property differences "
                "(see the JSON for all).", ""]
        return "\n".join(out)
    if important:
        out += ["**Differences that matter**", ""] + difference_table(important, a, b) + [""]
    if other:
        if detail >= 1:
            out += [f"{len(other)} other property differences (see the JSON).", ""]
        else:
            out += [f"<details><summary>{len(other)} other property differences</summary>", ""]
            out += difference_table(other, a, b) + ["", "</details>", ""]
    return "\n".join(out)


def render_text(div: Divergence) -> str:
    """The terminal rendering of `livecommerce compare`."""
    a, b = div.a, div.b
    width = max([len(w) for w, _, _ in div.glance] + [10])
    out = [f"livecommerce compare: {a} vs {b}", ""]
    out += [f"  {w:<{width}}  {a}: {x}   {b}: {y}" for w, x, y in div.glance]
    out.append("")
    if div.empty:
        out += ["No differences between the matched resources.", ""]
        return "\n".join(out)
    if div.only_a or div.only_b:
        out.append("In one environment only")
        out += [f"  {a} only: {short_type(t)} {n}" for t, n in div.only_a]
        out += [f"  {b} only: {short_type(t)} {n}" for t, n in div.only_b]
        out.append("")
    for title, diffs in (("Differences that matter", div.important), ("Other differences", div.other)):
        if not diffs:
            continue
        out.append(title)
        for d in diffs:
            a_text, b_text = render_pair(d.a, d.b)
            out.append(f"  {short_type(d.type)} {d.name}  {d.path}: {a}={a_text}  {b}={b_text}")
        out.append("")
    return "\n".join(out)


def dumps(div: Divergence) -> str:
    return json.dumps(div.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
