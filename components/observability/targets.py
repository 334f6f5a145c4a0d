"""Alert targets as the blocks publish them (pure: no Pulumi).

Each block builds its targets from the names it really registered (`ContainerPlatform.alert_targets`,
`Workloads.alert_targets`, `Media.alert_targets`) with these helpers or the target classes of
`alert_rules.py`; observability only turns them into rules, so a new service, pool or function gets its
alerts without anyone writing them. Nothing here imports another block.
"""

from __future__ import annotations

from collections.abc import Mapping

from components.observability.alert_rules import (
    CacheTarget,
    ClusterTarget,
    DatabaseTarget,
    FunctionTarget,
    MessageQueueTarget,
    QueueTarget,
    RegisteredClusterTarget,
)


def cluster_target(cluster_name: str, node_pool_max_sizes: Mapping[str, int]) -> ClusterTarget:
    """The ACK cluster with its ECS node pools' max sizes."""
    return ClusterTarget(name=cluster_name, node_pools=dict(node_pool_max_sizes))


def registered_targets(cluster_ids: Mapping[str, str]) -> list[RegisteredClusterTarget]:
    """Registered clusters by config name -> registered-cluster id."""
    return [RegisteredClusterTarget(name=n, cluster_id=cid) for n, cid in sorted(cluster_ids.items())]


def function_target(key: str, name: str, timeout_seconds: int) -> FunctionTarget:
    """A Function Compute function."""
    return FunctionTarget(key=key, name=name, timeout_seconds=timeout_seconds)


def queue_target(key: str, name: str) -> QueueTarget:
    """An MNS queue that must stay empty (a dead-letter queue)."""
    return QueueTarget(key=key, name=name)


def message_queue_target(key: str, name: str, instance_id: str) -> MessageQueueTarget:
    """A RocketMQ 5 instance by its console name (the label) and id (the metrics' `instance_id`)."""
    return MessageQueueTarget(key=key, name=name, instance_id=instance_id)


def cache_target(key: str, name: str, instance_id: str) -> CacheTarget:
    """A Tair instance by its console name and id (CloudMonitor's `instanceId`)."""
    return CacheTarget(key=key, name=name, instance_id=instance_id)


def database_target(key: str, name: str, cluster_id: str) -> DatabaseTarget:
    """A PolarDB cluster by its description and id (CloudMonitor's `clusterId`)."""
    return DatabaseTarget(key=key, name=name, cluster_id=cluster_id)
