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

from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

import pulumi
import pulumi.dynamic

from components.openapi.client import MSE
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


@dataclass(frozen=True, kw_only=True)
class LaneGroupArgs:
    """A lane group: the entry point and the apps a set of lanes routes through."""

    region: pulumi.Input[str]
    """Region of the MSE governance center (the apps' region), e.g. ``cn-hangzhou``."""
    entry_app: pulumi.Input[str]
    """The ingress of the group, e.g. the MSE cloud-native gateway ``mse-gw:<gateway-unique-id>``."""
    app_ids: pulumi.Input[list[str]] = field(default_factory=list)
    """MSE governance app ids that take part in the lanes."""
    namespace: pulumi.Input[str] = "default"
    """MSE microservice namespace (pod label ``mseNamespace``), not the Kubernetes namespace."""
    name: pulumi.Input[str] | None = None
    """Server-side name; defaults to the Pulumi resource name."""
    paths: pulumi.Input[list[str]] = field(default_factory=list)
    """Gateway paths the group covers (empty: all)."""
    route_ids: pulumi.Input[list[int]] = field(default_factory=list)
    """Gateway route ids the group covers."""
    canary_model: int = 0
    """0: route by request content (tag routing); 1: by percentage."""
    record_canary_detail: bool = False
    """Record per-request canary details (costs log volume)."""
    message_queue_gray_enable: bool = False
    """Carry the lane tag through message-queue consumption as well."""
    enabled: bool = True
    """Whether the group is active."""


class LaneGroupProvider(OpenApiProvider):
    product = MSE
    kind = "lane group"
    id_output = "group_id"
    fields = (
        "name", "region", "namespace", "entry_app", "app_ids", "paths", "route_ids",
        "canary_model", "record_canary_detail", "message_queue_gray_enable", "enabled",
    )
    replace_fields = ("name", "region", "namespace")
    required = ("name", "region", "namespace", "entry_app")

    def _params(self, inputs: Mapping[str, Any], id_: int) -> dict[str, Any]:
        return {
            "AcceptLanguage": _LANG,
            "Id": id_,
            "Name": inputs["name"],
            "Region": inputs["region"],
            "Namespace": inputs["namespace"],
            "EntryApp": inputs["entry_app"],
            "AppIds": ",".join(inputs.get("app_ids") or []) or None,
            "Paths": inputs.get("paths") or None,
            "RouteIds": inputs.get("route_ids") or None,
            "CanaryModel": inputs.get("canary_model"),
            "RecordCanaryDetail": inputs.get("record_canary_detail"),
            "MessageQueueGrayEnable": inputs.get("message_queue_gray_enable"),
            "Status": 1 if inputs.get("enabled", True) else 0,
        }

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
        body = self.call(inputs, "CreateOrUpdateSwimmingLaneGroup", self._params(inputs, -1))
        return str(_get(_data(body) or {}, "Id")), {}

    def update_remote(self, id_, inputs):
        self.call(inputs, "CreateOrUpdateSwimmingLaneGroup", self._params(inputs, int(id_)))
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
        props = {
            "name": args.name or resource_name,
            "region": args.region,
            "namespace": args.namespace,
            "entry_app": args.entry_app,
            "app_ids": args.app_ids,
            "paths": args.paths,
            "route_ids": args.route_ids,
            "canary_model": args.canary_model,
            "record_canary_detail": args.record_canary_detail,
            "message_queue_gray_enable": args.message_queue_gray_enable,
            "enabled": args.enabled,
            "group_id": None,
        }
        super().__init__(_LANE_GROUP_PROVIDER, resource_name, props, opts)


@dataclass(frozen=True)
class RequestMatch:
    """One condition on a request attribute, e.g. header ``x-mse-tag == gray``."""

    name: str
    value: str
    type: Literal["header", "cookie", "param"] = "header"
    cond: Literal["==", "!=", ">", "<", ">=", "<=", "in", "regex", "prefix"] = "=="

    def to_wire(self) -> dict[str, Any]:
        return {"Type": self.type, "Name": self.name, "Cond": self.cond, "Value": self.value}


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


@dataclass(frozen=True, kw_only=True)
class LaneArgs:
    """A lane: requests matching its entry rules are routed to instances tagged ``tag``."""

    region: pulumi.Input[str]
    """Region of the MSE governance center."""
    group_id: pulumi.Input[str]
    """The lane group (``LaneGroup.group_id``)."""
    tag: pulumi.Input[str]
    """Instance tag: pods join the lane with the label ``alicloud.service.tag: <tag>``."""
    entry_rules: tuple[LaneEntryRule, ...] = ()
    """Request matching at an app entry (Java gateway / Ingress entry)."""
    gateway_route: Mapping[str, Any] | None = None
    """Wire ``GatewaySwimmingLaneRouteJson`` when an MSE cloud-native gateway is the entry."""
    namespace: pulumi.Input[str] = "default"
    """MSE microservice namespace."""
    name: pulumi.Input[str] | None = None
    """Server-side name; defaults to the Pulumi resource name."""
    enabled: bool = True
    """Whether the lane routes traffic."""


class LaneProvider(OpenApiProvider):
    product = MSE
    kind = "lane"
    id_output = "lane_id"
    fields = ("name", "region", "namespace", "group_id", "tag", "enabled", "entry_rules", "gateway_route")
    replace_fields = ("name", "region", "namespace", "group_id")
    required = ("name", "region", "namespace", "group_id", "tag")

    def _params(self, inputs: Mapping[str, Any], id_: int) -> dict[str, Any]:
        rules = inputs.get("entry_rules") or []
        return {
            "AcceptLanguage": _LANG,
            "Id": id_,
            "GroupId": int(inputs["group_id"]),
            "Name": inputs["name"],
            "Namespace": inputs["namespace"],
            "RegionId": inputs["region"],
            "Tag": inputs["tag"],
            "Enable": bool(inputs.get("enabled", True)),
            "EnableRules": bool(rules),
            "EntryRules": rules or None,
            "GatewaySwimmingLaneRouteJson": inputs.get("gateway_route") or None,
        }

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
        body = self.call(inputs, "CreateOrUpdateSwimmingLane", self._params(inputs, -1))
        return str(_get(_data(body) or {}, "Id")), {}

    def update_remote(self, id_, inputs):
        self.call(inputs, "CreateOrUpdateSwimmingLane", self._params(inputs, int(id_)))
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
        props = {
            "name": args.name or resource_name,
            "region": args.region,
            "namespace": args.namespace,
            "group_id": args.group_id,
            "tag": args.tag,
            "enabled": args.enabled,
            "entry_rules": [r.to_wire() for r in args.entry_rules],
            "gateway_route": dict(args.gateway_route) if args.gateway_route else None,
            "lane_id": None,
        }
        super().__init__(_LANE_PROVIDER, resource_name, props, opts)


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


@dataclass(frozen=True, kw_only=True)
class ServiceAuthRuleArgs:
    """Service authentication for one app (``AddAuthPolicy``)."""

    region: pulumi.Input[str]
    """Region of the MSE governance center."""
    app_id: pulumi.Input[str]
    """MSE governance id of the protected (callee) app."""
    rules: tuple[AuthRule, ...]
    """The authentication rules."""
    protocol: Literal["SPRING_CLOUD", "DUBBO", "ISTIO"] = "SPRING_CLOUD"
    """RPC framework of the protected app."""
    namespace: pulumi.Input[str] = "default"
    """MSE microservice namespace."""
    k8s_namespace: pulumi.Input[str] | None = None
    """Kubernetes namespace of the app (required by the API for ``ISTIO``)."""
    source: str = "edasmsc"
    """Registry source of the app; ``edasmsc`` is the MSE governance agent."""
    name: pulumi.Input[str] | None = None
    """Server-side name; defaults to the Pulumi resource name."""
    enabled: bool = True
    """Whether the rule is enforced."""


class ServiceAuthRuleProvider(OpenApiProvider):
    product = MSE
    kind = "service auth rule"
    id_output = "policy_id"
    fields = ("name", "region", "namespace", "app_id", "protocol", "source", "k8s_namespace", "rules", "enabled")
    replace_fields = ("name", "region", "namespace", "app_id", "protocol", "source")
    required = ("name", "region", "namespace", "app_id", "rules")

    def _params(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "AcceptLanguage": _LANG,
            "Name": inputs["name"],
            "Region": inputs["region"],
            "AppId": inputs["app_id"],
            "Protocol": inputs["protocol"],
            "Source": inputs["source"],
            "K8sNamespace": inputs.get("k8s_namespace"),
            "AuthRule": to_json(inputs["rules"]),
            "Enable": "true" if inputs.get("enabled", True) else "false",
        }

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
        body = self.call(inputs, "AddAuthPolicy", {**self._params(inputs), "Namespace": inputs["namespace"]})
        created = _data(body)
        if created not in (None, ""):
            return str(created), {}
        # Data is documented loosely; fall back to looking the new policy up by name.
        found = self.find(inputs)
        if found is None:
            raise RuntimeError(f"MSE AddAuthPolicy for {self.subject(inputs)}: created but not listed")
        return found

    def update_remote(self, id_, inputs):
        self.call(inputs, "UpdateAuthPolicy", {**self._params(inputs), "Id": id_})
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
        props = {
            "name": args.name or resource_name,
            "region": args.region,
            "namespace": args.namespace,
            "app_id": args.app_id,
            "protocol": args.protocol,
            "source": args.source,
            "k8s_namespace": args.k8s_namespace,
            "rules": [r.to_wire() for r in args.rules],
            "enabled": args.enabled,
            "policy_id": None,
        }
        super().__init__(_SERVICE_AUTH_PROVIDER, resource_name, props, opts)


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

    def rule_params(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _scope(self, inputs: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "AcceptLanguage": _LANG,
            "AppName": inputs["app_name"],
            "AppId": inputs.get("app_id"),
            "Namespace": inputs["namespace"],
        }

    def find(self, inputs):
        body = self.call(
            inputs, self.list_action,
            {**self._scope(inputs), "Resource": inputs["resource"], "PageIndex": 1, "PageSize": 100},
        )
        for rule in _items(body):
            if _get(rule, "Resource") == inputs["resource"]:
                return str(_get(rule, "RuleId", "Id")), {}
        return None

    def create_remote(self, inputs):
        params = {
            **self._scope(inputs), **self.rule_params(inputs),
            "RegionId": inputs["region"], "Resource": inputs["resource"],
            "ResourceType": inputs.get("resource_type"),
        }
        body = self.call(inputs, self.create_action, params)
        return str(_get(_data(body) or {}, "Id", "RuleId")), {}

    def update_remote(self, id_, inputs):
        params = {**self._scope(inputs), **self.rule_params(inputs), "RuleId": int(id_)}
        self.call(inputs, self.update_action, params)
        return {}

    def delete_remote(self, id_, inputs):
        params = {"AcceptLanguage": _LANG, "AppName": inputs["app_name"],
                  "Namespace": inputs["namespace"], "Ids": [int(id_)]}
        self.call(inputs, self.delete_action, params)


_INTERFACE_FIELDS = ("region", "namespace", "app_name", "app_id", "resource", "resource_type")
_INTERFACE_IDENTITY = ("region", "namespace", "app_name", "resource", "resource_type")

ResourceType = Literal[0, 1, 2, 3, 4]  # 0 custom, 1 web, 2 RPC, 3 route, 4 SQL


@dataclass(frozen=True, kw_only=True)
class DegradationRuleArgs:
    """Circuit-breaking degradation of one interface of an app (``CreateCircuitBreakerRule``)."""

    region: pulumi.Input[str]
    """Region of the MSE governance center."""
    app_name: pulumi.Input[str]
    """MSE app name (pod label ``msePilotCreateAppName``)."""
    resource: pulumi.Input[str]
    """Interface name exactly as shown in the MSE console, e.g. ``GET:/api/orders``."""
    threshold: float
    """Ratio (0-1) of slow calls (``strategy`` 0) or errors (``strategy`` 1) that opens the breaker."""
    strategy: Literal[0, 1] = 0
    """0: slow-call ratio; 1: error ratio."""
    max_allowed_rt_ms: int | None = 1000
    """A call slower than this is slow (``strategy`` 0 only)."""
    min_request_amount: int = 10
    """No breaking below this many requests in a window."""
    stat_interval_ms: int = 20_000
    """Statistics window."""
    retry_timeout_ms: int = 10_000
    """How long the breaker stays open (a multiple of 1000)."""
    resource_type: ResourceType = 1
    """0 custom, 1 web, 2 RPC, 3 route, 4 SQL."""
    namespace: pulumi.Input[str] = "default"
    """MSE microservice namespace."""
    app_id: pulumi.Input[str] | None = None
    """MSE app id, when known."""
    enabled: bool = True
    """Whether the rule is active."""


class DegradationRuleProvider(_InterfaceRuleProvider):
    product = MSE
    kind = "degradation rule"
    id_output = "rule_id"
    fields = _INTERFACE_FIELDS + (
        "threshold", "strategy", "max_allowed_rt_ms", "min_request_amount", "stat_interval_ms",
        "retry_timeout_ms", "enabled",
    )
    replace_fields = _INTERFACE_IDENTITY
    required = ("region", "namespace", "app_name", "resource", "threshold")
    list_action = "ListCircuitBreakerRules"
    create_action = "CreateCircuitBreakerRule"
    update_action = "UpdateCircuitBreakerRule"
    delete_action = "DeleteCircuitBreakerRules"

    def rule_params(self, inputs):
        return {
            "Threshold": inputs["threshold"],
            "Strategy": inputs.get("strategy"),
            "MaxAllowedRtMs": inputs.get("max_allowed_rt_ms"),
            "MinRequestAmount": inputs.get("min_request_amount"),
            "StatIntervalMs": inputs.get("stat_interval_ms"),
            "RetryTimeoutMs": inputs.get("retry_timeout_ms"),
            "Enable": bool(inputs.get("enabled", True)),
        }


class DegradationRule(pulumi.dynamic.Resource, module="mse", name="DegradationRule"):
    """MSE circuit-breaking degradation rule for one interface."""

    rule_id: pulumi.Output[str]
    """Server-side id of the rule."""

    def __init__(self, resource_name: str, args: DegradationRuleArgs, opts: pulumi.ResourceOptions | None = None):
        props = {
            "region": args.region, "namespace": args.namespace, "app_name": args.app_name,
            "app_id": args.app_id, "resource": args.resource, "resource_type": args.resource_type,
            "threshold": args.threshold, "strategy": args.strategy,
            "max_allowed_rt_ms": args.max_allowed_rt_ms, "min_request_amount": args.min_request_amount,
            "stat_interval_ms": args.stat_interval_ms, "retry_timeout_ms": args.retry_timeout_ms,
            "enabled": args.enabled, "rule_id": None,
        }
        super().__init__(_DEGRADATION_PROVIDER, resource_name, props, opts)


@dataclass(frozen=True, kw_only=True)
class FlowRuleArgs:
    """Flow control (QPS limit) of one interface of an app (``CreateFlowRule``)."""

    region: pulumi.Input[str]
    """Region of the MSE governance center."""
    app_name: pulumi.Input[str]
    """MSE app name (pod label ``msePilotCreateAppName``)."""
    resource: pulumi.Input[str]
    """Interface name exactly as shown in the MSE console."""
    threshold: int
    """Requests per second above which calls are limited."""
    control_behavior: Literal[0, 2] = 0
    """0: fail fast; 2: queue (up to ``max_queueing_time_ms``)."""
    max_queueing_time_ms: int | None = None
    """Queueing timeout, required by the API when ``control_behavior`` is 2."""
    resource_type: ResourceType = 1
    """0 custom, 1 web, 2 RPC, 3 route, 4 SQL."""
    namespace: pulumi.Input[str] = "default"
    """MSE microservice namespace."""
    app_id: pulumi.Input[str] | None = None
    """MSE app id, when known."""
    enabled: bool = True
    """Whether the rule is active."""


class FlowRuleProvider(_InterfaceRuleProvider):
    product = MSE
    kind = "flow rule"
    id_output = "rule_id"
    fields = _INTERFACE_FIELDS + ("threshold", "control_behavior", "max_queueing_time_ms", "enabled")
    replace_fields = _INTERFACE_IDENTITY
    required = ("region", "namespace", "app_name", "resource", "threshold")
    list_action = "ListFlowRules"
    create_action = "CreateFlowRule"
    update_action = "UpdateFlowRule"
    delete_action = "DeleteFlowRules"

    def rule_params(self, inputs):
        return {
            "Threshold": inputs["threshold"],
            "ControlBehavior": inputs.get("control_behavior"),
            "MaxQueueingTimeMs": inputs.get("max_queueing_time_ms"),
            "Enable": bool(inputs.get("enabled", True)),
        }


class FlowRule(pulumi.dynamic.Resource, module="mse", name="FlowRule"):
    """MSE flow-control rule for one interface."""

    rule_id: pulumi.Output[str]
    """Server-side id of the rule."""

    def __init__(self, resource_name: str, args: FlowRuleArgs, opts: pulumi.ResourceOptions | None = None):
        if args.control_behavior == 2 and not args.max_queueing_time_ms:
            raise ValueError(
                f"FlowRule {resource_name}: control_behavior 2 (queue) needs max_queueing_time_ms"
            )
        props = {
            "region": args.region, "namespace": args.namespace, "app_name": args.app_name,
            "app_id": args.app_id, "resource": args.resource, "resource_type": args.resource_type,
            "threshold": args.threshold, "control_behavior": args.control_behavior,
            "max_queueing_time_ms": args.max_queueing_time_ms, "enabled": args.enabled,
            "rule_id": None,
        }
        super().__init__(_FLOW_PROVIDER, resource_name, props, opts)


# One stateless provider object per kind. They hold no attributes, so the pickled provider is a
# reference to the class (see components/openapi/provider.py).
_LANE_GROUP_PROVIDER = LaneGroupProvider()
_LANE_PROVIDER = LaneProvider()
_SERVICE_AUTH_PROVIDER = ServiceAuthRuleProvider()
_DEGRADATION_PROVIDER = DegradationRuleProvider()
_FLOW_PROVIDER = FlowRuleProvider()
