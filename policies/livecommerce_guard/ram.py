"""RAM rules: no AdministratorAccess or *FullAccess system-policy attachments, no wildcard or negated
grants in custom policies, no policy that reads every KMS secret, tight trust policies (service
principals, RRSA OIDC subjects), no users or access keys.

How a grant escapes an exact list of actions and resources, and what these rules treat alike:
- a wildcard anywhere in an action, in the service or the action name (`*`, `oss:*`, `ram:*Role*`,
  `sts:Assume*`, `*:Get*`); RAM matches `*` and `?` in Action
  (https://www.alibabacloud.com/help/en/ram/user-guide/policy-elements);
- `NotAction` with Allow (every action but those listed) and `NotResource` with Allow (every
  resource but those listed);
- the deprecated `statements` block of `ram.Policy` (provider >= 1.49 still accepts it) as well as
  `policy_document` and the deprecated `document`;
- in trust policies, `NotPrincipal` with Allow and wildcards in principals, in the STS action and in
  the OIDC conditions of RRSA trusts.
"""

from __future__ import annotations

import fnmatch
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
WILDCARDS = ("*", "?")
# Reading a secret's value is this one KMS action (KMS GetSecretValue API).
SECRET_READ_ACTION = "kms:getsecretvalue"


def _as_list(value: Any) -> list[Any]:
    return items(value) if is_list(value) else ([] if value is None else [value])


def statements(document: Any) -> list[Any]:
    sts = get(document, "Statement", default=[])
    return [sts] if isinstance(sts, Mapping) else items(sts)


# What `policy_document` returns for a document that does not parse.
INVALID_DOCUMENT: Mapping[str, Any] = {"Statement": []}


def policy_document(props: Mapping[str, Any]) -> Any:
    """The policy as a document, from `policyDocument`, the deprecated `document`, or the deprecated
    `statements` block ({effect, actions, resources}); None when the resource carries none, and
    INVALID_DOCUMENT when the JSON does not parse."""
    raw = get(props, "policyDocument")
    if raw is None:
        raw = get(props, "document")
    if raw is not None:
        document = json_doc(raw)
        return document if isinstance(document, Mapping) else INVALID_DOCUMENT
    block = items(get(props, "statements"))
    if block:
        return {
            "Statement": [
                {"Effect": get(st, "effect"), "Action": get(st, "actions"), "Resource": get(st, "resources")}
                for st in block
            ]
        }
    return None


def is_allow(statement: Any) -> bool:
    return str(get(statement, "Effect", default="")).strip().lower() == "allow"


def has_wildcard(value: Any) -> bool:
    return any(w in str(value) for w in WILDCARDS)


def matches_everything(pattern: Any) -> bool:
    """An action or resource pattern that matches anything: `*`, `*:*`, `acs:*:*:*:*`."""
    text = str(pattern).strip()
    if text.lower().startswith("acs:"):
        text = text[len("acs:") :]
    return "*" in text and all(set(part) <= {"*"} for part in text.split(":"))


def grants_every_action(statement: Any) -> bool:
    """Allow with Action `*` (or `*:*`), or with NotAction (every action but a few)."""
    if get(statement, "NotAction") is not None:
        return True
    return any(matches_everything(a) for a in _as_list(get(statement, "Action")))


def covers_every_resource(statement: Any) -> bool:
    """Resource `*` (or `acs:*:*:*:*`), or NotResource (every resource but a few)."""
    if get(statement, "NotResource") is not None:
        return True
    return any(matches_everything(r) for r in _as_list(get(statement, "Resource")))


def admin_statements(document: Any) -> list[int]:
    """Indexes of Allow statements equivalent to super-admin: every action on every resource."""
    return [
        i
        for i, st in enumerate(statements(document))
        if is_allow(st) and grants_every_action(st) and covers_every_resource(st)
    ]


def wildcard_admin_statements(document: Any) -> int:
    """How many Allow statements grant every action on every resource (NotAction/NotResource included)."""
    return len(admin_statements(document))


def broad_grants(document: Any) -> list[tuple[int, str]]:
    """(statement index, why) for each way an Allow statement is broader than exact actions on listed resources."""
    problems = []
    for i, st in enumerate(statements(document)):
        if not is_allow(st):
            continue
        if get(st, "NotAction") is not None:
            problems.append((i, f"statement {i} uses NotAction with Allow (every action except those listed)"))
        elif any(has_wildcard(a) for a in _as_list(get(st, "Action"))):
            problems.append((i, f"statement {i} allows actions by wildcard ('*' or '?' in a service or action name)"))
        if get(st, "NotResource") is not None:
            problems.append((i, f"statement {i} uses NotResource with Allow (every resource except those listed)"))
    return problems


def service_wildcard_statements(document: Any) -> int:
    """How many Allow statements grant actions by wildcard or NotAction (kept for callers counting them)."""
    return sum(
        1
        for st in statements(document)
        if is_allow(st)
        and (get(st, "NotAction") is not None or any(has_wildcard(a) for a in _as_list(get(st, "Action"))))
    )


def check_admin_attachment(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """RAM-01: no AdministratorAccess attachment to a role, user or group."""
    if is_admin_policy_name(get(subject.props, "policyName"), get(subject.props, "policyType")):
        return ["attaches the AdministratorAccess system policy"]
    return []


def is_admin_policy_name(name: Any, policy_type: Any) -> bool:
    return name == ADMIN_POLICY and str(policy_type or "System") == "System"


def is_full_access(name: Any, policy_type: Any) -> bool:
    return (
        isinstance(name, str)
        and str(policy_type or "System") == "System"
        and (name == ADMIN_POLICY or bool(FULL_ACCESS_RE.match(name)))
    )


def check_full_access_attachment(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """RAM-03: no Aliyun*FullAccess system policy unless allow-listed."""
    name = get(subject.props, "policyName")
    allowed = set(cfg.get("allowedPolicies", []))
    if name != ADMIN_POLICY and is_full_access(name, get(subject.props, "policyType")) and name not in allowed:
        return ["attaches a product-wide *FullAccess system policy"]
    return []


def check_wildcard_policy(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """RAM-02: custom policies never grant every action on every resource; with `strict` (the default),
    no wildcard in any action and no NotAction / NotResource with Allow."""
    document = policy_document(subject.props)
    if document is None:
        return []
    if document is INVALID_DOCUMENT:
        return ["the policy document is not valid JSON, so it cannot be checked"]
    admin = admin_statements(document)
    problems = []
    if admin:
        problems.append(
            f"{len(admin)} statement(s) allow every action on every resource ('*' on '*', or NotAction/NotResource)"
        )
    if cfg.get("strict", True):
        problems += [why for i, why in broad_grants(document) if i not in admin]
    return problems


def action_grants(statement: Any, action: str) -> bool:
    """Whether an Allow statement's actions cover `action` (lower-case `service:name`), as RAM matches them."""
    not_actions = get(statement, "NotAction")
    if not_actions is not None:
        return not any(fnmatch.fnmatchcase(action, str(a).strip().lower()) for a in _as_list(not_actions))
    return any(fnmatch.fnmatchcase(action, str(a).strip().lower()) for a in _as_list(get(statement, "Action")))


def covers_every_secret(statement: Any) -> bool:
    """Resource `*`, NotResource, or a KMS ARN whose secret name is only wildcards (`...:secret/*`)."""
    if covers_every_resource(statement):
        return True
    for resource in _as_list(get(statement, "Resource")):
        parts = str(resource).strip().split(":", 4)
        if len(parts) != 5 or parts[0].lower() != "acs" or parts[1].lower() not in ("kms", "*"):
            continue
        name = parts[4]
        if set(name) <= {"*"} or (name.lower().startswith("secret/") and set(name[len("secret/") :]) <= {"*"}):
            return True
    return False


def check_secret_access(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """RAM-06: no policy lets its holder read every KMS secret; grant GetSecretValue on named secrets."""
    document = policy_document(subject.props)
    if document is None:
        return []
    return [
        f"statement {i} lets the holder read every KMS secret (kms:GetSecretValue on all secrets)"
        for i, st in enumerate(statements(document))
        if is_allow(st) and action_grants(st, SECRET_READ_ACTION) and covers_every_secret(st)
    ]


def _oidc_problems(i: int, statement: Any) -> list[str]:
    condition = get(statement, "Condition", default={})
    keys = set()
    wildcard = False
    for op_name, operator in condition.items() if isinstance(condition, Mapping) else []:
        for k, v in operator.items() if isinstance(operator, Mapping) else []:
            key = str(k).lower()
            keys.add(key)
            if key in ("oidc:iss", "oidc:aud", "oidc:sub") and (
                str(op_name).lower().startswith("stringlike") or any(has_wildcard(x) for x in _as_list(v))
            ):
                wildcard = True
    problems = []
    missing = [k for k in ("oidc:iss", "oidc:aud", "oidc:sub") if k not in keys]
    if missing:
        problems.append(f"statement {i} (OIDC/RRSA) lacks condition(s) {', '.join(missing)}")
    if wildcard:
        problems.append(f"statement {i} (OIDC/RRSA) matches issuer, audience or service accounts by wildcard")
    return problems


def check_trust_policy(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """RAM-04: trust policies name specific services/accounts; OIDC trusts pin iss/aud/sub; no wildcard
    or negation lets anyone else assume the role."""
    raw = get(subject.props, "assumeRolePolicyDocument")
    if raw is None:
        raw = get(subject.props, "document")
    if raw is None:
        return []
    document = json_doc(raw)
    if not isinstance(document, Mapping):
        return ["the trust policy is not valid JSON, so it cannot be checked"]
    allowed_services = set(cfg.get("allowedServices", []))
    problems = []
    for i, st in enumerate(statements(document)):
        if not is_allow(st):
            continue
        if get(st, "NotPrincipal") is not None:
            problems.append(f"statement {i} trusts every principal except those listed (NotPrincipal)")
        if get(st, "NotAction") is not None or any(has_wildcard(a) for a in _as_list(get(st, "Action"))):
            problems.append(f"statement {i} allows STS actions by wildcard or NotAction; name sts:AssumeRole")
        principal = get(st, "Principal", default={})
        if principal == "*" or (is_list(principal) and "*" in [str(p) for p in principal]):
            problems.append(f"statement {i} trusts any principal ('*')")
            continue
        for ram in _as_list(get(principal, "RAM")):
            if str(ram) == "*" or re.match(r"^acs:ram::\*:", str(ram)):
                problems.append(f"statement {i} trusts every Alibaba Cloud account")
            elif has_wildcard(ram):
                problems.append(f"statement {i} trusts RAM principals by wildcard")
        for service in _as_list(get(principal, "Service")):
            if has_wildcard(service):
                problems.append(f"statement {i} trusts service principals by wildcard")
            elif allowed_services and str(service) not in allowed_services:
                problems.append(f"statement {i} trusts a service principal outside allowedServices")
        federated = _as_list(get(principal, "Federated"))
        if any(has_wildcard(f) for f in federated):
            problems.append(f"statement {i} trusts identity providers by wildcard")
        if federated:
            problems += _oidc_problems(i, st)
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
        "RAM custom policies must list exact actions: no wildcard in a service or action name, no "
        "NotAction or NotResource with Allow, never every action on every resource.",
        types=[POLICY],
        severity=Severity.HIGH,
        anchors=[
            "CloudConfig:ram-policy-no-statements-with-admin-access-check",
            "KICS:e8e62026",
            "CKV_K8S_49 (analog)",
        ],
        fix="list the exact actions (oss:GetObject, ...) and resource ARNs the workload needs; replace "
        "NotAction/NotResource with the actions and resources to allow",
        check=check_wildcard_policy,
        config={"strict": bool_schema(True, "also flag wildcard actions and NotAction/NotResource grants")},
    ),
    resource_rule(
        "alicloud-ram-policy-restrict-secret-access",
        "RAM policies must not let their holder read every KMS secret (kms:GetSecretValue on all secrets).",
        types=[POLICY],
        severity=Severity.CRITICAL,
        anchors=["CKV_K8S_49 (analog)", "KMS:secrets-manager-ram"],
        fix="grant kms:GetSecretValue on the named secrets the workload reads "
        "(acs:kms:<region>:<account>:secret/<name>)",
        check=check_secret_access,
    ),
    resource_rule(
        "alicloud-ram-role-restrict-trust-policy",
        "RAM role trust policies must name specific services or accounts; RRSA trusts pin iss, aud and sub.",
        types=[ROLE],
        severity=Severity.CRITICAL,
        anchors=["ACK:RRSA", "IAM trust-policy (analog)"],
        fix="trust only the expected service (fc.aliyuncs.com, oss.aliyuncs.com) or the cluster OIDC "
        "provider with StringEquals on oidc:iss, oidc:aud and oidc:sub, for the action sts:AssumeRole",
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
