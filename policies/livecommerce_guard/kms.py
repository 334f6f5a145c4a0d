"""KMS rules: keys that protect Secrets (ACK), buckets and disks rotate and cannot be deleted by accident.

Deleting or disabling the key behind ACK Secret encryption makes the API server unable to read Secrets
and ServiceAccounts, so deletion protection matters more than for most resources."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from ._base import Subject, get, int_schema, number, resource_rule

KEY = "alicloud:kms/key:Key"


def interval_days(value: Any) -> float | None:
    """'365d' / '8760h' / '31536000s' -> days."""
    m = re.fullmatch(r"\s*(\d+)\s*([dhs])\s*", str(value)) if value is not None else None
    if not m:
        return None
    n, unit = int(m.group(1)), m.group(2)
    return n if unit == "d" else n / 24 if unit == "h" else n / 86400


def check_rotation(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """KMS-01: automaticRotation defaults to Disabled; the interval is at most `maxRotationDays`."""
    limit = int(cfg.get("maxRotationDays", 365))
    if get(subject.props, "automaticRotation") != "Enabled":
        return ["automaticRotation is not Enabled (the provider default is Disabled)"]
    days = interval_days(get(subject.props, "rotationInterval"))
    if days is None or days > limit:
        return [f"rotationInterval is missing or longer than {limit} days"]
    return []


def check_deletion_protection(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """KMS-02: deletion protection on and a pending window long enough to notice a mistake."""
    problems = []
    if get(subject.props, "deletionProtection") != "Enabled":
        problems.append("deletionProtection is not Enabled")
    need = int(cfg.get("minPendingWindowDays", 7))
    if (number(get(subject.props, "pendingWindowInDays"), 30) or 0) < need:
        problems.append(f"pendingWindowInDays is below {need}")
    if get(subject.props, "status") in ("Disabled", "PendingDeletion"):
        problems.append("the key is disabled or pending deletion")
    return problems


POLICIES = [
    resource_rule(
        "alicloud-kms-key-enable-rotation",
        "KMS keys must rotate automatically at least yearly.",
        types=[KEY],
        severity=Severity.MEDIUM,
        anchors=["CKV_ALI_27", "KICS:cb319d87"],
        fix="set automatic_rotation='Enabled' and rotation_interval='365d' (or shorter)",
        check=check_rotation,
        config={"maxRotationDays": int_schema(365, "longest rotation interval in days", minimum=7)},
    ),
    resource_rule(
        "alicloud-kms-key-enable-deletion-protection",
        "KMS keys must be protected from deletion; losing the ACK Secret key takes the API server down.",
        types=[KEY],
        severity=Severity.HIGH,
        anchors=["CKV_ALI_28", "KICS:ed6e3ba0"],
        fix="set deletion_protection='Enabled' and pending_window_in_days>=7 (and protect=True in prod)",
        check=check_deletion_protection,
        config={"minPendingWindowDays": int_schema(7, "shortest pending-deletion window in days", minimum=7)},
    ),
]
