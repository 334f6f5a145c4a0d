"""Settings models of the workload side: defaults, documented fields, and every bad input's message."""

from __future__ import annotations

from datetime import datetime, UTC

import pytest
from pydantic import BaseModel, ValidationError

from components.workloads.scheduling_settings import (
    AutoscalingSettings,
    EciSettings,
    LiveEvent,
    SchedulingSettings,
)

MODELS = [EciSettings, AutoscalingSettings, LiveEvent, SchedulingSettings]


def good_event(**kw) -> dict:
    base = {
        "name": "double-11-gala",
        "start": "2026-11-11T20:00",
        "end": "2026-11-12T00:30",
        "time_zone": "Asia/Shanghai",
        "peak_replicas": 40,
    }
    return base | kw


def error_of(model: type[BaseModel], data: dict) -> str:
    with pytest.raises(ValidationError) as exc:
        model.model_validate(data)
    return str(exc.value)


@pytest.mark.parametrize("model", MODELS)
def test_every_field_is_documented_in_the_json_schema(model):
    schema = model.model_json_schema()
    objects = [schema, *schema.get("$defs", {}).values()]
    for obj in objects:
        for name, prop in obj.get("properties", {}).items():
            assert prop.get("description"), f"{obj.get('title')}.{name} has no description"


@pytest.mark.parametrize("model", MODELS)
def test_models_are_frozen_and_forbid_unknown_keys(model):
    assert model.model_config["frozen"] is True
    assert model.model_config["extra"] == "forbid"


def test_defaults_are_the_production_choice():
    s = SchedulingSettings()
    assert s.placement == "ecs-first"
    assert s.eci.spot_strategy == "none"  # live traffic is not preempted mid-stream
    assert s.eci.image_cache is True
    assert s.autoscaling.min_replicas >= 2
    e = LiveEvent.model_validate(good_event())
    assert (e.warmup_minutes, e.cooldown_minutes) == (30, 15)


def test_unknown_key_names_the_key():
    assert "peak" in error_of(LiveEvent, good_event(peak=3))


def test_live_event_reads_local_times_in_its_zone():
    e = LiveEvent.model_validate(good_event())
    assert e.start == datetime(2026, 11, 11, 20, 0)
    assert e.start_utc == datetime(2026, 11, 11, 12, 0, tzinfo=UTC)
    assert e.end_utc == datetime(2026, 11, 11, 16, 30, tzinfo=UTC)
    assert e.scale_up_utc == datetime(2026, 11, 11, 11, 30, tzinfo=UTC)
    assert e.scale_down_utc == datetime(2026, 11, 11, 16, 45, tzinfo=UTC)


@pytest.mark.parametrize(
    "text", ["2026-11-11 20:00", "2026-11-11T20:00:00", "2026-11-11T20:00+08:00", "2026-11-11T20:00Z", "11/11/2026"]
)
def test_live_event_times_must_be_naive_minute_precision(text):
    assert "YYYY-MM-DDTHH:MM" in error_of(LiveEvent, good_event(start=text))


def test_live_event_refuses_aware_datetimes_and_seconds():
    aware = datetime(2026, 11, 11, 20, 0, tzinfo=UTC)
    assert "put the zone in time_zone" in error_of(LiveEvent, good_event(start=aware))
    assert "seconds must be 0" in error_of(LiveEvent, good_event(start=datetime(2026, 11, 11, 20, 0, 5)))


def test_live_event_schema_documents_the_string_format():
    prop = LiveEvent.model_json_schema()["properties"]["start"]
    assert prop["type"] == "string"
    assert prop["pattern"] == r"^(\d{4}-)?\d{2}-\d{2}T\d{2}:\d{2}$"  # one-off, or MM-DDTHH:MM every year


def test_unknown_time_zone_is_named_with_an_example():
    msg = error_of(LiveEvent, good_event(time_zone="China/Beijing"))
    assert "unknown IANA time zone 'China/Beijing'" in msg
    assert "Asia/Shanghai" in msg


def test_end_must_follow_start():
    assert "must be after start" in error_of(LiveEvent, good_event(end="2026-11-11T20:00"))


def test_end_before_start_in_local_time_but_after_in_absolute_time_is_fine():
    # 01:30 happens twice in New York on 2026-11-01; start reads the first (EDT), end the second (EST).
    e = LiveEvent.model_validate(
        good_event(start="2026-11-01T01:30", end="2026-11-01T01:30", time_zone="America/New_York")
    )
    assert e.start_utc == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    assert e.end_utc == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)


def test_a_local_time_skipped_by_daylight_saving_is_refused():
    msg = error_of(
        LiveEvent, good_event(start="2027-03-14T02:30", end="2027-03-14T04:00", time_zone="America/New_York")
    )
    assert "start 2027-03-14T02:30 does not exist in America/New_York" in msg


def test_event_names_must_be_kebab_case():
    assert "name" in error_of(LiveEvent, good_event(name="Double 11"))


def test_spot_with_price_limit_needs_a_limit():
    assert "required when spot_strategy is SpotWithPriceLimit" in error_of(
        EciSettings, {"spot_strategy": "SpotWithPriceLimit"}
    )


def test_price_limit_without_that_strategy_is_refused():
    msg = error_of(EciSettings, {"spot_strategy": "SpotAsPriceGo", "spot_price_limit_cny_per_hour": 0.5})
    assert "only applies to spot_strategy SpotWithPriceLimit" in msg


def test_price_limit_has_at_most_three_decimals():
    msg = error_of(EciSettings, {"spot_strategy": "SpotWithPriceLimit", "spot_price_limit_cny_per_hour": 0.1234})
    assert "at most 3 decimals" in msg


def test_explicit_image_cache_needs_image_cache_on():
    assert "set image_cache to true" in error_of(EciSettings, {"image_cache": False, "image_cache_id": "imc-abc"})


@pytest.mark.parametrize("spec", ["2-4Gi", "0.5-1Gi", "ecs.c6.xlarge", "ecs.gn6i-c4g1.xlarge"])
def test_eci_specs_accept_cpu_memory_pairs_and_instance_types(spec):
    assert EciSettings(use_specs=(spec,)).use_specs == (spec,)


@pytest.mark.parametrize("spec", ["2C4G", "4Gi", "c6.xlarge", "2-4GiB"])
def test_eci_specs_refuse_other_spellings(spec):
    assert "use_specs" in error_of(EciSettings, {"use_specs": [spec]})


def test_autoscaling_min_above_max_is_refused():
    msg = error_of(AutoscalingSettings, {"min_replicas": 5, "max_replicas": 3})
    assert "min_replicas (5) is above max_replicas (3)" in msg


def test_ecs_max_only_with_ecs_first():
    assert SchedulingSettings(ecs_max_replicas=4).ecs_max_replicas == 4
    msg = error_of(SchedulingSettings, {"placement": "eci-only", "ecs_max_replicas": 4})
    assert "only applies to placement ecs-first, not eci-only" in msg


def test_unknown_placement_lists_the_choices():
    msg = error_of(SchedulingSettings, {"placement": "ecs-last"})
    assert "ecs-only" in msg and "eci-only" in msg and "ecs-first" in msg
