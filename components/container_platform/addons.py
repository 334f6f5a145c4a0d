"""ACK addons managed after the cluster exists, through `cs.KubernetesAddon`.

The cluster's own `addons` argument only applies when the cluster is created, so every addon is its own
resource here: installing, pinning a version, changing config and uninstalling all show up in previews.
The same component serves the ACK cluster and registered external clusters (observability and
governance addons only there).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pulumi
import pulumi_alicloud as alicloud

from components.container_platform.cluster_settings import AddonPin

# Uninstalling ack-virtual-node must also delete the ECI instances and vSwitch ENIs it created, or they
# keep running (and billing) after `pulumi destroy`; the provider honours this flag for this addon only.
CLEANUP_ON_UNINSTALL = frozenset({"ack-virtual-node"})


def addon_config(pin: AddonPin) -> str | None:
    """The addon config as the JSON string ACK expects (keys sorted so the plan is stable), or None."""
    if not pin.config:
        return None
    return json.dumps(pin.config, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True, kw_only=True)
class ClusterAddonsArgs:
    """Inputs of the ClusterAddons component."""

    cluster_id: pulumi.Input[str]
    """The ACK (managed or registered) cluster id."""
    addons: Mapping[str, AddonPin]
    """The addons to install, by ACK addon name, in install order (disabled ones already removed)."""
    depends_on: Sequence[pulumi.Resource] = ()
    """Resources the addons wait for (the node pools: addon pods need nodes to run on)."""


class ClusterAddons(pulumi.ComponentResource):
    """One `cs.KubernetesAddon` per addon, named `<component>-<addon>`."""

    addon_ids: dict[str, pulumi.Output[str]]
    """Addon resource ids (`<cluster_id>:<addon>`) by addon name."""

    def __init__(self, name: str, args: ClusterAddonsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:container_platform:ClusterAddons", name, None, opts)
        self.addon_ids = {}
        for addon, pin in args.addons.items():
            resource = alicloud.cs.KubernetesAddon(
                f"{name}-{addon}",
                cluster_id=args.cluster_id,
                name=addon,
                version=pin.version,
                config=addon_config(pin),
                cleanup_cloud_resources=True if addon in CLEANUP_ON_UNINSTALL else None,
                opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)),
            )
            self.addon_ids[addon] = resource.id
        self.register_outputs({"addon_ids": self.addon_ids})
