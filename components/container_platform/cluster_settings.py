"""Settings for the infrastructure half of the container platform: the ACK Pro cluster, its ECS node pools,
its addons, registered external clusters and the ACK One fleet.

Pure data plus pure checks: no Pulumi imports, no ``pulumi.Input`` values. Every field has an attribute
docstring (it becomes the JSON Schema description users see in their editor). Defaults are the secure
production choice; dev stacks override downward, explicitly.

What a tier demands on top (a private API server, deletion protection, ``protect``, KMS-encrypted Secrets)
is not here: the tier table (``stacks/tiers.py``) says it, and the tier's policy levels enforce it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator


# A Kubernetes label key: optional DNS-subdomain prefix, then a name of at most 63 characters.
_LABEL_KEY = (r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
              r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_LABEL_VALUE = r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$"
_SLUG = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
# ACK cluster ids (managed and registered alike) are `c` followed by 32 lowercase hex characters.
CLUSTER_ID_RE = re.compile(r"^c[0-9a-f]{32}$")
# ACK versions look like 1.33.1-aliyun.1.
_K8S_VERSION = r"^1\.\d{2}\.\d+-aliyun\.\d+$"

#: Node label every pool puts on its nodes, naming the pool (stable before the pool exists, unlike
#: `alibabacloud.com/nodepool-id`), so workloads and ResourcePolicy ECS units can select it.
NODE_POOL_LABEL = "livecommerce.io/node-pool"
#: Node label naming what the pool is for; `steady-base` pools carry the microservices' base load.
POOL_ROLE_LABEL = "livecommerce.io/pool-role"

Weekday = Literal["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ClusterSpec = Literal["ack.pro.small", "ack.pro.xlarge", "ack.pro.2xlarge", "ack.pro.4xlarge"]
UpgradeChannel = Literal["patch", "stable", "rapid"]
ControlPlaneComponent = Literal["apiserver", "kcm", "scheduler", "ccm", "controlplane-events"]
LabelKey = Annotated[str, Field(pattern=_LABEL_KEY, max_length=253)]
LabelValue = Annotated[str, Field(pattern=_LABEL_VALUE, max_length=63)]

DOC_LINK = "docs/container-platform.md#registering-an-external-cluster"


class AddonPin(BaseModel):
    """One ACK addon (`cs.KubernetesAddon`): whether it is installed, at which version, with which config."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    enabled: bool = True
    """Install the addon (default). `false` uninstalls an addon the defaults would install."""
    version: str | None = Field(default=None, pattern=r"^v?\d+\.\d+\.\d+([-.+][0-9A-Za-z.-]+)?$")
    """Pin this addon version (e.g. `v2.13.0`); unset installs the newest version on first deploy and leaves
    it alone afterwards. Find versions with `aliyun cs GET /clusters/<id>/components/metadata`."""
    config: dict[str, str | int | float | bool] = Field(default_factory=dict)
    """Addon config keys (sent as JSON). ACK merges config server-side: removing a key here does NOT reset
    it; set it to an empty string instead."""


#: Addons every ACK cluster gets, in install order. `ack-node-problem-detector` and
#: `node-lifecycle-controller` are what node-pool auto-repair needs (cs.NodePool `management` docs).
DEFAULT_ADDONS: dict[str, str] = {
    "metrics-server": "HPA resource metrics (CPU, memory)",
    "ack-virtual-node": "ECI virtual nodes: serverless burst capacity for live-stream peaks",
    "ack-kubernetes-cronhpa-controller": "CronHPA: scale up ahead of scheduled live streams",
    "ack-onepilot": "agent injector for ARMS APM tracing and MSE governance (tag routing, lossless offline)",
    "arms-prometheus": "managed Prometheus agent: container, node and business metrics into ARMS",
    "loongcollector": "SLS log collection (successor of logtail-ds)",
    "ack-node-problem-detector": "node health signals that node-pool auto-repair acts on",
    "node-lifecycle-controller": "drains and repairs unhealthy nodes (node-pool auto-repair)",
    "mse-ingress-controller": "MSE Ingress: serves IngressClass `mse` through the platform's MSE gateway",
}
#: Addons the architecture cannot run without, and who needs them.
REQUIRED_ADDONS: dict[str, str] = {
    "ack-virtual-node": "bursting onto ECI virtual nodes",
    "metrics-server": "every workload's HPA",
    "ack-kubernetes-cronhpa-controller": "the live-event CronHPAs",
    "mse-ingress-controller": "the services' MSE Ingresses (IngressClass mse) at the gateway",
}
#: The observability and governance addons a registered external cluster gets (no ECI, no CronHPA there).
EXTERNAL_DEFAULT_ADDONS: tuple[str, ...] = ("ack-onepilot", "arms-prometheus", "loongcollector")
#: The two SLS collectors conflict (both run a DaemonSet tailing the same files).
LOG_COLLECTORS = ("loongcollector", "logtail-ds")
#: Network plug-ins (CNI). ACK installs the CNI only from CreateCluster's `addons` (the cluster's create-only
#: `addons` argument); as a `cs.KubernetesAddon` it would be uninstalled on destroy or removal, cutting every
#: pod off the network, so none of these may appear in `cluster.addons` or a registered cluster's addons.
NETWORK_PLUGINS = frozenset({"terway-eniip", "terway-eni", "terway", "terway-controlplane", "flannel"})


def merge_addons(defaults: Sequence[str], given: Mapping[str, Any] | None) -> dict[str, Any]:
    """`given` over the defaults: a stack lists only the addons it pins or turns off, never the whole set."""
    merged: dict[str, Any] = {name: {} for name in defaults}
    for name, pin in (given or {}).items():
        merged[name] = pin
    return merged


def check_addons(addons: Mapping[str, AddonPin], required: Mapping[str, str]) -> list[str]:
    """Problems with an addon set: a required addon turned off, or both log collectors on."""
    problems = []
    for name, why in required.items():
        pin = addons.get(name)
        if pin is None or not pin.enabled:
            problems.append(f"addons.{name}: cannot be disabled; the platform needs it for {why}")
    on = [c for c in LOG_COLLECTORS if c in addons and addons[c].enabled]
    if len(on) > 1:
        problems.append(
            "addons: loongcollector and logtail-ds both collect logs and conflict; disable one "
            "(`logtail-ds: {enabled: false}`)"
        )
    return problems


def _validate_addon_names(addons: Mapping[str, AddonPin]) -> None:
    for name in addons:
        if not re.match(_SLUG, name) or len(name) > 63:
            raise ValueError(f"addons: {name!r} is not an ACK addon name (lowercase letters, digits and -)")
        if name in NETWORK_PLUGINS:
            raise ValueError(
                f"addons.{name}: the network plug-in is installed with the cluster (Terway, see "
                "cluster.network_policy), never as a separate addon: removing or destroying that addon would "
                "uninstall the CNI; remove this entry"
            )


class ClusterSettings(BaseModel):
    """The ACK managed Pro cluster (control plane) of one environment."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    kubernetes_version: str = Field(default="1.33.1-aliyun.1", pattern=_K8S_VERSION)
    """The ACK Kubernetes version, e.g. `1.33.1-aliyun.1`: the version manifests are validated against, and,
    with `auto_upgrade_channel` null, the version the cluster is created at and upgraded to (raise it to
    upgrade). With a channel it is not sent: ACK creates the cluster at the channel's version and moves it."""
    cluster_spec: ClusterSpec = "ack.pro.small"
    """ACK Pro control-plane size: `ack.pro.small` (default) up to `ack.pro.4xlarge` for very large clusters."""
    api_server_public: bool = False
    """Give the API server an internet-facing SLB. Default false: reach it from the VPC (VPN, bastion, CI
    runner in the VPC). The tier's policy level may forbid it (stacks/tiers.py). Only applies when the cluster
    is created."""
    deletion_protection: bool = True
    """ACK deletion protection: the API refuses to delete the cluster. The tier's policy level may require it."""
    protect: bool = True
    """The Pulumi `protect` option on the cluster: `pulumi destroy` stops before deleting it. The tier's policy
    level may require it."""
    enable_rrsa: bool = True
    """RRSA: pods assume per-ServiceAccount RAM roles (OIDC) instead of the shared node role."""
    secrets_encryption: bool = True
    """Envelope-encrypt Kubernetes Secrets in etcd with a KMS key (ACK Pro). Needs the
    AliyunCSManagedSecurityRole service role authorised once per account."""
    secrets_kms_key_id: str | None = Field(default=None, pattern=r"^[A-Za-z0-9-]{4,64}$")
    """An existing KMS key id for `secrets_encryption`; unset (default) creates a dedicated KMS key with
    yearly rotation. Never delete or disable this key while the cluster lives."""
    kms_pending_window_days: int = Field(default=30, ge=7, le=366)
    """Days a created KMS key stays recoverable (PendingDeletion) after `pulumi destroy`."""
    node_key_pair: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9._:-]{1,127}$")
    """Name of an existing ECS key pair for SSH to the node pools' nodes (as `ecs-user`). Unset (default): the
    stack declares a key pair whose private key ECS generates and nobody keeps, so no one can SSH in; operate
    nodes through `kubectl debug node/...` or ECS Cloud Assistant. Managed pools take only a key pair, never a
    password."""
    network_policy: bool = True
    """Kubernetes NetworkPolicy enforcement in the Terway network plug-in (the workloads' default-deny
    policies only take effect with it). Only applies when the cluster is created: Terway is installed through
    the cluster's create-only `addons`."""
    proxy_mode: Literal["ipvs", "iptables"] = "ipvs"
    """kube-proxy mode; `ipvs` (default) scales to many Services."""
    timezone: str = "Asia/Shanghai"
    """Time zone of the control plane and nodes (cron schedules, log timestamps)."""
    control_plane_log_components: list[ControlPlaneComponent] = Field(
        default_factory=lambda: ["apiserver", "kcm", "scheduler", "ccm", "controlplane-events"], min_length=1
    )
    """Control-plane components whose logs ship to SLS."""
    control_plane_log_ttl_days: int = Field(default=30, ge=1, le=3650)
    """Days SLS keeps control-plane logs."""
    audit_log: bool = True
    """Ship the API server audit log to SLS."""
    maintenance_weekdays: list[Weekday] = Field(default_factory=lambda: ["Tuesday"], min_length=1)
    """Days the maintenance window opens (auto-upgrades and managed node-pool patching happen only inside it)."""
    maintenance_start: str = Field(default="02:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    """Local start time of the maintenance window, `HH:MM` in `maintenance_utc_offset`; pick the quietest
    hours (live streams peak in the evening)."""
    maintenance_utc_offset: str = Field(default="+08:00", pattern=r"^[+-](0\d|1[0-4]):[0-5]\d$")
    """UTC offset of `maintenance_start`, e.g. `+08:00` for China Standard Time."""
    maintenance_duration_hours: int = Field(default=4, ge=1, le=24)
    """How long the maintenance window stays open, in hours."""
    auto_upgrade_channel: UpgradeChannel | None = "stable"
    """Cluster auto-upgrade channel: `patch`, `stable` (default) or `rapid`; null turns auto-upgrade off and
    `kubernetes_version` drives upgrades."""
    addons: dict[str, AddonPin] = Field(default_factory=lambda: {n: AddonPin() for n in DEFAULT_ADDONS})
    """ACK addons by name, merged over the defaults (metrics-server, ack-virtual-node,
    ack-kubernetes-cronhpa-controller, ack-onepilot, arms-prometheus, loongcollector,
    ack-node-problem-detector, node-lifecycle-controller, mse-ingress-controller): list only the ones you pin
    or turn off."""

    @field_validator("addons", mode="before")
    @classmethod
    def _merge_defaults(cls, value: Any) -> Any:
        return merge_addons(list(DEFAULT_ADDONS), value) if isinstance(value, Mapping) else value

    @field_validator("maintenance_weekdays")
    @classmethod
    def _distinct_days(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise ValueError("maintenance_weekdays: list each day once")
        return days

    @model_validator(mode="after")
    def _rules(self, info: ValidationInfo) -> ClusterSettings:
        _validate_addon_names(self.addons)
        problems = check_addons(self.addons, REQUIRED_ADDONS)
        if self.secrets_kms_key_id and not self.secrets_encryption:
            problems.append("secrets_kms_key_id: only used with secrets_encryption true; remove it or turn "
                            "secrets_encryption on")
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def enabled_addons(self) -> dict[str, AddonPin]:
        """The addons to install, in a stable order (defaults first, then extras by name)."""
        return order_addons({n: p for n, p in self.addons.items() if p.enabled}, list(DEFAULT_ADDONS))


def order_addons(addons: Mapping[str, AddonPin], defaults: Sequence[str]) -> dict[str, AddonPin]:
    """Defaults in their documented order, then any extra addon by name: stable plans, stable diffs."""
    first = [n for n in defaults if n in addons]
    rest = sorted(n for n in addons if n not in defaults)
    return {n: addons[n] for n in first + rest}


def maintenance_time(start_hhmm: str, utc_offset: str) -> str:
    """The RFC 3339 `maintenance_time` ACK wants. Only the time of day and the offset matter (the weekdays
    are separate), so the date is a fixed past day: the value never changes between runs."""
    return f"2024-01-01T{start_hhmm}:00.000{utc_offset}"


class NodeTaint(BaseModel):
    """A Kubernetes taint on every node of a pool."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    key: LabelKey
    """The taint key, e.g. `dedicated`."""
    value: LabelValue = ""
    """The taint value, e.g. `media`."""
    effect: Literal["NoSchedule", "PreferNoSchedule", "NoExecute"] = "NoSchedule"
    """What happens to pods that do not tolerate it."""


class NodePoolSettings(BaseModel):
    """One autoscaling ECS node pool: the steady base the microservices run on before bursting to ECI."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=_SLUG, max_length=24)
    """Short kebab-case key of the pool (e.g. `steady`); names the resources and the node label. Renaming it
    replaces the pool."""
    role: Literal["steady-base", "system", "dedicated"] = "steady-base"
    """What the pool is for: `steady-base` (microservices' base load; ResourcePolicy ECS units select it),
    `system` (addons and platform agents) or `dedicated` (tainted for one kind of work)."""
    instance_types: list[str] = Field(min_length=1, max_length=10)
    """ECS instance types, tried in order (several families keep the pool scalable when one sells out),
    e.g. [ecs.g7.2xlarge, ecs.g6.2xlarge]."""
    min_size: int = Field(default=3, ge=0, le=1000)
    """Fewest nodes the autoscaler keeps (at least one per zone where a zone may be lost)."""
    max_size: int = Field(default=30, ge=1, le=1000)
    """Most nodes the autoscaler may add; must be above `min_size`. All pools together must fit
    `network.max_nodes`."""
    image_type: Literal["AliyunLinux3", "ContainerOS", "AliyunLinux3ContainerOptimized"] = "AliyunLinux3"
    """Node OS: `AliyunLinux3` (default, with Alibaba Cloud OS security hardening), `ContainerOS` or
    `AliyunLinux3ContainerOptimized` (immutable, container-optimized, fast boot)."""
    system_disk_category: Literal["cloud_essd", "cloud_auto", "cloud_essd_entry"] = "cloud_essd"
    """System disk category."""
    system_disk_size_gib: int = Field(default=120, ge=40, le=2048)
    """System disk size in GiB (images and container layers live here)."""
    spot: bool = False
    """Use spot (preemptible) ECS instances, falling back to pay-as-you-go when spot stock runs out. Default
    false: live traffic must not lose nodes mid-stream (ECI absorbs bursts instead)."""
    labels: dict[LabelKey, LabelValue] = Field(default_factory=dict)
    """Extra Kubernetes labels on the nodes (the pool name and role labels are always set)."""
    taints: list[NodeTaint] = Field(default_factory=list)
    """Kubernetes taints on the nodes; `dedicated` pools need at least one."""

    @field_validator("labels")
    @classmethod
    def _no_reserved_labels(cls, labels: dict[str, str]) -> dict[str, str]:
        reserved = {NODE_POOL_LABEL, POOL_ROLE_LABEL} & set(labels)
        if reserved:
            raise ValueError(f"labels: {', '.join(sorted(reserved))} are set from name and role; remove them")
        bad = [k for k in labels if k == "type" or k.startswith(("alibabacloud.com/", "kubernetes.io/"))]
        if bad:
            raise ValueError(
                f"labels: {', '.join(sorted(bad))} are reserved for ACK and virtual nodes; "
                "use your own prefix, e.g. livecommerce.io/"
            )
        return labels

    @field_validator("instance_types")
    @classmethod
    def _instance_types(cls, types: list[str]) -> list[str]:
        for t in types:
            if not re.match(r"^ecs\.[a-z0-9-]+\.[a-z0-9-]+$", t):
                raise ValueError(f"instance_types: {t!r} is not an ECS instance type, e.g. ecs.g7.2xlarge")
        if len(set(types)) != len(types):
            raise ValueError("instance_types: list each type once")
        return types

    @model_validator(mode="after")
    def _sizes(self) -> NodePoolSettings:
        if self.max_size <= self.min_size:
            raise ValueError(
                f"max_size ({self.max_size}) must be above min_size ({self.min_size}) "
                "(the ACK autoscaler requires it); raise max_size"
            )
        if self.role == "dedicated" and not self.taints:
            raise ValueError("taints: a dedicated pool needs a taint so only the work it is for lands there")
        return self


def pool_labels(pool: NodePoolSettings) -> dict[str, str]:
    """The node labels of a pool: the fixed selector labels, then the pool's own."""
    return {NODE_POOL_LABEL: pool.name, POOL_ROLE_LABEL: pool.role, **pool.labels}


def steady_base_selector() -> dict[str, str]:
    """The nodeSelector that picks every steady-base pool (for ResourcePolicy ECS units and ecs-only pods)."""
    return {POOL_ROLE_LABEL: "steady-base"}


def check_pool_capacity(pools: Sequence[NodePoolSettings], max_nodes: int) -> list[str]:
    """Problems with the pool set: duplicate names, no steady base, or more nodes than the network sized."""
    problems = []
    names = [p.name for p in pools]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        problems.append(f"node_pools: names must be unique; repeated: {', '.join(dupes)}")
    if pools and not any(p.role == "steady-base" for p in pools):
        problems.append("node_pools: at least one pool needs role steady-base (the microservices' base load)")
    total = sum(p.max_size for p in pools)
    if total > max_nodes:
        parts = " + ".join(f"{p.name} {p.max_size}" for p in pools)
        problems.append(
            f"node_pools: the pools' max_size add up to {total} ({parts}), more than "
            f"network.max_nodes ({max_nodes}) the vSwitches are sized for; lower a max_size or raise "
            "network.max_nodes"
        )
    return problems


class ExternalClusterSettings(BaseModel):
    """A Kubernetes cluster outside this stack (IDC, other cloud) registered in ACK as a registered cluster."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=_SLUG, max_length=32)
    """Short kebab-case key, e.g. `idc-shanghai`; names the resources (addons, fleet membership, ARMS environment)."""
    cluster_id: str | None = None
    """The ACK registered-cluster id (`c` + 32 hex characters). Pulumi cannot create registered clusters:
    register the cluster once in the ACK console (Clusters > Register Cluster), then copy its id here (see
    docs/container-platform.md)."""
    addons: dict[str, AddonPin] = Field(default_factory=lambda: {n: AddonPin() for n in EXTERNAL_DEFAULT_ADDONS})
    """Observability and governance addons, merged over the defaults (ack-onepilot, arms-prometheus,
    loongcollector)."""
    fleet_member: bool = True
    """Attach the cluster to the ACK One fleet when `fleet.enabled`."""

    @field_validator("addons", mode="before")
    @classmethod
    def _merge_defaults(cls, value: Any) -> Any:
        return merge_addons(list(EXTERNAL_DEFAULT_ADDONS), value) if isinstance(value, Mapping) else value

    @model_validator(mode="after")
    def _rules(self) -> ExternalClusterSettings:
        problems = []
        message = cluster_id_problem(self.cluster_id)
        if message:
            problems.append(f"cluster_id: {message}")
        _validate_addon_names(self.addons)
        problems += check_addons(self.addons, {})
        if problems:
            raise ValueError("\n".join(problems))
        return self

    @property
    def enabled_addons(self) -> dict[str, AddonPin]:
        """The addons to install, in a stable order."""
        return order_addons({n: p for n, p in self.addons.items() if p.enabled}, list(EXTERNAL_DEFAULT_ADDONS))


def cluster_id_problem(cluster_id: str | None) -> str | None:
    """Why `cluster_id` is not a usable registered-cluster id (None when it is)."""
    how = (
        f"register the cluster in the ACK console (Clusters > Register Cluster), apply the agent manifest "
        f"ACK shows to the cluster, then copy the cluster id from the console; see {DOC_LINK}"
    )
    if cluster_id is None or not cluster_id.strip():
        return f"missing; Pulumi cannot create registered clusters: {how}"
    if not CLUSTER_ID_RE.match(cluster_id):
        return (
            f"{cluster_id!r} is not an ACK cluster id (`c` followed by 32 lowercase hex characters, "
            f"e.g. c0123456789abcdef0123456789abcdef); {how}"
        )
    return None


class FleetSettings(BaseModel):
    """The ACK One fleet: one hub that sees the ACK cluster and every registered cluster."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    enabled: bool = True
    """Create the ACK One fleet (hub cluster) and attach the ACK cluster and the external clusters to it."""
    argocd_enabled: bool = False
    """The fleet's built-in Argo CD (GitOps). Default false: Pulumi is the deployer, and a fleet with Argo CD
    on cannot be deleted, so `pulumi destroy` would leave it behind."""
