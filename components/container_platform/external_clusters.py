"""Registered external clusters (IDC, other clouds) and the ACK One fleet that sees them all.

ACK *registered clusters* make a self-built or other-cloud Kubernetes cluster look like an ACK cluster:
the same addons (ARMS, Prometheus, SLS log collection, MSE governance) and the same console. Pulumi
cannot create one (pulumi-alicloud has no resource for `cluster_type=ExternalKubernetes`), so each is
registered once by hand (docs/container-platform.md) and the stack config carries its id. From there
this component manages everything: the observability and governance addons, and membership in the ACK
One fleet next to the stack's own ACK cluster.

Workloads reach an external cluster through a Kubernetes provider that `stacks/platform.py` builds from
the cluster's kubeconfig secret.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_alicloud as alicloud

from components.container_platform.addons import ClusterAddons, ClusterAddonsArgs
from components.container_platform.cluster_settings import (
    ExternalClusterSettings,
    FleetSettings,
    cluster_id_problem,
)
from components.naming import Naming


@dataclass(frozen=True, kw_only=True)
class ExternalClustersArgs:
    """Inputs of the ExternalClusters component."""

    naming: Naming
    """How the stack names its objects (the fleet is `livecommerce-<stack>-fleet`)."""
    clusters: Sequence[ExternalClusterSettings]
    """The validated `external_clusters` section of the stack config."""
    fleet: FleetSettings
    """The validated `fleet` section."""
    ack_cluster_id: pulumi.Input[str]
    """The stack's own ACK cluster, attached to the fleet too."""
    vpc_id: pulumi.Input[str]
    """The VPC the fleet's hub lives in."""
    vswitch_ids: Sequence[pulumi.Input[str]]
    """vSwitches for the fleet's hub (the node vSwitches, across zones)."""


class ExternalClusters(pulumi.ComponentResource):
    """Addons for each registered cluster; the ACK One fleet and its memberships when the fleet is on."""

    fleet_id: pulumi.Output[str] | None
    """The ACK One fleet (hub cluster) id, or None when the fleet is off."""
    cluster_ids: dict[str, str]
    """Registered-cluster ids by external cluster name."""

    def __init__(self, name: str, args: ExternalClustersArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:container_platform:ExternalClusters", name, None, opts)
        for ext in args.clusters:
            problem = cluster_id_problem(ext.cluster_id)
            if problem:  # settings validation catches this first; keep the component safe on its own
                raise ValueError(f"external_clusters {ext.name}: cluster_id: {problem}")
        child = pulumi.ResourceOptions(parent=self)
        self.cluster_ids = {ext.name: str(ext.cluster_id) for ext in args.clusters}

        for ext in args.clusters:
            ClusterAddons(
                f"{name}-{ext.name}-addons",
                ClusterAddonsArgs(cluster_id=str(ext.cluster_id), addons=ext.enabled_addons),
                opts=child,
            )

        self.fleet_id = None
        if args.fleet.enabled:
            fleet = alicloud.ackone.Cluster(
                f"{name}-fleet",
                cluster_name=args.naming.physical("fleet"),
                profile="Default",
                argocd_enabled=args.fleet.argocd_enabled,
                network=alicloud.ackone.ClusterNetworkArgs(vpc_id=args.vpc_id, vswitches=list(args.vswitch_ids)),
                opts=child,
            )
            alicloud.ackone.MembershipAttachment(
                f"{name}-fleet-member-ack", cluster_id=fleet.id, sub_cluster_id=args.ack_cluster_id, opts=child
            )
            for ext in args.clusters:
                if ext.fleet_member:
                    alicloud.ackone.MembershipAttachment(
                        f"{name}-fleet-member-{ext.name}",
                        cluster_id=fleet.id,
                        sub_cluster_id=str(ext.cluster_id),
                        opts=child,
                    )
            self.fleet_id = fleet.id
        self.register_outputs({"fleet_id": self.fleet_id, "cluster_ids": self.cluster_ids})
