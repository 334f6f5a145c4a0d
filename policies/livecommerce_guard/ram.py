"""RAM rules: no AdministratorAccess or *FullAccess system-policy attachments, no `*` on `*` in custom
policies, tight trust policies (service principals, RRSA OIDC subjects), no users or access keys."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._base import (
    Subject,
    bool_schema,
    get,
    is_list,
    items,
    json_doc,
    resource_rule,
    str_list_schema,
)

ROLE = "alicloud:ram/role:Role"
POLICY = "alicloud:ram/policy:Policy"
ROLE_ATTACHMENT = "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment"
USER_ATTACHMENT = "alicloud:ram/userPolicyAttachment:UserPolicyAttachment"
GROUP_ATTACHMENT = "alicloud:ram/groupPolicyAttachment:GroupPolicyAttachment"
ATTACHMENTS = (ROLE_ATTACHMENT, USER_ATTACHMENT, GROUP_ATTACHMENT)
USER = "alicloud:ram/user:User"
ACCESS_KEY = "alicloud:ram/accessKey:AccessKey"

ADMIN_POLICY = "AdministratorAccess"
FULL_ACCESS_RE = re.compile(r"^Aliyun\w*FullAccess$")


def _as_list(value: Any) -> list[Any]:
    return items(value) if is_list(value) else ([] if value is None else [value])


def statements(document: Any) -> list[Any]:
    sts = get(document, "Statement", default=[])
    return [sts] if isinstance(sts, Mapping) else items(sts)


def is_admin_policy_name(name: Any, policy_type: Any) -> bool:
    return name == ADMIN_POLICY and str(policy_type or "System") == "System"


def is_full_access(name: Any, policy_type: Any) -> bool:
    return (
        isinstance(name, str)
        and str(policy_type or "System") == "System"
        and (name == ADMIN_POLICY or bool(FULL_ACCESS_RE.match(name)))
    )


def check_admin_attachment(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """RAM-01: no AdministratorAccess attachment to a role, user or group."""
    if is_admin_policy_name(get(subject.props, "policyName"), get(subject.props, "policyType")):
        return ["attaches the AdministratorAccess system policy"]
    return []


def check_full_access_attachment(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """RAM-03: no Aliyun*FullAccess system policy unless allow-listed."""
    name = get(subject.props, "policyName")
    allowed = set(cfg.get("allowedPolicies", []))
    if name != ADMIN_POLICY and is_full_access(name, get(subject.props, "policyType")) and name not in allowed:
        return ["attaches a product-wide *FullAccess system policy"]
    return []


def wildcard_admin_statements(document: Any) -> int:
    """Allow statements with Action `*` on Resource `*` (super-admin)."""
    n = 0
    for st in statements(document):
        if str(get(st, "Effect", default="")).lower() != "allow":
            continue
        actions = [str(a) for a in _as_list(get(st, "Action"))]
        resources = [str(r) for r in _as_list(get(st, "Resource"))]
        if "*" in actions and "*" in resources:
            n += 1
    return n


def service_wildcard_statements(document: Any) -> int:
    """Allow statements with a whole-service action (`oss:*`) or `*` actions on named resources."""
    n = 0
    for st in statements(document):
        if str(get(st, "Effect", default="")).lower() != "allow":
            continue
        actions = [str(a) for a in _as_list(get(st, "Action"))]
        if any(a == "*" or a.endswith(":*") for a in actions):
            n += 1
    return n


def check_wildcard_policy(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """RAM-02: custom policies never grant `*` on `*`; with `strict`, no `service:*` actions."""
    raw = get(subject.props, "policyDocument")
    if raw is None:
        raw = get(subject.props, "document")
    if raw is None:
        return []
    document = json_doc(raw)
    if document is None:
        return ["the policy document is not valid JSON, so it cannot be checked"]
    problems = []
    n = wildcard_admin_statements(document)
    if n:
        problems.append(f"{n} statement(s) allow Action '*' on Resource '*'")
    elif cfg.get("strict", True):
        m = service_wildcard_statements(document)
        if m:
            problems.append(f"{m} statement(s) allow every action of a service ('<service>:*')")
    return problems


def check_trust_policy(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """RAM-04: trust policies name specific services/accounts; OIDC trusts pin iss/aud/sub."""
    raw = get(subject.props, "assumeRolePolicyDocument")
    if raw is None:
        raw = get(subject.props, "document")
    if raw is None:
        return []
    document = json_doc(raw)
    if document is None:
        return ["the trust policy is not valid JSON, so it cannot be checked"]
    allowed_services = set(cfg.get("allowedServices", []))
    problems = []
    for i, st in enumerate(statements(document)):
        if str(get(st, "Effect", default="")).lower() != "allow":
            continue
        principal = get(st, "Principal", default={})
        if principal == "*":
            problems.append(f"statement {i} trusts any principal ('*')")
            continue
        for ram in _as_list(get(principal, "RAM")):
            if str(ram) == "*" or re.match(r"^acs:ram::\*:", str(ram)):
                problems.append(f"statement {i} trusts every Alibaba Cloud account")
        for service in _as_list(get(principal, "Service")):
            if allowed_services and str(service) not in allowed_services:
                problems.append(f"statement {i} trusts a service principal outside allowedServices")
        if _as_list(get(principal, "Federated")):
            condition = get(st, "Condition", default={})
            keys = set()
            wildcard_sub = False
            for op_name, operator in condition.items() if isinstance(condition, Mapping) else []:
                for k, v in operator.items() if isinstance(operator, Mapping) else []:
                    keys.add(str(k).lower())
                    if str(k).lower() == "oidc:sub":
                        values = [str(x) for x in _as_list(v)]
                        if str(op_name).lower().startswith("stringlike") or any("*" in x for x in values):
                            wildcard_sub = True
            missing = [k for k in ("oidc:iss", "oidc:aud", "oidc:sub") if k not in keys]
            if missing:
                problems.append(f"statement {i} (OIDC/RRSA) lacks condition(s) {', '.join(missing)}")
            if wildcard_sub:
                problems.append(f"statement {i} (OIDC/RRSA) matches service accounts by wildcard")
    return problems


def check_no_users(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """RAM-05: workload stacks create roles, never RAM users or long-lived AccessKeys."""
    what = "an AccessKey" if subject.type == ACCESS_KEY else "a RAM user or user policy attachment"
    return [f"the stack creates {what}"]


POLICIES = [
    resource_rule(
        "alicloud-ram-policyattachment-disallow-administratoraccess",
        "RAM roles, users and groups must not get the AdministratorAccess system policy.",
        types=ATTACHMENTS,
        severity=Severity.CRITICAL,
        anchors=["KICS:e8e62026", "CloudConfig:ram-policy-no-statements-with-admin-access-check"],
        fix="attach a custom policy that lists only the actions and resources the workload uses",
        check=check_admin_attachment,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    resource_rule(
        "alicloud-ram-policyattachment-disallow-fullaccess-system-policies",
        "RAM attachments must not grant a whole product (Aliyun*FullAccess) to a workload role.",
        types=ATTACHMENTS,
        severity=Severity.HIGH,
        anchors=["CloudConfig:ram-user-no-product-admin-access"],
        fix="replace the *FullAccess policy with a custom policy scoped to the needed actions/resources",
        check=check_full_access_attachment,
        config={"allowedPolicies": str_list_schema([], "system *FullAccess policies accepted anyway")},
    ),
    resource_rule(
        "alicloud-ram-policy-disallow-wildcard-actions",
        "RAM custom policies must not allow every action on every resource, nor whole-service wildcards.",
        types=[POLICY],
        severity=Severity.HIGH,
        anchors=[
            "CloudConfig:ram-policy-no-statements-with-admin-access-check",
            "KICS:e8e62026",
            "CKV_K8S_49 (analog)",
        ],
        fix="list the exact actions (oss:GetObject, ...) and resource ARNs the workload needs",
        check=check_wildcard_policy,
        config={"strict": bool_schema(True, "also flag '<service>:*' actions")},
    ),
    resource_rule(
        "alicloud-ram-role-restrict-trust-policy",
        "RAM role trust policies must name specific services or accounts; RRSA trusts pin iss, aud and sub.",
        types=[ROLE],
        severity=Severity.CRITICAL,
        anchors=["ACK:RRSA", "IAM trust-policy (analog)"],
        fix="trust only the expected service (fc.aliyuncs.com, oss.aliyuncs.com) or the cluster OIDC "
        "provider with StringEquals on oidc:iss, oidc:aud and oidc:sub",
        check=check_trust_policy,
        config={
            "allowedServices": str_list_schema(
                [
                    "fc.aliyuncs.com",
                    "oss.aliyuncs.com",
                    "cs.aliyuncs.com",
                    "ecs.aliyuncs.com",
                    "eci.aliyuncs.com",
                    "mse.aliyuncs.com",
                    "arms.aliyuncs.com",
                    "log.aliyuncs.com",
                    "actiontrail.aliyuncs.com",
                    "eventbridge.aliyuncs.com",
                    "mns.aliyuncs.com",
                ],
                "service principals a role may trust",
            )
        },
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    resource_rule(
        "alicloud-ram-user-disallow-users-and-access-keys",
        "Platform stacks must not create RAM users, user policy attachments or AccessKeys.",
        types=[USER, ACCESS_KEY, USER_ATTACHMENT],
        severity=Severity.MEDIUM,
        anchors=["KICS:66505003"],
        fix="use a RAM role (FC execution role, RRSA ServiceAccount role) instead of a user or AccessKey",
        check=check_no_users,
    ),
]
