"""The elastic-scheduling library: placement per policy, the HPA, and the live-event calendar as CronHPA jobs."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, UTC
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from components.workloads.scheduling import (
    CAPACITY_LABEL,
    PLACEMENT_LABEL,
    CronJob,
    ScheduleError,
    calendar_notes,
    cron_hpa,
    cron_jobs,
    cron_schedule,
    eci_annotations,
    effective_min_replicas,
    hpa,
    past_events,
    placement,
    scale_windows,
)
from components.workloads.scheduling_settings import AutoscalingSettings, EciSettings, LiveEvent
from livecommerce.k8s_validate import validate_builtin, validate_crd

UTC = UTC
POOL = {"livecommerce.io/pool": "base"}
TOLERATION = {
    "key": "virtual-kubelet.io/provider",
    "operator": "Equal",
    "value": "alibabacloud",
    "effect": "NoSchedule",
}
AWAY_FROM_VIRTUAL_NODES = {"key": "type", "operator": "NotIn", "values": ["virtual-kubelet"]}


def event(name="gala", start="2026-11-11T20:00", end="2026-11-11T23:00", tz="Asia/Shanghai", **kw) -> LiveEvent:
    kw.setdefault("peak_replicas", 40)
    return LiveEvent(name=name, start=start, end=end, time_zone=tz, **kw)


NOW = datetime(2026, 11, 1, tzinfo=UTC)


# --- placement --------------------------------------------------------------------------------------------
def test_ecs_only_pins_the_pool_and_requires_non_virtual_nodes():
    p = placement("ecs-only", node_pool_selector=POOL, ecs_max=None, eci=EciSettings())
    assert p.pod_spec_fields() == {
        "nodeSelector": POOL,
        "affinity": {
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {
                    "nodeSelectorTerms": [{"matchExpressions": [AWAY_FROM_VIRTUAL_NODES]}]
                }
            }
        },
    }
    # No toleration: the virtual-node taint keeps the pods off ECI; ECI annotations would be noise.
    assert p.tolerations == ()
    assert p.pod_annotations == {}
    assert p.resource_policy("web", "live", {"app": "web"}) is None


def test_eci_only_selects_virtual_nodes_tolerates_their_taint_and_sets_eci_annotations():
    eci = EciSettings(use_specs=("2-4Gi", "ecs.c6.xlarge"))
    p = placement("eci-only", node_pool_selector=POOL, ecs_max=None, eci=eci)
    assert p.pod_spec_fields() == {"nodeSelector": {"type": "virtual-kubelet"}, "tolerations": [TOLERATION]}
    assert p.pod_annotations["k8s.aliyun.com/eci-use-specs"] == "2-4Gi,ecs.c6.xlarge"
    assert p.resource_policy("web", "live", {"app": "web"}) is None


def test_ecs_first_builds_a_resource_policy_ecs_unit_then_eci_unit():
    p = placement("ecs-first", node_pool_selector=POOL, ecs_max=6, eci=EciSettings())
    rp = p.resource_policy("web", "live", {"app": "web"}, labels={"app.kubernetes.io/name": "web"})
    assert rp == {
        "apiVersion": "scheduling.alibabacloud.com/v1alpha1",
        "kind": "ResourcePolicy",
        "metadata": {"name": "web", "namespace": "live", "labels": {"app.kubernetes.io/name": "web"}},
        "spec": {
            "selector": {"app": "web"},
            "strategy": "prefer",
            "units": [
                {"resource": "ecs", "nodeSelector": POOL, "max": 6, "podLabels": {CAPACITY_LABEL: "ecs"}},
                {"resource": "eci", "podLabels": {CAPACITY_LABEL: "eci"}},
            ],
            "matchLabelKeys": ["pod-template-hash"],
        },
    }
    assert validate_crd(rp) == []
    # The matching pod-side settings: tolerate the virtual-node taint, prefer (not require) ECS nodes,
    # and no nodeSelector, which would forbid the ECI unit.
    assert p.pod_spec_fields() == {
        "tolerations": [TOLERATION],
        "affinity": {
            "nodeAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 100, "preference": {"matchExpressions": [AWAY_FROM_VIRTUAL_NODES]}}
                ]
            }
        },
    }
    assert p.pod_annotations == {"k8s.aliyun.com/eci-auto-imc": "true"}


def test_ecs_first_without_cap_or_pool_leaves_max_and_node_selector_out():
    p = placement("ecs-first", node_pool_selector={}, ecs_max=None, eci=EciSettings())
    spec = p.resource_policy("web", "live", {"app": "web"})["spec"]
    assert spec["units"][0] == {"resource": "ecs", "podLabels": {CAPACITY_LABEL: "ecs"}}
    # ACK: matchLabelKeys "must be used with max in units"; without a max it would be a no-op.
    assert "matchLabelKeys" not in spec


def test_ecs_first_accepts_a_cap_of_zero_meaning_all_pods_burst_to_eci():
    p = placement("ecs-first", node_pool_selector=POOL, ecs_max=0, eci=EciSettings())
    assert p.resource_policy("web", "live", {"app": "web"})["spec"]["units"][0]["max"] == 0


@pytest.mark.parametrize("policy", ["ecs-only", "eci-only", "ecs-first"])
def test_every_policy_labels_its_pods_and_never_uses_the_eci_override_label(policy):
    p = placement(policy, node_pool_selector=POOL, ecs_max=None, eci=EciSettings())
    assert p.pod_labels == {PLACEMENT_LABEL: policy}
    # alibabacloud.com/eci beats nodeSelector, affinity and ResourcePolicy; emitting it would silently
    # override the chosen policy.
    for key in ("alibabacloud.com/eci", "eci"):
        assert key not in p.pod_labels
        assert key not in p.node_selector


def test_resource_policy_refuses_an_empty_selector_that_would_capture_the_whole_namespace():
    p = placement("ecs-first", node_pool_selector=POOL, ecs_max=None, eci=EciSettings())
    with pytest.raises(ValueError, match="selector is empty"):
        p.resource_policy("web", "live", {})


def test_resource_policy_refuses_selector_keys_that_ack_sets_itself():
    p = placement("ecs-first", node_pool_selector=POOL, ecs_max=None, eci=EciSettings())
    with pytest.raises(ValueError, match="alibabacloud.com/compute-class"):
        p.resource_policy("web", "live", {"app": "web", "alibabacloud.com/compute-class": "general"})


@pytest.mark.parametrize("key", ["type", "alibabacloud.com/eci"])
def test_node_pool_selector_must_not_select_virtual_nodes(key):
    with pytest.raises(ValueError, match="node_pool_selector"):
        placement("ecs-first", node_pool_selector={key: "virtual-kubelet"}, ecs_max=None, eci=EciSettings())


def test_unknown_policy_is_rejected():
    with pytest.raises(ValueError, match="ecs-only, eci-only, ecs-first"):
        placement("ecs-last", node_pool_selector=POOL, ecs_max=None, eci=EciSettings())  # type: ignore[arg-type]


def test_pod_spec_fields_are_copies():
    p = placement("ecs-first", node_pool_selector=POOL, ecs_max=None, eci=EciSettings())
    fields = p.pod_spec_fields()
    fields["tolerations"][0]["value"] = "tampered"
    fields["affinity"]["nodeAffinity"].clear()
    assert p.pod_spec_fields()["tolerations"] == [TOLERATION]
    assert p.pod_spec_fields()["affinity"]["nodeAffinity"]


def test_placement_fields_make_a_valid_deployment():
    p = placement("ecs-first", node_pool_selector=POOL, ecs_max=4, eci=EciSettings(use_specs=("2-4Gi",)))
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "live"},
        "spec": {  # no replicas: the HPA owns them
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web", **p.pod_labels}, "annotations": dict(p.pod_annotations)},
                "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}], **p.pod_spec_fields()},
            },
        },
    }
    assert validate_builtin(deployment, "1.33.1-aliyun.1") == []


# --- ECI annotations ----------------------------------------------------------------------------------------
def test_eci_annotations_on_demand_default_has_no_spot_keys_and_keeps_image_cache_on():
    assert eci_annotations(EciSettings()) == {"k8s.aliyun.com/eci-auto-imc": "true"}


def test_eci_annotations_spot_with_price_limit_and_fallback():
    eci = EciSettings(spot_strategy="SpotWithPriceLimit", spot_price_limit_cny_per_hour=0.5, spot_protection_hours=0)
    assert eci_annotations(eci) == {
        "k8s.aliyun.com/eci-spot-strategy": "SpotWithPriceLimit",
        "k8s.aliyun.com/eci-spot-price-limit": "0.5",
        "k8s.aliyun.com/eci-spot-fallback": "true",
        "k8s.aliyun.com/eci-spot-duration": "0",
        "k8s.aliyun.com/eci-auto-imc": "true",
    }


def test_eci_annotations_spot_as_price_go_without_fallback_and_explicit_image_cache():
    eci = EciSettings(spot_strategy="SpotAsPriceGo", spot_fallback_to_on_demand=False, image_cache_id="imc-abc123")
    out = eci_annotations(eci)
    assert out["k8s.aliyun.com/eci-spot-strategy"] == "SpotAsPriceGo"
    assert out["k8s.aliyun.com/eci-spot-fallback"] == "false"
    assert "k8s.aliyun.com/eci-spot-price-limit" not in out
    assert out["k8s.aliyun.com/eci-imc-id"] == "imc-abc123"


def test_eci_annotations_turning_image_cache_off_is_explicit():
    # ECI's default is on, so "off" has to be written down.
    assert eci_annotations(EciSettings(image_cache=False)) == {"k8s.aliyun.com/eci-auto-imc": "false"}


@pytest.mark.parametrize(("limit", "text"), [(0.125, "0.125"), (2.0, "2"), (1.25, "1.25")])
def test_eci_spot_price_limit_is_written_without_trailing_zeros(limit, text):
    eci = EciSettings(spot_strategy="SpotWithPriceLimit", spot_price_limit_cny_per_hour=limit)
    assert eci_annotations(eci)["k8s.aliyun.com/eci-spot-price-limit"] == text


# --- HPA ------------------------------------------------------------------------------------------------------
def test_hpa_targets_the_deployment_with_cpu_and_behaviour():
    obj = hpa("web", "live", "web-deploy", AutoscalingSettings(), labels={"app": "web"})
    assert obj["apiVersion"] == "autoscaling/v2"
    assert obj["metadata"] == {"name": "web", "namespace": "live", "labels": {"app": "web"}}
    spec = obj["spec"]
    assert spec["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web-deploy"}
    assert (spec["minReplicas"], spec["maxReplicas"]) == (2, 20)
    assert spec["metrics"] == [
        {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}}}
    ]
    assert spec["behavior"]["scaleUp"] == {"stabilizationWindowSeconds": 0}
    assert spec["behavior"]["scaleDown"] == {
        "stabilizationWindowSeconds": 300,
        "policies": [{"type": "Percent", "value": 50, "periodSeconds": 60}],
    }
    assert validate_builtin(obj, "1.33.1-aliyun.1") == []


def test_hpa_adds_a_memory_metric_and_takes_an_event_floor():
    settings_ = AutoscalingSettings(min_replicas=3, max_replicas=50, target_memory_utilization_percent=75)
    obj = hpa("web", "live", "web", settings_, min_replicas=40)
    assert obj["spec"]["minReplicas"] == 40
    assert [m["resource"]["name"] for m in obj["spec"]["metrics"]] == ["cpu", "memory"]
    assert obj["spec"]["metrics"][1]["resource"]["target"]["averageUtilization"] == 75
    assert validate_builtin(obj, "1.33") == []


def test_hpa_floor_above_max_is_rejected():
    with pytest.raises(ValueError, match="between 1 and max_replicas 20"):
        hpa("web", "live", "web", AutoscalingSettings(), min_replicas=21)


# --- calendar -> cron: time zones, midnight, DST, warm-up -------------------------------------------------
def schedules(jobs: list[CronJob]) -> dict[str, tuple[str, int]]:
    return {j.name: (j.schedule, j.target_size) for j in jobs}


def test_shanghai_evening_event_is_written_in_utc():
    jobs = cron_jobs([event(end="2026-11-12T01:00")], now=NOW, baseline_min_replicas=2)
    # 20:00+08 minus 30 min warm-up = 11:30Z; 01:00+08 next day plus 15 min cooldown = 17:15Z same UTC day.
    assert schedules(jobs) == {"gala-up": ("0 30 11 11 11 *", 40), "gala-down": ("0 15 17 11 11 *", 2)}
    assert [j.direction for j in jobs] == ["up", "down"]
    assert all(j.to_manifest()["runOnce"] is True for j in jobs)


def test_morning_event_crosses_midnight_and_month_backwards_into_utc():
    e = event(start="2026-12-01T07:00", end="2026-12-01T09:00", warmup_minutes=60)
    # 06:00+08 on Dec 1 is 22:00Z on Nov 30.
    assert schedules(cron_jobs([e], now=NOW, baseline_min_replicas=2))["gala-up"] == ("0 0 22 30 11 *", 40)


def test_new_year_event_in_auckland_lands_on_new_years_eve_utc():
    e = event(start="2027-01-01T00:30", end="2027-01-01T02:00", tz="Pacific/Auckland", warmup_minutes=60)
    # Auckland is UTC+13 in January (daylight time): 23:30 local on Dec 31 = 10:30Z on Dec 31.
    assert schedules(cron_jobs([e], now=NOW, baseline_min_replicas=2))["gala-up"] == ("0 30 10 31 12 *", 40)


def test_half_hour_zone():
    e = event(start="2026-12-01T20:00", end="2026-12-01T21:00", tz="Asia/Kolkata", warmup_minutes=0)
    assert schedules(cron_jobs([e], now=NOW, baseline_min_replicas=2))["gala-up"] == ("0 30 14 1 12 *", 40)


def test_warm_up_across_a_daylight_saving_jump_is_absolute_time():
    # New York springs forward at 02:00 on 2027-03-14. 03:30 EDT is 07:30Z; 90 minutes earlier is 06:00Z
    # (01:00 EST), not "02:00 local", which never happens that night.
    e = event(start="2027-03-14T03:30", end="2027-03-14T05:00", tz="America/New_York", warmup_minutes=90)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    assert schedules(cron_jobs([e], now=now, baseline_min_replicas=2))["gala-up"] == ("0 0 6 14 3 *", 40)


def test_same_local_time_gives_different_utc_in_summer_and_winter():
    summer = event(name="summer", start="2027-07-01T20:00", end="2027-07-01T21:00", tz="Europe/Berlin")
    winter = event(name="winter", start="2026-12-01T20:00", end="2026-12-01T21:00", tz="Europe/Berlin")
    got = schedules(cron_jobs([summer, winter], now=NOW, baseline_min_replicas=2))
    assert got["summer-up"][0] == "0 30 17 1 7 *"  # CEST, UTC+2
    assert got["winter-up"][0] == "0 30 18 1 12 *"  # CET, UTC+1


def test_warm_up_and_cooldown_are_applied_exactly():
    e = event(start="2026-12-01T20:00", end="2026-12-01T22:00", tz="UTC", warmup_minutes=45, cooldown_minutes=0)
    jobs = cron_jobs([e], now=NOW, baseline_min_replicas=3)
    assert schedules(jobs) == {"gala-up": ("0 15 19 1 12 *", 40), "gala-down": ("0 0 22 1 12 *", 3)}
    assert jobs[0].fires_at == datetime(2026, 12, 1, 19, 15, tzinfo=UTC)


def test_controller_in_a_fixed_offset_zone_gets_local_schedules():
    e = event(start="2026-12-01T20:00", end="2026-12-01T22:00")  # Shanghai
    jobs = cron_jobs([e], now=NOW, baseline_min_replicas=2, controller_time_zone="Asia/Shanghai")
    assert schedules(jobs)["gala-up"] == ("0 30 19 1 12 *", 40)


def test_controller_zone_with_a_repeated_hour_is_refused():
    # 2026-11-01T05:30Z is 01:30 in New York, a wall time that happens twice that night.
    with pytest.raises(ScheduleError, match="happens twice"):
        cron_schedule(datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "America/New_York")


# --- calendar -> cron: merging --------------------------------------------------------------------------------
def test_overlapping_events_in_different_zones_merge_in_absolute_time():
    shanghai = event(name="asia", start="2026-12-01T20:00", end="2026-12-01T22:00", peak_replicas=30)  # 12-14Z
    london = event(
        name="europe", start="2026-12-01T13:30", end="2026-12-01T15:00", tz="Europe/London", peak_replicas=50
    )
    windows = scale_windows([london, shanghai], now=NOW)
    assert len(windows) == 1
    (w,) = windows
    assert w.events == ("asia", "europe")
    assert w.scale_up_at == datetime(2026, 12, 1, 11, 30, tzinfo=UTC)
    assert w.scale_down_at == datetime(2026, 12, 1, 15, 15, tzinfo=UTC)
    assert w.peak_replicas == 50
    assert schedules(cron_jobs([london, shanghai], now=NOW, baseline_min_replicas=2)) == {
        "asia-up": ("0 30 11 1 12 *", 50),
        "asia-down": ("0 15 15 1 12 *", 2),
    }


def test_same_local_times_in_different_zones_do_not_merge():
    a = event(name="asia", start="2026-12-01T20:00", end="2026-12-01T22:00")
    b = event(name="europe", start="2026-12-01T20:00", end="2026-12-01T22:00", tz="Europe/Paris")
    assert len(scale_windows([a, b], now=NOW)) == 2


def test_touching_windows_merge_but_a_one_minute_gap_does_not():
    first = event(name="first", start="2026-12-01T20:00", end="2026-12-01T21:00", tz="UTC", cooldown_minutes=0)
    touching = event(name="touching", start="2026-12-01T21:30", end="2026-12-01T22:00", tz="UTC", warmup_minutes=30)
    gap = event(name="gap", start="2026-12-01T21:31", end="2026-12-01T22:00", tz="UTC", warmup_minutes=30)
    assert [w.events for w in scale_windows([first, touching], now=NOW)] == [("first", "touching")]
    assert [w.events for w in scale_windows([first, gap], now=NOW)] == [("first",), ("gap",)]


def test_an_event_inside_another_keeps_the_outer_end():
    outer = event(name="outer", start="2026-12-01T18:00", end="2026-12-01T23:00", peak_replicas=10)
    inner = event(name="inner", start="2026-12-01T19:00", end="2026-12-01T20:00", peak_replicas=30)
    (w,) = scale_windows([inner, outer], now=NOW)
    assert w.events == ("outer", "inner")
    assert w.scale_down_at == outer.scale_down_utc
    assert w.peak_replicas == 30


# --- calendar -> cron: errors ---------------------------------------------------------------------------------
def test_an_event_already_over_is_history_with_a_note_naming_it_and_the_fix():
    past = event(name="last-week", start="2026-10-20T20:00", end="2026-10-20T22:00")
    jobs = cron_jobs([past, event()], now=NOW, baseline_min_replicas=2)
    assert {j.window for j in jobs} == {"gala"}
    assert calendar_notes([past, event()], now=NOW) == [
        "live event 'last-week' ended at 2026-10-20T22:00 Asia/Shanghai (now 2026-11-01T08:00 Asia/Shanghai); "
        "it is history and gets no CronHPA job; remove it from live_events, or write its times as MM-DDTHH:MM "
        "if it comes back every year"
    ]


def test_an_event_ending_exactly_now_is_over():
    e = event(start="2026-11-01T06:00", end="2026-11-01T08:00")  # 08:00+08 == NOW
    assert scale_windows([e], now=NOW) == []
    assert [p.name for p in past_events([e], now=NOW)] == ["gala"]


def test_all_problems_are_reported_at_once():
    events = [
        event(name="dup", start="2026-10-01T20:00", end="2026-10-01T21:00"),
        event(name="dup"),
        event(name="small", start="2026-12-01T20:00", end="2026-12-01T21:00", peak_replicas=3),
    ]
    with pytest.raises(ScheduleError) as exc:
        cron_jobs(events, now=NOW, baseline_min_replicas=5, max_replicas=30)
    assert len(exc.value.lines) == 4
    assert sum("used twice" in line for line in exc.value.lines) == 1
    assert sum("above the HPA's max_replicas 30" in line for line in exc.value.lines) == 2
    assert sum("is below the everyday min_replicas" in line for line in exc.value.lines) == 1


def test_events_a_year_or_more_ahead_wait_for_a_later_deploy_because_cron_has_no_year():
    far = event(start="2027-11-11T20:00", end="2027-11-11T23:00")
    assert cron_jobs([far], now=NOW, baseline_min_replicas=2) == []
    (note,) = calendar_notes([far], now=NOW)
    assert "'gala' scales up at 2027-11-11T11:30Z, a year or more ahead" in note
    # ... and the first deploy less than a year before it schedules it.
    later = datetime(2026, 11, 12, tzinfo=UTC)
    assert [j.name for j in cron_jobs([far], now=later, baseline_min_replicas=2)] == ["gala-up", "gala-down"]


def test_peak_above_the_hpa_max_is_refused():
    with pytest.raises(ScheduleError, match="raise autoscaling.max_replicas or lower peak_replicas"):
        cron_jobs([event(peak_replicas=40)], now=NOW, baseline_min_replicas=2, max_replicas=30)


def test_peak_below_the_baseline_is_refused():
    with pytest.raises(ScheduleError, match="below the everyday min_replicas 5"):
        cron_jobs([event(peak_replicas=3)], now=NOW, baseline_min_replicas=5)


def test_now_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        scale_windows([event()], now=datetime(2026, 11, 1))


# --- in-progress events ---------------------------------------------------------------------------------------
def test_an_event_whose_warm_up_has_begun_gets_no_up_job_and_its_peak_goes_on_the_hpa():
    e = event(start="2026-11-11T20:00", end="2026-11-11T23:00")  # up at 11:30Z, down at 15:15Z
    during = datetime(2026, 11, 11, 11, 45, tzinfo=UTC)
    assert schedules(cron_jobs([e], now=during, baseline_min_replicas=2)) == {"gala-down": ("0 15 15 11 11 *", 2)}
    assert effective_min_replicas([e], now=during, baseline_min_replicas=2) == 40
    before = datetime(2026, 11, 11, 11, 29, tzinfo=UTC)
    assert effective_min_replicas([e], now=before, baseline_min_replicas=2) == 2
    assert [j.name for j in cron_jobs([e], now=before, baseline_min_replicas=2)] == ["gala-up", "gala-down"]


def test_scale_up_exactly_now_counts_as_begun():
    e = event(start="2026-11-11T20:00", end="2026-11-11T23:00")
    at = datetime(2026, 11, 11, 11, 30, tzinfo=UTC)
    assert [j.direction for j in cron_jobs([e], now=at, baseline_min_replicas=2)] == ["down"]


# --- CronHPA object -------------------------------------------------------------------------------------------
def test_cron_hpa_targets_the_hpa_not_the_deployment():
    jobs = cron_jobs([event()], now=NOW, baseline_min_replicas=2)
    obj = cron_hpa("web", "live", "web-hpa", jobs, labels={"app": "web"})
    assert obj["apiVersion"] == "autoscaling.alibabacloud.com/v1beta1"
    assert obj["kind"] == "CronHorizontalPodAutoscaler"
    assert obj["metadata"] == {"name": "web", "namespace": "live", "labels": {"app": "web"}}
    assert obj["spec"]["scaleTargetRef"] == {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "name": "web-hpa",
    }
    assert obj["spec"]["jobs"] == [
        {"name": "gala-up", "schedule": "0 30 11 11 11 *", "targetSize": 40, "runOnce": True},
        {"name": "gala-down", "schedule": "0 15 15 11 11 *", "targetSize": 2, "runOnce": True},
    ]
    assert validate_crd(obj) == []


def test_cron_hpa_with_an_empty_calendar_is_still_valid():
    obj = cron_hpa("web", "live", "web", cron_jobs([], now=NOW, baseline_min_replicas=2))
    assert obj["spec"]["jobs"] == []
    assert validate_crd(obj) == []


def test_cron_hpa_refuses_duplicate_job_names_and_bad_hpa_names():
    job = cron_jobs([event()], now=NOW, baseline_min_replicas=2)[0]
    with pytest.raises(ValueError, match="repeated"):
        cron_hpa("web", "live", "web", [job, job])
    with pytest.raises(ValueError, match="not a valid Kubernetes name"):
        cron_hpa("web", "live", "Web_HPA", [job])


# --- properties -----------------------------------------------------------------------------------------------
ZONES = [
    "UTC",
    "Asia/Shanghai",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/New_York",
    "America/Sao_Paulo",
    "Europe/London",
    "Australia/Lord_Howe",  # 30-minute daylight-saving shift
    "Pacific/Chatham",  # UTC+12:45 / +13:45
    "Pacific/Kiritimati",  # UTC+14
    "America/St_Johns",  # UTC-3:30 with DST
]
BASE = datetime(2026, 11, 1, 3, 17, tzinfo=UTC)


@st.composite
def calendars(draw, *, max_days_ahead: int = 300):
    """1-6 events within ~10 months of BASE, clustered so overlaps are common."""
    count = draw(st.integers(1, 6))
    anchor = draw(st.integers(1, max_days_ahead)) * 24 * 60
    events = []
    for i in range(count):
        start = BASE + timedelta(minutes=anchor + draw(st.integers(0, 3 * 24 * 60)))
        length = timedelta(minutes=draw(st.integers(1, 12 * 60)))
        tz = draw(st.sampled_from(ZONES))
        zone = ZoneInfo(tz)
        local_start = start.astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        local_end = (start + length).astimezone(zone).replace(tzinfo=None, second=0, microsecond=0)
        if local_end <= local_start:  # a clock going back can fold a short event onto itself
            local_end = local_start + timedelta(minutes=1)
        events.append(
            LiveEvent(
                name=f"e{i}",
                start=local_start,
                end=local_end,
                time_zone=tz,
                peak_replicas=draw(st.integers(2, 60)),
                warmup_minutes=draw(st.integers(0, 180)),
                cooldown_minutes=draw(st.integers(0, 120)),
            )
        )
    return events


def next_fire(schedule: str, after: datetime, zone: str) -> datetime | None:
    """An independent reading of a `S M H DoM Mon *` cron: the first matching instant after `after`."""
    s, m, h, dom, mon, dow = schedule.split(" ")
    assert dow == "*"
    tz = ZoneInfo(zone)
    for year in range(after.astimezone(tz).year, after.astimezone(tz).year + 5):
        try:
            candidate = datetime(year, int(mon), int(dom), int(h), int(m), int(s), tzinfo=tz)
        except ValueError:  # Feb 29 in a common year
            continue
        if candidate > after:
            return candidate.astimezone(UTC)
    return None


def floor_at(jobs: list[CronJob], instant: datetime, baseline: int) -> int:
    """The HPA floor the jobs leave in place at `instant` (the last job fired at or before it wins)."""
    fired = [j for j in jobs if j.fires_at <= instant]
    return fired[-1].target_size if fired else baseline


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars(), st.sampled_from(["UTC", "Asia/Shanghai", "Asia/Kolkata"]))
def test_property_every_event_window_is_covered(events, controller_zone):
    baseline = 2
    jobs = cron_jobs(events, now=BASE, baseline_min_replicas=baseline, controller_time_zone=controller_zone)
    for e in events:
        window_jobs = [j for j in jobs if e.scale_up_utc <= j.fires_at < e.scale_down_utc]
        ups = [j for j in jobs if j.direction == "up" and j.fires_at <= e.scale_up_utc]
        downs = [j for j in jobs if j.direction == "down" and j.fires_at >= e.scale_down_utc]
        assert ups, f"{e.name}: no scale-up at or before start - warmup"
        assert downs, f"{e.name}: no scale-down at or after end + cooldown"
        # The floor is at least the event's peak over [scale-up, scale-down): the floor only changes when a
        # job fires, so checking the window's start and every job inside it covers the whole span.
        for instant in [e.scale_up_utc, *(j.fires_at for j in window_jobs)]:
            assert floor_at(jobs, instant, baseline) >= e.peak_replicas


@settings(max_examples=300, deadline=None)
@given(calendars(), st.sampled_from(["UTC", "Asia/Shanghai", "Asia/Kathmandu"]))
def test_property_every_scale_down_follows_its_scale_up_and_windows_do_not_overlap(events, controller_zone):
    jobs = cron_jobs(events, now=BASE, baseline_min_replicas=2, controller_time_zone=controller_zone)
    by_window: dict[str, dict[str, CronJob]] = {}
    for j in jobs:
        by_window.setdefault(j.window, {})[j.direction] = j
    for pair in by_window.values():
        assert set(pair) == {"up", "down"}
        assert pair["up"].fires_at < pair["down"].fires_at
    windows = scale_windows(events, now=BASE)
    assert len(windows) == len(by_window)
    for earlier, later in zip(windows, windows[1:], strict=False):
        assert earlier.scale_down_at < later.scale_up_at
    # Jobs alternate up, down, up, down... in firing order: no window starts before the previous ends.
    assert [j.direction for j in jobs] == ["up", "down"] * len(windows)
    # Each event is in exactly one window.
    assert sorted(n for w in windows for n in w.events) == sorted(e.name for e in events)


@settings(max_examples=300, deadline=None)
@given(calendars(), st.sampled_from(["UTC", "Asia/Shanghai", "Asia/Kolkata", "Pacific/Chatham"]))
def test_property_each_schedule_next_fires_at_its_intended_instant(events, controller_zone):
    try:
        jobs = cron_jobs(events, now=BASE, baseline_min_replicas=2, controller_time_zone=controller_zone)
    except ScheduleError as exc:
        # A zone with daylight saving (Chatham) can put an instant on a wall time that happens twice;
        # cron_jobs must refuse exactly that, and nothing else.
        assert all("a wall time that happens twice there" in line for line in exc.lines), exc.lines
        assume(False)
    for j in jobs:
        assert next_fire(j.schedule, BASE, controller_zone) == j.fires_at, j
    obj = cron_hpa("web", "live", "web", jobs)
    assert validate_crd(obj) == []


@settings(max_examples=200, deadline=None)
@given(calendars(), st.randoms(use_true_random=False))
def test_property_calendar_order_does_not_matter(events, rnd: random.Random):
    shuffled = list(events)
    rnd.shuffle(shuffled)
    assert cron_jobs(shuffled, now=BASE, baseline_min_replicas=2) == cron_jobs(
        events, now=BASE, baseline_min_replicas=2
    )


@settings(max_examples=200, deadline=None)
@given(calendars(max_days_ahead=2), st.integers(0, 5 * 24 * 60))
def test_property_mid_calendar_no_job_is_in_the_past_and_the_floor_is_the_active_peak(events, minutes):
    now = BASE + timedelta(minutes=minutes)
    live = [e for e in events if e.end_utc > now]
    jobs = cron_jobs(live, now=now, baseline_min_replicas=2)
    assert all(j.fires_at > now for j in jobs)
    active = [w for w in scale_windows(live, now=now) if w.scale_up_at <= now < w.scale_down_at]
    expected = active[0].peak_replicas if active else 2
    assert effective_min_replicas(live, now=now, baseline_min_replicas=2) == expected
    # A deploy at `now` declares that floor; the remaining jobs then hold each event's peak from its
    # scale-up (or from now, if that has passed) until its scale-down.
    for e in live:
        begin = max(now, e.scale_up_utc)
        for instant in [begin, *(j.fires_at for j in jobs if begin <= j.fires_at < e.scale_down_utc)]:
            fired = [j for j in jobs if j.fires_at <= instant]
            assert (fired[-1].target_size if fired else expected) >= e.peak_replicas
