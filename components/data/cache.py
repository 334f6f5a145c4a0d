"""The cache: a Tair memory-optimized instance (`redis.TairInstance`, Redis 7 compatible), its backup policy
(`kvstore.BackupPolicy`) and an account per client service (`kvstore.Account`).

Private: VPC only, the whitelist (`security_ips`) is the platform's node and pod vSwitch ranges, password
authentication stays on inside the VPC (`vpc_auth_mode = Open`), TLS on, TDE on, replica in the second zone.
The default account's password is generated too (KMS secret `<project>/<stack>/_admin/cache`'s password is
not synced anywhere: it is for operators). Decisions: `plan.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_alicloud as alicloud

from components.naming import Naming
from components.data.plan import TAIR_MAX_TAGS, cache_account, cache_backup_inputs, cache_instance_inputs, limit_tags
from components.data.settings import CacheSettings


@dataclass(frozen=True, kw_only=True)
class CacheArgs:
    """Wiring and settings of the cache."""

    naming: Naming
    """How the stack names its objects (components/naming.py)."""
    settings: CacheSettings
    zones: Sequence[str]
    """The stack's zones in order: the first is primary, the second holds the replica."""
    vpc_id: pulumi.Input[str]
    vswitch_id: pulumi.Input[str]
    """The node vSwitch of the first zone."""
    whitelist: Sequence[str]
    """Client ranges (`network.client_cidrs`)."""
    admin_password: pulumi.Input[str]
    """Password of the instance's default account (secret Output)."""
    passwords: Mapping[str, pulumi.Input[str]]
    """Generated password per client service (secret Outputs)."""
    protect: bool = True
    tags: Mapping[str, str] = field(default_factory=dict)


class Cache(pulumi.ComponentResource):
    """Tair instance, backup policy, one account per client service."""

    instance_id: pulumi.Output[str]
    """The instance id (`r-...`): the metrics' `instanceId`."""
    instance_name: str
    """The instance name the console shows (the alert rules' target label)."""
    host: pulumi.Output[str]
    """Private connection domain."""
    port: pulumi.Output[int]
    """Service port."""

    def __init__(self, name: str, args: CacheArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:data:Cache", name, None, opts)
        c = args.settings
        inputs = cache_instance_inputs(args.naming, c, list(args.zones))
        self.instance_name = str(inputs["tair_instance_name"])
        instance = alicloud.redis.TairInstance(
            f"{name}-instance", vpc_id=args.vpc_id, vswitch_id=args.vswitch_id,
            # The whitelist is one comma-separated string (ModifySecurityIps); sorted, so it never diffs.
            security_ips=",".join(args.whitelist), password=pulumi.Output.secret(args.admin_password),
            # CreateTairInstance takes at most 5 tags.
            tags=limit_tags({**args.tags, "role": "cache"}, TAIR_MAX_TAGS),
            **inputs,  # type: ignore[arg-type]
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect))
        child = pulumi.ResourceOptions(parent=self)
        alicloud.kvstore.BackupPolicy(f"{name}-backup", instance_id=instance.id, **cache_backup_inputs(c),  # type: ignore[arg-type]
                                      opts=child)
        for service in c.clients:
            if service not in args.passwords:
                raise ValueError(f"data.cache: no generated password for service {service}")
            alicloud.kvstore.Account(
                f"{name}-account-{service}", instance_id=instance.id, account_name=cache_account(service),
                account_password=pulumi.Output.secret(args.passwords[service]), account_type="Normal",
                account_privilege="RoleReadWrite", description=f"livecommerce {service}", opts=child)
        self.instance_id = instance.id
        self.host = instance.connection_domain
        self.port = instance.port
        self.register_outputs({"instance_id": self.instance_id, "host": self.host, "port": self.port})
