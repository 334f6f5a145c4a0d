"""The MSE registry: a Nacos cluster (`mse.Cluster`) private to the platform VPC, and the stack's engine
namespace (`mse.EngineNamespace`) the services register in.

The registry is where MSE tag routing learns which instance carries which `alicloud.service.tag`; it is
never given a public endpoint (policy MSE-01): `net_type` is always `privatenet` and the public bandwidth 0,
so there is no setting to open it. Settings: `components/governance/settings.py` (`RegistrySettings`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Mapping

import pulumi
import pulumi_alicloud as alicloud

from components.governance.settings import MSE_VERSIONS, RegistrySettings
from components.naming import Naming

NACOS = "Nacos-Ans"
NACOS_PORT = 8848


def cluster_inputs(naming: Naming, settings: RegistrySettings) -> dict[str, object]:
    """The plain-data arguments of the `mse.Cluster` (everything but the network wiring and tags)."""
    args: dict[str, object] = {
        "cluster_type": NACOS,
        "cluster_version": settings.cluster_version,
        "cluster_specification": settings.specification,
        "instance_count": settings.instance_count,
        "mse_version": MSE_VERSIONS[settings.edition],
        # Private only: no public SLB, no public bandwidth (MSE-01).
        "net_type": "privatenet",
        "pub_network_flow": "0",
        "connection_type": "slb",
        "payment_type": "PayAsYouGo",
        "cluster_alias_name": naming.physical(),
    }
    if settings.version_code is not None:
        args["version_code"] = settings.version_code
    if settings.private_slb_specification is not None:
        args["private_slb_specification"] = settings.private_slb_specification
    return args


@dataclass(frozen=True, kw_only=True)
class RegistryArgs:
    """Wiring and settings of the registry."""

    naming: Naming
    """How the stack names its objects (the cluster is `livecommerce-<stack>`)."""
    settings: RegistrySettings
    """`livecommerce:platform.governance.registry`."""
    namespace: str
    """The stack's MSE namespace (`governance.namespace`, resolved): the engine namespace's id and name."""
    vpc_id: pulumi.Input[str]
    """The platform VPC."""
    vswitch_id: pulumi.Input[str]
    """A node vSwitch of the VPC the registry's SLB and nodes attach to."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Tags for the cluster (the namespace takes none)."""


class Registry(pulumi.ComponentResource):
    """MSE Nacos registry + the stack's engine namespace."""

    instance_id: pulumi.Output[str]
    """The instance id (`mse-cn-...`), what the OpenAPI and the engine namespace take."""
    cluster_id: pulumi.Output[str]
    """The cluster id (`mse-...`)."""
    namespace_id: pulumi.Output[str]
    """The Nacos namespace the services register in (equals the `mseNamespace` pod label)."""
    endpoint: pulumi.Output[str]
    """Private `host:port` of the registry, for the services' Nacos client configuration."""

    def __init__(self, name: str, args: RegistryArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:governance:Registry", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        cluster = alicloud.mse.Cluster(
            f"{name}-nacos", vpc_id=args.vpc_id, vswitch_id=args.vswitch_id,
            tags={**args.tags, "role": "registry"}, **cluster_inputs(args.naming, args.settings),  # type: ignore[arg-type]
            opts=child)
        ns = alicloud.mse.EngineNamespace(
            f"{name}-namespace", instance_id=cluster.id, namespace_id=args.namespace,
            namespace_show_name=args.namespace,
            namespace_desc=f"{args.naming.title}: services, lanes and governance rules", opts=child)
        # mse.Cluster has no endpoint output; the data source reads the private domain once the cluster exists.
        details = alicloud.mse.get_clusters_output(ids=[cluster.id], enable_details=True,
                                                   opts=pulumi.InvokeOutputOptions(parent=self))
        self.instance_id = cluster.id
        self.cluster_id = cluster.cluster_id
        self.namespace_id = ns.namespace_id.apply(lambda v: v or args.namespace)
        self.endpoint = details.clusters.apply(
            lambda cs: f"{cs[0].intranet_domain}:{cs[0].intranet_port or NACOS_PORT}" if cs else "")
        self.register_outputs({"instance_id": self.instance_id, "cluster_id": self.cluster_id,
                               "namespace_id": self.namespace_id, "endpoint": self.endpoint})
