"""The database: a PolarDB for MySQL cluster (`polardb.Cluster`) with its cluster endpoint under TLS
(`polardb.ClusterEndpoint`), backups (`polardb.BackupPolicy`), a database per owning service
(`polardb.Database`), an account per service (`polardb.Account`) and its privileges
(`polardb.AccountPrivilege`: owners ReadWrite, readers ReadOnly).

Private: VPC only, the `default` whitelist group holds the platform's node and pod vSwitch ranges, TDE and
encryption of new tables on, a hot-standby storage cluster in the second zone, the deletion lock on in prod.
Decisions: `plan.py`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_alicloud as alicloud

from components.naming import Naming
from components.data.plan import (
    DEFAULT_IP_ARRAY,
    database_backup_inputs,
    database_cluster_inputs,
    privileges,
)
from components.data.settings import DatabaseSettings

P = alicloud.polardb


@dataclass(frozen=True, kw_only=True)
class DatabaseArgs:
    """Wiring and settings of the database."""

    naming: Naming
    """How the stack names its objects (components/naming.py)."""
    settings: DatabaseSettings
    zones: Sequence[str]
    """The stack's zones in order: the first is primary, the second holds the hot standby."""
    vpc_id: pulumi.Input[str]
    vswitch_id: pulumi.Input[str]
    """The node vSwitch of the first zone."""
    whitelist: Sequence[str]
    """Client ranges (`network.client_cidrs`)."""
    passwords: Mapping[str, pulumi.Input[str]]
    """Generated password per service (secret Outputs)."""
    deletion_protection: bool = True
    """PolarDB's deletion lock and Pulumi `protect` on the cluster and the databases."""
    tags: Mapping[str, str] = field(default_factory=dict)


class Database(pulumi.ComponentResource):
    """PolarDB cluster, TLS endpoint, backups, databases, accounts and privileges."""

    cluster_id: pulumi.Output[str]
    """The cluster id (`pc-...`): the metrics' `clusterId`."""
    cluster_name: str
    """The cluster description the console shows (the alert rules' target label)."""
    host: pulumi.Output[str]
    """Private cluster endpoint (read/write splitting)."""
    port: pulumi.Output[str]
    """Its port."""
    databases: dict[str, pulumi.Output[str]]
    """Database name by database."""

    def __init__(self, name: str, args: DatabaseArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:data:Database", name, None, opts)
        d = args.settings
        inputs = database_cluster_inputs(args.naming, d, list(args.zones),
                                         deletion_protection=args.deletion_protection)
        self.cluster_name = str(inputs["description"])
        keep = pulumi.ResourceOptions(parent=self, protect=args.deletion_protection)
        cluster = P.Cluster(
            f"{name}-cluster", vpc_id=args.vpc_id, vswitch_id=args.vswitch_id,
            db_cluster_ip_arrays=[P.ClusterDbClusterIpArrayArgs(
                db_cluster_ip_array_name=DEFAULT_IP_ARRAY, security_ips=list(args.whitelist))],
            tags={**args.tags, "role": "database"}, **inputs,  # type: ignore[arg-type]
            opts=keep)
        child = pulumi.ResourceOptions(parent=self)
        endpoint_deps: list[pulumi.Resource] = []
        if d.tls:
            # The cluster endpoint the services use; PolarDB for MySQL enables SSL per endpoint and wants
            # ssl_auto_rotate set (website/docs/r/polardb_primary_endpoint.html.markdown).
            endpoint_deps.append(P.ClusterEndpoint(
                f"{name}-cluster-endpoint", db_cluster_id=cluster.id, ssl_enabled="Enable", ssl_auto_rotate="Enable",
                read_write_mode="ReadWrite", auto_add_new_nodes="Enable",
                db_endpoint_description=f"{args.naming.title} services", opts=child))
        P.BackupPolicy(f"{name}-backup", db_cluster_id=cluster.id, **database_backup_inputs(d),  # type: ignore[arg-type]
                       opts=child)
        databases: dict[str, P.Database] = {}
        for db in d.databases:
            databases[db.name] = P.Database(
                f"{name}-db-{db.name}", db_cluster_id=cluster.id, db_name=db.name,
                character_set_name=db.character_set, db_description=f"owned by {db.service}",
                opts=pulumi.ResourceOptions(parent=self, protect=args.deletion_protection))
        accounts: dict[str, P.Account] = {}
        for service in d.users():
            if service not in args.passwords:
                raise ValueError(f"data.database: no generated password for service {service}")
            accounts[service] = P.Account(
                f"{name}-account-{service}", db_cluster_id=cluster.id, account_name=d.account_of(service),
                account_password=pulumi.Output.secret(args.passwords[service]), account_type="Normal",
                account_description=f"livecommerce {service}", opts=child)
        for (service, privilege), names in privileges(d).items():
            P.AccountPrivilege(
                f"{name}-privilege-{service}-{privilege.lower()}", db_cluster_id=cluster.id,
                account_name=accounts[service].account_name, account_privilege=privilege, db_names=names,
                opts=pulumi.ResourceOptions(parent=self, depends_on=[databases[n] for n in names]))
        self.cluster_id = cluster.id
        self.host = cluster.connection_string
        self.port = cluster.port
        self.databases = {k: v.db_name for k, v in databases.items()}
        self.register_outputs({"cluster_id": self.cluster_id, "host": self.host, "port": self.port,
                               "databases": self.databases})
