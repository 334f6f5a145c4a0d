"""The platform network: a VPC, per zone a node vSwitch and a Terway pod vSwitch, and an enhanced NAT
gateway with an EIP and one SNAT entry per vSwitch, so nodes and pods reach the internet without
public IPs of their own.

The CIDR plan is a pure function (`cidr.plan_cidrs`), tested apart from the resources that use it;
the settings are `settings.NetworkSettings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_alicloud as alicloud

from components.naming import Naming
from components.network.cidr import CidrPlan, plan_cidrs
from components.network.settings import NetworkSettings


@dataclass(frozen=True, kw_only=True)
class NetworkArgs:
    """Inputs of the Network component."""

    naming: Naming
    """How the stack names its objects (`livecommerce-<stack>`, ...)."""
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
        n = args.naming
        tags = dict(args.tags)
        self.zones = list(s.zones)
        self.plan = plan_cidrs(s.vpc_cidr, list(s.zones), max_nodes=s.max_nodes,
                               max_pods_per_node=s.max_pods_per_node, service_cidr=s.service_cidr)
        child = pulumi.ResourceOptions(parent=self)

        # Stateful egress pieces: the VPC (everything lives in it), the NAT gateway and its EIP (partners
        # allow-list the egress IP). Protected when the environment asks for deletion protection.
        keep = pulumi.ResourceOptions(parent=self, protect=s.deletion_protection)
        vpc = alicloud.vpc.Network(f"{name}-vpc", vpc_name=n.physical(), cidr_block=s.vpc_cidr,
                                   description=f"{n.title} platform network", tags=tags,
                                   opts=keep)
        node_switches: dict[str, alicloud.vpc.Switch] = {}
        pod_switches: dict[str, alicloud.vpc.Switch] = {}
        for zp in self.plan.zones:
            node_switches[zp.zone] = alicloud.vpc.Switch(
                f"{name}-node-{zp.zone}", vpc_id=vpc.id, zone_id=zp.zone, cidr_block=zp.node_cidr,
                vswitch_name=n.physical("node", zp.zone), tags={**tags, "role": "node"},
                opts=child)
            pod_switches[zp.zone] = alicloud.vpc.Switch(
                f"{name}-pod-{zp.zone}", vpc_id=vpc.id, zone_id=zp.zone, cidr_block=zp.pod_cidr,
                vswitch_name=n.physical("pod", zp.zone), tags={**tags, "role": "pod"},
                opts=child)

        # The enhanced NAT gateway lives in the first zone's node vSwitch; it adds the 0.0.0.0/0 route itself.
        nat = alicloud.vpc.NatGateway(
            f"{name}-nat", vpc_id=vpc.id, vswitch_id=node_switches[self.zones[0]].id, nat_type="Enhanced",
            payment_type="PayAsYouGo", internet_charge_type="PayByLcu", network_type="internet",
            nat_gateway_name=n.physical("nat"), eip_bind_mode="NAT",
            deletion_protection=s.deletion_protection, tags=tags, opts=keep)
        eip = alicloud.ecs.EipAddress(
            f"{name}-nat-eip", address_name=n.physical("nat"), payment_type="PayAsYouGo",
            internet_charge_type="PayByTraffic", bandwidth=str(s.nat_eip_bandwidth_mbps), isp="BGP",
            deletion_protection=s.deletion_protection, tags=tags, opts=keep)
        assoc = alicloud.ecs.EipAssociation(f"{name}-nat-eip-association", allocation_id=eip.id,
                                            instance_id=nat.id, instance_type="Nat", opts=child)
        # One SNAT entry per vSwitch, nodes and pods alike; they need the EIP bound first.
        for role, switches in (("node", node_switches), ("pod", pod_switches)):
            for zone, sw in switches.items():
                alicloud.vpc.SnatEntry(
                    f"{name}-snat-{role}-{zone}", snat_table_id=nat.snat_table_ids, source_vswitch_id=sw.id,
                    snat_ip=eip.ip_address, snat_entry_name=n.physical(role, zone),
                    opts=pulumi.ResourceOptions(parent=self, depends_on=[assoc]))

        self.vpc_id = vpc.id
        self.node_vswitch_ids = [node_switches[z].id for z in self.zones]
        self.pod_vswitch_ids = [pod_switches[z].id for z in self.zones]
        self.nat_gateway_id = nat.id
        self.egress_ip = eip.ip_address
        self.register_outputs({"vpc_id": self.vpc_id, "node_vswitch_ids": self.node_vswitch_ids,
                               "pod_vswitch_ids": self.pod_vswitch_ids, "nat_gateway_id": self.nat_gateway_id,
                               "egress_ip": self.egress_ip})
