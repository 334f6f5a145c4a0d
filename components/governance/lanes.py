"""MSE governance as code: the end-to-end canary lanes and the per-service rules, as one component.

* A **lane group** whose entry is the MSE cloud-native gateway (`mse-gw:<gateway id>`) and whose apps are
  the governed services, and per configured lane a **lane**: requests matching the lane's conditions at the
  gateway carry the lane's tag, and in every service they cross MSE routes them to the instances labelled
  `alicloud.service.tag: <tag>` (the services' tagged versions), falling back to the base version where a
  service has none. That is tag routing that follows a request through the whole call chain.
* **Service authentication**, **degradation** (circuit breaking) and **flow-control** rules per service.

Every object is a dynamic resource over the MSE OpenAPI (`rules.py`, type tokens `pulumi-python:dynamic/mse:*`),
named after its role (`<stack>-governance-lane-gray`), so previews list them by name. Credentials are read by the
provider at run time (docs/openapi-resources.md), never passed in here. Settings: `settings.py`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from collections.abc import Mapping, Sequence

import pulumi

from components.governance import labels
from components.governance.rules import (
    AuthRule,
    DegradationRule,
    DegradationRuleArgs,
    FlowRule,
    FlowRuleArgs,
    GatewayRoute,
    Lane,
    LaneArgs,
    LaneEntryRule,
    LaneGroup,
    LaneGroupArgs,
    RequestMatch,
    ServiceAuthRule,
    ServiceAuthRuleArgs,
)
from components.governance.settings import (
    GovernanceSettings,
    GovernedService,
    LaneSettings,
    app_id_list,
    governed_services,
    lane_members,
)
from components.naming import Naming

# Request attributes are matched by content (tag routing), not by percentage (MSE `CanaryModel` 0).
BY_CONTENT = 0
_STRATEGY = {"slow-call-ratio": 0, "error-ratio": 1}


def entry_app(gateway_id: str) -> str:
    """The lane group's entry for an MSE cloud-native gateway."""
    return f"mse-gw:{gateway_id}"


def request_matches(lane: LaneSettings) -> tuple[RequestMatch, ...]:
    """The lane's request conditions, once: the entry rule and the gateway route are both built from them."""
    return tuple(RequestMatch(m.name, m.value, m.type, m.cond) for m in lane.match)


def entry_rule(lane: LaneSettings) -> LaneEntryRule:
    """The lane's request conditions as an app-entry rule."""
    return LaneEntryRule(matches=request_matches(lane), condition=lane.condition)


def gateway_route(lane: LaneSettings, gateway_id: pulumi.Input[str]) -> GatewayRoute:
    """The same conditions, evaluated at the cloud-native gateway (`GatewaySwimmingLaneRouteJson`, in the
    gateway's own comparison vocabulary: `RequestMatch.to_gateway_wire`)."""
    return GatewayRoute(gateway_id=gateway_id, matches=request_matches(lane), condition=lane.condition,
                        canary_model=BY_CONTENT)


def resource_key(service: str, resource: str) -> str:
    """A stable kebab-case key for a rule on one interface, e.g. `order-get-api-order-list`.

    A short hash of the exact interface keeps two interfaces that read alike (`GET:/a` and `GET /a`) apart.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", resource.lower()).strip("-")[:40].rstrip("-") or "root"
    return f"{service}-{slug}-{hashlib.sha256(resource.encode()).hexdigest()[:6]}"


@dataclass(frozen=True, kw_only=True)
class GovernanceArgs:
    """Wiring and settings of the governance objects."""

    naming: Naming
    """How the stack names its objects (MSE app names are `<stack>-<service>` unless configured)."""
    region: pulumi.Input[str]
    """Region of the MSE governance center."""
    namespace: str
    """The stack's MSE namespace (resolved `governance.namespace`)."""
    settings: GovernanceSettings
    """`livecommerce:platform.governance`."""
    services: Sequence[GovernedService]
    """`livecommerce:platform.services`, with the MSE namespace resolved."""
    gateway_id: pulumi.Input[str]
    """The MSE cloud-native gateway's unique id, the lanes' entry."""
    depends_on: Sequence[pulumi.Resource] = field(default_factory=list)
    """What must exist first (the workloads: lanes route to their tagged pods)."""


class Governance(pulumi.ComponentResource):
    """Lane group + lanes, service authentication, degradation and flow-control rules."""

    lane_group_id: pulumi.Output[str] | None
    """Server id of the lane group, or None when no lane is configured."""
    lane_ids: dict[str, pulumi.Output[str]]
    """Server id per lane name."""
    rule_names: list[str]
    """Resource names of the authentication, degradation and flow rules (for docs and review)."""

    def __init__(self, name: str, args: GovernanceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:governance:Governance", name, None, opts)
        child = pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on))
        g = args.settings
        by_name = {s.name: s for s in args.services}

        def app(service: str) -> str:
            return labels.app_name(args.naming, service, by_name[service].governance)

        self.lane_group_id = None
        self.lane_ids = {}
        if g.lanes:
            group = LaneGroup(f"{name}-lanes", LaneGroupArgs(
                region=args.region, namespace=args.namespace,
                entry_app=pulumi.Output.from_input(args.gateway_id).apply(entry_app),
                app_ids=app_id_list(g.app_ids, governed_services(args.services)),
                canary_model=BY_CONTENT), opts=child)
            self.lane_group_id = group.group_id
            for lane in g.lanes:
                resource = Lane(f"{name}-lane-{lane.name}", LaneArgs(
                    region=args.region, namespace=args.namespace, group_id=group.group_id, tag=lane.tag,
                    entry_rules=(entry_rule(lane),), gateway_route=gateway_route(lane, args.gateway_id),
                    enabled=lane.enabled),
                    opts=pulumi.ResourceOptions.merge(child, pulumi.ResourceOptions(depends_on=[group])))
                self.lane_ids[lane.name] = resource.lane_id

        self.rule_names = []
        for rule in g.auth:
            rname = f"{name}-auth-{rule.service}"
            ServiceAuthRule(rname, ServiceAuthRuleArgs(
                region=args.region, namespace=args.namespace, app_id=g.app_ids[rule.service],
                rules=(AuthRule(caller_app_ids=tuple(g.app_ids[c] for c in rule.callers),
                                deny=rule.mode == "deny", paths=tuple(rule.paths)),),
                protocol=rule.protocol), opts=child)
            self.rule_names.append(rname)
        for d in g.degradation:
            rname = f"{name}-degrade-{resource_key(d.service, d.resource)}"
            DegradationRule(rname, DegradationRuleArgs(
                region=args.region, namespace=args.namespace, app_name=app(d.service),
                app_id=g.app_ids.get(d.service), resource=d.resource, threshold=d.threshold_ratio,
                strategy=_STRATEGY[d.strategy],  # type: ignore[arg-type]
                max_allowed_rt_ms=d.max_allowed_rt_ms if d.strategy == "slow-call-ratio" else None,
                min_request_amount=d.min_request_amount, stat_interval_ms=d.stat_interval_ms,
                retry_timeout_ms=d.recovery_timeout_seconds * 1000), opts=child)
            self.rule_names.append(rname)
        for f in g.flow_control:
            rname = f"{name}-flow-{resource_key(f.service, f.resource)}"
            FlowRule(rname, FlowRuleArgs(
                region=args.region, namespace=args.namespace, app_name=app(f.service),
                app_id=g.app_ids.get(f.service), resource=f.resource, threshold=f.qps), opts=child)
            self.rule_names.append(rname)
        self.register_outputs({"lane_group_id": self.lane_group_id, "lane_ids": self.lane_ids})


def lane_summary(settings: GovernanceSettings, services: Sequence[GovernedService]) -> dict[str, Mapping[str, str]]:
    """Per lane, the service -> version it reaches (for exports and docs)."""
    return {lane.name: lane_members(lane, services) for lane in settings.lanes}
