"""The MSE cloud-native gateway (`mse.Gateway`): the microservice entry of the architecture, in the platform
VPC, replicas spread over two zones (`backup_vswitch_id`), an intranet SLB always and an internet SLB only
when the stack asks for one. It is also the entry of the end-to-end canary lanes (`lanes.py`).

`mse.Gateway` takes no tags (alicloud-api.md section 9). Settings: `settings.py` (`GatewaySettings`).
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Sequence

import pulumi
import pulumi_alicloud as alicloud

from components.governance.settings import GatewaySettings, gateway_vswitches
from components.naming import Naming


def gateway_inputs(naming: Naming, settings: GatewaySettings) -> dict[str, object]:
    """The plain-data arguments of the `mse.Gateway` (everything but the network wiring)."""
    args: dict[str, object] = {
        "gateway_name": naming.physical(),
        "spec": settings.spec,
        "replica": settings.replicas,
        "slb_spec": settings.intranet_slb_spec,
    }
    if settings.internet_slb:
        args["internet_slb_spec"] = settings.internet_slb_spec
    return args


def _slb_ip(slbs: Sequence[object] | None, public: bool) -> str | None:
    """The address of the gateway's intranet (or internet) SLB in `slb_lists`."""
    for slb in slbs or []:
        kind = str(getattr(slb, "type", "") or "").upper()
        if (kind == "PUBLIC") == public and getattr(slb, "slb_ip", None):
            return slb.slb_ip  # type: ignore[attr-defined]
    return None


@dataclass(frozen=True, kw_only=True)
class GatewayArgs:
    """Wiring and settings of the gateway."""

    naming: Naming
    """How the stack names its objects (the gateway is `livecommerce-<stack>`)."""
    settings: GatewaySettings
    """`livecommerce:platform.governance.gateway`."""
    vpc_id: pulumi.Input[str]
    """The platform VPC."""
    vswitch_ids: Sequence[pulumi.Input[str]]
    """Node vSwitches, one per zone in zone order: the first is primary, the second the backup zone."""


class Gateway(pulumi.ComponentResource):
    """MSE cloud-native gateway."""

    gateway_id: pulumi.Output[str]
    """The gateway's unique id (`gw-...`), the entry of the lanes."""
    intranet_ip: pulumi.Output[str | None]
    """Address of the intranet SLB."""
    internet_ip: pulumi.Output[str | None]
    """Address of the internet SLB, or None when `internet_slb` is false."""

    def __init__(self, name: str, args: GatewayArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:governance:Gateway", name, None, opts)
        primary, backup = gateway_vswitches(list(args.vswitch_ids), args.settings.backup_zone)
        gw = alicloud.mse.Gateway(
            f"{name}-gateway", vpc_id=args.vpc_id, vswitch_id=primary, backup_vswitch_id=backup,  # type: ignore[arg-type]
            # Deleting the gateway also releases the SLBs it created, so nothing is left billing.
            delete_slb=True, **gateway_inputs(args.naming, args.settings),  # type: ignore[arg-type]
            opts=pulumi.ResourceOptions(parent=self))
        self.gateway_id = gw.id
        self.intranet_ip = gw.slb_lists.apply(lambda s: _slb_ip(s, public=False))
        self.internet_ip = gw.slb_lists.apply(lambda s: _slb_ip(s, public=True))
        self.register_outputs({"gateway_id": self.gateway_id, "intranet_ip": self.intranet_ip,
                               "internet_ip": self.internet_ip})
