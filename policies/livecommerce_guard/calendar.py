"""The live-event calendar: entries that are history should leave the stack file.

A one-off live event that is over never fails a preview (a date alone must not break a build, issue 18):
the scheduler skips it and the workload marks the service's HorizontalPodAutoscaler with the annotation
`livecommerce.io/past-live-events` (the names, comma-separated). This advisory rule turns the mark into a
finding, so `check` and the review report ask for the clean-up instead of a red build."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._base import Subject, get, resource_rule

HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
# components/workloads/scheduling.py PAST_LIVE_EVENTS_ANNOTATION (policies do not import components).
PAST_LIVE_EVENTS_ANNOTATION = "livecommerce.io/past-live-events"


def check_past_live_events(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """CAL-01: the service's calendar holds no one-off event that is over."""
    annotations = get(subject.props, "metadata", "annotations", default={})
    names = annotations.get(PAST_LIVE_EVENTS_ANNOTATION) if isinstance(annotations, Mapping) else None
    if not isinstance(names, str) or not names.strip():
        return []
    return [f"live event(s) {names} are over and schedule nothing; remove them from live_events"]


POLICIES = [
    resource_rule(
        "kubernetes-autoscaling-hpa-disallow-past-live-events",
        "The live-event calendar should hold no one-off event that is already over (stale calendar entries).",
        types=[HPA],
        severity=Severity.LOW,
        anchors=["livecommerce:calendar (issue 18)"],
        fix="delete the past events from livecommerce:platform.live_events, or write a recurring one as "
            "MM-DDTHH:MM (every year)",
        check=check_past_live_events,
        enforcement_level=EnforcementLevel.ADVISORY,
    ),
]
