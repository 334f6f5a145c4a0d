"""MSE dynamic providers against the fake MSE OpenAPI: actions, parameters, idempotency, errors."""

from __future__ import annotations

import json

import pytest

from components.governance.rules import (
    AuthRule,
    DegradationRuleProvider,
    FlowRuleProvider,
    LaneEntryRule,
    LaneGroupProvider,
    LaneProvider,
    RequestMatch,
    ServiceAuthRuleProvider,
)
from components.openapi.client import OpenApiError
from tests.openapi.conftest import FAKE_KEY_ID, FAKE_KEY_SECRET

GROUP = {
    "name": "shop", "region": "cn-hangzhou", "namespace": "default", "entry_app": "mse-gw:gw-1",
    "app_ids": ["app-a", "app-b"], "paths": ["/api"], "route_ids": [7.0], "canary_model": 0.0,
    "record_canary_detail": False, "message_queue_gray_enable": False, "enabled": True,
    "__provider": "serialized", "group_id": None,
}


def _lane(group_id: str, **over):
    rule = LaneEntryRule(matches=(RequestMatch("x-mse-tag", "gray"),), paths=("/api/orders",))
    return {
        "name": "shop-gray", "region": "cn-hangzhou", "namespace": "default", "group_id": group_id,
        "tag": "gray", "enabled": True, "entry_rules": [rule.to_wire()], "gateway_route": None,
        "__provider": "serialized", "lane_id": None, **over,
    }


def test_lane_group_create_sends_a_signed_create_and_returns_the_server_id(fake_mse):
    result = LaneGroupProvider().create(dict(GROUP))

    assert fake_mse.actions() == ["QueryAllSwimmingLaneGroup", "CreateOrUpdateSwimmingLaneGroup"]
    req = fake_mse.last("CreateOrUpdateSwimmingLaneGroup")
    assert req.version == "2019-05-31"
    assert req.params["Id"] == "-1"  # -1 = create
    assert req.params["Name"] == "shop" and req.params["Region"] == "cn-hangzhou"
    assert req.params["EntryApp"] == "mse-gw:gw-1"
    assert req.params["AppIds"] == "app-a,app-b"
    assert req.json("Paths") == ["/api"] and req.json("RouteIds") == [7]  # widened float sent as int
    assert req.params["Status"] == "1"
    # The SDK signed with the credentials from the environment at call time.
    assert req.headers["authorization"].startswith(f"ACS3-HMAC-SHA256 Credential={FAKE_KEY_ID},")
    assert FAKE_KEY_SECRET not in json.dumps(req.headers) + json.dumps(req.params)
    assert result.id == str(next(iter(fake_mse.groups)))
    assert result.outs["group_id"] == result.id and result.outs["name"] == "shop"
    assert "__provider" not in result.outs


def test_lane_group_update_and_delete(fake_mse):
    provider = LaneGroupProvider()
    created = provider.create(dict(GROUP))
    news = {**GROUP, "app_ids": ["app-a", "app-b", "app-c"], "enabled": False}

    updated = provider.update(created.id, {**GROUP, **created.outs}, news)
    req = fake_mse.last("CreateOrUpdateSwimmingLaneGroup")
    assert req.params["Id"] == created.id
    assert req.params["AppIds"] == "app-a,app-b,app-c" and req.params["Status"] == "0"
    assert updated.outs["group_id"] == created.id

    provider.delete(created.id, updated.outs)
    req = fake_mse.last("DeleteSwimmingLaneGroup")
    assert (req.params["GroupId"], req.params["Namespace"]) == (created.id, "default")
    assert fake_mse.groups == {}


def test_create_adopts_an_existing_lane_group_instead_of_duplicating(fake_mse):
    first = LaneGroupProvider().create(dict(GROUP))
    fake_mse.requests.clear()

    again = LaneGroupProvider().create({**GROUP, "app_ids": ["app-z"]})

    assert again.id == first.id and len(fake_mse.groups) == 1
    # Adopted, then converged to the declared inputs with an update (Id = the existing one).
    assert fake_mse.last("CreateOrUpdateSwimmingLaneGroup").params["Id"] == first.id
    assert fake_mse.groups[int(first.id)]["AppIds"] == "app-z"


def test_delete_of_an_already_deleted_object_succeeds(fake_mse):
    created = LaneGroupProvider().create(dict(GROUP))
    fake_mse.groups.clear()  # deleted out of band (console)
    LaneGroupProvider().delete(created.id, created.outs)
    assert fake_mse.actions()[-1] == "DeleteSwimmingLaneGroup"


def test_lane_create_sends_tag_and_entry_rules(fake_mse):
    group = LaneGroupProvider().create(dict(GROUP))
    lane = LaneProvider().create(_lane(group.id))

    req = fake_mse.last("CreateOrUpdateSwimmingLane")
    assert req.params["Id"] == "-1" and req.params["GroupId"] == group.id
    assert req.params["Tag"] == "gray" and req.params["Name"] == "shop-gray"
    assert req.params["EnableRules"].lower() == "true"
    assert req.nested("EntryRules") == [{
        "Condition": "AND", "Priority": "1", "Paths": ["/api/orders"],
        "RestItems": [{"Type": "header", "Name": "x-mse-tag", "Cond": "==", "Value": "gray"}],
    }]
    assert lane.outs["lane_id"] == lane.id == str(next(iter(fake_mse.lanes)))


def test_lane_update_and_delete(fake_mse):
    group = LaneGroupProvider().create(dict(GROUP))
    provider = LaneProvider()
    lane = provider.create(_lane(group.id))

    provider.update(lane.id, lane.outs, _lane(group.id, tag="gray2", entry_rules=[]))
    req = fake_mse.last("CreateOrUpdateSwimmingLane")
    assert req.params["Id"] == lane.id and req.params["Tag"] == "gray2"
    assert req.params["EnableRules"].lower() == "false" and not req.nested("EntryRules")

    provider.delete(lane.id, lane.outs)
    req = fake_mse.last("DeleteSwimmingLane")
    assert (req.params["LaneId"], req.params["Namespace"]) == (lane.id, "default")
    assert fake_mse.lanes == {}


def test_api_error_becomes_a_clear_error_naming_the_rule(fake_mse):
    group = LaneGroupProvider().create(dict(GROUP))
    fake_mse.fail("CreateOrUpdateSwimmingLane", "Lane.TagConflict", "tag gray is used by another lane")

    with pytest.raises(OpenApiError) as err:
        LaneProvider().create(_lane(group.id))

    assert str(err.value) == (
        "MSE CreateOrUpdateSwimmingLane for lane 'shop-gray': Lane.TagConflict: "
        "tag gray is used by another lane"
    )
    assert err.value.__cause__ is None and err.value.__suppress_context__  # no SDK request in the trace


def test_success_false_in_a_200_response_is_an_error_too(fake_mse):
    fake_mse.fail("CreateOrUpdateSwimmingLaneGroup", "InvalidParameter.EntryApp", "no such gateway",
                  as_success_false=True)
    with pytest.raises(OpenApiError, match=r"^MSE CreateOrUpdateSwimmingLaneGroup for lane group 'shop': "
                                          r"InvalidParameter.EntryApp: no such gateway$"):
        LaneGroupProvider().create(dict(GROUP))


def test_error_message_never_echoes_credentials(fake_mse):
    fake_mse.fail("QueryAllSwimmingLaneGroup", "Forbidden.RAM",
                  f"user {FAKE_KEY_ID} with secret {FAKE_KEY_SECRET} denied", status=403)
    with pytest.raises(OpenApiError) as err:
        LaneGroupProvider().create(dict(GROUP))
    assert FAKE_KEY_ID not in str(err.value) and FAKE_KEY_SECRET not in str(err.value)
    assert "Forbidden.RAM" in str(err.value)


def test_delete_failure_other_than_not_found_is_raised(fake_mse):
    created = LaneGroupProvider().create(dict(GROUP))
    fake_mse.fail("DeleteSwimmingLaneGroup", "Group.HasLanes", "delete the lanes first")
    with pytest.raises(OpenApiError, match="DeleteSwimmingLaneGroup for lane group 'shop': Group.HasLanes"):
        LaneGroupProvider().delete(created.id, created.outs)


def test_missing_credentials_is_a_clear_error(fake_mse, monkeypatch):
    monkeypatch.delenv("ALIBABA_CLOUD_ACCESS_KEY_ID")
    with pytest.raises(OpenApiError, match="MissingCredentials: no Alibaba Cloud credentials"):
        LaneGroupProvider().create(dict(GROUP))
    assert fake_mse.requests == []


def test_unreachable_endpoint_is_a_clear_error(fake_credentials, monkeypatch):
    monkeypatch.setenv("LIVECOMMERCE_MSE_ENDPOINT", "http://127.0.0.1:9")  # discard port: refused
    with pytest.raises(OpenApiError, match=r"^MSE QueryAllSwimmingLaneGroup for lane group 'shop': "):
        LaneGroupProvider().create(dict(GROUP))


AUTH = {
    "name": "orders-callers", "region": "cn-hangzhou", "namespace": "default", "app_id": "app-orders",
    "protocol": "SPRING_CLOUD", "source": "edasmsc", "k8s_namespace": None,
    "rules": [AuthRule(caller_app_ids=("app-gateway", "app-cart")).to_wire()], "enabled": True,
}


def test_service_auth_rule_lifecycle(fake_mse):
    provider = ServiceAuthRuleProvider()
    created = provider.create(dict(AUTH))
    req = fake_mse.last("AddAuthPolicy")
    assert req.params["Name"] == "orders-callers" and req.params["AppId"] == "app-orders"
    assert req.params["Enable"] == "true" and req.params["Protocol"] == "SPRING_CLOUD"
    assert json.loads(req.params["AuthRule"]) == [
        {"AuthType": 0, "Black": False, "AppIds": ["app-gateway", "app-cart"]}
    ]
    assert created.outs["policy_id"] == created.id

    provider.update(created.id, created.outs, {**AUTH, "enabled": False})
    req = fake_mse.last("UpdateAuthPolicy")
    assert req.params["Id"] == created.id and req.params["Enable"] == "false"

    provider.delete(created.id, created.outs)
    assert fake_mse.last("RemoveAuthPolicy").params["PolicyId"] == created.id
    assert fake_mse.policies == {}


DEGRADE = {
    "region": "cn-hangzhou", "namespace": "default", "app_name": "orders", "app_id": None,
    "resource": "GET:/api/orders", "resource_type": 1, "threshold": 0.5, "strategy": 0,
    "max_allowed_rt_ms": 800, "min_request_amount": 10, "stat_interval_ms": 20000,
    "retry_timeout_ms": 10000, "enabled": True,
}


def test_degradation_rule_lifecycle_and_idempotent_create(fake_mse):
    provider = DegradationRuleProvider()
    created = provider.create(dict(DEGRADE))
    req = fake_mse.last("CreateCircuitBreakerRule")
    assert req.params["AppName"] == "orders" and req.params["Resource"] == "GET:/api/orders"
    assert req.params["Threshold"] == "0.5" and req.params["MaxAllowedRtMs"] == "800"
    assert req.params["Strategy"] == "0" and req.params["RegionId"] == "cn-hangzhou"

    again = provider.create({**DEGRADE, "threshold": 0.6})
    assert again.id == created.id and len(fake_mse.breakers) == 1
    assert fake_mse.last("UpdateCircuitBreakerRule").params["RuleId"] == created.id

    provider.delete(created.id, created.outs)
    req = fake_mse.last("DeleteCircuitBreakerRules")
    assert json.loads(req.params["Ids"]) == [int(created.id)] and req.params["AppName"] == "orders"
    assert fake_mse.breakers == {}


def test_degradation_rule_error_names_app_and_interface(fake_mse):
    fake_mse.fail("CreateCircuitBreakerRule", "App.NotConnected", "app is not connected")
    with pytest.raises(OpenApiError, match=r"for degradation rule 'orders:GET:/api/orders': App.NotConnected"):
        DegradationRuleProvider().create(dict(DEGRADE))


def test_flow_rule_lifecycle(fake_mse):
    flow = {
        "region": "cn-hangzhou", "namespace": "default", "app_name": "orders", "app_id": None,
        "resource": "GET:/api/orders", "resource_type": 1, "threshold": 500.0, "control_behavior": 0,
        "max_queueing_time_ms": None, "enabled": True,
    }
    provider = FlowRuleProvider()
    created = provider.create(dict(flow))
    assert fake_mse.last("CreateFlowRule").params["Threshold"] == "500"
    provider.update(created.id, created.outs, {**flow, "threshold": 800})
    assert fake_mse.last("UpdateFlowRule").params["Threshold"] == "800"
    provider.delete(created.id, created.outs)
    assert json.loads(fake_mse.last("DeleteFlowRules").params["Ids"]) == [int(created.id)]


def test_read_reports_a_vanished_lane_as_gone(fake_mse):
    group = LaneGroupProvider().create(dict(GROUP))
    lane = LaneProvider().create(_lane(group.id))
    assert LaneProvider().read(lane.id, lane.outs).id == lane.id
    fake_mse.lanes.clear()
    assert not LaneProvider().read(lane.id, lane.outs).id


def test_check_reports_missing_required_inputs():
    result = LaneProvider().check({}, {"name": "shop-gray", "region": "cn-hangzhou", "namespace": "default"})
    assert sorted(f.property for f in result.failures) == ["group_id", "tag"]
