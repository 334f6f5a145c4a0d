"""Settings of the middleware and data layer (`livecommerce:platform.data`): the RocketMQ 5 message queue,
the Tair (Redis-compatible) cache, the PolarDB for MySQL database, and how their credentials reach the
services (KMS Secrets Manager, synced into the cluster by ack-secret-manager).

Pure data (pydantic, no Pulumi). Every field has a docstring: it is the config reference and the JSON Schema
description. Defaults are the production choice; dev stacks override downward, explicitly. A section left
out (`queue`, `cache`, `database`) is not deployed: a stack declares what its services use.

Which service uses what is declared here, next to the resource it uses: `queue.topics[].publishers`,
`queue.consumers[].service`, `cache.clients`, `database.databases[].service` / `.readers`. Each such service
gets its own account (never a shared one), the endpoints in a ConfigMap and the credentials in a Secret
(`components/data/bindings.py`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

# A service name as `services[].name` spells it (a DNS label).
_SERVICE = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"
# RocketMQ 5 topic and group names: letters, digits, `%`, `_` and `-` (provider ValidateFunc on topic_name).
_MQ_NAME = r"^[a-zA-Z0-9_-]{1,64}$"
# PolarDB database names: lowercase letters, digits and underscores, starting with a letter, at most 64
# (website/docs/r/polardb_database.html.markdown); we leave out `-` so the name is a valid SQL identifier.
_DB_NAME = r"^[a-z][a-z0-9_]{0,63}$"
# PolarDB account names: 2-16 lowercase letters, digits and underscores, starting with a letter and ending
# with a letter or digit (website/docs/r/polardb_account.html.markdown).
_DB_ACCOUNT = r"^[a-z][a-z0-9_]{0,14}[a-z0-9]$"
_HHMM = r"^([01]\d|2[0-3]):00$"
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
Payment = Literal["PayAsYouGo", "Subscription"]
#: The message-processing spec families of each RocketMQ 5 edition (`rmq.s2.*` standard, `rmq.p2.*`
#: professional, `rmq.u2.*` platinum): a spec of another edition is refused by CreateInstance.
EDITION_SPEC_PREFIX = {"standard": "rmq.s", "professional": "rmq.p", "ultimate": "rmq.u"}
#: PolarDB reserves these account names (website/docs/r/polardb_account.html.markdown: "root and admin").
RESERVED_DB_ACCOUNTS = frozenset({"root", "admin", "mysql", "aurora", "replicator", "test"})


def db_identifier(service: str) -> str:
    """A service name as a SQL-safe identifier (`live-interaction` -> `live_interaction`)."""
    return service.replace("-", "_")


class BillingSettings(BaseModel):
    """How an instance is paid for."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    payment: Payment = "PayAsYouGo"
    """`PayAsYouGo` (default; the only choice dev may make) or `Subscription`. Since provider v1.294.0 destroying
    a Subscription RocketMQ or Tair instance fails: it must be unsubscribed in the console (docs/data.md), and
    PolarDB's deletion lock cannot be changed on a prepaid cluster."""
    subscription_months: Literal[1, 2, 3, 4, 5, 6, 12, 24, 36] = 1
    """Length of a subscription in months (Subscription only): 1-6, or 12/24/36 (one to three years): the
    periods RocketMQ, Tair and PolarDB all accept."""
    auto_renew: bool = True
    """Renew a subscription automatically (Subscription only), so a production instance never lapses."""


# ---- message queue ---------------------------------------------------------------------------------


class TopicSettings(BaseModel):
    """One RocketMQ topic (`rocketmq.RocketMQTopic`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=_MQ_NAME)
    """Topic name, e.g. `order-events`; unique in the instance. Renaming it replaces the topic (and loses its
    messages)."""
    message_type: Literal["normal", "fifo", "delay", "transaction"] = "normal"
    """`normal`; `fifo` for events whose order matters (order state changes: consumers get them one by one
    per message group); `delay` for scheduled messages (order timeouts); `transaction` for half messages.
    A topic only carries messages of its type; changing it replaces the topic."""
    publishers: list[str] = Field(min_length=1)
    """Services that send to the topic (`services[].name`); each gets a `Pub` ACL on it."""
    description: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_]+$", max_length=128)
    """Remark shown in the console (letters, digits and `_` only: the provider's ValidateFunc)."""

    @field_validator("publishers")
    @classmethod
    def _distinct(cls, names: list[str]) -> list[str]:
        return _distinct_services(names)


class ConsumerSettings(BaseModel):
    """One consumer group (`rocketmq.ConsumerGroup`) owned by one service."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    service: str = Field(pattern=_SERVICE)
    """The service whose pods consume (`services[].name`); it gets `Sub` ACLs on the group and its topics."""
    topics: list[str] = Field(min_length=1)
    """Topics the group subscribes to (`queue.topics[].name`). A group reads FIFO topics in order
    (`Orderly` delivery), so it may not mix FIFO and non-FIFO topics."""
    name: str | None = Field(default=None, pattern=_MQ_NAME)
    """Group id; defaults to `<service>-<first topic>`. Renaming replaces the group and resets its offsets."""
    max_retries: int = Field(default=16, ge=0, le=1000)
    """Deliveries of a failing message before it goes to the group's dead-letter topic."""
    dead_letter: bool = True
    """Give the group a dead-letter topic `<group>-dlq` (watched by an alert); without one, a message that
    fails every retry is dropped silently."""

    @property
    def group_id(self) -> str:
        """The consumer group id."""
        return self.name or f"{self.service}-{self.topics[0]}"

    @property
    def dead_letter_topic(self) -> str:
        """Name of the group's dead-letter topic."""
        return f"{self.group_id}-dlq"


class QueueSettings(BaseModel):
    """ApsaraMQ for RocketMQ 5.x (`rocketmq.RocketMQInstance`, never the ONS 4.x `rocketmq.Instance`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    edition: Literal["standard", "professional", "ultimate"] = "professional"
    """Series: `standard`, `professional` (default: higher TPS limits, message trace) or `ultimate`
    (platinum). Changing it replaces the instance."""
    high_availability: bool = True
    """Cluster high-availability edition (`cluster_ha`, across zones). `false` is the single-node test
    edition: dev only, and never with `ultimate`."""
    spec: str = Field(default="rmq.p2.4xlarge", pattern=r"^rmq\.[spu]\d\.\w+$")
    """Message sending/receiving spec (`msg_process_spec`) of the edition, e.g. `rmq.s2.2xlarge` (standard),
    `rmq.p2.4xlarge` (professional), `rmq.u2.10xlarge` (platinum). Changing it replaces the instance."""
    send_receive_ratio: float = Field(default=0.5, ge=0.05, le=0.5)
    """Share of the instance's TPS reserved for sending (provider range 0.05-0.5); live commerce reads more than
    it writes."""
    message_retention_hours: int = Field(default=72, ge=24, le=2160)
    """How long messages are kept (billed by storage used), in hours."""
    maintenance_window: str = Field(default="02:00-06:00", pattern=r"^([01]\d|2[0-3]):00-([01]\d|2[0-3]):00$")
    """Upgrade window (instance local time), `HH:00-HH:00`."""
    billing: BillingSettings = BillingSettings()
    """PayAsYouGo or Subscription."""
    topics: list[TopicSettings] = Field(min_length=1)
    """The topics, each with the services that publish to it."""
    consumers: list[ConsumerSettings] = Field(default_factory=list)
    """The consumer groups, one per (service, purpose)."""

    @model_validator(mode="after")
    def _coherent(self) -> QueueSettings:
        problems: list[str] = []
        prefix = EDITION_SPEC_PREFIX[self.edition]
        if not self.spec.startswith(prefix):
            problems.append(f"spec: {self.spec} is not a {self.edition} spec (expected {prefix}2.<size>)")
        if self.edition == "ultimate" and not self.high_availability:
            problems.append("high_availability: the ultimate edition only comes as cluster_ha; set it to true")
        names = [t.name for t in self.topics]
        problems += _duplicates("topics", names)
        groups = [c.group_id for c in self.consumers]
        problems += _duplicates("consumers (group ids)", groups)
        kinds = {t.name: t.message_type for t in self.topics}
        for i, c in enumerate(self.consumers):
            unknown = [t for t in c.topics if t not in kinds]
            if unknown:
                problems.append(f"consumers[{i}].topics: {', '.join(unknown)} not in queue.topics")
                continue
            fifo = {kinds[t] == "fifo" for t in c.topics}
            if len(fifo) > 1:
                problems.append(f"consumers[{i}]: group {c.group_id} mixes FIFO and non-FIFO topics; a group is "
                                "either Orderly or Concurrently, so split it in two")
            if c.dead_letter and c.dead_letter_topic in kinds:
                problems.append(f"consumers[{i}]: its dead-letter topic {c.dead_letter_topic} is also declared in "
                                "queue.topics; rename one of them")
        if problems:
            raise ValueError("\n".join(problems))
        return self


# ---- cache -----------------------------------------------------------------------------------------


class CacheSettings(BaseModel):
    """Tair (Redis-compatible) in-memory instance (`redis.TairInstance`, `tair_rdb`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    instance_class: str = Field(default="tair.rdb.4g", pattern=r"^tair\.rdb\.[\w.]+$")
    """Tair memory-optimized class, e.g. `tair.rdb.1g` (dev), `tair.rdb.4g`, `tair.rdb.with.proxy.8g`."""
    engine_version: Literal["5.0", "6.0", "7.0"] = "7.0"
    """Redis protocol version of the Tair memory-optimized instance."""
    shards: int = Field(default=1, ge=1, le=32)
    """1 = standard architecture; 2-32 = cluster architecture with that many data shards."""
    high_availability: bool = True
    """Primary/replica (`MASTER_SLAVE`). `false` is a single node that loses its data when it fails (dev
    only, single zone)."""
    multi_zone: bool = True
    """Put the replica in the second zone (`secondary_zone_id`), so one zone lost keeps the cache."""
    tls: bool = True
    """Require TLS on connections (`ssl_enabled`)."""
    tde: bool = True
    """Transparent data encryption of persisted data (`tde_status`); it cannot be turned off once on, and the
    account needs the `AliyunRdsInstanceEncryptionDefaultRole` authorised once."""
    backup_weekdays: list[Weekday] = Field(default_factory=lambda: list(_WEEKDAYS), min_length=1)
    """Days the daily backup runs."""
    backup_start_utc: str = Field(default="18:00", pattern=_HHMM)
    """Start of the one-hour backup window, UTC on the hour (18:00 UTC is 02:00 in Asia/Shanghai)."""
    maintenance_start_utc: str = Field(default="18:00", pattern=_HHMM)
    """Start of the one-hour maintenance window, UTC on the hour."""
    billing: BillingSettings = BillingSettings()
    """PayAsYouGo or Subscription."""
    clients: list[str] = Field(min_length=1)
    """Services that use the cache (`services[].name`); each gets its own read-write account."""

    @field_validator("clients")
    @classmethod
    def _distinct(cls, names: list[str]) -> list[str]:
        return _distinct_services(names)

    @model_validator(mode="after")
    def _coherent(self) -> CacheSettings:
        if not self.high_availability and self.multi_zone:
            raise ValueError("multi_zone: a single-node cache (high_availability: false) lives in one zone; "
                             "set multi_zone to false")
        return self


# ---- database --------------------------------------------------------------------------------------


class DatabaseEntry(BaseModel):
    """One database of the cluster, owned by one service."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=_DB_NAME)
    """Database name, e.g. `orders` (lowercase letters, digits, `_`). Renaming it replaces the database: its
    tables are lost."""
    service: str = Field(pattern=_SERVICE)
    """The owning service (`services[].name`): its account gets ReadWrite on the database."""
    readers: list[str] = Field(default_factory=list)
    """Other services that may read it (ReadOnly on this database through their own accounts)."""
    character_set: Literal["utf8mb4", "utf8", "gbk", "latin1"] = "utf8mb4"
    """Character set; utf8mb4 holds every Unicode character (emoji in live-room comments)."""

    @field_validator("readers")
    @classmethod
    def _distinct(cls, names: list[str]) -> list[str]:
        return _distinct_services(names)


class DatabaseBackupSettings(BaseModel):
    """PolarDB backups (`polardb.BackupPolicy`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    weekdays: list[Weekday] = Field(default_factory=lambda: list(_WEEKDAYS), min_length=2)
    """Days a level-1 backup (snapshot) runs; PolarDB wants at least two."""
    start_utc: str = Field(default="18:00", pattern=_HHMM)
    """Start of the one-hour backup window, UTC on the hour."""
    level1_retention_days: int = Field(default=7, ge=3, le=14)
    """Days level-1 backups are kept (PolarDB allows 3-14)."""
    level2_retention_days: int = Field(default=30, ge=0, le=7300)
    """Days level-2 (archived) backups are kept: 0 = none, else 30-7300."""
    log_retention_days: int = Field(default=7, ge=3, le=7300)
    """Days binlog backups (point-in-time restore) are kept."""
    keep_on_deletion: Literal["ALL", "LATEST", "NONE"] = "ALL"
    """Backups kept when the cluster is deleted: `ALL` (default; a deleted order database stays restorable),
    `LATEST` or `NONE`."""

    @field_validator("level2_retention_days")
    @classmethod
    def _level2(cls, days: int) -> int:
        if 0 < days < 30:
            raise ValueError("level-2 backups are kept 0 (none) or 30 to 7300 days")
        return days


class DatabaseSettings(BaseModel):
    """PolarDB for MySQL cluster (`polardb.Cluster`) with a database and an account per service."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    mysql_version: Literal["8.0", "5.7"] = "8.0"
    """MySQL version; 8.0 is needed for encrypting new tables automatically. Changing it replaces the cluster."""
    serverless: bool = False
    """A serverless cluster that scales in PCUs (`polar.mysql.sl.small`, AgileServerless): right for dev,
    whose database is idle most of the time."""
    node_class: str = Field(default="polar.mysql.x4.large", pattern=r"^polar\.mysql\.[\w.]+$")
    """Node class of a provisioned cluster, e.g. `polar.mysql.x4.large` (4 cores, 16 GiB dedicated). Ignored
    when serverless."""
    nodes: int = Field(default=2, ge=1, le=16)
    """Nodes of a provisioned cluster: one primary plus read-only nodes; 2 or more to survive a node failure."""
    min_pcu: int = Field(default=1, ge=1, le=31)
    """Serverless: fewest PCUs per node."""
    max_pcu: int = Field(default=4, ge=1, le=32)
    """Serverless: most PCUs per node."""
    multi_zone: bool = True
    """A hot-standby storage cluster in the second zone (`hot_standby_cluster`, `standby_az`): a zone lost
    fails over without data loss."""
    tls: bool = True
    """SSL on the cluster endpoint the services use (`polardb.ClusterEndpoint.ssl_enabled`), certificate
    rotated automatically."""
    tde: bool = True
    """Transparent data encryption (`tde_status`) and encryption of every new table; cannot be undone."""
    maintenance_window_utc: str = Field(default="18:00Z-19:00Z", pattern=r"^([01]\d|2[0-3]):00Z-([01]\d|2[0-3]):00Z$")
    """Maintenance window, `HH:00Z-HH:00Z` UTC."""
    backup: DatabaseBackupSettings = DatabaseBackupSettings()
    """Backup schedule and retention."""
    billing: BillingSettings = BillingSettings()
    """PayAsYouGo or Subscription."""
    databases: list[DatabaseEntry] = Field(min_length=1)
    """The databases, each owned by one service."""
    accounts: dict[str, str] = Field(default_factory=dict)
    """Account name per service when the derived one (`<service>` with `-` as `_`) does not fit PolarDB's
    2-16 characters, e.g. `{live-interaction: live_interact}`."""

    @model_validator(mode="after")
    def _coherent(self) -> DatabaseSettings:
        problems = _duplicates("databases", [d.name for d in self.databases])
        if self.serverless and self.min_pcu > self.max_pcu:
            problems.append(f"min_pcu ({self.min_pcu}) is above max_pcu ({self.max_pcu})")
        for service, account in self.accounts.items():
            if not re.match(_DB_ACCOUNT, account) or account in RESERVED_DB_ACCOUNTS:
                problems.append(f"accounts.{service}: {account!r} is not a PolarDB account name (2-16 lowercase "
                                "letters, digits, _; not root/admin)")
        for service in self.users():
            name = self.account_of(service)
            if not re.match(_DB_ACCOUNT, name) or name in RESERVED_DB_ACCOUNTS:
                problems.append(f"accounts.{service}: the derived account name {name!r} does not fit PolarDB's "
                                "2-16 lowercase letters, digits and _; set accounts.{service} to a shorter one")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def users(self) -> list[str]:
        """Every service with an account on the cluster (owners and readers), sorted."""
        return sorted({d.service for d in self.databases} | {r for d in self.databases for r in d.readers})

    def account_of(self, service: str) -> str:
        """The PolarDB account name of a service."""
        return self.accounts.get(service) or db_identifier(service)


# ---- secrets ---------------------------------------------------------------------------------------


class SecretSyncSettings(BaseModel):
    """ack-secret-manager, the Helm chart that copies KMS secrets into Kubernetes Secrets."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    chart_version: str = Field(default="0.5.8", pattern=r"^\d+\.\d+\.\d+$")
    """Chart version from the ACK marketplace repository (pinned: an unpinned chart upgrades on any `up`)."""
    chart_repository: str = Field(default="https://aliacs-app-catalog.oss-cn-hangzhou.aliyuncs.com/charts-incubator/",
                                  pattern=r"^https://\S+/$")
    """Helm repository serving the `ack-secret-manager` chart (the ACK marketplace's)."""
    polling_interval_seconds: int = Field(default=120, ge=10, le=3600)
    """How often synced Secrets are refreshed from KMS (a rotated password reaches the pods within it)."""


class SecretsSettings(BaseModel):
    """KMS Secrets Manager: where every generated password lives."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    kms_instance_id: str | None = Field(default=None, pattern=r"^kst-[\w-]+$")
    """KMS instance (`kst-...`) to hold the secrets and their key. KMS 3.0 accounts need one (CreateSecret
    then requires DKMSInstanceId); unset uses the account's shared Secrets Manager and default key."""
    password_version: int = Field(default=1, ge=1)
    """Raise by one to rotate every generated password: accounts get new passwords, the KMS secrets a new
    version, and ack-secret-manager copies it into the cluster within `sync.polling_interval_seconds`."""
    recovery_window_days: int = Field(default=30, ge=7, le=30)
    """Days a deleted secret can still be restored (KMS allows 7-30)."""
    sync: SecretSyncSettings = SecretSyncSettings()
    """The in-cluster sync (ack-secret-manager)."""


class DataSettings(BaseModel):
    """The middleware and data layer the services use (`livecommerce:platform.data`)."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    queue: QueueSettings | None = None
    """RocketMQ 5 instance with topics and consumer groups; unset = no message queue."""
    cache: CacheSettings | None = None
    """Tair cache; unset = no cache."""
    database: DatabaseSettings | None = None
    """PolarDB for MySQL cluster; unset = no database."""
    secrets: SecretsSettings = SecretsSettings()
    """Where generated passwords live and how they reach the pods."""
    deletion_protection: bool = True
    """Deletion protection the products offer (PolarDB `deletion_lock`) plus Pulumi `protect` on the instances,
    the database and the KMS secrets: deleting them loses orders. Dev may turn it off; prod must keep it."""

    def services_used(self) -> dict[str, list[str]]:
        """Per service, what it uses: `queue`, `cache`, `database` (sorted service names, fixed order)."""
        out: dict[str, list[str]] = {}

        def add(service: str, what: str) -> None:
            kinds = out.setdefault(service, [])
            if what not in kinds:
                kinds.append(what)

        if self.queue is not None:
            for t in self.queue.topics:
                for s in t.publishers:
                    add(s, "queue")
            for c in self.queue.consumers:
                add(c.service, "queue")
        if self.cache is not None:
            for s in self.cache.clients:
                add(s, "cache")
        if self.database is not None:
            for s in self.database.users():
                add(s, "database")
        order = ("queue", "cache", "database")
        return {s: sorted(kinds, key=order.index) for s, kinds in sorted(out.items())}


def data_problems(data: DataSettings, service_names: Sequence[str], zones: Sequence[str],
                  injected_env: dict[str, set[str]] | None = None) -> list[str]:
    """Cross-section rules, one line each naming the key and the fix: every referenced service exists, multi-zone
    needs two zones, and no service sets a variable the data block injects.

    `injected_env` maps a service to the environment variable names it already sets (`env`, `env_secrets`):
    the data block injects its own (docs/data.md), so a clash is refused rather than silently overridden.
    What a tier demands of the data layer is `tier_problems` (stacks/tiers.py calls it)."""
    problems: list[str] = []
    known = set(service_names)

    def check_service(path: str, name: str) -> None:
        if name not in known:
            hint = f"; services are {', '.join(sorted(known))}" if known else "; declare it under services"
            problems.append(f"data.{path}: {name!r} is not a service of this stack{hint}")

    q, c, d = data.queue, data.cache, data.database
    if q is not None:
        for i, t in enumerate(q.topics):
            for s in t.publishers:
                check_service(f"queue.topics[{i}].publishers", s)
        for i, cons in enumerate(q.consumers):
            check_service(f"queue.consumers[{i}].service", cons.service)
    if c is not None:
        for s in c.clients:
            check_service("cache.clients", s)
    if d is not None:
        for i, db in enumerate(d.databases):
            check_service(f"database.databases[{i}].service", db.service)
            for s in db.readers:
                check_service(f"database.databases[{i}].readers", s)
                if s == db.service:
                    problems.append(f"data.database.databases[{i}].readers: {s} owns the database already")
        for s in d.accounts:
            if s not in d.users():
                problems.append(f"data.database.accounts.{s}: {s} uses no database; remove the entry")
    for path, section in (("cache", c), ("database", d)):
        if section is not None and section.multi_zone and len(zones) < 2:
            problems.append(f"data.{path}.multi_zone: needs a second zone in network.zones; add one or set it "
                            "to false")
    for service, names in sorted((injected_env or {}).items()):
        clash = sorted(names & set(injected_names(data, service)))
        for name in clash:
            problems.append(f"services.{service}: {name} is set by the data block (from what data declares); "
                            f"remove it from env / env_secrets")
    return problems


def tier_problems(data: DataSettings, tier: str, *, high_availability: bool, pay_as_you_go: bool) -> list[str]:
    """What a tier demands of the data layer, checked when the config is validated (the tier table says which:
    stacks/tiers.py). `high_availability`: the HA queue edition, a cache replica, cache and database across two
    zones, a database node to fail over to. `pay_as_you_go`: no Subscription instance (the provider cannot
    destroy one since v1.294.0). Protection, TLS, TDE and backups are the policy pack's, at the tier's levels."""
    problems: list[str] = []
    q, c, d = data.queue, data.cache, data.database
    if high_availability:
        if q is not None and not q.high_availability:
            problems.append(f"data.queue.high_availability: tier {tier} needs the cluster_ha edition; set it to true")
        if c is not None and not c.high_availability:
            problems.append(f"data.cache.high_availability: tier {tier} needs a replica; set it to true")
        for path, section in (("cache", c), ("database", d)):
            if section is not None and not section.multi_zone:
                problems.append(f"data.{path}.multi_zone: tier {tier} survives a zone outage; set it to true")
        if d is not None and not d.serverless and d.nodes < 2:
            problems.append(f"data.database.nodes: tier {tier} needs a read-only node to fail over to; set 2 or more")
    if pay_as_you_go:
        for path, section in (("queue", q), ("cache", c), ("database", d)):
            if section is not None and section.billing.payment != "PayAsYouGo":
                problems.append(f"data.{path}.billing.payment: tier {tier} is pay-as-you-go (a Subscription instance "
                                "cannot be destroyed by `pulumi destroy`); set it to PayAsYouGo")
    return problems


#: Environment variables the data block gives a service, by what it uses (docs/data.md).
QUEUE_ENV = ("ROCKETMQ_ENDPOINT", "ROCKETMQ_INSTANCE_ID", "ROCKETMQ_USERNAME", "ROCKETMQ_PASSWORD")
CACHE_ENV = ("REDIS_HOST", "REDIS_PORT", "REDIS_TLS", "REDIS_USERNAME", "REDIS_PASSWORD")
DATABASE_ENV = ("DB_HOST", "DB_PORT", "DB_TLS", "DB_USERNAME", "DB_PASSWORD")


def database_env(database: str) -> str:
    """`orders` -> `DB_NAME_ORDERS` (every database a service may use; `DB_NAME` is the one it owns)."""
    return "DB_NAME_" + database.upper()


def topic_env(topic: str) -> str:
    """`order-events` -> `ROCKETMQ_TOPIC_ORDER_EVENTS`."""
    return "ROCKETMQ_TOPIC_" + re.sub(r"[^A-Za-z0-9]", "_", topic).upper()


def group_env(group: str) -> str:
    """`stock-order-events` -> `ROCKETMQ_GROUP_STOCK_ORDER_EVENTS`."""
    return "ROCKETMQ_GROUP_" + re.sub(r"[^A-Za-z0-9]", "_", group).upper()


def injected_names(data: DataSettings, service: str) -> list[str]:
    """Every environment variable the data block sets on `service`'s containers."""
    uses = data.services_used().get(service, [])
    names: list[str] = []
    if "queue" in uses and data.queue is not None:
        names += QUEUE_ENV
        names += [topic_env(t.name) for t in data.queue.topics
                  if service in t.publishers or any(service == c.service and t.name in c.topics
                                                    for c in data.queue.consumers)]
        names += [group_env(c.group_id) for c in data.queue.consumers if c.service == service]
    if "cache" in uses:
        names += CACHE_ENV
    if "database" in uses and data.database is not None:
        names += DATABASE_ENV
        owned = [d.name for d in data.database.databases if d.service == service]
        if len(owned) == 1:
            names.append("DB_NAME")
        names += [database_env(d.name) for d in data.database.databases
                  if d.service == service or service in d.readers]
    return names


def _duplicates(what: str, names: list[str]) -> list[str]:
    dupes = sorted({n for n in names if names.count(n) > 1})
    return [f"{what}: each name must be unique; repeated: {', '.join(dupes)}"] if dupes else []


def _distinct_services(names: list[str]) -> list[str]:
    bad = [n for n in names if not re.match(_SERVICE, n)]
    if bad:
        raise ValueError(f"{', '.join(bad)}: not a service name (lowercase letters, digits and -)")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"repeated: {', '.join(dupes)}")
    return names
