"""RAM documents of the delivery block, as pure functions (tested on their own).

* GitHub Actions OIDC trust: a role only a given repository's job in a given GitHub environment may assume
  (`oidc:sub` = `repo:OWNER/REPO:environment:ENV`), pinned to the issuer and the audience as well.
* The deploy role of an environment: the platform's services, verb by verb (never `*` or `<service>:*`),
  in the stack's region and account; RAM and OSS only on names under the environment's prefix; the
  Pulumi state objects of that one stack.
* The read-only role of an environment (cloud preview on pull requests, drift): describe/list/get only,
  and read access to that stack's state.
* The CI runner host's instance role: read its registration token, nothing else.

ARN formats: OSS `acs:oss:*:<account>:<bucket>[/<key>]` (bucket names are global, hence region `*`);
RAM `acs:ram::<account>:role/<name>` (RAM lower-cases role names in ARNs); regional services
`acs:<service>:<region>:<account>:<resource>`; OOS parameters `acs:oos:<region>:<account>:secretparameter/<name>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

POLICY_VERSION = "1"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
# The audience the official credentials action asks GitHub for (aliyun/configure-aliyun-credentials-action
# action.yml, input `audience`, default `sts.aliyuncs.com`); it must be a client id of the OIDC provider.
STS_AUDIENCE = "sts.aliyuncs.com"
# SHA-1 fingerprints of the CA certificate chain that serves the GitHub issuer (the two values GitHub's
# issuer has been pinned with since its 2023 certificate change). RAM checks the IdP's HTTPS certificate
# against them; add the new one before GitHub rotates (docs/bootstrap.md shows the openssl command).
GITHUB_FINGERPRINTS = ("6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd")
# A RAM policy document holds at most 6144 characters (alicloud-api.md, ram.Policy).
MAX_POLICY_CHARS = 6144
# Pulumi's DIY backend writes `organization` as the organisation of every project-scoped stack.
DIY_ORGANIZATION = "organization"

# --------------------------------------------------------------------------------------------------
# Which RAM service each provider type calls.

# By provider module; a few types call another service's API (EIPs are VPC APIs).
MODULE_SERVICE: Mapping[str, str] = {
    "ackone": "adcp",
    "arms": "arms",
    "cs": "cs",
    "ecs": "ecs",
    "fc": "fc",
    "ims": "ims",
    "kms": "kms",
    "log": "log",
    "message": "mns",
    "mse": "mse",
    "oos": "oos",
    "oss": "oss",
    "ram": "ram",
    "sls": "log",
    "vpc": "vpc",
}
TYPE_SERVICE: Mapping[str, str] = {
    "alicloud:ecs/eipAddress:EipAddress": "vpc",
    "alicloud:ecs/eipAssociation:EipAssociation": "vpc",
}
# The OpenAPI dynamic resources of components/openapi call these services.
DYNAMIC_SERVICE: Mapping[str, str] = {"arms": "arms", "mse": "mse"}

# The verbs each regional service's create/read/update/delete and tagging APIs start with. A verb
# prefix (`vpc:Create*`) is the narrowest pattern that survives API additions between provider versions
# without granting a whole service.
WRITE_VERBS: Mapping[str, tuple[str, ...]] = {
    "vpc": ("Create", "Delete", "Modify", "Describe", "List", "Get", "Allocate", "Release", "Associate",
            "Unassociate", "TagResources", "UnTagResources"),
    "ecs": ("Create", "Delete", "Modify", "Describe", "List", "Authorize", "Revoke", "Run", "Start", "Stop",
            "Attach", "Detach", "TagResources", "UntagResources"),
    "cs": ("Create", "Delete", "Modify", "Describe", "List", "Get", "Install", "UnInstall", "Upgrade", "Scale",
           "Update", "Remove", "Attach", "Grant", "TagResources", "UntagResources"),
    "adcp": ("Create", "Delete", "Update", "Describe", "Attach", "Detach", "Get", "List"),
    "arms": ("Create", "Delete", "Update", "Describe", "List", "Get", "Search", "Save", "Add", "Install",
             "Uninstall", "Change", "Open", "Bind", "Unbind", "Start", "Stop", "TagResources", "UntagResources"),
    "fc": ("Create", "Delete", "Update", "Get", "List", "Put", "Publish", "TagResources", "UntagResources"),
    "kms": ("Create", "Describe", "List", "Get", "Enable", "Disable", "ScheduleKeyDeletion", "CancelKeyDeletion",
            "Update", "Set", "TagResource", "UntagResource"),
    "log": ("Create", "Delete", "Update", "Get", "List", "TagResources", "UntagResources"),
    "mns": ("Create", "Delete", "Set", "Get", "List", "TagResources", "UntagResources"),
    "mse": ("Create", "Delete", "Update", "Modify", "Query", "List", "Get", "Add", "Remove", "Apply", "Bind",
            "Unbind", "TagResources", "UntagResources"),
}
READ_VERBS: Mapping[str, tuple[str, ...]] = {
    svc: tuple(v for v in ("Describe", "List", "Get", "Query", "Search") if any(w.startswith(v) for w in verbs))
    for svc, verbs in WRITE_VERBS.items()
}
# RAM actions the platform's own roles and policies need (FC execution/invocation roles, RRSA roles).
RAM_ROLE_ACTIONS = ("ram:CreateRole", "ram:DeleteRole", "ram:GetRole", "ram:UpdateRole", "ram:ListPoliciesForRole",
                    "ram:AttachPolicyToRole", "ram:DetachPolicyFromRole", "ram:PassRole", "ram:TagResources",
                    "ram:UntagResources", "ram:ListTagResources")
RAM_POLICY_ACTIONS = ("ram:CreatePolicy", "ram:DeletePolicy", "ram:GetPolicy", "ram:GetPolicyVersion",
                      "ram:CreatePolicyVersion", "ram:DeletePolicyVersion", "ram:ListPolicyVersions",
                      "ram:SetDefaultPolicyVersion", "ram:ListEntitiesForPolicy", "ram:AttachPolicyToRole",
                      "ram:DetachPolicyFromRole")
OSS_BUCKET_ACTIONS = ("oss:PutBucket*", "oss:GetBucket*", "oss:DeleteBucket*", "oss:ListObjects")


def service_of(type_token: str) -> str | None:
    """The RAM service code a provider type calls, or None for Pulumi-internal and Kubernetes types."""
    if type_token in TYPE_SERVICE:
        return TYPE_SERVICE[type_token]
    package, _, rest = type_token.partition(":")
    module = rest.split("/")[0].split(":")[0]
    if package == "alicloud":
        return MODULE_SERVICE.get(module)
    if package == "pulumi-python" and module == "dynamic":
        return DYNAMIC_SERVICE.get(rest.split(":")[0].split("/")[1]) if "/" in rest else None
    return None


def services_of(types: Iterable[str]) -> list[str]:
    """The RAM services a set of resource types calls, sorted."""
    return sorted({s for t in types if (s := service_of(t)) is not None})


# --------------------------------------------------------------------------------------------------
# Trust


def oidc_subject(repository: str, environment: str) -> str:
    """GitHub's `sub` claim for a job that runs in `environment`: `repo:OWNER/REPO:environment:ENV`."""
    return f"repo:{repository}:environment:{environment}"


def github_trust_policy(provider_arn: str, subject: str, *, issuer: str = GITHUB_ISSUER,
                        audience: str = STS_AUDIENCE) -> dict[str, Any]:
    """Only a GitHub Actions job with exactly `subject` may assume the role, through `provider_arn`.

    StringEquals on all three claims: no wildcard subject, so a branch, a pull request or another
    environment of the same repository gets nothing (GitHub OIDC docs, "Example subject claims").
    """
    return {"Version": POLICY_VERSION, "Statement": [{
        "Action": "sts:AssumeRole",
        "Effect": "Allow",
        "Principal": {"Federated": [provider_arn]},
        "Condition": {"StringEquals": {"oidc:iss": issuer, "oidc:aud": audience, "oidc:sub": subject}},
    }]}


def service_trust_policy(service: str) -> dict[str, Any]:
    """A role only `service` (e.g. `ecs.aliyuncs.com`) may assume."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": [service]}},
    ]}


# --------------------------------------------------------------------------------------------------
# The Pulumi state of one stack in a DIY (self-managed) backend


def state_object_keys(project: str, stack: str) -> list[str]:
    """The object-key patterns Pulumi's DIY backend uses for one project-scoped stack.

    Layout (pulumi pkg/backend/diy/store.go, lock.go): `.pulumi/stacks/<project>/<stack>.json` (plus
    `.bak`/`.gz`), `.pulumi/history/<project>/<stack>/`, `.pulumi/backups/<project>/<stack>/`,
    `.pulumi/locks/organization/<project>/<stack>/`.
    """
    return [f".pulumi/stacks/{project}/{stack}.json*", f".pulumi/history/{project}/{stack}/*",
            f".pulumi/backups/{project}/{stack}/*", f".pulumi/locks/{DIY_ORGANIZATION}/{project}/{stack}/*"]


def state_statements(account_id: str, bucket: str, project: str, stack: str, *, write: bool) -> list[dict[str, Any]]:
    """Read (and with `write`, update and lock) one stack's state; list only under `.pulumi/`.

    `pulumi preview` and `pulumi refresh --preview-only` take no lock and write nothing on a DIY backend
    (pulumi pkg/backend/diy/backend.go: Preview and the PreviewOnly branch of Refresh skip `Lock` and
    history), so the read-only role gets GetObject only.
    """
    objects = [f"acs:oss:*:{account_id}:{bucket}/{key}" for key in state_object_keys(project, stack)]
    meta = f"acs:oss:*:{account_id}:{bucket}/.pulumi/meta.yaml"
    actions = ["oss:GetObject", "oss:PutObject", "oss:DeleteObject"] if write else ["oss:GetObject"]
    return [
        {"Sid": "StackState", "Effect": "Allow", "Action": actions, "Resource": objects},
        {"Sid": "BackendMetadata", "Effect": "Allow", "Action": ["oss:GetObject"], "Resource": [meta]},
        {"Sid": "ListState", "Effect": "Allow", "Action": ["oss:ListObjects"],
         "Resource": [f"acs:oss:*:{account_id}:{bucket}"],
         "Condition": {"StringLike": {"oss:Prefix": [".pulumi/*"]}}},
    ]


# --------------------------------------------------------------------------------------------------
# The CI roles' permissions


def _regional(service: str, region: str, account_id: str) -> str:
    return f"acs:{service}:{region}:{account_id}:*"


def deploy_policies(*, account_id: str, region: str, name_prefix: str, services: Sequence[str],
                    state_bucket: str, project: str, stack: str) -> dict[str, dict[str, Any]]:
    """The deploy role's policies by role (`services`, `identity`): everything `pulumi up` of one stack needs.

    Two documents because one would pass RAM's 6144-character limit; `identity` carries RAM, OSS and the
    stack's state, `services` the regional platform services.
    """
    regional = [s for s in services if s in WRITE_VERBS]
    service_statements = [
        {"Sid": f"Platform{svc.capitalize()}", "Effect": "Allow",
         "Action": [f"{svc}:{verb}*" for verb in WRITE_VERBS[svc]],
         "Resource": [_regional(svc, region, account_id)]}
        for svc in regional
    ]
    prefix = name_prefix.lower()
    identity: list[dict[str, Any]] = []
    if "ram" in services:
        identity += [
            {"Sid": "PlatformRoles", "Effect": "Allow", "Action": list(RAM_ROLE_ACTIONS),
             "Resource": [f"acs:ram::{account_id}:role/{prefix}-*"]},
            {"Sid": "PlatformPolicies", "Effect": "Allow", "Action": list(RAM_POLICY_ACTIONS),
             "Resource": [f"acs:ram::{account_id}:policy/{prefix}-*"]},
            # ACK creates the cluster with its default roles (AliyunCS*), which the caller passes.
            {"Sid": "PassContainerServiceRoles", "Effect": "Allow", "Action": ["ram:PassRole"],
             "Resource": [f"acs:ram::{account_id}:role/aliyuncs*"]},
            # NAT, MSE, ARMS, ... create their service-linked role on first use in an account.
            {"Sid": "ServiceLinkedRoles", "Effect": "Allow", "Action": ["ram:CreateServiceLinkedRole"],
             "Resource": ["*"]},
        ]
    if "oss" in services:
        identity += [
            {"Sid": "PlatformBuckets", "Effect": "Allow", "Action": list(OSS_BUCKET_ACTIONS),
             "Resource": [f"acs:oss:*:{account_id}:{prefix}-*"]},
            {"Sid": "FindBuckets", "Effect": "Allow", "Action": ["oss:ListBuckets"],
             "Resource": [f"acs:oss:*:{account_id}:*"]},
        ]
    identity += state_statements(account_id, state_bucket, project, stack, write=True)
    return {
        "services": {"Version": POLICY_VERSION, "Statement": service_statements},
        "identity": {"Version": POLICY_VERSION, "Statement": identity},
    }


def read_policy(*, account_id: str, region: str, name_prefix: str, services: Sequence[str], state_bucket: str,
                project: str, stack: str) -> dict[str, Any]:
    """The read-only role: describe what the stack owns and read its state; nothing that changes anything.

    OSS gets bucket-level reads only (`oss:GetBucket*` never matches `oss:GetObject`): a preview needs
    the buckets' configuration, never the media in them.
    """
    prefix = name_prefix.lower()
    statements: list[dict[str, Any]] = [
        {"Sid": f"Read{svc.capitalize()}", "Effect": "Allow",
         "Action": [f"{svc}:{verb}*" for verb in READ_VERBS[svc]],
         "Resource": [_regional(svc, region, account_id)]}
        for svc in services if svc in READ_VERBS
    ]
    if "ram" in services:
        statements.append({"Sid": "ReadPlatformIdentity", "Effect": "Allow",
                           "Action": ["ram:GetRole", "ram:GetPolicy", "ram:GetPolicyVersion",
                                      "ram:ListPoliciesForRole", "ram:ListPolicyVersions",
                                      "ram:ListEntitiesForPolicy", "ram:ListTagResources"],
                           "Resource": [f"acs:ram::{account_id}:role/{prefix}-*",
                                        f"acs:ram::{account_id}:policy/{prefix}-*"]})
    if "oss" in services:
        statements.append({"Sid": "ReadPlatformBuckets", "Effect": "Allow", "Action": ["oss:GetBucket*"],
                           "Resource": [f"acs:oss:*:{account_id}:{prefix}-*"]})
    statements += state_statements(account_id, state_bucket, project, stack, write=False)
    return {"Version": POLICY_VERSION, "Statement": statements}


def runner_policy(*, account_id: str, region: str, parameter: str) -> dict[str, Any]:
    """The runner host reads its one registration-token parameter (decrypted by OOS with KMS)."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": "RegistrationToken", "Effect": "Allow", "Action": ["oos:GetSecretParameter"],
         "Resource": [f"acs:oos:{region}:{account_id}:secretparameter/{parameter}"]},
        # OOS decrypts secret parameters with KMS on the caller's behalf (OOS docs, "Encryption parameters").
        {"Sid": "DecryptRegistrationToken", "Effect": "Allow", "Action": ["kms:Decrypt"],
         "Resource": [f"acs:kms:{region}:{account_id}:key/*"]},
    ]}


def granted_actions(document: Mapping[str, Any]) -> list[str]:
    """Every action an Allow statement names, in order (for tests and reviews)."""
    out: list[str] = []
    for st in document.get("Statement", []):
        if st.get("Effect") == "Allow":
            actions = st.get("Action", [])
            out.extend([actions] if isinstance(actions, str) else actions)
    return out


def dumps(document: Mapping[str, Any]) -> str:
    """A policy document as the compact, key-stable JSON RAM stores (no diff from formatting)."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


# The RAM services the platform's stacks call (services_of the resource types of every stack's plan;
# tests/delivery/test_permissions.py fails when a stack starts using a service missing here).
PLATFORM_SERVICES = ("adcp", "arms", "cs", "ecs", "fc", "kms", "log", "mns", "mse", "oss", "ram", "vpc")
