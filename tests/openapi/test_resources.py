"""The dynamic Resource classes register with named type tokens and plain-data inputs.

Under Pulumi's mock runtime the provider methods never run (the mocks answer), so these tests
check the registration contract; the provider classes are tested against the fake servers.
"""

from __future__ import annotations

import base64

import pulumi
import pytest

from components.governance.rules import (
    AuthRule,
    DegradationRule,
    DegradationRuleArgs,
    FlowRule,
    FlowRuleArgs,
    Lane,
    LaneArgs,
    LaneEntryRule,
    LaneGroup,
    LaneGroupArgs,
    RequestMatch,
    ServiceAuthRule,
    ServiceAuthRuleArgs,
)
from components.observability.rum import RumApp, RumAppArgs, WebhookContact, WebhookContactArgs
from livecommerce.engine import record
from tests.openapi.conftest import FAKE_KEY_ID, FAKE_KEY_SECRET

# Outputs a real create would return, keyed by type token.
_SERVER_OUTPUTS = {
    "pulumi-python:dynamic/mse:LaneGroup": {"group_id": "101"},
    "pulumi-python:dynamic/mse:Lane": {"lane_id": "202"},
    "pulumi-python:dynamic/arms:RumApp": {
        "pid": "pid-h5@abc", "endpoint": "https://pid-h5-default-cn.rum.aliyuncs.com",
        "cdn_domain": "sdk.rum.aliyuncs.com",
    },
}


class RecordingMocks(pulumi.runtime.Mocks):
    """Records every registration and answers with inputs plus server-side ids."""

    def __init__(self) -> None:
        self.registered: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        self.registered.append(args)
        return f"{args.name}-id", {**args.inputs, **_SERVER_OUTPUTS.get(args.typ, {})}

    def call(self, args: pulumi.runtime.MockCallArgs):
        return {}

    def by_name(self, name: str) -> pulumi.runtime.MockResourceArgs:
        return next(r for r in self.registered if r.name == name)


@pytest.fixture
def mocks(fake_credentials):
    recorder = RecordingMocks()
    pulumi.runtime.set_mocks(recorder, project="livecommerce", stack="test", preview=False)
    yield recorder


def _program():
    group = LaneGroup("shop", LaneGroupArgs(region="cn-hangzhou", entry_app="mse-gw:gw-1", app_ids=["a", "b"]))
    lane = Lane("shop-gray", LaneArgs(
        region="cn-hangzhou", group_id=group.group_id, tag="gray",
        entry_rules=(LaneEntryRule(matches=(RequestMatch("x-mse-tag", "gray"),)),),
    ))
    auth = ServiceAuthRule("orders-callers", ServiceAuthRuleArgs(
        region="cn-hangzhou", app_id="app-orders", rules=(AuthRule(("app-gateway",)),),
    ))
    degrade = DegradationRule("orders-slow", DegradationRuleArgs(
        region="cn-hangzhou", app_name="orders", resource="GET:/api/orders", threshold=0.5,
    ))
    flow = FlowRule("orders-qps", FlowRuleArgs(
        region="cn-hangzhou", app_name="orders", resource="GET:/api/orders", threshold=500,
    ))
    h5 = RumApp("livecommerce-h5", RumAppArgs(region="cn-hangzhou", site_type="web"))
    hook = WebhookContact("oncall", WebhookContactArgs(
        region="cn-hangzhou", url=pulumi.Output.secret("https://hooks.example.com/x?token=tok123456"),
    ))
    return group, lane, auth, degrade, flow, h5, hook


@pulumi.runtime.test
def test_type_tokens_names_and_inputs(mocks):
    group, lane, auth, degrade, flow, h5, hook = _program()

    def check(_):
        tokens = {r.name: r.typ for r in mocks.registered}
        assert tokens == {
            "shop": "pulumi-python:dynamic/mse:LaneGroup",
            "shop-gray": "pulumi-python:dynamic/mse:Lane",
            "orders-callers": "pulumi-python:dynamic/mse:ServiceAuthRule",
            "orders-slow": "pulumi-python:dynamic/mse:DegradationRule",
            "orders-qps": "pulumi-python:dynamic/mse:FlowRule",
            "livecommerce-h5": "pulumi-python:dynamic/arms:RumApp",
            "oncall": "pulumi-python:dynamic/arms:WebhookContact",
        }
        lane_in = mocks.by_name("shop-gray").inputs
        assert lane_in["group_id"] == "101"  # the group's server id flowed in
        assert lane_in["name"] == "shop-gray" and lane_in["namespace"] == "default"
        assert lane_in["entry_rules"][0]["RestItems"][0] == {
            "Type": "header", "Name": "x-mse-tag", "Cond": "==", "Value": "gray"}
        assert mocks.by_name("shop").inputs["app_ids"] == ["a", "b"]
        assert mocks.by_name("orders-slow").inputs["threshold"] == 0.5
        assert mocks.by_name("livecommerce-h5").inputs["site_type"] == "web"

    return pulumi.Output.all(group.urn, lane.urn, auth.urn, degrade.urn, flow.urn, h5.urn, hook.urn,
                             lane.lane_id).apply(check)


@pulumi.runtime.test
def test_serialized_provider_input_holds_no_credentials(mocks):
    resources = _program()

    def check(_):
        for reg in mocks.registered:
            serialized = reg.inputs["__provider"]
            if isinstance(serialized, dict):  # the engine passes it as a secret envelope
                serialized = serialized["value"]
            blob = base64.b64decode(serialized)
            assert FAKE_KEY_ID.encode() not in blob and FAKE_KEY_SECRET.encode() not in blob
            assert b"components." in blob  # a reference to the provider class, nothing more

    return pulumi.Output.all(*[r.urn for r in resources]).apply(check)


@pulumi.runtime.test
def test_rum_outputs_for_the_front_end_build(mocks):
    h5 = RumApp("livecommerce-h5", RumAppArgs(region="cn-hangzhou", site_type="web"))

    def check(values):
        pid, endpoint = values
        assert pid == "pid-h5@abc"
        assert endpoint.startswith("https://") and endpoint.endswith(".rum.aliyuncs.com")

    return pulumi.Output.all(h5.pid, h5.endpoint).apply(check)


def test_preview_plan_lists_governance_rules_by_name_and_hides_secrets():
    """Acceptance: the preview tree shows each rule's kind and name, not an anonymous resource."""
    plan = record(_program)
    by_name = {r["name"]: r for r in plan["resources"]}
    assert by_name["shop-gray"]["type"] == "pulumi-python:dynamic/mse:Lane"
    assert by_name["orders-slow"]["type"] == "pulumi-python:dynamic/mse:DegradationRule"
    assert by_name["livecommerce-h5"]["type"] == "pulumi-python:dynamic/arms:RumApp"
    assert by_name["shop-gray"]["inputs"]["__provider"].startswith("[")  # redacted, never the blob
    hook = by_name["oncall"]["inputs"]
    assert hook["url"] == "[secret]"
    assert "tok123456" not in str(plan)


def test_webhook_url_and_headers_are_secret_inputs_and_outputs(monkeypatch, fake_credentials):
    captured = {}

    def fake_register(self, t, name, props, opts=None, *args, **kwargs):
        captured.update(t=t, name=name, props=props, opts=opts)

    # Capture what WebhookContact hands to Pulumi without registering anything.
    monkeypatch.setattr(pulumi.CustomResource, "__init__", fake_register)
    WebhookContact("oncall", WebhookContactArgs(
        region="cn-hangzhou", url="https://h.example/x?t=abcdef", headers={"Authorization": "Bearer x"},
        method="Post",
    ), opts=pulumi.ResourceOptions(protect=True))

    assert captured["t"] == "pulumi-python:dynamic/arms:WebhookContact"
    # A plain-string URL is still wrapped as a secret input ...
    assert isinstance(captured["props"]["url"], pulumi.Output)
    assert isinstance(captured["props"]["headers"], pulumi.Output)
    # ... and declared a secret output, so the state stores it encrypted; caller opts survive.
    assert set(captured["opts"].additional_secret_outputs) == {"url", "headers"}
    assert captured["opts"].protect is True


def test_post_webhook_needs_templates():
    with pytest.raises(ValueError, match="oncall: method Post needs body and recover_body"):
        WebhookContact("oncall", WebhookContactArgs(region="cn-hangzhou", url="https://h.example", body=None))


def test_queued_flow_rule_needs_a_timeout():
    with pytest.raises(ValueError, match="orders-qps: control_behavior 2 .queue. needs max_queueing_time_ms"):
        FlowRule("orders-qps", FlowRuleArgs(region="cn-hangzhou", app_name="orders",
                                           resource="GET:/api/orders", threshold=5, control_behavior=2))


def test_service_auth_rule_needs_callers():
    with pytest.raises(ValueError, match="orders-callers: rules needs at least one AuthRule"):
        ServiceAuthRule("orders-callers", ServiceAuthRuleArgs(region="cn-hangzhou", app_id="app-orders", rules=()))
    with pytest.raises(ValueError, match="each with caller_app_ids"):
        ServiceAuthRule("orders-callers", ServiceAuthRuleArgs(
            region="cn-hangzhou", app_id="app-orders", rules=(AuthRule(()),)))
