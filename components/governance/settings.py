"""Settings of MSE microservice governance (`livecommerce:platform.governance`) and the pure decisions
built on them.

Four parts, one per thing MSE gives the architecture:

* `registry`: the Nacos registry and config center (`mse.Cluster`) and the stack's engine namespace;
* `gateway`: the MSE cloud-native gateway (`mse.Gateway`) in front of the services;
* `lanes`: end-to-end canary ("full-link gray"): a request that enters a lane keeps to the instances of
  the lane's tag in every service it crosses, falling back to the base version where a service has none;
* `auth`, `degradation`, `flow_control`: per-service rules created through the MSE OpenAPI
  (`components/governance/rules.py`).

`namespace` is the one MSE namespace of the stack: the Nacos engine namespace, the `mseNamespace` pod
label the workloads write (services leave `governance.mse_namespace` unset and inherit it through
`components.workloads.service_settings.with_mse_namespace`), and the namespace of the lanes and rules.
One value, so they cannot drift.

Pure data and functions (pydantic, no Pulumi). Defaults are the production choice; smaller stacks override
downward. What a tier demands on top is in stacks/tiers.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

_NAME = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"
_LABEL_VALUE = r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"

#: mse.Cluster `mse_version` per edition (pulumi_alicloud docs of `mse.Cluster`).
MSE_VERSIONS = {"pro": "mse_pro", "dev": "mse_dev", "serverless": "mse_serverless"}
SERVERLESS_SPEC = "MSE_SC_SERVERLESS"


class RegistrySettings(BaseModel):
    """The MSE Nacos registry and configuration center (`mse.Cluster`), private to the VPC."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    edition: Literal["pro", "dev", "serverless"] = "pro"
    """MSE edition: `pro` (Professional: multi-node, SLA, the only HA choice), `dev` (Developer: one node,
    no SLA) or `serverless` (pay per use)."""
    specification: str = Field(default="MSE_SC_2_4_60_c", pattern=r"^MSE_SC_(\d+_\d+_(60|200)_c|SERVERLESS)$")
    """Node size, e.g. `MSE_SC_2_4_60_c` (2 vCPU, 4 GiB; `_200_c` on the international site);
    `MSE_SC_SERVERLESS` for the serverless edition."""
    instance_count: int = Field(default=3, ge=1, le=15)
    """Number of registry nodes; Professional needs an odd quorum of at least 3."""
    cluster_version: str = Field(default="NACOS_2_0_0", pattern=r"^NACOS_\d+_\d+_\d+$")
    """Nacos engine generation (`cluster_version`), e.g. `NACOS_2_0_0`."""
    version_code: str | None = Field(default=None, pattern=r"^(LATEST|NACOS_[0-9_]+)$")
    """Exact engine version (`version_code`), e.g. `NACOS_2_3_2_1`, or `LATEST`; null lets MSE choose."""
    private_slb_specification: str | None = Field(default=None, pattern=r"^slb\.s\d\.\w+$")
    """Spec of the registry's intranet SLB (e.g. `slb.s2.small`); null uses MSE's default."""

    @model_validator(mode="after")
    def _edition_shape(self) -> RegistrySettings:
        problems = registry_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self


def registry_problems(r: RegistrySettings) -> list[str]:
    """What MSE itself refuses: the node count and specification each edition allows."""
    problems = []
    if r.edition == "serverless" and r.specification != SERVERLESS_SPEC:
        problems.append(f"specification: the serverless edition uses {SERVERLESS_SPEC}, got {r.specification}")
    if r.edition != "serverless" and r.specification == SERVERLESS_SPEC:
        problems.append(f"specification: {SERVERLESS_SPEC} is only for edition serverless; pick a node size "
                        "such as MSE_SC_2_4_60_c")
    if r.edition == "dev" and r.instance_count != 1:
        problems.append(f"instance_count: the dev edition runs exactly 1 node, got {r.instance_count}; "
                        "use edition pro for a cluster")
    if r.edition == "pro" and (r.instance_count < 3 or r.instance_count % 2 == 0):
        problems.append(f"instance_count: the pro edition needs an odd quorum of at least 3 nodes, got "
                        f"{r.instance_count}")
    return problems


class LosslessSettings(BaseModel):
    """MSE graceful (lossless) start and shutdown, set by pod labels (platform facts 4.3)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    enabled: bool = True
    """Turn on graceful start (`mse.lossless.enable`); shutdown notification comes with the agent."""
    registration_delay_seconds: int = Field(default=0, ge=0, le=3600)
    """Seconds the agent waits after start before registering the pod (`mse.lossless.delayTime`)."""
    warmup_seconds: int = Field(default=120, ge=0, le=3600)
    """Seconds over which a new pod's traffic share ramps up to full (`mse.lossless.warmupTime`,
    MSE's default 120)."""
    mse_readiness_probe: bool = True
    """Probe the agent's readiness endpoint (port 55199, `/readiness`) instead of the app's: it turns ready
    only once the pod is registered, so a release never drops traffic to zero (MSE lossless FAQ). Java only."""


class ServiceGovernance(BaseModel):
    """How ack-onepilot enrols the service in MSE governance and ARMS application monitoring."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    mse: bool = True
    """Enrol in MSE microservice governance (`msePilotAutoEnable: "on"`); false writes `"off"`."""
    arms: bool = True
    """Enrol in ARMS application monitoring (`armsPilotAutoEnable: "on"`); false writes `"off"`."""
    app_name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", max_length=63)
    """App name in MSE and ARMS; null (default) means `<stack>-<service>`, so stacks sharing an account
    never mix their metrics. Every version shares it: versions differ only by tag."""
    mse_namespace: str | None = Field(default=None, pattern=_LABEL_VALUE, max_length=63)
    """The MSE microservice namespace (`mseNamespace`; not a Kubernetes namespace). Null (default) means the
    stack's `governance.namespace`, where the registry, lanes and rules live; a different value is rejected."""
    language: Literal["java", "golang", "python"] = "java"
    """The app's language: ack-onepilot injects the Java agent itself; Go and Python apps are built with
    the agent and say so with `aliyun.com/app-language`."""
    lossless: LosslessSettings = LosslessSettings()
    """Graceful start and shutdown."""

    @model_validator(mode="after")
    def _lossless_needs_java(self) -> ServiceGovernance:
        if self.lossless.mse_readiness_probe and self.lossless.enabled and self.mse and self.language != "java":
            raise ValueError(
                f"lossless.mse_readiness_probe: the port-55199 readiness endpoint is served by the "
                f"Java agent, and this service is {self.language}; set it to false"
            )
        return self


class TaggedVersion(Protocol):
    """A version of a governed service: its name and its `alicloud.service.tag` (None for the base)."""

    @property
    def name(self) -> str: ...

    @property
    def tag(self) -> str | None: ...


class GovernedService(Protocol):
    """The pod contract governance relies on: what a workload declares about its pods to MSE.

    The workloads' service model (`components.workloads.service_settings.ServiceSettings`) provides it;
    governance never imports the workloads (dependencies run workloads -> governance -> openapi).
    """

    @property
    def name(self) -> str: ...

    @property
    def governance(self) -> ServiceGovernance: ...

    @property
    def versions(self) -> Sequence[TaggedVersion]: ...


class GatewaySettings(BaseModel):
    """The MSE cloud-native gateway (`mse.Gateway`), the microservice entry in front of the services."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    spec: Literal["MSE_GTW_2_4_200_c", "MSE_GTW_4_8_200_c", "MSE_GTW_8_16_200_c", "MSE_GTW_16_32_200_c"] = \
        "MSE_GTW_4_8_200_c"
    """Node size of every gateway replica (vCPU_GiB)."""
    replicas: int = Field(default=2, ge=1, le=30)
    """Gateway nodes; 2 or more so a node failure or an upgrade never stops the entry (the tier's policy level
    may require it: stacks/tiers.py)."""
    backup_zone: bool | None = None
    """Place replicas in a second zone too (`backup_vswitch_id` = the node vSwitch of the second zone).
    Null (default) means yes whenever `network.zones` has two or more zones; true needs two zones; the tier's
    policy level may require it (stacks/tiers.py)."""
    intranet_slb_spec: str = Field(default="slb.s2.small", pattern=r"^slb\.s\d\.\w+$")
    """Spec of the intranet SLB in front of the gateway (always created)."""
    internet_slb: bool = False
    """Also create an internet-facing SLB. Off by default: traffic usually arrives through a CDN/WAF or
    a separate edge, and a public entry is an explicit decision of the stack."""
    internet_slb_spec: str = Field(default="slb.s2.small", pattern=r"^slb\.s\d\.\w+$")
    """Spec of the internet SLB, when `internet_slb` is true."""


class RequestMatchSettings(BaseModel):
    """One condition on a request attribute, e.g. header `x-mse-tag` equals `gray`."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    type: Literal["header", "cookie", "param"] = "header"
    """Where the attribute is: an HTTP header, a cookie or a query parameter."""
    name: str = Field(pattern=r"^[A-Za-z0-9][-A-Za-z0-9_]*$", max_length=64)
    """Attribute name, e.g. `x-mse-tag`."""
    value: str = Field(min_length=1, max_length=128)
    """Value to compare with, e.g. `gray`."""
    cond: Literal["==", "!=", "prefix", "regex"] = "=="
    """Comparison."""


class LaneSettings(BaseModel):
    """A lane of the end-to-end canary: matching requests keep to the instances tagged `tag` in every service."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=_NAME, max_length=32)
    """Lane name, e.g. `gray`; part of the resource names."""
    tag: str = Field(pattern=_LABEL_VALUE, max_length=63)
    """Instance tag (`alicloud.service.tag`) the lane routes to; the services' versions with this tag join it."""
    match: list[RequestMatchSettings] = Field(min_length=1)
    """Requests entering at the gateway that go into the lane."""
    condition: Literal["AND", "OR"] = "AND"
    """Whether every condition of `match` must hold (`AND`) or any one (`OR`)."""
    enabled: bool = True
    """Whether the lane routes traffic (false keeps it defined but idle)."""

    @model_validator(mode="after")
    def _gateway_can_match(self) -> LaneSettings:
        # Lanes enter at the MSE cloud-native gateway, whose route conditions take only header/param attributes
        # and EQUAL/PRE/ERGULAR comparisons (CreateOrUpdateSwimmingLane GatewaySwimmingLaneRouteJson.Conditions).
        problems = []
        for i, m in enumerate(self.match):
            if m.type == "cookie":
                problems.append(f"match[{i}].type: the MSE gateway cannot route lanes by cookie; use a header or "
                                "param")
            if m.cond == "!=":
                problems.append(f"match[{i}].cond: the MSE gateway cannot route lanes by '!='; use ==, prefix "
                                "or regex")
        if problems:
            raise ValueError("\n".join(problems))
        return self


class AuthRuleSettings(BaseModel):
    """Service authentication: which services may call `service`."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    service: str = Field(pattern=_NAME)
    """The protected (callee) service, by its name in `services`."""
    callers: list[str] = Field(min_length=1)
    """Services (by name in `services`) the rule is about."""
    mode: Literal["allow", "deny"] = "allow"
    """`allow`: only `callers` may call; `deny`: `callers` are refused."""
    paths: list[str] = Field(default_factory=list)
    """Limit the rule to these paths (empty: every path)."""
    protocol: Literal["SPRING_CLOUD", "DUBBO"] = "SPRING_CLOUD"
    """RPC framework of the protected service."""


class DegradationRuleSettings(BaseModel):
    """Service degradation (circuit breaking) of one interface of a service."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    service: str = Field(pattern=_NAME)
    """The service, by its name in `services`."""
    resource: str = Field(min_length=1, max_length=256)
    """Interface exactly as the MSE console shows it, e.g. `GET:/api/order/list`."""
    strategy: Literal["slow-call-ratio", "error-ratio"] = "slow-call-ratio"
    """What opens the breaker: the share of slow calls or of errors."""
    threshold_ratio: float = Field(gt=0, le=1)
    """Share (0-1] of slow calls / errors in a window that opens the breaker."""
    max_allowed_rt_ms: int = Field(default=1000, ge=1, le=60000)
    """A call slower than this counts as slow (slow-call-ratio only)."""
    min_request_amount: int = Field(default=10, ge=1)
    """No breaking below this many requests in a window."""
    stat_interval_ms: int = Field(default=20000, ge=1000, le=3600000)
    """Statistics window."""
    recovery_timeout_seconds: int = Field(default=10, ge=1, le=3600)
    """How long the breaker stays open before it lets a probe call through."""


class FlowRuleSettings(BaseModel):
    """Flow control (QPS limit) of one interface of a service."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    service: str = Field(pattern=_NAME)
    """The service, by its name in `services`."""
    resource: str = Field(min_length=1, max_length=256)
    """Interface exactly as the MSE console shows it."""
    qps: int = Field(ge=1)
    """Requests per second above which calls fail fast."""


class GovernanceSettings(BaseModel):
    """MSE: registry, cloud-native gateway, end-to-end canary lanes and governance rules."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    namespace: str | None = Field(default=None, pattern=_NAME, max_length=63)
    """The stack's MSE namespace: the Nacos engine namespace, the `mseNamespace` pod label and the namespace of
    lanes and rules. Null (default) means the stack's name, so stacks sharing an account stay apart."""
    registry: RegistrySettings = RegistrySettings()
    """The Nacos registry (private network only, in the platform VPC)."""
    gateway: GatewaySettings = GatewaySettings()
    """The MSE cloud-native gateway."""
    lanes: list[LaneSettings] = Field(default_factory=list)
    """End-to-end canary lanes; each routes to the services' versions carrying its tag."""
    app_ids: dict[str, str] = Field(default_factory=dict)
    """MSE governance app id per service name (MSE console -> Microservice Governance -> Applications, or the
    `GetApplicationList` API). MSE assigns them when a service's agent first registers, so they are added after
    the first deployment; lanes then list these apps, and `auth` rules need them for callee and callers."""
    auth: list[AuthRuleSettings] = Field(default_factory=list)
    """Service authentication rules."""
    degradation: list[DegradationRuleSettings] = Field(default_factory=list)
    """Service degradation (circuit-breaking) rules."""
    flow_control: list[FlowRuleSettings] = Field(default_factory=list)
    """Flow-control (QPS limit) rules."""


# --------------------------------------------------------------------------------------------------
# Pure decisions


def mse_namespace(settings: GovernanceSettings, stack: str) -> str:
    """The stack's one MSE namespace: `governance.namespace`, else the stack's name."""
    return settings.namespace or stack


def gateway_vswitches(vswitch_ids: Sequence[object], backup_zone: bool | None) -> tuple[object, object | None]:
    """(primary, backup) vSwitch of the gateway: the first two zones' node vSwitches, or no backup.

    `backup_zone` None means a backup whenever there is a second zone.
    """
    if not vswitch_ids:
        raise ValueError("the gateway needs at least one vSwitch")
    if backup_zone is None:
        backup_zone = len(vswitch_ids) >= 2
    if backup_zone and len(vswitch_ids) < 2:
        raise ValueError("gateway.backup_zone needs a vSwitch in a second zone")
    return vswitch_ids[0], (vswitch_ids[1] if backup_zone else None)


def lane_members(lane: LaneSettings, services: Sequence[GovernedService]) -> dict[str, str]:
    """Per service that has a version tagged for the lane, that version's name (sorted by service)."""
    out = {}
    for s in sorted(services, key=lambda s: s.name):
        for v in s.versions:
            if v.tag == lane.tag:
                out[s.name] = v.name
    return out


def governed_services(services: Sequence[GovernedService]) -> list[str]:
    """Names of the services enrolled in MSE governance (sorted)."""
    return sorted(s.name for s in services if s.governance.mse)


def governance_problems(g: GovernanceSettings, services: Sequence[GovernedService], zones: Sequence[str],
                        stack: str | None) -> list[str]:
    """Cross-section rules, each `governance.<key>: problem; fix` (stacks/config.py adds the file and prefix)."""
    errors: list[str] = []
    ns = mse_namespace(g, stack or "default")
    by_name = {s.name: s for s in services}
    governed = set(governed_services(services))
    for i, s in enumerate(services):
        if s.governance.mse and s.governance.mse_namespace not in (None, ns):
            errors.append(f"services[{i}].governance.mse_namespace: {s.governance.mse_namespace!r} is not the stack's "
                          f"MSE namespace {ns!r}, where the registry, lanes and rules live; remove the key "
                          "(it follows governance.namespace)")
    if g.gateway.backup_zone is True and len(zones) < 2:
        errors.append(f"governance.gateway.backup_zone: needs at least two network.zones, got {len(zones)}; "
                      "set it to false or add a zone")
    names = [lane.name for lane in g.lanes]
    tags = [lane.tag for lane in g.lanes]
    for key, values in (("name", names), ("tag", tags)):
        dupes = sorted({v for v in values if values.count(v) > 1})
        if dupes:
            errors.append(f"governance.lanes: each lane needs its own {key}; repeated: {', '.join(dupes)}")
    for i, lane in enumerate(g.lanes):
        members = lane_members(lane, services)
        if not members:
            errors.append(f"governance.lanes[{i}].tag: no service has a version tagged {lane.tag!r}; "
                          "tag a version (services[].versions[].tag) or remove the lane")
        for svc in members:
            if svc not in governed:
                errors.append(f"governance.lanes[{i}]: service {svc} joins the lane but has governance.mse "
                              "false; enrol it or untag its version")
    for svc in g.app_ids:
        if svc not in by_name:
            errors.append(f"governance.app_ids.{svc}: no such service; use a name from services")
    for kind, rules in (("auth", g.auth), ("degradation", g.degradation), ("flow_control", g.flow_control)):
        for i, rule in enumerate(rules):
            if rule.service not in by_name:
                errors.append(f"governance.{kind}[{i}].service: no service named {rule.service!r}; "
                              f"one of {', '.join(sorted(by_name)) or '(none)'}")
            elif rule.service not in governed:
                errors.append(f"governance.{kind}[{i}].service: {rule.service} has governance.mse false, so MSE "
                              "cannot enforce the rule; enrol it")
    auth_services = [r.service for r in g.auth]
    dupes = sorted({s for s in auth_services if auth_services.count(s) > 1})
    if dupes:
        errors.append(f"governance.auth: one rule per protected service; merge the rules of {', '.join(dupes)}")
    for i, rule in enumerate(g.auth):
        for caller in rule.callers:
            if caller not in by_name:
                errors.append(f"governance.auth[{i}].callers: no service named {caller!r}")
        missing = [s for s in (rule.service, *rule.callers) if s in by_name and s not in g.app_ids]
        if missing:
            errors.append(f"governance.auth[{i}]: MSE identifies apps by id; add governance.app_ids for "
                          f"{', '.join(sorted(set(missing)))} (MSE console -> Applications)")
    seen: set[tuple[str, str, str]] = set()
    for kind, rules in (("degradation", g.degradation), ("flow_control", g.flow_control)):
        for i, rule in enumerate(rules):
            key = (kind, rule.service, rule.resource)
            if key in seen:
                errors.append(f"governance.{kind}[{i}]: a second rule for {rule.service} {rule.resource}; "
                              "MSE keeps one per interface, merge them")
            seen.add(key)
    return errors


def capabilities() -> list[tuple[str, str, str]]:
    """The six MSE capabilities of the architecture -> how livecommerce realises each -> its config key.

    The source of the table in docs/governance.md and the README (a test keeps them in step).
    """
    return [
        ("Service authentication",
         "MSE OpenAPI `AddAuthPolicy` via the dynamic resource `ServiceAuthRule` "
         "(`pulumi-python:dynamic/mse:ServiceAuthRule`)",
         "`governance.auth[]` (+ `governance.app_ids`)"),
        ("Lossless (graceful) offline",
         "ack-onepilot pod-template labels `mse.lossless.*` and the agent readiness probe (port 55199); "
         "`terminationGracePeriodSeconds`",
         "`services[].governance.lossless`, `services[].termination_grace_seconds`"),
        ("Outlier instance ejection",
         "Not in the MSE 2019-05-31 OpenAPI nor in pulumi_alicloud: configured in the MSE console "
         "(Microservice Governance -> app -> Outlier ejection); see docs/openapi-resources.md",
         "none (console)"),
        ("Service degradation",
         "MSE OpenAPI `CreateCircuitBreakerRule` via `DegradationRule` (`pulumi-python:dynamic/mse:DegradationRule`); "
         "flow control via `FlowRule`",
         "`governance.degradation[]`, `governance.flow_control[]`"),
        ("Canary release",
         "MSE Ingress canary objects (header/cookie/weight) at the entry, one Deployment per version",
         "`services[].versions[]`, `services[].entry.canaries[]`"),
        ("Tag routing",
         "Pod label `alicloud.service.tag` on tagged versions + end-to-end lanes `LaneGroup`/`Lane` "
         "(`CreateOrUpdateSwimmingLane*`) entered at the MSE cloud-native gateway",
         "`services[].versions[].tag`, `governance.lanes[]`"),
    ]


def capabilities_table() -> str:
    """`capabilities()` as a Markdown table."""
    rows = ["| Capability | Mechanism | Config key |", "|---|---|---|"]
    rows += [f"| {c} | {m} | {k} |" for c, m, k in capabilities()]
    return "\n".join(rows) + "\n"


def app_id_list(app_ids: Mapping[str, str], services: Sequence[str]) -> list[str]:
    """The known MSE app ids of `services`, in service-name order."""
    return [app_ids[s] for s in sorted(services) if s in app_ids]
