"""SLS (Log Service) rules: logstores keep data long enough; no anonymous web tracking."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from ._base import Subject, get, int_schema, number, resource_rule, truthy

STORE = "alicloud:log/store:Store"
PROVIDER_DEFAULT_RETENTION_DAYS = 30  # pulumi_alicloud log.Store retention_period default


def check_retention(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """SLS-01: retention at least `minRetentionDays` (absent means the provider default, 30)."""
    need = int(cfg.get("minRetentionDays", 90))
    days = number(get(subject.props, "retentionPeriod"), None)
    if days is None:
        days = PROVIDER_DEFAULT_RETENTION_DAYS
    return [f"retentionPeriod is below {need} days"] if days < need else []


def check_web_tracking(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """SLS-02: web tracking lets anyone write into the logstore."""
    return ["enableWebTracking is on (anonymous writes)"] if truthy(get(subject.props, "enableWebTracking")) else []


POLICIES = [
    resource_rule(
        "alicloud-log-store-configure-retention",
        "SLS logstores must keep logs long enough for incident investigation.",
        types=[STORE],
        severity=Severity.MEDIUM,
        anchors=["KICS:ed6cf6ff"],
        fix="raise retention_period to the environment minimum",
        check=check_retention,
        config={"minRetentionDays": int_schema(90, "smallest retention in days", minimum=1)},
    ),
    resource_rule(
        "alicloud-log-store-disallow-web-tracking",
        "SLS logstores must not accept anonymous web-tracking writes.",
        types=[STORE],
        severity=Severity.MEDIUM,
        anchors=["SLS:web-tracking"],
        fix="set enable_web_tracking=False",
        check=check_web_tracking,
    ),
]
