"""Function Compute 3.0 rules: least-privilege execution role, no plaintext secrets in environment
variables, no internet access unless needed, authenticated HTTP entry points, scoped complete-object
OSS trigger events, no trigger/output recursion, an async failure destination for event-driven
functions, and invocation logging. The FC 2.0 resources (deprecated) are judged alike where the same
gap exists (HTTP trigger auth, service internet access)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._base import (
    Index,
    Subject,
    fed_by,
    truthy,
    get,
    items,
    json_doc,
    known,
    of_type,
    resource_rule,
    stack_rule,
    str_list_schema,
)
from .oss import BUCKET
from .ram import (
    ADMIN_POLICY,
    POLICY,
    ROLE,
    ROLE_ATTACHMENT,
    is_full_access,
    policy_document,
    wildcard_admin_statements,
)

FUNCTION = "alicloud:fc/v3Function:V3Function"
TRIGGER = "alicloud:fc/v3Trigger:V3Trigger"
ASYNC_CONFIG = "alicloud:fc/v3AsyncInvokeConfig:V3AsyncInvokeConfig"
CUSTOM_DOMAIN = "alicloud:fc/v3CustomDomain:V3CustomDomain"
# FC 2.0 (deprecated, still in the provider): the same gaps exist there.
FC2_TRIGGER = "alicloud:fc/trigger:Trigger"
FC2_SERVICE = "alicloud:fc/service:Service"

# Names that hold a secret; names ending like a pointer (…_SECRET_NAME, …_TOKEN_ARN) hold a reference.
SECRET_NAME_RE = re.compile(
    r"(PASS(WORD|WD)?|SECRET|TOKEN|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIALS?|(^|_)AK$|(^|_)SK$)", re.IGNORECASE
)
REFERENCE_SUFFIX_RE = re.compile(r"_(NAME|ARN|ID|PATH|REF|URL|FILE)$", re.IGNORECASE)
ACCESS_KEY_VALUE_RE = re.compile(r"LTAI[0-9A-Za-z]{12,}")
EVENT_TRIGGER_TYPES = frozenset({"oss", "mns_topic", "eventbridge", "log", "cdn_events", "tablestore"})


def secret_like_name(name: str) -> bool:
    return bool(SECRET_NAME_RE.search(name)) and not REFERENCE_SUFFIX_RE.search(name)


def check_plaintext_secrets(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """FC-04: env vars are visible in the console, API and state; secrets come from KMS at runtime."""
    env = get(subject.props, "environmentVariables", default={})
    allowed = set(cfg.get("allowedNames", []))
    names = sorted(
        k
        for k in (env if isinstance(env, Mapping) else {})
        if k not in allowed and (secret_like_name(k) or ACCESS_KEY_VALUE_RE.search(str(env[k])))
    )
    # Names, never values: Analyze sees secret values in plaintext.
    return [f"environment variable {k} holds a secret" for k in names]


def check_logging(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """FC-03: invocation logs go to an SLS project/logstore."""
    if not get(subject.props, "logConfig", "project") or not get(subject.props, "logConfig", "logstore"):
        return ["logConfig.project/logstore are not set, so invocations leave no logs"]
    return []


def trigger_config(props: Mapping[str, Any]) -> Mapping[str, Any]:
    doc = json_doc(get(props, "triggerConfig"))
    return doc if isinstance(doc, Mapping) else {}


# Events after which the object is complete and readable (the transcoder accepts exactly these:
# functions/transcoder/events.py COMPLETE_OBJECT_EVENTS; a test keeps the two equal). The pack must not
# import the function's code: the Pulumi CLI loads it from policies/ alone.
# `oss:ObjectCreated:*` also matches InitiateMultipartUpload, UploadPart and UploadPartCopy (mid-upload:
# a 12 MB multipart upload fired a function 5 times in OSS's FAQ) and AppendObject (still growing).
COMPLETE_OBJECT_EVENTS = frozenset(
    {
        "oss:ObjectCreated:PutObject",
        "oss:ObjectCreated:PostObject",
        "oss:ObjectCreated:CompleteMultipartUpload",
        "oss:ObjectCreated:CopyObject",
        # Copied in, finished, by OSS cross-region replication (the edge's recordings from another region).
        "oss:ObjectReplication:ObjectCreated",
    }
)


def check_oss_trigger_scope(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """FC-06: OSS triggers listen to complete-object events under a prefix/suffix, with a role and source."""
    if get(subject.props, "triggerType") != "oss":
        return []
    config = trigger_config(subject.props)
    problems = []
    events = [str(e) for e in items(get(config, "events"))]
    if not events:
        problems.append("triggerConfig lists no events")
    elif any("*" in e or "?" in e for e in events):
        problems.append("triggerConfig listens by wildcard, which also fires mid-upload (multipart parts, appends)")
    elif any(e not in COMPLETE_OBJECT_EVENTS for e in events):
        problems.append("triggerConfig listens to events other than complete-object creation")
    if not get(config, "filter", "key", "prefix") and not get(config, "filter", "key", "suffix"):
        problems.append("triggerConfig has no filter.key prefix or suffix, so every object fires it")
    if not get(subject.props, "sourceArn"):
        problems.append("sourceArn is not set")
    if not get(subject.props, "invocationRole"):
        problems.append("invocationRole is not set")
    return problems


def check_http_auth(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """FC-07: HTTP entry points authenticate callers. An HTTP trigger's `authType` (FC3 triggerConfig,
    FC2 config) and a custom domain's `authConfig.authType` are `anonymous` or unset (anonymous is what
    the console offers first) -> anyone who finds the URL runs the function and is billed for it."""
    if subject.type == CUSTOM_DOMAIN:
        auth = get(subject.props, "authConfig", "authType")
        where = "authConfig.authType"
    else:
        kind = get(subject.props, "triggerType" if subject.type == TRIGGER else "type")
        if str(kind or "").lower() != "http":
            return []
        doc = json_doc(get(subject.props, "triggerConfig" if subject.type == TRIGGER else "config"))
        auth = get(doc, "authType") if isinstance(doc, Mapping) else None
        where = "the HTTP trigger's authType"
    if auth is None or str(auth).strip().lower() in ("", "anonymous"):
        return [f"{where} is anonymous (or unset), so anyone with the URL can invoke the function"]
    return []


def check_internet_access(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """FC-02: `internetAccess` defaults to true (FC CreateFunction); a function reaches OSS, SLS and other
    in-region services over their internal endpoints without it (FC "Configure network": with internet
    and VPC access off, the function network still reaches internal endpoints), so it is off unless the
    function is listed in `allowInternetAccess` because it calls something on the internet. Entries are names
    or shell-style patterns (`livecommerce-*-transcoder`): a tier's level file then covers every stack of the
    tier (`prod`, `prod-sg`), whose physical names differ only by the stack."""
    allowed = list(cfg.get("allowInternetAccess", []))
    names = {
        subject.name,
        str(get(subject.props, "functionName", default="")),
        str(get(subject.props, "name", default="")),
    } - {""}
    if any(fnmatch.fnmatchcase(n, pattern) for n in names for pattern in allowed):
        return []
    value = get(subject.props, "internetAccess")
    if value is None:
        return ["internetAccess is not set and FC defaults it to true (the function can reach the internet)"]
    if truthy(value):
        return ["internetAccess is on, so the function can reach the internet"]
    return []


def function_of(resource: Any, functions: list[Any]) -> Any:
    """The V3Function a trigger/async config refers to: by reference, else by literal functionName."""
    return function_index(functions).first(resource, "functionName")


def function_index(functions: list[Any]) -> Index:
    return Index(functions, key=lambda fn: known(fn.props, "functionName"))


def _name(resource: Any, *keys: str) -> Any:
    return next((known(resource.props, k) for k in keys if known(resource.props, k)), None)


def _role_of(fn: Any, roles: Index, roles_by_name: Mapping[str, Any]) -> Any:
    """The execution role: the Role feeding `role`, else the Role whose name ends the literal role ARN."""
    if fed_by(fn, "role"):
        return roles.first(fn, "role")
    arn = known(fn.props, "role")
    if not isinstance(arn, str) or ":role/" not in arn.lower():
        return None
    return roles_by_name.get(arn.lower().rsplit(":role/", 1)[1])


def check_least_privilege_role(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """FC-01: every function runs as a role without admin, *FullAccess or `*`-on-`*` grants."""
    allowed = set(cfg.get("allowedPolicies", []))
    roles = Index(of_type(resources, ROLE), key=lambda r: _name(r, "roleName", "name"))
    roles_by_name: dict[str, Any] = {}
    for role in roles:
        name = _name(role, "roleName", "name")
        if name:
            roles_by_name.setdefault(str(name).lower(), role)
    policies = Index(of_type(resources, POLICY), key=lambda p: _name(p, "policyName", "name"))
    attached: dict[str, list[Any]] = {}
    for att in of_type(resources, ROLE_ATTACHMENT):
        for role in roles.targets(att, "roleName"):
            attached.setdefault(role.urn, []).append(att)
    out = []
    for fn in of_type(resources, FUNCTION):
        if not get(fn.props, "role"):
            continue  # no role: the function holds no credentials at all
        role = _role_of(fn, roles, roles_by_name)
        if role is None:
            out.append((fn.urn, "its execution role is not created in this stack, so its grants cannot be checked"))
            continue
        for att in attached.get(role.urn, []):
            name, ptype = get(att.props, "policyName"), get(att.props, "policyType")
            if name == ADMIN_POLICY and str(ptype or "System") == "System":
                out.append((fn.urn, "its execution role has AdministratorAccess"))
            elif is_full_access(name, ptype) and name not in allowed:
                out.append((fn.urn, "its execution role has a product-wide *FullAccess policy"))
            policy = None if known(att.props, "policyType") == "System" else policies.first(att, "policyName")
            if policy is not None:
                doc = policy_document(policy.props)
                if doc is not None and wildcard_admin_statements(doc):
                    out.append((fn.urn, "its execution role's custom policy allows every action on every resource"))
    return out


def bucket_from_arn(arn: Any) -> str | None:
    """acs:oss:<region>:<account>:<bucket> -> bucket."""
    if not isinstance(arn, str) or not arn.startswith("acs:oss:"):
        return None
    parts = arn.split(":")
    return parts[4].split("/")[0] if len(parts) >= 5 and parts[4] else None


def prefixes_overlap(a: str, b: str) -> bool:
    """Two key prefixes overlap when one starts with the other (an empty prefix is the whole bucket)."""
    return a.startswith(b) or b.startswith(a)


def check_recursion(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """FC-05: an OSS trigger's function must not write where the trigger listens."""
    bucket_vars = list(cfg.get("outputBucketVariables", ["OUTPUT_BUCKET"]))
    prefix_vars = list(cfg.get("outputPrefixVariables", ["OUTPUT_PREFIX"]))
    functions = function_index(of_type(resources, FUNCTION))
    buckets = {b.urn: b for b in of_type(resources, BUCKET)}
    out = []
    for trig in of_type(resources, TRIGGER):
        if get(trig.props, "triggerType") != "oss":
            continue
        fn = functions.first(trig, "functionName")
        if fn is None:
            continue
        sources = {bucket_from_arn(get(trig.props, "sourceArn"))}
        sources |= {get(buckets[u].props, "bucket") for u in fed_by(trig, "sourceArn") if u in buckets}
        sources.discard(None)
        env = get(fn.props, "environmentVariables", default={})
        out_bucket = next((env[v] for v in bucket_vars if isinstance(env, Mapping) and env.get(v)), None)
        out_prefix = next((str(env[v]) for v in prefix_vars if isinstance(env, Mapping) and v in env), "")
        if out_bucket is None:
            out.append(
                (
                    trig.urn,
                    f"its function declares no output location ({'/'.join(bucket_vars)}), "
                    "so a write-back loop cannot be ruled out",
                )
            )
            continue
        in_prefix = str(get(trigger_config(trig.props), "filter", "key", "prefix", default=""))
        if out_bucket in sources and prefixes_overlap(in_prefix, out_prefix):
            out.append((trig.urn, "its function writes into the bucket prefix that fires it (infinite loop)"))
    return out


def check_async_failure_destination(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Event-driven functions record failed invocations somewhere (on-failure destination)."""
    functions = function_index(of_type(resources, FUNCTION))
    configs: dict[str, list[Any]] = {}
    for c in of_type(resources, ASYNC_CONFIG):
        fn = functions.first(c, "functionName")
        if fn is not None:
            configs.setdefault(fn.urn, []).append(c)
    out = []
    seen = set()
    for trig in of_type(resources, TRIGGER):
        if get(trig.props, "triggerType") not in EVENT_TRIGGER_TYPES:
            continue
        fn = functions.first(trig, "functionName")
        if fn is None or fn.urn in seen:
            continue
        seen.add(fn.urn)
        if not any(get(c.props, "destinationConfig", "onFailure", "destination") for c in configs.get(fn.urn, [])):
            out.append((fn.urn, "failed asynchronous invocations are dropped (no on-failure destination)"))
    return out


POLICIES = [
    stack_rule(
        "alicloud-fc-v3function-require-least-privilege-role",
        "Function Compute execution roles must not hold administrator, *FullAccess or '*'-on-'*' grants.",
        types=[FUNCTION, ROLE, ROLE_ATTACHMENT, POLICY],
        severity=Severity.HIGH,
        anchors=["KICS:e8e62026", "CloudConfig:ram-policy-no-statements-with-admin-access-check", "FC:RAM"],
        fix="give the function its own ram.Role with a custom policy limited to its buckets and logstores",
        check=check_least_privilege_role,
        config={"allowedPolicies": str_list_schema([], "system *FullAccess policies accepted on function roles")},
    ),
    resource_rule(
        "alicloud-fc-v3function-disallow-plaintext-secrets",
        "Function Compute environment variables must not carry secrets (visible in console, API and state).",
        types=[FUNCTION],
        severity=Severity.CRITICAL,
        anchors=["CKV_K8S_35 (analog)", "Polaris:sensitiveContainerEnvVar (analog)", "kube-linter:env-var-secret"],
        fix="store the secret in KMS Secrets Manager and read it at runtime with the function's role",
        check=check_plaintext_secrets,
        config={"allowedNames": str_list_schema([], "variable names accepted although they look secret")},
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    resource_rule(
        "alicloud-fc-v3trigger-disallow-anonymous-http",
        "Function Compute HTTP triggers and custom domains must authenticate callers (no anonymous authType).",
        types=[TRIGGER, FC2_TRIGGER, CUSTOM_DOMAIN],
        severity=Severity.HIGH,
        anchors=["CKV_AWS_258 (analog)", "FC:http-trigger-authentication"],
        fix="set authType 'function' (signed requests) or 'jwt' in the HTTP trigger config / custom domain "
        "auth_config, or front the function with the MSE gateway",
        check=check_http_auth,
    ),
    resource_rule(
        "alicloud-fc-v3function-restrict-internet-access",
        "Function Compute functions must not reach the internet unless they need it (internetAccess defaults to true).",
        types=[FUNCTION, FC2_SERVICE],
        severity=Severity.MEDIUM,
        anchors=["FC:configure-network-settings", "awsguard:lambda-function-in-vpc (analog)"],
        fix="set internet_access=False (in-region OSS/SLS use internal endpoints); a function that calls the "
        "internet is listed in allowInternetAccess, or egresses through a VPC NAT (vpc_config)",
        check=check_internet_access,
        config={
            "allowInternetAccess": str_list_schema(
                [], "function names (or resource names, or shell-style patterns such as livecommerce-*-transcoder) "
                "that need the internet")
        },
    ),
    resource_rule(
        "alicloud-fc-v3trigger-restrict-oss-events",
        "OSS triggers must listen only to complete-object events (no wildcards) under a key prefix or suffix.",
        types=[TRIGGER],
        severity=Severity.MEDIUM,
        anchors=["FC:oss-trigger", "aws-lambda-permission-configure-source-arn (analog)"],
        fix="list the complete-object events (oss:ObjectCreated:PutObject, PostObject, CompleteMultipartUpload, "
        "CopyObject, oss:ObjectReplication:ObjectCreated; never oss:ObjectCreated:*, which fires per multipart "
        "part) with filter.key.prefix, plus "
        "source_arn and invocation_role",
        check=check_oss_trigger_scope,
    ),
    stack_rule(
        "alicloud-fc-v3trigger-disallow-recursive-output",
        "A function fired by an OSS trigger must not write into the bucket prefix that fires it.",
        types=[TRIGGER, FUNCTION, BUCKET],
        severity=Severity.CRITICAL,
        anchors=["FC:avoid-trigger-loops"],
        fix="write results under a prefix disjoint from the trigger prefix (raw/ -> transcoded/) or to "
        "another bucket, and declare it in OUTPUT_BUCKET/OUTPUT_PREFIX",
        check=check_recursion,
        config={
            "outputBucketVariables": str_list_schema(["OUTPUT_BUCKET"], "env vars naming the output bucket"),
            "outputPrefixVariables": str_list_schema(["OUTPUT_PREFIX"], "env vars naming the output prefix"),
        },
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    stack_rule(
        "alicloud-fc-v3function-configure-async-failure-destination",
        "Event-driven functions must send failed asynchronous invocations to an on-failure destination.",
        types=[FUNCTION, TRIGGER, ASYNC_CONFIG],
        severity=Severity.MEDIUM,
        anchors=["FC:async-invocation-destinations"],
        fix="add fc.V3AsyncInvokeConfig(function_name=..., destination_config=...on_failure=...(destination=...))",
        check=check_async_failure_destination,
    ),
    resource_rule(
        "alicloud-fc-v3function-enable-logging",
        "Function Compute functions must log invocations to SLS.",
        types=[FUNCTION],
        severity=Severity.MEDIUM,
        anchors=["aws-lambda-function-enable-tracing-config (analog)"],
        fix="set log_config=V3FunctionLogConfigArgs(project=..., logstore=..., enable_request_metrics=True)",
        check=check_logging,
    ),
]
