"""The ACK managed Pro cluster: the control plane the live-commerce microservices run on.

Terway networking on the network's pod vSwitches (the CNI is given at creation, the only time ACK
takes it), no NAT of its own (the network owns egress), the Service range from the CIDR plan, RRSA,
KMS envelope encryption of Secrets, control-plane and audit logs to SLS, a maintenance window with an
auto-upgrade channel, and delete options chosen so destroying the stack leaves nothing behind.

Worker capacity is not here: ECS node pools (`node_pools.py`) and ECI virtual nodes (the
`ack-virtual-node` addon, `addons.py`) attach to `AckCluster.cluster_id`. The kubeconfig is not here
either: `stacks/platform.py` reads it with `cs.get_cluster_credential_output` and builds the
Kubernetes provider (components never build providers).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_alicloud as alicloud

from components.container_platform.cluster_settings import ClusterSettings, maintenance_time
from components.naming import Naming


def delete_options(control_plane_log_project_managed: bool) -> list[tuple[str, str]]:
    """What ACK does with the cloud resources it made for the cluster when the cluster is deleted.

    ACK's defaults retain ALB instances (made by the ALB Ingress controller) and the SLS projects, which
    would outlive `pulumi destroy` and keep billing, so everything ACK created is deleted. The control-plane
    log project is the exception when this stack manages it itself: Pulumi deletes it, and ACK deleting
    it first would make Pulumi's delete fail.
    """
    return [
        ("SLB", "delete"),
        ("ALB", "delete"),
        ("SLS_Data", "delete"),
        ("SLS_ControlPlane", "retain" if control_plane_log_project_managed else "delete"),
    ]


#: The network plug-in: Terway in shared-ENI mode, pods on the pod vSwitches. CreateCluster requires a network
#: plug-in in `addons` (CS CreateClusterRequest.addons: "Network component: Required"), and the provider sends
#: `addons` only at creation (TF resource_alicloud_cs_managed_kubernetes.go:948-963; docs: Terway needs
#: `pod_vswitch_ids` and addons with `terway-eniip`, cs_managed_kubernetes.html.markdown:508).
NETWORK_PLUGIN = "terway-eniip"


def network_addon(network_policy: bool) -> dict[str, str]:
    """The cluster's create-time `addons` entry for Terway, with its config (values are strings, as ACK expects).

    ENI trunking (per-pod security groups) and IPvlan acceleration stay off: the platform uses neither.
    """
    config = {"ENITrunking": "false", "IPVlan": "false", "NetworkPolicy": "true" if network_policy else "false"}
    return {"name": NETWORK_PLUGIN, "config": json.dumps(config, sort_keys=True, separators=(",", ":"))}


def cluster_name(naming: Naming) -> str:
    """The ACK cluster's name, `livecommerce-<stack>`: derived here only (`AckCluster.cluster_name` publishes it,
    and the alert rules label the cluster with that)."""
    return naming.physical()


@dataclass(frozen=True, kw_only=True)
class AckClusterArgs:
    """Inputs of the AckCluster component."""

    naming: Naming
    """How the stack names its objects (the cluster is `livecommerce-<stack>`)."""
    settings: ClusterSettings
    """The validated `cluster` section of the stack config."""
    vswitch_ids: Sequence[pulumi.Input[str]]
    """Node vSwitches, one per zone: the control plane's ENIs land in them (multi-zone)."""
    pod_vswitch_ids: Sequence[pulumi.Input[str]]
    """Terway pod vSwitches, one per zone."""
    service_cidr: str
    """The Kubernetes Service range from the network's CIDR plan."""
    log_project: pulumi.Input[str]
    """The SLS project for control-plane and audit logs (owned by the stack, not by this component)."""
    log_project_managed: bool = False
    """True when the stack creates `log_project` itself (then ACK must not delete it on destroy)."""
    tags: Mapping[str, str]
    """Tags for the cluster (ACK also puts them on the nodes)."""


class AckCluster(pulumi.ComponentResource):
    """An ACK managed Pro cluster with Terway, RRSA, SLS logging and a maintenance window."""

    cluster_name: str
    """The cluster's name (`livecommerce-<stack>`), known before deployment."""
    cluster_id: pulumi.Output[str]
    """The ACK cluster id (`c...`)."""
    api_server_intranet: pulumi.Output[str]
    """The API server's VPC endpoint, e.g. `https://10.0.0.5:6443`."""
    api_server_internet: pulumi.Output[str]
    """The API server's internet endpoint; empty when the API server is private (the default)."""
    worker_ram_role_name: pulumi.Output[str]
    """The RAM role of the worker nodes."""
    rrsa_oidc_provider_arn: pulumi.Output[str]
    """The RRSA OIDC provider ARN, for RAM roles that ServiceAccounts assume."""
    rrsa_oidc_issuer_url: pulumi.Output[str]
    """The RRSA OIDC issuer URL (`oidc:iss` in the trust policy of a role a ServiceAccount assumes)."""

    def __init__(self, name: str, args: AckClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:container_platform:AckCluster", name, None, opts)
        s = args.settings
        if not args.vswitch_ids or len(args.vswitch_ids) != len(args.pod_vswitch_ids):
            raise ValueError("AckCluster: give one node and one pod vSwitch per zone")
        C = alicloud.cs  # noqa: N806 (short alias keeps the nested *Args readable)

        operation_policy = None
        if s.auto_upgrade_channel is not None:
            operation_policy = C.ManagedKubernetesOperationPolicyArgs(
                cluster_auto_upgrade=C.ManagedKubernetesOperationPolicyClusterAutoUpgradeArgs(
                    enabled=True, channel=s.auto_upgrade_channel
                )
            )

        # Secrets in etcd are envelope-encrypted with a KMS key: the configured one, or a dedicated key
        # (a KMS default key: no KMS instance needed) that rotates yearly, the only period default keys allow.
        secrets_key: pulumi.Input[str] | None = None
        if s.secrets_encryption:
            if s.secrets_kms_key_id:
                secrets_key = s.secrets_kms_key_id
            else:
                key = alicloud.kms.Key(
                    f"{name}-secrets-key",
                    description=f"{args.naming.title}: ACK Secret encryption (etcd)",
                    key_spec="Aliyun_AES_256", key_usage="ENCRYPT/DECRYPT", protection_level="SOFTWARE",
                    automatic_rotation="Enabled", rotation_interval="365d",
                    pending_window_in_days=s.kms_pending_window_days,
                    deletion_protection="Enabled" if s.deletion_protection else "Disabled",
                    tags=dict(args.tags),
                    opts=pulumi.ResourceOptions(parent=self, protect=s.protect))
                secrets_key = key.id

        cluster = C.ManagedKubernetes(
            f"{name}-cluster",
            name=cluster_name(args.naming),
            cluster_spec=s.cluster_spec,
            profile="Default",
            # "Do not specify [version] if cluster auto upgrade is enabled" (provider docs on `version`): with a
            # channel ACK creates the cluster at the channel's version and moves it; `version` is Computed, so
            # leaving it out shows no diff after an upgrade.
            version=s.kubernetes_version if s.auto_upgrade_channel is None else None,
            # Control plane across the zones' node vSwitches; Terway gives pods VPC IPs from the pod vSwitches.
            vswitch_ids=list(args.vswitch_ids),
            pod_vswitch_ids=list(args.pod_vswitch_ids),
            service_cidr=args.service_cidr,
            # The CNI, create-only: never a cs.KubernetesAddon (cluster_settings.NETWORK_PLUGINS).
            addons=[C.ManagedKubernetesAddonArgs(**network_addon(s.network_policy))],
            proxy_mode=s.proxy_mode,
            # The network component owns the NAT gateway and the SNAT entries for every vSwitch. False is never
            # sent (the provider drops it with GetOk, resource_alicloud_cs_managed_kubernetes.go:1018-1020), so
            # CreateCluster's own SnatEntry default (false, CS SDK 7.2.3) applies; leaving it out instead would
            # send the schema default true, and ACK would add its own NAT gateway and SNAT rules.
            new_nat_gateway=False,
            slb_internet_enabled=s.api_server_public,
            is_enterprise_security_group=True,
            enable_rrsa=s.enable_rrsa,
            encryption_provider_key=secrets_key,
            disable_encryption=False if secrets_key is not None else None,
            deletion_protection=s.deletion_protection,
            timezone=s.timezone,
            # The certificate authority attribute is deprecated and leaks cluster material into state.
            skip_set_certificate_authority=True,
            control_plane_log_components=list(s.control_plane_log_components),
            control_plane_log_project=args.log_project,
            control_plane_log_ttl=str(s.control_plane_log_ttl_days),
            audit_log_config=C.ManagedKubernetesAuditLogConfigArgs(
                enabled=s.audit_log, sls_project_name=args.log_project
            ),
            maintenance_window=C.ManagedKubernetesMaintenanceWindowArgs(
                enable=True,
                maintenance_time=maintenance_time(s.maintenance_start, s.maintenance_utc_offset),
                duration=f"{s.maintenance_duration_hours}h",
                weekly_period=",".join(s.maintenance_weekdays),
            ),
            # Only honoured inside the maintenance window (provider docs).
            operation_policy=operation_policy,
            delete_options=[
                C.ManagedKubernetesDeleteOptionArgs(resource_type=rt, delete_mode=mode)
                for rt, mode in delete_options(args.log_project_managed)
            ],
            tags=dict(args.tags),
            opts=pulumi.ResourceOptions(
                parent=self,
                protect=s.protect,
                # `addons` is create-only (the provider's update never reads it): a later edit would show a
                # change that does nothing.
                ignore_changes=["addons"],
            ),
        )

        self.cluster_name = cluster_name(args.naming)
        self.cluster_id = cluster.id
        self.api_server_intranet = cluster.connections.apply(lambda c: (c[0].api_server_intranet or "") if c else "")
        self.api_server_internet = cluster.connections.apply(lambda c: (c[0].api_server_internet or "") if c else "")
        self.worker_ram_role_name = cluster.worker_ram_role_name
        self.rrsa_oidc_provider_arn = cluster.rrsa_metadata.apply(
            lambda m: (m.ram_oidc_provider_arn or "") if m else ""
        )
        self.rrsa_oidc_issuer_url = cluster.rrsa_metadata.apply(
            lambda m: (m.rrsa_oidc_issuer_url or "") if m else ""
        )
        self.register_outputs(
            {
                "cluster_name": self.cluster_name,
                "cluster_id": self.cluster_id,
                "api_server_intranet": self.api_server_intranet,
                "api_server_internet": self.api_server_internet,
                "worker_ram_role_name": self.worker_ram_role_name,
                "rrsa_oidc_provider_arn": self.rrsa_oidc_provider_arn,
                "rrsa_oidc_issuer_url": self.rrsa_oidc_issuer_url,
            }
        )
