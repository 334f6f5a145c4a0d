"""ARMS dynamic providers (RUM apps, webhook contacts) against the fake ARMS OpenAPI."""

from __future__ import annotations

import pytest

from components.observability.rum import RumAppProvider, WebhookContactProvider
from components.openapi.client import OpenApiError

H5 = {
    "name": "livecommerce-h5", "region": "cn-hangzhou", "site_type": "web", "app_group": None,
    "resource_group_id": None, "description": "H5 shop front end", "nickname": None,
    "tags": {"env": "dev", "owner": "frontend"}, "__provider": "serialized",
    "pid": None, "endpoint": None, "cdn_domain": None,
}


def test_rum_app_create_returns_pid_and_endpoint(fake_arms):
    result = RumAppProvider().create(dict(H5))

    assert fake_arms.actions() == ["GetRumApps", "CreateRumApp"]
    req = fake_arms.last("CreateRumApp")
    assert req.version == "2019-08-08"
    assert req.params["AppName"] == "livecommerce-h5" and req.params["SiteType"] == "web"
    assert req.params["RegionId"] == "cn-hangzhou" and req.params["Description"] == "H5 shop front end"
    assert req.json("Tag") == [{"Key": "env", "Value": "dev"}, {"Key": "owner", "Value": "frontend"}]
    app = fake_arms.apps[result.id]
    assert result.outs["pid"] == result.id == app["Pid"]
    assert result.outs["endpoint"] == app["Endpoint"]
    assert result.outs["cdn_domain"] == "sdk.rum.aliyuncs.com"


def test_rum_app_create_is_idempotent_and_keeps_the_pid(fake_arms):
    first = RumAppProvider().create(dict(H5))
    again = RumAppProvider().create(dict(H5))
    assert again.id == first.id and len(fake_arms.apps) == 1
    assert again.outs["endpoint"] == first.outs["endpoint"]
    assert fake_arms.actions().count("CreateRumApp") == 1
    assert fake_arms.last("UpdateRumApp").params["Pid"] == first.id


def test_rum_app_update_keeps_endpoint_and_syncs_tags(fake_arms):
    provider = RumAppProvider()
    created = provider.create(dict(H5))
    news = {**H5, "description": "H5 storefront", "tags": {"env": "dev", "tier": "web"}}

    updated = provider.update(created.id, created.outs, news)

    assert fake_arms.last("UpdateRumApp").params["Description"] == "H5 storefront"
    tag = fake_arms.last("TagResources")
    assert tag.params["ResourceType"] == "WEB"
    assert tag.nested("Tag") == [{"Key": "env", "Value": "dev"}, {"Key": "tier", "Value": "web"}]
    assert fake_arms.last("UntagResources").nested("TagKey") == ["owner"]
    assert {t["Key"] for t in fake_arms.apps[created.id]["Tags"]} == {"env", "tier"}
    # Outputs the update call does not return survive from the previous state.
    assert updated.outs["endpoint"] == created.outs["endpoint"]
    assert updated.outs["pid"] == created.id


def test_rum_app_delete_and_delete_again(fake_arms):
    provider = RumAppProvider()
    created = provider.create(dict(H5))
    provider.delete(created.id, created.outs)
    req = fake_arms.last("DeleteRumApp")
    assert (req.params["AppId"], req.params["RegionId"]) == (created.id, "cn-hangzhou")
    assert fake_arms.apps == {}
    provider.delete(created.id, created.outs)  # AppNotExist -> already gone, no error


def test_rum_app_error_names_the_app(fake_arms):
    fake_arms.fail("CreateRumApp", "QuotaExceeded", "RUM app quota reached", as_success_false=True)
    with pytest.raises(OpenApiError) as err:
        RumAppProvider().create(dict(H5))
    assert str(err.value) == (
        "ARMS CreateRumApp for RUM app 'livecommerce-h5': QuotaExceeded: RUM app quota reached"
    )


def test_rum_app_read_follows_the_server(fake_arms):
    created = RumAppProvider().create(dict(H5))
    fake_arms.apps[created.id]["Endpoint"] = "https://moved.rum.aliyuncs.com"
    read = RumAppProvider().read(created.id, created.outs)
    assert read.outs["endpoint"] == "https://moved.rum.aliyuncs.com"
    fake_arms.apps.clear()
    assert not RumAppProvider().read(created.id, created.outs).id


SECRET_URL = "https://hooks.example.com/alert?token=sup3rSecretWebhookToken"
HOOK = {
    "name": "oncall-webhook", "region": "cn-hangzhou", "url": SECRET_URL, "method": "Post",
    "headers": {"Authorization": "Bearer hdrSecretToken123"}, "params": {},
    "body": '{"alert": "$content"}', "recover_body": '{"recovered": "$content"}',
}


def test_webhook_contact_lifecycle(fake_arms):
    provider = WebhookContactProvider()
    created = provider.create(dict(HOOK))
    req = fake_arms.last("CreateOrUpdateWebhookContact")
    assert "WebhookId" not in req.params  # no id = create
    assert req.params["Url"] == SECRET_URL and req.params["Method"] == "Post"
    assert req.json("BizHeaders") == [{"Authorization": "Bearer hdrSecretToken123"}]
    assert created.outs["webhook_id"] == created.id

    provider.update(created.id, created.outs, {**HOOK, "url": SECRET_URL + "2"})
    req = fake_arms.last("CreateOrUpdateWebhookContact")
    assert req.params["WebhookId"] == created.id and req.params["Url"].endswith("2")

    provider.delete(created.id, created.outs)
    assert fake_arms.last("DeleteWebhookContact").params["WebhookId"] == created.id
    assert fake_arms.webhooks == {}


def test_webhook_error_never_shows_the_url_or_headers(fake_arms):
    fake_arms.fail("CreateOrUpdateWebhookContact", "InvalidUrl",
                   f"cannot reach {SECRET_URL} with Bearer hdrSecretToken123")
    with pytest.raises(OpenApiError) as err:
        WebhookContactProvider().create(dict(HOOK))
    message = str(err.value)
    assert message.startswith("ARMS CreateOrUpdateWebhookContact for webhook contact 'oncall-webhook': InvalidUrl")
    assert "sup3rSecretWebhookToken" not in message and "hdrSecretToken123" not in message
