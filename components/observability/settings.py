"""Settings of full-stack observability (`livecommerce:platform.observability`): who gets paged, how,
with which thresholds; metrics and log retention; synthetic probes; front-end RUM apps.

Pure data (pydantic, no Pulumi). Secrets never enter this model: phone numbers, the DingTalk robot
webhook and generic webhook URLs are named by `SecretRef` fields (the NAME of a
`livecommerce:<name>` secret config key, set with `pulumi config set --secret`; components/secrets.py).

Defaults are the production choice (strict thresholds, long retention, critical alerts by SMS +
DingTalk + webhook at any hour); smaller stacks override downward, explicitly.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from components.secrets import SecretRef

Severity = Literal["critical", "warning"]
SEVERITIES: tuple[Severity, ...] = ("critical", "warning")
Channel = Literal["sms", "email", "dingTalk", "webhook"]
_SLUG = r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$"
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class ContactSettings(_Model):
    """A person ARMS pages (an `arms.AlertContact`)."""

    name: str = Field(pattern=_SLUG)
    """Short kebab-case key, e.g. `oncall-primary`; names the contact in ARMS and in notification policies."""
    phone_secret: SecretRef | None = None
    """Name of the `livecommerce:<name>` secret holding the phone number for SMS (phone numbers are
    personal data: they stay secret in previews, plans and state)."""
    email: str | None = None
    """E-mail address for the `email` channel."""

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL.match(value):
            raise ValueError(f"{value!r} is not an e-mail address")
        return value

    @model_validator(mode="after")
    def _reachable(self) -> ContactSettings:
        if self.phone_secret is None and self.email is None:
            raise ValueError(f"contact {self.name}: set phone_secret (SMS) or email; ARMS needs at least one")
        return self


class DingTalkSettings(_Model):
    """The team's DingTalk group robot (an `arms.AlertRobot`)."""

    name: str = Field(default="dingtalk", pattern=_SLUG)
    """Key of the robot in ARMS and notification policies."""
    webhook_secret: SecretRef
    """Name of the `livecommerce:<name>` secret holding the robot's webhook URL (it embeds the access token)."""
    daily_report: bool = False
    """Post ARMS's daily alert summary to the group."""
    daily_report_times: list[str] = Field(default_factory=lambda: ["09:30"], min_length=1, max_length=24)
    """When the daily summary is posted (`HH:MM`, the account's time zone), used with `daily_report`; ARMS
    requires at least one time when the summary is on."""

    @field_validator("daily_report_times")
    @classmethod
    def _times(cls, times: list[str]) -> list[str]:
        for value in times:
            if not re.match(r"^([01]\d|2[0-3]):[0-5]\d$", value):
                raise ValueError(f"{value!r} is not a time of day; use HH:MM, e.g. 09:30")
        if len(set(times)) != len(times):
            raise ValueError("list each time once")
        return sorted(times)


class WebhookSettings(_Model):
    """A generic HTTP webhook (incident tool, chat bridge) alerts are posted to."""

    name: str = Field(pattern=_SLUG)
    """Key of the webhook in ARMS and notification policies."""
    url_secret: SecretRef
    """Name of the `livecommerce:<name>` secret holding the URL (webhook URLs usually carry a token)."""
    method: Literal["Post", "Get"] = "Post"
    """HTTP method ARMS calls it with."""


class RouteSettings(_Model):
    """How alerts of one severity reach people."""

    channels: list[Channel] = Field(min_length=1)
    """Channels used: `sms` and `email` go to the contacts, `dingTalk` to the robot, `webhook` to the webhooks."""
    hours: Literal["always", "working"] = "always"
    """`always`: any hour; `working`: only inside `routing.working_hours_*`."""

    @field_validator("channels")
    @classmethod
    def _distinct(cls, channels: list[str]) -> list[str]:
        if len(set(channels)) != len(channels):
            raise ValueError("each channel at most once")
        return channels


def _default_routes() -> dict[str, RouteSettings]:
    return {
        "critical": RouteSettings(channels=["sms", "dingTalk", "webhook"], hours="always"),
        "warning": RouteSettings(channels=["dingTalk"], hours="working"),
    }


class RoutingSettings(_Model):
    """Notification policies (`arms.DispatchRule`): one per severity, matched on the `severity` label."""

    routes: dict[Severity, RouteSettings] = Field(default_factory=_default_routes)
    """Route per severity; every severity must have one that reaches a contact, robot or webhook."""
    working_hours_start: str = "09:00"
    """Start of working hours (HH:MM, the ARMS account's time zone) for `hours: working` routes."""
    working_hours_end: str = "23:00"
    """End of working hours (HH:MM). Live streams run into the evening, so the default is late."""
    group_wait_seconds: int = Field(default=10, ge=5, le=600)
    """How long ARMS waits to batch the first alerts of a new group."""
    group_interval_seconds: int = Field(default=60, ge=5, le=3600)
    """How long ARMS waits before notifying about new alerts added to an existing group."""
    repeat_interval_seconds: int = Field(default=600, ge=61, le=86400)
    """How often a still-firing alert is re-sent (ARMS minimum 61)."""
    grouping_fields: list[str] = Field(default_factory=lambda: ["alertname", "service"], min_length=1)
    """Labels alerts are grouped by into one notification."""

    @field_validator("working_hours_start", "working_hours_end")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError(f"{value!r} is not a time of day; use HH:MM, e.g. 09:00")
        return value

    @model_validator(mode="after")
    def _window(self) -> RoutingSettings:
        missing = [s for s in SEVERITIES if s not in self.routes]
        if missing:
            raise ValueError(f"routes: add a route for {', '.join(missing)}; every severity must reach someone")
        if self.working_hours_start >= self.working_hours_end:
            raise ValueError(f"working_hours_start ({self.working_hours_start}) must be before "
                             f"working_hours_end ({self.working_hours_end})")
        return self


class ThresholdSettings(_Model):
    """Alert thresholds of this environment's tier (defaults: production, strict)."""

    error_rate_percent: float = Field(default=1.0, gt=0, le=100)
    """Service HTTP error rate (percent of requests, 5 minutes) above which it pages (critical)."""
    latency_p99_ms: int = Field(default=800, ge=10, le=600000)
    """Service p99 latency in ms (5 minutes) above which it warns."""
    cpu_percent_of_limit: int = Field(default=85, ge=1, le=1000)
    """Pod CPU use as a percent of its limit (of its request when it has no limit) above which it warns."""
    memory_percent_of_limit: int = Field(default=90, ge=1, le=100)
    """Pod memory working set as a percent of its limit above which it warns (OOM kill at 100)."""
    restarts_per_15m: int = Field(default=2, ge=0, le=1000)
    """Container restarts of a service within 15 minutes above which it warns."""
    not_ready_minutes: int = Field(default=5, ge=1, le=120)
    """Minutes a Deployment may have unavailable replicas before it pages (critical)."""
    hpa_at_max_minutes: int = Field(default=5, ge=1, le=120)
    """Minutes an HPA may sit at its max replicas before it alerts: the live-stream peak outgrew capacity."""
    eci_pending_minutes: int = Field(default=3, ge=1, le=60)
    """Minutes a pod may stay Pending on an ECI virtual node (burst capacity failing) before it pages."""
    node_pool_full_minutes: int = Field(default=10, ge=1, le=240)
    """Minutes a node pool may sit at its max size before it warns."""
    node_memory_available_percent: int = Field(default=10, ge=1, le=90)
    """Node available memory percent below which it warns (or MemoryPressure is reported)."""
    node_disk_available_percent: int = Field(default=15, ge=1, le=90)
    """Node root-disk free percent below which it warns (or DiskPressure is reported)."""
    function_errors_per_10m: int = Field(default=0, ge=0, le=100000)
    """Function errors within 10 minutes above which it pages (critical)."""
    function_throttles_per_10m: int = Field(default=0, ge=0, le=100000)
    """Throttled function invocations within 10 minutes above which it warns."""
    function_duration_percent_of_timeout: int = Field(default=80, ge=1, le=100)
    """Function max duration as a percent of its timeout above which it warns (transcodes near the kill)."""
    mq_consumer_lag_seconds: int = Field(default=60, ge=1, le=86400)
    """RocketMQ consumer lag (age of the oldest unconsumed message of a group) in seconds above which it warns:
    order events that wait a minute mean orders stuck in a state."""
    mq_backlog_messages: int = Field(default=10000, ge=1, le=100000000)
    """Ready (unconsumed) messages of a consumer group above which it warns."""
    cache_memory_percent: int = Field(default=85, ge=1, le=100)
    """Tair memory use in percent above which it warns (evictions start at the limit)."""
    cache_connection_percent: int = Field(default=80, ge=1, le=100)
    """Tair connections as a percent of the instance's maximum above which it warns."""
    cache_hit_rate_percent: int = Field(default=80, ge=1, le=100)
    """Tair read hit rate in percent below which it warns (a cold or undersized cache loads the database)."""
    cache_latency_ms: float = Field(default=2.0, gt=0, le=10000)
    """Tair average command latency in ms above which it warns."""
    db_cpu_percent: int = Field(default=80, ge=1, le=100)
    """PolarDB CPU use in percent above which it warns."""
    db_connection_percent: int = Field(default=80, ge=1, le=100)
    """PolarDB connections as a percent of the maximum above which it warns."""
    db_slow_queries_per_second: float = Field(default=5, gt=0, le=100000)
    """PolarDB slow queries per second above which it warns."""
    db_replica_lag_seconds: int = Field(default=10, ge=1, le=86400)
    """PolarDB read-only node replication lag in seconds above which it pages in prod (readers see stale orders)."""
    cdn_5xx_percent: float = Field(default=1.0, gt=0, le=100)
    """Share of a CDN domain's responses that are 5xx (percent, 5-minute samples) above which it pages: viewers
    cannot play replays."""
    cdn_origin_5xx_percent: float = Field(default=5.0, gt=0, le=100)
    """Share of a CDN domain's back-to-origin requests answered 5xx (percent) above which it warns (the private
    output bucket refuses the CDN: its role, `l2_oss_key` or the HTTPS origin)."""
    cdn_hit_rate_percent: float = Field(default=80.0, gt=0, le=100)
    """Byte hit rate of a CDN domain (percent) below which it warns: replays are immutable, so misses mean a TTL
    or cache-key problem and origin traffic billed."""
    cdn_hit_rate_min_qps: float = Field(default=5.0, ge=0, le=100000)
    """Requests per second a CDN domain must serve before its hit rate is judged (a quiet night is no alarm)."""


class MetricsSettings(_Model):
    """ARMS managed Prometheus for the ACK cluster and metric agents for registered clusters."""

    retention_days: int = Field(default=90, ge=1, le=3650)
    """Days metrics are stored and queryable (`arms.Prometheus.duration`, the storage period)."""
    archive_days: Literal[0, 60, 90, 180, 365] = 0
    """Days metrics are archived after `retention_days` expire (`arms.Prometheus.archive_duration`): 0 (no
    archive, default), 60, 90, 180 or 365, the only values CreatePrometheusInstance accepts."""
    grafana_instance_id: str = Field(default="free", min_length=1)
    """Grafana workspace bound to the instance; `free` is the shared one."""
    metric_agent_version: str = Field(default="1.1.17", pattern=r"^\d+\.\d+\.\d+$")
    """Version of the `metric-agent` feature installed in each registered cluster's ARMS environment."""


class LogSettings(_Model):
    """The environment's SLS project: application, function and cluster logs."""

    project_prefix: str = Field(default="livecommerce", pattern=r"^[a-z][a-z0-9-]{1,30}$")
    """Start of the SLS project name `<prefix>-<stack>-<region>`; SLS project names are unique across
    Alibaba Cloud, so pick one your organisation owns."""
    retention_days: int = Field(default=180, ge=1, le=3650)
    """Days logs are kept in every logstore (also the control-plane log TTL ACK is given)."""
    shard_count: int = Field(default=4, ge=1, le=64)
    """Initial shards of the application logstore (auto-split grows it under load)."""
    max_shard_count: int = Field(default=64, ge=1, le=256)
    """Upper bound for auto-split of the busy logstores."""


class SyntheticEndpoint(_Model):
    """An extra public URL to probe (besides the services' gateway entries)."""

    name: str = Field(pattern=_SLUG)
    """Key of the probe, e.g. `home`."""
    url: str = Field(pattern=r"^https?://[^\s]+$")
    """The URL probed with GET."""


class ProbeLocation(_Model):
    """One synthetic monitoring point (a city and carrier, codes from the ARMS console's monitor list)."""

    city_code: str = Field(pattern=r"^\d+$")
    """ARMS city code of the monitor."""
    operator_code: str = Field(pattern=r"^\d+$")
    """ARMS carrier (ISP) code of the monitor."""
    client_type: int = Field(default=1, ge=1, le=4)
    """Monitor type (1 data-center IDC monitors)."""


class SyntheticSettings(_Model):
    """HTTP checks of the gateway's public endpoints from several cities (`arms.SyntheticTask`)."""

    enabled: bool = True
    """Run the probes (the tier may require them: stacks/tiers.py)."""
    base_url: str | None = Field(default=None, pattern=r"^https://[a-z0-9.-]+$")
    """Public origin of the gateway, e.g. `https://api.live.example.com`; used for services whose entry
    has no host. Needed when any exposed service has no `entry.host`."""
    check_path: str = Field(default="/health", pattern=r"^/\S*$")
    """Path appended to each service's entry path for the probe (the service answers it through the gateway)."""
    endpoints: list[SyntheticEndpoint] = Field(default_factory=list)
    """Extra URLs to probe."""
    frequency: Literal["1m", "5m", "10m", "15m", "20m", "30m", "1h"] = "1m"
    """How often every location probes."""
    locations: list[ProbeLocation] = Field(default_factory=list)
    """Where the probes run from; at least two distinct cities when enabled."""
    expect_status: int = Field(default=200, ge=100, le=599)
    """HTTP status code every probe must get."""
    max_latency_ms: int = Field(default=2000, ge=10, le=60000)
    """Response time every probe must stay under."""

    @model_validator(mode="after")
    def _cities(self) -> SyntheticSettings:
        if self.enabled and len({loc.city_code for loc in self.locations}) < 2:
            raise ValueError("locations: probes must run from at least two different cities "
                             "(add locations or set enabled: false)")
        return self


class RumAppSettings(_Model):
    """A front end watched by ARMS Real User Monitoring."""

    name: str = Field(pattern=_SLUG)
    """Key of the app, e.g. `h5` or `mini-program`; the stack exports `rum<Name>Pid` and `rum<Name>Endpoint`."""
    site_type: Literal["web", "miniapp"]
    """`web` for browser/H5 front ends, `miniapp` for mini programs."""
    description: str | None = Field(default=None, max_length=256)
    """Shown in the ARMS console."""


class ObservabilitySettings(_Model):
    """Full-stack observability: ARMS metrics, alert rules and routing, synthetic probes, RUM, SLS logs."""

    team: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9-]*$")
    """The `team` label on every alert rule; null means the stack's `owner`."""
    runbook_base_url: str = Field(default="https://runbooks.livecommerce.example.com/alerts",
                                  pattern=r"^https://\S+[^/]$")
    """Runbooks live at `<base>/<signal>`; every alert carries its link in the `runbook` label."""
    contacts: list[ContactSettings] = Field(default_factory=list)
    """People paged by SMS or e-mail."""
    dingtalk: DingTalkSettings | None = None
    """The team's DingTalk robot; null means no DingTalk."""
    webhooks: list[WebhookSettings] = Field(default_factory=list)
    """Generic webhooks alerts are posted to."""
    routing: RoutingSettings = RoutingSettings()
    """Notification policies per severity, grouping and repeat intervals."""
    thresholds: ThresholdSettings = ThresholdSettings()
    """Alert thresholds of this environment's tier."""
    metrics: MetricsSettings = MetricsSettings()
    """Managed Prometheus retention and the registered clusters' metric agent."""
    logs: LogSettings = LogSettings()
    """The SLS project and its logstores."""
    synthetics: SyntheticSettings = SyntheticSettings(enabled=False)
    """Synthetic HTTP probes of the public endpoints (the tier may require them: stacks/tiers.py)."""
    rum: list[RumAppSettings] = Field(default_factory=lambda: [
        RumAppSettings(name="h5", site_type="web", description="H5 storefront and live room"),
        RumAppSettings(name="mini-program", site_type="miniapp", description="Mini-program storefront"),
    ])
    """Front ends watched by RUM (H5 and mini program by default)."""

    @model_validator(mode="after")
    def _unique(self) -> ObservabilitySettings:
        # Whether every route reaches someone is checked per stack (stacks.config): a component
        # built alone in a test may leave people out.
        errors = []
        for what, names in (("contacts", [c.name for c in self.contacts]),
                            ("webhooks", [w.name for w in self.webhooks]),
                            ("rum", [r.name for r in self.rum])):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                errors.append(f"{what}: names must be unique, repeated: {', '.join(dupes)}")
        if errors:
            raise ValueError("\n".join(errors))
        return self


def channel_targets(s: ObservabilitySettings) -> dict[str, list[str]]:
    """Which configured recipients each channel reaches (contact/robot/webhook keys)."""
    return {
        "sms": [c.name for c in s.contacts if c.phone_secret],
        "email": [c.name for c in s.contacts if c.email],
        "dingTalk": [s.dingtalk.name] if s.dingtalk else [],
        "webhook": [w.name for w in s.webhooks],
    }


def routing_problems(s: ObservabilitySettings) -> list[str]:
    """Routes whose channels reach nobody: each message names the key and the fix."""
    targets = channel_targets(s)
    fixes = {"sms": "add a contact with phone_secret", "email": "add a contact with email",
             "dingTalk": "set dingtalk.webhook_secret", "webhook": "add a webhooks entry"}
    errors = []
    for severity, route in s.routing.routes.items():
        for channel in route.channels:
            if not targets[channel]:
                errors.append(f"observability.routing.routes.{severity}: channel {channel} reaches no one; "
                              f"{fixes[channel]} or remove {channel}")
    return errors
