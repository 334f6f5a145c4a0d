"""The pure CIDR planner of the platform network: one node and one pod vSwitch per zone inside the VPC.

No Pulumi: `plan_cidrs` is tested apart from the `Network` component (`vpc.py`) that uses it, and the
config model runs it at validation time so a plan that cannot be laid out fails before anything runs.
"""

from __future__ import annotations

import ipaddress
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass

# Alibaba Cloud reserves the first and the last three addresses of every vSwitch.
# https://www.alibabacloud.com/help/en/vpc/user-guide/create-and-manage-vswitch
VSWITCH_RESERVED = 4
# vSwitch masks allowed by VPC: /16 (largest) to /29 (smallest).
VSWITCH_MIN_PREFIX, VSWITCH_MAX_PREFIX = 16, 29
# Terway ENI-IP: a node takes a few IPs from the pod vSwitch for its ENIs besides its pods.
TERWAY_ENI_OVERHEAD_PER_NODE = 2


# The ranges ACK accepts for the Service CIDR: "Valid ranges: 10.0.0.0/16-24, 172.16-31.0.0/16-24, and
# 192.168.0.0/16-24" (CreateCluster `service_cidr`, alibabacloud_cs20151215 7.2.3,
# models/_create_cluster_request.py:578). Anything else (loopback, multicast, public, a /25) is refused
# by the API at `pulumi up`, after the VPC already exists.
SERVICE_CIDR_PARENTS = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
SERVICE_CIDR_PREFIXES = range(16, 25)
# A VPC: a subset of an RFC 1918 range with a /8 to /28 mask, or a custom range that is none of these
# (terraform-provider-alicloud website/docs/r/vpc.html.markdown:61-64, the VPC `cidr_block`).
VPC_CIDR_FORBIDDEN = {"100.64.0.0/10": "carrier-grade NAT (shared address space)", "224.0.0.0/4": "multicast",
                      "127.0.0.0/8": "loopback", "169.254.0.0/16": "link-local"}
VPC_CIDR_PREFIXES = range(8, 29)


def service_cidr_problem(cidr: str) -> str | None:
    """Why ACK would refuse `cidr` as the Service CIDR, with the fix; None when it is accepted."""
    net = ipaddress.ip_network(cidr)
    if not any(net.subnet_of(parent) for parent in SERVICE_CIDR_PARENTS) or \
            net.prefixlen not in SERVICE_CIDR_PREFIXES:
        kind = _kind(net)
        return (f"{net}{f' is {kind}, and' if kind else ''} is not a range ACK accepts for Services: a /16 to /24 "
                "inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16, e.g. 172.16.0.0/16")
    return None


def vpc_cidr_problem(cidr: str) -> str | None:
    """Why VPC would refuse `cidr` as the VPC range, with the fix; None when it is accepted."""
    net = ipaddress.ip_network(cidr)
    for forbidden, what in VPC_CIDR_FORBIDDEN.items():
        if net.overlaps(ipaddress.ip_network(forbidden)):
            return f"{net} overlaps {forbidden} ({what}), which a VPC cannot use; use e.g. 10.0.0.0/16"
    if net.prefixlen not in VPC_CIDR_PREFIXES:
        return f"{net} has a /{net.prefixlen} mask; a VPC range is a /8 to /28, e.g. 10.0.0.0/16"
    return None


def _kind(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> str:
    for test, word in ((net.is_loopback, "loopback"), (net.is_multicast, "multicast"),
                       (net.is_link_local, "link-local"), (net.is_unspecified, "unspecified")):
        if test:
            return word
    return "a public range" if net.is_global else ""


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

