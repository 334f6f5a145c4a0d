"""OSS rules: public ACLs (inline and BucketAcl), anonymous bucket policies, encryption, versioning,
block-public-access, secure transport, lifecycle (bounded cost, no early bucket-wide expiry), CORS
that lets any web page write, access logging and force-destroy.

`Bucket.acl` and `Bucket.policy` are deprecated since provider 1.220 in favour of `oss.BucketAcl` /
`oss.BucketPolicy`, so every rule accepts both forms. Sub-resources are paired with their bucket by the
`bucket` input: its propertyDependencies name the bucket's URN, and (when the bucket has an explicit
name) its value equals the bucket's name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._base import (
    Index,
    Subject,
    bool_schema,
    int_schema,
    get,
    is_list,
    items,
    json_doc,
    known,
    number,
    of_type,
    refers_to,
    resource_rule,
    stack_rule,
    truthy,
)

BUCKET = "alicloud:oss/bucket:Bucket"
BUCKET_ACL = "alicloud:oss/bucketAcl:BucketAcl"
BUCKET_POLICY = "alicloud:oss/bucketPolicy:BucketPolicy"
BUCKET_BPA = "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock"
ACCOUNT_BPA = "alicloud:oss/accountPublicAccessBlock:AccountPublicAccessBlock"
BUCKET_SSE = "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption"
BUCKET_VERSIONING = "alicloud:oss/bucketVersioning:BucketVersioning"
BUCKET_LOGGING = "alicloud:oss/bucketLogging:BucketLogging"
BUCKET_HTTPS = "alicloud:oss/bucketHttpsConfig:BucketHttpsConfig"
BUCKET_CORS = "alicloud:oss/bucketCors:BucketCors"

PUBLIC_ACLS = frozenset({"public-read", "public-read-write"})
SSE_ALGORITHMS = frozenset({"KMS", "AES256", "SM4"})


# ---- pure decisions -------------------------------------------------------------------------------


def check_public_acl(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """OSS-01: neither `Bucket.acl` (deprecated) nor `BucketAcl.acl` may be public."""
    acl = get(subject.props, "acl")
    if isinstance(acl, str) and acl.strip().lower() in PUBLIC_ACLS:
        return ["the ACL grants public access"]
    return []


def _principal_is_anyone(principal: Any) -> bool:
    if principal == "*":
        return True
    if is_list(principal):
        return any(_principal_is_anyone(p) for p in principal)
    if isinstance(principal, Mapping):
        return any(_principal_is_anyone(v) for v in principal.values())
    return False


def _restricted_by_network(condition: Any) -> bool:
    """An anonymous grant is acceptable only when pinned to a source VPC or IP range."""
    if not isinstance(condition, Mapping):
        return False
    for operator in condition.values():
        if isinstance(operator, Mapping) and any(
            str(k).lower() in ("acs:sourcevpc", "acs:sourceip", "acs:sourcevpcid") for k in operator
        ):
            return True
    return False


def _statements(document: Any) -> list[Any]:
    statements = get(document, "Statement", default=[])
    if isinstance(statements, Mapping):
        return [statements]
    return items(statements)


def anonymous_grants(document: Any) -> int:
    """Number of Allow statements granting to any principal without a network condition."""
    count = 0
    for st in _statements(document):
        if str(get(st, "Effect", default="")).lower() != "allow":
            continue
        if _principal_is_anyone(get(st, "Principal")) and not _restricted_by_network(get(st, "Condition")):
            count += 1
    return count


def check_anonymous_policy(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """OSS-03: no bucket policy statement allows anonymous principals."""
    raw = get(subject.props, "policy")
    if raw is None:
        return []
    document = json_doc(raw)
    if document is None:
        return ["the bucket policy is not valid JSON, so it cannot be checked"]
    n = anonymous_grants(document)
    return [f"{n} policy statement(s) allow any principal ('*') without a source VPC/IP condition"] if n else []


def denies_insecure_transport(document: Any) -> bool:
    """A Deny statement conditioned on acs:SecureTransport = false."""
    for st in _statements(document):
        if str(get(st, "Effect", default="")).lower() != "deny":
            continue
        condition = get(st, "Condition", default={})
        for operator in condition.values() if isinstance(condition, Mapping) else []:
            if not isinstance(operator, Mapping):
                continue
            for key, value in operator.items():
                values = items(value) if is_list(value) else [value]
                if str(key).lower() == "acs:securetransport" and any(str(v).lower() == "false" for v in values):
                    return True
    return False


def check_lifecycle(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """OSS-08: at least one enabled lifecycle rule; abort stale multipart uploads."""
    rules = items(get(subject.props, "lifecycleRules"))
    enabled = [r for r in rules if truthy(get(r, "enabled"))]
    if not enabled:
        return ["no enabled lifecycleRules, so objects and multipart uploads accumulate forever"]
    problems = []
    if not any(get(r, "abortMultipartUploads") for r in enabled):
        problems.append("no lifecycle rule aborts incomplete multipart uploads")
    return problems


def check_force_destroy(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """OSS-09: no forceDestroy; with requireProtect, the bucket is `protect`ed."""
    problems = []
    if truthy(get(subject.props, "forceDestroy")):
        problems.append("forceDestroy is on, so `pulumi destroy` deletes every object")
    if cfg.get("requireProtect", True) and not subject.protect:
        problems.append("the bucket is not protected (resource option protect)")
    return problems


def _bucket_name(bucket: Any) -> Any:
    name = known(bucket.props, "bucket")
    return name if isinstance(name, str) and name else None


def belongs_to(sub: Any, bucket: Any) -> bool:
    """Whether an oss.Bucket* sub-resource configures `bucket` (by reference, else by literal name)."""
    return refers_to(sub, "bucket", bucket, _bucket_name(bucket))


class Buckets:
    """The stack's buckets and, per bucket, its oss.Bucket* sub-resources of each type (paired once)."""

    def __init__(self, resources: list[Any], *sub_types: str) -> None:
        self.index = Index(of_type(resources, BUCKET), key=_bucket_name)
        self._subs: dict[tuple[str, str], list[Any]] = {}
        for sub in of_type(resources, *sub_types):
            for bucket in self.index.targets(sub, "bucket"):
                self._subs.setdefault((bucket.urn, sub.resource_type), []).append(sub)

    def __iter__(self) -> Any:
        return iter(self.index)

    def subs(self, bucket: Any, type_: str) -> list[Any]:
        return self._subs.get((bucket.urn, type_), [])


def check_encryption(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """OSS-04: inline serverSideEncryptionRule or a BucketServerSideEncryption; KMS when requireKms."""
    require_kms = cfg.get("requireKms", False)
    buckets = Buckets(resources, BUCKET_SSE)
    out = []
    for bucket in buckets:
        rules = [get(bucket.props, "serverSideEncryptionRule")] + [s.props for s in buckets.subs(bucket, BUCKET_SSE)]
        algorithms = [str(get(r, "sseAlgorithm", default="")) for r in rules if r]
        algorithms = [a for a in algorithms if a in SSE_ALGORITHMS]
        if not algorithms:
            out.append((bucket.urn, "no server-side encryption is configured"))
        elif require_kms and "KMS" not in algorithms:
            out.append((bucket.urn, "server-side encryption does not use KMS"))
    return out


def check_versioning(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """OSS-05: versioning Enabled inline or by BucketVersioning."""
    buckets = Buckets(resources, BUCKET_VERSIONING)
    out = []
    for bucket in buckets:
        statuses = [get(bucket.props, "versioning", "status")] + [
            get(v.props, "status") for v in buckets.subs(bucket, BUCKET_VERSIONING)
        ]
        if "Enabled" not in statuses:
            out.append((bucket.urn, "versioning is not enabled"))
    return out


def check_block_public_access(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """OSS-02: a BucketPublicAccessBlock(blockPublicAccess=true) per bucket, or account-wide."""
    if any(truthy(get(a.props, "blockPublicAccess")) for a in of_type(resources, ACCOUNT_BPA)):
        return []
    buckets = Buckets(resources, BUCKET_BPA)
    out = []
    for bucket in buckets:
        if not any(truthy(get(b.props, "blockPublicAccess")) for b in buckets.subs(bucket, BUCKET_BPA)):
            out.append((bucket.urn, "public access is not blocked"))
    return out


def check_secure_transport(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """OSS-07: a policy denying acs:SecureTransport=false, or BucketHttpsConfig enabled."""
    buckets = Buckets(resources, BUCKET_POLICY, BUCKET_HTTPS)
    out = []
    for bucket in buckets:
        docs = [json_doc(get(bucket.props, "policy"))] + [
            json_doc(get(p.props, "policy")) for p in buckets.subs(bucket, BUCKET_POLICY)
        ]
        https = [truthy(get(h.props, "enable")) for h in buckets.subs(bucket, BUCKET_HTTPS)]
        if not any(https) and not any(denies_insecure_transport(d) for d in docs if d is not None):
            out.append((bucket.urn, "plain HTTP access is not refused"))
    return out


def check_access_logging(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """OSS-06: access logs go to another bucket (inline `logging` or BucketLogging). A bucket that receives
    other buckets' access logs (a BucketLogging's `targetBucket`, by reference or literal name) is exempt:
    it would need yet another log bucket or log into itself, which is why the shipped stacks once carried a
    dated waiver for it (issue 18: no shipped date may pass)."""
    buckets = Buckets(resources, BUCKET_LOGGING)
    log_targets = {target.urn for lg in of_type(resources, BUCKET_LOGGING)
                   for target in buckets.index.targets(lg, "targetBucket")
                   if target not in buckets.index.targets(lg, "bucket")}
    out = []
    for bucket in buckets:
        targets = [get(bucket.props, "logging", "targetBucket")] + [
            get(lg.props, "targetBucket") for lg in buckets.subs(bucket, BUCKET_LOGGING)
        ]
        if not any(targets) and bucket.urn not in log_targets:
            out.append((bucket.urn, "access logging is not configured"))
    return out


# ---- data-loss and browser-write decisions -------------------------------------------------------

WRITE_METHODS = frozenset({"PUT", "POST", "DELETE"})


def bucket_wide(rule: Any) -> bool:
    """A lifecycle rule applies to every object unless a prefix or object tags narrow it (OSS lifecycle:
    an empty prefix is the whole bucket; `filter` size bounds and `not` exclusions still leave most of it)."""
    return not str(get(rule, "prefix", default="") or "").strip() and not get(rule, "tags")


def early_expirations(rule: Any, min_days: int) -> list[str]:
    """What in one enabled lifecycle rule deletes objects sooner than `min_days`."""
    found = []
    for exp in items(get(rule, "expirations")):
        days = number(get(exp, "days"), None)
        if days is not None and days < min_days:
            found.append(f"expires objects after fewer than {min_days} days")
        if get(exp, "date") or get(exp, "createdBeforeDate"):
            found.append("expires objects by date (everything older than the date is deleted at once)")
    for exp in items(get(rule, "noncurrentVersionExpirations")):
        days = number(get(exp, "days"), None)
        if days is not None and days < min_days:
            found.append(f"deletes previous object versions after fewer than {min_days} days")
    return found


def check_lifecycle_expiration(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """OSS-10: no bucket-wide lifecycle rule deletes objects (or their versions) sooner than
    `minExpirationDays`; a prefix- or tag-scoped rule may (temporary uploads, caches)."""
    min_days = int(cfg.get("minExpirationDays", 30))
    problems = []
    for i, rule in enumerate(items(get(subject.props, "lifecycleRules"))):
        if not truthy(get(rule, "enabled")) or not bucket_wide(rule):
            continue
        problems += [
            f"lifecycle rule {i} covers the whole bucket and {why}" for why in early_expirations(rule, min_days)
        ]
    return problems


def any_origin(origin: Any) -> bool:
    """`*`, or a scheme with a bare `*` host (`https://*`): every web page may call the bucket."""
    text = str(origin).strip().lower()
    host = text.split("://", 1)[1] if "://" in text else text
    return bool(host) and set(host.split(":", 1)[0]) <= {"*"}


def check_cors(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """OSS-11: CORS never lets any origin write (PUT/POST/DELETE) to a bucket: inline Bucket.corsRules
    or oss.BucketCors."""
    problems = []
    for i, rule in enumerate(items(get(subject.props, "corsRules"))):
        methods = {str(m).strip().upper() for m in items(get(rule, "allowedMethods"))}
        if any(any_origin(o) for o in items(get(rule, "allowedOrigins"))) and methods & WRITE_METHODS:
            problems.append(f"CORS rule {i} lets any origin send {'/'.join(sorted(methods & WRITE_METHODS))}")
    return problems


# ---- the rules ------------------------------------------------------------------------------------

POLICIES = [
    resource_rule(
        "alicloud-oss-bucket-disallow-public-acl",
        "OSS buckets must not have a public-read or public-read-write ACL (inline or oss.BucketAcl).",
        types=[BUCKET, BUCKET_ACL],
        severity=Severity.CRITICAL,
        anchors=["CKV_ALI_1", "KICS:62232513", "CloudConfig:oss-bucket-public-read-prohibited"],
        fix="set acl='private' on oss.BucketAcl and serve public media through the CDN",
        check=check_public_acl,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    resource_rule(
        "alicloud-oss-bucketpolicy-disallow-anonymous-principal",
        "OSS bucket policies must not allow anonymous ('*') principals without a source VPC/IP condition.",
        types=[BUCKET, BUCKET_POLICY],
        severity=Severity.CRITICAL,
        anchors=[
            "KICS:ec62a32c",
            "KICS:8c0695d8",
            "KICS:fe286195",
            "KICS:88541597",
            "CloudConfig:oss-bucket-anonymous-prohibited",
        ],
        fix="name RAM principals in the policy, or add an acs:SourceVpc / acs:SourceIp condition",
        check=check_anonymous_policy,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    stack_rule(
        "alicloud-oss-bucket-enable-server-side-encryption",
        "OSS buckets must encrypt objects at rest (inline rule or oss.BucketServerSideEncryption).",
        types=[BUCKET, BUCKET_SSE],
        severity=Severity.HIGH,
        anchors=["CKV_ALI_6", "KICS:f20e97f9"],
        fix="add oss.BucketServerSideEncryption(bucket=..., sse_algorithm='KMS')",
        check=check_encryption,
        config={"requireKms": bool_schema(False, "require sseAlgorithm KMS (customer-controlled key)")},
    ),
    stack_rule(
        "alicloud-oss-bucket-enable-versioning",
        "OSS buckets must keep object versions so overwrites and deletes can be undone.",
        types=[BUCKET, BUCKET_VERSIONING],
        severity=Severity.MEDIUM,
        anchors=["CKV_ALI_10", "KICS:70919c0b"],
        fix="add oss.BucketVersioning(bucket=..., status='Enabled')",
        check=check_versioning,
    ),
    stack_rule(
        "alicloud-oss-bucket-enable-block-public-access",
        "OSS buckets must block public access, which overrides any later public ACL or policy mistake.",
        types=[BUCKET, BUCKET_BPA, ACCOUNT_BPA],
        severity=Severity.HIGH,
        anchors=["OSS:block-public-access", "KICS:62232513"],
        fix="add oss.BucketPublicAccessBlock(bucket=..., block_public_access=True)",
        check=check_block_public_access,
    ),
    stack_rule(
        "alicloud-oss-bucket-require-secure-transport",
        "OSS buckets must refuse plain HTTP (policy Deny on acs:SecureTransport=false, or HTTPS config).",
        types=[BUCKET, BUCKET_POLICY, BUCKET_HTTPS],
        severity=Severity.MEDIUM,
        anchors=["KICS:c01d10de"],
        fix="add oss.BucketHttpsConfig(bucket=..., enable=True, tls_versions=['TLSv1.2','TLSv1.3'])",
        check=check_secure_transport,
    ),
    resource_rule(
        "alicloud-oss-bucket-configure-lifecycle",
        "OSS buckets must have an enabled lifecycle rule that bounds cost, including stale multipart uploads.",
        types=[BUCKET],
        severity=Severity.LOW,
        anchors=["KICS:7db8bd7e"],
        fix="add lifecycle_rules with expirations/transitions and abort_multipart_uploads",
        check=check_lifecycle,
    ),
    stack_rule(
        "alicloud-oss-bucket-enable-access-logging",
        "OSS buckets should write access logs to another bucket for audit.",
        types=[BUCKET, BUCKET_LOGGING],
        severity=Severity.LOW,
        anchors=["CKV_ALI_12", "KICS:05db341e"],
        fix="add oss.BucketLogging(bucket=..., target_bucket=<log bucket>)",
        check=check_access_logging,
    ),
    resource_rule(
        "alicloud-oss-bucket-disallow-force-destroy",
        "OSS buckets holding data must not be force-destroyed and must be protected from `pulumi destroy`.",
        types=[BUCKET],
        severity=Severity.HIGH,
        anchors=["deletion-protection (analog)"],
        fix="drop force_destroy and set opts=ResourceOptions(protect=True)",
        check=check_force_destroy,
        config={"requireProtect": bool_schema(True, "also require the Pulumi protect resource option")},
    ),
    resource_rule(
        "alicloud-oss-bucket-restrict-lifecycle-expiration",
        "OSS lifecycle rules must not delete a whole bucket's objects or object versions early (or by date).",
        types=[BUCKET],
        severity=Severity.HIGH,
        anchors=["OSS:lifecycle-rules", "deletion-protection (analog)"],
        fix="scope short expirations with a prefix or object tags (e.g. tmp/), or raise expirations and "
        "noncurrent_version_expirations to at least minExpirationDays",
        check=check_lifecycle_expiration,
        config={"minExpirationDays": int_schema(30, "shortest bucket-wide expiration in days", minimum=1)},
    ),
    resource_rule(
        "alicloud-oss-bucket-restrict-cors",
        "OSS CORS rules must not let any origin ('*') write to a bucket with PUT, POST or DELETE.",
        types=[BUCKET, BUCKET_CORS],
        severity=Severity.HIGH,
        anchors=["OSS:cross-origin-resource-sharing", "CWE-942 (permissive cross-domain policy)"],
        fix="list the front-end origins (https://shop.example.com) in allowed_origins, or allow only GET/HEAD "
        "from '*'; uploads go through signed URLs or STS",
        check=check_cors,
    ),
]
