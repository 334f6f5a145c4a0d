"""ServiceSettings: image pinning, versions, canaries, env, governance, and the cross-service rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from components.workloads.service_settings import (
    ServiceSettings,
    check_image,
    events_for,
    version_slug,
    workload_problems,
)
from tests.workloads.conftest import IMAGE, ROOT, event, service, service_dict

_TAG_CHARS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789._-", min_size=0, max_size=20)


def _errors(**overrides) -> str:
    with pytest.raises(ValidationError) as info:
        service(**overrides)
    return str(info.value)


@pytest.mark.parametrize("image", [
    "registry.cn-hangzhou.aliyuncs.com/livecommerce/shop:1.8.2",
    "localhost:5000/shop:v1",
    "nginx:1.27.0",
    "registry.example.com/a/b@sha256:" + "a" * 64,
    "registry.example.com/a/b:1.0@sha256:" + "0123456789abcdef" * 4,
])
def test_pinned_images_pass(image: str) -> None:
    assert check_image(image) == image


@pytest.mark.parametrize(("image", "fragment"), [
    ("registry.example.com/shop", "has no tag or digest"),
    ("registry.example.com:5000/shop", "has no tag or digest"),
    ("shop:latest", "`latest` moves under you"),
    ("registry.example.com/shop@sha256:abc", "digest must be sha256"),
    ("Registry.example.com/Shop:1", "repository 'Shop' must be lowercase"),
    ("shop: 1", "is not an image reference"),
    ("", "is not an image reference"),
])
def test_moving_or_malformed_images_are_rejected(image: str, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment.replace("(", r"\(")):
        check_image(image)


@given(tag=_TAG_CHARS.filter(lambda t: t and t[0] not in ".-"))
def test_any_valid_tag_but_latest_is_accepted(tag: str) -> None:
    image = f"registry.example.com/lc/shop:{tag}"
    if tag == "latest":
        with pytest.raises(ValueError):
            check_image(image)
    else:
        assert check_image(image) == image


def test_latest_in_config_names_the_fix() -> None:
    text = _errors(versions=[{"name": "v1", "image": "registry.example.com/lc/shop:latest"}])
    assert "versions.0.image" in text and "pin a release tag or a digest" in text


def test_exactly_one_base_version() -> None:
    text = _errors(versions=[{"name": "v1", "image": IMAGE, "tag": "a"}, {"name": "v2", "image": IMAGE, "tag": "b"}],
                   entry=None)
    assert "exactly one version must have no tag (the base), got 0" in text
    text = _errors(versions=[{"name": "v1", "image": IMAGE}, {"name": "v2", "image": IMAGE}], entry=None)
    assert "got 2 (v1, v2)" in text


def test_base_version_replicas_belong_to_the_hpa() -> None:
    text = _errors(versions=[{"name": "v1", "image": IMAGE, "replicas": 3}], entry=None)
    assert "versions v1: the base version is sized by scheduling.autoscaling" in text


def test_version_names_clash_after_slugging() -> None:
    text = _errors(versions=[{"name": "v1", "image": IMAGE}, {"name": "v1.1", "image": IMAGE, "tag": "a"},
                             {"name": "v1-1", "image": IMAGE, "tag": "b"}], entry=None)
    assert "names must be unique (dots count as dashes): v1-1" in text
    assert version_slug("v1.1") == "v1-1"


def test_canary_must_target_a_tagged_version() -> None:
    assert "v1 is the base version" in _errors(entry={"canaries": [{"version": "v1", "header": "x"}]})
    assert "'v9' is not one of the versions (v1, v1.1)" in _errors(
        entry={"canaries": [{"version": "v9", "header": "x"}]})
    assert "set header, cookie or weight_percent" in _errors(entry={"canaries": [{"version": "v1.1"}]})
    assert "header_value needs header" in _errors(
        entry={"canaries": [{"version": "v1.1", "header_value": "gray", "cookie": "c"}]})


def test_canary_weights_cannot_exceed_100() -> None:
    versions = [{"name": "v1", "image": IMAGE}, {"name": "a", "image": IMAGE, "tag": "a"},
                {"name": "b", "image": IMAGE, "tag": "b"}]
    text = _errors(versions=versions, entry={"canaries": [{"version": "a", "weight_percent": 60},
                                                          {"version": "b", "weight_percent": 50}]})
    assert "weights add up to 110%" in text


def test_secret_like_env_names_must_use_env_secrets() -> None:
    assert "looks like a credential; move it to env_secrets" in _errors(env={"DB_PASSWORD": "hunter2"})
    assert "is not a valid variable name" in _errors(env={"1BAD": "x"})


def test_secret_env_has_exactly_one_source() -> None:
    assert "set exactly one of value_secret" in _errors(env_secrets=[{"name": "DB_PASSWORD"}])
    assert "set exactly one of value_secret" in _errors(
        env_secrets=[{"name": "DB_PASSWORD", "value_secret": "db", "kubernetes_secret": "db"}])
    assert "defined twice" in _errors(env={"LOG_LEVEL": "x"},
                                      env_secrets=[{"name": "LOG_LEVEL", "value_secret": "db"}])


def test_value_secret_keys_are_found_by_the_config_secret_walk() -> None:
    import yaml

    from stacks.config import CONFIG_KEY, parse_platform

    # The dev stack's own settings, so the test keeps up with the other sections' rules.
    raw = yaml.safe_load((ROOT / "stacks" / "Pulumi.dev.yaml").read_text())["config"][CONFIG_KEY]
    raw["services"] = [service_dict(env_secrets=[{"name": "DB_PASSWORD", "value_secret": "shop-db-password"}])]
    raw.pop("data", None)  # it names the stack's other services
    cfg = parse_platform(raw, stack="dev", region="cn-hangzhou")
    assert "shop-db-password" in cfg.secret_keys()


def test_mse_readiness_probe_is_java_only() -> None:
    text = _errors(governance={"language": "golang"})
    assert "served by the Java agent, and this service is golang; set it to false" in text
    svc = service(governance={"language": "golang", "lossless": {"mse_readiness_probe": False}})
    assert svc.governance.language == "golang"


def test_entry_path_defaults_to_api_prefix(shop: ServiceSettings) -> None:
    assert shop.entry_path == "/api/shop"
    assert service(entry={"path": "/shop"}).entry_path == "/shop"
    assert service(entry=None).entry_path is None


def test_events_for_targets_and_per_service_peaks() -> None:
    gala, daily = event(), event(name="daily", start="2027-01-05T20:00", end="2027-01-05T21:00", peak_replicas=5,
                                 services=["order"])
    shop = service(live_event_peaks={"summer-618-gala": 35})
    got = events_for(shop, [gala, daily])
    assert [(e.name, e.peak_replicas) for e in got] == [("summer-618-gala", 35)]
    assert type(got[0]).__name__ == "LiveEvent"
    assert events_for(service(live_facing=False), [gala]) == []


def test_workload_problems_name_the_key_and_the_fix() -> None:
    svc = service(live_event_peaks={"nope": 3}, scheduling={"placement": "ecs-only",
                                                            "autoscaling": {"min_replicas": 1, "max_replicas": 10}})
    problems = workload_problems([svc, service()], [event(), event(services=["product"])])
    assert problems == [
        "services: 'shop' is defined twice; service names must be unique",
        "live_events: 'summer-618-gala' is defined twice; event names must be unique",
        "live_events[1].services: 'product' is not a service; name live-facing services only",
        "services[0].live_event_peaks: no live event named 'nope'",
        "services[0].scheduling.autoscaling.max_replicas: shop: live event 'summer-618-gala' peaks at 20 "
        "replicas, above max_replicas 10; raise max_replicas or set live_event_peaks",
    ]
    # What a tier demands (a floor of 2, burst onto ECI) is the tier table's, not the service model's.
    assert workload_problems([service()], [event()]) == []


def test_peak_below_floor_is_reported() -> None:
    problems = workload_problems([service(live_event_peaks={"summer-618-gala": 2})], [event()])
    assert problems == ["services[0].live_event_peaks: shop: live event 'summer-618-gala' peaks at 2 replicas, "
                        "below min_replicas 3; raise the peak"]


def test_json_schema_documents_every_field() -> None:
    schema = ServiceSettings.model_json_schema()
    missing = [name for name, prop in schema["properties"].items() if not prop.get("description")]
    assert missing == []
