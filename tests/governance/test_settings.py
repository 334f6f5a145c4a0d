"""Governance settings: what MSE accepts per edition, the stack-wide rules and their messages, and the pure
decisions the components use (gateway zones, lane members, the shared MSE namespace)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from components.governance.labels import governance_labels
from components.governance.settings import (
    GovernanceSettings,
    LaneSettings,
    RegistrySettings,
    capabilities,
    capabilities_table,
    gateway_vswitches,
    governance_problems,
    lane_members,
    mse_namespace,
    registry_problems,
)
from components.workloads.service_settings import with_mse_namespace
from livecommerce.engine import read_stack_file
from stacks.config import CONFIG_KEY, ConfigError, check_stack_config
from tests.workloads.conftest import service, service_dict

ROOT = Path(__file__).resolve().parents[2]
GRAY = {"name": "gray", "tag": "gray", "match": [{"name": "x-mse-tag", "value": "gray"}]}


def _gov(**data) -> GovernanceSettings:
    return GovernanceSettings.model_validate(data)


@given(edition=st.sampled_from(["pro", "dev", "serverless"]), count=st.integers(1, 15),
       spec=st.sampled_from(["MSE_SC_1_2_60_c", "MSE_SC_2_4_200_c", "MSE_SC_SERVERLESS"]))
def test_registry_accepts_exactly_what_each_edition_allows(edition, count, spec):
    ok = ((edition == "serverless") == (spec == "MSE_SC_SERVERLESS")
          and (edition != "dev" or count == 1)
          and (edition != "pro" or (count >= 3 and count % 2 == 1)))
    data = {"edition": edition, "instance_count": count, "specification": spec}
    if ok:
        assert registry_problems(RegistrySettings.model_validate(data)) == []
    else:
        with pytest.raises(ValidationError):
            RegistrySettings.model_validate(data)


def test_registry_messages_say_what_to_do():
    with pytest.raises(ValidationError, match="pro edition needs an odd quorum of at least 3 nodes, got 4"):
        RegistrySettings(instance_count=4)
    with pytest.raises(ValidationError, match="dev edition runs exactly 1 node, got 3; use edition pro"):
        RegistrySettings(edition="dev", instance_count=3)
    with pytest.raises(ValidationError, match="serverless edition uses MSE_SC_SERVERLESS"):
        RegistrySettings(edition="serverless", instance_count=1)


def test_defaults_are_the_production_choice():
    g = GovernanceSettings()
    assert (g.registry.edition, g.registry.instance_count) == ("pro", 3)
    assert g.gateway.replicas >= 2 and g.gateway.internet_slb is False and g.gateway.backup_zone is None


@pytest.mark.parametrize(("ids", "backup", "expected"), [
    (["a", "b", "c"], None, ("a", "b")),
    (["a", "b", "c"], True, ("a", "b")),
    (["a", "b"], False, ("a", None)),
    (["a"], None, ("a", None)),
])
def test_gateway_vswitches(ids, backup, expected):
    assert gateway_vswitches(ids, backup) == expected


def test_gateway_backup_needs_a_second_zone():
    with pytest.raises(ValueError, match="second zone"):
        gateway_vswitches(["a"], True)


def test_lane_members_are_the_versions_with_the_lane_tag():
    lane = LaneSettings.model_validate(GRAY)
    plain = service(name="product", versions=[{"name": "v1", "image": service_dict()["versions"][0]["image"]}],
                    entry=None)
    assert lane_members(lane, [service(name="shop"), plain, service(name="order")]) == \
        {"order": "v1.1", "shop": "v1.1"}


def test_the_stack_namespace_reaches_the_mseNamespace_label():
    g = _gov()
    assert mse_namespace(g, "prod") == "prod"
    assert mse_namespace(_gov(namespace="live"), "prod") == "live"
    [resolved] = with_mse_namespace([service()], "prod")
    assert governance_labels("prod-shop", resolved.governance, None)["mseNamespace"] == "prod"
    # An explicit (equal) value is left alone.
    [kept] = with_mse_namespace([service(governance={"mse_namespace": "prod"})], "other")
    assert kept.governance.mse_namespace == "prod"


def _problems(env="prod", zones=("cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"), services=None, **gov):
    return governance_problems(_gov(**gov), services if services is not None else [service()], zones, env)


def test_good_config_has_no_problems():
    assert _problems(lanes=[GRAY]) == []


def test_the_settings_know_no_tier():
    # HA of the registry and gateway is a tier demand (stacks/tiers.py), enforced by the policy pack at the
    # tier's levels (tests/foundation/test_tiers.py); the settings only refuse what MSE itself refuses.
    small = {"registry": {"edition": "dev", "specification": "MSE_SC_1_2_60_c", "instance_count": 1},
             "gateway": {"replicas": 1, "backup_zone": False}}
    for stack in ("dev", "staging", "prod", "prod-sg"):
        assert _problems(stack, **small) == []
    assert _problems("dev", zones=("cn-hangzhou-h",), gateway={"replicas": 1, "backup_zone": True}) == \
        ["governance.gateway.backup_zone: needs at least two network.zones, got 1; set it to false or add a zone"]
    assert _problems("dev", zones=("cn-hangzhou-h",), gateway={"replicas": 1},
                     registry={"edition": "dev", "specification": "MSE_SC_1_2_60_c", "instance_count": 1}) == []


def test_lane_rules():
    assert _problems(lanes=[{**GRAY, "tag": "blue"}]) == \
        ["governance.lanes[0].tag: no service has a version tagged 'blue'; tag a version "
         "(services[].versions[].tag) or remove the lane"]
    assert "each lane needs its own name; repeated: gray" in _problems(lanes=[GRAY, GRAY])[0]
    off = service(governance={"mse": False, "lossless": {"enabled": False}})
    assert _problems(lanes=[GRAY], services=[off]) == \
        ["governance.lanes[0]: service shop joins the lane but has governance.mse false; enrol it or untag its version"]


def test_namespace_must_agree():
    assert _problems(services=[service(governance={"mse_namespace": "other"})]) == \
        ["services[0].governance.mse_namespace: 'other' is not the stack's MSE namespace 'prod', where the registry, "
         "lanes and rules live; remove the key (it follows governance.namespace)"]


def test_rule_references():
    assert _problems(degradation=[{"service": "cart", "resource": "GET:/x", "threshold_ratio": 0.5}]) == \
        ["governance.degradation[0].service: no service named 'cart'; one of shop"]
    assert _problems(auth=[{"service": "shop", "callers": ["shop"]}]) == \
        ["governance.auth[0]: MSE identifies apps by id; add governance.app_ids for shop (MSE console -> Applications)"]
    assert _problems(app_ids={"cart": "x"}) == ["governance.app_ids.cart: no such service; use a name from services"]
    twice = [{"service": "shop", "resource": "GET:/x", "qps": 5}] * 2
    assert _problems(flow_control=twice) == \
        ["governance.flow_control[1]: a second rule for shop GET:/x; MSE keeps one per interface, merge them"]


def test_bad_stack_config_names_file_key_and_fix():
    sf = read_stack_file("prod")
    raw = json.loads(sf.config[CONFIG_KEY])
    raw["governance"]["lanes"][0]["tag"] = "blue"
    raw["governance"]["registry"]["instance_count"] = 2
    with pytest.raises(ConfigError) as err:
        check_stack_config({**sf.config, CONFIG_KEY: json.dumps(raw)}, "prod", "stacks/Pulumi.prod.yaml")
    text = "\n".join(err.value.lines)
    assert ("stacks/Pulumi.prod.yaml: livecommerce:platform.governance.registry: instance_count: the pro edition "
            "needs an odd quorum of at least 3 nodes, got 2") in text
    raw["governance"]["registry"]["instance_count"] = 3
    with pytest.raises(ConfigError) as err:
        check_stack_config({**sf.config, CONFIG_KEY: json.dumps(raw)}, "prod", "stacks/Pulumi.prod.yaml")
    text = "\n".join(err.value.lines)
    assert "livecommerce:platform.governance.lanes[0].tag: no service has a version tagged 'blue'" in text


def test_unknown_key_gets_a_suggestion():
    sf = read_stack_file("dev")
    raw = json.loads(sf.config[CONFIG_KEY])
    raw["governance"]["gateway"]["replica"] = 2
    with pytest.raises(ConfigError) as err:
        check_stack_config({**sf.config, CONFIG_KEY: json.dumps(raw)}, "dev", "stacks/Pulumi.dev.yaml")
    text = "\n".join(err.value.lines)
    assert "livecommerce:platform.governance.gateway.replica: unknown key; did you mean `replicas`?" in text


def test_the_six_capabilities_table_is_in_the_docs():
    names = [c for c, _, _ in capabilities()]
    assert names == ["Service authentication", "Lossless (graceful) offline", "Outlier instance ejection",
                     "Service degradation", "Canary release", "Tag routing"]
    assert capabilities_table() in (ROOT / "docs" / "governance.md").read_text()
