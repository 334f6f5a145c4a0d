"""One declaration per OpenAPI resource: the Args dataclass's `api_field`s drive props, diff fields, replace
fields, required and secret fields, and the create/update request parameters."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from components.governance import rules
from components.observability import rum
from components.openapi.declaration import Declaration, api_field
from components.openapi.provider import OpenApiProvider

PROVIDERS = [rules.LaneGroupProvider, rules.LaneProvider, rules.ServiceAuthRuleProvider,
             rules.DegradationRuleProvider, rules.FlowRuleProvider, rum.RumAppProvider, rum.WebhookContactProvider]


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.__name__)
def test_every_provider_takes_its_field_lists_from_its_args(provider):
    names = [f.name for f in dataclasses.fields(provider.args_type)]
    assert provider.fields == tuple(names)
    assert set(provider.replace_fields) | set(provider.required) | set(provider.secret_fields) <= set(names)
    assert provider.declaration == Declaration.of(provider.args_type)
    # Nothing is listed by hand any more: the class bodies hold no field tuples.
    for attr in ("fields", "replace_fields", "required", "secret_fields"):
        assert attr not in vars(provider) or vars(provider)[attr] == getattr(provider.declaration, attr)


def test_identity_fields_are_the_natural_keys():
    assert rules.LaneGroupProvider.replace_fields == ("region", "namespace", "name")
    assert rules.DegradationRuleProvider.replace_fields == rules.FlowRuleProvider.replace_fields == (
        "region", "app_name", "resource", "resource_type", "namespace")
    assert rum.WebhookContactProvider.replace_fields == ("region",)
    assert rum.WebhookContactProvider.secret_fields == ("url", "headers")


def test_props_hold_every_field_and_the_outputs_unset():
    args = rules.FlowRuleArgs(region="cn-hangzhou", app_name="prod-shop", resource="GET:/a", threshold=5)
    props = rules.FlowRuleProvider().props(args, "prod-governance-flow-x")
    assert set(props) == {*rules.FlowRuleProvider.fields, "rule_id"} and props["rule_id"] is None
    app = rum.RumAppProvider().props(rum.RumAppArgs(region="cn-hangzhou", site_type="web"), "prod-rum-h5")
    assert app["name"] == "prod-rum-h5"  # an unset name is the Pulumi resource name
    assert {k for k, v in app.items() if v is None} >= {"pid", "endpoint", "cdn_domain"}


def test_params_follow_the_write():
    provider = rum.RumAppProvider()
    inputs = provider.props(rum.RumAppArgs(region="cn-hangzhou", site_type="web", nickname="H5",
                                           tags={"env": "prod"}), "prod-rum-h5")
    create = provider.params(inputs, "create")
    update = provider.params(inputs, "update", Pid="p1")
    assert create["NickName"] == "H5" and create["Tag"] == [{"Key": "env", "Value": "prod"}]
    assert create["AppName"] == "prod-rum-h5" and create["SiteType"] == "web"
    # UpdateRumApp spells it Nickname and takes neither the name, the type nor the tags.
    assert update == {"RegionId": "cn-hangzhou", "Description": None, "Nickname": "H5", "Pid": "p1"}
    auth = rules.ServiceAuthRuleProvider()
    props = auth.props(rules.ServiceAuthRuleArgs(region="cn-hangzhou", app_id="a1",
                                                 rules=(rules.AuthRule(caller_app_ids=("a2",)),)), "r")
    assert "Namespace" in auth.params(props, "create") and "Namespace" not in auth.params(props, "update")
    assert auth.params(props, "create")["AuthRule"] == '[{"AppIds":["a2"],"AuthType":0,"Black":false}]'


def test_a_field_without_a_declaration_is_refused():
    @dataclass(frozen=True, kw_only=True)
    class Half:
        name: str = api_field("Name")
        extra: int = 0

    with pytest.raises(TypeError, match="Half.extra: declare it with api_field"):
        Declaration.of(Half)

    with pytest.raises(TypeError, match="Half.extra"):
        type("HalfProvider", (OpenApiProvider,), {"args_type": Half})
