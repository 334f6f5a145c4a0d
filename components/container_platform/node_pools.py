"""ECS node pools: the steady base the microservices run on before they burst onto ECI virtual nodes.

Every pool autoscales between its per-environment bounds across all zones' node vSwitches, is a
*managed* pool (auto-repair, kubelet auto-upgrade, automatic CVE fixes, inside the cluster's
maintenance window), runs a hardened OS with encrypted disks and IMDSv2-only metadata, and gets no
public IP (egress goes through the network's NAT gateway).

Each pool labels its nodes `livecommerce.io/node-pool=<name>` and `livecommerce.io/pool-role=<role>`:
static labels known before the pool exists, so workloads and ResourcePolicy ECS units can select the
steady base without a `pulumi.Output` (see `cluster_settings.steady_base_selector`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_alicloud as alicloud

from components.container_platform.cluster_settings import (
    NODE_POOL_LABEL,
    NodePoolSettings,
    pool_labels,
    steady_base_selector,
)
from components.naming import Naming

# OS hardening that ACK applies only to Alibaba Cloud Linux (ContainerOS is immutable and hardened already).
_HARDENABLE_IMAGES = {"AliyunLinux3"}


def management() -> dict[str, object]:
    """The managed-pool policy: repair broken nodes, upgrade kubelet, patch CVEs, one node at a time.

    `surge` / `surge_percentage` are deprecated since provider 1.219.0, so rolling replacement is bounded
    by `max_unavailable` alone.
    """
    return {
        "enable": True,
        "auto_repair": True,
        "auto_upgrade": True,
        "auto_vul_fix": True,
        "max_unavailable": 1,
    }


@dataclass(frozen=True, kw_only=True)
class NodePoolsArgs:
    """Inputs of the NodePools component."""

    naming: Naming
    """How the stack names its objects (pools are `livecommerce-<stack>-<pool>`)."""
    cluster_id: pulumi.Input[str]
    """The ACK cluster the pools join."""
    vswitch_ids: Sequence[pulumi.Input[str]]
    """Node vSwitches, one per zone; every pool spans all of them."""
    pools: Sequence[NodePoolSettings]
    """The validated `node_pools` section of the stack config."""
    tags: Mapping[str, str]
    """Tags for the ECS instances."""
    key_pair_name: pulumi.Input[str] | None = None
    """An existing ECS key pair for the nodes; None declares one whose private key nobody keeps."""


class NodePools(pulumi.ComponentResource):
    """One autoscaling, managed, hardened `cs.NodePool` per configured pool."""

    node_pool_ids: dict[str, pulumi.Output[str]]
    """ACK node-pool ids (`np...`) by pool name."""
    selectors: dict[str, dict[str, str]]
    """The nodeSelector that picks each pool, by pool name (plain data, known at preview)."""
    steady_base_selector: dict[str, str]
    """The nodeSelector that picks every steady-base pool (for ResourcePolicy ECS units)."""
    max_sizes: dict[str, int]
    """Each pool's autoscaling maximum, by pool name."""
    key_pair_name: pulumi.Input[str]
    """The ECS key pair every pool's nodes get."""

    def __init__(self, name: str, args: NodePoolsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:container_platform:NodePools", name, None, opts)
        if not args.vswitch_ids:
            raise ValueError("NodePools: at least one node vSwitch is needed")
        C = alicloud.cs  # noqa: N806
        self.node_pool_ids = {}
        # A node pool needs `key_name` or a password, and a managed pool takes only `key_name` (provider docs,
        # cs_kubernetes_node_pool.html.markdown:729,745). Without a key pair of the user's, ECS generates one:
        # with no `key_file` the provider never writes the private key anywhere, so nobody can log in by SSH.
        key_name = args.key_pair_name
        if key_name is None:
            key_name = alicloud.ecs.EcsKeyPair(
                f"{name}-login-key", key_pair_name=args.naming.physical("nodes"),
                tags=dict(args.tags), opts=pulumi.ResourceOptions(parent=self)).key_pair_name
        self.key_pair_name = key_name
        for pool in args.pools:
            labels = pool_labels(pool)
            spot = {}
            if pool.spot:
                spot = {
                    "spot_strategy": "SpotAsPriceGo",
                    "compensate_with_on_demand": True,
                    "multi_az_policy": "COST_OPTIMIZED",
                }
            np = C.NodePool(
                f"{name}-{pool.name}",
                cluster_id=args.cluster_id,
                node_pool_name=args.naming.physical(pool.name),
                vswitch_ids=list(args.vswitch_ids),
                instance_types=list(pool.instance_types),
                # Autoscaling is the pool's only sizing: no desired_size, so the autoscaler owns the count.
                scaling_config=C.NodePoolScalingConfigArgs(
                    enable=True, min_size=pool.min_size, max_size=pool.max_size, is_bond_eip=False
                ),
                management=C.NodePoolManagementArgs(**management()),
                image_type=pool.image_type,
                security_hardening_os=True if pool.image_type in _HARDENABLE_IMAGES else None,
                login_as_non_root=True,
                key_name=key_name,
                instance_metadata_options=C.NodePoolInstanceMetadataOptionsArgs(http_tokens="required"),
                system_disk_category=pool.system_disk_category,
                system_disk_size=pool.system_disk_size_gib,
                system_disk_encrypted=True,
                install_cloud_monitor=True,
                instance_charge_type="PostPaid",
                # BALANCE spreads nodes evenly over the zones, so losing one zone loses a third, not all.
                multi_az_policy=spot.pop("multi_az_policy", "BALANCE"),
                labels=[C.NodePoolLabelArgs(key=k, value=v) for k, v in labels.items()],
                taints=[C.NodePoolTaintArgs(key=t.key, value=t.value or None, effect=t.effect) for t in pool.taints]
                or None,
                tags={**args.tags, "node-pool": pool.name},
                **spot,
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.node_pool_ids[pool.name] = np.node_pool_id
        self.selectors = {p.name: {NODE_POOL_LABEL: p.name} for p in args.pools}
        self.steady_base_selector = steady_base_selector()
        self.max_sizes = {p.name: p.max_size for p in args.pools}
        self.register_outputs({"node_pool_ids": self.node_pool_ids})
