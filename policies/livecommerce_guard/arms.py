"""ARMS rules: every ACK cluster is watched by a managed Prometheus instance; alert rules reach people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from ._base import Index, Subject, get, int_schema, items, known, number, of_type, resource_rule, stack_rule
from .ack import ADDON, CLUSTER

PROMETHEUS = "alicloud:arms/prometheus:Prometheus"
ALERT_RULE = "alicloud:arms/prometheusAlertRule:PrometheusAlertRule"
ARMS_ADDON = "arms-prometheus"


def _inline_addon(cluster: Any) -> bool:
    """The `arms-prometheus` addon declared on the cluster itself."""
    return any(
        known(a, "name") == ARMS_ADDON and not known(a, "disabled") for a in items(known(cluster.props, "addons"))
    )


def check_every_cluster_monitored(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """ARMS-01: each ManagedKubernetes is monitored, by an aliyun-cs arms.Prometheus fed by its id or by the
    `arms-prometheus` addon (which binds the same cluster-level ARMS instance); a Prometheus instance keeps
    its archive at least `minArchiveDays`."""
    min_archive = int(cfg.get("minArchiveDays", 0))
    clusters = Index(of_type(resources, CLUSTER), key=lambda c: known(c.props, "id"))
    proms: dict[str, list[Any]] = {}
    for p in of_type(resources, PROMETHEUS):
        if get(p.props, "clusterType") == "aliyun-cs":
            for cluster in clusters.targets(p, "clusterId"):
                proms.setdefault(cluster.urn, []).append(p)
    addons = {
        cluster.urn
        for a in of_type(resources, ADDON)
        if known(a.props, "name") == ARMS_ADDON
        for cluster in clusters.targets(a, "clusterId")
    }
    out = []
    for cluster in clusters:
        mine = proms.get(cluster.urn, [])
        if not mine and not _inline_addon(cluster) and cluster.urn not in addons:
            out.append((cluster.urn, "no ARMS Prometheus instance (or arms-prometheus addon) monitors this cluster"))
        elif (
            mine and min_archive and all((number(get(p.props, "archiveDuration"), 0) or 0) < min_archive for p in mine)
        ):
            out.append((cluster.urn, f"its Prometheus archive is kept fewer than {min_archive} days"))
    return out


def check_alert_notification(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """An alert rule routed by a dispatch rule must name it; otherwise nobody is paged."""
    if get(subject.props, "notifyType") == "DISPATCH_RULE" and not get(subject.props, "dispatchRuleId"):
        return ["notifyType is DISPATCH_RULE without a dispatchRuleId"]
    if not get(subject.props, "notifyType"):
        return ["notifyType is not set, so the alert reaches no one"]
    return []


POLICIES = [
    stack_rule(
        "alicloud-arms-prometheus-require-cluster-monitoring",
        "Every ACK cluster must be monitored by an ARMS managed Prometheus instance.",
        types=[CLUSTER, PROMETHEUS, ADDON],
        severity=Severity.HIGH,
        anchors=["ARMS:full-stack-monitoring"],
        fix="add arms.Prometheus(cluster_type='aliyun-cs', cluster_id=<cluster>.id) or the arms-prometheus addon",
        check=check_every_cluster_monitored,
        config={"minArchiveDays": int_schema(0, "smallest archive_duration in days (0: any)")},
    ),
    resource_rule(
        "alicloud-arms-prometheusalertrule-configure-notification",
        "ARMS Prometheus alert rules must be routed to a notification (dispatch rule or Alertmanager).",
        types=[ALERT_RULE],
        severity=Severity.LOW,
        anchors=["ARMS:dispatch-rules"],
        fix="set notify_type='DISPATCH_RULE' and dispatch_rule_id=<arms.DispatchRule>.id",
        check=check_alert_notification,
    ),
]
