"""MSE rules: the Nacos/ZooKeeper registry stays private and highly available; the cloud-native
gateway runs several replicas across zones."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from ._base import Subject, bool_schema, get, int_schema, items, number, resource_rule

CLUSTER = "alicloud:mse/cluster:Cluster"
GATEWAY = "alicloud:mse/gateway:Gateway"


def _too_wide(entry: Any) -> bool:
    try:
        return ipaddress.ip_network(str(entry), strict=False).prefixlen <= 16
    except ValueError:
        return True


def check_private_registry(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """MSE-01: an empty whitelist exposes Nacos to every IP; keep it on the VPC."""
    p = subject.props
    net = str(get(p, "netType", default="privatenet"))
    flow = number(get(p, "pubNetworkFlow"), 0) or 0
    if net == "privatenet" and flow == 0:
        return []
    acl = [str(e) for e in items(get(p, "aclEntryLists"))]
    if not acl:
        return ["the registry has a public endpoint with an empty whitelist (open to every IP)"]
    if any(_too_wide(e) for e in acl):
        return ["the registry whitelist has an entry of /16 or wider"]
    return []


def check_registry_ha(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """MSE-02: an odd quorum of at least `minInstances`, Professional edition."""
    p = subject.props
    need = int(cfg.get("minInstances", 3))
    n = number(get(p, "instanceCount"), 0) or 0
    problems = []
    if n < need or (need >= 3 and int(n) % 2 == 0):
        problems.append(f"instanceCount is not an odd number of at least {need}")
    if cfg.get("requirePro", True) and get(p, "mseVersion") != "mse_pro":
        problems.append("mseVersion is not mse_pro")
    return problems


def check_gateway_ha(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """MSE-02: gateway replicas spread over two vSwitches (zones)."""
    p = subject.props
    need = int(cfg.get("minReplicas", 2))
    problems = []
    if (number(get(p, "replica"), 0) or 0) < need:
        problems.append(f"replica is below {need}")
    if cfg.get("requireBackupVswitch", True) and not get(p, "backupVswitchId"):
        problems.append("backupVswitchId is not set (single zone)")
    return problems


POLICIES = [
    resource_rule(
        "alicloud-mse-cluster-disallow-public-access",
        "MSE registries (Nacos/ZooKeeper) must stay on the VPC or behind a tight whitelist.",
        types=[CLUSTER],
        severity=Severity.HIGH,
        anchors=["MSE:whitelist", "CKV_ALI_9 (analog)", "CKV_ALI_43 (analog)"],
        fix="set net_type='privatenet' and pub_network_flow='0' (or a whitelist narrower than /16)",
        check=check_private_registry,
    ),
    resource_rule(
        "alicloud-mse-cluster-require-high-availability",
        "MSE registries must run an odd quorum of at least three nodes on the Professional edition.",
        types=[CLUSTER],
        severity=Severity.MEDIUM,
        anchors=["Polaris:deploymentMissingReplicas (analog)"],
        fix="set instance_count=3 and mse_version='mse_pro'",
        check=check_registry_ha,
        config={
            "minInstances": int_schema(3, "smallest registry size", minimum=1),
            "requirePro": bool_schema(True, "require mse_version mse_pro"),
        },
    ),
    resource_rule(
        "alicloud-mse-gateway-require-high-availability",
        "MSE cloud-native gateways must run several replicas across two zones.",
        types=[GATEWAY],
        severity=Severity.MEDIUM,
        anchors=["Polaris:hpaMinAvailability (analog)"],
        fix="set replica>=2 and backup_vswitch_id to a vSwitch in another zone",
        check=check_gateway_ha,
        config={
            "minReplicas": int_schema(2, "smallest replica count", minimum=1),
            "requireBackupVswitch": bool_schema(True, "require a backup vSwitch in another zone"),
        },
    ),
]
