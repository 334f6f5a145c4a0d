"""MSE microservice-governance rules as Pulumi dynamic resources over the MSE OpenAPI.

pulumi_alicloud 4.0.0 has no resource for MSE governance (see docs/openapi-resources.md), so
these resources call the MSE 2019-05-31 OpenAPI through the official SDK
(``alibabacloud_mse20190531``). Each is a ``pulumi.dynamic.Resource`` with its own type token
(``pulumi-python:dynamic/mse:Lane``), so previews list them by kind and name.

What the OpenAPI offers, and therefore what is here:

* ``LaneGroup`` / ``Lane``: end-to-end canary ("full-link gray") swim lanes, i.e. tag routing
  that follows a request through every service. Pods join a lane with the pod-template label
  ``alicloud.service.tag: <tag>``.
* ``ServiceAuthRule``: service authentication (which callers may call an app).
* ``DegradationRule``: circuit-breaking degradation of an interface (slow-call or error ratio).
* ``FlowRule``: flow control (QPS limit) of an interface.

Outlier instance ejection has no OpenAPI action in MSE 2019-05-31 (SDK 6.x): it stays in the
console, and lossless (graceful) start/shutdown is configured by pod labels (platform facts 4.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import pulumi
import pulumi.dynamic

from components.openapi.client import MSE
from components.openapi.declaration import api_field
from components.openapi.provider import OpenApiProvider, to_json

# English messages from the API, so errors read the same for every operator.
_LANG = "en"


def _data(body: Mapping[str, Any]) -> Any:
    return body.get("Data")


def _items(body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``Data`` of list actions is either the list itself or a page ``{"Result": [...]}``."""
    data = _data(body)
    if isinstance(data, Mapping):
        data = data.get("Result")
    return [d for d in (data or []) if isinstance(d, Mapping)]


def _get(obj: Mapping[str, Any], *names: str) -> Any:
    """Field lookup tolerant of the API's mixed casing (``Id`` in one action, ``id`` in another)."""
    for name in names:
        for key in (name, name[:1].lower() + name[1:]):
            if key in obj and obj[key] is not None:
                return obj[key]
    return None


# ---------------------------------------------------------------------------------------------
# Lane groups and lanes (end-to-end canary)
# ---------------------------------------------------------------------------------------------


def _joined(ids: Any) -> str | None:
    return ",".join(ids or []) or None


def _or_none(value: Any) -> Any:
    return value or None


def _status(enabled: Any) -> int:
    return 1 if enabled in (None, True) else 0


def _enable(enabled: Any) -> bool:
    return bool(True if enabled is None else enabled)


@dataclass(frozen=True, kw_only=True)
class LaneGroupArgs:
    """A lane group: the entry point and the apps a set of lanes routes through."""

    region: pulumi.Input[str] = api_field("Region", replace=True, required=True)
    """Region of the MSE governance center (the apps' region), e.g. ``cn-hangzhou``."""
    entry_app: pulumi.Input[str] = api_field("EntryApp", required=True)
    """The ingress of the group, e.g. the MSE cloud-native gateway ``mse-gw:<gateway-unique-id>``."""
    app_ids: pulumi.Input[list[str]] = api_field("AppIds", to_param=_joined, default_factory=list)
    """MSE governance app ids that take part in the lanes."""
    namespace: pulumi.Input[str] = api_field("Namespace", replace=True, required=True, default="default")
    """MSE microservice namespace (pod label ``mseNamespace``), not the Kubernetes namespace."""
    name: pulumi.Input[str] | None = api_field("Name", replace=True, required=True, resource_name_default=True,
                                               default=None)
    """Server-side name; defaults to the Pulumi resource name."""
    paths: pulumi.Input[list[str]] = api_field("Paths", to_param=_or_none, default_factory=list)
    """Gateway paths the group covers (empty: all)."""
    route_ids: pulumi.Input[list[int]] = api_field("RouteIds", to_param=_or_none, default_factory=list)
    """Gateway route ids the group covers."""
    canary_model: int = api_field("CanaryModel", default=0)
    """0: route by request content (tag routing); 1: by percentage."""
    record_canary_detail: bool = api_field("RecordCanaryDetail", default=False)
    """Record per-request canary details (costs log volume)."""
    message_queue_gray_enable: bool = api_field("MessageQueueGrayEnable", default=False)
    """Carry the lane tag through message-queue consumption as well."""
    enabled: bool = api_field("Status", to_param=_status, default=True)
    """Whether the group is active."""


class LaneGroupProvider(OpenApiProvider):
    product = MSE
    kind = "lane group"
    id_output = "group_id"
    args_type = LaneGroupArgs

    def find(self, inputs):
        body = self.call(
            inputs, "QueryAllSwimmingLaneGroup",
            {"AcceptLanguage": _LANG, "Namespace": inputs["namespace"]},
        )
        for group in _items(body):
            if _get(group, "Name") == inputs["name"]:
                return str(_get(group, "Id")), {}
        return None

    def create_remote(self, inputs):
        # Id -1 asks the create-or-update action to create (API reference of the action).
        body = self.call(inputs, "CreateOrUpdateSwimmingLaneGroup",
                         self.params(inputs, "create", AcceptLanguage=_LANG, Id=-1))
        return str(_get(_data(body) or {}, "Id")), {}

    def update_remote(self, id_, inputs):
        self.call(inputs, "CreateOrUpdateSwimmingLaneGroup",
                  self.params(inputs, "update", AcceptLanguage=_LANG, Id=int(id_)))
        return {}

    def delete_remote(self, id_, inputs):
        self.call(
            inputs, "DeleteSwimmingLaneGroup",
            {"AcceptLanguage": _LANG, "GroupId": int(id_), "Namespace": inputs["namespace"]},
        )


class LaneGroup(pulumi.dynamic.Resource, module="mse", name="LaneGroup"):
    """An MSE end-to-end canary lane group (``CreateOrUpdateSwimmingLaneGroup``)."""

    group_id: pulumi.Output[str]
    """Server-side id of the lane group; lanes reference it."""

    def __init__(self, resource_name: str, args: LaneGroupArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(_LANE_GROUP_PROVIDER, resource_name, _LANE_GROUP_PROVIDER.props(args, resource_name), opts)


#: The cloud-native gateway spells comparisons differently from the app entry rules:
#: `GatewaySwimmingLaneRouteJson.Conditions[].Cond` takes only PRE, EQUAL and ERGULAR (sic), while
#: `EntryRules[].RestItems[].Cond` takes `==`, `prefix`, ... (alibabacloud_mse20190531 6.24.0,
#: `_create_or_update_swimming_lane_request.py:309-321`). `!=` has no gateway form (the settings refuse it).
GATEWAY_COND = {"==": "EQUAL", "prefix": "PRE", "regex": "ERGULAR"}


@dataclass(frozen=True)
class RequestMatch:
    """One condition on a request attribute, e.g. header ``x-mse-tag == gray``: the one type both lane entry
    rules and gateway routes are built from, each in its own wire vocabulary."""

    name: str
    value: str
    type: Literal["header", "cookie", "param"] = "header"
    cond: Literal["==", "!=", ">", "<", ">=", "<=", "in", "regex", "prefix"] = "=="

    def to_wire(self) -> dict[str, Any]:
        """As an app entry rule's ``RestItems[]`` entry."""
        return {"Type": self.type, "Name": self.name, "Cond": self.cond, "Value": self.value}

    def to_gateway_wire(self) -> dict[str, Any]:
        """As a gateway route's ``Conditions[]`` entry (ValueError for a comparison the gateway lacks)."""
        if self.cond not in GATEWAY_COND:
            raise ValueError(f"request match {self.name} {self.cond} {self.value!r}: the MSE gateway compares only "
                             f"with {', '.join(GATEWAY_COND)}")
        return {"Type": self.type, "Name": self.name, "Cond": GATEWAY_COND[self.cond], "Value": self.value}


@dataclass(frozen=True)
class LaneEntryRule:
    """Which requests enter a lane at the group's entry app."""

    matches: tuple[RequestMatch, ...]
    paths: tuple[str, ...] = ()
    condition: Literal["AND", "OR"] = "AND"
    priority: int = 1

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {
            "Condition": self.condition,
            "Priority": self.priority,
            "RestItems": [m.to_wire() for m in self.matches],
        }
        if self.paths:
            wire["Paths"] = list(self.paths)
        return wire


@dataclass(frozen=True)
class GatewayRoute:
    """Which requests enter a lane at an MSE cloud-native gateway (``GatewaySwimmingLaneRouteJson``), for every
    route of the gateway (``RouteIdList`` left out)."""

    gateway_id: pulumi.Input[str]
    """The gateway's unique id (``gw-...``)."""
    matches: tuple[RequestMatch, ...]
    condition: Literal["AND", "OR"] = "AND"
    canary_model: int = 0
    """0: by request content (tag routing)."""

    def to_wire(self) -> dict[str, Any]:
        return {"GatewayUniqueId": self.gateway_id, "CanaryModel": self.canary_model, "Condition": self.condition,
                "Conditions": [m.to_gateway_wire() for m in self.matches]}


def _wires(rules: Any) -> list[dict[str, Any]]:
    return [r.to_wire() for r in rules]


def _wire_or_none(route: Any) -> dict[str, Any] | None:
    return route.to_wire() if route is not None else None


def _int(value: Any) -> Any:
    return int(value) if value not in (None, "") else value


@dataclass(frozen=True, kw_only=True)
class LaneArgs:
    """A lane: requests matching its entry rules are routed to instances tagged ``tag``."""

    region: pulumi.Input[str] = api_field("RegionId", replace=True, required=True)
    """Region of the MSE governance center."""
    group_id: pulumi.Input[str] = api_field("GroupId", replace=True, required=True, to_param=_int)
    """The lane group (``LaneGroup.group_id``)."""
    tag: pulumi.Input[str] = api_field("Tag", required=True)
    """Instance tag: pods join the lane with the label ``alicloud.service.tag: <tag>``."""
    entry_rules: tuple[LaneEntryRule, ...] = api_field("EntryRules", to_prop=_wires, to_param=_or_none, default=())
    """Request matching at an app entry (Java gateway / Ingress entry)."""
    gateway_route: GatewayRoute | None = api_field("GatewaySwimmingLaneRouteJson", to_prop=_wire_or_none,
                                                   to_param=_or_none, default=None)
    """Request matching when an MSE cloud-native gateway is the entry."""
    namespace: pulumi.Input[str] = api_field("Namespace", replace=True, required=True, default="default")
    """MSE microservice namespace."""
    name: pulumi.Input[str] | None = api_field("Name", replace=True, required=True, resource_name_default=True,
                                               default=None)
    """Server-side name; defaults to the Pulumi resource name."""
    enabled: bool = api_field("Enable", to_param=_enable, default=True)
    """Whether the lane routes traffic."""


class LaneProvider(OpenApiProvider):
    product = MSE
    kind = "lane"
    id_output = "lane_id"
    args_type = LaneArgs

    def _write(self, inputs: Mapping[str, Any], write: str, id_: int) -> dict[str, Any]:
        return self.params(inputs, write, AcceptLanguage=_LANG, Id=id_,  # type: ignore[arg-type]
                           EnableRules=bool(inputs.get("entry_rules")))

    def find(self, inputs):
        body = self.call(
            inputs, "QueryAllSwimmingLane",
            {"AcceptLanguage": _LANG, "GroupId": int(inputs["group_id"]), "Namespace": inputs["namespace"]},
        )
        for lane in _items(body):
            if _get(lane, "Name") == inputs["name"]:
                return str(_get(lane, "Id")), {}
        return None

    def create_remote(self, inputs):
        body = self.call(inputs, "CreateOrUpdateSwimmingLane", self._write(inputs, "create", -1))
        return str(_get(_data(body) or {}, "Id")), {}

    def update_remote(self, id_, inputs):
        self.call(inputs, "CreateOrUpdateSwimmingLane", self._write(inputs, "update", int(id_)))
        return {}

    def delete_remote(self, id_, inputs):
        self.call(
            inputs, "DeleteSwimmingLane",
            {"AcceptLanguage": _LANG, "LaneId": int(id_), "Namespace": inputs["namespace"]},
        )


class Lane(pulumi.dynamic.Resource, module="mse", name="Lane"):
    """An MSE end-to-end canary lane (``CreateOrUpdateSwimmingLane``)."""

    lane_id: pulumi.Output[str]
    """Server-side id of the lane."""

    def __init__(self, resource_name: str, args: LaneArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(_LANE_PROVIDER, resource_name, _LANE_PROVIDER.props(args, resource_name), opts)


# ---------------------------------------------------------------------------------------------
# Service authentication
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthRule:
    """Who may call the protected app: a list of caller app ids (allow list or deny list)."""

    caller_app_ids: tuple[str, ...]
    deny: bool = False
    """False: only these callers are allowed (allow list); True: these callers are refused."""
    paths: tuple[str, ...] = ()
    """Limit the rule to these paths (empty: every path)."""

    def to_wire(self) -> dict[str, Any]:
        wire: dict[str, Any] = {"AuthType": 0, "Black": self.deny, "AppIds": list(self.caller_app_ids)}
        if self.paths:
            wire["Path"] = list(self.paths)
        return wire


def _true_false(enabled: Any) -> str:
    return "true" if enabled in (None, True) else "false"


@dataclass(frozen=True, kw_only=True)
class ServiceAuthRuleArgs:
    """Service authentication for one app (``AddAuthPolicy``)."""

    region: pulumi.Input[str] = api_field("Region", replace=True, required=True)
    """Region of the MSE governance center."""
    app_id: pulumi.Input[str] = api_field("AppId", replace=True, required=True)
    """MSE governance id of the protected (callee) app."""
    rules: tuple[AuthRule, ...] = api_field("AuthRule", required=True, to_prop=_wires, to_param=to_json)
    """The authentication rules."""
    protocol: Literal["SPRING_CLOUD", "DUBBO", "ISTIO"] = api_field("Protocol", replace=True, default="SPRING_CLOUD")
    """RPC framework of the protected app."""
    namespace: pulumi.Input[str] = api_field("Namespace", replace=True, required=True, update=False,
                                             default="default")
    """MSE microservice namespace (only AddAuthPolicy takes it)."""
    k8s_namespace: pulumi.Input[str] | None = api_field("K8sNamespace", default=None)
    """Kubernetes namespace of the app (required by the API for ``ISTIO``)."""
    source: str = api_field("Source", replace=True, default="edasmsc")
    """Registry source of the app; ``edasmsc`` is the MSE governance agent."""
    name: pulumi.Input[str] | None = api_field("Name", replace=True, required=True, resource_name_default=True,
                                               default=None)
    """Server-side name; defaults to the Pulumi resource name."""
    enabled: bool = api_field("Enable", to_param=_true_false, default=True)
    """Whether the rule is enforced."""


class ServiceAuthRuleProvider(OpenApiProvider):
    product = MSE
    kind = "service auth rule"
    id_output = "policy_id"
    args_type = ServiceAuthRuleArgs

    def find(self, inputs):
        body = self.call(
            inputs, "ListAuthPolicy",
            {
                "AcceptLanguage": _LANG, "Name": inputs["name"], "Namespace": inputs["namespace"],
                "Region": inputs["region"], "AppId": inputs["app_id"], "Source": inputs["source"],
                "Protocol": inputs["protocol"], "PageNumber": "1", "PageSize": "100",
            },
        )
        for policy in _items(body):
            if _get(policy, "Name") == inputs["name"]:
                return str(_get(policy, "Id")), {}
        return None

    def create_remote(self, inputs):
        body = self.call(inputs, "AddAuthPolicy", self.params(inputs, "create", AcceptLanguage=_LANG))
        created = _data(body)
        if created not in (None, ""):
            return str(created), {}
        # Data is documented loosely; fall back to looking the new policy up by name.
        found = self.find(inputs)
        if found is None:
            raise RuntimeError(f"MSE AddAuthPolicy for {self.subject(inputs)}: created but not listed")
        return found

    def update_remote(self, id_, inputs):
        self.call(inputs, "UpdateAuthPolicy", self.params(inputs, "update", AcceptLanguage=_LANG, Id=id_))
        return {}

    def delete_remote(self, id_, inputs):
        self.call(inputs, "RemoveAuthPolicy", {"AcceptLanguage": _LANG, "PolicyId": id_})


class ServiceAuthRule(pulumi.dynamic.Resource, module="mse", name="ServiceAuthRule"):
    """MSE service authentication for one app (``AddAuthPolicy``/``UpdateAuthPolicy``)."""

    policy_id: pulumi.Output[str]
    """Server-side id of the authentication policy."""

    def __init__(self, resource_name: str, args: ServiceAuthRuleArgs, opts: pulumi.ResourceOptions | None = None):
        if not args.rules or any(not r.caller_app_ids for r in args.rules):
            raise ValueError(
                f"ServiceAuthRule {resource_name}: rules needs at least one AuthRule, each with caller_app_ids"
            )
        super().__init__(_SERVICE_AUTH_PROVIDER, resource_name, _SERVICE_AUTH_PROVIDER.props(args, resource_name),
                         opts)


# ---------------------------------------------------------------------------------------------
# Traffic protection: degradation (circuit breaking) and flow control, keyed by app + interface
# ---------------------------------------------------------------------------------------------


class _InterfaceRuleProvider(OpenApiProvider):
    """Rules that MSE keys by (namespace, app, interface): one rule of a kind per interface."""

    list_action: ClassVar[str] = ""
    create_action: ClassVar[str] = ""
    update_action: ClassVar[str] = ""
    delete_action: ClassVar[str] = ""

    def subject(self, inputs):
        return f"{self.kind} '{inputs.get('app_name')}:{inputs.get('resource')}'"

    def find(self, inputs):
        body = self.call(
            inputs, self.list_action,
            {"AcceptLanguage": _LANG, "AppName": inputs["app_name"], "AppId": inputs.get("app_id"),
             "Namespace": inputs["namespace"], "Resource": inputs["resource"], "PageIndex": 1, "PageSize": 100},
        )
        for rule in _items(body):
            if _get(rule, "Resource") == inputs["resource"]:
                return str(_get(rule, "RuleId", "Id")), {}
        return None

    def create_remote(self, inputs):
        body = self.call(inputs, self.create_action, self.params(inputs, "create", AcceptLanguage=_LANG))
        return str(_get(_data(body) or {}, "Id", "RuleId")), {}

    def update_remote(self, id_, inputs):
        self.call(inputs, self.update_action, self.params(inputs, "update", AcceptLanguage=_LANG, RuleId=int(id_)))
        return {}

    def delete_remote(self, id_, inputs):
        params = {"AcceptLanguage": _LANG, "AppName": inputs["app_name"],
                  "Namespace": inputs["namespace"], "Ids": [int(id_)]}
        self.call(inputs, self.delete_action, params)


ResourceType = Literal[0, 1, 2, 3, 4]  # 0 custom, 1 web, 2 RPC, 3 route, 4 SQL


@dataclass(frozen=True, kw_only=True)
class _InterfaceArgs:
    """The natural key of an interface rule: (region, namespace, app, interface). The update actions take the
    rule id instead of region and interface."""

    region: pulumi.Input[str] = api_field("RegionId", replace=True, required=True, update=False)
    """Region of the MSE governance center."""
    app_name: pulumi.Input[str] = api_field("AppName", replace=True, required=True)
    """MSE app name (pod label ``msePilotCreateAppName``)."""
    resource: pulumi.Input[str] = api_field("Resource", replace=True, required=True, update=False)
    """Interface name exactly as shown in the MSE console, e.g. ``GET:/api/orders``."""
    resource_type: ResourceType = api_field("ResourceType", replace=True, update=False, default=1)
    """0 custom, 1 web, 2 RPC, 3 route, 4 SQL."""
    namespace: pulumi.Input[str] = api_field("Namespace", replace=True, required=True, default="default")
    """MSE microservice namespace."""
    app_id: pulumi.Input[str] | None = api_field("AppId", default=None)
    """MSE app id, when known."""
    enabled: bool = api_field("Enable", to_param=_enable, default=True)
    """Whether the rule is active."""


@dataclass(frozen=True, kw_only=True)
class DegradationRuleArgs(_InterfaceArgs):
    """Circuit-breaking degradation of one interface of an app (``CreateCircuitBreakerRule``)."""

    threshold: float = api_field("Threshold", required=True)
    """Ratio (0-1) of slow calls (``strategy`` 0) or errors (``strategy`` 1) that opens the breaker."""
    strategy: Literal[0, 1] = api_field("Strategy", default=0)
    """0: slow-call ratio; 1: error ratio."""
    max_allowed_rt_ms: int | None = api_field("MaxAllowedRtMs", default=1000)
    """A call slower than this is slow (``strategy`` 0 only)."""
    min_request_amount: int = api_field("MinRequestAmount", default=10)
    """No breaking below this many requests in a window."""
    stat_interval_ms: int = api_field("StatIntervalMs", default=20_000)
    """Statistics window."""
    retry_timeout_ms: int = api_field("RetryTimeoutMs", default=10_000)
    """How long the breaker stays open (a multiple of 1000)."""


class DegradationRuleProvider(_InterfaceRuleProvider):
    product = MSE
    kind = "degradation rule"
    id_output = "rule_id"
    args_type = DegradationRuleArgs
    list_action = "ListCircuitBreakerRules"
    create_action = "CreateCircuitBreakerRule"
    update_action = "UpdateCircuitBreakerRule"
    delete_action = "DeleteCircuitBreakerRules"


class DegradationRule(pulumi.dynamic.Resource, module="mse", name="DegradationRule"):
    """MSE circuit-breaking degradation rule for one interface."""

    rule_id: pulumi.Output[str]
    """Server-side id of the rule."""

    def __init__(self, resource_name: str, args: DegradationRuleArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(_DEGRADATION_PROVIDER, resource_name, _DEGRADATION_PROVIDER.props(args, resource_name), opts)


@dataclass(frozen=True, kw_only=True)
class FlowRuleArgs(_InterfaceArgs):
    """Flow control (QPS limit) of one interface of an app (``CreateFlowRule``)."""

    threshold: int = api_field("Threshold", required=True)
    """Requests per second above which calls are limited."""
    control_behavior: Literal[0, 2] = api_field("ControlBehavior", default=0)
    """0: fail fast; 2: queue (up to ``max_queueing_time_ms``)."""
    max_queueing_time_ms: int | None = api_field("MaxQueueingTimeMs", default=None)
    """Queueing timeout, required by the API when ``control_behavior`` is 2."""


class FlowRuleProvider(_InterfaceRuleProvider):
    product = MSE
    kind = "flow rule"
    id_output = "rule_id"
    args_type = FlowRuleArgs
    list_action = "ListFlowRules"
    create_action = "CreateFlowRule"
    update_action = "UpdateFlowRule"
    delete_action = "DeleteFlowRules"


class FlowRule(pulumi.dynamic.Resource, module="mse", name="FlowRule"):
    """MSE flow-control rule for one interface."""

    rule_id: pulumi.Output[str]
    """Server-side id of the rule."""

    def __init__(self, resource_name: str, args: FlowRuleArgs, opts: pulumi.ResourceOptions | None = None):
        if args.control_behavior == 2 and not args.max_queueing_time_ms:
            raise ValueError(
                f"FlowRule {resource_name}: control_behavior 2 (queue) needs max_queueing_time_ms"
            )
        super().__init__(_FLOW_PROVIDER, resource_name, _FLOW_PROVIDER.props(args, resource_name), opts)


# One stateless provider object per kind. They hold no attributes, so the pickled provider is a
# reference to the class (see components/openapi/provider.py).
_LANE_GROUP_PROVIDER = LaneGroupProvider()
_LANE_PROVIDER = LaneProvider()
_SERVICE_AUTH_PROVIDER = ServiceAuthRuleProvider()
_DEGRADATION_PROVIDER = DegradationRuleProvider()
_FLOW_PROVIDER = FlowRuleProvider()
