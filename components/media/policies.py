"""RAM and OSS policy documents of the media pipeline, as pure functions (tested on their own).

Least privilege, spelled out: every statement names exact actions (never `*` or `<service>:*`) on
exact resources (a bucket prefix, one logstore, one queue, one function).
ARN formats: OSS `acs:oss:*:<account>:<bucket>/<key>`; SLS `acs:log:<region>:<account>:project/<p>/logstore/<s>`;
MNS `acs:mns:<region>:<account>:/queues/<queue>/messages` and `.../topics/<topic>/messages`; FC 3.0
`acs:fc:<region>:<account>:functions/<name>`; KMS secrets `acs:kms:<region>:<account>:secret/<name>`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

POLICY_VERSION = "1"

# The trigger's events: an object is complete. Not `oss:ObjectCreated:*`, which also fires on
# InitiateMultipartUpload and every UploadPart (a 12 MB upload fired a function 5 times in
# Alibaba's FAQ "a function is triggered multiple times upon object uploads").
TRIGGER_EVENTS = (
    "oss:ObjectCreated:PutObject",
    "oss:ObjectCreated:PostObject",
    "oss:ObjectCreated:CompleteMultipartUpload",
)
# A finished object copied in by OSS cross-region replication (the edge's recordings from a live center in
# another region; docs/decisions/2026-12-01-live-recording-region.md). Event name: OSS events list
# (https://www.alibabacloud.com/help/en/eventbridge/user-guide/oss-events, "An object is created by using
# cross-region replication (CRR)"); FC OSS triggers fire on replicated objects
# (https://www.alibabacloud.com/help/en/functioncompute/fc/user-guide/overview-of-oss-trigger).
REPLICATION_EVENT = "oss:ObjectReplication:ObjectCreated"

# What the function does on its output prefix: read the manifest (idempotency check), write
# renditions (multipart for large files: AbortMultipartUpload/ListParts), delete a superseded or
# half-uploaded version.
OUTPUT_OBJECT_ACTIONS = (
    "oss:GetObject",
    "oss:PutObject",
    "oss:AbortMultipartUpload",
    "oss:ListParts",
    "oss:DeleteObject",
)


def trust_policy(service: str) -> dict[str, Any]:
    """A role only `service` (e.g. `fc.aliyuncs.com`) may assume."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": [service]}},
    ]}


def oss_object_arn(account_id: str, bucket: str, key_prefix: str) -> str:
    """Objects under `key_prefix` in `bucket` (region `*`: bucket names are global)."""
    return f"acs:oss:*:{account_id}:{bucket}/{key_prefix}*"


def oss_bucket_arns(account_id: str, bucket: str) -> list[str]:
    """`bucket` itself and every object in it."""
    return [f"acs:oss:*:{account_id}:{bucket}", f"acs:oss:*:{account_id}:{bucket}/*"]


def logstore_arn(region: str, account_id: str, project: str, logstore: str) -> str:
    return f"acs:log:{region}:{account_id}:project/{project}/logstore/{logstore}"


def mns_queue_arn(region: str, account_id: str, queue: str) -> str:
    """The queue's message ARN: the RAM resource of mns:SendMessage and FC's destination form."""
    return f"acs:mns:{region}:{account_id}:/queues/{queue}/messages"


def mns_topic_arn(region: str, account_id: str, topic: str) -> str:
    """The topic's message ARN: the RAM resource of mns:PublishMessage and FC's destination form."""
    return f"acs:mns:{region}:{account_id}:/topics/{topic}/messages"


def fc_function_arn(region: str, account_id: str, function: str) -> str:
    return f"acs:fc:{region}:{account_id}:functions/{function}"


def execution_policy(*, account_id: str, region: str, input_bucket: str, input_prefix: str,
                     output_bucket: str, output_prefix: str, log_project: str, log_store: str,
                     dead_letter_queue: str, kms_key_id: str | None = None,
                     invoke_functions: tuple[str, ...] = (), success_topic: str | None = None,
                     auth_key_secret: str | None = None) -> dict[str, Any]:
    """What the transcoder's (and its worker's) execution role may do, and nothing else.

    ``invoke_functions``: the split pipeline's async invocations (the worker for each part, the
    transcoder for the merge), on exactly those functions. ``success_topic``: FC publishes the async
    ``on_success`` record with the function's role. ``auth_key_secret``: the KMS secret holding the CDN
    URL-auth key, read at run time."""
    statements: list[dict[str, Any]] = [
        {"Sid": "ReadRawReplays", "Effect": "Allow", "Action": ["oss:GetObject"],
         "Resource": [oss_object_arn(account_id, input_bucket, input_prefix)]},
        {"Sid": "PublishMedia", "Effect": "Allow", "Action": list(OUTPUT_OBJECT_ACTIONS),
         "Resource": [oss_object_arn(account_id, output_bucket, output_prefix)]},
        # Listing is a bucket-level action; the oss:Prefix condition keeps it to the output prefix.
        {"Sid": "ListPublishedMedia", "Effect": "Allow", "Action": ["oss:ListObjects"],
         "Resource": [f"acs:oss:*:{account_id}:{output_bucket}"],
         "Condition": {"StringLike": {"oss:Prefix": [f"{output_prefix}*"]}}},
        # FC writes the function's logs with the function's role.
        {"Sid": "WriteFunctionLogs", "Effect": "Allow", "Action": ["log:PostLogStoreLogs"],
         "Resource": [logstore_arn(region, account_id, log_project, log_store)]},
        # FC delivers failed events to the on-failure destination with the function's role.
        {"Sid": "DeadLetter", "Effect": "Allow", "Action": ["mns:SendMessage"],
         "Resource": [mns_queue_arn(region, account_id, dead_letter_queue)]},
    ]
    if invoke_functions:
        statements.append({"Sid": "FanOutParts", "Effect": "Allow", "Action": ["fc:InvokeFunction"],
                           "Resource": [fc_function_arn(region, account_id, f) for f in invoke_functions]})
    if success_topic:
        statements.append({"Sid": "NotifySuccess", "Effect": "Allow", "Action": ["mns:PublishMessage"],
                           "Resource": [mns_topic_arn(region, account_id, success_topic)]})
    if auth_key_secret:
        statements.append({"Sid": "ReadPlaybackAuthKey", "Effect": "Allow", "Action": ["kms:GetSecretValue"],
                           "Resource": [f"acs:kms:{region}:{account_id}:secret/{auth_key_secret}"]})
    if kms_key_id:
        statements.append({"Sid": "BucketEncryptionKey", "Effect": "Allow",
                           "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
                           "Resource": [f"acs:kms:{region}:{account_id}:key/{kms_key_id}"]})
    return {"Version": POLICY_VERSION, "Statement": statements}


def invocation_policy(function_arn: str) -> dict[str, Any]:
    """What OSS may do with the invocation role: invoke this one function."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": "InvokeTranscoder", "Effect": "Allow", "Action": ["fc:InvokeFunction"], "Resource": [function_arn]},
    ]}


@dataclass(frozen=True)
class ServiceGrant:
    """A cloud service's RAM role allowed exact object actions below a key prefix of one media bucket (the
    edge grants ApsaraVideo Live its recording writes and the CDN its origin reads)."""

    bucket_role: str
    """`input`, `output` or `shared`: which bucket's policy holds the statement."""
    sid: str
    """Statement id, e.g. `LiveWritesRecordings`."""
    service_role: str
    """The service's RAM role name, e.g. `AliyunLiveDefaultRole`."""
    key_prefix: str
    """Objects below this prefix."""
    actions: tuple[str, ...]
    """Exact OSS actions (never `oss:*`)."""


def grant_statement(account_id: str, bucket: str, grant: ServiceGrant) -> dict[str, Any]:
    """The Allow statement of `grant`: principal the role's sessions (OSS bucket policies name a RAM role as
    `arn:sts::<uid>:assumed-role/<role>/*`)."""
    return {"Sid": grant.sid, "Effect": "Allow",
            "Principal": [f"arn:sts::{account_id}:assumed-role/{grant.service_role}/*"],
            "Action": list(grant.actions),
            "Resource": [oss_object_arn(account_id, bucket, grant.key_prefix)]}


def secure_transport_policy(account_id: str, bucket: str,
                            grants: tuple[ServiceGrant, ...] = ()) -> dict[str, Any]:
    """Bucket policy refusing every request that does not use HTTPS, plus the service grants of this bucket.
    A Deny wins over any Allow, so a granted service must use HTTPS too."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": ["*"], "Action": ["oss:*"],
         "Resource": oss_bucket_arns(account_id, bucket),
         "Condition": {"Bool": {"acs:SecureTransport": ["false"]}}},
        *(grant_statement(account_id, bucket, g) for g in grants),
    ]}


def trigger_config(prefix: str, suffix: str = "", *, replicated: bool = False) -> str:
    """The OSS trigger's `trigger_config` JSON: completed-object events under `prefix` (and `suffix`); with
    `replicated`, also objects that cross-region replication creates."""
    key: dict[str, str] = {"prefix": prefix}
    if suffix:
        key["suffix"] = suffix
    events = [*TRIGGER_EVENTS, *((REPLICATION_EVENT,) if replicated else ())]
    return json.dumps({"events": events, "filter": {"key": key}}, separators=(",", ":"))


def dumps(document: dict[str, Any]) -> str:
    """A policy document as the compact, key-stable JSON RAM stores (no diff from formatting)."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True)
