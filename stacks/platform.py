"""The composition root: reads the stack's config and wires the architecture's building blocks.

Read top to bottom, this is the architecture diagram of ../shared/ARCHITECTURE.md:
network -> container platform (ACK + ECS node pools + ECI virtual nodes, external clusters)
-> microservice governance (MSE) -> observability (ARMS, SLS) -> media (OSS + Function Compute).
`__main__.py` (under `pulumi up`) and the offline engine (`livecommerce preview`) both call `program()`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_alicloud as alicloud

from components.network import Network, NetworkArgs
from stacks.config import CONFIG_KEY, REGION_KEY, ConfigError, PlatformConfig, parse_platform


@dataclass(frozen=True)
class StackContext:
    """What every component builder needs to know about the current stack."""

    env: str
    region: str
    config: PlatformConfig
    tags: dict[str, str]


def load_context() -> StackContext:
    """Read and validate this stack's config (the only config read in the program)."""
    env = pulumi.get_stack()
    region = pulumi.Config("alicloud").get("region")
    source = f"stacks/Pulumi.{env}.yaml"
    if not region:
        raise pulumi.RunError(f"{source}: {REGION_KEY}: required; run `pulumi config set alicloud:region cn-hangzhou`")
    raw = pulumi.Config("livecommerce").get("platform")
    if raw is None:
        raise pulumi.RunError(f"{source}: {CONFIG_KEY}: required; see stacks/platform.schema.json")
    try:
        cfg = parse_platform(raw, env=env, region=region)
    except ConfigError as exc:
        # RunError prints the message without a Python traceback.
        raise pulumi.RunError("\n".join(f"{source}: {line}" for line in exc.lines)) from None
    return StackContext(env=env, region=region, config=cfg, tags=cfg.common_tags(env))


def secret(key: str) -> pulumi.Output[str]:
    """A secret config value (`pulumi config set --secret livecommerce:<key> ...`), always an Output secret."""
    value = pulumi.Config("livecommerce").get_secret(key)
    if value is None:
        raise pulumi.RunError(f"livecommerce:{key} is not set; "
                              f"run `pulumi config set --secret livecommerce:{key} <value>`")
    return pulumi.Output.secret(value)


def program() -> None:
    """Build the whole platform for the current stack."""
    ctx = load_context()
    cfg = ctx.config
    # One explicit provider per stack: the region is visible in every preview, and credentials come
    # from the standard ALIBABA_CLOUD_* environment variables, never from config or code.
    alicloud_provider = alicloud.Provider(f"{ctx.env}-alicloud", region=ctx.region)
    cloud = pulumi.ResourceOptions(providers=[alicloud_provider])

    # 1. Network: VPC, node + pod vSwitches per zone, NAT egress.
    network = Network(f"{ctx.env}-network", NetworkArgs(env=ctx.env, settings=cfg.network, tags=ctx.tags),
                      opts=cloud)

    pulumi.export("region", ctx.region)
    pulumi.export("zones", network.zones)
    pulumi.export("vpcId", network.vpc_id)
    pulumi.export("egressIp", network.egress_ip)
