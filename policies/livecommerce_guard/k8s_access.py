"""Kubernetes access and isolation rules: RBAC without wildcards, escalation verbs or cluster-admin
bindings, and a default-deny NetworkPolicy in every namespace that runs workloads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from ._base import Subject, get, items, of_type, resource_rule, stack_rule, str_list_schema
from .k8s import WORKLOADS, namespace_of

ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"
CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"
ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
ESCALATION_VERBS = frozenset({"escalate", "bind", "impersonate"})


def check_rbac_rules(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-17: no `*` verbs or resources, no escalate/bind/impersonate."""
    out = []
    for i, rule in enumerate(items(get(subject.props, "rules"))):
        verbs = {str(v) for v in items(get(rule, "verbs"))}
        resources = {str(r) for r in items(get(rule, "resources"))}
        if "*" in verbs or "*" in resources:
            out.append(f"rule {i} uses a '*' wildcard in verbs or resources")
        bad = sorted(verbs & ESCALATION_VERBS)
        if bad:
            out.append(f"rule {i} grants {', '.join(bad)}")
    return out


def check_cluster_admin_binding(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-17: bindings never hand out cluster-admin (allow-list for platform add-ons)."""
    name = get(subject.props, "metadata", "name", default=subject.name)
    if name in set(cfg.get("allowedBindings", [])):
        return []
    if get(subject.props, "roleRef", "name") == "cluster-admin":
        return ["it binds the cluster-admin ClusterRole"]
    return []


def is_default_deny(policy: Any) -> bool:
    """Empty podSelector (every pod) with Ingress among the policy types."""
    selector = get(policy.props, "spec", "podSelector", default={})
    empty = not get(selector, "matchLabels") and not get(selector, "matchExpressions")
    return empty and "Ingress" in {str(t) for t in items(get(policy.props, "spec", "policyTypes"))}


def check_default_deny(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """K8S-14: each namespace with workloads has a default-deny ingress NetworkPolicy (report once per namespace)."""
    exempt = set(cfg.get("exemptNamespaces", ["kube-system"]))
    covered = {namespace_of(p.props) for p in of_type(resources, NETWORK_POLICY) if is_default_deny(p)}
    out, reported = [], set()
    for wl in of_type(resources, *WORKLOADS):
        ns = namespace_of(wl.props)
        if ns in exempt or ns in covered or ns in reported:
            continue
        reported.add(ns)
        out.append((wl.urn, f"namespace {ns} has no default-deny ingress NetworkPolicy"))
    return out


POLICIES = [
    resource_rule(
        "kubernetes-rbac-role-disallow-wildcards-and-escalation",
        "Roles and ClusterRoles must not use '*' verbs/resources nor grant escalate, bind or impersonate.",
        types=[ROLE, CLUSTER_ROLE],
        severity=Severity.HIGH,
        anchors=["CKV_K8S_49", "CKV_K8S_157", "CKV_K8S_158", "kube-linter:wildcard-in-rules"],
        fix="list the exact API groups, resources and verbs the controller needs",
        check=check_rbac_rules,
    ),
    resource_rule(
        "kubernetes-rbac-rolebinding-disallow-cluster-admin",
        "RoleBindings and ClusterRoleBindings must not grant cluster-admin.",
        types=[ROLE_BINDING, CLUSTER_ROLE_BINDING],
        severity=Severity.CRITICAL,
        anchors=["kube-linter:cluster-admin-role-binding", "Polaris:clusterrolebindingClusterAdmin", "CKV2_K8S_1"],
        fix="bind a dedicated Role/ClusterRole with only the needed permissions",
        check=check_cluster_admin_binding,
        config={"allowedBindings": str_list_schema([], "binding names allowed to reference cluster-admin")},
    ),
    stack_rule(
        "kubernetes-networking-namespace-require-default-deny",
        "Every namespace that runs workloads should have a default-deny ingress NetworkPolicy.",
        types=[NETWORK_POLICY, *WORKLOADS],
        severity=Severity.MEDIUM,
        anchors=["CKV2_K8S_6", "Polaris:missingNetworkPolicy", "kube-linter:non-isolated-pod"],
        fix="add a NetworkPolicy with podSelector {} and policyTypes [Ingress], then allow the needed traffic",
        check=check_default_deny,
        config={"exemptNamespaces": str_list_schema(["kube-system"], "namespaces this rule skips")},
    ),
]
