"""The Governance component alone under the recording mocks: lane group + lanes from the services' tagged
versions, and the authentication, degradation and flow-control rules, all named and parented."""

from __future__ import annotations

import pickle

import pulumi
import pytest
from pydantic import ValidationError

from components.naming import naming_for
from components.governance.lanes import (
    Governance,
    GovernanceArgs,
    entry_app,
    entry_rule,
    gateway_route,
    resource_key,
)
from components.governance.settings import GovernanceSettings, LaneSettings
from components.workloads.service_settings import with_mse_namespace
from livecommerce.engine import record
from tests.governance.helpers import by_name, by_type, children, one
from tests.workloads.conftest import IMAGE, service

GROUP = "pulumi-python:dynamic/mse:LaneGroup"
LANE = "pulumi-python:dynamic/mse:Lane"
GRAY = {"name": "gray", "tag": "gray", "match": [{"name": "x-mse-tag", "value": "gray"}]}


def services():
    product = service(name="product", versions=[{"name": "v1", "image": IMAGE}], entry=None)
    return with_mse_namespace([service(name="shop"), product, service(name="order")], "t")


def build(**gov) -> dict:
    settings = GovernanceSettings.model_validate(gov)

    def program():
        comp = Governance("t-governance", GovernanceArgs(
            naming=naming_for("t"), region="cn-hangzhou", namespace="t", settings=settings, services=services(),
            gateway_id="gw-123"))
        if comp.lane_group_id is not None:
            pulumi.export("group", comp.lane_group_id)
        pulumi.export("lanes", comp.lane_ids)
    return record(program)


def test_no_lanes_no_rules_no_children():
    plan = build()
    assert children(plan, one(plan, "livecommerce:governance:Governance")) == []
    assert "group" not in plan["outputs"]


def test_lane_group_enters_at_the_gateway_and_lists_the_known_apps():
    plan = build(lanes=[GRAY], app_ids={"shop": "id-shop", "order": "id-order"})
    comp = one(plan, "livecommerce:governance:Governance")
    group = one(plan, GROUP)
    assert group["name"] == "t-governance-lanes" and group["parent"] == comp["urn"]
    i = group["inputs"]
    assert i["entry_app"] == entry_app("gw-123") == "mse-gw:gw-123"
    assert (i["region"], i["namespace"], i["canary_model"]) == ("cn-hangzhou", "t", 0)
    assert i["app_ids"] == ["id-order", "id-shop"]  # sorted by service; product has no id yet
    assert i["name"] == "t-governance-lanes"


def test_each_lane_routes_its_tag_from_the_gateway_conditions():
    plan = build(lanes=[GRAY])
    group, lane = one(plan, GROUP), one(plan, LANE)
    assert lane["name"] == "t-governance-lane-gray" and lane["parent"] == group["parent"]
    i = lane["inputs"]
    assert (i["tag"], i["namespace"], i["enabled"]) == ("gray", "t", True)
    assert i["group_id"] == plan["outputs"]["group"]
    assert group["urn"] in lane["dependencies"] and group["urn"] in lane["propertyDependencies"]["group_id"]
    cond = {"Type": "header", "Name": "x-mse-tag", "Cond": "==", "Value": "gray"}
    assert i["entry_rules"] == [{"Condition": "AND", "Priority": 1, "RestItems": [cond]}]
    # The gateway route spells the comparison its own way (PRE / EQUAL / ERGULAR), not "==".
    assert i["gateway_route"] == {"GatewayUniqueId": "gw-123", "CanaryModel": 0, "Condition": "AND",
                                  "Conditions": [{**cond, "Cond": "EQUAL"}]}
    assert set(plan["outputs"]["lanes"]) == {"gray"}


@pytest.mark.parametrize("cond,gateway", [("==", "EQUAL"), ("prefix", "PRE"), ("regex", "ERGULAR")])
def test_gateway_route_conditions_use_the_gateway_vocabulary(cond, gateway):
    lane = LaneSettings(name="gray", tag="gray", match=[{"type": "param", "name": "lane", "value": "g", "cond": cond}])
    [c] = gateway_route(lane, "gw-1").to_wire()["Conditions"]
    assert c == {"Type": "param", "Name": "lane", "Cond": gateway, "Value": "g"}
    assert entry_rule(lane).matches[0].cond == cond  # the entry rules keep their own spelling
    # One request-match type for both: the route and the entry rule hold the very same matches.
    assert gateway_route(lane, "gw-1").matches == entry_rule(lane).matches


def test_a_comparison_the_gateway_lacks_is_refused_by_the_match_itself():
    from components.governance.rules import RequestMatch

    with pytest.raises(ValueError, match="the MSE gateway compares only with ==, prefix, regex"):
        RequestMatch("x-tag", "gray", cond="!=").to_gateway_wire()
    assert RequestMatch("x-tag", "gray", cond="!=").to_wire()["Cond"] == "!="


@pytest.mark.parametrize("match,message", [
    ({"type": "cookie", "name": "canary", "value": "1"},
     r"match\[0\].type: the MSE gateway cannot route lanes by cookie"),
    ({"name": "x-mse-tag", "value": "gray", "cond": "!="},
     r"match\[0\].cond: the MSE gateway cannot route lanes by '!='"),
])
def test_lane_conditions_the_gateway_cannot_evaluate_are_refused(match, message):
    with pytest.raises(ValidationError, match=message):
        LaneSettings(name="gray", tag="gray", match=[match])


def test_rules_by_name_with_app_names_and_ids():
    plan = build(
        app_ids={"shop": "id-shop", "order": "id-order"},
        auth=[{"service": "order", "callers": ["shop"]}],
        degradation=[{"service": "product", "resource": "GET:/api/product/detail", "threshold_ratio": 0.5,
                      "max_allowed_rt_ms": 800},
                     {"service": "order", "resource": "POST:/api/order", "strategy": "error-ratio",
                      "threshold_ratio": 0.3, "recovery_timeout_seconds": 30}],
        flow_control=[{"service": "order", "resource": "POST:/api/order", "qps": 500}])
    names = by_name(plan)
    auth = names["t-governance-auth-order"]
    assert auth["type"] == "pulumi-python:dynamic/mse:ServiceAuthRule"
    assert auth["inputs"]["app_id"] == "id-order"
    assert auth["inputs"]["rules"] == [{"AuthType": 0, "Black": False, "AppIds": ["id-shop"]}]
    slow = names[f"t-governance-degrade-{resource_key('product', 'GET:/api/product/detail')}"]["inputs"]
    assert (slow["app_name"], slow["strategy"], slow["threshold"], slow["max_allowed_rt_ms"]) == \
        ("t-product", 0, 0.5, 800)
    errors = names[f"t-governance-degrade-{resource_key('order', 'POST:/api/order')}"]["inputs"]
    assert (errors["strategy"], errors["retry_timeout_ms"], errors["app_id"]) == (1, 30000, "id-order")
    assert "max_allowed_rt_ms" not in errors or errors["max_allowed_rt_ms"] is None
    flow = names[f"t-governance-flow-{resource_key('order', 'POST:/api/order')}"]
    assert flow["type"] == "pulumi-python:dynamic/mse:FlowRule" and flow["inputs"]["threshold"] == 500
    assert len(by_type(plan, GROUP)) == 0


def test_resource_keys_are_kebab_stable_and_distinct():
    assert resource_key("order", "GET:/api/order/list").startswith("order-get-api-order-list-")
    assert resource_key("o", "GET:/a") != resource_key("o", "GET /a")
    assert resource_key("o", "GET:/a") == resource_key("o", "GET:/a")


def test_no_credentials_travel_with_the_resources(monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIexamplekeyid")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret-value")
    plan = build(lanes=[GRAY], app_ids={"shop": "a", "order": "b"}, auth=[{"service": "order", "callers": ["shop"]}])
    text = repr(plan)
    assert "LTAIexamplekeyid" not in text and "example-secret-value" not in text
    from components.governance import rules
    for provider in (rules._LANE_GROUP_PROVIDER, rules._LANE_PROVIDER, rules._SERVICE_AUTH_PROVIDER):
        assert vars(provider) == {}  # nothing but a class reference is pickled into the state
        assert b"example-secret-value" not in pickle.dumps(provider)
