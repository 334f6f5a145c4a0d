"""The Pulumi state backend: a private, versioned, encrypted OSS bucket used as an S3-compatible DIY backend.

    pulumi login 's3://<bucket>?endpoint=https://s3.oss-<region>.aliyuncs.com&region=<region>
                  &request_checksum_calculation=when_required&response_checksum_validation=when_required'

Why this URL (docs/decisions/2026-12-01-state-backend.md): OSS serves the S3 API on `s3.oss-<region>`
(OSS doc "Access OSS using an AWS SDK") and only in virtual-hosted style, so no `s3ForcePathStyle`; the AWS
SDK v2 inside Pulumi's gocloud.dev needs a scheme in `endpoint`; and OSS rejects the aws-chunked CRC
trailers newer SDKs send by default, which the two checksum parameters turn off (gocloud.dev aws.go).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_alicloud as alicloud

from components.delivery.permissions import dumps
from components.delivery.settings import StateBackendSettings

# The standalone sub-resources own these attributes; the bucket must not try to revert them
# (provider docstring: a bucket and its BucketAcl/BucketPolicy/... must not both manage one attribute).
BUCKET_IGNORE_CHANGES = ["acl", "policy", "logging", "versioning", "server_side_encryption_rule"]
TLS_VERSIONS = ("TLSv1.2", "TLSv1.3")
# Request parameters of the backend URL (see the module docstring).
CHECKSUM_PARAMETERS = "request_checksum_calculation=when_required&response_checksum_validation=when_required"


def s3_endpoint(region: str, *, internal: bool = False) -> str:
    """OSS's S3-compatible endpoint of `region` (the `-internal` one is reachable from VPCs of the region)."""
    return f"https://s3.oss-{region}{'-internal' if internal else ''}.aliyuncs.com"


def backend_url(bucket: str, region: str, *, internal: bool = False) -> str:
    """The `pulumi login` URL of the state bucket."""
    return f"s3://{bucket}?endpoint={s3_endpoint(region, internal=internal)}&region={region}&{CHECKSUM_PARAMETERS}"


def secure_transport_policy(account_id: str, bucket: str) -> dict:
    """Bucket policy refusing every request that does not use HTTPS."""
    return {"Version": "1", "Statement": [
        {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": ["*"], "Action": ["oss:*"],
         "Resource": [f"acs:oss:*:{account_id}:{bucket}", f"acs:oss:*:{account_id}:{bucket}/*"],
         "Condition": {"Bool": {"acs:SecureTransport": ["false"]}}},
    ]}


def lifecycle_rules(settings: StateBackendSettings, *, logs: bool) -> list[alicloud.oss.BucketLifecycleRuleArgs]:
    """State: superseded versions expire after `noncurrent_version_days`, stale uploads are aborted, lone
    delete markers are cleaned up. Logs: current objects expire after `access_log_days` too."""
    expirations = [alicloud.oss.BucketLifecycleRuleExpirationArgs(days=settings.access_log_days)] if logs else [
        alicloud.oss.BucketLifecycleRuleExpirationArgs(expired_object_delete_marker=True)]
    return [alicloud.oss.BucketLifecycleRuleArgs(
        id="housekeeping", enabled=True,
        abort_multipart_uploads=[alicloud.oss.BucketLifecycleRuleAbortMultipartUploadArgs(
            days=settings.abort_multipart_days)],
        noncurrent_version_expirations=[alicloud.oss.BucketLifecycleRuleNoncurrentVersionExpirationArgs(
            days=settings.noncurrent_version_days)],
        expirations=expirations,
    )]


@dataclass(frozen=True, kw_only=True)
class StateBackendArgs:
    """Inputs of the StateBackend component."""

    region: str
    account_id: pulumi.Input[str]
    """The account id (the bucket policy's resource ARNs)."""
    settings: StateBackendSettings
    tags: Mapping[str, str]


class StateBackend(pulumi.ComponentResource):
    """The state bucket (and its access-log bucket), private, versioned, encrypted, TLS-only, with lifecycle."""

    bucket: pulumi.Output[str]
    """The state bucket's name."""
    backend_url: str
    """`pulumi login` URL over the public S3-compatible endpoint."""
    internal_backend_url: str
    """`pulumi login` URL over the region's internal endpoint (runners inside a VPC of the region)."""
    log_bucket: pulumi.Output[str] | None
    """The access-log bucket, when access logging is on."""

    def __init__(self, name: str, args: StateBackendArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:delivery:StateBackend", name, None, opts)
        s = args.settings
        logs = self._bucket(f"{name}-logs", f"{s.bucket}-logs", args, logs=True) if s.access_logging else None
        state = self._bucket(f"{name}-state", s.bucket, args, logs=False, log_bucket=logs)
        self.bucket = state.bucket
        self.log_bucket = logs.bucket if logs is not None else None
        self.backend_url = backend_url(s.bucket, args.region)
        self.internal_backend_url = backend_url(s.bucket, args.region, internal=True)
        self.register_outputs({"bucket": self.bucket, "backend_url": self.backend_url,
                               "internal_backend_url": self.internal_backend_url, "log_bucket": self.log_bucket})

    def _bucket(self, prefix: str, bucket_name: str, args: StateBackendArgs, *, logs: bool,
                log_bucket: alicloud.oss.Bucket | None = None) -> alicloud.oss.Bucket:
        s = args.settings
        child = pulumi.ResourceOptions(parent=self)
        bucket = alicloud.oss.Bucket(
            f"{prefix}-bucket", bucket=bucket_name, storage_class="Standard", redundancy_type=s.redundancy,
            lifecycle_rules=lifecycle_rules(s, logs=logs), force_destroy=False,
            tags={**args.tags, "role": "pulumi-state-logs" if logs else "pulumi-state"},
            opts=pulumi.ResourceOptions(parent=self, protect=s.deletion_protection,
                                        ignore_changes=BUCKET_IGNORE_CHANGES))
        alicloud.oss.BucketAcl(f"{prefix}-acl", bucket=bucket.bucket, acl="private", opts=child)
        alicloud.oss.BucketPublicAccessBlock(f"{prefix}-public-access-block", bucket=bucket.bucket,
                                             block_public_access=True, opts=child)
        # OSS-managed keys: no KMS grant to keep alive for every CI role that reads state.
        alicloud.oss.BucketServerSideEncryption(f"{prefix}-encryption", bucket=bucket.bucket,
                                                sse_algorithm="AES256", opts=child)
        # Once enabled, versioning can only be suspended (deleting this resource only forgets it).
        alicloud.oss.BucketVersioning(f"{prefix}-versioning", bucket=bucket.bucket, status="Enabled", opts=child)
        alicloud.oss.BucketHttpsConfig(f"{prefix}-tls", bucket=bucket.bucket, enable=True,
                                       tls_versions=list(TLS_VERSIONS), opts=child)
        if log_bucket is not None:
            alicloud.oss.BucketLogging(f"{prefix}-logging", bucket=bucket.bucket, target_bucket=log_bucket.bucket,
                                       target_prefix=f"{bucket_name}/", opts=child)
        if not logs:
            # The log bucket is written by OSS's log delivery, which a deny-everything statement would catch.
            alicloud.oss.BucketPolicy(
                f"{prefix}-https-only", bucket=bucket.bucket,
                policy=pulumi.Output.from_input(args.account_id).apply(
                    lambda uid: dumps(secure_transport_policy(uid, bucket_name))),
                opts=child)
        return bucket

