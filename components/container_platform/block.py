"""The container platform block: the ACK Pro control plane, the ECS node pools of the steady base, the cluster
addons (ECI virtual nodes, CronHPA, agents) and the registered external clusters with their ACK One fleet.

It publishes what the other blocks need: the cluster's id and name, the steady base's nodeSelector, what
workloads must wait for (`ready`), and the alert targets built from the names it really registered (the
cluster with its pools' sizes, each registered cluster's id). The kubeconfig and the Kubernetes provider
are the stack's (stacks/platform.py): components never build providers.

Before issue 17 the four parts hung directly under the stack; each now ships an alias to that old parent,
so every resource under them keeps its identity (docs/decisions/2026-12-01-house-layout.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi

from components.container_platform.addons import ClusterAddons, ClusterAddonsArgs
from components.container_platform.cluster import AckCluster, AckClusterArgs
from components.container_platform.cluster_settings import (
    ClusterSettings,
    ExternalClusterSettings,
    FleetSettings,
    NodePoolSettings,
)
from components.container_platform.external_clusters import ExternalClusters, ExternalClustersArgs
from components.container_platform.node_pools import NodePools, NodePoolsArgs
from components.naming import Naming
from components.observability.alert_rules import Target
from components.observability.targets import cluster_target, registered_targets

#: The parts were children of the stack before they became this block's (identity kept by alias).
WAS_AT_THE_STACK = pulumi.ResourceOptions(aliases=[pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)])


@dataclass(frozen=True, kw_only=True)
class ContainerPlatformArgs:
    """Inputs of the ContainerPlatform block."""

    naming: Naming
    """How the stack names its objects."""
    cluster: ClusterSettings
    """`livecommerce:platform.cluster`."""
    node_pools: Sequence[NodePoolSettings]
    """`livecommerce:platform.node_pools`."""
    external_clusters: Sequence[ExternalClusterSettings] = ()
    """`livecommerce:platform.external_clusters`."""
    fleet: FleetSettings = FleetSettings()
    """`livecommerce:platform.fleet`."""
    vpc_id: pulumi.Input[str]
    """The platform VPC (the fleet's hub lives in it)."""
    node_vswitch_ids: Sequence[pulumi.Input[str]]
    """Node vSwitches, one per zone in zone order."""
    pod_vswitch_ids: Sequence[pulumi.Input[str]]
    """Terway pod vSwitches, one per zone in zone order."""
    service_cidr: str
    """The Kubernetes Service range from the network's CIDR plan."""
    log_project: pulumi.Input[str]
    """The stack's SLS project (control-plane and audit logs); created by the stack, so ACK keeps it on delete."""
    tags: Mapping[str, str]


class ContainerPlatform(pulumi.ComponentResource):
    """ACK Pro cluster, ECS node pools, addons and registered external clusters (`<stack>-ack`, ...)."""

    cluster: AckCluster
    """The control plane."""
    node_pools: NodePools
    """The steady base."""
    external: ExternalClusters
    """Registered external clusters and the fleet."""
    cluster_id: pulumi.Output[str]
    """The ACK cluster id."""
    cluster_name: str
    """The ACK cluster's name, as registered."""
    steady_base_selector: dict[str, str]
    """The nodeSelector of the steady-base ECS pools (ResourcePolicy ECS units select it)."""
    ready: list[pulumi.Resource]
    """What workloads wait for: nodes to run on, and the addons whose CRDs (CronHPA, ResourcePolicy) they use."""
    alert_targets: list[Target]
    """The cluster with its pools' max sizes, and every registered cluster: what observability watches."""

    def __init__(self, name: str, args: ContainerPlatformArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:container_platform:ContainerPlatform", name, None, opts)
        part = pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=self), WAS_AT_THE_STACK)
        self.cluster = AckCluster(f"{name}-ack", AckClusterArgs(
            naming=args.naming, settings=args.cluster, vswitch_ids=args.node_vswitch_ids,
            pod_vswitch_ids=args.pod_vswitch_ids, service_cidr=args.service_cidr, log_project=args.log_project,
            log_project_managed=True, tags=args.tags), opts=part)
        self.node_pools = NodePools(f"{name}-node-pools", NodePoolsArgs(
            naming=args.naming, cluster_id=self.cluster.cluster_id, vswitch_ids=args.node_vswitch_ids,
            pools=args.node_pools, tags=args.tags, key_pair_name=args.cluster.node_key_pair), opts=part)
        # Addon pods need nodes to run on.
        addons = ClusterAddons(f"{name}-ack-addons", ClusterAddonsArgs(
            cluster_id=self.cluster.cluster_id, addons=args.cluster.enabled_addons, depends_on=[self.node_pools]),
            opts=part)
        self.external = ExternalClusters(f"{name}-external", ExternalClustersArgs(
            naming=args.naming, clusters=args.external_clusters, fleet=args.fleet,
            ack_cluster_id=self.cluster.cluster_id, vpc_id=args.vpc_id, vswitch_ids=args.node_vswitch_ids),
            opts=part)

        self.cluster_id = self.cluster.cluster_id
        self.cluster_name = self.cluster.cluster_name
        self.steady_base_selector = self.node_pools.steady_base_selector
        self.ready = [self.node_pools, addons]
        self.alert_targets = [cluster_target(self.cluster.cluster_name, self.node_pools.max_sizes),
                              *registered_targets(self.external.cluster_ids)]
        self.register_outputs({"cluster_id": self.cluster_id, "cluster_name": self.cluster_name,
                               "node_pool_ids": self.node_pools.node_pool_ids,
                               "external_cluster_ids": self.external.cluster_ids})
