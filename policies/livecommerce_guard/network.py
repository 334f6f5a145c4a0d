"""Network and cross-cutting rules: security groups and NAT DNAT entries keep admin ports off the
internet, NAT gateways are deletion-protected, and taggable resources carry the required tags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._base import Subject, get, is_map, resource_rule, str_list_schema, truthy

SECURITY_GROUP_RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule"
NAT_GATEWAY = "alicloud:vpc/natGateway:NatGateway"
FORWARD_ENTRY = "alicloud:vpc/forwardEntry:ForwardEntry"
ADMIN_PORTS = (22, 3389, 2379, 6443, 10250, 10255)
PUBLIC_CIDRS = frozenset({"0.0.0.0/0", "::/0"})

# Types whose args accept `tags` (alicloud-api.md section 9) and that the platform creates.
TAGGABLE = (
    "alicloud:vpc/network:Network",
    "alicloud:vpc/switch:Switch",
    "alicloud:vpc/natGateway:NatGateway",
    "alicloud:ecs/eipAddress:EipAddress",
    "alicloud:ecs/securityGroup:SecurityGroup",
    "alicloud:cs/managedKubernetes:ManagedKubernetes",
    "alicloud:cs/nodePool:NodePool",
    "alicloud:mse/cluster:Cluster",
    "alicloud:arms/prometheus:Prometheus",
    "alicloud:arms/environment:Environment",
    "alicloud:arms/syntheticTask:SyntheticTask",
    "alicloud:arms/grafanaWorkspace:GrafanaWorkspace",
    "alicloud:eci/virtualNode:VirtualNode",
    "alicloud:message/serviceQueue:ServiceQueue",
    "alicloud:fc/v3Function:V3Function",
    "alicloud:oss/bucket:Bucket",
    "alicloud:ram/role:Role",
    "alicloud:ram/policy:Policy",
    "alicloud:log/project:Project",
    "alicloud:kms/key:Key",
    # The data layer (policies/livecommerce_guard/data.py).
    "alicloud:rocketmq/rocketMQInstance:RocketMQInstance",
    "alicloud:redis/tairInstance:TairInstance",
    "alicloud:polardb/cluster:Cluster",
    "alicloud:kms/secret:Secret",
)


def port_range(value: Any) -> tuple[int, int]:
    """'22/22' -> (22, 22); '-1/-1' or absent -> all ports."""
    try:
        lo, hi = (int(x) for x in str(value).split("/"))
    except ValueError:
        return (1, 65535)
    if lo < 0 or hi < 0:
        return (1, 65535)
    return (lo, hi)


def check_public_admin_ports(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """NET-04: no internet ingress to SSH, RDP, etcd, the API server or the kubelet, nor to all ports."""
    p = subject.props
    if str(get(p, "type", default="")) != "ingress" or str(get(p, "policy", default="accept")) == "drop":
        return []
    if (
        str(get(p, "cidrIp", default="")) not in PUBLIC_CIDRS
        and str(get(p, "ipv6CidrIp", default="")) not in PUBLIC_CIDRS
    ):
        return []
    protocol = str(get(p, "ipProtocol", default="all")).lower()
    if protocol not in ("tcp", "udp", "all"):
        return []
    lo, hi = port_range(get(p, "portRange", default="-1/-1"))
    if protocol == "all" or (lo, hi) == (1, 65535):
        return ["the rule opens every port to the internet"]
    exposed = [port for port in ADMIN_PORTS if lo <= port <= hi]
    return [f"the rule opens admin port(s) {', '.join(map(str, exposed))} to the internet"] if exposed else []


def dnat_ports(value: Any) -> tuple[int, int]:
    """A DNAT port field: '22', '10/20' (a range) or 'any' (vpc/forward_entry.py external_port docs)."""
    text = str(value if value is not None else "any").strip().lower()
    if text in ("any", "", "-1", "-1/-1"):
        return (1, 65535)
    try:
        lo, _, hi = text.partition("/")
        lo_n, hi_n = int(lo), int(hi or lo)
    except ValueError:
        return (1, 65535)
    return (min(lo_n, hi_n), max(lo_n, hi_n))


def check_dnat_admin_ports(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """NET-05: a DNAT entry publishes an internal port on the NAT gateway's EIP to the whole internet: never
    an admin port (SSH, RDP, etcd, API server, kubelet) on either side of the mapping, never every port."""
    p = subject.props
    if str(get(p, "ipProtocol", default="any")).strip().lower() == "any":
        return ["the entry forwards every port and protocol of the EIP (ipProtocol any)"]
    problems = []
    for side in ("externalPort", "internalPort"):
        lo, hi = dnat_ports(get(p, side))
        if (lo, hi) == (1, 65535):
            problems.append(f"{side} forwards every port")
            continue
        exposed = [port for port in ADMIN_PORTS if lo <= port <= hi]
        if exposed:
            problems.append(f"{side} publishes admin port(s) {', '.join(map(str, exposed))} to the internet")
    return problems


def check_nat_deletion_protection(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """NET-03: losing the NAT gateway cuts all node and FC egress (provider default: off)."""
    return [] if truthy(get(subject.props, "deletionProtection")) else ["deletionProtection is not on"]


def check_tags(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """GEN-01: required tag keys present with non-empty values."""
    required = list(cfg.get("requiredTags", ["env"]))
    tags = get(subject.props, "tags", default={})
    tags = tags if is_map(tags) else {}
    missing = [k for k in required if not str(tags.get(k) or "").strip()]
    return [f"tag(s) {', '.join(missing)} missing or empty"] if missing else []


POLICIES = [
    resource_rule(
        "alicloud-ecs-securitygrouprule-disallow-public-admin-ports",
        "Security group rules must not open admin ports (SSH, RDP, etcd, API server, kubelet) or all ports "
        "to 0.0.0.0/0.",
        types=[SECURITY_GROUP_RULE],
        severity=Severity.CRITICAL,
        anchors=["CKV_ALI_2", "CKV_ALI_3", "KICS:2ae9d554"],
        fix="restrict cidr_ip to the VPC or a bastion range, or use source_security_group_id",
        check=check_public_admin_ports,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    resource_rule(
        "alicloud-vpc-forwardentry-disallow-admin-ports",
        "NAT DNAT entries must not publish admin ports (SSH, RDP, etcd, API server, kubelet) or every port "
        "of the EIP to the internet.",
        types=[FORWARD_ENTRY],
        severity=Severity.CRITICAL,
        anchors=["CKV_ALI_2 (analog)", "CKV_ALI_3 (analog)", "KICS:2ae9d554 (analog)"],
        fix="remove the DNAT entry and reach hosts through a bastion or Cloud Assistant; publish only the "
        "service port (443) of a host that must be public",
        check=check_dnat_admin_ports,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    resource_rule(
        "alicloud-vpc-natgateway-enable-deletion-protection",
        "NAT gateways must have deletion protection: losing one cuts all egress and changes the egress IP.",
        types=[NAT_GATEWAY],
        severity=Severity.LOW,
        anchors=["awsguard:elb-deletion-protection-enabled (analog)"],
        fix="set deletion_protection=True on vpc.NatGateway",
        check=check_nat_deletion_protection,
    ),
    resource_rule(
        "alicloud-all-resource-require-tags",
        "Taggable Alibaba Cloud resources must carry the required tags (cost allocation, ownership).",
        types=TAGGABLE,
        severity=Severity.LOW,
        anchors=["kube-linter:required-label-owner (analog)", "compliance-policies:configure-recommended-labels"],
        fix="pass tags with every required key (a stack transform can inject them)",
        check=check_tags,
        config={"requiredTags": str_list_schema(["env"], "tag keys every taggable resource must carry")},
    ),
]
