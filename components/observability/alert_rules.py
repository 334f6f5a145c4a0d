"""Alert rules generated from what the stack declares (pure: no Pulumi).

A *target* is something the stack runs: a service, the ACK cluster, a registered cluster, a function.
A *target kind* lists the *signals* watched on every target of that kind; each signal turns a target
and the tier's thresholds into one PromQL alert rule with `severity`, `signal`, target (`service`,
`cluster`, `function`), `runbook`, `team` and `env` labels. Watching a new kind of thing is one entry
in `TARGET_KINDS` (a name, its signals, the label that names the target).

Metrics, as ARMS managed Prometheus exposes them on ACK (docs/observability.md has the why):
* kube-state-metrics: `kube_deployment_status_replicas_unavailable`,
  `kube_horizontalpodautoscaler_status_current_replicas` / `..._spec_max_replicas`,
  `kube_pod_container_status_restarts_total`, `kube_pod_container_resource_limits` / `_requests`,
  `kube_pod_status_phase`, `kube_pod_info` (its `node` label finds ECI virtual nodes, named
  `virtual-kubelet-<zone>`), `kube_node_labels` (the node-pool label, allow-listed), `kube_node_status_condition`;
* cAdvisor: `container_cpu_usage_seconds_total`, `container_memory_working_set_bytes`;
* node-exporter: `node_memory_MemAvailable_bytes`, `node_filesystem_avail_bytes`;
* ARMS application monitoring (ack-onepilot) exported to Prometheus: `arms_http_requests_count`,
  `arms_http_requests_error_count`, `arms_http_requests_seconds_bucket`, labelled `service=<ARMS app name>`;
* Function Compute through ARMS's CloudMonitor integration: `aliyun_acs_fc_<CloudMonitor metric>`
  labelled `functionName` (FunctionErrors, FunctionConcurrencyThrottles, FunctionResourceThrottles,
  FunctionMaxDuration in ms);
* MNS (Simple Message Queue) queues through the same integration, CloudMonitor namespace `acs_mns_new`:
  `aliyun_acs_mns_new_ActiveMessages` / `..._InactiveMessages` (or their newer names
  `..._NumberOfMessagesVisible` / `..._NumberOfMessagesInvisible`) labelled `queue`;
* the data layer (docs/data.md "Watched"): RocketMQ 5 dashboard metrics ApsaraMQ writes into ARMS Prometheus
  (`rocketmq_consumer_lag_latency`, `rocketmq_consumer_ready_messages`, `rocketmq_throttled_requests`,
  `rocketmq_send_to_dlq_messages`, labelled `instance_id`, `consumer_group`), Tair and PolarDB through the
  CloudMonitor integration (`aliyun_acs_kvstore_*` labelled `instanceId`, `aliyun_acs_polardb_*` labelled
  `clusterId`). Names marked [UNCONFIRMED] in docs/data.md, with the check that confirms them;
* CDN domains through the same integration, CloudMonitor namespace `acs_cdn` (dimension `instanceId` = the
  domain name): `aliyun_acs_cdn_code5xx` (5xx share, percent), `aliyun_acs_cdn_ori_code_ratio_5xx` (origin 5xx
  share), `aliyun_acs_cdn_hitRate` (byte hit rate), `aliyun_acs_cdn_QPS` (docs/edge.md "Watched"; the names
  are [UNCONFIRMED] until checked in Metrics Explorer).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from components.observability.settings import Severity, ThresholdSettings

#: Node label every ECS node pool's nodes carry (components.container_platform.cluster_settings).
NODE_POOL_LABEL = "livecommerce.io/node-pool"
#: ECI virtual nodes are named `virtual-kubelet-<zone>` by the ack-virtual-node addon.
VIRTUAL_NODE_RE = "virtual-kubelet.*"


@dataclass(frozen=True)
class ServiceTarget:
    """A microservice as the alert rules see it."""

    name: str
    """Service name (`shop`): the `service` label."""
    namespace: str
    """Kubernetes namespace (the service's domain)."""
    app_name: str
    """ARMS application name (`<stack>-<service>` unless overridden): APM metrics' `service` label."""
    deployments: tuple[str, ...]
    """Deployment names of every version (`shop-v1`, `shop-v1-1`)."""
    hpa: str
    """The base version's HPA name."""
    live_facing: bool = False
    """Viewers hit it during streams: an HPA at max pages instead of warning."""
    cpu_limited: bool = True
    """Whether pods have a CPU limit (else CPU saturation is measured against the request)."""

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class ClusterTarget:
    """The stack's ACK cluster."""

    name: str
    """Cluster name (`livecommerce-<stack>`): the `cluster` label."""
    node_pools: Mapping[str, int] = field(default_factory=dict)
    """ECS node pools' max sizes by pool name."""

    @property
    def key(self) -> str:
        return "ack"


@dataclass(frozen=True)
class RegisteredClusterTarget:
    """A registered external cluster (IDC, other cloud) with its own ARMS environment."""

    name: str
    """Its key in the stack config (`idc-shanghai`): the `cluster` label."""
    cluster_id: str
    """The ACK registered-cluster id: the `cluster_id` label and the Prometheus instance of its rules."""

    @property
    def key(self) -> str:
        return self.name


@dataclass(frozen=True)
class FunctionTarget:
    """A Function Compute function."""

    key: str
    """Stable short key (`transcoder`) naming its rules' resources."""
    name: str
    """The function name: the `function` label and the metrics' `functionName`. The Monitoring component
    also accepts a Pulumi Output here (the function's name as its component reports it)."""
    timeout_seconds: int
    """Its timeout (the duration rule fires near it)."""


@dataclass(frozen=True)
class QueueTarget:
    """An MNS queue whose messages mean something went wrong (a dead-letter queue)."""

    key: str
    """Stable short key (`transcoder-dlq`) naming its rules' resources."""
    name: str
    """The queue name: the `queue` label and the metrics' `queue` dimension. The Monitoring component
    also accepts a Pulumi Output here (the queue's name as its component reports it)."""


@dataclass(frozen=True)
class MessageQueueTarget:
    """A RocketMQ 5 instance (consumer lag and backlog, send throttling, dead letters)."""

    key: str
    """Stable short key (`rocketmq`) naming its rules' resources."""
    name: str
    """The instance name (`livecommerce-prod`): the `mq_instance` label, matched against `instanceName`."""
    instance_id: str
    """The instance id (`rmq-cn-...`): the metrics' `instance_id` label (an Output is accepted)."""


@dataclass(frozen=True)
class CacheTarget:
    """A Tair (Redis) instance (memory, connections, hit rate, latency)."""

    key: str
    name: str
    """The instance name (`livecommerce-prod-cache`): the `cache` label, matched against `tairInstanceName`."""
    instance_id: str
    """The instance id (`r-...`): CloudMonitor's `instanceId` dimension (an Output is accepted)."""


@dataclass(frozen=True)
class DatabaseTarget:
    """A PolarDB cluster (CPU, connections, slow queries, replication lag)."""

    key: str
    name: str
    """The cluster description (`livecommerce-prod`): the `database` label, matched against `description`."""
    cluster_id: str
    """The cluster id (`pc-...`): CloudMonitor's `clusterId` dimension (an Output is accepted)."""


@dataclass(frozen=True)
class CdnTarget:
    """A CDN domain (the replay CDN): viewers' 5xx, the origin's errors and the cache hit rate."""

    key: str
    """Stable short key (`replay-cdn`) naming its rules' resources."""
    name: str
    """The domain name: the `cdn_domain` label and CloudMonitor's `instanceId` dimension."""


Target = (ServiceTarget | ClusterTarget | RegisteredClusterTarget | FunctionTarget | QueueTarget | MessageQueueTarget
          | CacheTarget | DatabaseTarget | CdnTarget)


@dataclass(frozen=True)
class Signal:
    """One thing watched on every target of a kind."""

    key: str
    """Kebab-case signal name (`error-rate`): the `signal` label and the runbook page."""
    summary: str
    """What firing means, for people (`{target}` is replaced by the target's name)."""
    severity: Callable[[Target, Severity], Severity]
    """Severity from the target and the stack's backlog severity (what its tier pages for work piling up:
    `critical` or `warning`, stacks/tiers.py)."""
    expr: Callable[[Target, ThresholdSettings], str]
    for_minutes: Callable[[ThresholdSettings], int]


@dataclass(frozen=True)
class TargetKind:
    """A kind of target and the signals every target of that kind gets."""

    name: str
    """`service`, `cluster`, `registered-cluster`, `function`, `queue`."""
    target_type: type
    """The target dataclass of this kind (a target's kind is looked up by its type)."""
    label: str
    """The label naming the target on its rules."""
    signals: tuple[Signal, ...]
    plan_resource: tuple[str, str] | None = None
    """How the coverage summary finds this kind's targets in a plan: every resource of this type token,
    named by this input (`("alicloud:fc/v3Function:V3Function", "functionName")`). None when finding
    them takes more than that (services are grouped Deployments; registered clusters are ids)."""


@dataclass(frozen=True)
class AlertRule:
    """One generated alert rule (becomes an `arms.PrometheusAlertRule`)."""

    kind: str
    target: str
    """The target's stable key (resource names)."""
    signal: str
    name: str
    """`<stack>-<kind>-<target>-<signal>`, unique in the stack (the ARMS rule name)."""
    expression: str
    duration_minutes: int
    severity: Severity
    message: str
    labels: dict[str, str]


def _always(severity: Severity) -> Callable[[Target, Severity], Severity]:
    return lambda _t, _backlog: severity


def _backlog(_t: Target, backlog: Severity) -> Severity:
    # Work piling up (failed events nobody replays) wakes someone only where the tier says so; elsewhere
    # someone should look during working hours.
    return backlog


def _q(value: str) -> str:
    """A PromQL string literal."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _alternation(names: Sequence[str]) -> str:
    # Kubernetes names are DNS labels ([a-z0-9-]); only a dot could be a regex metacharacter.
    return "|".join(n.replace(".", "\\.") for n in sorted(names))


# ---- per-service signals ---------------------------------------------------------------------------
def _app(t: ServiceTarget) -> str:
    return f"service={_q(t.app_name)}"


def _pods(t: ServiceTarget) -> str:
    # Pod names are `<deployment>-<replicaset hash>-<pod hash>`; the anchored alternation keeps `shop`
    # from matching `shop-admin`'s pods.
    return f"namespace={_q(t.namespace)},pod=~{_q(f'({_alternation(t.deployments)})-[a-z0-9]+-[a-z0-9]+')}"


def _error_rate(t: ServiceTarget, th: ThresholdSettings) -> str:
    return (f"100 * sum(rate(arms_http_requests_error_count{{{_app(t)}}}[5m])) / "
            f"sum(rate(arms_http_requests_count{{{_app(t)}}}[5m])) > {th.error_rate_percent:g}")


def _latency(t: ServiceTarget, th: ThresholdSettings) -> str:
    return (f"1000 * histogram_quantile(0.99, sum by (le) (rate(arms_http_requests_seconds_bucket{{{_app(t)}}}[5m])))"
            f" > {th.latency_p99_ms}")


def _cpu(t: ServiceTarget, th: ThresholdSettings) -> str:
    ref = "kube_pod_container_resource_limits" if t.cpu_limited else "kube_pod_container_resource_requests"
    return (f"100 * sum by (pod) (rate(container_cpu_usage_seconds_total{{{_pods(t)},container!=\"\"}}[5m])) / "
            f"sum by (pod) ({ref}{{{_pods(t)},resource=\"cpu\"}}) > {th.cpu_percent_of_limit}")


def _memory(t: ServiceTarget, th: ThresholdSettings) -> str:
    return (f"100 * sum by (pod) (container_memory_working_set_bytes{{{_pods(t)},container!=\"\"}}) / "
            f"sum by (pod) (kube_pod_container_resource_limits{{{_pods(t)},resource=\"memory\"}})"
            f" > {th.memory_percent_of_limit}")


def _restarts(t: ServiceTarget, th: ThresholdSettings) -> str:
    return f"sum(increase(kube_pod_container_status_restarts_total{{{_pods(t)}}}[15m])) > {th.restarts_per_15m}"


def _not_ready(t: ServiceTarget, th: ThresholdSettings) -> str:
    sel = f"namespace={_q(t.namespace)},deployment=~{_q(_alternation(t.deployments))}"
    return f"sum(kube_deployment_status_replicas_unavailable{{{sel}}}) > 0"


def _hpa_at_max(t: ServiceTarget, th: ThresholdSettings) -> str:
    sel = f"namespace={_q(t.namespace)},horizontalpodautoscaler={_q(t.hpa)}"
    return (f"kube_horizontalpodautoscaler_status_current_replicas{{{sel}}} >= "
            f"kube_horizontalpodautoscaler_spec_max_replicas{{{sel}}}")


SERVICE_SIGNALS = (
    Signal("error-rate", "{target} answers more errors than the tier allows", _always("critical"),
           _error_rate, lambda th: 3),
    Signal("latency-p99", "{target} p99 latency is above the tier's limit", _always("warning"),
           _latency, lambda th: 5),
    Signal("cpu-saturation", "{target} pods use most of their CPU limit", _always("warning"),
           _cpu, lambda th: 10),
    Signal("memory-saturation", "{target} pods are close to their memory limit (OOM kill)", _always("warning"),
           _memory, lambda th: 10),
    Signal("restarts", "{target} containers keep restarting", _always("warning"), _restarts, lambda th: 1),
    Signal("pods-not-ready", "{target} has unavailable replicas", _always("critical"),
           _not_ready, lambda th: th.not_ready_minutes),
    Signal("hpa-at-max", "{target} HPA is at max replicas: the live-stream peak outgrew its capacity",
           lambda t, _backlog: "critical" if getattr(t, "live_facing", False) else "warning",
           _hpa_at_max, lambda th: th.hpa_at_max_minutes),
)


# ---- per-cluster signals ---------------------------------------------------------------------------
def _eci_pending(t: ClusterTarget, th: ThresholdSettings) -> str:
    return (f"sum(kube_pod_status_phase{{phase=\"Pending\"}} * on (namespace, pod) group_left () "
            f"kube_pod_info{{node=~{_q(VIRTUAL_NODE_RE)}}}) > 0")


def _pool_label() -> str:
    return "label_" + re.sub(r"[^A-Za-z0-9_]", "_", NODE_POOL_LABEL)


def _node_pool_full(t: ClusterTarget, th: ThresholdSettings) -> str:
    label = _pool_label()
    parts = [f"count by ({label}) (kube_node_labels{{{label}={_q(pool)}}}) >= {size}"
             for pool, size in sorted(t.node_pools.items())]
    if not parts:
        return "vector(0) > 1"  # no ECS pools: never fires
    return " or ".join(f"({p})" for p in parts)


def _node_memory(t: Target, th: ThresholdSettings) -> str:
    return ("sum by (node) (kube_node_status_condition{condition=\"MemoryPressure\",status=\"true\"}) > 0 or "
            f"100 * node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes < {th.node_memory_available_percent}")


def _node_disk(t: Target, th: ThresholdSettings) -> str:
    root = 'mountpoint="/"'
    return ("sum by (node) (kube_node_status_condition{condition=\"DiskPressure\",status=\"true\"}) > 0 or "
            f"100 * node_filesystem_avail_bytes{{{root}}} / node_filesystem_size_bytes{{{root}}}"
            f" < {th.node_disk_available_percent}")


_NODE_MEMORY = Signal("node-memory-pressure", "{target} nodes are short of memory", _always("warning"),
                      _node_memory, lambda th: 5)
_NODE_DISK = Signal("node-disk-pressure", "{target} nodes are short of disk", _always("warning"),
                    _node_disk, lambda th: 5)

CLUSTER_SIGNALS = (
    Signal("eci-pending", "{target}: pods are stuck Pending on ECI virtual nodes (burst capacity failing)",
           _always("critical"), _eci_pending, lambda th: th.eci_pending_minutes),
    Signal("node-pool-at-max", "{target}: a node pool is at its max size", _always("warning"),
           _node_pool_full, lambda th: th.node_pool_full_minutes),
    _NODE_MEMORY,
    _NODE_DISK,
)
REGISTERED_CLUSTER_SIGNALS = (_NODE_MEMORY, _NODE_DISK)


# ---- per-function signals --------------------------------------------------------------------------
def _fn(t: FunctionTarget) -> str:
    return f"functionName={_q(t.name)}"


def _fn_errors(t: FunctionTarget, th: ThresholdSettings) -> str:
    return f"sum(increase(aliyun_acs_fc_FunctionErrors{{{_fn(t)}}}[10m])) > {th.function_errors_per_10m}"


def _fn_throttles(t: FunctionTarget, th: ThresholdSettings) -> str:
    return (f"sum(increase(aliyun_acs_fc_FunctionConcurrencyThrottles{{{_fn(t)}}}[10m])) + "
            f"sum(increase(aliyun_acs_fc_FunctionResourceThrottles{{{_fn(t)}}}[10m]))"
            f" > {th.function_throttles_per_10m}")


def _fn_duration(t: FunctionTarget, th: ThresholdSettings) -> str:
    limit_ms = t.timeout_seconds * 1000 * th.function_duration_percent_of_timeout // 100
    return f"max(max_over_time(aliyun_acs_fc_FunctionMaxDuration{{{_fn(t)}}}[10m])) > {limit_ms}"


FUNCTION_SIGNALS = (
    Signal("errors", "{target} invocations fail", _always("critical"), _fn_errors, lambda th: 1),
    Signal("throttles", "{target} invocations are throttled", _always("warning"), _fn_throttles, lambda th: 1),
    Signal("duration-near-timeout", "{target} runs close to its timeout", _always("warning"),
           _fn_duration, lambda th: 1),
)


# ---- per-queue signals -----------------------------------------------------------------------------
#: CloudMonitor `acs_mns_new` queue metrics counting messages still in a queue: visible (waiting to be
#: read) and invisible (read, not yet deleted). CloudMonitor's older names and the ones MNS now points to
#: (docs/observability.md); whichever the integration exports, the rule sees it.
QUEUE_MESSAGE_METRICS = (
    "aliyun_acs_mns_new_ActiveMessages",
    "aliyun_acs_mns_new_InactiveMessages",
    "aliyun_acs_mns_new_NumberOfMessagesVisible",
    "aliyun_acs_mns_new_NumberOfMessagesInvisible",
)


def _queue_not_empty(t: QueueTarget, th: ThresholdSettings) -> str:
    # Any message at all is a failed event nobody has dealt with. CloudMonitor reports every 5 minutes and
    # the exporter samples less often than rules are evaluated, hence max_over_time over two periods.
    # `or` (not `+`): a sum with one series absent is empty and would never fire.
    sel = f"queue={_q(t.name)}"
    return " or ".join(f"max(max_over_time({m}{{{sel}}}[10m])) > 0" for m in QUEUE_MESSAGE_METRICS)


QUEUE_SIGNALS = (
    Signal("dead-letters", "{target} holds failed events: replays were not transcoded", _backlog,
           _queue_not_empty, lambda th: 1),
)


# ---- data layer ------------------------------------------------------------------------------------
#: RocketMQ 5.x dashboard metrics (ApsaraMQ writes them into ARMS Prometheus; labels `instance_id`, `topic`,
#: `consumer_group`). Dead letters under both the ApsaraMQ name and Apache RocketMQ 5's `_total` counter.
MQ_LAG = "rocketmq_consumer_lag_latency"
MQ_READY = "rocketmq_consumer_ready_messages"
MQ_THROTTLED = "rocketmq_throttled_requests"
MQ_DLQ_METRICS = ("rocketmq_send_to_dlq_messages", "rocketmq_send_to_dlq_messages_total")
#: Tair through CloudMonitor `acs_kvstore`: standard-architecture metrics, or their cluster (`Sharding`) twins.
CACHE_METRICS = {
    "memory": ("aliyun_acs_kvstore_StandardMemoryUsage", "aliyun_acs_kvstore_ShardingMemoryUsage"),
    "connections": ("aliyun_acs_kvstore_StandardConnectionUsage", "aliyun_acs_kvstore_ShardingConnectionUsage"),
    "hit-rate": ("aliyun_acs_kvstore_StandardHitRate", "aliyun_acs_kvstore_ShardingHitRate"),
    "latency": ("aliyun_acs_kvstore_StandardAvgRt", "aliyun_acs_kvstore_ShardingAvgRt"),
}
#: PolarDB for MySQL through CloudMonitor `acs_polardb` (cluster-level metrics).
DB_METRICS = {
    "cpu": "aliyun_acs_polardb_cluster_cpu_utilization",
    "connections": "aliyun_acs_polardb_cluster_connection_utilization",
    "slow-queries": "aliyun_acs_polardb_cluster_slow_queries_ps",
    "replica-lag": "aliyun_acs_polardb_cluster_replica_lag",
}


def _mq(t: MessageQueueTarget) -> str:
    return f"instance_id={_q(t.instance_id)}"


def _mq_lag(t: MessageQueueTarget, th: ThresholdSettings) -> str:
    # Milliseconds; per group, so one stuck consumer fires even when the others keep up.
    return f"max by (consumer_group) ({MQ_LAG}{{{_mq(t)}}}) > {th.mq_consumer_lag_seconds * 1000}"


def _mq_backlog(t: MessageQueueTarget, th: ThresholdSettings) -> str:
    return f"sum by (consumer_group) ({MQ_READY}{{{_mq(t)}}}) > {th.mq_backlog_messages}"


def _mq_throttled(t: MessageQueueTarget, th: ThresholdSettings) -> str:
    # Any throttled send during a live stream loses an order event or a comment.
    return f"sum(increase({MQ_THROTTLED}{{{_mq(t)}}}[5m])) > 0"


def _mq_dead_letters(t: MessageQueueTarget, th: ThresholdSettings) -> str:
    # `or`, not `+`: whichever generation of the counter exists fires on its own.
    return " or ".join(f"sum(increase({m}{{{_mq(t)}}}[10m])) > 0" for m in MQ_DLQ_METRICS)


def _cache_expr(metric: str, op: str,
                bound: Callable[[ThresholdSettings], str]) -> Callable[[CacheTarget, ThresholdSettings], str]:
    def expr(t: CacheTarget, th: ThresholdSettings) -> str:
        sel = f"instanceId={_q(t.instance_id)}"
        # CloudMonitor reports every minute; max/min over 5 minutes smooths a missed sample.
        fn = "min_over_time" if op == "<" else "max_over_time"
        return " or ".join(f"max({fn}({m}{{{sel}}}[5m])) {op} {bound(th)}" for m in CACHE_METRICS[metric])
    return expr


def _db_expr(metric: str,
             bound: Callable[[ThresholdSettings], str]) -> Callable[[DatabaseTarget, ThresholdSettings], str]:
    def expr(t: DatabaseTarget, th: ThresholdSettings) -> str:
        return f"max(max_over_time({DB_METRICS[metric]}{{clusterId={_q(t.cluster_id)}}}[5m])) > {bound(th)}"
    return expr


MESSAGE_QUEUE_SIGNALS = (
    Signal("consumer-lag", "{target}: a consumer group lags behind its topic (events wait to be processed)",
           _always("warning"), _mq_lag, lambda th: 5),
    Signal("backlog", "{target}: a consumer group has a large backlog of ready messages", _always("warning"),
           _mq_backlog, lambda th: 10),
    Signal("send-throttled", "{target}: sends are throttled (the instance's TPS limit is reached)",
           _backlog, _mq_throttled, lambda th: 1),
    Signal("dead-letters", "{target}: messages failed every retry and went to a dead-letter topic",
           _backlog, _mq_dead_letters, lambda th: 1),
)
CACHE_SIGNALS = (
    Signal("memory", "{target} is close to its memory limit (keys will be evicted)", _always("warning"),
           _cache_expr("memory", ">", lambda th: str(th.cache_memory_percent)), lambda th: 5),
    Signal("connections", "{target} is close to its connection limit", _backlog,
           _cache_expr("connections", ">", lambda th: str(th.cache_connection_percent)), lambda th: 5),
    Signal("hit-rate", "{target} read hit rate is low (requests fall through to the database)", _always("warning"),
           _cache_expr("hit-rate", "<", lambda th: str(th.cache_hit_rate_percent)), lambda th: 15),
    # CloudMonitor reports the average response time in microseconds.
    Signal("latency", "{target} commands are slow", _always("warning"),
           _cache_expr("latency", ">", lambda th: f"{th.cache_latency_ms * 1000:g}"), lambda th: 5),
)
DATABASE_SIGNALS = (
    Signal("cpu", "{target} CPU is high", _always("warning"), _db_expr("cpu", lambda th: str(th.db_cpu_percent)),
           lambda th: 10),
    Signal("connections", "{target} is close to its connection limit", _backlog,
           _db_expr("connections", lambda th: str(th.db_connection_percent)), lambda th: 5),
    Signal("slow-queries", "{target} runs many slow queries", _always("warning"),
           _db_expr("slow-queries", lambda th: f"{th.db_slow_queries_per_second:g}"), lambda th: 10),
    Signal("replica-lag", "{target} read-only nodes lag behind the primary", _backlog,
           _db_expr("replica-lag", lambda th: str(th.db_replica_lag_seconds)), lambda th: 3),
)


# ---- per-CDN-domain signals ------------------------------------------------------------------------
#: CloudMonitor `acs_cdn` metrics (5-minute granularity) through ARMS's Alibaba Cloud service integration.
CDN_5XX = "aliyun_acs_cdn_code5xx"
CDN_ORIGIN_5XX = "aliyun_acs_cdn_ori_code_ratio_5xx"
CDN_HIT_RATE = "aliyun_acs_cdn_hitRate"
CDN_QPS = "aliyun_acs_cdn_QPS"


def _cdn(t: CdnTarget) -> str:
    return f"instanceId={_q(t.name)}"


def _cdn_5xx(t: CdnTarget, th: ThresholdSettings) -> str:
    # Two samples of CloudMonitor's 5-minute period: one late sample must not hide an outage.
    return f"max(max_over_time({CDN_5XX}{{{_cdn(t)}}}[10m])) > {th.cdn_5xx_percent:g}"


def _cdn_origin(t: CdnTarget, th: ThresholdSettings) -> str:
    return f"max(max_over_time({CDN_ORIGIN_5XX}{{{_cdn(t)}}}[10m])) > {th.cdn_origin_5xx_percent:g}"


def _cdn_hit_rate(t: CdnTarget, th: ThresholdSettings) -> str:
    # Judged only while viewers are watching: at a few requests a hit rate says nothing.
    return (f"max(max_over_time({CDN_HIT_RATE}{{{_cdn(t)}}}[30m])) < {th.cdn_hit_rate_percent:g} "
            f"and on () max(avg_over_time({CDN_QPS}{{{_cdn(t)}}}[30m])) > {th.cdn_hit_rate_min_qps:g}")


CDN_SIGNALS = (
    Signal("5xx-ratio", "{target} answers viewers with 5xx errors", _always("critical"), _cdn_5xx, lambda th: 10),
    Signal("origin-errors", "{target}: fetches from the origin bucket fail (5xx)", _always("warning"),
           _cdn_origin, lambda th: 10),
    Signal("hit-rate", "{target} cache hit rate is low (origin traffic is billed per GB)", _always("warning"),
           _cdn_hit_rate, lambda th: 30),
)


#: Every kind of target and its signals. Watching a new kind of thing is one entry here: the generator,
#: the Monitoring component and the coverage summary all read this table.
TARGET_KINDS: dict[str, TargetKind] = {k.name: k for k in (
    TargetKind("cluster", ClusterTarget, "cluster", CLUSTER_SIGNALS,
               plan_resource=("alicloud:cs/managedKubernetes:ManagedKubernetes", "name")),
    TargetKind("registered-cluster", RegisteredClusterTarget, "cluster", REGISTERED_CLUSTER_SIGNALS),
    TargetKind("service", ServiceTarget, "service", SERVICE_SIGNALS),
    TargetKind("function", FunctionTarget, "function", FUNCTION_SIGNALS,
               plan_resource=("alicloud:fc/v3Function:V3Function", "functionName")),
    TargetKind("queue", QueueTarget, "queue", QUEUE_SIGNALS,
               plan_resource=("alicloud:message/serviceQueue:ServiceQueue", "queueName")),
    TargetKind("message-queue", MessageQueueTarget, "mq_instance", MESSAGE_QUEUE_SIGNALS,
               plan_resource=("alicloud:rocketmq/rocketMQInstance:RocketMQInstance", "instanceName")),
    TargetKind("cache", CacheTarget, "cache", CACHE_SIGNALS,
               plan_resource=("alicloud:redis/tairInstance:TairInstance", "tairInstanceName")),
    TargetKind("database", DatabaseTarget, "database", DATABASE_SIGNALS,
               plan_resource=("alicloud:polardb/cluster:Cluster", "description")),
    TargetKind("cdn", CdnTarget, "cdn_domain", CDN_SIGNALS,
               plan_resource=("alicloud:cdn/domainNew:DomainNew", "domainName")),
)}


def kind_of(target: object) -> TargetKind:
    """The kind of a target, by its type (raises KeyError naming the type if no kind has it)."""
    for kind in TARGET_KINDS.values():
        if type(target) is kind.target_type:
            return kind
    raise KeyError(f"no entry in TARGET_KINDS for target type {type(target).__name__}")


def expected_signals(kind: str) -> list[str]:
    """The signals every target of `kind` should have a rule for (the coverage summary's yardstick)."""
    return [s.key for s in TARGET_KINDS[kind].signals]


def rules_for(target: Target, thresholds: ThresholdSettings, *, stack: str, team: str,
              runbook_base_url: str, backlog_severity: Severity = "warning") -> list[AlertRule]:
    """Every alert rule of one target, in signal order. `stack` names the rules and fills the `env` label
    (the dispatch rules match it, so stacks sharing an ARMS account never page each other)."""
    kind = kind_of(target)
    rules = []
    for signal in kind.signals:
        severity = signal.severity(target, backlog_severity)
        labels = {
            "severity": severity,
            "signal": signal.key,
            kind.label: target.name,
            "runbook": f"{runbook_base_url}/{kind.name}/{signal.key}",
            "team": team,
            "env": stack,
        }
        if isinstance(target, RegisteredClusterTarget):
            labels["cluster_id"] = target.cluster_id
        rules.append(AlertRule(
            kind=kind.name, target=target.key, signal=signal.key,
            name=f"{stack}-{kind.name}-{target.key}-{signal.key}",
            expression=signal.expr(target, thresholds),  # type: ignore[arg-type]
            duration_minutes=signal.for_minutes(thresholds), severity=severity,
            message=f"[{stack}] " + signal.summary.format(target=target.name), labels=labels,
        ))
    return rules


def all_rules(targets: Sequence[Target], thresholds: ThresholdSettings, *, stack: str, team: str,
              runbook_base_url: str, backlog_severity: Severity = "warning") -> list[AlertRule]:
    """Rules of every target; names are unique (a duplicate target is a programming error)."""
    out = [r for t in targets for r in rules_for(t, thresholds, stack=stack, team=team,
                                                  runbook_base_url=runbook_base_url,
                                                  backlog_severity=backlog_severity)]
    names = [r.name for r in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"alert rules: duplicate names {', '.join(dupes)}; targets need distinct keys")
    return out
