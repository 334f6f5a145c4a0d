"""Elastic scheduling: pure functions that place pods on ECS / ECI and scale them around live events.

Every workload of the container platform calls these; the Pulumi components turn the plain dicts they
return into ``pulumi_kubernetes`` resources. Nothing here imports Pulumi, reads config or knows the time:
``now`` is an argument, so the same calendar always gives the same objects.

* ``placement(policy, ...)`` -> ``Placement``: pod labels, ECI annotations, tolerations, affinity, node
  selector, and for ``ecs-first`` a ``ResourcePolicy`` (ECS unit first, then ECI).
* ``hpa(...)``: the ``autoscaling/v2`` HorizontalPodAutoscaler of a Deployment.
* ``scale_windows(...)`` / ``cron_jobs(...)`` / ``cron_hpa(...)``: the live-event calendar as merged
  windows, as one-shot CronHPA jobs, and as the CronHPA object that drives the HPA.
* ``effective_min_replicas(...)``: the HPA floor to declare right now (the peak during an event).

Facts used (``/work/shared/reference/platform-facts.md`` section 3, and the upstream controller source
``AliyunContainerService/kubernetes-cronhpa-controller``):

* Virtual nodes carry the taint ``virtual-kubelet.io/provider=alibabacloud:NoSchedule`` and the label
  ``type=virtual-kubelet``.
* ResourcePolicy ``scheduling.alibabacloud.com/v1alpha1``: ``units`` are tried in order on scale-out and
  in reverse on scale-in; an ECI unit adds the virtual-node toleration itself.
* CronHPA ``autoscaling.alibabacloud.com/v1beta1``: jobs have ``name``, ``schedule`` (6 fields, seconds
  first, no year), ``targetSize`` and ``runOnce``. With ``scaleTargetRef`` pointing at an HPA
  ("HPA-compatible mode") a job never sets the Deployment's replicas behind the HPA's back: it raises the
  HPA's ``minReplicas`` (and ``maxReplicas`` if needed) to ``targetSize`` or lowers ``minReplicas`` to it,
  and the HPA does the scaling.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from components.workloads.scheduling_settings import (
    AutoscalingSettings,
    EciSettings,
    LiveEvent,
    PlacementPolicy,
)

UTC = ZoneInfo("UTC")

# --- virtual nodes -----------------------------------------------------------------------------------
VIRTUAL_NODE_TAINT_KEY = "virtual-kubelet.io/provider"
VIRTUAL_NODE_TAINT_VALUE = "alibabacloud"
VIRTUAL_NODE_LABEL_KEY = "type"
VIRTUAL_NODE_LABEL_VALUE = "virtual-kubelet"
#: The label the platform puts on every pod template, naming its placement policy (dashboards, policies).
PLACEMENT_LABEL = "livecommerce.io/placement"
#: The label a ResourcePolicy unit patches onto each pod it places: ``ecs`` or ``eci`` (cost dashboards).
CAPACITY_LABEL = "livecommerce.io/capacity"

#: The HPA annotation naming the one-off live events that are over (history: they schedule nothing). The
#: policy `kubernetes-autoscaling-hpa-disallow-past-live-events` reads it and asks for their removal.
PAST_LIVE_EVENTS_ANNOTATION = "livecommerce.io/past-live-events"

RESOURCE_POLICY_API_VERSION = "scheduling.alibabacloud.com/v1alpha1"
CRON_HPA_API_VERSION = "autoscaling.alibabacloud.com/v1beta1"

# Selector keys the ResourcePolicy doc says never to use in a workload selector: ACK sets them itself.
_FORBIDDEN_SELECTOR_KEYS = ("alibabacloud.com/compute-class", "alibabacloud.com/compute-qos")
# The pod label that beats nodeSelector, affinity and ResourcePolicy alike; a placement never emits it so
# the policy chosen here is the one that applies.
_ECI_OVERRIDE_LABELS = ("alibabacloud.com/eci", "eci")


def _eci_toleration() -> dict:
    return {
        "key": VIRTUAL_NODE_TAINT_KEY,
        "operator": "Equal",
        "value": VIRTUAL_NODE_TAINT_VALUE,
        "effect": "NoSchedule",
    }


def _not_virtual_node() -> dict:
    return {"key": VIRTUAL_NODE_LABEL_KEY, "operator": "NotIn", "values": [VIRTUAL_NODE_LABEL_VALUE]}


def eci_annotations(eci: EciSettings) -> dict[str, str]:
    """The ECI pod annotations for ``eci`` (all values strings, as Kubernetes requires).

    They go on the pod template; ECI reads them only when it creates a pod, and pods on ECS nodes ignore
    them. ``eci-auto-imc`` is always written because ECI's own default is ``true``: leaving it out could
    not turn image caches off.
    """
    out: dict[str, str] = {}
    if eci.use_specs:
        out["k8s.aliyun.com/eci-use-specs"] = ",".join(eci.use_specs)
    if eci.spot_strategy != "none":
        out["k8s.aliyun.com/eci-spot-strategy"] = eci.spot_strategy
        out["k8s.aliyun.com/eci-spot-fallback"] = "true" if eci.spot_fallback_to_on_demand else "false"
        out["k8s.aliyun.com/eci-spot-duration"] = str(eci.spot_protection_hours)
        if eci.spot_price_limit_cny_per_hour is not None:
            # CNY per hour with at most 3 decimals, written without trailing zeros ("0.5", not "0.500").
            price = f"{eci.spot_price_limit_cny_per_hour:.3f}".rstrip("0").rstrip(".")
            out["k8s.aliyun.com/eci-spot-price-limit"] = price
    out["k8s.aliyun.com/eci-auto-imc"] = "true" if eci.image_cache else "false"
    if eci.image_cache_id is not None:
        out["k8s.aliyun.com/eci-imc-id"] = eci.image_cache_id
    return out


@dataclass(frozen=True)
class Placement:
    """What a placement policy puts on a workload. Every accessor returns fresh copies."""

    policy: PlacementPolicy
    pod_labels: Mapping[str, str]
    """Labels for ``spec.template.metadata.labels`` (never part of the Deployment's selector)."""
    pod_annotations: Mapping[str, str]
    """Annotations for ``spec.template.metadata.annotations`` (the ECI annotations)."""
    tolerations: Sequence[Mapping]
    """``spec.template.spec.tolerations``."""
    affinity: Mapping | None
    """``spec.template.spec.affinity`` or None."""
    node_selector: Mapping[str, str]
    """``spec.template.spec.nodeSelector`` (may be empty)."""
    resource_policy_units: Sequence[Mapping] = field(default=())
    """ResourcePolicy units in priority order; empty unless the policy is ``ecs-first``."""

    def pod_spec_fields(self) -> dict:
        """The pod-spec keys this placement sets (``nodeSelector``, ``tolerations``, ``affinity``), only
        the non-empty ones, ready to merge into ``spec.template.spec``."""
        out: dict = {}
        if self.node_selector:
            out["nodeSelector"] = dict(self.node_selector)
        if self.tolerations:
            out["tolerations"] = copy.deepcopy([dict(t) for t in self.tolerations])
        if self.affinity:
            out["affinity"] = copy.deepcopy(dict(self.affinity))
        return out

    def resource_policy(
        self,
        name: str,
        namespace: str,
        selector: Mapping[str, str],
        labels: Mapping[str, str] | None = None,
    ) -> dict | None:
        """The ``ResourcePolicy`` for the pods matching ``selector``, or None unless ``ecs-first``.

        ``selector`` must be the workload's own pod labels (usually the Deployment's ``matchLabels``): an
        empty selector would capture every pod in the namespace. ``matchLabelKeys: [pod-template-hash]``
        counts each unit's ``max`` per ReplicaSet, so during a rolling update the new pods get the ECS
        slots back as the old ones leave instead of all landing on ECI. It is only set when a unit has a
        ``max``: ACK documents that ``matchLabelKeys`` "must be used with ``max`` in ``units``" ("Customize
        elastic resource priority scheduling"), and without one it would do nothing.
        """
        if self.policy != "ecs-first":
            return None
        if not selector:
            raise ValueError(
                f"resource_policy {name!r}: selector is empty, which would place every pod in namespace "
                f"{namespace!r}; pass the workload's pod labels"
            )
        bad = sorted(k for k in selector if k.startswith(_FORBIDDEN_SELECTOR_KEYS))
        if bad:
            raise ValueError(
                f"resource_policy {name!r}: selector keys {bad} are set by ACK and must not select workloads; "
                f"use the workload's own labels"
            )
        metadata: dict = {"name": name, "namespace": namespace}
        if labels:
            metadata["labels"] = dict(labels)
        units = copy.deepcopy([dict(u) for u in self.resource_policy_units])
        spec: dict = {"selector": dict(selector), "strategy": "prefer", "units": units}
        if any("max" in u for u in units):
            spec["matchLabelKeys"] = ["pod-template-hash"]
        return {
            "apiVersion": RESOURCE_POLICY_API_VERSION,
            "kind": "ResourcePolicy",
            "metadata": metadata,
            "spec": spec,
        }


def placement(
    policy: PlacementPolicy,
    *,
    node_pool_selector: Mapping[str, str],
    ecs_max: int | None,
    eci: EciSettings,
) -> Placement:
    """Decide where a workload's pods run.

    ``node_pool_selector`` selects the ECS node pool(s) for the steady base. Use a static label the node
    pool sets on its nodes (``NodePool(labels=[...])``) rather than ``alibabacloud.com/nodepool-id``, so
    the selector is known before the pool exists and no ``pulumi.Output`` reaches this pure function.

    * ``ecs-only``: ``nodeSelector`` = the pool selector, plus a *required* node affinity away from
      virtual nodes (still holds if the selector is empty); no toleration, so the taint keeps pods off ECI.
    * ``eci-only``: ``nodeSelector type=virtual-kubelet`` plus the taint toleration, and the ECI
      annotations.
    * ``ecs-first``: a ResourcePolicy (ECS unit with the pool selector and ``max`` = ``ecs_max``, then an
      ECI unit), plus the toleration and a *preferred* affinity away from virtual nodes, the same
      preference spelled in standard Kubernetes so the intent is visible on the pod, and the ECI
      annotations for the pods that burst. ``ecs_max`` None means "until ECS runs out of room".

    ``ecs_max`` is ignored by the other two policies (``SchedulingSettings`` rejects it there).
    """
    for key in node_pool_selector:
        if key in _ECI_OVERRIDE_LABELS or key == VIRTUAL_NODE_LABEL_KEY:
            raise ValueError(
                f"node_pool_selector: key {key!r} selects virtual nodes, not an ECS node pool; use the node "
                f"pool's own label"
            )
    if ecs_max is not None and ecs_max < 0:
        raise ValueError(f"ecs_max: must be 0 or more, got {ecs_max}")
    labels = {PLACEMENT_LABEL: policy}
    if policy == "ecs-only":
        return Placement(
            policy=policy,
            pod_labels=labels,
            pod_annotations={},
            tolerations=(),
            affinity={
                "nodeAffinity": {
                    "requiredDuringSchedulingIgnoredDuringExecution": {
                        "nodeSelectorTerms": [{"matchExpressions": [_not_virtual_node()]}]
                    }
                }
            },
            node_selector=dict(node_pool_selector),
        )
    if policy == "eci-only":
        return Placement(
            policy=policy,
            pod_labels=labels,
            pod_annotations=eci_annotations(eci),
            tolerations=(_eci_toleration(),),
            affinity=None,
            node_selector={VIRTUAL_NODE_LABEL_KEY: VIRTUAL_NODE_LABEL_VALUE},
        )
    if policy == "ecs-first":
        ecs_unit: dict = {"resource": "ecs", "podLabels": {CAPACITY_LABEL: "ecs"}}
        if node_pool_selector:
            ecs_unit["nodeSelector"] = dict(node_pool_selector)
        if ecs_max is not None:
            ecs_unit["max"] = ecs_max
        eci_unit = {"resource": "eci", "podLabels": {CAPACITY_LABEL: "eci"}}
        return Placement(
            policy=policy,
            pod_labels=labels,
            pod_annotations=eci_annotations(eci),
            tolerations=(_eci_toleration(),),
            affinity={
                "nodeAffinity": {
                    "preferredDuringSchedulingIgnoredDuringExecution": [
                        {"weight": 100, "preference": {"matchExpressions": [_not_virtual_node()]}}
                    ]
                }
            },
            node_selector={},
            resource_policy_units=(ecs_unit, eci_unit),
        )
    raise ValueError(f"placement policy: expected one of ecs-only, eci-only, ecs-first, got {policy!r}")


# --- HPA -------------------------------------------------------------------------------------------------
def hpa(
    name: str,
    namespace: str,
    deployment_name: str,
    autoscaling: AutoscalingSettings,
    *,
    min_replicas: int | None = None,
    labels: Mapping[str, str] | None = None,
    annotations: Mapping[str, str] | None = None,
) -> dict:
    """The ``autoscaling/v2`` HPA of Deployment ``deployment_name``.

    ``min_replicas`` overrides ``autoscaling.min_replicas``; pass ``effective_min_replicas(...)`` so a
    ``pulumi up`` during a live event keeps the peak the CronHPA set instead of resetting it. The
    Deployment must leave ``spec.replicas`` unset: the HPA (steered by the CronHPA) owns it.
    """
    floor = autoscaling.min_replicas if min_replicas is None else min_replicas
    if not 1 <= floor <= autoscaling.max_replicas:
        raise ValueError(
            f"hpa {name!r}: min_replicas {floor} must be between 1 and max_replicas {autoscaling.max_replicas}"
        )
    metrics = [_utilization_metric("cpu", autoscaling.target_cpu_utilization_percent)]
    if autoscaling.target_memory_utilization_percent is not None:
        metrics.append(_utilization_metric("memory", autoscaling.target_memory_utilization_percent))
    metadata: dict = {"name": name, "namespace": namespace}
    if labels:
        metadata["labels"] = dict(labels)
    if annotations:
        metadata["annotations"] = dict(annotations)
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata,
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment_name},
            "minReplicas": floor,
            "maxReplicas": autoscaling.max_replicas,
            "metrics": metrics,
            "behavior": {
                "scaleUp": {"stabilizationWindowSeconds": autoscaling.scale_up_stabilization_seconds},
                "scaleDown": {
                    "stabilizationWindowSeconds": autoscaling.scale_down_stabilization_seconds,
                    "policies": [
                        {
                            "type": "Percent",
                            "value": autoscaling.scale_down_max_percent_per_minute,
                            "periodSeconds": 60,
                        }
                    ],
                },
            },
        },
    }


def _utilization_metric(resource: str, percent: int) -> dict:
    return {
        "type": "Resource",
        "resource": {"name": resource, "target": {"type": "Utilization", "averageUtilization": percent}},
    }


# --- live-event calendar -> CronHPA ------------------------------------------------------------------
class ScheduleError(ValueError):
    """The live-event calendar cannot be scheduled. Each line names the event and the fix."""

    def __init__(self, *lines: str) -> None:
        self.lines = [line for line in lines if line]
        super().__init__("\n".join(self.lines))


#: A 6-field cron has no year, so a one-shot job fires at the next matching second after the controller
#: registers it. Any date less than a year ahead is that next match; a later one would fire a year early.
#: (The exact test is ``is_next_match``: a date 365 days ahead across a 29 February still is one.)
CRON_HORIZON = timedelta(days=365)


def is_next_match(instant: datetime, now: datetime, controller_time_zone: str = "UTC") -> bool:
    """Whether ``instant`` is the first time after ``now`` that its own 6-field cron (second, minute,
    hour, day, month in ``controller_time_zone``; no year) matches, i.e. a one-shot job registered at
    ``now`` fires then and not a year (or, for 29 February, a leap cycle) earlier."""
    zone = ZoneInfo(controller_time_zone)
    local = instant.astimezone(zone)
    if instant <= now:
        return False
    for back in range(1, 9):  # 29 February recurs within 8 years
        try:
            earlier = local.replace(year=local.year - back)
        except ValueError:
            continue
        return earlier.astimezone(UTC) <= now
    return True


@dataclass(frozen=True)
class ScaleWindow:
    """A span of absolute time that needs ``peak_replicas``: one event, or overlapping ones merged."""

    events: tuple[str, ...]
    """Names of the events in the window, earliest scale-up first."""
    scale_up_at: datetime
    """Aware UTC: the earliest ``start - warmup`` of its events."""
    scale_down_at: datetime
    """Aware UTC: the latest ``end + cooldown`` of its events."""
    peak_replicas: int
    """The largest ``peak_replicas`` of its events, held for the whole window."""

    @property
    def key(self) -> str:
        """Stable job-name stem: the first event's name (event names are unique, and each event is in
        exactly one window)."""
        return self.events[0]


@dataclass(frozen=True)
class CronJob:
    """One CronHPA job."""

    name: str
    schedule: str
    """``"S M H DoM Mon *"`` in the controller's time zone."""
    target_size: int
    fires_at: datetime
    """Aware UTC instant the schedule denotes (within ``CRON_HORIZON`` of ``now``)."""
    direction: str
    """``up`` or ``down``."""
    window: str
    """``ScaleWindow.key`` of the window this job opens or closes."""

    def to_manifest(self) -> dict:
        """The job as it appears in ``spec.jobs`` of the CronHPA."""
        return {"name": self.name, "schedule": self.schedule, "targetSize": self.target_size, "runOnce": True}


def _fmt(instant: datetime, zone: str) -> str:
    return f"{instant.astimezone(ZoneInfo(zone)):%Y-%m-%dT%H:%M} {zone}"


def current_events(events: Iterable[LiveEvent], *, now: datetime) -> list[LiveEvent]:
    """The calendar as it stands at ``now``: each yearly event as its next occurrence, one-off events that
    are over (``end <= now``) left out. A past event is history, not an error (``calendar_notes`` says so)."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(timezone.utc))")
    resolved = (event.next_occurrence(now) for event in events)
    return [event for event in resolved if event.end_utc > now]


def past_events(events: Iterable[LiveEvent], *, now: datetime) -> list[LiveEvent]:
    """One-off events that are over at ``now``, in calendar order (yearly events never are)."""
    return [event for event in events if not event.yearly and event.end_utc <= now]


def scale_windows(
    events: Iterable[LiveEvent],
    *,
    now: datetime,
) -> list[ScaleWindow]:
    """The calendar as merged windows, in time order.

    Each event needs ``[start - warmup, end + cooldown]`` in absolute (UTC) time, so events in different
    time zones compare correctly. Windows that overlap or touch merge into one holding the larger peak:
    two jobs firing at the same second would race in the controller, and a short dip between two
    streams is not worth the churn. Yearly events count with their next occurrence; events already over
    (``end <= now``) are left out (``current_events``). Raises ``ScheduleError`` for duplicate names.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware (e.g. datetime.now(timezone.utc))")
    events = list(events)
    errors: list[str] = []
    seen: set[str] = set()
    for event in events:
        if event.name in seen:
            errors.append(f"live event {event.name!r}: the name is used twice; event names must be unique")
        seen.add(event.name)
    if errors:
        raise ScheduleError(*errors)
    events = current_events(events, now=now)

    ordered = sorted(events, key=lambda e: (e.scale_up_utc, e.scale_down_utc, e.name))
    windows: list[ScaleWindow] = []
    for event in ordered:
        last = windows[-1] if windows else None
        if last is not None and event.scale_up_utc <= last.scale_down_at:
            windows[-1] = ScaleWindow(
                events=(*last.events, event.name),
                scale_up_at=last.scale_up_at,
                scale_down_at=max(last.scale_down_at, event.scale_down_utc),
                peak_replicas=max(last.peak_replicas, event.peak_replicas),
            )
        else:
            windows.append(
                ScaleWindow(
                    events=(event.name,),
                    scale_up_at=event.scale_up_utc,
                    scale_down_at=event.scale_down_utc,
                    peak_replicas=event.peak_replicas,
                )
            )
    return windows


def cron_schedule(instant: datetime, controller_time_zone: str = "UTC") -> str:
    """The 6-field cron (``S M H DoM Mon *``) that fires at ``instant`` on a controller in
    ``controller_time_zone``. Raises ``ScheduleError`` if that wall time happens twice there (a clock
    going back), where a cron cannot say which one is meant."""
    zone = ZoneInfo(controller_time_zone)
    local = instant.astimezone(zone)
    naive = local.replace(tzinfo=None)
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first != second:
        raise ScheduleError(
            f"{instant.astimezone(UTC):%Y-%m-%dT%H:%MZ} is {naive:%H:%M} on {naive:%Y-%m-%d} in "
            f"{controller_time_zone}, a wall time that happens twice there; run the CronHPA controller in UTC"
        )
    return f"{local.second} {local.minute} {local.hour} {local.day} {local.month} *"


def cron_jobs(
    events: Iterable[LiveEvent],
    *,
    now: datetime,
    baseline_min_replicas: int,
    max_replicas: int | None = None,
    controller_time_zone: str = "UTC",
) -> list[CronJob]:
    """One-shot CronHPA jobs for the live-event calendar, in firing order.

    Each merged window (``scale_windows``) gives ``<key>-up`` at its scale-up instant with
    ``targetSize`` = the window's peak, and ``<key>-down`` at its scale-down instant with ``targetSize`` =
    ``baseline_min_replicas`` (in HPA-compatible mode that lowers the HPA floor back; the HPA then sheds
    load-free pods at its own pace).

    Time zones. The CronHPA job has no time-zone field (CRD and controller source: ``Job`` is name,
    schedule, targetSize, runOnce), and the controller evaluates every schedule in its own process
    zone (``cron.NewWithLocation(time.Now().Location())``), i.e. UTC unless someone set ``TZ`` on the
    add-on. So each event's local times are converted to absolute instants with its IANA zone (DST
    included), and every schedule is written in ``controller_time_zone`` (default ``UTC``, which has no
    DST, so no instant is skipped or repeated). A local evening event in Asia/Shanghai therefore often
    lands on the previous UTC day; the day-of-month and month fields follow the converted instant.

    One-shot. A 6-field cron has no year, so it would recur every year on that date; every job sets
    ``runOnce: true``, and the controller keeps a finished run-once job out of its engine (its state in
    ``status.conditions`` is ``Succeed``/``Failed``). Because the next match after registration must be
    the intended one (``is_next_match``), a window whose jobs lie a year or more ahead gets no jobs yet:
    a later deploy schedules it (``calendar_notes`` says so). A yearly event is scheduled as its next
    occurrence, so each deploy schedules the coming one.

    Dates never make this fail: events already over are history (left out, see ``calendar_notes``).

    An event whose warm-up has already begun (scale-up instant <= ``now`` < end) gets no ``-up`` job: a
    newly registered one would first match a year later. Its peak is declared on the HPA instead, via
    ``effective_min_replicas``; the ``-down`` job still closes the window.

    Raises ``ScheduleError`` listing every problem: duplicate names, a peak above ``max_replicas`` (the
    controller would raise the HPA's max and never lower it) or below ``baseline_min_replicas`` (the
    "scale-up" would lower the floor), and a schedule on a wall time that happens twice in the
    controller's zone.
    """
    events = list(events)
    errors: list[str] = []
    try:
        windows = scale_windows(events, now=now)
    except ScheduleError as exc:
        errors += exc.lines
        windows = []
    for event in events:
        if max_replicas is not None and event.peak_replicas > max_replicas:
            errors.append(
                f"live event {event.name!r}: peak_replicas {event.peak_replicas} is above the HPA's "
                f"max_replicas {max_replicas}; raise autoscaling.max_replicas or lower peak_replicas"
            )
        if event.peak_replicas < baseline_min_replicas:
            errors.append(
                f"live event {event.name!r}: peak_replicas {event.peak_replicas} is below the everyday "
                f"min_replicas {baseline_min_replicas}; raise peak_replicas"
            )
    jobs: list[CronJob] = []
    for window in windows:
        edges = [("down", window.scale_down_at, baseline_min_replicas)]
        if window.scale_up_at > now:
            edges.insert(0, ("up", window.scale_up_at, window.peak_replicas))
        if not all(is_next_match(instant, now, controller_time_zone) for _, instant, _ in edges):
            continue  # a year or more ahead: scheduled by a later deploy (calendar_notes)
        for direction, instant, size in edges:
            try:
                schedule = cron_schedule(instant, controller_time_zone)
            except ScheduleError as exc:
                errors.append(f"live event {window.key!r}: scale-{direction}: {exc}")
                continue
            jobs.append(
                CronJob(
                    name=f"{window.key}-{direction}",
                    schedule=schedule,
                    target_size=size,
                    fires_at=instant.astimezone(UTC),
                    direction=direction,
                    window=window.key,
                )
            )
    if errors:
        raise ScheduleError(*errors)
    return sorted(jobs, key=lambda j: (j.fires_at, j.name))


def effective_min_replicas(
    events: Iterable[LiveEvent],
    *,
    now: datetime,
    baseline_min_replicas: int,
) -> int:
    """The HPA floor to declare at ``now``: the window's peak if ``now`` is inside a window (between its
    scale-up and scale-down), else the baseline. Declaring it keeps a deploy during a stream from
    resetting the floor the CronHPA raised."""
    for window in scale_windows(events, now=now):
        if window.scale_up_at <= now < window.scale_down_at:
            return max(window.peak_replicas, baseline_min_replicas)
    return baseline_min_replicas


def calendar_notes(events: Iterable[LiveEvent], *, now: datetime, controller_time_zone: str = "UTC") -> list[str]:
    """Warnings about the calendar at ``now``, one line per event: one-off events that are over (history:
    no job, remove them) and events a year or more ahead (no job yet: a deploy within a year schedules
    them). Never an error: no date may break a build."""
    events = list(events)
    notes = [
        f"live event {e.name!r} ended at {_fmt(e.end_utc, e.time_zone)} (now {_fmt(now, e.time_zone)}); it is "
        "history and gets no CronHPA job; remove it from live_events, or write its times as MM-DDTHH:MM if "
        "it comes back every year"
        for e in past_events(events, now=now)
    ]
    names = {e.name for e in events}
    if len(names) != len(events):
        return notes  # duplicate names are an error of cron_jobs
    for window in scale_windows(events, now=now):
        edges = [window.scale_down_at] + ([window.scale_up_at] if window.scale_up_at > now else [])
        if not all(is_next_match(instant, now, controller_time_zone) for instant in edges):
            first = min(edges)
            notes.append(
                f"live event {window.key!r} scales up at {first:%Y-%m-%dT%H:%MZ}, a year or more ahead; a 6-field "
                "cron has no year, so it gets its CronHPA jobs from a deploy less than a year before it"
            )
    return notes


_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def cron_hpa(
    name: str,
    namespace: str,
    hpa_name: str,
    jobs: Sequence[CronJob],
    labels: Mapping[str, str] | None = None,
) -> dict:
    """The ``CronHorizontalPodAutoscaler`` that runs ``jobs`` against HPA ``hpa_name`` (HPA-compatible
    mode: ``scaleTargetRef`` is the HPA, never the Deployment, so the two never fight).

    With no jobs the object is still valid (``jobs: []``); callers may skip creating it instead.
    """
    if not _DNS_LABEL.match(hpa_name):
        raise ValueError(f"cron_hpa {name!r}: hpa_name {hpa_name!r} is not a valid Kubernetes name")
    names = [j.name for j in jobs]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"cron_hpa {name!r}: job names must be unique, repeated: {duplicates}")
    metadata: dict = {"name": name, "namespace": namespace}
    if labels:
        metadata["labels"] = dict(labels)
    return {
        "apiVersion": CRON_HPA_API_VERSION,
        "kind": "CronHorizontalPodAutoscaler",
        "metadata": metadata,
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "autoscaling/v2",
                "kind": "HorizontalPodAutoscaler",
                "name": hpa_name,
            },
            "jobs": [j.to_manifest() for j in jobs],
        },
    }
