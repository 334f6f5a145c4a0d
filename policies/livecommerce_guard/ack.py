"""ACK rules: the managed cluster (Pro spec, private API server, RRSA, secret encryption, control-plane
logs, deletion protection, maintenance), its node pools (auto-repair, no public IPs, multi-zone,
bounded autoscaling, patching, disk encryption, IMDSv2 only, no password login; the last two also
for ECS hosts) and ECI virtual nodes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._base import (
    Subject,
    bool_schema,
    fed_by,
    get,
    int_schema,
    is_map,
    items,
    json_doc,
    known,
    number,
    of_type,
    resource_rule,
    stack_rule,
    str_list_schema,
    truthy,
)

CLUSTER = "alicloud:cs/managedKubernetes:ManagedKubernetes"
NODE_POOL = "alicloud:cs/nodePool:NodePool"
ADDON = "alicloud:cs/kubernetesAddon:KubernetesAddon"
VIRTUAL_NODE = "alicloud:eci/virtualNode:VirtualNode"
SWITCH = "alicloud:vpc/switch:Switch"
# ECS hosts outside node pools share the node-hardening rules (IMDSv2, no password login).
ECS_INSTANCE = "alicloud:ecs/instance:Instance"
ECS_LAUNCH_TEMPLATES = (
    "alicloud:ecs/ecsLaunchTemplate:EcsLaunchTemplate",
    "alicloud:ecs/launchTemplate:LaunchTemplate",
)


def check_public_apiserver(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """ACK-01: `slbInternetEnabled` defaults to true, so only an explicit false is private."""
    value = get(subject.props, "slbInternetEnabled")
    if value is None:
        return ["slbInternetEnabled is absent and the provider defaults it to true (public API server)"]
    if truthy(value):
        return ["the API server has an internet-facing SLB"]
    return []


def check_pro_spec(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """ACK-06: Pro clusters carry the SLA and are required for secret encryption."""
    if not str(get(subject.props, "clusterSpec", default="")).startswith("ack.pro."):
        return ["clusterSpec is not an ACK Pro spec"]
    return []


def check_rrsa(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """ACK-03: pods get RAM roles per ServiceAccount instead of the shared node role."""
    return [] if truthy(get(subject.props, "enableRrsa")) else ["RRSA is not enabled"]


def check_secret_encryption(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """ACK-04: Secrets are envelope-encrypted in etcd with a KMS key."""
    problems = []
    if not get(subject.props, "encryptionProviderKey"):
        problems.append("encryptionProviderKey is not set, so Secrets are stored unencrypted by a CMK")
    if truthy(get(subject.props, "disableEncryption")):
        problems.append("disableEncryption is on")
    return problems


def check_control_plane_logs(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """ACK-05: control-plane components and the audit log ship to SLS."""
    required = list(cfg.get("requiredComponents", ["apiserver", "kcm", "scheduler"]))
    have = {str(c) for c in items(get(subject.props, "controlPlaneLogComponents"))}
    problems = []
    missing = [c for c in required if c not in have]
    if missing:
        problems.append(f"controlPlaneLogComponents lacks {', '.join(missing)}")
    if not truthy(get(subject.props, "auditLogConfig", "enabled")):
        problems.append("auditLogConfig.enabled is not true")
    return problems


def check_deletion_protection(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """ACK-02: the cluster cannot be deleted by accident (API flag, optionally Pulumi protect)."""
    problems = []
    if not truthy(get(subject.props, "deletionProtection")):
        problems.append("deletionProtection is not on")
    if cfg.get("requireProtect", False) and not subject.protect:
        problems.append("the resource option protect is not set")
    return problems


def check_maintenance(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """ACK-08: upgrades and node-pool patching happen inside a declared window."""
    if not truthy(get(subject.props, "maintenanceWindow", "enable")):
        return ["no maintenanceWindow is enabled"]
    return []


def check_auto_repair(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """NP-01: managed node pool with auto-repair."""
    management = get(subject.props, "management", default={})
    if not truthy(get(management, "enable")) or not truthy(get(management, "autoRepair")):
        return ["management.enable and management.autoRepair are not both true"]
    return []


def check_auto_upgrade(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """NP-02: kubelet/OS upgrades and CVE fixes are automatic."""
    management = get(subject.props, "management", default={})
    missing = [k for k in ("autoUpgrade", "autoVulFix") if not truthy(get(management, k))]
    return [f"management lacks {', '.join(missing)}"] if missing else []


def check_no_public_ip(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """NP-04: nodes egress through NAT and are never directly reachable."""
    p = subject.props
    problems = []
    if get(p, "internetChargeType") or (number(get(p, "internetMaxBandwidthOut"), 0) or 0) > 0:
        problems.append("nodes get public IPs (internetChargeType/internetMaxBandwidthOut)")
    if truthy(get(p, "scalingConfig", "isBondEip")) or get(p, "scalingConfig", "eipBandwidth"):
        problems.append("scaled nodes get EIPs (scalingConfig.isBondEip/eipBandwidth)")
    return problems


def check_imdsv2(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """NP-05: instance metadata only in hardened mode (IMDSv2 tokens). The provider default is `optional`
    (cs/node_pool.py NodePoolInstanceMetadataOptionsArgs; ecs/instance.py http_tokens), which keeps the
    unauthenticated IMDSv1 path an SSRF in any pod can use to take the node's RAM role credentials."""
    if subject.type == NODE_POOL:
        tokens = get(subject.props, "instanceMetadataOptions", "httpTokens")
        where = "instanceMetadataOptions.httpTokens"
    else:
        tokens = get(subject.props, "httpTokens")
        where = "httpTokens"
    if str(tokens or "").strip().lower() != "required":
        return [f"{where} is not 'required', so IMDSv1 (no token) answers on the node"]
    return []


def check_password_login(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """NP-05: nodes take no root password (shared, guessable, in state); log in with a key pair or not at all."""
    # Presence only: the value is a secret and never read into a message.
    present = [k for k in ("password", "kmsEncryptedPassword") if get(subject.props, k) not in (None, "")]
    return [f"{' and '.join(present)} set a login password on the nodes"] if present else []


def check_autoscaling_bounds(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """NP-06: capacity is bounded (cost guard) and never drops below the floor."""
    p = subject.props
    cap = int(cfg.get("maxNodes", 100))
    floor = int(cfg.get("minNodes", 1))
    scaling = get(p, "scalingConfig", default={})
    if truthy(get(scaling, "enable")):
        lo, hi = number(get(scaling, "minSize")), number(get(scaling, "maxSize"))
        if lo is None or hi is None:
            return ["autoscaling is on without both scalingConfig.minSize and maxSize"]
        problems = []
        if hi < lo:
            problems.append("scalingConfig.maxSize is below minSize")
        if hi > cap:
            problems.append(f"scalingConfig.maxSize exceeds the cap of {cap} nodes")
        if lo < floor:
            problems.append(f"scalingConfig.minSize is below the floor of {floor} nodes")
        return problems
    desired = number(get(p, "desiredSize"), None)
    if desired is None:
        desired = number(get(p, "nodeCount"), None)
    if desired is None:
        return ["neither scalingConfig nor desiredSize sizes the pool"]
    if desired > cap:
        return [f"desiredSize exceeds the cap of {cap} nodes"]
    if desired < floor:
        return [f"desiredSize is below the floor of {floor} nodes"]
    return []


def check_disk_encryption(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """NP-03: system and data disks encrypted."""
    problems = []
    if not truthy(get(subject.props, "systemDiskEncrypted")):
        problems.append("systemDiskEncrypted is not true")
    if any(not truthy(get(d, "encrypted")) for d in items(get(subject.props, "dataDisks"))):
        problems.append("a data disk is not encrypted")
    return problems


class Switches:
    """The stack's vSwitches by URN and by id (pairing a pool's `vswitchIds` in O(1))."""

    def __init__(self, resources: list[Any]) -> None:
        self.by_urn = {sw.urn: sw for sw in of_type(resources, SWITCH)}
        self.by_id: dict[str, list[Any]] = {}
        for sw in self.by_urn.values():
            sid = known(sw.props, "id")
            if isinstance(sid, str):
                self.by_id.setdefault(sid, []).append(sw)


def zones_of(resource: Any, prop: str, switches: Switches) -> set[str] | None:
    """Distinct zones of the vSwitches feeding `prop` (None when none resolves to a vSwitch)."""
    feeders = fed_by(resource, prop)
    if feeders:
        found = [switches.by_urn[u] for u in feeders if u in switches.by_urn]
    else:
        ids = {str(v) for v in items(known(resource.props, prop))}
        found = [sw for i in ids for sw in switches.by_id.get(i, [])]
    zones = {str(known(sw.props, "zoneId")) for sw in found if known(sw.props, "zoneId")}
    return zones if found else None


def check_multi_zone(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """NP-06/NET-01: node pools and control planes span at least `minZones` zones."""
    need = int(cfg.get("minZones", 2))
    switches = Switches(resources)
    out = []
    for res in of_type(resources, NODE_POOL, CLUSTER):
        zones = zones_of(res, "vswitchIds", switches)
        count = len(zones) if zones is not None else len(items(get(res.props, "vswitchIds")))
        if res.resource_type == CLUSTER and not items(get(res.props, "vswitchIds")):
            count = len(items(get(res.props, "zoneIds"))) or count
        if count < need:
            out.append((res.urn, f"its vSwitches span fewer than {need} zones"))
    return out


def _addon_config(props: Mapping[str, Any]) -> Mapping[str, Any]:
    doc = json_doc(get(props, "config"))
    return doc if is_map(doc) else {}


def check_virtual_node_public(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """ECI-01: virtual-node pods egress through NAT and get no EIP."""
    if subject.type == VIRTUAL_NODE:
        if truthy(get(subject.props, "enablePublicNetwork")) or get(subject.props, "eipInstanceId"):
            return ["the virtual node gives pods public network access"]
        return []
    if get(subject.props, "name") != "ack-virtual-node":
        return []
    config = _addon_config(subject.props)
    public_keys = [
        k
        for k in config
        if any(w in str(k).lower() for w in ("eip", "publicnetwork", "publicip")) and truthy(config[k])
    ]
    return ["the ack-virtual-node config gives ECI pods public IPs"] if public_keys else []


def check_cluster_addons_virtual_node(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """The same ECI check for addons declared inline on the cluster (only applied at create)."""
    for addon in items(get(subject.props, "addons")):
        if get(addon, "name") == "ack-virtual-node":
            config = json_doc(get(addon, "config"))
            if is_map(config) and any(
                any(w in str(k).lower() for w in ("eip", "publicnetwork", "publicip")) and truthy(config[k])
                for k in config
            ):
                return ["the inline ack-virtual-node addon gives ECI pods public IPs"]
    return []


def check_eci_public(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    if subject.type == CLUSTER:
        return check_cluster_addons_virtual_node(subject, cfg)
    return check_virtual_node_public(subject, cfg)


POLICIES = [
    resource_rule(
        "alicloud-cs-managedkubernetes-disallow-public-apiserver",
        "ACK API servers must not be reachable from the internet (slbInternetEnabled defaults to true).",
        types=[CLUSTER],
        severity=Severity.CRITICAL,
        anchors=[
            "CloudConfig:ack-cluster-public-endpoint-check",
            "aws-eks-cluster-disallow-api-endpoint-public-access",
        ],
        fix="set slb_internet_enabled=False (create-time only) and reach the API server through the VPC",
        check=check_public_apiserver,
    ),
    resource_rule(
        "alicloud-cs-managedkubernetes-require-pro-spec",
        "ACK clusters must use an ACK Pro spec (SLA-backed control plane, secret encryption).",
        types=[CLUSTER],
        severity=Severity.MEDIUM,
        anchors=["ACK:pro"],
        fix="set cluster_spec='ack.pro.small'",
        check=check_pro_spec,
    ),
    resource_rule(
        "alicloud-cs-managedkubernetes-enable-rrsa",
        "ACK clusters must enable RRSA so pods assume per-ServiceAccount RAM roles.",
        types=[CLUSTER],
        severity=Severity.HIGH,
        anchors=["ACK:RRSA", "EKS IRSA (analog)"],
        fix="set enable_rrsa=True (it cannot be turned off later)",
        check=check_rrsa,
    ),
    resource_rule(
        "alicloud-cs-managedkubernetes-enable-secret-encryption",
        "ACK clusters must envelope-encrypt Kubernetes Secrets with a KMS key.",
        types=[CLUSTER],
        severity=Severity.HIGH,
        anchors=[
            "CKV_K8S_104 (analog)",
            "aws-eks-cluster-enable-cluster-encryption-config",
            "KICS:k8s-encryption-provider-config",
        ],
        fix="set encryption_provider_key=<KMS key id> on an ACK Pro cluster; never delete or disable that key",
        check=check_secret_encryption,
    ),
    resource_rule(
        "alicloud-cs-managedkubernetes-enable-control-plane-logs",
        "ACK clusters must ship control-plane component logs and the audit log to SLS.",
        types=[CLUSTER],
        severity=Severity.MEDIUM,
        anchors=["CKV_K8S_91", "CKV_K8S_92", "CKV_K8S_93", "CKV_K8S_94", "KICS:k8s-audit-log-path"],
        fix="set control_plane_log_components=['apiserver','kcm','scheduler','ccm'], control_plane_log_project "
        "and audit_log_config=...(enabled=True)",
        check=check_control_plane_logs,
        config={
            "requiredComponents": str_list_schema(
                ["apiserver", "kcm", "scheduler"], "control-plane components that must log"
            )
        },
    ),
    resource_rule(
        "alicloud-cs-managedkubernetes-enable-deletion-protection",
        "ACK clusters must have deletion protection on.",
        types=[CLUSTER],
        severity=Severity.MEDIUM,
        anchors=["awsguard:elb-deletion-protection-enabled (analog)"],
        fix="set deletion_protection=True (and protect=True in prod)",
        check=check_deletion_protection,
        config={"requireProtect": bool_schema(False, "also require the Pulumi protect resource option")},
    ),
    resource_rule(
        "alicloud-cs-managedkubernetes-configure-maintenance-window",
        "ACK clusters should declare a maintenance window for upgrades and managed node-pool patching.",
        types=[CLUSTER],
        severity=Severity.LOW,
        anchors=["CKV_ALI_30 (analog)"],
        fix="set maintenance_window=...(enable=True, maintenance_time=..., duration=..., weekly_period=...)",
        check=check_maintenance,
    ),
    resource_rule(
        "alicloud-cs-nodepool-enable-auto-repair",
        "ACK node pools must be managed with auto-repair so failed nodes are replaced.",
        types=[NODE_POOL],
        severity=Severity.MEDIUM,
        anchors=["CKV_ALI_31", "KICS:81ce9394"],
        fix="set management=NodePoolManagementArgs(enable=True, auto_repair=True)",
        check=check_auto_repair,
    ),
    resource_rule(
        "alicloud-cs-nodepool-enable-auto-upgrade",
        "ACK node pools should upgrade kubelet/OS and fix CVEs automatically.",
        types=[NODE_POOL],
        severity=Severity.LOW,
        anchors=["ACK:managed-node-pools", "CKV_ALI_30 (analog)"],
        fix="set management auto_upgrade=True and auto_vul_fix=True",
        check=check_auto_upgrade,
    ),
    resource_rule(
        "alicloud-cs-nodepool-disallow-public-ip",
        "ACK nodes must not get public IPs or EIPs; they egress through the NAT gateway.",
        types=[NODE_POOL],
        severity=Severity.HIGH,
        anchors=["aws-ec2-launchtemplate-disallow-public-ip (analog)", "awsguard:ec2-instance-no-public-ip"],
        fix="drop internet_charge_type/internet_max_bandwidth_out and scaling_config is_bond_eip",
        check=check_no_public_ip,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    stack_rule(
        "alicloud-cs-nodepool-require-multi-zone",
        "ACK node pools and control planes must span several zones to survive a zone outage.",
        types=[NODE_POOL, CLUSTER, SWITCH],
        severity=Severity.MEDIUM,
        anchors=["aws-rds-cluster-disallow-single-availability-zone (analog)", "NET-01"],
        fix="pass vSwitches from at least two zones in vswitch_ids",
        check=check_multi_zone,
        config={"minZones": int_schema(2, "distinct zones required", minimum=1)},
    ),
    resource_rule(
        "alicloud-cs-nodepool-require-imdsv2",
        "ACK nodes (and ECS hosts) must serve instance metadata only in hardened mode (IMDSv2 tokens).",
        types=[NODE_POOL, ECS_INSTANCE, *ECS_LAUNCH_TEMPLATES],
        severity=Severity.HIGH,
        anchors=["CKV_AWS_79 (analog)", "ACK:secure-access-to-ecs-instance-metadata"],
        fix="set instance_metadata_options=NodePoolInstanceMetadataOptionsArgs(http_tokens='required') "
        "(ECS: http_tokens='required'); ACK 1.28+",
        check=check_imdsv2,
    ),
    resource_rule(
        "alicloud-cs-nodepool-disallow-password-login",
        "ACK nodes (and ECS hosts) must not take a login password; use a key pair or no login at all.",
        types=[NODE_POOL, ECS_INSTANCE],
        severity=Severity.HIGH,
        anchors=["CIS Linux 5.2 (analog)", "ACK:node-pool-login"],
        fix="drop password/kms_encrypted_password; set key_name (or no login) and login_as_non_root=True",
        check=check_password_login,
    ),
    resource_rule(
        "alicloud-cs-nodepool-configure-autoscaling-bounds",
        "ACK node pools must have bounded capacity: a floor for availability and a cap against runaway cost.",
        types=[NODE_POOL],
        severity=Severity.MEDIUM,
        anchors=["Polaris:deploymentMissingReplicas (analog)"],
        fix="set scaling_config=(enable=True, min_size=<floor>, max_size=<cap>) within the environment bounds",
        check=check_autoscaling_bounds,
        config={
            "maxNodes": int_schema(100, "largest allowed pool size", minimum=1),
            "minNodes": int_schema(1, "smallest allowed pool size"),
        },
    ),
    resource_rule(
        "alicloud-cs-nodepool-enable-disk-encryption",
        "ACK node system and data disks should be encrypted.",
        types=[NODE_POOL],
        severity=Severity.MEDIUM,
        anchors=["CKV_ALI_7", "CKV_ALI_8", "CKV_ALI_32", "KICS:f262118c", "KICS:1455cb21"],
        fix="set system_disk_encrypted=True and data_disks[].encrypted='true' (with a KMS key in prod)",
        check=check_disk_encryption,
    ),
    resource_rule(
        "alicloud-eci-virtualnode-disallow-public-network",
        "ECI virtual nodes must not give pods public IPs; bursts egress through the NAT gateway.",
        types=[VIRTUAL_NODE, ADDON, CLUSTER],
        severity=Severity.HIGH,
        anchors=["CKV_ALI_9 (analog)", "NP-04"],
        fix="remove EIP/public-network options from the ack-virtual-node addon config",
        check=check_eci_public,
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
]
