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
from dataclasses import dataclass
from typing import Any, Literal

import pulumi
import pulumi.dynamic

from components.openapi.client import ARMS
from components.openapi.declaration import api_field
from components.openapi.provider import OpenApiProvider, to_json

# ---------------------------------------------------------------------------------------------
# RUM apps
# ---------------------------------------------------------------------------------------------


def _tag_list(tags: Mapping[str, str] | None) -> list[dict[str, str]] | None:
    return [{"Key": k, "Value": v} for k, v in sorted((tags or {}).items())] or None


@dataclass(frozen=True, kw_only=True)
class RumAppArgs:
    """A RUM application for one front end (H5 site or mini program).

    The pid identifies the app in every front-end build: only what the API cannot change in place
    (`UpdateRumApp` takes description and nickname; tags go through `TagResources`) forces a new app."""

    region: pulumi.Input[str] = api_field("RegionId", replace=True, required=True)
    """Region the app reports to, e.g. ``cn-hangzhou``."""
    site_type: Literal["web", "miniapp"] = api_field("SiteType", replace=True, required=True, update=False)
    """``web`` for browser/H5 front ends, ``miniapp`` for mini programs."""
    name: pulumi.Input[str] | None = api_field("AppName", replace=True, required=True, update=False,
                                               resource_name_default=True, default=None)
    """Server-side app name; defaults to the Pulumi resource name."""
    description: pulumi.Input[str] | None = api_field("Description", default=None)
    """Free text shown in the console."""
    nickname: pulumi.Input[str] | None = api_field("NickName", update_param="Nickname", default=None)
    """Display alias in the console (the create and update actions spell the parameter differently)."""
    app_group: pulumi.Input[str] | None = api_field("AppGroup", replace=True, update=False, default=None)
    """ARMS application group."""
    resource_group_id: pulumi.Input[str] | None = api_field("ResourceGroupId", replace=True, update=False,
                                                            default=None)
    """Resource group of the app."""
    tags: Mapping[str, str] = api_field("Tag", to_prop=dict, to_param=_tag_list, update=False,
                                        default_factory=dict)
    """Resource tags (at most 20); kept in step after creation with TagResources / UntagResources."""


class RumAppProvider(OpenApiProvider):
    product = ARMS
    kind = "RUM app"
    id_output = "pid"
    extra_outputs = ("endpoint", "cdn_domain")
    args_type = RumAppArgs

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
        body = self.call(inputs, "CreateRumApp", self.params(inputs, "create"))
        data = body.get("Data") or {}
        return str(data.get("Pid")), {"endpoint": data.get("Endpoint"), "cdn_domain": data.get("CdnDomain")}

    def update_remote(self, id_, inputs):
        self.call(inputs, "UpdateRumApp", self.params(inputs, "update", Pid=id_))
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
        super().__init__(_RUM_APP_PROVIDER, resource_name, _RUM_APP_PROVIDER.props(args, resource_name), opts)


# ---------------------------------------------------------------------------------------------
# Webhook alert contacts
# ---------------------------------------------------------------------------------------------


def _pairs(mapping: Mapping[str, str] | None) -> str | None:
    """``{"a": "1"}`` -> ``[{"a":"1"}]``: the API's format for BizHeaders and BizParams."""
    return to_json([{k: v} for k, v in sorted((mapping or {}).items())]) if mapping else None


def _secret_url(url: Any) -> Any:
    return pulumi.Output.secret(url)


def _secret_headers(headers: Mapping[str, str]) -> Any:
    return pulumi.Output.secret(dict(headers)) if headers else {}


@dataclass(frozen=True, kw_only=True)
class WebhookContactArgs:
    """A generic webhook that ARMS notification policies can send alerts to."""

    region: pulumi.Input[str] = api_field(replace=True, required=True)
    """Region of the ARMS endpoint used to manage the contact (it picks the endpoint; no parameter)."""
    url: pulumi.Input[str] = api_field("Url", required=True, secret=True, to_prop=_secret_url)
    """Webhook URL. Usually embeds a token: pass ``pulumi.Output.secret``; it is always stored secret."""
    method: Literal["Post", "Get"] = api_field("Method", required=True, default="Post")
    """HTTP method ARMS calls the webhook with."""
    headers: Mapping[str, str] = api_field("BizHeaders", secret=True, to_prop=_secret_headers, to_param=_pairs,
                                           default_factory=dict)
    """Extra HTTP headers (stored secret: they often carry credentials)."""
    params: Mapping[str, str] = api_field("BizParams", to_prop=dict, to_param=_pairs, default_factory=dict)
    """Extra query parameters."""
    body: str | None = api_field("Body", default='{"alert": "$content"}')
    """Alert-fired template (``$content`` is the notification); required for Post."""
    recover_body: str | None = api_field("RecoverBody", default='{"recovered": "$content"}')
    """Alert-resolved template; required for Post."""
    name: pulumi.Input[str] | None = api_field("WebhookName", required=True, resource_name_default=True,
                                               default=None)
    """Server-side contact name; defaults to the Pulumi resource name (CreateOrUpdateWebhookContact renames
    in place, so only the region forces a new contact)."""


class WebhookContactProvider(OpenApiProvider):
    product = ARMS
    kind = "webhook contact"
    id_output = "webhook_id"
    args_type = WebhookContactArgs

    def find(self, inputs):
        body = self.call(
            inputs, "DescribeWebhookContacts", {"WebhookName": inputs["name"], "Page": 1, "Size": 100}
        )
        for contact in (body.get("PageBean") or {}).get("WebhookContacts") or []:
            if contact.get("WebhookName") == inputs["name"]:
                return str(contact["WebhookId"]), {}
        return None

    def create_remote(self, inputs):
        body = self.call(inputs, "CreateOrUpdateWebhookContact", self.params(inputs, "create", WebhookId=None))
        return str((body.get("WebhookContact") or {}).get("WebhookId")), {}

    def update_remote(self, id_, inputs):
        self.call(inputs, "CreateOrUpdateWebhookContact", self.params(inputs, "update", WebhookId=int(id_)))
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
        # Secret on the way in (the declaration), and on the way out: the state never holds them in clear.
        secret_outs = pulumi.ResourceOptions(additional_secret_outputs=list(_WEBHOOK_PROVIDER.secret_fields))
        super().__init__(_WEBHOOK_PROVIDER, resource_name, _WEBHOOK_PROVIDER.props(args, resource_name),
                         pulumi.ResourceOptions.merge(opts, secret_outs))


_RUM_APP_PROVIDER = RumAppProvider()
_WEBHOOK_PROVIDER = WebhookContactProvider()
