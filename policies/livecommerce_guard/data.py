"""Data-layer rules: the message queue, the cache and the database stay private, encrypted, backed up and,
in prod, protected from deletion.

Covers RocketMQ 5 (`rocketmq.RocketMQInstance`), Tair (`redis.TairInstance`), community Redis
(`kvstore.Instance`), PolarDB (`polardb.Cluster`) and RDS (`rds.Instance`), whichever a stack uses.
Whitelists are judged by their entries: `0.0.0.0/0`, any publicly routable range, or anything wider than a
/8 opens the product to the internet (or to every VPC of the account) once a public endpoint exists.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._base import (
    Subject,
    bool_schema,
    get,
    int_schema,
    items,
    known,
    number,
    of_type,
    refers_to,
    resource_rule,
    stack_rule,
    truthy,
)

ROCKETMQ = "alicloud:rocketmq/rocketMQInstance:RocketMQInstance"
ROCKETMQ_ACL = "alicloud:rocketmq/acl:Acl"
TAIR = "alicloud:redis/tairInstance:TairInstance"
KVSTORE = "alicloud:kvstore/instance:Instance"
KVSTORE_BACKUP = "alicloud:kvstore/backupPolicy:BackupPolicy"
POLARDB = "alicloud:polardb/cluster:Cluster"
POLARDB_BACKUP = "alicloud:polardb/backupPolicy:BackupPolicy"
POLARDB_ENDPOINTS = ("alicloud:polardb/clusterEndpoint:ClusterEndpoint",
                     "alicloud:polardb/primaryEndpoint:PrimaryEndpoint", "alicloud:polardb/endpoint:Endpoint")
RDS = "alicloud:rds/instance:Instance"
RDS_BACKUP = "alicloud:rds/backupPolicy:BackupPolicy"
WHITELISTED = (ROCKETMQ, ROCKETMQ_ACL, TAIR, KVSTORE, POLARDB, RDS)


def open_entry(entry: str, widest_prefix: int) -> str | None:
    """Why a whitelist entry is open (None when it is private and narrow enough)."""
    text = entry.strip()
    if text in ("0.0.0.0/0", "0.0.0.0", "*", "::/0"):
        return "the whole internet"
    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None  # security-group names and the like: not an address range
    if not net.is_private:
        return "a public range"
    if net.prefixlen < widest_prefix:
        return f"a range wider than /{widest_prefix}"
    return None


def whitelist_entries(subject: Subject) -> list[str]:
    """Every whitelist entry of a data resource, whatever shape its provider uses."""
    p = subject.props
    found: list[str] = []
    if subject.type in (ROCKETMQ, ROCKETMQ_ACL):
        found += [str(e) for e in items(get(p, "ipWhitelists"))]
        found += [str(e) for e in items(get(p, "networkInfo", "internetInfo", "ipWhitelists"))]
    elif subject.type == POLARDB:
        found += [str(e) for e in items(get(p, "securityIps"))]
        for array in items(get(p, "dbClusterIpArrays")):
            found += [str(e) for e in items(get(array, "securityIps"))]
    else:
        ips = get(p, "securityIps")
        found += [e for e in str(ips).split(",") if e.strip()] if isinstance(ips, str) else [str(e) for e in items(ips)]
    return found


def check_open_whitelist(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """DATA-01: whitelists name the platform's node and pod ranges, never the internet."""
    widest = int(cfg.get("widestPrefix", 8))
    problems = []
    for entry in whitelist_entries(subject):
        why = open_entry(entry, widest)
        if why:
            problems.append(f"a whitelist entry opens it to {why}")
    return sorted(set(problems))


def check_public_endpoint(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """DATA-02: RocketMQ 5 instances have no internet endpoint; clients authenticate."""
    p = subject.props
    problems = []
    if str(get(p, "networkInfo", "internetInfo", "internetSpec", default="")).lower() == "enable":
        problems.append("networkInfo.internetInfo.internetSpec is enable (a public endpoint)")
    if cfg.get("requireAuthentication", True) and truthy(get(p, "aclInfo", "defaultVpcAuthFree")):
        problems.append("aclInfo.defaultVpcAuthFree lets any client in the VPC in without an account")
    return problems


def check_tde(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """DATA-04: data at rest encrypted (TDE)."""
    status = str(get(subject.props, "tdeStatus", default="")).lower()
    return [] if status == "enabled" else ["tdeStatus is not Enabled (data at rest unencrypted)"]


def _tls_on(resources: list[Any], res: Any) -> bool:
    p = res.props
    if res.resource_type == TAIR:
        return str(get(p, "sslEnabled", default="")) == "Enable"
    if res.resource_type == KVSTORE:
        return str(get(p, "sslEnable", default="")) == "Enable"
    if res.resource_type == RDS:
        return str(get(p, "sslAction", default="")) in ("Open", "Update")
    # PolarDB for MySQL turns SSL on per endpoint: one of the cluster's endpoints must carry it.
    return any(str(known(e.props, "sslEnabled", default="")) in ("Enable", "Update")
               and refers_to(e, "dbClusterId", res, None)
               for e in of_type(resources, *POLARDB_ENDPOINTS))


def check_tls(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """DATA-03: connections encrypted in transit."""
    return [(r.urn, "connections are not encrypted (no TLS/SSL on the instance or its endpoint)")
            for r in of_type(resources, TAIR, KVSTORE, POLARDB, RDS) if not _tls_on(resources, r)]


def check_backups(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """DATA-05: a declared backup policy per instance; PolarDB keeps backups when the cluster is deleted."""
    min_days = int(cfg.get("minLevel1RetentionDays", 7))
    out: list[tuple[str, str]] = []
    pairs = ((TAIR, KVSTORE_BACKUP, "instanceId"), (KVSTORE, KVSTORE_BACKUP, "instanceId"),
             (POLARDB, POLARDB_BACKUP, "dbClusterId"), (RDS, RDS_BACKUP, "instanceId"))
    for kind, backup, key in pairs:
        for res in of_type(resources, kind):
            policies = [b for b in of_type(resources, backup) if refers_to(b, key, res, None)]
            if not policies:
                out.append((res.urn, "no backup policy is declared for it"))
                continue
            if kind != POLARDB:
                continue
            b = policies[0].props
            days = number(known(b, "dataLevel1BackupRetentionPeriod"), None)
            if days is not None and days < min_days:
                out.append((res.urn, f"level-1 backups are kept fewer than {min_days} days"))
            keep = known(b, "backupRetentionPolicyOnClusterDeletion") or known(
                res.props, "backupRetentionPolicyOnClusterDeletion")
            if keep in (None, "NONE"):
                out.append((res.urn, "deleting the cluster deletes its backups (backupRetentionPolicyOnClusterDeletion "
                                     "NONE, the provider default)"))
    return out


def check_deletion_protection(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """DATA-06: stateful data products are protected from deletion (product lock + Pulumi protect)."""
    p = subject.props
    problems = []
    if subject.type == POLARDB and get(p, "payType", default="PostPaid") != "PrePaid" \
            and (number(get(p, "deletionLock"), 0) or 0) != 1:
        problems.append("deletionLock is not 1 (the cluster can be deleted by one API call)")
    if subject.type == RDS and not truthy(get(p, "deletionProtection")):
        problems.append("deletionProtection is not on")
    if cfg.get("requireProtect", True) and not subject.protect:
        problems.append("the resource is not protected (resource option protect)")
    return problems


POLICIES = [
    resource_rule(
        "alicloud-data-whitelist-disallow-open",
        "Message queue, cache and database whitelists must list private ranges only, never 0.0.0.0/0.",
        types=WHITELISTED,
        severity=Severity.CRITICAL,
        anchors=["CKV_ALI_9 (RDS, analog)", "KICS:1f4e1f1e (Redis, analog)", "CloudConfig:rds-public-access-check"],
        fix="whitelist the platform's node and pod vSwitch ranges (components.network.client_cidrs)",
        check=check_open_whitelist,
        config={"widestPrefix": int_schema(8, "widest private prefix accepted (e.g. 8 allows 10.0.0.0/8)", minimum=0)},
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    resource_rule(
        "alicloud-rocketmq-rocketmqinstance-disallow-public-endpoint",
        "RocketMQ 5 instances must not have an internet endpoint, and VPC clients must authenticate.",
        types=[ROCKETMQ],
        severity=Severity.CRITICAL,
        anchors=["CKV_ALI_9 (analog)", "MSE:whitelist (analog)"],
        fix="declare network_info.internet_info with internet_spec='disable' and flow_out_type='uninvolved'; "
            "acl_info.default_vpc_auth_free=False",
        check=check_public_endpoint,
        config={"requireAuthentication": bool_schema(True, "also refuse password-free VPC access")},
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    stack_rule(
        "alicloud-data-connection-require-tls",
        "Cache and database connections must be encrypted (TLS on Tair/Redis, SSL on a PolarDB endpoint or RDS).",
        # The endpoints too: a stack rule only sees the types it names.
        types=[TAIR, KVSTORE, POLARDB, RDS, *POLARDB_ENDPOINTS],
        severity=Severity.HIGH,
        anchors=["CKV_ALI_20 (RDS SSL)", "CloudConfig:redis-ssl-enabled (analog)"],
        fix="set ssl_enabled='Enable' on the Tair instance; add polardb.ClusterEndpoint(ssl_enabled='Enable', "
            "ssl_auto_rotate='Enable') for the cluster",
        check=check_tls,
    ),
    resource_rule(
        "alicloud-data-storage-require-tde",
        "Cache and database data at rest must be encrypted (TDE).",
        types=[TAIR, KVSTORE, POLARDB, RDS],
        severity=Severity.HIGH,
        anchors=["CKV_ALI_22 (RDS TDE)", "CKV_ALI_44 (analog)"],
        fix="set tde_status='Enabled' (Tair: 'enabled'); TDE cannot be turned off afterwards",
        check=check_tde,
    ),
    stack_rule(
        "alicloud-data-instance-require-backups",
        "Caches and databases must declare their backup policy; PolarDB keeps its backups when deleted.",
        types=[TAIR, KVSTORE, POLARDB, RDS, KVSTORE_BACKUP, POLARDB_BACKUP, RDS_BACKUP],
        severity=Severity.MEDIUM,
        anchors=["CKV_ALI_25 (RDS backup retention, analog)"],
        fix="add kvstore.BackupPolicy / polardb.BackupPolicy (data_level1_backup_retention_period>=7, "
            "backup_retention_policy_on_cluster_deletion='ALL')",
        check=check_backups,
        config={"minLevel1RetentionDays": int_schema(7, "shortest PolarDB level-1 retention in days", minimum=3)},
    ),
    resource_rule(
        "alicloud-data-instance-enable-deletion-protection",
        "Message queue, cache and database instances must be protected from deletion.",
        types=[ROCKETMQ, TAIR, KVSTORE, POLARDB, RDS],
        severity=Severity.HIGH,
        anchors=["CKV_ALI_36 (analog)", "deletion-protection (analog)"],
        fix="set deletion_lock=1 on the PolarDB cluster (deletion_protection on RDS) and "
            "opts=ResourceOptions(protect=True)",
        check=check_deletion_protection,
        config={"requireProtect": bool_schema(True, "also require the Pulumi protect resource option")},
    ),
]
