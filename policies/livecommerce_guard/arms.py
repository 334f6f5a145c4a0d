"""ARMS rules: every ACK cluster is watched by a managed Prometheus instance; alert rules reach people."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from ._base import Subject, get, int_schema, known, number, refers_to, of_type, resource_rule, stack_rule
from .ack import CLUSTER

PROMETHEUS = "alicloud:arms/prometheus:Prometheus"
ALERT_RULE = "alicloud:arms/prometheusAlertRule:PrometheusAlertRule"


def check_every_cluster_monitored(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """ARMS-01: each ManagedKubernetes has an aliyun-cs Prometheus whose clusterId comes from it."""
    min_archive = int(cfg.get("minArchiveDays", 0))
    proms = [p for p in of_type(resources, PROMETHEUS) if get(p.props, "clusterType") == "aliyun-cs"]
    out = []
    for cluster in of_type(resources, CLUSTER):
        cid = known(cluster.props, "id")
        mine = [p for p in proms if refers_to(p, "clusterId", cluster, cid)]
        if not mine:
            out.append((cluster.urn, "no ARMS Prometheus instance monitors this cluster"))
        elif min_archive and all((number(get(p.props, "archiveDuration"), 0) or 0) < min_archive for p in mine):
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
        types=[CLUSTER, PROMETHEUS],
        severity=Severity.HIGH,
        anchors=["ARMS:full-stack-monitoring"],
        fix="add arms.Prometheus(cluster_type='aliyun-cs', cluster_id=<cluster>.id, grafana_instance_id='free')",
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
