"""Settings of one microservice of the stack config (`livecommerce:platform.services[]`), and the live-event
calendar entries (`livecommerce:platform.live_events[]`).

A service is a business back end (`shop`, `order`, ...) that runs one Deployment per *version*: the base
version (no tag) carries the everyday traffic and is sized by its HPA; tagged versions (`gray`, ...) are
fixed-size canaries that MSE tag routing and the entry's canary rules send chosen requests to.

Pure data (pydantic, no Pulumi): the component `components/workloads/microservices.py` turns it into
Kubernetes objects. Every field has a docstring: it is the config reference and the JSON Schema
description. Defaults are the production choice; dev stacks override downward.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from components.governance.labels import MSE_READINESS_PATH, MSE_READINESS_PORT
from components.governance.settings import LosslessSettings, ServiceGovernance
from components.secrets import SecretRef
from components.workloads.scheduling_settings import LiveEvent, SchedulingSettings

# Kubernetes names built from these (Deployment, Service, HPA...) must be DNS-1123/1035 labels.
_DNS_LABEL = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"
# A version name as people write it ("v1", "v1.1"); dots become dashes in object names.
_VERSION_NAME = r"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$"
# A Kubernetes label value (the tag goes into `alicloud.service.tag`).
_LABEL_VALUE = r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# Plain `env` values must not look like credentials (policy K8S-07): those go through `env_secrets`.
_SECRET_LIKE = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_KEY|ACCESS_KEY|API_KEY)", re.I)
_DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_REPOSITORY = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)*(/[a-z0-9]+([._-][a-z0-9]+)*)*$")
_REGISTRY = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$")
# Ports the pod must keep free: the MSE agent's lossless readiness endpoint (platform facts 4.3).


def check_image(image: str) -> str:
    """Return ``image`` if it is pinned by a tag (not ``latest``) or a ``sha256`` digest; else raise
    ValueError saying how to pin it. A moving reference makes rollouts and rollbacks unreproducible, and
    two pods of one Deployment could run different code (policy K8S-03)."""
    example = "e.g. registry.cn-hangzhou.aliyuncs.com/livecommerce/shop:1.4.2 or ...@sha256:<64 hex>"
    if not image or image != image.strip() or " " in image:
        raise ValueError(f"image {image!r} is not an image reference; {example}")
    name, _, digest = image.partition("@")
    if digest and not _DIGEST.match(digest):
        raise ValueError(f"image {image!r}: the digest must be sha256:<64 lowercase hex>; {example}")
    last = name.rsplit("/", 1)[-1]
    tag = last.partition(":")[2] if ":" in last else ""
    repo = name[: len(name) - len(tag) - 1] if tag else name
    parts = repo.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        registry, path = parts[0], "/".join(parts[1:])
        if not _REGISTRY.match(registry):
            raise ValueError(f"image {image!r}: {registry!r} is not a registry host; {example}")
    else:
        path = repo
    if not _REPOSITORY.match(path):
        raise ValueError(f"image {image!r}: repository {path!r} must be lowercase letters, digits and ._-/; {example}")
    if tag and not _TAG.match(tag):
        raise ValueError(f"image {image!r}: tag {tag!r} is not a valid tag; {example}")
    if tag == "latest":
        raise ValueError(f"image {image!r}: `latest` moves under you; pin a release tag or a digest ({example})")
    if not tag and not digest:
        raise ValueError(f"image {image!r} has no tag or digest (it would pull `latest`); pin one ({example})")
    return image


def version_slug(version: str) -> str:
    """The version name as it appears in Kubernetes object names (`v1.1` -> `v1-1`)."""
    return version.replace(".", "-")


class ServiceVersion(BaseModel):
    """One version of a service: its own Deployment."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=_VERSION_NAME, max_length=20)
    """Version name, e.g. `v1` or `v1.1`; unique in the service. Becomes the `app.kubernetes.io/version` label
    and (dots as dashes) part of the Deployment's name, so renaming it replaces the Deployment."""
    image: str
    """Container image pinned by tag or digest, e.g. `registry.cn-hangzhou.aliyuncs.com/lc/shop:1.4.2`;
    `latest` and untagged references are rejected."""
    replicas: int | None = Field(default=None, ge=1, le=1000)
    """Fixed replica count of a *tagged* version (default 1). The base version must leave it unset: its
    HPA (`scheduling.autoscaling`) owns the count."""
    tag: str | None = Field(default=None, pattern=_LABEL_VALUE, max_length=63)
    """MSE tag of this version (e.g. `gray`), set as the pod label `alicloud.service.tag`; requests are
    routed to it by MSE tag routing and the entry's canary rules. Unset (null) for the base version."""

    @field_validator("image")
    @classmethod
    def _pinned(cls, image: str) -> str:
        return check_image(image)

    @property
    def slug(self) -> str:
        """`name` with dots as dashes, for Kubernetes object names."""
        return version_slug(self.name)


class ContainerResources(BaseModel):
    """CPU and memory of the service's container (also what ECI sizes a burst pod from)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    cpu_request_millicores: int = Field(default=500, ge=10, le=64000)
    """CPU reserved per pod, in millicores (1000 = one vCPU); the HPA's utilization is a percent of it."""
    memory_request_mib: int = Field(default=1024, ge=16, le=262144)
    """Memory reserved per pod, in MiB."""
    cpu_limit_millicores: int | None = Field(default=2000, ge=10, le=64000)
    """CPU cap per pod in millicores; null means no cap (the pod may use idle CPU on its node)."""
    memory_limit_mib: int = Field(default=2048, ge=16, le=262144)
    """Memory cap per pod in MiB; the pod is OOM-killed above it. Always set (policy K8S-01)."""

    @model_validator(mode="after")
    def _limits_cover_requests(self) -> ContainerResources:
        if self.cpu_limit_millicores is not None and self.cpu_limit_millicores < self.cpu_request_millicores:
            raise ValueError(
                f"cpu_limit_millicores ({self.cpu_limit_millicores}) is below cpu_request_millicores "
                f"({self.cpu_request_millicores}); raise the limit or lower the request"
            )
        if self.memory_limit_mib < self.memory_request_mib:
            raise ValueError(
                f"memory_limit_mib ({self.memory_limit_mib}) is below memory_request_mib "
                f"({self.memory_request_mib}); raise the limit or lower the request"
            )
        return self


class ProbeSettings(BaseModel):
    """The service's own health endpoints (HTTP GET on the container)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    readiness_path: str = Field(default="/health/readiness", pattern=r"^/\S*$")
    """Path answering 2xx/3xx when the pod can take traffic. With MSE lossless start the MSE agent's
    readiness endpoint is probed instead (`governance.lossless.mse_readiness_probe`)."""
    liveness_path: str = Field(default="/health/liveness", pattern=r"^/\S*$")
    """Path answering 2xx/3xx while the process is healthy; failing it restarts the container."""
    port: int | None = Field(default=None, ge=1, le=65535)
    """Port of the health endpoints; null (default) means the service `port`."""
    period_seconds: int = Field(default=10, ge=1, le=300)
    """Seconds between probes."""
    timeout_seconds: int = Field(default=2, ge=1, le=60)
    """Seconds a probe may take before it counts as failed."""
    failure_threshold: int = Field(default=3, ge=1, le=30)
    """Consecutive failures before the pod is marked unready (readiness) or restarted (liveness)."""
    startup_seconds: int = Field(default=120, ge=5, le=3600)
    """Longest a pod may take to start before liveness applies (a startup probe on the liveness path);
    keeps slow JVM starts from being killed without slowing detection of hangs later."""


class SecretEnv(BaseModel):
    """An environment variable whose value is secret; exactly one source."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=_ENV_NAME.pattern, max_length=128)
    """The environment variable, e.g. `DB_PASSWORD`."""
    value_secret: SecretRef | None = None
    """Name of the secret config key `livecommerce:<name>` holding the value (`pulumi config set --secret
    livecommerce:<name> ...`). It is stored in the service's Kubernetes Secret `<service>-env`, never in the
    Deployment, and stays secret in previews and state."""
    kubernetes_secret: str | None = Field(default=None, pattern=r"^[a-z0-9]([-.a-z0-9]*[a-z0-9])?$")
    """Name of an existing Kubernetes Secret in the service's namespace (e.g. synced from KMS by
    ack-secret-manager) to read the value from; the value never passes through Pulumi."""
    kubernetes_secret_key: str | None = Field(default=None, pattern=r"^[-._A-Za-z0-9]+$")
    """The key inside `kubernetes_secret`; defaults to `name`."""

    @model_validator(mode="after")
    def _one_source(self) -> SecretEnv:
        if (self.value_secret is None) == (self.kubernetes_secret is None):
            raise ValueError(
                f"env_secrets {self.name}: set exactly one of value_secret (a Pulumi secret config "
                "key) or kubernetes_secret (an existing Kubernetes Secret)"
            )
        if self.kubernetes_secret_key is not None and self.kubernetes_secret is None:
            raise ValueError(f"env_secrets {self.name}: kubernetes_secret_key needs kubernetes_secret")
        return self


class CanaryRoute(BaseModel):
    """Send chosen requests at the entry to a tagged version (MSE Ingress canary rules)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    version: str = Field(pattern=_VERSION_NAME)
    """The tagged version that receives the matching requests (one of the service's `versions`)."""
    header: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][-A-Za-z0-9_]*$", max_length=64)
    """Route requests carrying this header (e.g. `x-mse-tag`). Without `header_value` the value `always`
    routes to the canary and `never` away from it."""
    header_value: str | None = Field(default=None, min_length=1, max_length=128)
    """Route only when `header` has exactly this value (e.g. `gray`)."""
    cookie: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]+$", max_length=64)
    """Route requests whose cookie of this name is `always` (an opt-in for testers)."""
    weight_percent: int | None = Field(default=None, ge=0, le=100)
    """Percent of the remaining requests sent to the version. Header beats cookie beats weight."""

    @model_validator(mode="after")
    def _has_a_rule(self) -> CanaryRoute:
        if self.header is None and self.cookie is None and self.weight_percent is None:
            raise ValueError(f"canary for {self.version}: set header, cookie or weight_percent")
        if self.header_value is not None and self.header is None:
            raise ValueError(f"canary for {self.version}: header_value needs header")
        return self


class EntrySettings(BaseModel):
    """How the service is reached from outside the cluster: MSE Ingress (IngressClass `mse`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    path: str | None = Field(default=None, pattern=r"^/[A-Za-z0-9/_.-]*$")
    """URL path prefix the gateway sends to the service; null (default) means `/api/<service>`."""
    host: str | None = Field(
        default=None, pattern=r"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$"
    )
    """Host name the rule matches (e.g. `api.live.example.com`); null matches any host."""
    canaries: list[CanaryRoute] = Field(default_factory=list)
    """Canary rules, one per tagged version; empty sends everything to the base version."""


class ServiceSettings(BaseModel):
    """One microservice: its versions, size, health checks, configuration, placement and routing."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=_DNS_LABEL, max_length=40)
    """Service name, e.g. `shop`; the Kubernetes Service's name and the stem of its other objects."""
    domain: str = Field(pattern=_DNS_LABEL, max_length=40)
    """Business domain, e.g. `trade`; services of a domain share its Kubernetes namespace `<domain>`."""
    live_facing: bool = False
    """Whether viewers of a live stream hit the service directly: live-facing services scale up ahead of
    every live event (a CronHPA from `live_events`)."""
    port: int = Field(default=8080, ge=1024, le=65535)
    """Port the container listens on (unprivileged: the container runs as non-root); the Service exposes
    it on the same number."""
    versions: list[ServiceVersion] = Field(min_length=1)
    """The versions running side by side: exactly one without a tag (the base), any number tagged."""
    resources: ContainerResources = ContainerResources()
    """CPU and memory per pod."""
    probes: ProbeSettings = ProbeSettings()
    """Readiness and liveness endpoints."""
    env: dict[str, str] = Field(default_factory=dict)
    """Plain environment variables (non-secret); names that look like credentials are rejected."""
    env_secrets: list[SecretEnv] = Field(default_factory=list)
    """Secret environment variables, read from a Pulumi secret or an existing Kubernetes Secret."""
    run_as_user: int = Field(default=10001, ge=1000, le=2147483647)
    """Non-root UID the container runs as (the image must not need root)."""
    termination_grace_seconds: int = Field(default=60, ge=10, le=600)
    """Seconds a stopping pod gets to drain; 60 matches what ack-onepilot sets for lossless shutdown."""
    scheduling: SchedulingSettings = SchedulingSettings()
    """Placement (`ecs-first` default, `ecs-only`, `eci-only`), ECI options and the HPA."""
    governance: ServiceGovernance = ServiceGovernance()
    """MSE governance, ARMS monitoring and lossless start/shutdown labels."""
    entry: EntrySettings | None = None
    """Expose the service at the gateway (MSE Ingress) with optional canary rules; null keeps it internal."""
    live_event_peaks: dict[str, int] = Field(default_factory=dict)
    """Per live event (by name), this service's peak replicas, overriding the event's `peak_replicas`."""

    @field_validator("env")
    @classmethod
    def _plain_env(cls, env: dict[str, str]) -> dict[str, str]:
        for key in env:
            if not _ENV_NAME.match(key):
                raise ValueError(f"env {key!r} is not a valid variable name (letters, digits, _; not first a digit)")
            if _SECRET_LIKE.search(key):
                raise ValueError(
                    f"env {key!r} looks like a credential; move it to env_secrets so its value "
                    "never appears in the Deployment"
                )
        return env

    @field_validator("live_event_peaks")
    @classmethod
    def _peaks(cls, peaks: dict[str, int]) -> dict[str, int]:
        for event, peak in peaks.items():
            if not 1 <= peak <= 1000:
                raise ValueError(f"live_event_peaks {event!r}: {peak} must be between 1 and 1000")
        return peaks

    @model_validator(mode="after")
    def _versions_and_routes(self) -> ServiceSettings:
        errors: list[str] = []
        base = [v.name for v in self.versions if v.tag is None]
        if len(base) != 1:
            errors.append(
                f"versions: exactly one version must have no tag (the base), got {len(base)}"
                + (f" ({', '.join(base)})" if base else "; remove the tag of the stable version")
            )
        slugs = [v.slug for v in self.versions]
        dupes = sorted({s for s in slugs if slugs.count(s) > 1})
        if dupes:
            errors.append(f"versions: names must be unique (dots count as dashes): {', '.join(dupes)}")
        tags = [v.tag for v in self.versions if v.tag is not None]
        dupe_tags = sorted({t for t in tags if tags.count(t) > 1})
        if dupe_tags:
            errors.append(f"versions: tags must be unique, repeated: {', '.join(dupe_tags)}")
        for v in self.versions:
            if v.tag is None and v.replicas is not None:
                errors.append(
                    f"versions {v.name}: the base version is sized by scheduling.autoscaling "
                    "(min_replicas/max_replicas); remove replicas"
                )
        env_names = [e.name for e in self.env_secrets]
        clash = sorted(set(env_names) & set(self.env) | {n for n in env_names if env_names.count(n) > 1})
        if clash:
            errors.append(f"env_secrets: {', '.join(clash)} defined twice (in env or env_secrets)")
        by_name = {v.name: v for v in self.versions}
        if self.entry is not None:
            seen: set[str] = set()
            for route in self.entry.canaries:
                version = by_name.get(route.version)
                if version is None:
                    errors.append(
                        f"entry.canaries: version {route.version!r} is not one of the versions ({', '.join(by_name)})"
                    )
                elif version.tag is None:
                    errors.append(
                        f"entry.canaries: {route.version} is the base version; canaries route to a tagged version"
                    )
                if route.version in seen:
                    errors.append(f"entry.canaries: {route.version} has two canary rules; merge them")
                seen.add(route.version)
            total = sum(r.weight_percent or 0 for r in self.entry.canaries)
            if total > 100:
                errors.append(f"entry.canaries: weights add up to {total}%, more than 100%")
        probe_port = self.probes.port or self.port
        if probe_port == MSE_READINESS_PORT or self.port == MSE_READINESS_PORT:
            errors.append(f"port: {MSE_READINESS_PORT} is the MSE agent's readiness port; use another")
        if errors:
            raise ValueError("\n".join(errors))
        return self

    @property
    def base_version(self) -> ServiceVersion:
        """The version without a tag (validated to be exactly one)."""
        return next(v for v in self.versions if v.tag is None)

    @property
    def entry_path(self) -> str | None:
        """The gateway path prefix, or None for an internal service."""
        if self.entry is None:
            return None
        return self.entry.path or f"/api/{self.name}"


class LiveEventSettings(LiveEvent):
    """A live stream in the calendar: live-facing services hold their peak from warm-up to cool-down."""

    services: list[str] = Field(default_factory=list)
    """Live-facing services to scale for this event; empty (default) means every live-facing service."""


def events_for(service: ServiceSettings, events: Sequence[LiveEventSettings]) -> list[LiveEvent]:
    """The calendar as `service` sees it: the events that target it, with its own peak if it set one.

    Returns plain `LiveEvent`s for the scheduling library; a service that is not live-facing gets none.
    """
    if not service.live_facing:
        return []
    out: list[LiveEvent] = []
    for event in events:
        if event.services and service.name not in event.services:
            continue
        fields = {k: getattr(event, k) for k in LiveEvent.model_fields}
        fields["peak_replicas"] = service.live_event_peaks.get(event.name, event.peak_replicas)
        out.append(LiveEvent.model_validate(fields))
    return out


def workload_problems(
    services: Sequence[ServiceSettings], events: Sequence[LiveEventSettings]
) -> list[str]:
    """Rules across services and events (lines `key: problem; fix`, keys relative to livecommerce:platform).

    Time-independent only: events in the past or too far ahead are checked when the program runs
    (scheduling.cron_jobs), since validating a stack file must not depend on today's date.
    """
    errors: list[str] = []
    names = [s.name for s in services]
    for dupe in sorted({n for n in names if names.count(n) > 1}):
        errors.append(f"services: {dupe!r} is defined twice; service names must be unique")
    live = {s.name for s in services if s.live_facing}
    event_names = [e.name for e in events]
    for dupe in sorted({n for n in event_names if event_names.count(n) > 1}):
        errors.append(f"live_events: {dupe!r} is defined twice; event names must be unique")
    for i, event in enumerate(events):
        for target in event.services:
            if target not in live:
                why = "is not live-facing" if target in names else "is not a service"
                errors.append(f"live_events[{i}].services: {target!r} {why}; name live-facing services only")
    for i, service in enumerate(services):
        for event_name in service.live_event_peaks:
            if event_name not in event_names:
                errors.append(f"services[{i}].live_event_peaks: no live event named {event_name!r}")
        auto = service.scheduling.autoscaling
        for event in events_for(service, events):
            if event.peak_replicas > auto.max_replicas:
                errors.append(
                    f"services[{i}].scheduling.autoscaling.max_replicas: {service.name}: live event {event.name!r} "
                    f"peaks at {event.peak_replicas} replicas, above max_replicas "
                    f"{auto.max_replicas}; raise max_replicas or set live_event_peaks"
                )
            if event.peak_replicas < auto.min_replicas:
                errors.append(
                    f"services[{i}].live_event_peaks: {service.name}: live event {event.name!r} peaks at "
                    f"{event.peak_replicas} replicas, below min_replicas {auto.min_replicas}; raise "
                    "the peak"
                )
    return errors


def with_mse_namespace(services: Sequence[ServiceSettings], namespace: str) -> list[ServiceSettings]:
    """The services with `governance.mse_namespace` filled in from the stack's namespace where unset.

    The workloads write it as the `mseNamespace` pod label; resolving it here keeps one source of truth.
    """
    out = []
    for s in services:
        if s.governance.mse_namespace is None:
            gov = s.governance.model_copy(update={"mse_namespace": namespace})
            s = s.model_copy(update={"governance": gov})
        out.append(s)
    return out


__all__ = [
    "CanaryRoute",
    "ContainerResources",
    "EntrySettings",
    "ServiceGovernance",
    "LiveEventSettings",
    "LosslessSettings",
    "MSE_READINESS_PATH",
    "MSE_READINESS_PORT",
    "ProbeSettings",
    "SecretEnv",
    "ServiceSettings",
    "ServiceVersion",
    "check_image",
    "events_for",
    "version_slug",
    "with_mse_namespace",
    "workload_problems",
]
