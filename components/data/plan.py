"""Pure decisions of the data block (no Pulumi engine): secret names, credentials, RocketMQ ACL grants,
consumer retry policies, the plain arguments of each product's instance, PolarDB privileges and the tags a
product accepts. The components in this package only turn these into resources.

Sources for the values (upstream terraform-provider-alicloud, which pulumi-alicloud 4.0.0 bridges):
* RocketMQ 5: `alicloud/resource_alicloud_rocketmq_instance.go` (series/sub-series/payment ValidateFuncs,
  `internet_spec` `enable`/`disable` with `flow_out_type` `uninvolved`), `..._rocketmq_consumer_group.go`
  (retry policies), `website/docs/r/rocketmq_acl.html.markdown` (Pub/Sub per resource type); the OpenAPI
  model `alibabacloud_rocketmq20220801 CreateConsumerGroupRequest` (FixedRetryPolicy only for ordered,
  DefaultRetryPolicy only for concurrent delivery).
* Tair: `alicloud/resource_alicloud_redis_tair_instance.go` (`node_type`, `ssl_enabled` Enable/Disable,
  `tde_status` `enabled`, `vpc_auth_mode` Open/Close, `period` values); `CreateTairInstanceRequest` (at most
  5 tags at creation).
* PolarDB: `website/docs/r/polardb_cluster.html.markdown` (`db_cluster_ip_array`, `deletion_lock` only on
  PostPaid, `hot_standby_cluster`/`standby_az`, serverless `polar.mysql.sl.small`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from components.naming import Naming
from components.data.settings import (
    BillingSettings,
    CacheSettings,
    ConsumerSettings,
    DataSettings,
    DatabaseSettings,
    QueueSettings,
    db_identifier,
)

PRODUCTS = ("queue", "cache", "database")
#: CreateTairInstance accepts at most 5 tags (`alibabacloud_r_kvstore20150101` CreateTairInstanceRequest.Tag).
TAIR_MAX_TAGS = 5
#: Tags kept first when a product takes fewer tags than the stack has (cost attribution comes first).
TAG_PRIORITY = ("env", "owner", "cost-center", "project", "managed-by")
TAIR_PORT = 6379
#: The RocketMQ 5 service code (`service_code`): always `rmq`.
RMQ_SERVICE_CODE = "rmq"


def secret_name(naming: Naming, service: str, product: str) -> str:
    """KMS secret holding one service's credential for one product: `<project>/<stack>/<service>/<product>`,
    e.g. `livecommerce/prod/order/database` (KMS allows letters, digits and `_/+=.@-`; generic secret names must
    not start with `acs/`). Secret names are unique per region and account, so the stack is in the name."""
    return f"{naming.project}/{naming.stack}/{service}/{product}"


@dataclass(frozen=True)
class Credential:
    """One service's account on one product."""

    service: str
    product: str
    """`queue`, `cache` or `database`."""
    username: str

    @property
    def key(self) -> str:
        """Stable key naming the Pulumi resources of this credential (`order-database`)."""
        return f"{self.service}-{self.product}"


def mq_username(service: str) -> str:
    """A service's RocketMQ account (the service name)."""
    return service


def cache_account(service: str) -> str:
    """A service's Tair account: lowercase letters, digits and `_`, starting with a letter
    (website/docs/r/kvstore_account.html.markdown)."""
    return db_identifier(service)


def credentials(data: DataSettings) -> list[Credential]:
    """Every account the stack creates, one per (service, product it uses), in a stable order."""
    out: list[Credential] = []
    for service, uses in data.services_used().items():
        for product in uses:
            if product == "queue":
                out.append(Credential(service, product, mq_username(service)))
            elif product == "cache":
                out.append(Credential(service, product, cache_account(service)))
            elif data.database is not None:
                out.append(Credential(service, product, data.database.account_of(service)))
    return out


def limit_tags(tags: Mapping[str, str], most: int) -> dict[str, str]:
    """At most `most` tags, the cost-attribution ones first (`TAG_PRIORITY`), then the rest by key."""
    order = [k for k in TAG_PRIORITY if k in tags] + sorted(k for k in tags if k not in TAG_PRIORITY)
    return {k: tags[k] for k in order[:most]}


def period(billing: BillingSettings) -> tuple[int, str]:
    """A subscription's (period, unit): months up to 6, else whole years."""
    months = billing.subscription_months
    return (months // 12, "Year") if months >= 12 else (months, "Month")


# ---- RocketMQ ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AclGrant:
    """What one service may do on one topic or group (`rocketmq.Acl`)."""

    service: str
    resource_type: str
    """`Topic` or `Group`."""
    resource: str
    actions: tuple[str, ...]
    """`Pub`, `Sub` (topics) or `Sub` (groups)."""

    @property
    def key(self) -> str:
        return f"{self.service}-{self.resource_type.lower()}-{self.resource}"


def acl_grants(q: QueueSettings) -> list[AclGrant]:
    """Least privilege: publishers `Pub` on their topics, consumers `Sub` on their topics and their group.
    Nobody gets the dead-letter topics (operators read them in the console)."""
    topic_actions: dict[tuple[str, str], set[str]] = {}
    for t in q.topics:
        for s in t.publishers:
            topic_actions.setdefault((s, t.name), set()).add("Pub")
    for c in q.consumers:
        for t in c.topics:
            topic_actions.setdefault((c.service, t), set()).add("Sub")
    grants = [AclGrant(s, "Topic", t, tuple(sorted(a))) for (s, t), a in topic_actions.items()]
    grants += [AclGrant(c.service, "Group", c.group_id, ("Sub",)) for c in q.consumers]
    return sorted(grants, key=lambda g: (g.service, g.resource_type, g.resource))


def is_orderly(q: QueueSettings, consumer: ConsumerSettings) -> bool:
    """Whether a group reads FIFO topics (and so must be delivered in order)."""
    kinds = {t.name: t.message_type for t in q.topics}
    return any(kinds.get(t) == "fifo" for t in consumer.topics)


def consumer_inputs(q: QueueSettings, consumer: ConsumerSettings) -> dict[str, object]:
    """Plain arguments of a `rocketmq.ConsumerGroup`.

    The retry policy must match the delivery order: ordered delivery retries at a fixed interval
    (FixedRetryPolicy), concurrent delivery backs off (DefaultRetryPolicy); CreateConsumerGroup refuses any
    other pairing."""
    orderly = is_orderly(q, consumer)
    policy: dict[str, object] = {
        "retry_policy": "FixedRetryPolicy" if orderly else "DefaultRetryPolicy",
        "max_retry_times": consumer.max_retries,
    }
    if consumer.dead_letter:
        policy["dead_letter_target_topic"] = consumer.dead_letter_topic
    return {
        "consumer_group_id": consumer.group_id,
        "delivery_order_type": "Orderly" if orderly else "Concurrently",
        "consume_retry_policy": policy,
        "remark": f"consumer group of {consumer.service}",
    }


def topic_types(q: QueueSettings) -> dict[str, str]:
    """Every topic to create with its provider message type, dead-letter topics (NORMAL) included."""
    out = {t.name: t.message_type.upper() for t in q.topics}
    for c in q.consumers:
        if c.dead_letter:
            out[c.dead_letter_topic] = "NORMAL"
    return out


def queue_instance_inputs(naming: Naming, q: QueueSettings) -> dict[str, object]:
    """Plain arguments of the `rocketmq.RocketMQInstance` (network wiring and whitelist excluded)."""
    args: dict[str, object] = {
        "instance_name": naming.physical(),
        "service_code": RMQ_SERVICE_CODE,
        "series_code": q.edition,
        "sub_series_code": "cluster_ha" if q.high_availability else "single_node",
        "payment_type": q.billing.payment,
        "product_info": {
            "msg_process_spec": q.spec,
            "send_receive_ratio": q.send_receive_ratio,
            "message_retention_time": q.message_retention_hours,
        },
        # Accounts and ACLs only (apache_acl), and no password-free access from the VPC: every client
        # authenticates as its own service.
        "acl_info": {"acl_types": ["apache_acl"], "default_vpc_auth_free": False},
        "software": {"maintain_time": q.maintenance_window},
        "remark": f"{naming.title} message queue",
    }
    if q.billing.payment == "Subscription":
        months, unit = period(q.billing)
        args.update(period=months, period_unit=unit, auto_renew=q.billing.auto_renew)
        if q.billing.auto_renew:
            args.update(auto_renew_period=1, auto_renew_period_unit="Month")
    return args


#: `network_info.internet_info` of a private instance: the provider requires the block (both `vpc_info` and
#: `internet_info` are Required, ForceNew), and `uninvolved` is the billing type of a disabled endpoint.
PRIVATE_INTERNET_INFO = {"internet_spec": "disable", "flow_out_type": "uninvolved"}


def vpc_endpoint(endpoints: Sequence[object] | None) -> str:
    """The VPC (`TCP_VPC`) endpoint URL among an instance's `network_info.endpoints`, or ""."""
    for e in endpoints or []:
        kind = str(getattr(e, "endpoint_type", "") or (e.get("endpoint_type") if isinstance(e, Mapping) else "")
                   or "")
        url = getattr(e, "endpoint_url", None) or (e.get("endpoint_url") if isinstance(e, Mapping) else None)
        if "VPC" in kind.upper() and url:
            return str(url)
    return ""


# ---- Tair --------------------------------------------------------------------------------------------


def cache_instance_inputs(naming: Naming, c: CacheSettings, zones: Sequence[str]) -> dict[str, object]:
    """Plain arguments of the `redis.TairInstance` (network wiring, password and whitelist excluded)."""
    args: dict[str, object] = {
        "tair_instance_name": naming.physical("cache"),
        "instance_type": "tair_rdb",
        "instance_class": c.instance_class,
        "engine_version": c.engine_version,
        "node_type": "MASTER_SLAVE" if c.high_availability else "STAND_ALONE",
        "shard_count": c.shards,
        "zone_id": zones[0],
        "port": TAIR_PORT,
        "payment_type": c.billing.payment,
        # Password authentication inside the VPC too: the whitelist alone would let any pod of the VPC in.
        "vpc_auth_mode": "Open",
        "ssl_enabled": "Enable" if c.tls else "Disable",
        "maintain_start_time": f"{c.maintenance_start_utc}Z",
        "maintain_end_time": f"{_plus_hour(c.maintenance_start_utc)}Z",
    }
    if c.tde:
        # The provider's ValidateFunc accepts lowercase `enabled` only (resource_alicloud_redis_tair_instance.go).
        args["tde_status"] = "enabled"
    if c.multi_zone:
        args["secondary_zone_id"] = zones[1]
    if c.billing.payment == "Subscription":
        args["period"] = c.billing.subscription_months
        args["auto_renew"] = "true" if c.billing.auto_renew else "false"
        if c.billing.auto_renew:
            args["auto_renew_period"] = "1"
    return args


def cache_backup_inputs(c: CacheSettings) -> dict[str, object]:
    """Plain arguments of the `kvstore.BackupPolicy` (a one-hour UTC window, `HH:mmZ-HH:mmZ`)."""
    return {"backup_periods": list(c.backup_weekdays),
            "backup_time": f"{c.backup_start_utc}Z-{_plus_hour(c.backup_start_utc)}Z"}


# ---- PolarDB -----------------------------------------------------------------------------------------

#: Serverless PolarDB for MySQL (Enterprise Edition) node class (website/docs/r/polardb_cluster.html.markdown).
SERVERLESS_NODE_CLASS = "polar.mysql.sl.small"
#: The whitelist group every PolarDB cluster has. A custom `db_cluster_ip_array_name` also leaks its IPs into
#: this group (https://github.com/aliyun/terraform-provider-alicloud/pull/10158, still open), so we only use it.
DEFAULT_IP_ARRAY = "default"


def database_cluster_inputs(naming: Naming, d: DatabaseSettings, zones: Sequence[str], *,
                            deletion_protection: bool) -> dict[str, object]:
    """Plain arguments of the `polardb.Cluster` (network wiring and whitelist excluded)."""
    args: dict[str, object] = {
        "description": naming.physical(),
        "db_type": "MySQL",
        "db_version": d.mysql_version,
        "zone_id": zones[0],
        "pay_type": "PostPaid" if d.billing.payment == "PayAsYouGo" else "PrePaid",
        "maintain_time": d.maintenance_window_utc,
        "creation_category": "Normal",
        # A deleted cluster keeps its backups as configured (restore after a mistaken delete).
        "backup_retention_policy_on_cluster_deletion": d.backup.keep_on_deletion,
    }
    if d.serverless:
        args.update(db_node_class=SERVERLESS_NODE_CLASS, serverless_type="AgileServerless",
                    scale_min=d.min_pcu, scale_max=d.max_pcu)
    else:
        args.update(db_node_class=d.node_class, db_node_count=d.nodes)
    if d.multi_zone:
        args.update(hot_standby_cluster="ON", standby_az=zones[1])
    else:
        args["hot_standby_cluster"] = "OFF"
    if d.tde:
        args["tde_status"] = "Enabled"
        if d.mysql_version == "8.0":
            args["encrypt_new_tables"] = "ON"
    if d.billing.payment == "Subscription":
        args["period"] = d.billing.subscription_months
        args["renewal_status"] = "AutoRenewal" if d.billing.auto_renew else "Normal"
        if d.billing.auto_renew:
            args["auto_renew_period"] = 1
    else:
        # The deletion lock can only be switched on a PostPaid cluster (provider docs on deletion_lock).
        args["deletion_lock"] = 1 if deletion_protection else 0
    return args


def database_backup_inputs(d: DatabaseSettings) -> dict[str, object]:
    """Plain arguments of the `polardb.BackupPolicy`."""
    b = d.backup
    window = f"{b.start_utc}Z-{_plus_hour(b.start_utc)}Z"
    return {
        "preferred_backup_periods": list(b.weekdays),
        "preferred_backup_time": window,
        "data_level1_backup_retention_period": b.level1_retention_days,
        "data_level2_backup_retention_period": b.level2_retention_days,
        "log_backup_retention_period": b.log_retention_days,
        "backup_retention_policy_on_cluster_deletion": b.keep_on_deletion,
    }


def privileges(d: DatabaseSettings) -> dict[tuple[str, str], list[str]]:
    """(service, `ReadWrite` | `ReadOnly`) -> the databases it gets that privilege on; owners write, readers
    read. One `polardb.AccountPrivilege` per key (a privilege is ForceNew, the database list is not)."""
    out: dict[tuple[str, str], list[str]] = {}
    for db in d.databases:
        out.setdefault((db.service, "ReadWrite"), []).append(db.name)
        for r in db.readers:
            out.setdefault((r, "ReadOnly"), []).append(db.name)
    return {k: sorted(v) for k, v in sorted(out.items())}


def _plus_hour(hhmm: str) -> str:
    return f"{(int(hhmm[:2]) + 1) % 24:02d}:00"
