"""Kubernetes stack rules: replicas and zone spread, PodDisruptionBudget coverage and sanity, HPA bounds.

Workloads, PDBs and HPAs are correlated the way the cluster does it: same namespace plus label
selectors (PDB) or scaleTargetRef (HPA). A name left to Pulumi's auto-naming is unknown offline, so an
HPA also matches its target when its `spec` is fed by the workload's URN (propertyDependencies).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._base import fed_by, get, int_schema, known, items, number, of_type, stack_rule
from .k8s import DEPLOYMENT, HPA, PDB, STATEFULSET, namespace_of, pod_template

SCALABLE = (DEPLOYMENT, STATEFULSET)
ZONE_KEYS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone", "kubernetes.io/hostname")


def _exempt(res: Any, cfg: Mapping[str, Any]) -> bool:
    return namespace_of(res.props) in set(cfg.get("exemptNamespaces", ["kube-system"]))


def object_name(res: Any) -> str:
    return str(known(res.props, "metadata", "name", default=res.name))


def _kind(workload: Any) -> str:
    return workload.resource_type.rsplit(":", 1)[-1]


def hpas_for(workload: Any, hpas: list[Any]) -> list[Any]:
    """HPAs whose scaleTargetRef names this workload (or whose spec is fed by it)."""
    return Autoscalers(hpas).of(workload)


class Autoscalers:
    """HPAs by the workload they scale: by (namespace, kind, name) of scaleTargetRef, and by the workload
    URN feeding their `spec` (auto-named targets are unknown offline)."""

    def __init__(self, hpas: list[Any]) -> None:
        self.items = list(hpas)
        self._by_ref: dict[tuple[str, Any, Any], list[int]] = {}
        self._by_feeder: dict[tuple[str, str], list[int]] = {}
        for i, hpa in enumerate(self.items):
            ns = namespace_of(hpa.props)
            ref = known(hpa.props, "spec", "scaleTargetRef", default={})
            key = (ns, known(ref, "kind"), known(ref, "name"))
            if all(isinstance(k, str) for k in key):
                self._by_ref.setdefault(key, []).append(i)
            for urn in set(fed_by(hpa, "spec")):
                self._by_feeder.setdefault((ns, urn), []).append(i)

    def of(self, workload: Any) -> list[Any]:
        ns = namespace_of(workload.props)
        found = set(self._by_feeder.get((ns, workload.urn), []))
        found.update(self._by_ref.get((ns, _kind(workload), object_name(workload)), []))
        return [self.items[i] for i in sorted(found)]


def effective_min_replicas(workload: Any, hpas: list[Any] | Autoscalers) -> int:
    """The floor of running pods: an HPA's minReplicas (default 1) wins over spec.replicas (default 1)."""
    mine = (hpas if isinstance(hpas, Autoscalers) else Autoscalers(hpas)).of(workload)
    if mine:
        return min(int(number(get(h.props, "spec", "minReplicas"), 1) or 1) for h in mine)
    return int(number(get(workload.props, "spec", "replicas"), 1) or 1)


def template_labels(workload: Any) -> Mapping[str, Any]:
    return get(pod_template(workload.resource_type, workload.props), "metadata", "labels", default={})


def selector_matches(selector: Any, labels: Mapping[str, Any]) -> bool:
    """matchLabels subset plus In/NotIn/Exists/DoesNotExist matchExpressions; an empty selector matches nothing
    here (a PDB with an empty selector is almost always a mistake)."""
    match_labels = get(selector, "matchLabels", default={})
    expressions = items(get(selector, "matchExpressions"))
    if not match_labels and not expressions:
        return False
    if any(labels.get(k) != v for k, v in match_labels.items()):
        return False
    for e in expressions:
        key, op, values = get(e, "key"), get(e, "operator"), [str(v) for v in items(get(e, "values"))]
        have = labels.get(key)
        if op == "In" and str(have) not in values:
            return False
        if op == "NotIn" and have is not None and str(have) in values:
            return False
        if op == "Exists" and have is None:
            return False
        if op == "DoesNotExist" and have is not None:
            return False
    return True


def pdbs_for(workload: Any, pdbs: list[Any]) -> list[Any]:
    return Budgets(pdbs, [workload]).of(workload)


class Budgets:
    """PodDisruptionBudgets by the workloads whose pods they select, found without pairing every PDB with
    every workload: a PDB can only select pods carrying each of its matchLabels pairs, so it is filed under
    the pair rarest among the workloads' pod labels and tried only on workloads that carry that pair.
    PDBs without matchLabels (matchExpressions only) are tried on every workload of their namespace."""

    def __init__(self, pdbs: list[Any], workloads: list[Any]) -> None:
        self.items = list(pdbs)
        labels = {w.urn: (namespace_of(w.props), template_labels(w)) for w in workloads}
        frequency: dict[tuple[str, str, Any], int] = {}
        for ns, lab in labels.values():
            for k, v in lab.items():
                if _scalar(v):
                    frequency[(ns, k, v)] = frequency.get((ns, k, v), 0) + 1
        self._filed: dict[tuple[str, str, Any], list[int]] = {}
        self._open: dict[str, list[int]] = {}
        for i, pdb in enumerate(self.items):
            ns = namespace_of(pdb.props)
            match_labels = get(pdb.props, "spec", "selector", "matchLabels", default={})
            pairs = [(ns, k, v) for k, v in match_labels.items() if _scalar(v)]
            if pairs and len(pairs) == len(match_labels):
                self._filed.setdefault(min(pairs, key=lambda p: (frequency.get(p, 0), str(p))), []).append(i)
            else:
                self._open.setdefault(ns, []).append(i)
        self._labels = labels

    def of(self, workload: Any) -> list[Any]:
        ns, lab = self._labels.get(workload.urn) or (namespace_of(workload.props), template_labels(workload))
        candidates = set(self._open.get(ns, []))
        for k, v in lab.items():
            if _scalar(v):
                candidates.update(self._filed.get((ns, k, v), []))
        return [
            self.items[i]
            for i in sorted(candidates)
            if selector_matches(get(self.items[i].props, "spec", "selector", default={}), lab)
        ]


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool))


def has_spread(workload: Any) -> bool:
    spec = get(pod_template(workload.resource_type, workload.props), "spec", default={})
    if any(get(c, "topologyKey") in ZONE_KEYS for c in items(get(spec, "topologySpreadConstraints"))):
        return True
    return bool(get(spec, "affinity", "podAntiAffinity"))


def check_replicas_and_spread(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """K8S-09: at least `minReplicas` pods, spread over zones or nodes."""
    need = int(cfg.get("minReplicas", 2))
    hpas = Autoscalers(of_type(resources, HPA))
    out = []
    for wl in of_type(resources, *SCALABLE):
        if _exempt(wl, cfg):
            continue
        n = effective_min_replicas(wl, hpas)
        if n < need:
            out.append((wl.urn, f"it runs fewer than {need} replicas"))
        if n >= 2 and not has_spread(wl):
            out.append((wl.urn, "its replicas are not spread (no zone topologySpreadConstraints or podAntiAffinity)"))
    return out


def check_pdb_coverage(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """K8S-10: every multi-replica workload has a PDB selecting its pods."""
    hpas = Autoscalers(of_type(resources, HPA))
    workloads = of_type(resources, *SCALABLE)
    budgets = Budgets(of_type(resources, PDB), workloads)
    out = []
    for wl in workloads:
        if _exempt(wl, cfg) or effective_min_replicas(wl, hpas) < 2:
            continue
        if not budgets.of(wl):
            out.append((wl.urn, "no PodDisruptionBudget selects its pods"))
    return out


def _percent(value: Any) -> float | None:
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)%\s*", str(value)) if isinstance(value, str) else None
    return float(m.group(1)) if m else None


def pdb_problems(pdb_props: Mapping[str, Any], replicas: int | None) -> list[str]:
    """K8S-11: a PDB must allow at least one voluntary disruption (else drains and CVE patching stall)."""
    spec = get(pdb_props, "spec", default={})
    max_unavailable = get(spec, "maxUnavailable")
    min_available = get(spec, "minAvailable")
    if max_unavailable is not None:
        pct = _percent(max_unavailable)
        if (pct is not None and pct == 0) or (pct is None and number(max_unavailable, 1) == 0):
            return ["maxUnavailable is 0, so no pod may ever be evicted"]
    if min_available is not None:
        pct = _percent(min_available)
        if pct is not None and pct >= 100:
            return ["minAvailable is 100%, so no pod may ever be evicted"]
        n = number(min_available, None) if pct is None else None
        if n is not None and replicas is not None and n >= replicas:
            return ["minAvailable is not below the workload's minimum replicas, so no pod may be evicted"]
    if max_unavailable is None and min_available is None:
        return ["neither minAvailable nor maxUnavailable is set"]
    return []


def check_pdb_sanity(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    hpas = Autoscalers(of_type(resources, HPA))
    workloads = of_type(resources, *SCALABLE)
    budgets = Budgets(of_type(resources, PDB), workloads)
    covered: dict[str, list[Any]] = {}
    for w in workloads:
        for pdb in budgets.of(w):
            covered.setdefault(pdb.urn, []).append(w)
    out = []
    for pdb in budgets.items:
        if _exempt(pdb, cfg):
            continue
        mine = covered.get(pdb.urn, [])
        replicas = min((effective_min_replicas(w, hpas) for w in mine), default=None)
        out += [(pdb.urn, p) for p in pdb_problems(pdb.props, replicas)]
        if not mine and get(pdb.props, "spec", "selector"):
            out.append((pdb.urn, "its selector matches no workload in the stack"))
    return out


def check_hpa_bounds(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """K8S-12: minReplicas >= floor, maxReplicas above it, and the target exists in the stack."""
    need = int(cfg.get("minReplicas", 2))
    hpas = Autoscalers(of_type(resources, HPA))
    targeted = {h.urn for w in of_type(resources, *SCALABLE) for h in hpas.of(w)}
    out = []
    for hpa in hpas.items:
        if _exempt(hpa, cfg):
            continue
        lo = int(number(get(hpa.props, "spec", "minReplicas"), 1) or 1)
        hi = number(get(hpa.props, "spec", "maxReplicas"), None)
        if lo < need:
            out.append((hpa.urn, f"minReplicas is below {need}"))
        if hi is None or hi <= lo:
            out.append((hpa.urn, "maxReplicas is not above minReplicas, so it cannot scale"))
        if hpa.urn not in targeted:
            out.append((hpa.urn, "its scaleTargetRef matches no Deployment/StatefulSet in the stack"))
    return out


EXEMPT = {
    "exemptNamespaces": {
        "type": "array",
        "items": {"type": "string"},
        "default": ["kube-system"],
        "description": "namespaces this rule skips",
    }
}

STACK_RULES = [
    stack_rule(
        "kubernetes-apps-deployment-configure-replicas-and-spread",
        "Deployments and StatefulSets must run several replicas spread over zones or nodes.",
        types=list(SCALABLE) + [HPA],
        severity=Severity.MEDIUM,
        anchors=[
            "Polaris:deploymentMissingReplicas",
            "Polaris:topologySpreadConstraint",
            "kube-linter:minimum-three-replicas",
            "kube-linter:no-anti-affinity",
            "kubernetes-apps-v1-deployment-configure-minimum-replica-count",
            "KICS:deployment-no-pod-anti-affinity",
        ],
        fix="set spec.replicas (or the HPA minReplicas) to the environment minimum and add a "
        "topologySpreadConstraint on topology.kubernetes.io/zone",
        check=check_replicas_and_spread,
        config={**EXEMPT, "minReplicas": int_schema(2, "smallest replica count", minimum=1)},
    ),
    stack_rule(
        "kubernetes-apps-deployment-require-pod-disruption-budget",
        "Multi-replica workloads must have a PodDisruptionBudget so drains and node repairs keep capacity.",
        types=list(SCALABLE) + [PDB, HPA],
        severity=Severity.MEDIUM,
        anchors=["Polaris:missingPodDisruptionBudget", "KICS:deployment-without-pod-disruption-budget"],
        fix="add a policy/v1 PodDisruptionBudget in the same namespace whose selector matches the pod labels",
        check=check_pdb_coverage,
        config=EXEMPT,
    ),
    stack_rule(
        "kubernetes-policy-poddisruptionbudget-allow-voluntary-disruption",
        "PodDisruptionBudgets must allow at least one eviction, or ACK node drains and CVE patching stall.",
        types=[PDB] + list(SCALABLE) + [HPA],
        severity=Severity.HIGH,
        anchors=[
            "Polaris:pdbDisruptionsIsZero",
            "Polaris:pdbMinAvailableGreaterThanHPAMinReplicas",
            "kube-linter:pdb-max-unavailable",
            "kube-linter:pdb-min-available",
            "kubernetes-policy-v1-poddisruptionbudget-disallow-zero-voluntary-disruption",
        ],
        fix="set maxUnavailable: 1 (or minAvailable below the workload's minimum replicas)",
        check=check_pdb_sanity,
        config=EXEMPT,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    stack_rule(
        "kubernetes-autoscaling-hpa-configure-bounds",
        "HorizontalPodAutoscalers must keep a floor of replicas, room to scale, and a real target.",
        types=[HPA] + list(SCALABLE),
        severity=Severity.MEDIUM,
        anchors=[
            "Polaris:hpaMinAvailability",
            "Polaris:hpaMaxAvailability",
            "kube-linter:hpa-minimum-three-replicas",
            "kube-linter:dangling-horizontalpodautoscaler",
            "KICS:hpa-targets-invalid-object",
        ],
        fix="set minReplicas to the environment floor, maxReplicas above it, and scaleTargetRef to a workload",
        check=check_hpa_bounds,
        config={**EXEMPT, "minReplicas": int_schema(2, "smallest minReplicas", minimum=1)},
    ),
]
