"""What each tier demands: the one table of the platform's environment rules.

A stack has a **tier** (`livecommerce:platform.tier`: dev, staging or prod). It defaults to the stack's
name when that is a tier's name, so the shipped `dev`, `staging` and `prod` stacks need not say it; any
other stack (`prod-sg`, `perf-lab`) must. The tier decides what the stack must satisfy; the stack's
name decides what its objects are called (components/naming.py). So `prod-sg` gets every rule of prod
and names of its own.

Every demand is enforced exactly once, in one of two places:

* **when the config is validated** (`tier_problems`, one error line each, naming the key and the fix):
  what only the config knows or what must hold before anything runs (zones, burst capacity of
  live-facing services, probes, paging hours);
* **by the policy pack at the tier's levels** (`policy_config`, the file `livecommerce check` and
  `pulumi preview --policy-pack-config` use): properties of the resources themselves (a private API
  server, deletion protection and `protect`, KMS-encrypted Secrets, highly available MSE, versioned and
  protected buckets, HPA floors). `policy_demands` lists the rules the tier relies on, with the settings
  they must have; a test keeps `policies/config/<tier>.json` in step with it.

Components never see a tier's name: they get plain values (e.g. the severity of a backlog alert).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, get_args

from components.data.settings import tier_problems as data_tier_problems

if TYPE_CHECKING:  # pragma: no cover
    from stacks.config import PlatformConfig

TierName = Literal["dev", "staging", "prod"]
TIER_NAMES: tuple[str, ...] = get_args(TierName)

# Rules of the policy pack the tiers rely on (policies/livecommerce_guard).
PRIVATE_API_SERVER = "alicloud-cs-managedkubernetes-disallow-public-apiserver"
CLUSTER_DELETION_PROTECTION = "alicloud-cs-managedkubernetes-enable-deletion-protection"
SECRETS_ENCRYPTION = "alicloud-cs-managedkubernetes-enable-secret-encryption"
REGISTRY_HA = "alicloud-mse-cluster-require-high-availability"
GATEWAY_HA = "alicloud-mse-gateway-require-high-availability"
BUCKET_VERSIONING = "alicloud-oss-bucket-enable-versioning"
BUCKET_NO_FORCE_DESTROY = "alicloud-oss-bucket-disallow-force-destroy"
NAT_DELETION_PROTECTION = "alicloud-vpc-natgateway-enable-deletion-protection"
KMS_DELETION_PROTECTION = "alicloud-kms-key-enable-deletion-protection"
HPA_FLOOR = "kubernetes-autoscaling-hpa-configure-bounds"
DATA_DELETION_PROTECTION = "alicloud-data-instance-enable-deletion-protection"
DATA_TLS = "alicloud-data-connection-require-tls"
DATA_TDE = "alicloud-data-storage-require-tde"
DATA_BACKUPS = "alicloud-data-instance-require-backups"
PUBLIC_ENTRY = "alicloud-mse-gateway-restrict-public-entry"


@dataclass(frozen=True, kw_only=True)
class Tier:
    """What one tier demands of every stack of that tier."""

    name: TierName
    # ---- checked when the config is validated --------------------------------------------------
    min_zones: int
    """`network.zones`: at least this many zones (a prod platform survives the loss of one)."""
    live_facing_burst: bool
    """Live-facing services must be able to burst onto ECI (`scheduling.placement` other than `ecs-only`)."""
    synthetics: bool
    """`observability.synthetics.enabled`: the public endpoints are probed."""
    critical_any_hour: bool
    """`observability.routing.routes.critical.hours: always`: critical alerts page at any hour."""
    data_high_availability: bool = False
    """`data`: the HA queue edition, a cache replica, cache and database across two zones, two database nodes."""
    data_pay_as_you_go: bool = False
    """`data.<product>.billing.payment: PayAsYouGo`: no Subscription instance (it cannot be destroyed)."""
    viewer_edge: bool = False
    """`edge` declares the viewer's path: the public API host (`edge.api`), the live domains (`edge.live`) and the
    replay CDN (`edge.replay_cdn`). That the API host is behind WAF 3.0 is the pack's `requireWaf`."""
    # ---- handed to components ----------------------------------------------------------------------
    backlog_severity: Literal["critical", "warning"]
    """Severity of work piling up unseen (failed transcodes in the dead-letter queue)."""
    # ---- enforced by the policy pack -----------------------------------------------------------------
    policy_config: str
    """The pack's levels for this tier (`pulumi preview --policy-pack-config <file>`; `livecommerce check`)."""
    policy_demands: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Rules that must be mandatory in `policy_config`, with the settings they must have there."""


def _config(tier: str) -> str:
    return f"policies/config/{tier}.json"


#: The tier table. Read a column as "what a stack of this tier must be".
TIERS: dict[str, Tier] = {t.name: t for t in (
    Tier(name="dev", min_zones=1, live_facing_burst=False, synthetics=False, critical_any_hour=False,
         data_pay_as_you_go=True, backlog_severity="warning", policy_config=_config("dev")),
    Tier(name="staging", min_zones=2, live_facing_burst=False, synthetics=True, critical_any_hour=False,
         backlog_severity="warning", policy_config=_config("staging"),
         policy_demands={
             # A registry quorum and two gateway replicas: staging rehearses what prod runs.
             REGISTRY_HA: {"minInstances": 3, "requirePro": True},
             GATEWAY_HA: {"minReplicas": 2},
             HPA_FLOOR: {"minReplicas": 2},
             DATA_TLS: {},
         }),
    Tier(name="prod", min_zones=3, live_facing_burst=True, synthetics=True, critical_any_hour=True,
         viewer_edge=True, data_high_availability=True, backlog_severity="critical", policy_config=_config("prod"),
         policy_demands={
             PRIVATE_API_SERVER: {},
             CLUSTER_DELETION_PROTECTION: {"requireProtect": True},
             SECRETS_ENCRYPTION: {},
             REGISTRY_HA: {"minInstances": 3, "requirePro": True},
             GATEWAY_HA: {"minReplicas": 2, "requireBackupVswitch": True},
             BUCKET_VERSIONING: {},
             BUCKET_NO_FORCE_DESTROY: {"requireProtect": True},
             NAT_DELETION_PROTECTION: {},
             KMS_DELETION_PROTECTION: {},
             HPA_FLOOR: {"minReplicas": 2},
             DATA_DELETION_PROTECTION: {"requireProtect": True},
             DATA_TLS: {},
             DATA_TDE: {},
             DATA_BACKUPS: {},
             # No internet entry without TLS and WAF 3.0 (docs/decisions/2026-12-01-public-entry-controls.md).
             PUBLIC_ENTRY: {"requireWaf": True},
         }),
)}


class TierError(ValueError):
    """The stack's tier cannot be determined; the message names `tier` and the fix."""


def resolve_tier(stack: str, configured: str | None) -> Tier:
    """The stack's tier: `configured` (`livecommerce:platform.tier`), else the stack's name if it is a tier's."""
    if configured is not None:
        return TIERS[configured]
    if stack in TIERS:
        return TIERS[stack]
    raise TierError(f"tier: stack {stack!r} is not named after a tier, so it must say which rules it follows; "
                    f"set tier to one of {', '.join(TIER_NAMES)} (e.g. `tier: prod` for a second prod region)")


def tier_problems(cfg: PlatformConfig, tier: Tier, region: str | None = None) -> list[str]:
    """What `cfg` lacks for `tier`: lines `key: problem; fix` (keys relative to livecommerce:platform)."""
    errors: list[str] = []
    zones = cfg.network.zones
    if len(zones) < tier.min_zones:
        where = f" of region {region}" if region else " of the region"
        errors.append(f"network.zones: tier {tier.name} needs at least {tier.min_zones} zones, got {len(zones)}; "
                      f"add zones{where}")
    if tier.live_facing_burst:
        for i, service in enumerate(cfg.services):
            if service.live_facing and service.scheduling.placement == "ecs-only":
                errors.append(f"services[{i}].scheduling.placement: {service.name}: tier {tier.name} lets live-facing "
                              "services burst onto ECI; use ecs-first")
    obs = cfg.observability
    if tier.synthetics and not obs.synthetics.enabled:
        errors.append(f"observability.synthetics.enabled: tier {tier.name} probes its public endpoints; set it to "
                      "true with at least two locations")
    if tier.critical_any_hour and obs.routing.routes["critical"].hours != "always":
        errors.append(f"observability.routing.routes.critical.hours: tier {tier.name} pages critical alerts at any "
                      "hour; set it to always")
    errors.extend(data_tier_problems(cfg.data, tier.name, high_availability=tier.data_high_availability,
                                     pay_as_you_go=tier.data_pay_as_you_go))
    if tier.viewer_edge:
        edge = cfg.edge
        for key, what in (("api", "its public API host (behind WAF 3.0)"), ("live", "its live ingest and playback "
                          "domains"), ("replay_cdn", "the CDN of its replays")):
            if edge is None or getattr(edge, key) is None:
                errors.append(f"edge.{key}: tier {tier.name} serves viewers and declares {what}; add it "
                              "(docs/edge.md)")
    return errors


def tiers_markdown() -> str:
    """The tier table as Markdown (README "Environments and tiers"; a test keeps it in sync)."""
    names = list(TIERS)
    rows = [
        ("zones (at least)", lambda t: str(t.min_zones)),
        ("live-facing services can burst onto ECI", lambda t: _yes(t.live_facing_burst)),
        ("synthetic probes", lambda t: _yes(t.synthetics)),
        ("critical alerts page at any hour", lambda t: _yes(t.critical_any_hour)),
        ("data: HA queue, cache replica, two zones, two database nodes", lambda t: _yes(t.data_high_availability)),
        ("data: pay-as-you-go only", lambda t: _yes(t.data_pay_as_you_go)),
        ("declares the viewer's edge (API host, live domains, replay CDN)", lambda t: _yes(t.viewer_edge)),
        ("dead-letter alerts", lambda t: t.backlog_severity),
        ("policy levels", lambda t: f"`{t.policy_config}`"),
        ("mandatory in the pack (tier demands)",
         lambda t: "<br>".join(f"`{r}`" + (f" ({_props(p)})" if p else "") for r, p in t.policy_demands.items())
         or "none beyond the file"),
    ]
    lines = ["| tier demands | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for label, cell in rows:
        lines.append(f"| {label} | " + " | ".join(cell(TIERS[n]) for n in names) + " |")
    return "\n".join(lines) + "\n"


README_START = "<!-- tiers:start (generated by stacks.tiers.tiers_markdown; a test keeps it in sync) -->"
README_END = "<!-- tiers:end -->"


def sync_readme(text: str) -> str:
    """README text with the tier table between its markers (`make docs`)."""
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    return text[:start] + "\n\n" + tiers_markdown() + "\n" + text[end:]


def _yes(flag: bool) -> str:
    return "required" if flag else "-"


def _props(props: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in props.items())
