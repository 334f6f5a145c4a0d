"""The data block (`livecommerce:data:Data`): the generated credentials, then the message queue, the cache and
the database a stack declares, all private to the platform VPC and whitelisted to its node and pod vSwitches.

    Credentials (random passwords -> KMS secrets) -> MessageQueue (RocketMQ 5) / Cache (Tair) / Database (PolarDB)
    -> endpoints + secret names, which `bindings.bindings` turns into each service's ConfigMap and ExternalSecret.

In-cluster pieces (ack-secret-manager, SecretStore) are `sync.SecretSync`; the per-service objects are
registered by the Workloads component next to the service's Deployments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components.naming import Naming
from components.data.bindings import Endpoints
from components.data.cache import Cache, CacheArgs
from components.data.credentials import Credentials, CredentialsArgs
from components.data.database import Database, DatabaseArgs
from components.data.plan import Credential, credentials
from components.data.queue import MessageQueue, MessageQueueArgs
from components.data.settings import DataSettings
from components.observability.alert_rules import Target
from components.observability.targets import cache_target, database_target, message_queue_target

#: The cache's default account: its password is generated and kept in KMS for operators, never synced.
ADMIN = "_admin"


@dataclass(frozen=True, kw_only=True)
class DataArgs:
    """Wiring and settings of the data block."""

    naming: Naming
    """How the stack names its objects (components/naming.py)."""
    settings: DataSettings
    """`livecommerce:platform.data`."""
    zones: Sequence[str]
    """The stack's zones in order (`network.zones`)."""
    vpc_id: pulumi.Input[str]
    vswitch_ids: Sequence[pulumi.Input[str]]
    """Node vSwitch ids in zone order (`Network.node_vswitch_ids`)."""
    whitelist: Sequence[str]
    """Client ranges: the node and pod vSwitches (`network.client_cidrs(plan)`), never 0.0.0.0/0."""
    tags: Mapping[str, str] = field(default_factory=dict)


class Data(pulumi.ComponentResource):
    """Credentials, RocketMQ 5, Tair and PolarDB as the stack declares them."""

    queue: MessageQueue | None
    cache: Cache | None
    database: Database | None
    credentials: Credentials
    endpoints: Endpoints
    """What the services' ConfigMaps are built from."""
    secret_names: dict[str, str]
    """KMS secret name by credential key (`<service>-<product>`)."""
    secret_arns: list[pulumi.Output[str]]
    """Every KMS secret a service reads (the sync role may read exactly these)."""
    alert_targets: list[Target]
    """The queue, cache and database as observability watches them: named as the instances were named,
    ids from their outputs."""

    def __init__(self, name: str, args: DataArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:data:Data", name, None, opts)
        s = args.settings
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)
        service_creds = credentials(s)
        all_creds = service_creds + ([Credential(ADMIN, "cache", "default")] if s.cache is not None else [])
        self.credentials = Credentials(f"{name}-credentials", CredentialsArgs(
            naming=args.naming, credentials=all_creds, password_version=s.secrets.password_version,
            kms_instance_id=s.secrets.kms_instance_id, recovery_window_days=s.secrets.recovery_window_days,
            protect=s.deletion_protection, tags=tags), opts=child)
        pw = self.credentials.passwords

        def passwords(product: str) -> dict[str, pulumi.Output[str]]:
            return {c.service: pw[c.key] for c in service_creds if c.product == product}

        self.queue = self.cache = self.database = None
        if s.queue is not None:
            self.queue = MessageQueue(f"{name}-queue", MessageQueueArgs(
                naming=args.naming, settings=s.queue, vpc_id=args.vpc_id, vswitch_ids=list(args.vswitch_ids),
                whitelist=list(args.whitelist), passwords=passwords("queue"), protect=s.deletion_protection,
                tags=tags), opts=child)
        if s.cache is not None:
            self.cache = Cache(f"{name}-cache", CacheArgs(
                naming=args.naming, settings=s.cache, zones=list(args.zones), vpc_id=args.vpc_id,
                vswitch_id=args.vswitch_ids[0], whitelist=list(args.whitelist),
                admin_password=pw[f"{ADMIN}-cache"], passwords=passwords("cache"), protect=s.deletion_protection,
                tags=tags), opts=child)
        if s.database is not None:
            self.database = Database(f"{name}-database", DatabaseArgs(
                naming=args.naming, settings=s.database, zones=list(args.zones), vpc_id=args.vpc_id,
                vswitch_id=args.vswitch_ids[0], whitelist=list(args.whitelist), passwords=passwords("database"),
                deletion_protection=s.deletion_protection, tags=tags), opts=child)

        q, c, d = self.queue, self.cache, self.database
        self.endpoints = Endpoints(
            queue_endpoint=q.endpoint if q else None, queue_instance_id=q.instance_id if q else None,
            topics=q.topics if q else {}, groups=q.groups if q else {},
            cache_host=c.host if c else None, cache_port=c.port if c else None,  # type: ignore[arg-type]
            cache_tls=bool(s.cache and s.cache.tls),
            db_host=d.host if d else None, db_port=d.port if d else None,
            db_tls=bool(s.database and s.database.tls), databases=d.databases if d else {})
        self.secret_names = {k: v for k, v in self.credentials.secret_names.items() if not k.startswith(ADMIN)}
        self.secret_arns = [self.credentials.secret_arns[k] for k in sorted(self.secret_names)]
        self.alert_targets = [
            *([message_queue_target("rocketmq", q.instance_name, q.instance_id)] if q else []),  # type: ignore[arg-type]
            *([cache_target("tair", c.instance_name, c.instance_id)] if c else []),  # type: ignore[arg-type]
            *([database_target("polardb", d.cluster_name, d.cluster_id)] if d else []),  # type: ignore[arg-type]
        ]
        self.register_outputs({
            "queue_instance_id": q.instance_id if q else None,
            "cache_instance_id": c.instance_id if c else None,
            "database_cluster_id": d.cluster_id if d else None,
            "secret_names": self.secret_names,
        })
