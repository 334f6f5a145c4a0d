"""What the stack declares, as the alert rules and probes see it (pure: no Pulumi).

The stack's config already says which services run (with their Deployments, HPA, namespace and ARMS
app name), which node pools exist, which clusters are registered and which functions run; these
functions turn those settings into alert-rule targets and probe URLs, so a new service gets its
alerts and its probe without anyone writing them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from components.workloads.service_settings import ServiceSettings
from components.workloads.manifests import deployment_name
from components.governance.labels import app_name
from components.naming import Naming
from components.observability.alert_rules import (
    CacheTarget,
    ClusterTarget,
    DatabaseTarget,
    FunctionTarget,
    MessageQueueTarget,
    QueueTarget,
    RegisteredClusterTarget,
    ServiceTarget,
)
from components.observability.settings import SyntheticSettings


def service_targets(services: Sequence[ServiceSettings], naming: Naming) -> list[ServiceTarget]:
    """One target per configured service (every version's Deployment, the base version's HPA)."""
    return [
        ServiceTarget(
            name=s.name, namespace=s.domain, app_name=app_name(naming, s.name, s.governance),
            deployments=tuple(deployment_name(s, v) for v in s.versions),
            # The HPA is named after the base version's Deployment (workloads.service_objects).
            hpa=deployment_name(s, s.base_version), live_facing=s.live_facing,
            cpu_limited=s.resources.cpu_limit_millicores is not None,
        )
        for s in services
    ]


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


def gateway_endpoints(services: Sequence[ServiceSettings], s: SyntheticSettings) -> dict[str, str]:
    """Probe URL per key: every service exposed at the gateway (its entry path + `check_path`), then the
    extra endpoints. Raises ValueError naming the fix when an entry has no host and no `base_url`."""
    out: dict[str, str] = {}
    for svc in services:
        if svc.entry is None:
            continue
        if svc.entry.host is not None and not svc.entry.host.startswith("*."):
            origin = f"https://{svc.entry.host}"
        elif s.base_url is not None:
            origin = s.base_url
        else:
            raise ValueError(f"synthetics.base_url: service {svc.name} is exposed at the gateway without an "
                             "entry.host; set synthetics.base_url (e.g. https://api.live.example.com)")
        out[svc.name] = f"{origin}{svc.entry_path}{s.check_path}"
    for ep in s.endpoints:
        if ep.name in out:
            raise ValueError(f"synthetics.endpoints: {ep.name} is also a service name; rename the endpoint")
        out[ep.name] = ep.url
    return out
