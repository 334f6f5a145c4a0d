"""Live recordings across regions: a bucket in the live center's region, replicated into the replay input bucket.

ApsaraVideo Live writes recordings only into OSS buckets of its live center's region ("Cross-region recording is
not supported", https://www.alibabacloud.com/help/doc-detail/84931.htm), and cn-hangzhou, where prod runs, is no
live center. So when the two regions differ, Live records into this component's bucket, and OSS cross-region
replication copies every new recording, under the same key (below the transcoder's input prefix), into the input
bucket, where the transcoder's OSS trigger fires on the replication-created event
(docs/decisions/2026-12-01-live-recording-region.md).

The bucket is hardened like the media buckets (components/media/transcoding.py `Media._bucket`): private ACL,
public access blocked, SSE, versioning as the media buckets have it (replication needs the same state at both
ends), TLS 1.2+ only, a bucket policy that denies plain HTTP and grants Live exactly its writes, a lifecycle that
bounds what stays here, and access logs into a log bucket of the same region (OSS logs only within a region).

Every child is created through the provider of the live center's region, which the composition root builds and
passes in (`opts.providers`); the replication role is global (RAM).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pulumi
import pulumi_alicloud as alicloud

from components.edge import plan
from components.media import policies
from components.media.transcoding import BUCKET_IGNORE_CHANGES, TLS_VERSIONS
from components.naming import Naming

#: SSE of the recording buckets: OSS-managed keys. A KMS key is regional, and the media buckets' key (if any)
#: lives in the stack's region, not the live center's.
RECORDING_SSE = "AES256"


@dataclass(frozen=True, kw_only=True)
class RecordingReplicationArgs:
    """Inputs of the cross-region recording path."""

    naming: Naming
    """How the stack names its objects (the replication role `livecommerce-<stack>-recording-replication`)."""
    store: plan.RecordingStore
    """Buckets, prefix, destination and hardening choices (pure: `plan.recording_store`)."""
    live_grant: policies.ServiceGrant
    """ApsaraVideo Live's writes below the recording prefix (`plan.live_grant`)."""
    account_id: pulumi.Input[str]
    """The Alibaba Cloud account id (bucket policy resources and principals)."""
    destination: pulumi.Input[str]
    """The replay input bucket."""
    destination_ready: pulumi.Resource | None = None
    """What creates the input bucket (the Media component): the replication rule waits for it."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags of the buckets and the role."""


class RecordingReplication(pulumi.ComponentResource):
    """A recording bucket in the live center's region replicated into the replay input bucket."""

    bucket: pulumi.Output[str]
    """The recording bucket ApsaraVideo Live writes to."""
    replication_rule_id: pulumi.Output[str]
    """The OSS replication rule's id."""

    def __init__(self, name: str, args: RecordingReplicationArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:edge:RecordingReplication", name, None, opts)
        st, n = args.store, args.naming
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        log_bucket = None
        if st.log_bucket is not None:
            log_bucket = self._bucket(f"{name}-logs-bucket", st.log_bucket, st, tags, role="recording-logs",
                                      rules=self._lifecycle(st, logs=True))
        bucket = self._bucket(f"{name}-bucket", st.bucket, st, tags, role="recordings",
                              rules=self._lifecycle(st, logs=False))
        if log_bucket is not None:
            alicloud.oss.BucketLogging(f"{name}-bucket-logging", bucket=bucket.bucket, target_bucket=log_bucket.bucket,
                                       target_prefix=f"{st.bucket}/", opts=child)
        # Deny plain HTTP to everyone; Live's writes are granted below the recording prefix only. The log bucket
        # has no such policy: OSS's log delivery writes into it (as the media access-log bucket).
        alicloud.oss.BucketPolicy(
            f"{name}-bucket-https-only", bucket=bucket.bucket,
            policy=pulumi.Output.from_input(args.account_id).apply(
                lambda uid: policies.dumps(policies.secure_transport_policy(uid, st.bucket, (args.live_grant,)))),
            opts=child)

        # The role OSS assumes to replicate: trusted by OSS only, allowed the documented minimum on two buckets.
        role = alicloud.ram.Role(
            f"{name}-role", role_name=n.physical("recording-replication"),
            assume_role_policy_document=policies.dumps(policies.trust_policy("oss.aliyuncs.com")),
            description=f"{n.title}: OSS replicates live recordings from {st.region} into the replay input bucket",
            tags=tags, opts=child)
        policy = alicloud.ram.Policy(
            f"{name}-policy", policy_name=n.physical("recording-replication"),
            policy_document=pulumi.Output.from_input(args.account_id).apply(
                lambda uid: policies.dumps(plan.replication_policy(st, uid))),
            description=f"{n.title}: read live recordings in {st.bucket}, write their replicas in "
                        f"{st.destination_bucket}",
            rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded", tags=tags, opts=child)
        attachment = alicloud.ram.RolePolicyAttachment(
            f"{name}-policy-attachment", role_name=role.role_name, policy_name=policy.policy_name,
            policy_type="Custom", opts=child)

        replication = alicloud.oss.BucketReplication(
            f"{name}-replication", bucket=bucket.bucket, action=plan.REPLICATION_ACTION,
            # Only what Live writes from now on: the bucket starts empty, and nothing older is a replay.
            historical_object_replication="disabled",
            prefix_set=alicloud.oss.BucketReplicationPrefixSetArgs(prefixes=[st.key_prefix]),
            destination=alicloud.oss.BucketReplicationDestinationArgs(
                bucket=args.destination, location=st.destination_location,
                # Alibaba's internal network (the default); `oss_acc` (transfer acceleration) costs more and a
                # recording is not urgent to the minute.
                transfer_type="internal"),
            sync_role=role.role_name,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[attachment, *(
                [args.destination_ready] if args.destination_ready is not None else [])]))

        self.bucket = bucket.bucket
        self.replication_rule_id = replication.rule_id
        self.register_outputs({"bucket": self.bucket, "replication_rule_id": self.replication_rule_id})

    @staticmethod
    def _lifecycle(st: plan.RecordingStore, *, logs: bool) -> list[alicloud.oss.BucketLifecycleRuleArgs]:
        rules: list[alicloud.oss.BucketLifecycleRuleArgs] = []
        if not logs:
            # Recordings are replicated within minutes; this copy is only a buffer (prefix-scoped, so the pack's
            # rule against early bucket-wide expiry does not apply).
            rules.append(alicloud.oss.BucketLifecycleRuleArgs(
                id="replicated-recordings", enabled=True, prefix=st.key_prefix,
                expirations=[alicloud.oss.BucketLifecycleRuleExpirationArgs(days=st.retention_days)]))
        rules.append(alicloud.oss.BucketLifecycleRuleArgs(
            id="housekeeping", enabled=True,
            abort_multipart_uploads=[alicloud.oss.BucketLifecycleRuleAbortMultipartUploadArgs(
                days=plan.RECORDING_ABORT_MULTIPART_DAYS)],
            noncurrent_version_expirations=(
                [alicloud.oss.BucketLifecycleRuleNoncurrentVersionExpirationArgs(days=st.noncurrent_expire_days)]
                if st.versioning else None),
            expirations=[alicloud.oss.BucketLifecycleRuleExpirationArgs(days=st.access_log_expire_days)]
            if logs else None))
        return rules

    def _bucket(self, logical: str, bucket_name: str, st: plan.RecordingStore, tags: dict[str, str], *, role: str,
                rules: list[alicloud.oss.BucketLifecycleRuleArgs]) -> alicloud.oss.Bucket:
        """One private, encrypted, public-access-blocked, TLS-only bucket with its lifecycle."""
        child = pulumi.ResourceOptions(parent=self)
        bucket = alicloud.oss.Bucket(
            logical, bucket=bucket_name, storage_class="Standard", redundancy_type=st.redundancy,
            lifecycle_rules=rules, force_destroy=st.force_destroy, tags={**tags, "role": role},
            opts=pulumi.ResourceOptions(parent=self, protect=st.deletion_protection,
                                        ignore_changes=BUCKET_IGNORE_CHANGES))
        alicloud.oss.BucketAcl(f"{logical}-acl", bucket=bucket.bucket, acl="private", opts=child)
        alicloud.oss.BucketPublicAccessBlock(f"{logical}-public-access-block", bucket=bucket.bucket,
                                             block_public_access=True, opts=child)
        alicloud.oss.BucketServerSideEncryption(f"{logical}-encryption", bucket=bucket.bucket,
                                                sse_algorithm=RECORDING_SSE, opts=child)
        if st.versioning:
            alicloud.oss.BucketVersioning(f"{logical}-versioning", bucket=bucket.bucket, status="Enabled", opts=child)
        alicloud.oss.BucketHttpsConfig(f"{logical}-tls", bucket=bucket.bucket, enable=True,
                                       tls_versions=list(TLS_VERSIONS), opts=child)
        return bucket
