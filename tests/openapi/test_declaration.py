"""One declaration per OpenAPI resource: the Args dataclass's `api_field`s drive props, diff fields, replace
fields, required and secret fields, and the create/update request parameters."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

import importlib
import pkgutil

import components
from components.edge import gateway_domain, live
from components.governance import rules
from components.observability import rum
from components.openapi.declaration import _LOCAL, Declaration, api_field, local_field
from components.openapi.provider import OpenApiProvider

PROVIDERS = [rules.LaneGroupProvider, rules.LaneProvider, rules.ServiceAuthRuleProvider,
             rules.DegradationRuleProvider, rules.FlowRuleProvider, rum.RumAppProvider, rum.WebhookContactProvider,
             live.LiveDomainMappingProvider, live.LiveDomainConfigProvider, live.LiveDomainCertificateProvider,
             live.LiveRecordConfigProvider, live.LiveRecordNotifyProvider, live.LiveDomainCnameProvider,
             gateway_domain.GatewayDomainProvider]


def _all_providers() -> set[type]:
    for mod in pkgutil.walk_packages(components.__path__, "components."):
        importlib.import_module(mod.name)
    found, todo = set(), [OpenApiProvider]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.add(sub)
            todo.append(sub)
    # Private classes (`_InterfaceRuleProvider`) are shared bases, not resources.
    return {p for p in found if p.__module__.startswith("components.") and not p.__name__.startswith("_")}


def test_every_openapi_resource_of_the_platform_has_one_declaration():
    """A new dynamic resource that lists its fields by hand fails here: name its Args (`args_type`)."""
    missing = sorted(p.__name__ for p in _all_providers() if "args_type" not in vars(p))
    assert missing == []
    assert _all_providers() <= set(PROVIDERS)


def test_local_fields_shape_registration_but_are_no_inputs():
    @dataclass(frozen=True, kw_only=True)
    class WithLocal:
        name: str = api_field("Name")
        secret_args: tuple[str, ...] = local_field(default=())

    d = Declaration.of(WithLocal)
    assert d.fields == ("name",)
    assert d.props(WithLocal(name="x", secret_args=("k",)), "r") == {"name": "x"}
    assert dataclasses.fields(WithLocal)[1].metadata[_LOCAL] is True


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: p.__name__)
def test_every_provider_takes_its_field_lists_from_its_args(provider):
    names = [f.name for f in dataclasses.fields(provider.args_type) if not f.metadata.get(_LOCAL)]
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
