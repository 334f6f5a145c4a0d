"""Kubernetes access and isolation rules: RBAC without wildcards, escalation verbs, cluster-admin
bindings or read access to every Secret; a default-deny NetworkPolicy in every namespace that runs
workloads, and no NetworkPolicy that admits everything (which undoes that default deny: policies are
additive, so one allow-all policy opens the pods it selects whatever else denies)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

import ipaddress

from ._base import Subject, get, is_map, items, of_type, resource_rule, stack_rule, str_list_schema
from .k8s import WORKLOADS, namespace_of

ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"
CLUSTER_ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole"
ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"
CLUSTER_ROLE_BINDING = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding"
NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy"
ESCALATION_VERBS = frozenset({"escalate", "bind", "impersonate"})
READ_VERBS = frozenset({"get", "list", "watch", "*"})
# Built-in aggregated ClusterRoles that include reading Secrets (Kubernetes RBAC docs, user-facing roles:
# `view` deliberately excludes Secrets; `edit` and `admin` include them). cluster-admin has its own rule.
SECRET_READING_BUILTINS = frozenset({"admin", "edit"})


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


def reads_every_secret(rule: Any) -> bool:
    """A rule granting get/list/watch on Secrets of the core API group without naming them."""
    groups = {str(g) for g in items(get(rule, "apiGroups"))}
    resources = {str(r) for r in items(get(rule, "resources"))}
    verbs = {str(v) for v in items(get(rule, "verbs"))}
    return (
        bool(groups & {"", "*"})
        and bool(resources & {"secrets", "*"})
        and bool(verbs & READ_VERBS)
        and not items(get(rule, "resourceNames"))
    )


def check_secret_read(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-18: no Role or ClusterRole reads every Secret it can reach (a Role: its namespace; a ClusterRole:
    every namespace it is bound in), and no binding hands out the built-in `edit`/`admin` roles, which do.
    `resourceNames` bounds get, list and watch alike (Kubernetes RBAC: list/watch with a name field selector)."""
    name = str(get(subject.props, "metadata", "name", default=subject.name))
    if name in set(cfg.get("allowedRoles", [])) or subject.name in set(cfg.get("allowedRoles", [])):
        return []
    if subject.type in (ROLE, ROLE_BINDING) and namespace_of(subject.props) in set(
        cfg.get("exemptNamespaces", ["kube-system"])
    ):
        return []
    if subject.type in (ROLE_BINDING, CLUSTER_ROLE_BINDING):
        ref = get(subject.props, "roleRef", default={})
        if get(ref, "kind") == "ClusterRole" and get(ref, "name") in SECRET_READING_BUILTINS:
            return ["it binds a built-in ClusterRole (edit/admin) that reads every Secret"]
        return []
    scope = "in its namespace" if subject.type == ROLE else "in every namespace it is bound to"
    return [
        f"rule {i} reads every Secret {scope} (get/list/watch on secrets without resourceNames)"
        for i, rule in enumerate(items(get(subject.props, "rules")))
        if reads_every_secret(rule)
    ]


def _directions(policy_props: Any) -> list[tuple[str, str]]:
    """(rules key, peers key) per direction the policy governs; policyTypes absent means Ingress, plus Egress
    when egress rules are present (NetworkPolicy API defaults)."""
    types = {str(t) for t in items(get(policy_props, "spec", "policyTypes"))}
    if not types:
        types = {"Ingress"} | ({"Egress"} if get(policy_props, "spec", "egress") is not None else set())
    return [
        (key, peers) for t, key, peers in (("Ingress", "ingress", "from"), ("Egress", "egress", "to")) if t in types
    ]


def _selects_everything(selector: Any) -> bool:
    return is_map(selector) and not get(selector, "matchLabels") and not items(get(selector, "matchExpressions"))


def _peer_is_anyone(peer: Any) -> bool:
    """A peer admitting every source: the whole internet (ipBlock /0 without except) or every pod of every
    namespace (namespaceSelector {} with no or an empty podSelector)."""
    block = get(peer, "ipBlock")
    if block is not None:
        try:
            wide = ipaddress.ip_network(str(get(block, "cidr", default="")), strict=False).prefixlen == 0
        except ValueError:
            return False
        return wide and not items(get(block, "except"))
    if "namespaceSelector" in peer and _selects_everything(get(peer, "namespaceSelector", default={})):
        return "podSelector" not in peer or _selects_everything(get(peer, "podSelector", default={}))
    return False


def allow_all_rules(policy_props: Any) -> list[str]:
    """The directions in which a NetworkPolicy admits every peer on every port."""
    found = []
    for key, peers_key in _directions(policy_props):
        for rule in items(get(policy_props, "spec", key)):
            peers = items(get(rule, peers_key))
            anyone = not peers or any(_peer_is_anyone(p) for p in peers if is_map(p))
            if anyone and not items(get(rule, "ports")):
                found.append(key)
                break
    return found


def check_allow_all(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-15: no NetworkPolicy admits every source (or destination) on every port."""
    if namespace_of(subject.props) in set(cfg.get("exemptNamespaces", ["kube-system"])):
        return []
    return [
        f"its {direction} rules admit every {'source' if direction == 'ingress' else 'destination'} on every "
        "port, which undoes any default deny for the pods it selects"
        for direction in allow_all_rules(subject.props)
    ]


def is_default_deny(policy: Any) -> bool:
    """Empty podSelector (every pod), Ingress among the policy types, and no ingress rule at all: a rule,
    even `{}`, admits traffic (`ingress: [{}]` is allow-all, not deny)."""
    selector = get(policy.props, "spec", "podSelector", default={})
    empty = not get(selector, "matchLabels") and not get(selector, "matchExpressions")
    ingress_typed = "Ingress" in {str(t) for t in items(get(policy.props, "spec", "policyTypes"))}
    return empty and ingress_typed and not items(get(policy.props, "spec", "ingress"))


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
    resource_rule(
        "kubernetes-rbac-role-restrict-secret-access",
        "Roles and ClusterRoles must not read every Secret (get/list/watch without resourceNames), nor may "
        "bindings hand out the built-in edit/admin roles.",
        types=[ROLE, CLUSTER_ROLE, ROLE_BINDING, CLUSTER_ROLE_BINDING],
        severity=Severity.HIGH,
        anchors=["CKV2_K8S_5", "kube-linter:access-to-secrets"],
        fix="name the Secrets in resourceNames (get only), mount them into the pod, or read them through "
        "ack-secret-manager / KMS with RRSA; bind view or a custom Role instead of edit/admin",
        check=check_secret_read,
        config={
            "allowedRoles": str_list_schema([], "Role/ClusterRole/binding names allowed to read every Secret"),
            "exemptNamespaces": str_list_schema(["kube-system"], "namespaces whose Roles this rule skips"),
        },
    ),
    resource_rule(
        "kubernetes-networking-networkpolicy-disallow-allow-all",
        "NetworkPolicies must not admit every source or destination on every port (undoes a default deny).",
        types=[NETWORK_POLICY],
        severity=Severity.HIGH,
        anchors=["CKV2_K8S_6 (analog)", "Polaris:missingNetworkPolicy (analog)"],
        fix="keep the default-deny policy without rules and add narrow policies: from namespaceSelector/"
        "podSelector with labels or a bounded ipBlock, on the serving ports",
        check=check_allow_all,
        config={"exemptNamespaces": str_list_schema(["kube-system"], "namespaces this rule skips")},
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
