"""Event-driven replay transcoding: OSS buckets, the FC 3.0 transcoder with its OSS trigger, the two
RAM roles, and a dead-letter queue so that no replay is ever dropped silently.

    replay upload -> input bucket (input_prefix) --OSS trigger, invocation role--> transcoder (FC 3.0,
    FFmpeg layer, execution role) -> output bucket (output_prefix); a failed event, after its retries,
    -> MNS dead-letter queue (kept 7 days).

The function's code is `functions/transcoder/`, zipped deterministically by its own packaging module;
the zip's SHA-256 is part of the function's configuration so that a code change always redeploys.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_alicloud as alicloud

from components.media import policies
from components.naming import Naming
from components.observability.alert_rules import Target
from components.observability.targets import function_target, queue_target
from components.media.settings import (
    MediaSettings,
    auth_key_secret_name,
    bucket_names,
    function_environment,
    function_names,
    layer_zip_path,
    locations,
    success_topic_name,
)
from functions.transcoder.packaging import HANDLER, WORKER_HANDLER, package_code

CODE_DIR = Path(__file__).resolve().parents[2] / "functions" / "transcoder"
# oss.Bucket accepts at most 10 tags.
MAX_BUCKET_TAGS = 10
# The standalone sub-resources own these attributes; the bucket must not try to revert them
# (provider docstring: a bucket and its BucketAcl/BucketPolicy/... must not both manage one attribute).
BUCKET_IGNORE_CHANGES = ["acl", "policy", "logging", "versioning", "server_side_encryption_rule"]
QUALIFIER = "LATEST"
TLS_VERSIONS = ("TLSv1.2", "TLSv1.3")


@dataclass(frozen=True, kw_only=True)
class MediaArgs:
    """Inputs of the Media component."""

    naming: Naming
    """How the stack names its objects (`livecommerce-<stack>-transcoder`, `<bucket_prefix>-<stack>-media`, ...)."""
    account_id: pulumi.Input[str]
    """The Alibaba Cloud account id (ARNs of buckets, logstore, queue and function)."""
    settings: MediaSettings
    log_project: pulumi.Input[str]
    """SLS project the function logs to (owned by the observability component)."""
    log_store: pulumi.Input[str]
    """SLS logstore the function logs to."""
    tags: Mapping[str, str]
    code_dir: Path = field(default=CODE_DIR)
    """The transcoder's source folder (tests point it at a fixture)."""
    playback_auth_key: pulumi.Input[str] | None = None
    """The CDN URL-auth key (a secret Output from the stack config named by
    `settings.playback.url_auth_key_secret`); stored in KMS Secrets Manager for the function."""
    service_grants: tuple[policies.ServiceGrant, ...] = ()
    """Object access of cloud services' roles written into the buckets' policies (the edge block's recording
    writes and CDN origin reads)."""
    replicated_input: bool = False
    """Replays also arrive in the input bucket by OSS cross-region replication (the edge's recordings from a live
    center in another region): the trigger fires on replication-created objects too."""


def lifecycle_rules(role: str, s: MediaSettings) -> list[alicloud.oss.BucketLifecycleRuleArgs]:
    """Lifecycle rules of the bucket with `role` (input, output, shared or access-logs).

    Rules on overlapping prefixes never share an action type (OSS rejects that): raw replays get
    transition + expiration on `input_prefix`; the bucket-wide rule aborts stale multipart uploads,
    expires old versions, and (log bucket only) expires current objects.
    """
    lc = s.lifecycle
    rules: list[alicloud.oss.BucketLifecycleRuleArgs] = []
    if role in ("input", "shared"):
        rules.append(alicloud.oss.BucketLifecycleRuleArgs(
            id="raw-replays", enabled=True, prefix=s.input_prefix,
            transitions=[alicloud.oss.BucketLifecycleRuleTransitionArgs(storage_class="IA", days=lc.raw_ia_days)],
            expirations=[alicloud.oss.BucketLifecycleRuleExpirationArgs(days=lc.raw_expire_days)],
        ))
    rules.append(alicloud.oss.BucketLifecycleRuleArgs(
        id="housekeeping", enabled=True,
        abort_multipart_uploads=[alicloud.oss.BucketLifecycleRuleAbortMultipartUploadArgs(days=lc.abort_multipart_days)],
        noncurrent_version_expirations=(
            [alicloud.oss.BucketLifecycleRuleNoncurrentVersionExpirationArgs(days=lc.noncurrent_expire_days)]
            if s.versioning else None),
        expirations=(
            [alicloud.oss.BucketLifecycleRuleExpirationArgs(days=lc.access_log_expire_days)]
            if role == "access-logs" else None),
    ))
    return rules


class Media(pulumi.ComponentResource):
    """Replay buckets, the FC 3.0 transcoder, its OSS trigger, roles, async config and dead-letter queue."""

    input_bucket: str
    """Bucket raw replays are uploaded to (under `input_prefix`)."""
    output_bucket: str
    """Bucket published media is written to (under `output_prefix`)."""
    access_log_bucket: str | None
    """Bucket receiving the OSS access logs, if access logging is on."""
    function_name: pulumi.Output[str]
    """The transcoder function's name."""
    function_arn: pulumi.Output[str]
    """The transcoder function's ARN."""
    dead_letter_queue: pulumi.Output[str]
    """MNS queue holding events that failed all retries."""
    worker_function_name: pulumi.Output[str]
    """The worker function (one part of a split replay)."""
    success_topic: pulumi.Output[str] | None
    """MNS topic receiving every successful invocation's result, when `async_invoke.notify_success`."""
    execution_role_arn: pulumi.Output[str]
    """The function's execution role."""
    invocation_role_arn: pulumi.Output[str]
    """The role OSS assumes to invoke the function."""
    code_sha256: str
    """SHA-256 of the deployed code zip."""
    alert_targets: list[Target]
    """The transcoder and its worker (errors, throttles, duration near the timeout) and the dead-letter queue
    (failed events: replays that were not published), by the names registered: what observability watches."""

    def __init__(self, name: str, args: MediaArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:media:Media", name, None, opts)
        s = args.settings
        n = args.naming
        region = n.region
        tags = dict(args.tags)
        if len(tags) + 1 > MAX_BUCKET_TAGS:
            raise ValueError(f"media: buckets accept at most {MAX_BUCKET_TAGS} tags and the stack's tags plus the "
                             f"role tag are {len(tags) + 1}; remove some entries of `tags`")
        child = pulumi.ResourceOptions(parent=self)
        loc = locations(s, n)
        names = bucket_names(s.bucket_prefix, n, s.buckets, access_logging=s.access_logging)

        # ---- storage ------------------------------------------------------------------------
        # The log bucket first: the other buckets' access logging points at it.
        buckets: dict[str, alicloud.oss.Bucket] = {}
        for role in sorted(names, key=lambda r: r != "access-logs"):
            buckets[role] = self._bucket(name, role, names[role], s, tags, args.account_id,
                                         log_bucket=buckets.get("access-logs"),
                                         grants=tuple(g for g in args.service_grants if g.bucket_role == role))

        # ---- identity -----------------------------------------------------------------------
        queue_name = n.physical("transcoder-dlq")
        topic_name = success_topic_name(n) if s.async_invoke.notify_success else None
        fn_names = function_names(n)
        auth_secret = auth_key_secret_name(n) if s.playback.url_auth_key_secret else None
        exec_role = alicloud.ram.Role(
            f"{name}-execution-role", role_name=n.physical("transcoder"),
            assume_role_policy_document=policies.dumps(policies.trust_policy("fc.aliyuncs.com")),
            description=f"{n.title}: the replay transcoder function runs as this role",
            tags=tags, opts=child)
        exec_policy = alicloud.ram.Policy(
            f"{name}-execution-policy", policy_name=n.physical("transcoder-exec"),
            policy_document=pulumi.Output.all(args.account_id, args.log_project, args.log_store).apply(
                lambda v: policies.dumps(policies.execution_policy(
                    account_id=v[0], region=region, input_bucket=loc.input_bucket,
                    input_prefix=loc.input_prefix, output_bucket=loc.output_bucket,
                    output_prefix=loc.output_prefix, log_project=v[1], log_store=v[2],
                    dead_letter_queue=queue_name, kms_key_id=s.kms_key_id,
                    # The split pipeline invokes the worker per part and the transcoder for the merge.
                    invoke_functions=(fn_names["worker"], fn_names["transcoder"]), success_topic=topic_name,
                    auth_key_secret=auth_secret))),
            description=f"{n.title}: read raw replays, publish media, write logs, dead-letter, fan out",
            rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded", tags=tags, opts=child)
        exec_attachment = alicloud.ram.RolePolicyAttachment(
            f"{name}-execution-policy-attachment", role_name=exec_role.role_name,
            policy_name=exec_policy.policy_name, policy_type="Custom", opts=child)

        # ---- dead-letter queue ---------------------------------------------------------------
        queue = alicloud.message.ServiceQueue(
            f"{name}-dead-letter-queue", queue_name=queue_name,
            message_retention_period=s.async_invoke.dead_letter_retention_seconds,
            # A failed invocation record stays invisible for 5 minutes once a person or tool reads it.
            visibility_timeout=300, logging_enabled=True, tags=tags, opts=child)

        # ---- success topic ---------------------------------------------------------------------
        # FC's async on_success destination: every successful invocation's result (the manifest key and
        # playback URLs of a finished replay; skips and dispatches too: subscribers read `status`).
        topic = None
        if topic_name:
            topic = alicloud.message.ServiceTopic(
                f"{name}-success-topic", topic_name=topic_name, max_message_size=65536, enable_logging=True,
                tags=tags, opts=child)

        # ---- URL-auth key for signed playback URLs ----------------------------------------------
        if auth_secret:
            if args.playback_auth_key is None:
                raise ValueError("media: playback.url_auth_key_secret is set but no key value was passed")
            # KMS Secrets Manager, read by the function at run time with its role (never an env var).
            alicloud.kms.Secret(
                f"{name}-playback-auth-key", secret_name=auth_secret,
                secret_data=pulumi.Output.secret(args.playback_auth_key), version_id="v1",
                dkms_instance_id=s.playback.kms_instance_id,
                description=f"{n.title}: replay CDN URL-auth (type A) key for signed playback URLs",
                # Protected like the buckets: without it every signed URL in the published manifests breaks.
                tags=tags, opts=pulumi.ResourceOptions(parent=self, protect=s.deletion_protection))

        # ---- FFmpeg layer --------------------------------------------------------------------
        if s.ffmpeg.layer == "own":
            if s.ffmpeg.own_zip_path:
                code = alicloud.fc.V3LayerVersionCodeArgs(zip_file=base64.b64encode(
                    layer_zip_path(s.ffmpeg.own_zip_path).read_bytes()).decode())
            else:
                code = alicloud.fc.V3LayerVersionCodeArgs(oss_bucket_name=s.ffmpeg.own_oss_bucket,
                                                          oss_object_name=s.ffmpeg.own_oss_object)
            layer = alicloud.fc.V3LayerVersion(
                f"{name}-ffmpeg-layer", layer_name=n.physical("ffmpeg"), code=code,
                compatible_runtimes=[s.function.runtime], acl="0",
                description=f"{n.title}: the team's FFmpeg build (bin/ffmpeg, bin/ffprobe)", opts=child)
            layer_arn: pulumi.Input[str] = layer.layer_version_arn
        else:
            layer_arn = s.ffmpeg.official_arn(region)

        # ---- function ------------------------------------------------------------------------
        zip_bytes = package_code(args.code_dir)
        self.code_sha256 = hashlib.sha256(zip_bytes).hexdigest()
        fn_settings = s.function
        environment = function_environment(s, n, self.code_sha256)
        # The transcoder and its worker: one zip (another handler), one logstore.
        fn_code = alicloud.fc.V3FunctionCodeArgs(zip_file=base64.b64encode(zip_bytes).decode())
        log_config = alicloud.fc.V3FunctionLogConfigArgs(
            project=args.log_project, logstore=args.log_store, enable_request_metrics=True,
            enable_instance_metrics=True, log_begin_rule="DefaultRegex")
        function = alicloud.fc.V3Function(
            f"{name}-transcoder", function_name=fn_names["transcoder"],
            description=f"{n.title} replay transcoder; code sha256 {self.code_sha256}",
            runtime=fn_settings.runtime, handler=HANDLER,
            code=fn_code,
            memory_size=fn_settings.memory_mib, cpu=fn_settings.vcpu, disk_size=fn_settings.disk_mib,
            timeout=fn_settings.timeout_seconds,
            # One transcode per instance: FFmpeg uses every vCPU, a second request would halve both.
            instance_concurrency=1,
            layers=[layer_arn], role=exec_role.arn,
            # No internet: OSS is read and written over its in-region internal endpoint, and the parts are
            # invoked over FC's (`<uid>.<region>-internal.fc.aliyuncs.com`), which the FC function network
            # reaches with internet access off (help.aliyun.com/document_detail/2513536.html); FC's default
            # is on (rule alicloud-fc-v3function-restrict-internet-access). Signed playback URLs are the
            # exception: KMS Secrets Manager has no internal endpoint outside a VPC, so reading the URL-auth
            # key needs internet access (list the function in the rule's allowInternetAccess).
            internet_access=bool(auth_secret),
            environment_variables=environment,
            log_config=log_config,
            tags={**tags, "role": "transcoder"},
            # FC checks at creation that the role can write the logstore.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[exec_attachment]))
        alicloud.fc.V3ConcurrencyConfig(
            f"{name}-transcoder-concurrency", function_name=function.function_name,
            reserved_concurrency=fn_settings.reserved_concurrency, opts=child)
        dead_letter_arn = pulumi.Output.all(args.account_id, queue.queue_name).apply(
            lambda v: policies.mns_queue_arn(region, v[0], v[1]))
        async_config = alicloud.fc.V3AsyncInvokeConfig(
            f"{name}-transcoder-async", function_name=function.function_name, qualifier=QUALIFIER,
            max_async_retry_attempts=s.async_invoke.max_retries,
            max_async_event_age_in_seconds=s.async_invoke.max_event_age_seconds,
            async_task=s.async_invoke.task_mode,
            destination_config=alicloud.fc.V3AsyncInvokeConfigDestinationConfigArgs(
                on_failure=alicloud.fc.V3AsyncInvokeConfigDestinationConfigOnFailureArgs(destination=dead_letter_arn),
                on_success=alicloud.fc.V3AsyncInvokeConfigDestinationConfigOnSuccessArgs(
                    destination=pulumi.Output.all(args.account_id, topic.topic_name).apply(
                        lambda v: policies.mns_topic_arn(region, v[0], v[1]))) if topic else None),
            # FC sends to the queue and the topic with the execution role, so its grant must exist first.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[exec_attachment]))

        # ---- fan-out: the worker (one part of a split replay) ------------------------------------
        # Same zip, another handler; invoked asynchronously by the transcoder per part (decision record
        # docs/decisions/2026-12-01-transcode-fan-out.md). Its own reserved concurrency bounds all parts of
        # all replays; failed parts go to the same dead-letter queue after their retries.
        w = s.fan_out.worker
        worker = alicloud.fc.V3Function(
            f"{name}-transcoder-worker", function_name=fn_names["worker"],
            description=f"{n.title} replay transcoder worker (one part); code sha256 {self.code_sha256}",
            runtime=fn_settings.runtime, handler=WORKER_HANDLER,
            code=fn_code,
            memory_size=w.memory_mib, cpu=w.vcpu, disk_size=w.disk_mib, timeout=w.timeout_seconds,
            instance_concurrency=1, layers=[layer_arn], role=exec_role.arn, environment_variables=environment,
            # Parts read and write OSS and invoke FC over internal endpoints only (see the transcoder above).
            internet_access=False,
            log_config=log_config,
            tags={**tags, "role": "transcoder-worker"},
            opts=pulumi.ResourceOptions(parent=self, depends_on=[exec_attachment]))
        alicloud.fc.V3ConcurrencyConfig(
            f"{name}-transcoder-worker-concurrency", function_name=worker.function_name,
            reserved_concurrency=w.reserved_concurrency, opts=child)
        alicloud.fc.V3AsyncInvokeConfig(
            f"{name}-transcoder-worker-async", function_name=worker.function_name, qualifier=QUALIFIER,
            max_async_retry_attempts=s.async_invoke.max_retries,
            max_async_event_age_in_seconds=s.async_invoke.max_event_age_seconds,
            # Task mode: the transcoder names each part's invocation (x-fc-async-task-id).
            async_task=True,
            destination_config=alicloud.fc.V3AsyncInvokeConfigDestinationConfigArgs(
                on_failure=alicloud.fc.V3AsyncInvokeConfigDestinationConfigOnFailureArgs(destination=dead_letter_arn)),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[exec_attachment]))

        # ---- trigger -------------------------------------------------------------------------
        invoke_role = alicloud.ram.Role(
            f"{name}-invocation-role", role_name=n.physical("transcoder-oss-invoke"),
            assume_role_policy_document=policies.dumps(policies.trust_policy("oss.aliyuncs.com")),
            description=f"{n.title}: OSS assumes this role to invoke the replay transcoder",
            tags=tags, opts=child)
        invoke_policy = alicloud.ram.Policy(
            f"{name}-invocation-policy", policy_name=n.physical("transcoder-invoke"),
            policy_document=function.function_arn.apply(lambda arn: policies.dumps(policies.invocation_policy(arn))),
            description=f"{n.title}: invoke the replay transcoder only",
            rotate_strategy="DeleteOldestNonDefaultVersionWhenLimitExceeded", tags=tags, opts=child)
        invoke_attachment = alicloud.ram.RolePolicyAttachment(
            f"{name}-invocation-policy-attachment", role_name=invoke_role.role_name,
            policy_name=invoke_policy.policy_name, policy_type="Custom", opts=child)
        input_bucket = buckets["shared" if s.buckets == "shared" else "input"]
        trigger = alicloud.fc.V3Trigger(
            f"{name}-replay-trigger", function_name=function.function_name, trigger_name="oss-replay-upload",
            trigger_type="oss", qualifier=QUALIFIER,
            source_arn=pulumi.Output.concat("acs:oss:", region, ":", args.account_id, ":", input_bucket.bucket),
            invocation_role=invoke_role.arn,
            trigger_config=policies.trigger_config(s.input_prefix, s.input_suffix,
                                                  replicated=args.replicated_input),
            description=f"replays uploaded under {s.input_prefix}",
            # No event before OSS may invoke, and none before failures have somewhere to go.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[invoke_attachment, async_config]))

        self.input_bucket = loc.input_bucket
        self.output_bucket = loc.output_bucket
        self.access_log_bucket = names.get("access-logs")
        self.function_name = function.function_name
        self.function_arn = function.function_arn
        self.dead_letter_queue = queue.queue_name
        self.worker_function_name = worker.function_name
        self.success_topic = topic.topic_name if topic else None
        self.execution_role_arn = exec_role.arn
        self.invocation_role_arn = invoke_role.arn
        self.trigger_id = trigger.trigger_id
        self.alert_targets = [function_target("transcoder", function.function_name, fn_settings.timeout_seconds),
                              function_target("transcoder-worker", worker.function_name, w.timeout_seconds),
                              queue_target("transcoder-dlq", queue.queue_name)]
        self.register_outputs({
            "input_bucket": self.input_bucket, "output_bucket": self.output_bucket,
            "access_log_bucket": self.access_log_bucket, "function_name": self.function_name,
            "function_arn": self.function_arn, "dead_letter_queue": self.dead_letter_queue,
            "worker_function_name": self.worker_function_name, "success_topic": self.success_topic,
            "execution_role_arn": self.execution_role_arn, "invocation_role_arn": self.invocation_role_arn,
            "code_sha256": self.code_sha256,
        })

    def _bucket(self, name: str, role: str, bucket_name: str, s: MediaSettings, tags: dict[str, str],
                account_id: pulumi.Input[str], log_bucket: alicloud.oss.Bucket | None,
                grants: tuple[policies.ServiceGrant, ...] = ()) -> alicloud.oss.Bucket:
        """One private, encrypted, public-access-blocked bucket with its lifecycle and logging."""
        child = pulumi.ResourceOptions(parent=self)
        prefix = f"{name}-{role}-bucket"
        bucket = alicloud.oss.Bucket(
            prefix, bucket=bucket_name, storage_class="Standard", redundancy_type=s.redundancy,
            lifecycle_rules=lifecycle_rules(role, s), force_destroy=s.force_destroy,
            tags={**tags, "role": f"media-{role}"},
            opts=pulumi.ResourceOptions(parent=self, protect=s.deletion_protection,
                                        ignore_changes=BUCKET_IGNORE_CHANGES))
        alicloud.oss.BucketAcl(f"{prefix}-acl", bucket=bucket.bucket, acl="private", opts=child)
        alicloud.oss.BucketPublicAccessBlock(f"{prefix}-public-access-block", bucket=bucket.bucket,
                                             block_public_access=True, opts=child)
        alicloud.oss.BucketServerSideEncryption(
            f"{prefix}-encryption", bucket=bucket.bucket, sse_algorithm=s.encryption,
            kms_master_key_id=s.kms_key_id if s.encryption == "KMS" else None, opts=child)
        if s.versioning:
            # Once enabled, versioning can only be suspended, never removed (deleting this resource
            # only forgets it).
            alicloud.oss.BucketVersioning(f"{prefix}-versioning", bucket=bucket.bucket, status="Enabled", opts=child)
        if log_bucket is not None:
            alicloud.oss.BucketLogging(f"{prefix}-logging", bucket=bucket.bucket, target_bucket=log_bucket.bucket,
                                       target_prefix=f"{bucket_name}/", opts=child)
        # Only TLS 1.2+ (the function and CDN origin pulls use HTTPS).
        alicloud.oss.BucketHttpsConfig(f"{prefix}-tls", bucket=bucket.bucket, enable=True,
                                       tls_versions=list(TLS_VERSIONS), opts=child)
        if role != "access-logs":
            # Data buckets refuse plain HTTP. The log bucket is written by OSS's log delivery, which
            # must not be caught by a deny-everything statement.
            alicloud.oss.BucketPolicy(
                f"{prefix}-https-only", bucket=bucket.bucket,
                policy=pulumi.Output.from_input(account_id).apply(
                    lambda uid: policies.dumps(policies.secure_transport_policy(uid, bucket_name, grants))),
                opts=child)
        return bucket
