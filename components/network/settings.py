"""Settings of the platform network (`livecommerce:platform.network`): pure data (pydantic, no Pulumi)."""

from __future__ import annotations

import ipaddress
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from components.network.cidr import service_cidr_problem, vpc_cidr_problem

Cidr = Annotated[str, Field(pattern=r"^\d{1,3}(\.\d{1,3}){3}/\d{1,2}$")]


class NetworkSettings(BaseModel):
    """The network of one environment."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    vpc_cidr: Cidr = "10.0.0.0/16"
    """The VPC's IPv4 range; node and pod vSwitches are carved from it. Must not overlap `service_cidr`."""
    zones: list[str] = Field(min_length=1)
    """Zone ids in the stack's region, e.g. [cn-hangzhou-h, cn-hangzhou-i, cn-hangzhou-j]. Prod needs at
    least the tier's `min_zones` (stacks/tiers.py: one zone lost must not stop a prod platform)."""
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
    def _valid_network(cls, value: str, info: ValidationInfo) -> str:
        try:
            ipaddress.ip_network(value, strict=True)
        except ValueError as exc:
            raise ValueError(f"{value} is not a network address with a prefix ({exc}); "
                             "e.g. 10.0.0.0/16 (host bits must be zero)") from None
        problem = (service_cidr_problem if info.field_name == "service_cidr" else vpc_cidr_problem)(value)
        if problem:
            raise ValueError(problem)
        return value
