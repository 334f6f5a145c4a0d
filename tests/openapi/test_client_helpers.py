"""Pure helpers of the OpenAPI client: action -> SDK method, error shapes, scrubbing."""

from __future__ import annotations

import pytest

from components.openapi.client import _body_failed, _sdk_error_parts, scrub, snake_case
from components.openapi.provider import is_not_found


@pytest.mark.parametrize(
    ("action", "method"),
    [
        ("CreateOrUpdateSwimmingLaneGroup", "create_or_update_swimming_lane_group"),
        ("DeleteCircuitBreakerRules", "delete_circuit_breaker_rules"),
        ("GetRumAppInfo", "get_rum_app_info"),
    ],
)
def test_action_names_map_to_sdk_methods(action, method):
    assert snake_case(action) == method


def test_every_action_the_resources_use_exists_in_the_installed_sdks():
    import alibabacloud_arms20190808.client as arms
    import alibabacloud_mse20190531.client as mse

    mse_actions = [
        "QueryAllSwimmingLaneGroup", "CreateOrUpdateSwimmingLaneGroup", "DeleteSwimmingLaneGroup",
        "QueryAllSwimmingLane", "CreateOrUpdateSwimmingLane", "DeleteSwimmingLane",
        "ListAuthPolicy", "AddAuthPolicy", "UpdateAuthPolicy", "RemoveAuthPolicy",
        "ListCircuitBreakerRules", "CreateCircuitBreakerRule", "UpdateCircuitBreakerRule",
        "DeleteCircuitBreakerRules", "ListFlowRules", "CreateFlowRule", "UpdateFlowRule", "DeleteFlowRules",
    ]
    arms_actions = [
        "GetRumApps", "GetRumAppInfo", "CreateRumApp", "UpdateRumApp", "DeleteRumApp", "TagResources",
        "UntagResources", "DescribeWebhookContacts", "CreateOrUpdateWebhookContact", "DeleteWebhookContact",
    ]
    for module, actions in ((mse, mse_actions), (arms, arms_actions)):
        missing = [a for a in actions if not hasattr(module.Client, f"{snake_case(a)}_with_options")]
        assert missing == []


def test_success_false_prefers_the_symbolic_code():
    assert _body_failed({"Success": False, "Code": 400, "ErrorCode": "Lane.Conflict", "Message": "m"}) == (
        "Lane.Conflict", "m")
    assert _body_failed({"Success": False, "Code": "App.NotFound", "Message": "m"}) == ("App.NotFound", "m")
    assert _body_failed({"Success": False, "Code": 500}) == ("500", "the API reported Success=false")
    assert _body_failed({"Success": True, "Code": 200}) is None
    assert _body_failed({"RequestId": "r"}) is None  # actions without a Success field


def test_sdk_error_parts_prefer_the_server_message_over_the_sdk_wrapper():
    class SdkError(Exception):
        code = "Throttling"
        message = "code: 400, Request was denied request id: 1"
        data = {"Code": "Throttling.User", "Message": "Request was denied"}

    assert _sdk_error_parts(SdkError()) == ("Throttling.User", "Request was denied")
    assert _sdk_error_parts(ConnectionError("refused")) == ("ConnectionError", "refused")


def test_scrub_hides_given_secrets_and_signatures():
    text = "key LTAIabcdefg failed, Signature=abc123, Credential=LTAIabcdefg"
    assert scrub(text, ["LTAIabcdefg"]) == "key *** failed, Signature=***, Credential=***"


@pytest.mark.parametrize(
    ("code", "message", "gone"),
    [
        ("NotFound", "", True),
        ("AppNotExist", "", True),
        ("InvalidParameter", "lane 12 does not exist", True),
        ("Lane.NoSuchLane", "", True),
        ("Forbidden.RAM", "denied", False),
        ("Group.HasLanes", "delete the lanes first", False),
    ],
)
def test_not_found_detection(code, message, gone):
    assert is_not_found(code, message) is gone


def test_a_parameter_the_request_model_lacks_is_refused_before_any_call():
    # The SDK's from_map drops unknown keys silently: RegionId on TagResources never reached the API.
    from components.openapi.client import ARMS, OpenApiError, call

    with pytest.raises(OpenApiError, match="UnknownParameter: RegionId not in the SDK's TagResourcesRequest model"):
        call(ARMS, "cn-hangzhou", "TagResources",
             {"RegionId": "cn-hangzhou", "ResourceId": ["pid-1"], "ResourceType": "WEB"}, "rum app 'h5'")


def test_unknown_parameters_are_found_in_nested_models_and_lists():
    from alibabacloud_arms20190808.models import TagResourcesRequest

    from components.openapi.client import unknown_parameters

    params = {"ResourceId": ["p"], "ResourceType": "WEB", "Tag": [{"Key": "env", "Value": "dev", "Colour": "red"}],
              "Ignored": None}
    model = TagResourcesRequest().from_map(params).to_map()
    assert unknown_parameters(model, params) == ["Tag[0].Colour"]
    clean = {"ResourceId": ["p"], "ResourceType": "WEB", "Tag": [{"Key": "env", "Value": "dev"}]}
    assert unknown_parameters(TagResourcesRequest().from_map(clean).to_map(), clean) == []
