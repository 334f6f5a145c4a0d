"""Settings of the delivery block (plain data, validated by pydantic; no Pulumi Outputs in here)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from components.delivery.permissions import GITHUB_FINGERPRINTS, GITHUB_ISSUER, STS_AUDIENCE

# OSS bucket names: 3-63 characters, lowercase letters, digits and hyphens, starting and ending with a
# letter or digit (OSS naming rules).
BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
REPOSITORY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")
FINGERPRINT_RE = re.compile(r"^[0-9a-fA-F]{40}$")
NAME_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")
# GitHub Actions runner 2.337.0 for Linux x64 (actions/runner release assets); the runner updates
# itself afterwards, so the pin only decides what the first boot installs.
RUNNER_VERSION = "2.337.0"
RUNNER_SHA256 = "70920811a4f8ad4328818682bca5c6469c1c942fab52448868071d0063816613"

_FROZEN = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class StateBackendSettings(BaseModel):
    """The OSS bucket that holds every stack's Pulumi state (a self-managed, S3-compatible backend)."""

    model_config = _FROZEN

    bucket: str
    """The state bucket's name: globally unique, 3-63 lowercase letters, digits and hyphens."""
    redundancy: Literal["ZRS", "LRS"] = "ZRS"
    """ZRS keeps the state readable through a zone outage; LRS only where ZRS is not offered."""
    noncurrent_version_days: int = Field(default=365, ge=1, le=3650)
    """How long a superseded state version is kept (each `pulumi up` makes one); older ones expire."""
    abort_multipart_days: int = Field(default=7, ge=1, le=365)
    """Incomplete multipart uploads older than this are removed."""
    access_logging: bool = True
    """Write OSS access logs of the state bucket into a companion `<bucket>-logs` bucket (who read the state)."""
    access_log_days: int = Field(default=180, ge=1, le=3650)
    """How long access logs are kept."""
    deletion_protection: bool = True
    """`protect` the buckets: `pulumi destroy` of the bootstrap stack must never take the state with it."""

    @field_validator("bucket")
    @classmethod
    def _bucket_name(cls, value: str) -> str:
        if not BUCKET_RE.match(value) or "--" in value:
            raise ValueError(f"{value!r} is not a valid OSS bucket name: 3-63 lowercase letters, digits and "
                             "hyphens, starting and ending with a letter or digit")
        if len(value) > 58:
            raise ValueError(f"{value!r}: at most 58 characters, so that `<bucket>-logs` is a valid name too")
        return value


class GithubSettings(BaseModel):
    """The GitHub repository whose Actions deploy the platform, and its OIDC issuer as RAM knows it."""

    model_config = _FROZEN

    repository: str
    """`OWNER/REPO` on GitHub; the trust policies allow this repository only."""
    issuer_url: str = GITHUB_ISSUER
    """The OIDC issuer of GitHub Actions tokens (GitHub Enterprise Server: `https://HOST/_services/token`)."""
    client_ids: list[str] = Field(default_factory=lambda: [STS_AUDIENCE], min_length=1)
    """Audiences RAM accepts; the credentials action asks for `sts.aliyuncs.com`."""
    fingerprints: list[str] = Field(default_factory=lambda: list(GITHUB_FINGERPRINTS), min_length=1, max_length=5)
    """SHA-1 fingerprints (40 hex digits) of the issuer's HTTPS CA certificate; RAM takes at most 5."""
    provider_name: str = Field(default="github-actions", min_length=1, max_length=128)
    """The RAM OIDC provider's name (one per account and issuer)."""
    session_seconds: int = Field(default=3600, ge=3600, le=43200)
    """How long CI credentials last (RAM role `max_session_duration`: 3600-43200 s)."""

    @field_validator("repository")
    @classmethod
    def _repository(cls, value: str) -> str:
        if not REPOSITORY_RE.match(value):
            raise ValueError(f"{value!r} is not OWNER/REPO (e.g. example-org/livecommerce)")
        return value

    @field_validator("issuer_url")
    @classmethod
    def _https(cls, value: str) -> str:
        if not value.startswith("https://") or value.endswith("/"):
            raise ValueError(f"{value!r}: an OIDC issuer is an https:// URL without a trailing slash")
        return value

    @field_validator("fingerprints")
    @classmethod
    def _fingerprints(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not FINGERPRINT_RE.match(v)]
        if bad:
            raise ValueError(f"{bad[0]!r} is not a SHA-1 fingerprint (40 hex digits, no colons)")
        return [v.lower() for v in value]


class RunnerSettings(BaseModel):
    """The self-hosted GitHub Actions runner inside an environment's VPC (reaches the private API server)."""

    model_config = _FROZEN

    enabled: bool = True
    """Place a runner host in the environment's VPC. Needs the environment's stack to exist (its VPC)."""
    instance_type: str = Field(default="ecs.g7.large", pattern=r"^ecs\.")
    """ECS instance type of the runner host (2 vCPU / 8 GiB runs a full `pulumi up`)."""
    system_disk_gib: int = Field(default=80, ge=40, le=2048)
    """System disk size (the runner keeps Python, Pulumi plugins and one checkout per job)."""
    image_name_regex: str = "^ubuntu_24_04_x64"
    """Which public image the first boot uses (newest match); later image releases do not replace the host."""
    runner_version: str = Field(default=RUNNER_VERSION, pattern=r"^\d+\.\d+\.\d+$")
    """The actions/runner release the first boot installs (it updates itself afterwards)."""
    runner_sha256: str = Field(default=RUNNER_SHA256, pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of `actions-runner-linux-x64-<runner_version>.tar.gz`, checked before it is unpacked."""
    labels: list[str] = Field(default_factory=list)
    """Extra runner labels; every runner also has `self-hosted`, `linux`, `x64` and `livecommerce-<env>`."""
    token_secret: str | None = None
    """Name of the secret config key holding a registration token (default `ci-runner-token-<env>`):
    `gh api -X POST repos/OWNER/REPO/actions/runners/registration-token --jq .token |
    pulumi config set --secret livecommerce:ci-runner-token-<env>` right before `pulumi up`."""
    deletion_protection: bool = True
    """ECS deletion protection on the runner host."""

    @field_validator("labels")
    @classmethod
    def _labels(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not re.match(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", v)]
        if bad:
            raise ValueError(f"runner label {bad[0]!r}: letters, digits, '.', '_' and '-' only")
        return value


class EnvironmentCiSettings(BaseModel):
    """How CI reaches one environment of the platform (a stack of the main project)."""

    model_config = _FROZEN

    name_prefix: str | None = None
    """Prefix of the environment's physical RAM role, policy and OSS bucket names (default
    `livecommerce-<env>`); its deploy role may manage only names under it."""
    attached: bool = True
    """The environment's stack exists: place its runner in its VPC (read through a stack reference). Set
    false for the very first bootstrap, before the environment's first deploy (docs/bootstrap.md)."""
    platform_stack: str | None = None
    """The environment's stack as a stack reference (default `organization/livecommerce/<env>`, the name a
    self-managed backend gives it)."""
    runner: RunnerSettings = RunnerSettings()
    """The in-VPC runner for jobs that apply Kubernetes objects to the private API server."""

    @field_validator("name_prefix")
    @classmethod
    def _prefix(cls, value: str | None) -> str | None:
        if value is not None and not NAME_PREFIX_RE.match(value):
            raise ValueError(f"{value!r}: lowercase letters, digits and hyphens, 3-42 characters")
        return value

    def prefix(self, env: str) -> str:
        """The physical-name prefix the deploy role is scoped to."""
        return self.name_prefix or f"livecommerce-{env}"

    def stack_reference(self, env: str) -> str:
        """The environment's stack, as `pulumi.StackReference` names it."""
        return self.platform_stack or f"organization/livecommerce/{env}"

    def token_key(self, env: str) -> str:
        """The secret config key of the runner's registration token."""
        return self.runner.token_secret or f"ci-runner-token-{env}"
