"""API-side contracts: what the cloud refuses although the provider lets it through.

The provider validates only what its schema declares; the APIs behind it refuse more (a network plug-in
CreateCluster requires, an archive period ARMS accepts only in five sizes, a field required together with
another). Each rule here is one function, registered with ``@rule``, that names its resource type(s) and the
document or SDK model it comes from, and returns ``(path, our value, what is accepted)`` for every problem.

Adding a rule (docs/contracts.md): write a function ``(resource, index) -> list[Problem]`` with
``@rule("<id>", "<type token>", source="<file:line or URL>")``, add a plan to tests/contracts/ that breaks it
with its exact expected line, and record the fact in docs/provider-quirks.md.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from livecommerce.contracts.check import UNKNOWN
from livecommerce.plan import SECRET

Problem = tuple[str, str, str]  # (path, our value, what is accepted)

CLUSTER = "alicloud:cs/managedKubernetes:ManagedKubernetes"
NODE_POOL = "alicloud:cs/nodePool:NodePool"
PROMETHEUS = "alicloud:arms/prometheus:Prometheus"
ROBOT = "alicloud:arms/alertRobot:AlertRobot"
SNAT_ENTRY = "alicloud:vpc/snatEntry:SnatEntry"
RESOURCE_POLICY = "kubernetes:scheduling.alibabacloud.com/v1alpha1:ResourcePolicy"


class PlanIndex:
    """The plan's custom resources by type, for rules that look beyond one resource."""

    def __init__(self, resources: Sequence[Mapping[str, Any]]):
        self.by_type: dict[str, list[Mapping[str, Any]]] = {}
        for r in resources:
            self.by_type.setdefault(str(r["type"]), []).append(r)

    def of(self, token: str) -> list[Mapping[str, Any]]:
        return self.by_type.get(token, [])


@dataclass(frozen=True)
class Rule:
    id: str
    types: tuple[str, ...]
    source: str
    check: Callable[[Mapping[str, Any], PlanIndex], list[Problem]]


RULES: list[Rule] = []


def rule(rule_id: str, *types: str, source: str) -> Callable:
    def register(fn: Callable[[Mapping[str, Any], PlanIndex], list[Problem]]) -> Callable:
        RULES.append(Rule(rule_id, types, source, fn))
        return fn

    return register


def _by_type() -> dict[str, list[Rule]]:
    out: dict[str, list[Rule]] = {}
    for r in RULES:
        for t in r.types:
            out.setdefault(t, []).append(r)
    return out


def covers(token: str) -> bool:
    return token in _BY_TYPE


def violations(res: Mapping[str, Any], index: PlanIndex) -> list[tuple[str, str, str, str, str]]:
    """(path, value, accepts, source, rule) of every hand-written rule of the resource's type."""
    out = []
    for r in _BY_TYPE.get(str(res["type"]), []):
        for path, value, accepts in r.check(res, index):
            out.append((path, value, accepts, r.source, f"api:{r.id}"))
    return out


def _known(value: Any) -> bool:
    return value is not None and value not in (UNKNOWN, SECRET)


def _inputs(res: Mapping[str, Any]) -> Mapping[str, Any]:
    return res.get("inputs") or {}


def _set(value: Any) -> bool:
    return value is not None and value != "" and value != []


# --------------------------------------------------------------------------------------------------
# ACK

#: Network plug-ins CreateCluster accepts in `addons` (CS SDK CreateClusterRequest.addons; TF docs :508-509).
TERWAY = ("terway-eniip", "terway-eni", "terway-eniip-ipvlan")
FLANNEL = ("flannel",)


@rule("ack-network-plugin", CLUSTER,
      source="alibabacloud_cs20151215 7.2.3 CreateClusterRequest.addons (\"Network component: Required\"); "
             "TF website/docs/r/cs_managed_kubernetes.html.markdown:508-509")
def network_plugin(res: Mapping[str, Any], _index: PlanIndex) -> list[Problem]:
    """CreateCluster needs a network plug-in in `addons`: Terway with pod vSwitches, or Flannel with a pod CIDR."""
    i = _inputs(res)
    addons = i.get("addons")
    if addons in (UNKNOWN, SECRET) or (isinstance(addons, list) and any(not isinstance(a, dict) for a in addons)):
        return []
    names = [a.get("name") for a in addons or [] if isinstance(a, dict) and not a.get("disabled")]
    if any(n in (UNKNOWN, SECRET) for n in names):
        return []
    shown = json.dumps(names) if names else "(no network plug-in)"
    if _set(i.get("podVswitchIds")) and not any(n in TERWAY for n in names):
        return [("addons", shown, "a Terway network plug-in (addons name terway-eniip) with podVswitchIds")]
    if _set(i.get("podCidr")) and not any(n in FLANNEL for n in names):
        return [("addons", shown, "the Flannel network plug-in (addons name flannel) with podCidr")]
    if not any(n in TERWAY + FLANNEL for n in names):
        return [("addons", shown, "a network plug-in: terway-eniip (with podVswitchIds) or flannel (with podCidr)")]
    return []


@rule("ack-version-with-auto-upgrade", CLUSTER,
      source="TF website/docs/r/cs_managed_kubernetes.html.markdown:437,577-579")
def version_with_auto_upgrade(res: Mapping[str, Any], _index: PlanIndex) -> list[Problem]:
    """"Do not specify [version] if cluster auto upgrade is enabled"."""
    i = _inputs(res)
    upgrade = ((i.get("operationPolicy") or {}).get("clusterAutoUpgrade") or {}) \
        if isinstance(i.get("operationPolicy"), dict) else {}
    if upgrade.get("enabled") is True and _set(i.get("version")) and _known(i.get("version")):
        return [("version", f'"{i["version"]}"', "not set while operationPolicy.clusterAutoUpgrade.enabled is true")]
    return []


@rule("ack-snat-beside-own-nat", CLUSTER,
      source="TF alicloud/resource_alicloud_cs_managed_kubernetes.go:257-261,1018-1020")
def snat_beside_own_nat(res: Mapping[str, Any], index: PlanIndex) -> list[Problem]:
    """Without newNatGateway the provider sends its default SnatEntry=true: ACK builds NAT + SNAT of its own
    beside the stack's SNAT entries."""
    if "newNatGateway" in _inputs(res) or not index.of(SNAT_ENTRY):
        return []
    return [("newNatGateway", "(not set: the provider sends SnatEntry=true)",
             f"false when the stack declares its own SNAT entries ({len(index.of(SNAT_ENTRY))})")]


@rule("ack-node-pool-login", NODE_POOL,
      source="TF website/docs/r/cs_kubernetes_node_pool.html.markdown:745 (one of password and key_name), "
             ":729 (managed pools: only key_name)")
def node_pool_login(res: Mapping[str, Any], _index: PlanIndex) -> list[Problem]:
    i = _inputs(res)
    key, password = i.get("keyName"), i.get("password") or i.get("kmsEncryptedPassword")
    if not _set(key) and not _set(password):
        return [("keyName", "(not set)", "keyName or password (managed pools: keyName)")]
    managed = isinstance(i.get("management"), dict) and i["management"].get("enable") is True
    if managed and not _set(key):
        return [("keyName", "(not set; password given)", "keyName: a managed node pool takes only a key pair")]
    return []


@rule("k8s-resource-policy-match-label-keys", RESOURCE_POLICY,
      source="ACK \"Customize elastic resource priority scheduling\", https://www.alibabacloud.com/help/en/ack/"
             "ack-managed-and-ack-dedicated/user-guide/configure-priority-based-resource-scheduling")
def match_label_keys_need_max(res: Mapping[str, Any], _index: PlanIndex) -> list[Problem]:
    """`matchLabelKeys` "must be used with `max` in `units`"."""
    spec = _inputs(res).get("spec")
    if not isinstance(spec, dict) or not spec.get("matchLabelKeys") or not _known(spec.get("matchLabelKeys")):
        return []
    units = spec.get("units") if isinstance(spec.get("units"), list) else []
    if any(isinstance(u, dict) and "max" in u for u in units):
        return []
    keys = spec["matchLabelKeys"]
    return [("spec.matchLabelKeys", str(keys).replace("'", '"'), "used only together with max in spec.units")]


# --------------------------------------------------------------------------------------------------
# ARMS

ARCHIVE_DAYS = (0, 60, 90, 180, 365)


@rule("arms-prometheus-archive-duration", PROMETHEUS,
      source="alibabacloud_arms20190808 10.1.0 CreatePrometheusInstanceRequest.archive_duration; "
             "TF website/docs/r/arms_prometheus.html.markdown:86")
def prometheus_archive(res: Mapping[str, Any], _index: PlanIndex) -> list[Problem]:
    value = _inputs(res).get("archiveDuration")
    if value is None or not _known(value) or value in ARCHIVE_DAYS:
        return []
    return [("archiveDuration", str(value), "one of 0, 60, 90, 180, 365 (days archived after duration)")]


_TIMES = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(,([01]\d|2[0-3]):[0-5]\d)*$")


@rule("arms-robot-daily-noc-time", ROBOT,
      source="alibabacloud_arms20190808 10.1.0 models/_create_or_update_imrobot_request.py:22-29; "
             "TF alicloud/resource_alicloud_arms_alert_robot.go:58-64")
def robot_daily_noc(res: Mapping[str, Any], _index: PlanIndex) -> list[Problem]:
    """DailyNoc=true requires DailyNocTime (comma-separated HH:MM); the provider's own check never fires."""
    i = _inputs(res)
    if i.get("dailyNoc") is not True:
        return []
    times = i.get("dailyNocTime")
    if not _known(times) and times is not None:
        return []
    if not isinstance(times, str) or not _TIMES.match(times):
        shown = "(not set)" if times is None else f'"{times}"'
        return [("dailyNocTime", shown, "comma-separated HH:MM times, required when dailyNoc is true")]
    return []


# --------------------------------------------------------------------------------------------------
# VPC

VPC = "alicloud:vpc/network:Network"
VSWITCH = "alicloud:vpc/switch:Switch"
_PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


def _network(value: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    """The network of a CIDR written as its own network address, else None."""
    if not isinstance(value, str):
        return None
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError:
        return None
    return net if str(net) == value else None


def _cidr_problem(value: Any, low: int, high: int) -> str | None:
    net = _network(value)
    if net is None:
        return "a CIDR block written as its network address (e.g. 10.0.0.0/16)"
    if not low <= net.prefixlen <= high:
        return f"a prefix length from /{low} to /{high}"
    return None


@rule("vpc-cidr-block", VPC,
      source="VPC CreateVpc CidrBlock (\"The subnet mask must be 8 to 28 bits\"), "
             "https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-createvpc")
def vpc_cidr(res: Mapping[str, Any], _index: PlanIndex) -> list[Problem]:
    value = _inputs(res).get("cidrBlock")
    if value is None or not _known(value):
        return []
    problem = _cidr_problem(value, 8, 28)
    return [("cidrBlock", f'"{value}"', problem)] if problem else []


@rule("vswitch-cidr-block", VSWITCH,
      source="VPC CreateVSwitch CidrBlock (mask /16 to /29, inside the VPC's CIDR block), "
             "https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-createvswitch")
def vswitch_cidr(res: Mapping[str, Any], index: PlanIndex) -> list[Problem]:
    value = _inputs(res).get("cidrBlock")
    if value is None or not _known(value):
        return []
    problem = _cidr_problem(value, 16, 29)
    if problem:
        return [("cidrBlock", f'"{value}"', problem)]
    vpc_urns = set((res.get("propertyDependencies") or {}).get("vpcId") or [])
    for vpc in index.of(VPC):
        parent = _network(_inputs(vpc).get("cidrBlock"))
        if vpc.get("urn") in vpc_urns and parent is not None and not _network(value).subnet_of(parent):  # type: ignore[union-attr,arg-type]
            return [("cidrBlock", f'"{value}"', f"a block inside its VPC's {parent}")]
    return []


@rule("ack-service-cidr", CLUSTER,
      source="alibabacloud_cs20151215 7.2.3 CreateClusterRequest.service_cidr (10.0.0.0/16-24, "
             "172.16-31.0.0/16-24, 192.168.0.0/16-24; no overlap with the VPC)")
def service_cidr(res: Mapping[str, Any], index: PlanIndex) -> list[Problem]:
    value = _inputs(res).get("serviceCidr")
    if value is None or not _known(value):
        return []
    net = _network(value)
    if net is None or net.version != 4 or not any(net.subnet_of(p) for p in _PRIVATE) \
            or not 16 <= net.prefixlen <= 24:
        return [("serviceCidr", f'"{value}"', "a private block from /16 to /24 in 10.0.0.0/8, 172.16.0.0/12 or "
                 "192.168.0.0/16")]
    for vpc in index.of(VPC):
        other = _network(_inputs(vpc).get("cidrBlock"))
        if other is not None and other.version == 4 and net.overlaps(other):
            return [("serviceCidr", f'"{value}"', f"a block that does not overlap the VPC's {other}")]
    return []



# --------------------------------------------------------------------------------------------------
# The data layer (issue 13)

CONSUMER_GROUP = "alicloud:rocketmq/consumerGroup:ConsumerGroup"
TAIR = "alicloud:redis/tairInstance:TairInstance"
POLARDB = "alicloud:polardb/cluster:Cluster"
#: Retry policies CreateConsumerGroup accepts for each delivery order.
RETRY_FOR_ORDER = {"Orderly": "FixedRetryPolicy", "Concurrently": "DefaultRetryPolicy"}


@rule("rocketmq-retry-policy-delivery-order", CONSUMER_GROUP,
      source="alibabacloud_rocketmq20220801 5.1.0 models/_create_consumer_group_request.py:122-128 "
             "(FixedRetryPolicy only for ordered, DefaultRetryPolicy only for concurrent delivery)")
def retry_policy_delivery_order(res: Mapping[str, Any], _index: PlanIndex) -> list[Problem]:
    i = _inputs(res)
    order = i.get("deliveryOrderType")
    policy = (i.get("consumeRetryPolicy") or {}).get("retryPolicy") if isinstance(i.get("consumeRetryPolicy"),
                                                                                   dict) else None
    if not (isinstance(order, str) and isinstance(policy, str)) or not (_known(order) and _known(policy)) \
            or order not in RETRY_FOR_ORDER:
        return []
    if policy != RETRY_FOR_ORDER[order]:
        return [("consumeRetryPolicy.retryPolicy", f'"{policy}"',
                 f"{RETRY_FOR_ORDER[order]} with deliveryOrderType {order}")]
    return []


@rule("tair-create-tags", TAIR,
      source="alibabacloud_r_kvstore20150101 7.0.0 CreateTairInstanceRequest.Tag (\"up to 5 tag key-value pairs "
             "at a time\")")
def tair_create_tags(res: Mapping[str, Any], _index: PlanIndex) -> list[Problem]:
    tags = _inputs(res).get("tags")
    if isinstance(tags, dict) and len(tags) > 5:
        return [("tags", f"{len(tags)} tags", "at most 5 tags when the instance is created")]
    return []


@rule("polardb-deletion-lock-prepaid", POLARDB,
      source="TF website/docs/r/polardb_cluster.html.markdown:169 (deletion_lock cannot be modified when pay_type is "
             "PrePaid)")
def polardb_deletion_lock(res: Mapping[str, Any], _index: PlanIndex) -> list[Problem]:
    i = _inputs(res)
    if i.get("payType") == "PrePaid" and _known(i.get("deletionLock")) and i.get("deletionLock") is not None:
        return [("deletionLock", str(i["deletionLock"]), "not set on a PrePaid cluster (only PostPaid clusters take "
                 "the lock)")]
    return []

_BY_TYPE = _by_type()
