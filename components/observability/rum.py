"""ARMS front-end monitoring (RUM) apps and webhook alert contacts as Pulumi dynamic resources.

pulumi_alicloud 4.0.0 has no resource for ARMS Real User Monitoring apps and no generic webhook
alert contact (``arms.AlertContact`` only takes a DingTalk robot URL, ``arms.AlertRobot`` only
DingTalk/WeCom/Feishu), so both are created through the ARMS 2019-08-08 OpenAPI with the
official SDK (``alibabacloud_arms20190808``) on the machinery of ``components.openapi``.

The H5 and mini-program builds need each RUM app's ``pid`` and ``endpoint``
(``ArmsRum.init({pid, endpoint})``); export them as stack outputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pulumi
import pulumi.dynamic

from components.openapi.client import ARMS
from components.openapi.provider import OpenApiProvider, to_json

# ---------------------------------------------------------------------------------------------
# RUM apps
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RumAppArgs:
    """A RUM application for one front end (H5 site or mini program)."""

    region: pulumi.Input[str]
    """Region the app reports to, e.g. ``cn-hangzhou``."""
    site_type: Literal["web", "miniapp"]
    """``web`` for browser/H5 front ends, ``miniapp`` for mini programs."""
    name: pulumi.Input[str] | None = None
    """Server-side app name; defaults to the Pulumi resource name."""
    description: pulumi.Input[str] | None = None
    """Free text shown in the console."""
    nickname: pulumi.Input[str] | None = None
    """Display alias in the console."""
    app_group: pulumi.Input[str] | None = None
    """ARMS application group."""
    resource_group_id: pulumi.Input[str] | None = None
    """Resource group of the app."""
    tags: Mapping[str, str] = field(default_factory=dict)
    """Resource tags (at most 20)."""


def _tag_list(tags: Mapping[str, str] | None) -> list[dict[str, str]] | None:
    return [{"Key": k, "Value": v} for k, v in sorted((tags or {}).items())] or None


class RumAppProvider(OpenApiProvider):
    product = ARMS
    kind = "RUM app"
    id_output = "pid"
    fields = ("name", "region", "site_type", "app_group", "resource_group_id", "description", "nickname", "tags")
    # The pid identifies the app in every front-end build: only what the API cannot change
    # in place forces a new app.
    replace_fields = ("name", "region", "site_type", "app_group", "resource_group_id")
    required = ("name", "region", "site_type")

    def _info(self, pid: str, inputs: Mapping[str, Any]) -> dict[str, Any] | None:
        body = self.call(
            inputs, "GetRumAppInfo",
            {"Pid": pid, "RegionId": inputs["region"], "AppGroup": inputs.get("app_group")},
        )
        data = body.get("Data")
        if not data:
            return None
        return {"endpoint": data.get("Endpoint"), "cdn_domain": data.get("CdnDomain")}

    def find(self, inputs):
        body = self.call(
            inputs, "GetRumApps",
            {"RegionId": inputs["region"], "AppName": inputs["name"], "AppGroup": inputs.get("app_group")},
        )
        for app in body.get("AppList") or []:
            if app.get("Name") == inputs["name"] and app.get("Type", inputs["site_type"]) == inputs["site_type"]:
                pid = str(app["Pid"])
                return pid, self._info(pid, inputs) or {"endpoint": app.get("Endpoint"), "cdn_domain": None}
        return None

    def read_remote(self, id_, inputs):
        return self._info(id_, inputs)

    def create_remote(self, inputs):
        body = self.call(
            inputs, "CreateRumApp",
            {
                "AppName": inputs["name"],
                "RegionId": inputs["region"],
                "SiteType": inputs["site_type"],
                "AppGroup": inputs.get("app_group"),
                "ResourceGroupId": inputs.get("resource_group_id"),
                "Description": inputs.get("description"),
                "NickName": inputs.get("nickname"),
                "Tag": _tag_list(inputs.get("tags")),
            },
        )
        data = body.get("Data") or {}
        return str(data.get("Pid")), {"endpoint": data.get("Endpoint"), "cdn_domain": data.get("CdnDomain")}

    def update_remote(self, id_, inputs):
        self.call(
            inputs, "UpdateRumApp",
            {
                "Pid": id_,
                "RegionId": inputs["region"],
                "Description": inputs.get("description"),
                "Nickname": inputs.get("nickname"),
            },
        )
        self._sync_tags(id_, inputs)
        return {}

    def _sync_tags(self, pid: str, inputs: Mapping[str, Any]) -> None:
        """Tags are not part of UpdateRumApp: set the declared ones, remove the rest."""
        declared = dict(inputs.get("tags") or {})
        # TagResources/UntagResources have no RegionId (alibabacloud_arms20190808 `_tag_resources_request.py`,
        # `_untag_resources_request.py`): the region is the client's endpoint.
        scope = {"ResourceId": [pid], "ResourceType": "WEB"}
        if declared:
            self.call(inputs, "TagResources", {**scope, "Tag": _tag_list(declared)})
        info = self.call(inputs, "GetRumAppInfo", {"Pid": pid, "RegionId": inputs["region"]})
        current = {t.get("Key") for t in ((info.get("Data") or {}).get("Tags") or [])}
        stale = sorted(k for k in current if k and k not in declared)
        if stale:
            self.call(inputs, "UntagResources", {**scope, "TagKey": stale})

    def delete_remote(self, id_, inputs):
        self.call(
            inputs, "DeleteRumApp",
            {"AppId": id_, "RegionId": inputs["region"], "AppGroup": inputs.get("app_group")},
        )


class RumApp(pulumi.dynamic.Resource, module="arms", name="RumApp"):
    """An ARMS RUM application (``CreateRumApp``); front ends init the SDK with pid + endpoint."""

    pid: pulumi.Output[str]
    """Application id that the front-end SDK reports with."""
    endpoint: pulumi.Output[str]
    """Reporting endpoint; mini programs must whitelist its domain."""
    cdn_domain: pulumi.Output[str]
    """Domain the browser SDK script is served from."""

    def __init__(self, resource_name: str, args: RumAppArgs, opts: pulumi.ResourceOptions | None = None):
        props = {
            "name": args.name or resource_name,
            "region": args.region,
            "site_type": args.site_type,
            "app_group": args.app_group,
            "resource_group_id": args.resource_group_id,
            "description": args.description,
            "nickname": args.nickname,
            "tags": dict(args.tags),
            "pid": None,
            "endpoint": None,
            "cdn_domain": None,
        }
        super().__init__(_RUM_APP_PROVIDER, resource_name, props, opts)


# ---------------------------------------------------------------------------------------------
# Webhook alert contacts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class WebhookContactArgs:
    """A generic webhook that ARMS notification policies can send alerts to."""

    region: pulumi.Input[str]
    """Region of the ARMS endpoint used to manage the contact."""
    url: pulumi.Input[str]
    """Webhook URL. Usually embeds a token: pass ``pulumi.Output.secret``; it is always stored secret."""
    method: Literal["Post", "Get"] = "Post"
    """HTTP method ARMS calls the webhook with."""
    headers: Mapping[str, str] = field(default_factory=dict)
    """Extra HTTP headers (stored secret: they often carry credentials)."""
    params: Mapping[str, str] = field(default_factory=dict)
    """Extra query parameters."""
    body: str | None = '{"alert": "$content"}'
    """Alert-fired template (``$content`` is the notification); required for Post."""
    recover_body: str | None = '{"recovered": "$content"}'
    """Alert-resolved template; required for Post."""
    name: pulumi.Input[str] | None = None
    """Server-side contact name; defaults to the Pulumi resource name."""


def _pairs(mapping: Mapping[str, str] | None) -> str | None:
    """``{"a": "1"}`` -> ``[{"a":"1"}]``: the API's format for BizHeaders and BizParams."""
    return to_json([{k: v} for k, v in sorted((mapping or {}).items())]) if mapping else None


class WebhookContactProvider(OpenApiProvider):
    product = ARMS
    kind = "webhook contact"
    id_output = "webhook_id"
    fields = ("name", "region", "url", "method", "headers", "params", "body", "recover_body")
    replace_fields = ("region",)  # CreateOrUpdateWebhookContact renames in place
    required = ("name", "region", "url", "method")
    secret_fields = ("url", "headers")

    def _params(self, inputs: Mapping[str, Any], id_: int | None) -> dict[str, Any]:
        return {
            "WebhookId": id_,
            "WebhookName": inputs["name"],
            "Method": inputs["method"],
            "Url": inputs["url"],
            "BizHeaders": _pairs(inputs.get("headers")),
            "BizParams": _pairs(inputs.get("params")),
            "Body": inputs.get("body"),
            "RecoverBody": inputs.get("recover_body"),
        }

    def find(self, inputs):
        body = self.call(
            inputs, "DescribeWebhookContacts", {"WebhookName": inputs["name"], "Page": 1, "Size": 100}
        )
        for contact in (body.get("PageBean") or {}).get("WebhookContacts") or []:
            if contact.get("WebhookName") == inputs["name"]:
                return str(contact["WebhookId"]), {}
        return None

    def create_remote(self, inputs):
        body = self.call(inputs, "CreateOrUpdateWebhookContact", self._params(inputs, None))
        return str((body.get("WebhookContact") or {}).get("WebhookId")), {}

    def update_remote(self, id_, inputs):
        self.call(inputs, "CreateOrUpdateWebhookContact", self._params(inputs, int(id_)))
        return {}

    def read_remote(self, id_, inputs):
        found = self.find(inputs)
        return {} if found is not None and found[0] == str(id_) else None

    def delete_remote(self, id_, inputs):
        self.call(inputs, "DeleteWebhookContact", {"WebhookId": int(id_)})


class WebhookContact(pulumi.dynamic.Resource, module="arms", name="WebhookContact"):
    """An ARMS webhook alert contact (``CreateOrUpdateWebhookContact``); URL and headers secret."""

    webhook_id: pulumi.Output[str]
    """Contact id to reference from a notification policy (``notify_type`` ARMS_CONTACT)."""

    def __init__(self, resource_name: str, args: WebhookContactArgs, opts: pulumi.ResourceOptions | None = None):
        if args.method == "Post" and not (args.body and args.recover_body):
            raise ValueError(
                f"WebhookContact {resource_name}: method Post needs body and recover_body templates"
            )
        props = {
            "name": args.name or resource_name,
            "region": args.region,
            # Secret on the way in, and (below) on the way out: the state never holds it in clear.
            "url": pulumi.Output.secret(args.url),
            "method": args.method,
            "headers": pulumi.Output.secret(dict(args.headers)) if args.headers else {},
            "params": dict(args.params),
            "body": args.body,
            "recover_body": args.recover_body,
            "webhook_id": None,
        }
        secret_outs = pulumi.ResourceOptions(additional_secret_outputs=["url", "headers"])
        super().__init__(
            _WEBHOOK_PROVIDER, resource_name, props, pulumi.ResourceOptions.merge(opts, secret_outs)
        )


_RUM_APP_PROVIDER = RumAppProvider()
_WEBHOOK_PROVIDER = WebhookContactProvider()
