"""The platform network: a VPC, per zone a node vSwitch and a Terway pod vSwitch, and an enhanced NAT
gateway with an EIP and one SNAT entry per vSwitch, so nodes and pods reach the internet without
public IPs of their own.

The CIDR plan is a pure function (`plan_cidrs`), tested apart from the resources that use it.
"""

from __future__ import annotations

import ipaddress
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated

import pulumi
import pulumi_alicloud as alicloud
from pydantic import BaseModel, ConfigDict, Field, field_validator

# Alibaba Cloud reserves the first and the last three addresses of every vSwitch.
# https://www.alibabacloud.com/help/en/vpc/user-guide/create-and-manage-vswitch
VSWITCH_RESERVED = 4
# vSwitch masks allowed by VPC: /16 (largest) to /29 (smallest).
VSWITCH_MIN_PREFIX, VSWITCH_MAX_PREFIX = 16, 29
# Terway ENI-IP: a node takes a few IPs from the pod vSwitch for its ENIs besides its pods.
TERWAY_ENI_OVERHEAD_PER_NODE = 2

Cidr = Annotated[str, Field(pattern=r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$")]


class NetworkSettings(BaseModel):
    """The network of one environment."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    vpc_cidr: Cidr = "10.0.0.0/16"
    """The VPC's IPv4 range; node and pod vSwitches are carved from it. Must not overlap `service_cidr`."""
    zones: list[str] = Field(min_length=1)
    """Zone ids in the stack's region, e.g. [cn-hangzhou-h, cn-hangzhou-i, cn-hangzhou-j]. Prod needs at
    least 3 (one zone lost must not stop the platform); dev may use 1."""
    service_cidr: Cidr = "172.16.0.0/16"
    """The Kubernetes Service range (cluster IPs). It lives outside the VPC and must not overlap it."""
    max_nodes: int = Field(default=100, ge=1, le=5000)
    """Most ECS nodes the cluster may ever run across all zones; sizes the node vSwitches."""
    max_pods_per_node: int = Field(default=64, ge=8, le=256)
    """Most pods per node (Terway ENI-IP); with `max_nodes`, sizes the pod vSwitches."""
    nat_eip_bandwidth_mbps: int = Field(default=200, ge=1, le=10000)
    """Peak bandwidth of the NAT gateway's EIP (pay by traffic), in Mbps."""
    deletion_protection: bool = True
    """Deletion protection on the NAT gateway, and `protect` on the VPC, NAT gateway and EIP: losing them
    cuts all egress and changes the egress IP partners allow-list. Dev may turn it off."""

    @field_validator("zones")
    @classmethod
    def _distinct_zones(cls, zones: list[str]) -> list[str]:
        if len(set(zones)) != len(zones):
            dupes = sorted({z for z in zones if zones.count(z) > 1})
            raise ValueError(f"zones must be distinct; repeated: {', '.join(dupes)}")
        return zones

    @field_validator("vpc_cidr", "service_cidr")
    @classmethod
    def _valid_network(cls, value: str) -> str:
        try:
            ipaddress.ip_network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"{value} is not a network address with a prefix ({exc}); "
                             "e.g. 10.0.0.0/16 (host bits must be zero)") from None
        return value


@dataclass(frozen=True)
class ZonePlan:
    zone: str
    node_cidr: str
    pod_cidr: str


@dataclass(frozen=True)
class CidrPlan:
    """Where every address range goes."""

    vpc_cidr: str
    service_cidr: str
    zones: tuple[ZonePlan, ...]


class CidrPlanError(ValueError):
    """The requested plan cannot be laid out; the message says which setting to change."""


def prefix_for(addresses: int) -> int:
    """The longest vSwitch prefix that holds `addresses` usable addresses plus the reserved ones."""
    needed = addresses + VSWITCH_RESERVED
    prefix = 32 - max(3, math.ceil(math.log2(needed)))
    return min(prefix, VSWITCH_MAX_PREFIX)


def check_no_overlap(named: Mapping[str, str]) -> None:
    """Raise CidrPlanError naming the first two ranges that overlap."""
    nets = sorted(((ipaddress.ip_network(c), n) for n, c in named.items()), key=lambda t: (t[0], t[1]))
    for (a, an), (b, bn) in itertools.pairwise(nets):
        if a.overlaps(b):
            raise CidrPlanError(f"{an} ({a}) overlaps {bn} ({b})")


def plan_cidrs(vpc_cidr: str, zones: list[str], *, max_nodes: int, max_pods_per_node: int,
               service_cidr: str) -> CidrPlan:
    """Lay out one node and one pod vSwitch per zone inside the VPC.

    Each zone must hold all nodes of a zone-sized share (ceil(max_nodes / zones)) so losing a zone
    leaves room to reschedule; pod vSwitches hold those nodes' pods plus Terway's ENI overhead.
    Ranges are allocated largest first, aligned, from the bottom of the VPC, so the layout is compact
    and stable for a given input.
    """
    if not zones:
        raise CidrPlanError("zones: at least one zone is needed")
    vpc = ipaddress.ip_network(vpc_cidr)
    svc = ipaddress.ip_network(service_cidr)
    if vpc.overlaps(svc):
        raise CidrPlanError(f"service_cidr {svc} overlaps vpc_cidr {vpc}; pick a range outside the VPC, "
                            "e.g. 172.16.0.0/16 for a 10.x VPC")
    nodes_per_zone = math.ceil(max_nodes / len(zones))
    pods_per_zone = nodes_per_zone * (max_pods_per_node + TERWAY_ENI_OVERHEAD_PER_NODE)
    pod_prefix, node_prefix = prefix_for(pods_per_zone), prefix_for(nodes_per_zone)
    if pod_prefix < VSWITCH_MIN_PREFIX:
        raise CidrPlanError(f"a pod vSwitch would need /{pod_prefix} for {pods_per_zone} pod IPs per zone, larger "
                            f"than the /{VSWITCH_MIN_PREFIX} a vSwitch allows; add zones or lower max_nodes / "
                            "max_pods_per_node")
    wanted = [(pod_prefix, z, "pod") for z in zones] + [(node_prefix, z, "node") for z in zones]
    total = sum(2 ** (32 - p) for p, _, _ in wanted)
    if total > vpc.num_addresses:
        need = 32 - math.ceil(math.log2(total))
        raise CidrPlanError(f"vpc_cidr {vpc} has {vpc.num_addresses} addresses but {len(zones)} zone(s) with "
                            f"max_nodes={max_nodes} and max_pods_per_node={max_pods_per_node} need {total}; "
                            f"use a /{need} or larger VPC, or lower max_nodes / max_pods_per_node")
    cursor = int(vpc.network_address)
    assigned: dict[tuple[str, str], str] = {}
    # Largest blocks first keeps every block aligned without gaps.
    for prefix, zone, role in sorted(wanted, key=lambda t: (t[0], t[2] != "pod", zones.index(t[1]))):
        size = 2 ** (32 - prefix)
        cursor = (cursor + size - 1) // size * size
        net = ipaddress.ip_network((cursor, prefix))
        if not net.subnet_of(vpc):  # pragma: no cover - excluded by the total-size check above
            raise CidrPlanError(f"vpc_cidr {vpc} is too small for the plan")
        assigned[(zone, role)] = str(net)
        cursor += size
    plan = CidrPlan(
        vpc_cidr=str(vpc), service_cidr=str(svc),
        zones=tuple(ZonePlan(z, assigned[(z, "node")], assigned[(z, "pod")]) for z in zones),
    )
    validate_plan(plan)
    return plan


def validate_plan(plan: CidrPlan) -> None:
    """Every vSwitch inside the VPC, none overlapping each other or the Service range."""
    vpc = ipaddress.ip_network(plan.vpc_cidr)
    named: dict[str, str] = {"service_cidr": plan.service_cidr}
    for z in plan.zones:
        for role, cidr in (("node", z.node_cidr), ("pod", z.pod_cidr)):
            net = ipaddress.ip_network(cidr)
            if not net.subnet_of(vpc):
                raise CidrPlanError(f"{z.zone} {role} vSwitch {net} is outside vpc_cidr {vpc}")
            if not VSWITCH_MIN_PREFIX <= net.prefixlen <= VSWITCH_MAX_PREFIX:
                raise CidrPlanError(f"{z.zone} {role} vSwitch {net}: mask must be /16 to /29")
            named[f"{z.zone} {role} vSwitch"] = cidr
    check_no_overlap(named)



class WhitelistError(ValueError):
    """A whitelist that is open to the internet or leaves a workload range out; the message names which."""


def client_cidrs(plan: CidrPlan) -> list[str]:
    """The ranges platform workloads connect from: every zone's node vSwitch (nodes, host-network pods)
    and pod vSwitch (Terway gives each pod an address of its zone's pod vSwitch, so a whitelist holding
    only node ranges refuses every pod). Adjacent ranges are merged without widening the address set,
    and the result is sorted, so a database whitelist is short and stable for a given plan."""
    nets = [ipaddress.ip_network(c) for z in plan.zones for c in (z.node_cidr, z.pod_cidr)]
    return [str(n) for n in ipaddress.collapse_addresses(nets)]


def check_whitelist(entries: list[str], plan: CidrPlan) -> None:
    """Raise WhitelistError unless `entries` stay inside the VPC (never 0.0.0.0/0 or a public range) and
    together cover every node and pod vSwitch of the plan."""
    vpc = ipaddress.ip_network(plan.vpc_cidr)
    nets = []
    for entry in entries:
        try:
            net = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise WhitelistError(f"whitelist entry {entry!r} is not an IPv4 address or CIDR block") from None
        if net.version != 4 or not net.subnet_of(vpc):  # type: ignore[arg-type]
            raise WhitelistError(f"whitelist entry {entry} is outside vpc_cidr {vpc}: only the platform's own "
                                 "node and pod vSwitches may connect")
        nets.append(net)
    # Collapsed, the entries are the maximal aligned blocks of their union, so an aligned vSwitch range
    # inside the union lies inside one of them, however the entries split it.
    merged = list(ipaddress.collapse_addresses(nets))  # type: ignore[arg-type]
    for z in plan.zones:
        for role, cidr in (("node", z.node_cidr), ("pod", z.pod_cidr)):
            need = ipaddress.ip_network(cidr)
            if not any(need.subnet_of(n) for n in merged):  # type: ignore[arg-type]
                raise WhitelistError(f"whitelist does not cover the {z.zone} {role} vSwitch {need}; "
                                     "workloads there would be refused")


# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class NetworkArgs:
    """Inputs of the Network component."""

    env: str
    settings: NetworkSettings
    tags: Mapping[str, str]


class Network(pulumi.ComponentResource):
    """VPC, node and pod vSwitches per zone, enhanced NAT gateway with EIP and SNAT for every vSwitch."""

    vpc_id: pulumi.Output[str]
    """The VPC id."""
    node_vswitch_ids: list[pulumi.Output[str]]
    """Node vSwitch ids, in zone order."""
    pod_vswitch_ids: list[pulumi.Output[str]]
    """Terway pod vSwitch ids, in zone order."""
    zones: list[str]
    """The zones, in the order of the vSwitch lists."""
    plan: CidrPlan
    """The CIDR plan the vSwitches were built from."""
    nat_gateway_id: pulumi.Output[str]
    """The enhanced NAT gateway id."""
    egress_ip: pulumi.Output[str]
    """The public IP all egress leaves from (for allow-lists elsewhere)."""

    def __init__(self, name: str, args: NetworkArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:network:Network", name, None, opts)
        s = args.settings
        tags = dict(args.tags)
        self.zones = list(s.zones)
        self.plan = plan_cidrs(s.vpc_cidr, list(s.zones), max_nodes=s.max_nodes,
                               max_pods_per_node=s.max_pods_per_node, service_cidr=s.service_cidr)
        child = pulumi.ResourceOptions(parent=self)

        # Stateful egress pieces: the VPC (everything lives in it), the NAT gateway and its EIP (partners
        # allow-list the egress IP). Protected when the environment asks for deletion protection.
        keep = pulumi.ResourceOptions(parent=self, protect=s.deletion_protection)
        vpc = alicloud.vpc.Network(f"{name}-vpc", vpc_name=f"livecommerce-{args.env}", cidr_block=s.vpc_cidr,
                                   description=f"livecommerce {args.env} platform network", tags=tags,
                                   opts=keep)
        node_switches: dict[str, alicloud.vpc.Switch] = {}
        pod_switches: dict[str, alicloud.vpc.Switch] = {}
        for zp in self.plan.zones:
            node_switches[zp.zone] = alicloud.vpc.Switch(
                f"{name}-node-{zp.zone}", vpc_id=vpc.id, zone_id=zp.zone, cidr_block=zp.node_cidr,
                vswitch_name=f"livecommerce-{args.env}-node-{zp.zone}", tags={**tags, "role": "node"},
                opts=child)
            pod_switches[zp.zone] = alicloud.vpc.Switch(
                f"{name}-pod-{zp.zone}", vpc_id=vpc.id, zone_id=zp.zone, cidr_block=zp.pod_cidr,
                vswitch_name=f"livecommerce-{args.env}-pod-{zp.zone}", tags={**tags, "role": "pod"},
                opts=child)

        # The enhanced NAT gateway lives in the first zone's node vSwitch; it adds the 0.0.0.0/0 route itself.
        nat = alicloud.vpc.NatGateway(
            f"{name}-nat", vpc_id=vpc.id, vswitch_id=node_switches[self.zones[0]].id, nat_type="Enhanced",
            payment_type="PayAsYouGo", internet_charge_type="PayByLcu", network_type="internet",
            nat_gateway_name=f"livecommerce-{args.env}-nat", eip_bind_mode="NAT",
            deletion_protection=s.deletion_protection, tags=tags, opts=keep)
        eip = alicloud.ecs.EipAddress(
            f"{name}-nat-eip", address_name=f"livecommerce-{args.env}-nat", payment_type="PayAsYouGo",
            internet_charge_type="PayByTraffic", bandwidth=str(s.nat_eip_bandwidth_mbps), isp="BGP",
            deletion_protection=s.deletion_protection, tags=tags, opts=keep)
        assoc = alicloud.ecs.EipAssociation(f"{name}-nat-eip-association", allocation_id=eip.id,
                                            instance_id=nat.id, instance_type="Nat", opts=child)
        # One SNAT entry per vSwitch, nodes and pods alike; they need the EIP bound first.
        for role, switches in (("node", node_switches), ("pod", pod_switches)):
            for zone, sw in switches.items():
                alicloud.vpc.SnatEntry(
                    f"{name}-snat-{role}-{zone}", snat_table_id=nat.snat_table_ids, source_vswitch_id=sw.id,
                    snat_ip=eip.ip_address, snat_entry_name=f"livecommerce-{args.env}-{role}-{zone}",
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[assoc]))

        self.vpc_id = vpc.id
        self.node_vswitch_ids = [node_switches[z].id for z in self.zones]
        self.pod_vswitch_ids = [pod_switches[z].id for z in self.zones]
        self.nat_gateway_id = nat.id
        self.egress_ip = eip.ip_address
        self.register_outputs({"vpc_id": self.vpc_id, "node_vswitch_ids": self.node_vswitch_ids,
                               "pod_vswitch_ids": self.pod_vswitch_ids, "nat_gateway_id": self.nat_gateway_id,
                               "egress_ip": self.egress_ip})
