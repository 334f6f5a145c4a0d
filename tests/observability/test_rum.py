"""The RUM apps and the webhook contact the Monitoring component declares, created against a fake ARMS
OpenAPI server on 127.0.0.1 (tests/openapi/fake_openapi.py) with the inputs the component produced."""

from __future__ import annotations

import pytest

from components.observability.rum import RumAppProvider, WebhookContactProvider
from tests.observability.helpers import WEBHOOK_URL, build, of


@pytest.fixture(scope="module")
def plan():
    return build()


def provider_inputs(resource: dict) -> dict:
    """What the dynamic provider receives: the registered inputs, minus the serialized provider."""
    return {k: v for k, v in resource["inputs"].items() if k != "__provider"}


def test_declared_rum_apps_create_with_pid_and_endpoint(fake_arms, plan):
    created = {}
    for res in of(plan, "pulumi-python:dynamic/arms:RumApp"):
        inputs = {"app_group": None, "resource_group_id": None, "nickname": None, **provider_inputs(res)}
        result = RumAppProvider().create(inputs)
        created[res["name"]] = result
        req = fake_arms.last("CreateRumApp")
        assert req.params["AppName"] == inputs["name"] and req.params["SiteType"] == inputs["site_type"]
        assert req.params["RegionId"] == "cn-hangzhou"
    assert set(created) == {"t-obs-rum-h5", "t-obs-rum-mini-program"}
    for result in created.values():
        app = fake_arms.apps[result.id]
        assert result.outs["pid"] == result.id == app["Pid"]
        assert result.outs["endpoint"] == app["Endpoint"] and result.outs["endpoint"].startswith("https://")
    assert len(fake_arms.apps) == 2


def test_declared_rum_app_is_found_again_not_duplicated(fake_arms, plan):
    res = next(r for r in of(plan, "pulumi-python:dynamic/arms:RumApp") if r["name"].endswith("h5"))
    inputs = {"app_group": None, "resource_group_id": None, "nickname": None, **provider_inputs(res)}
    first = RumAppProvider().create(dict(inputs))
    again = RumAppProvider().create(dict(inputs))
    assert again.id == first.id and fake_arms.actions().count("CreateRumApp") == 1


def test_webhook_contact_sends_the_real_url_only_to_the_api(fake_arms, plan):
    (res,) = of(plan, "pulumi-python:dynamic/arms:WebhookContact")
    assert res["inputs"]["url"] == "[secret]"  # the plan never holds it
    inputs = {**provider_inputs(res), "url": WEBHOOK_URL}
    result = WebhookContactProvider().create(inputs)
    req = fake_arms.last("CreateOrUpdateWebhookContact")
    assert req.params["Url"] == WEBHOOK_URL and req.params["WebhookName"] == "livecommerce-t-bridge"
    assert req.params["Method"] == "Post" and result.id
