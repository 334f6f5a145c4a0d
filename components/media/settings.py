"""Settings of the media pipeline (`livecommerce:platform.media`): buckets, the transcoding function,
its FFmpeg layer, its async invocation policy and the transcoding parameters it receives as
environment variables.

Defaults are the production choice; smaller stacks override downward (`stacks/Pulumi.dev.yaml`). The pure
helpers at the bottom (bucket names, OSS naming rules, the function's environment) are what the
component and the tests share.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from components.media import capacity as cap
from components.naming import Naming, naming_for, stack_name_problem
from components.secrets import SecretRef
from functions.transcoder.settings import ENV_VARS, X264_PRESETS, Settings, SettingsError, parse_bitrate, parse_ladder

REPO_ROOT = Path(__file__).resolve().parents[2]

# OSS bucket names: 3-63 characters; lowercase letters, digits and hyphens; must start and end with
# a letter or digit. https://www.alibabacloud.com/help/en/oss/user-guide/bucket-naming-conventions
OSS_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
# Derived names are checked with the stack's own name; without one (settings validated on their own) with a
# stand-in as long as the longest shipped stack name (`staging`).
_STAND_IN_STACK = "x" * 7
# FC limits (https://www.alibabacloud.com/help/en/functioncompute/fc/environment-variables and the
# alicloud_fcv3_function docs): all variables together at most 4 KB, `FC_*` reserved.
FC_ENV_LIMIT_BYTES = 4096
# The FFmpeg layer Alibaba publishes in every FC region; ffmpeg and ffprobe land in /opt/bin.
OFFICIAL_FFMPEG_LAYER = "FFmpeg6x"

_PREFIX_RE = re.compile(r"^[A-Za-z0-9._!\-*'()/]*$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class LifecycleSettings(_Model):
    """Lifecycle rules: what the buckets keep, and for how long."""

    raw_ia_days: int = Field(default=30, ge=1, le=3650)
    """Days after upload when a raw replay moves to Infrequent Access storage (it has been
    transcoded by then and is read again only for a re-transcode)."""
    raw_expire_days: int = Field(default=365, ge=2, le=36500)
    """Days after upload when a raw replay is deleted. Must be later than `raw_ia_days`."""
    abort_multipart_days: int = Field(default=7, ge=1, le=365)
    """Days after which incomplete multipart uploads (interrupted replay uploads, failed function
    uploads) are aborted and their parts deleted, in every bucket."""
    noncurrent_expire_days: int = Field(default=30, ge=1, le=3650)
    """Days an overwritten or deleted object version is kept when versioning is on."""
    access_log_expire_days: int = Field(default=180, ge=1, le=3650)
    """Days OSS access logs are kept in the log bucket."""

    @model_validator(mode="after")
    def _ordered(self) -> LifecycleSettings:
        if self.raw_expire_days <= self.raw_ia_days:
            raise ValueError(f"raw_expire_days ({self.raw_expire_days}) must be later than raw_ia_days "
                             f"({self.raw_ia_days}); OSS rejects an expiration before the transition")
        return self


def _fc_vcpu_step(vcpu: float) -> float:
    """FC sizes vCPUs in steps of 0.05 (FunctionSettings, WorkerSettings)."""
    if abs(vcpu * 20 - round(vcpu * 20)) > 1e-6:
        raise ValueError(f"{vcpu} is not a multiple of 0.05 vCPU")
    return round(vcpu, 2)


def _check_fc_ratio(vcpu: float, memory_mib: int, hint: str = "") -> None:
    """FC needs vCPU to memory GiB between 1:1 and 1:4 (FunctionSettings, WorkerSettings)."""
    if not vcpu <= memory_mib / 1024 <= 4 * vcpu:
        raise ValueError(f"vcpu {vcpu} with memory_mib {memory_mib}: FC needs vCPU:GiB between 1:1 "
                         f"and 1:4; use memory_mib between {vcpu * 1024:.0f} and {vcpu * 4096:.0f}{hint}")


class FunctionSettings(_Model):
    """Size and limits of the transcoding function (FC 3.0)."""

    runtime: Literal["python3.10", "python3.9"] = "python3.10"
    """FC runtime. Both have `oss2` preinstalled and are compatible with the official FFmpeg layer."""
    memory_mib: int = Field(default=8192, ge=128, le=32768, multiple_of=64)
    """Memory per instance in MiB: a multiple of 64, 128 to 32768."""
    vcpu: float = Field(default=4.0, ge=0.05, le=16)
    """vCPUs per instance: a multiple of 0.05; vCPU to memory GiB between 1:1 and 1:4."""
    disk_mib: Literal[512, 10240] = 10240
    """Local disk (/tmp) per instance in MiB: FC offers 512 or 10240 only."""
    timeout_seconds: int = Field(default=3600, ge=1, le=86400)
    """Longest one transcode may run, in seconds."""
    reserved_concurrency: int = Field(default=50, ge=1, le=1000)
    """Instances reserved for (and capping) the transcoder: a burst of replays never starves other
    functions of the account, and never runs up an unbounded bill."""

    @field_validator("vcpu")
    @classmethod
    def _vcpu_step(cls, vcpu: float) -> float:
        return _fc_vcpu_step(vcpu)

    @model_validator(mode="after")
    def _ratio(self) -> FunctionSettings:
        _check_fc_ratio(self.vcpu, self.memory_mib, ", or change vcpu")
        return self


class FfmpegSettings(_Model):
    """Where FFmpeg comes from: Alibaba's public layer, or the team's own build as a layer."""

    layer: Literal["official", "own"] = "official"
    """`official`: the public layer `acs:fc:<region>:official:layers/<official_layer>/versions/<n>`.
    `own`: publish `own_zip_path` or `own_oss_bucket`/`own_oss_object` as this stack's layer (a zip
    with `bin/ffmpeg` and `bin/ffprobe`, which FC unpacks to /opt/bin)."""
    official_layer: str = Field(default=OFFICIAL_FFMPEG_LAYER, pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
    """Name of the official public layer."""
    official_version: int = Field(default=1, ge=1)
    """Version of the official public layer (check it exists in the region)."""
    own_zip_path: str | None = None
    """`own` only: the layer zip, relative to the repository root. Fine for small builds; it travels
    base64-encoded in the deployment, so upload large builds to OSS and use `own_oss_*` instead."""
    own_oss_bucket: str | None = None
    """`own` only: bucket holding the layer zip (same region as the function)."""
    own_oss_object: str | None = None
    """`own` only: object key of the layer zip in `own_oss_bucket`."""

    @model_validator(mode="after")
    def _source(self) -> FfmpegSettings:
        own_fields = {"own_zip_path": self.own_zip_path, "own_oss_bucket": self.own_oss_bucket,
                      "own_oss_object": self.own_oss_object}
        if self.layer == "official":
            extra = [k for k, v in own_fields.items() if v]
            if extra:
                raise ValueError(f"{', '.join(extra)} only apply to layer: own; remove them or set layer: own")
            return self
        has_zip = bool(self.own_zip_path)
        has_oss = bool(self.own_oss_bucket) or bool(self.own_oss_object)
        if has_zip == has_oss:
            raise ValueError("layer: own needs exactly one source: own_zip_path, or own_oss_bucket with "
                             "own_oss_object")
        if has_oss and not (self.own_oss_bucket and self.own_oss_object):
            raise ValueError("own_oss_bucket and own_oss_object go together; set both")
        if has_zip:
            path = layer_zip_path(self.own_zip_path or "")
            if path.suffix != ".zip":
                raise ValueError(f"own_zip_path {self.own_zip_path!r} is not a .zip file")
            if not path.is_file():
                raise ValueError(f"own_zip_path {self.own_zip_path!r} does not exist (paths are relative to the "
                                 "repository root); build the layer zip first")
        return self

    def official_arn(self, region: str) -> str:
        """ARN of the official public layer in `region`."""
        return f"acs:fc:{region}:official:layers/{self.official_layer}/versions/{self.official_version}"


class TranscodeSettings(_Model):
    """Transcoding parameters, passed to the function as environment variables (its ENV_VARS contract,
    functions/transcoder/settings.py). Defaults are the function's own."""

    ladder: str = ENV_VARS["LADDER"]
    """HLS ladder, `<height>p:<bitrate>` comma-separated, e.g. `1080p:5000k,720p:2800k,480p:1200k`."""
    mp4_rung: str = ENV_VARS["MP4_RUNG"]
    """Rung of the progressive MP4 fallback, e.g. `720p`."""
    segment_seconds: int = Field(default=int(ENV_VARS["SEGMENT_SECONDS"]), ge=1, le=60)
    """HLS segment length in seconds."""
    max_source_bytes: int = Field(default=int(ENV_VARS["MAX_SOURCE_BYTES"]), ge=1)
    """Largest replay the function accepts, in bytes. The source is read through a presigned URL, never
    stored: one read of it must fit half the function's timeout (components/media/capacity.py)."""
    max_duration_seconds: int = Field(default=int(ENV_VARS["MAX_DURATION_SECONDS"]), ge=1, le=86400)
    """Longest replay the function accepts, in seconds: its MP4 fallback must fit the function's disk, its
    merge (or one pass) the function's timeout (components/media/capacity.py)."""
    preset: Literal[X264_PRESETS] = ENV_VARS["PRESET"]  # type: ignore[valid-type]
    """x264 preset: speed against size."""
    audio_bitrate: str = ENV_VARS["AUDIO_BITRATE"]
    """AAC bitrate of every rendition, e.g. `128k`."""
    poster_at_seconds: float = Field(default=float(ENV_VARS["POSTER_AT_SECONDS"]), ge=0)
    """Timestamp of the poster frame in seconds."""

    def env_vars(self) -> dict[str, str]:
        """The function's variables for these settings (names from its ENV_VARS contract)."""
        return {
            "LADDER": self.ladder,
            "MP4_RUNG": self.mp4_rung,
            "SEGMENT_SECONDS": str(self.segment_seconds),
            "MAX_SOURCE_BYTES": str(self.max_source_bytes),
            "MAX_DURATION_SECONDS": str(self.max_duration_seconds),
            "PRESET": self.preset,
            "AUDIO_BITRATE": self.audio_bitrate,
            "POSTER_AT_SECONDS": f"{self.poster_at_seconds:g}",
        }

    @model_validator(mode="after")
    def _function_accepts(self) -> TranscodeSettings:
        # The function's own parser is the judge: whatever it rejects at run time is rejected here.
        env = {**self.env_vars(), "OUTPUT_PREFIX": "transcoded/", "INPUT_PREFIX": "replays/"}
        try:
            Settings.from_env(env)
        except SettingsError as exc:
            raise ValueError(str(exc)) from None
        return self


class WorkerSettings(_Model):
    """Size and limits of the worker function that transcodes one part of a split replay."""

    memory_mib: int = Field(default=8192, ge=128, le=32768, multiple_of=64)
    """Memory per instance in MiB: a multiple of 64, 128 to 32768."""
    vcpu: float = Field(default=4.0, ge=0.05, le=16)
    """vCPUs per instance: a multiple of 0.05; vCPU to memory GiB between 1:1 and 1:4."""
    disk_mib: Literal[512, 10240] = 512
    """Local disk (/tmp) per instance in MiB: FC offers 512 or 10240 only. A part reads its range of the
    source through a URL and stores only its own HLS segments (about 130 MiB for 90 s of the default
    ladder), so FC's base disk suffices unless parts are long (components/media/capacity.py)."""
    timeout_seconds: int = Field(default=900, ge=60, le=86400)
    """Longest one part may run, in seconds."""
    reserved_concurrency: int = Field(default=100, ge=1, le=1000)
    """Instances reserved for (and capping) all parts of all replays at once."""

    @field_validator("vcpu")
    @classmethod
    def _vcpu_step(cls, vcpu: float) -> float:
        return _fc_vcpu_step(vcpu)

    @model_validator(mode="after")
    def _ratio(self) -> WorkerSettings:
        _check_fc_ratio(self.vcpu, self.memory_mib)
        return self


class FanOutSettings(_Model):
    """Split, fan out, merge (docs/transcoder.md, docs/decisions/2026-12-01-transcode-fan-out.md): long
    replays are cut at keyframes into parts, each transcoded by its own worker invocation."""

    part_seconds: int = Field(default=60, ge=0, le=3600)
    """Part length in seconds (`SPLIT_SEGMENT_SECONDS`); 0 transcodes every replay in one pass. Replays
    longer than two parts are split. At least two HLS segments."""
    parallel_parts_per_replay: int = Field(default=10, ge=1, le=1000)
    """Parts of one replay in flight at once (`MAX_PARALLEL_PARTS`): one replay never takes every worker."""
    worker: WorkerSettings = Field(default_factory=WorkerSettings)
    """The worker function's size; its reserved concurrency bounds all replays together."""

    @model_validator(mode="after")
    def _bounds(self) -> FanOutSettings:
        if self.parallel_parts_per_replay > self.worker.reserved_concurrency:
            raise ValueError(f"parallel_parts_per_replay {self.parallel_parts_per_replay} exceeds "
                             f"worker.reserved_concurrency {self.worker.reserved_concurrency}; lower it or reserve "
                             "more worker instances")
        # The worker's disk and timeout against the part length: MediaSettings (capacity.py), with the ladder.
        return self


class PlaybackSettings(_Model):
    """Playback URLs in the manifest: the replay CDN domain, and its URL-auth (type A) key."""

    base_url: str | None = None
    """Origin of the replay CDN domain serving the output bucket, e.g. `https://replay.example.com`
    (`PLAYBACK_BASE_URL`). Unset: no playback URLs."""
    url_auth_key_secret: SecretRef | None = None
    """Name of the secret config key holding the CDN URL-auth key (`pulumi config set --secret
    livecommerce:<name> ...`). The stack stores it in KMS Secrets Manager; the function reads it there
    with its role, so the key is never in the function's configuration. Unset: unsigned URLs."""
    kms_instance_id: str | None = Field(default=None, pattern=r"^kst-[a-z0-9]+$")
    """Dedicated KMS instance for the URL-auth secret (KMS 3.0 accounts need one; `kst-...`)."""
    url_ttl_seconds: int = Field(default=86400, ge=120, le=31 * 86400)
    """How long a signed playback URL works after signing."""
    auth_delta_seconds: int = Field(default=1800, ge=1, le=31 * 86400)
    """The CDN domain's type A validity (`ali_auth_delta`); must equal the domain's setting."""

    @model_validator(mode="after")
    def _consistent(self) -> PlaybackSettings:
        try:
            Settings.from_env({"PLAYBACK_BASE_URL": self.base_url or ""})
        except SettingsError as exc:
            raise ValueError(str(exc).replace("PLAYBACK_BASE_URL", "base_url")) from None
        if self.url_auth_key_secret and not self.base_url:
            raise ValueError("url_auth_key_secret: signs playback URLs, which need base_url; set base_url")
        if self.kms_instance_id and not self.url_auth_key_secret:
            raise ValueError("kms_instance_id: only used for url_auth_key_secret; remove it")
        return self


class AsyncInvokeSettings(_Model):
    """What happens to OSS events (always asynchronous invocations) that fail, or succeed."""

    max_retries: int = Field(default=2, ge=0, le=8)
    """Retries of a failed invocation (each is billed); after the last one the event goes to the
    dead-letter queue."""
    max_event_age_seconds: int = Field(default=18000, ge=1, le=86400)
    """Oldest an event may get while waiting (throttled or retrying) before it goes to the dead-letter
    queue instead of running."""
    task_mode: bool = True
    """FC asynchronous task mode: long transcodes are tracked, can be stopped, and keep state."""
    dead_letter_retention_seconds: int = Field(default=604800, ge=60, le=604800)
    """How long a failed event stays in the dead-letter queue (MNS maximum: 7 days)."""
    notify_success: bool = True
    """Send every successful invocation's result (manifest key, playback URLs) to an MNS topic
    (`<prefix>-<env>-transcoder-done`) through FC's async `on_success` destination."""


class MediaSettings(_Model):
    """Replay storage and event-driven transcoding (OSS + Function Compute)."""

    buckets: Literal["separate", "shared"] = "separate"
    """`separate`: raw replays and published media in two buckets (no trigger loop possible).
    `shared`: one bucket with `input_prefix` and `output_prefix`, which must not overlap."""
    bucket_prefix: str = Field(default="livecommerce", min_length=1, max_length=63)
    """Start of every bucket name: `<bucket_prefix>-<stack>-replays-raw`, `-media`, `-oss-logs`. Bucket names
    are unique across all of Alibaba Cloud, so pick one your organisation owns."""
    input_prefix: str = Field(default=ENV_VARS["INPUT_PREFIX"], min_length=1, max_length=200)
    """Key prefix of raw replays; the trigger fires only below it (ends with `/`)."""
    input_suffix: str = Field(default="", max_length=50)
    """Key suffix the trigger also requires, e.g. `.mp4`; empty: any file under `input_prefix`."""
    output_prefix: str = Field(default=ENV_VARS["OUTPUT_PREFIX"], min_length=1, max_length=200)
    """Key prefix of published media (ends with `/`)."""
    redundancy: Literal["ZRS", "LRS"] = "ZRS"
    """Bucket redundancy: ZRS keeps data in three zones (survives a zone outage); LRS is cheaper."""
    encryption: Literal["AES256", "KMS"] = "AES256"
    """Server-side encryption. AES256 (OSS-managed keys) by default: HLS writes thousands of small
    objects per replay and CDN origin pulls read them, and SSE-KMS bills and throttles every request.
    KMS needs `kms_key_id`."""
    kms_key_id: str | None = None
    """KMS key id for `encryption: KMS`; the function's role gets encrypt/decrypt on this key only."""
    versioning: bool = True
    """Keep object versions (recover from overwrites and deletes). The tier's policy level may require it
    (stacks/tiers.py)."""
    access_logging: bool = True
    """Write OSS access logs of the media buckets to a dedicated, private log bucket."""
    deletion_protection: bool = True
    """Protect the buckets from `pulumi destroy` (the protect resource option). The tier's policy level may
    require it (stacks/tiers.py)."""
    force_destroy: bool = False
    """Let `pulumi destroy` delete buckets that still hold objects (throwaway stacks only); needs
    `deletion_protection: false`."""
    lifecycle: LifecycleSettings = Field(default_factory=LifecycleSettings)
    """Lifecycle rules."""
    function: FunctionSettings = Field(default_factory=FunctionSettings)
    """The transcoding function's size and limits."""
    ffmpeg: FfmpegSettings = Field(default_factory=FfmpegSettings)
    """Where FFmpeg comes from."""
    transcode: TranscodeSettings = Field(default_factory=TranscodeSettings)
    """Transcoding parameters (the function's environment)."""
    async_invoke: AsyncInvokeSettings = Field(default_factory=AsyncInvokeSettings)
    """Retries, event age, the dead-letter queue and the success topic."""
    fan_out: FanOutSettings = Field(default_factory=FanOutSettings)
    """Split / fan-out / merge of long replays over the worker function."""
    playback: PlaybackSettings = Field(default_factory=PlaybackSettings)
    """Playback URLs (replay CDN domain, URL auth) written into the manifest."""

    @field_validator("bucket_prefix")
    @classmethod
    def _bucket_prefix(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value) or value.endswith("-"):
            raise ValueError(f"{value!r}: OSS bucket names use lowercase letters, digits and hyphens, starting "
                             "and ending with a letter or digit; e.g. acme-live")
        return value

    @field_validator("input_prefix", "output_prefix")
    @classmethod
    def _key_prefix(cls, value: str) -> str:
        if value.startswith("/") or not value.endswith("/") or "//" in value or not _PREFIX_RE.match(value):
            raise ValueError(f"{value!r} must be a key prefix like `replays/`: no leading `/`, one trailing `/`, "
                             "letters, digits and -_.!*'() only")
        return value

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> MediaSettings:
        stack = (info.context or {}).get("stack") or _STAND_IN_STACK
        problems: list[str] = []
        # A stack name that cannot name buckets is reported once, as the stack's own problem (stacks/config.py);
        # blaming bucket_prefix for it ("use a shorter prefix" for `QA_Test`) sent users to the wrong key.
        names = {} if stack_name_problem(stack) else bucket_names(self.bucket_prefix, naming_for(stack), self.buckets)
        for role, name in names.items():
            problem = oss_bucket_name_problem(name)
            if problem:
                fix = "use a shorter bucket_prefix (or stack name)" if len(name) > 63 else "change bucket_prefix"
                problems.append(f"bucket_prefix: the {role} bucket name {name!r} {problem}; {fix}")
        if self.buckets == "shared":
            loop = trigger_loop_problem(self.input_prefix, self.input_suffix, self.output_prefix)
            if loop:
                problems.append(loop)
        if self.encryption == "KMS" and not self.kms_key_id:
            problems.append("kms_key_id: required with encryption: KMS (the function's role is granted that key "
                            "only); or use encryption: AES256")
        if self.encryption != "KMS" and self.kms_key_id:
            problems.append("kms_key_id: only applies to encryption: KMS; remove it")
        if self.fan_out.part_seconds and self.fan_out.part_seconds < 2 * self.transcode.segment_seconds:
            problems.append(f"fan_out.part_seconds: {self.fan_out.part_seconds} holds fewer than two HLS segments "
                            f"of transcode.segment_seconds {self.transcode.segment_seconds}; use 0 (one pass) or "
                            f"at least {2 * self.transcode.segment_seconds}")
        problems.extend(transcode_capacity_problems(self))
        if self.force_destroy and self.deletion_protection:
            problems.append("force_destroy: cannot be combined with deletion_protection; set deletion_protection: "
                            "false too (throwaway stacks only)")
        if problems:
            raise ValueError("\n".join(problems))
        return self


# --------------------------------------------------------------------------------------------------
# Pure helpers


def transcode_capacity(s: MediaSettings) -> cap.Capacity:
    """Upper bounds of what the transcoder's invocations write and spend with these settings."""
    t = s.transcode
    return cap.capacity(parse_ladder(t.ladder), int(t.mp4_rung.rstrip("p")), parse_bitrate("AUDIO_BITRATE",
                        t.audio_bitrate), s.fan_out.part_seconds, t.max_duration_seconds)  # fmt: skip


def transcode_capacity_problems(s: MediaSettings) -> list[str]:
    """The FC limits (disk, timeout) these settings break: capacity.problems on the two functions' sizes."""
    fn, w = s.function, s.fan_out.worker
    return cap.problems(
        transcode_capacity(s), part_seconds=s.fan_out.part_seconds, max_duration=s.transcode.max_duration_seconds,
        max_source_bytes=s.transcode.max_source_bytes,
        transcoder=cap.FunctionSize(fn.disk_mib, fn.timeout_seconds, fn.vcpu),
        worker=cap.FunctionSize(w.disk_mib, w.timeout_seconds, w.vcpu),
    )  # fmt: skip


BucketRole = Literal["input", "output", "shared", "access-logs"]


def bucket_names(prefix: str, naming: Naming, mode: str, *, access_logging: bool = True) -> dict[str, str]:
    """Bucket name by role. Separate mode: `input` and `output`; shared mode: one `shared` bucket.
    Plus `access-logs` (always listed here for name checks; created only with access logging)."""
    base = naming.prefixed(prefix)
    names: dict[str, str] = (
        {"shared": f"{base}-media"} if mode == "shared"
        else {"input": f"{base}-replays-raw", "output": f"{base}-media"}
    )
    if access_logging:
        names["access-logs"] = f"{base}-oss-logs"
    return names


def oss_bucket_name_problem(name: str) -> str | None:
    """Why `name` is not a valid OSS bucket name, or None."""
    if not 3 <= len(name) <= 63:
        return f"is {len(name)} characters long (OSS allows 3 to 63)"
    if not OSS_BUCKET_RE.match(name):
        return "is not lowercase letters, digits and hyphens starting and ending with a letter or digit"
    return None


def trigger_loop_problem(input_prefix: str, input_suffix: str, output_prefix: str) -> str | None:
    """In one bucket, outputs must never match the trigger: the prefixes must be disjoint.

    A suffix does not make overlapping prefixes safe: the function writes `.mp4`, `.m3u8`, `.ts`,
    `.jpg` and `.json` files, and a later ladder change may add the very suffix the trigger listens to.
    """
    if input_prefix.startswith(output_prefix) or output_prefix.startswith(input_prefix):
        suffix = f" (even with input_suffix {input_suffix!r})" if input_suffix else ""
        return (f"output_prefix: {output_prefix!r} overlaps input_prefix {input_prefix!r} in the shared bucket, so "
                f"every published file would fire the trigger again{suffix}; use disjoint prefixes such as "
                "replays/ and transcoded/, or buckets: separate")
    return None


def layer_zip_path(path: str) -> Path:
    """The own-layer zip: absolute, or relative to the repository root."""
    candidate = Path(path)
    return candidate if candidate.is_absolute() else REPO_ROOT / candidate


@dataclass(frozen=True)
class FunctionLocation:
    """Where the function reads and writes (plain names, known at preview)."""

    input_bucket: str
    input_prefix: str
    output_bucket: str
    output_prefix: str


def locations(settings: MediaSettings, naming: Naming) -> FunctionLocation:
    """Input and output bucket/prefix of the stack's function."""
    names = bucket_names(settings.bucket_prefix, naming, settings.buckets)
    shared = names.get("shared")
    return FunctionLocation(
        input_bucket=shared or names["input"], input_prefix=settings.input_prefix,
        output_bucket=shared or names["output"], output_prefix=settings.output_prefix,
    )


def function_names(naming: Naming) -> dict[str, str]:
    """Physical names of the transcoder (OSS events, merges) and its worker (parts)."""
    return {"transcoder": naming.physical("transcoder"), "worker": naming.physical("transcoder-worker")}


def success_topic_name(naming: Naming) -> str:
    """The MNS topic of the transcoder's async `on_success` destination."""
    return naming.physical("transcoder-done")


def stale_after_seconds(settings: MediaSettings) -> int:
    """How long an attempt may stay silent before it is provably dead: the longest either function may
    run, plus the longest an async event may wait (queued or retrying), plus ten minutes of clock skew."""
    longest = max(settings.function.timeout_seconds, settings.fan_out.worker.timeout_seconds)
    return longest + settings.async_invoke.max_event_age_seconds + 600


def source_url_ttl_seconds(settings: MediaSettings) -> int:
    """Lifetime of the presigned URL an invocation reads the source through: the longest either function may
    run, plus ten minutes (FFmpeg opens new range requests until the end of a part or one pass)."""
    return max(settings.function.timeout_seconds, settings.fan_out.worker.timeout_seconds) + 600


def auth_key_secret_name(naming: Naming) -> str:
    """The KMS Secrets Manager secret holding the CDN URL-auth key."""
    return naming.physical("replay-url-auth")


def function_environment(settings: MediaSettings, naming: Naming, code_sha256: str) -> dict[str, str]:
    """The functions' environment variables (the transcoder and its worker share them): the function's
    ENV_VARS contract plus `CODE_SHA256`.

    `CODE_SHA256` is not read by the function; it is here because the provider applies a new `code`
    only together with another change (alicloud-api.md §5), so a code change must change the config.
    """
    loc = locations(settings, naming)
    names = function_names(naming)
    fan, play = settings.fan_out, settings.playback
    variables = {
        "INPUT_BUCKET": loc.input_bucket,
        "INPUT_PREFIX": loc.input_prefix,
        "OUTPUT_BUCKET": loc.output_bucket,
        "OUTPUT_PREFIX": loc.output_prefix,
        **settings.transcode.env_vars(),
        "SPLIT_SEGMENT_SECONDS": str(fan.part_seconds),
        "MAX_PARALLEL_PARTS": str(fan.parallel_parts_per_replay),
        "WORKER_FUNCTION": names["worker"],
        "MERGE_FUNCTION": names["transcoder"],
        "STALE_AFTER_SECONDS": str(stale_after_seconds(settings)),
        "SOURCE_URL_TTL_SECONDS": str(source_url_ttl_seconds(settings)),
        "CODE_SHA256": code_sha256,
    }
    if play.base_url:
        variables.update({"PLAYBACK_BASE_URL": play.base_url, "PLAYBACK_URL_TTL_SECONDS": str(play.url_ttl_seconds),
                          "PLAYBACK_AUTH_DELTA_SECONDS": str(play.auth_delta_seconds)})
    if play.url_auth_key_secret:
        variables["PLAYBACK_AUTH_SECRET_NAME"] = auth_key_secret_name(naming)
    try:  # the function's own parser judges the whole environment, as it will at run time
        Settings.from_env(variables)
    except SettingsError as exc:
        raise ValueError(f"media: the transcoder would refuse its environment: {exc}") from None
    check_fc_environment(variables)
    return variables


def check_fc_environment(variables: dict[str, str]) -> None:
    """FC rules for environment variables: names are letters, digits and `_` starting with a letter,
    `FC_*` is reserved, and all of them together stay within 4 KB."""
    for name in variables:
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) or name.startswith("FC_"):
            raise ValueError(f"environment variable {name!r} is not allowed by Function Compute")
    size = sum(len(k.encode()) + len(v.encode()) for k, v in variables.items())
    if size > FC_ENV_LIMIT_BYTES:
        raise ValueError(f"the function's environment is {size} bytes; Function Compute allows {FC_ENV_LIMIT_BYTES}")
