"""ApsaraVideo Live objects that pulumi_alicloud 4.0.0 cannot declare, as Pulumi dynamic resources.

`live.Domain` declares the ingest and playback domains; nothing in the provider maps them, sets their
URL auth, their HTTPS certificate or their recording (platform-facts-2.md b.2). These resources call the
Live 2016-11-01 OpenAPI through the official SDK (`alibabacloud_live20161101`) on the machinery of
`components.openapi` (adopt by natural key, diff on declared inputs, idempotent delete, credentials only
at call time, never in state; docs/openapi-resources.md).

The module path is part of every deployed resource's state (the provider is pickled by reference):
do not move or rename this module or its provider classes.

Each resource's Args dataclass is its one declaration (`components.openapi.declaration`): what diff compares,
what is identity (a change replaces), what is required, what is secret, and the registered props. The Live
calls spell the natural key differently per action (`DomainName`, `DomainNames`, `PushDomain`/`PullDomain`),
so each provider builds its request parameters itself; no field carries a `param`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi.dynamic

from components.openapi.client import Product
from components.openapi.declaration import api_field, local_field
from components.openapi.provider import OpenApiProvider

#: The Live OpenAPI (one central endpoint; the SDK derives it from the live center's region).
#: `LIVECOMMERCE_LIVE_ENDPOINT` overrides it (tests point it at a fake server).
LIVE = Product(label="LIVE", sdk_package="alibabacloud_live20161101")


def functions_json(function: str, args: Mapping[str, str]) -> str:
    """The `Functions` parameter of BatchSetLiveDomainConfigs (the same format as CDN's BatchSetCdnDomainConfig):
    `[{"functionName": ..., "functionArgs": [{"argName": ..., "argValue": ...}]}]`, args in a stable order."""
    return json.dumps([{"functionName": function,
                        "functionArgs": [{"argName": k, "argValue": str(v)} for k, v in sorted(args.items())]}],
                      separators=(",", ":"))


def _items(body: Mapping[str, Any], outer: str, inner: str) -> list[dict[str, Any]]:
    """`{"Outer": {"Inner": [...]}}` (the shape of every Describe* list here) -> the list."""
    node = body.get(outer) or {}
    items = node.get(inner) if isinstance(node, Mapping) else node
    return list(items or [])


# ---------------------------------------------------------------------------------------------
# Push -> pull mapping
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LiveDomainMappingArgs:
    """Streams pushed to `push_domain` play from `pull_domain`."""

    region: str = api_field(replace=True, required=True)
    """The live center (the SDK's region)."""
    push_domain: pulumi.Input[str] = api_field(replace=True, required=True)
    """The ingest (`liveEdge`) domain."""
    pull_domain: pulumi.Input[str] = api_field(replace=True, required=True)
    """The playback (`liveVideo`) domain."""


class LiveDomainMappingProvider(OpenApiProvider):
    product = LIVE
    kind = "live domain mapping"
    id_output = "mapping_id"
    args_type = LiveDomainMappingArgs

    def subject(self, inputs):
        return f"{self.kind} '{inputs.get('push_domain')} -> {inputs.get('pull_domain')}'"

    def find(self, inputs):
        body = self.call(inputs, "DescribeLiveDomainMapping",
                         {"DomainName": inputs["pull_domain"], "RegionId": inputs["region"]})
        for model in _items(body, "LiveDomainModels", "LiveDomainModel"):
            if model.get("DomainName") == inputs["push_domain"]:
                return f"{inputs['push_domain']}:{inputs['pull_domain']}", {}
        return None

    def create_remote(self, inputs):
        self.call(inputs, "AddLiveDomainMapping",
                  {"PushDomain": inputs["push_domain"], "PullDomain": inputs["pull_domain"]})
        return f"{inputs['push_domain']}:{inputs['pull_domain']}", {}

    def update_remote(self, id_, inputs):
        return {}  # every field is identity; an adopted mapping is already what we declare

    def delete_remote(self, id_, inputs):
        self.call(inputs, "DeleteLiveDomainMapping",
                  {"PushDomain": inputs["push_domain"], "PullDomain": inputs["pull_domain"]})


class LiveDomainMapping(pulumi.dynamic.Resource, module="live", name="LiveDomainMapping"):
    """AddLiveDomainMapping: the playback domain serves the streams of the ingest domain."""

    mapping_id: pulumi.Output[str]
    """`<push>:<pull>`."""

    def __init__(self, resource_name: str, args: LiveDomainMappingArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(_MAPPING_PROVIDER, resource_name, _MAPPING_PROVIDER.props(args, resource_name), opts)


# ---------------------------------------------------------------------------------------------
# One domain function (aliauth, ...) via BatchSetLiveDomainConfigs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LiveDomainConfigArgs:
    """One function of a live domain, e.g. `aliauth` (URL authentication)."""

    region: str = api_field(replace=True, required=True)
    """The live center."""
    domain_name: pulumi.Input[str] = api_field(replace=True, required=True)
    """The live domain."""
    function_name: str = api_field(replace=True, required=True)
    """The function, e.g. `aliauth`."""
    args: Mapping[str, pulumi.Input[str]] = api_field(required=True, secret=True, to_prop=dict)
    """Its arguments (`auth_type`, `auth_key1`, `ali_auth_delta`, ...); scrubbed from error messages."""
    secret_args: Sequence[str] = local_field(default=())
    """Argument names whose values are secrets (e.g. `auth_key1`): the whole `args` is stored as a secret."""


class LiveDomainConfigProvider(OpenApiProvider):
    product = LIVE
    kind = "live domain config"
    id_output = "config_id"
    args_type = LiveDomainConfigArgs

    def subject(self, inputs):
        return f"{self.kind} '{inputs.get('function_name')}' of {inputs.get('domain_name')}"

    def find(self, inputs):
        body = self.call(inputs, "DescribeLiveDomainConfigs",
                         {"DomainName": inputs["domain_name"], "FunctionNames": inputs["function_name"]})
        for cfg in _items(body, "DomainConfigs", "DomainConfig"):
            if cfg.get("FunctionName") == inputs["function_name"]:
                return str(cfg.get("ConfigId") or inputs["function_name"]), {}
        return None

    def _set(self, inputs):
        self.call(inputs, "BatchSetLiveDomainConfigs",
                  {"DomainNames": inputs["domain_name"],
                   "Functions": functions_json(inputs["function_name"], inputs["args"])})

    def create_remote(self, inputs):
        self._set(inputs)
        found = self.find(inputs)
        return (found[0] if found else str(inputs["function_name"])), {}

    def update_remote(self, id_, inputs):
        self._set(inputs)
        return {}

    def read_remote(self, id_, inputs):
        found = self.find(inputs)
        return {} if found is not None else None

    def delete_remote(self, id_, inputs):
        self.call(inputs, "BatchDeleteLiveDomainConfigs",
                  {"DomainNames": inputs["domain_name"], "FunctionNames": inputs["function_name"]})


class LiveDomainConfig(pulumi.dynamic.Resource, module="live", name="LiveDomainConfig"):
    """BatchSetLiveDomainConfigs for one function of one domain (URL auth keys stay secret)."""

    config_id: pulumi.Output[str]
    """The function's ConfigId."""

    def __init__(self, resource_name: str, args: LiveDomainConfigArgs, opts: pulumi.ResourceOptions | None = None):
        props = _CONFIG_PROVIDER.props(args, resource_name)
        secret = bool(args.secret_args)
        if secret:
            props["args"] = pulumi.Output.secret(props["args"])
        merged = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["args"] if secret else None))
        super().__init__(_CONFIG_PROVIDER, resource_name, props, merged)


# ---------------------------------------------------------------------------------------------
# HTTPS certificate of a playback domain
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LiveDomainCertificateArgs:
    """HTTPS on a playback domain with a certificate from SSL Certificates Service (CertType `cas`)."""

    region: str = api_field(replace=True, required=True)
    """The live center."""
    domain_name: pulumi.Input[str] = api_field(replace=True, required=True)
    """The playback domain."""
    cert_name: pulumi.Input[str] = api_field(required=True)
    """The certificate's name in SSL Certificates Service."""


class LiveDomainCertificateProvider(OpenApiProvider):
    product = LIVE
    kind = "live domain certificate"
    id_output = "certificate_id"
    extra_outputs = ("cert_status",)
    args_type = LiveDomainCertificateArgs

    def subject(self, inputs):
        return f"{self.kind} of {inputs.get('domain_name')}"

    def find(self, inputs):
        body = self.call(inputs, "DescribeLiveDomainCertificateInfo",
                         {"DomainName": inputs["domain_name"], "RegionId": inputs["region"]})
        for info in _items(body, "CertInfos", "CertInfo"):
            if info.get("DomainName") == inputs["domain_name"] and str(info.get("SSLProtocol")).lower() == "on":
                return str(inputs["domain_name"]), {"cert_status": info.get("Status")}
        return None

    def _set(self, inputs, on: bool):
        params: dict[str, Any] = {"DomainName": inputs["domain_name"], "SSLProtocol": "on" if on else "off"}
        if on:
            # CertType cas: the certificate comes from SSL Certificates Service by name, no PEM in the request
            # (SetLiveDomainCertificate; `models/_set_live_domain_certificate_request.py`).
            params.update({"CertType": "cas", "CertName": inputs["cert_name"]})
        self.call(inputs, "SetLiveDomainCertificate", params)

    def create_remote(self, inputs):
        self._set(inputs, on=True)
        return str(inputs["domain_name"]), {}

    def update_remote(self, id_, inputs):
        self._set(inputs, on=True)
        return {}

    def delete_remote(self, id_, inputs):
        self._set(inputs, on=False)


class LiveDomainCertificate(pulumi.dynamic.Resource, module="live", name="LiveDomainCertificate"):
    """SetLiveDomainCertificate: HTTPS playback with a certificate from SSL Certificates Service."""

    certificate_id: pulumi.Output[str]
    """The domain name."""

    def __init__(self, resource_name: str, args: LiveDomainCertificateArgs,
                 opts: pulumi.ResourceOptions | None = None):
        super().__init__(_CERT_PROVIDER, resource_name, _CERT_PROVIDER.props(args, resource_name), opts)


# ---------------------------------------------------------------------------------------------
# Recording to OSS
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LiveRecordConfigArgs:
    """Record the streams (domain, app, stream) into an OSS bucket."""

    # UpdateLiveAppRecordConfig has no OssBucket and its RecordFormat no OssObjectPrefix
    # (`models/_update_live_app_record_config_request.py`): a new bucket or object name is a new configuration.
    # One configuration per (domain, app, stream): the natural key.
    region: str = api_field(replace=True, required=True)
    """The live center; the bucket must be in this region."""
    domain_name: pulumi.Input[str] = api_field(replace=True, required=True)
    """The playback (streaming) domain whose streams are recorded."""
    app_name: str = api_field(replace=True, required=True)
    """Application name, `*` for every app."""
    stream_name: str = api_field(replace=True, required=True)
    """Stream name, `*` for every stream."""
    oss_bucket: pulumi.Input[str] = api_field(replace=True, required=True)
    """The bucket recordings land in."""
    oss_endpoint: str = api_field(required=True)
    """The bucket's endpoint, e.g. `oss-cn-shanghai.aliyuncs.com`."""
    object_prefix: str = api_field(replace=True, required=True)
    """`OssObjectPrefix` of the MP4 files (with `{StartTime}`-style variables; the service adds `.mp4`)."""
    cycle_duration_seconds: int = api_field()
    """Longest file."""
    delay_time_seconds: int = api_field()
    """Reconnect window that continues a file."""
    on_demand: int = api_field()
    """OnDemand: 0 auto, 1 callback, 2 push parameter, 7 manual."""
    format: str = api_field(default="mp4")
    """Recording format; the component only ever passes mp4."""


class LiveRecordConfigProvider(OpenApiProvider):
    product = LIVE
    kind = "live recording"
    id_output = "record_id"
    args_type = LiveRecordConfigArgs

    def subject(self, inputs):
        return f"{self.kind} '{inputs.get('domain_name')}/{inputs.get('app_name')}/{inputs.get('stream_name')}'"

    def _key(self, inputs) -> dict[str, Any]:
        return {"DomainName": inputs["domain_name"], "AppName": inputs["app_name"],
                "StreamName": inputs["stream_name"]}

    def _formats(self, inputs) -> list[dict[str, Any]]:
        return [{"Format": inputs.get("format") or "mp4", "OssObjectPrefix": inputs["object_prefix"],
                 "CycleDuration": int(inputs["cycle_duration_seconds"])}]

    def find(self, inputs):
        body = self.call(inputs, "DescribeLiveRecordConfig", {**self._key(inputs), "PageNum": 1, "PageSize": 100})
        for rec in _items(body, "LiveAppRecordList", "LiveAppRecord"):
            if (rec.get("DomainName"), rec.get("AppName"), rec.get("StreamName") or "*") == \
                    (inputs["domain_name"], inputs["app_name"], inputs["stream_name"]):
                return f"{inputs['domain_name']}/{inputs['app_name']}/{inputs['stream_name']}", {}
        return None

    def create_remote(self, inputs):
        self.call(inputs, "AddLiveAppRecordConfig", {
            **self._key(inputs), "OssBucket": inputs["oss_bucket"], "OssEndpoint": inputs["oss_endpoint"],
            "RecordFormat": self._formats(inputs), "DelayTime": int(inputs["delay_time_seconds"]),
            "OnDemand": int(inputs["on_demand"])})
        return f"{inputs['domain_name']}/{inputs['app_name']}/{inputs['stream_name']}", {}

    def update_remote(self, id_, inputs):
        self.call(inputs, "UpdateLiveAppRecordConfig", {
            **self._key(inputs), "OssEndpoint": inputs["oss_endpoint"],
            "RecordFormat": [{k: v for k, v in f.items() if k != "OssObjectPrefix"} for f in self._formats(inputs)],
            "DelayTime": int(inputs["delay_time_seconds"]), "OnDemand": int(inputs["on_demand"])})
        return {}

    def delete_remote(self, id_, inputs):
        self.call(inputs, "DeleteLiveAppRecordConfig", self._key(inputs))


class LiveRecordConfig(pulumi.dynamic.Resource, module="live", name="LiveRecordConfig"):
    """AddLiveAppRecordConfig: MP4 recordings of (domain, app, stream) into OSS (the transcoder's input)."""

    record_id: pulumi.Output[str]
    """`<domain>/<app>/<stream>`."""

    def __init__(self, resource_name: str, args: LiveRecordConfigArgs, opts: pulumi.ResourceOptions | None = None):
        if args.format != "mp4":
            raise ValueError(f"LiveRecordConfig {resource_name}: only mp4 (a sliced format fires the transcoder "
                             "once per slice)")
        super().__init__(_RECORD_PROVIDER, resource_name, _RECORD_PROVIDER.props(args, resource_name), opts)


# ---------------------------------------------------------------------------------------------
# Recording callbacks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LiveRecordNotifyArgs:
    """Recording events of a domain sent to an HTTPS callback."""

    region: str = api_field(replace=True, required=True)
    """The live center."""
    domain_name: pulumi.Input[str] = api_field(replace=True, required=True)
    """The playback domain."""
    notify_url: str | None = api_field(default=None)
    """Receives recording events (file created, started, paused)."""
    on_demand_url: str | None = api_field(default=None)
    """Asked whether to record (on-demand recording by callback)."""
    notify_auth_key: pulumi.Input[str] | None = api_field(secret=True, default=None)
    """Signs the callbacks (secret)."""


class LiveRecordNotifyProvider(OpenApiProvider):
    product = LIVE
    kind = "live recording callback"
    id_output = "notify_id"
    args_type = LiveRecordNotifyArgs

    def subject(self, inputs):
        return f"{self.kind} of {inputs.get('domain_name')}"

    def _params(self, inputs) -> dict[str, Any]:
        key = inputs.get("notify_auth_key")
        return {"DomainName": inputs["domain_name"], "NotifyUrl": inputs.get("notify_url"),
                "OnDemandUrl": inputs.get("on_demand_url"), "NeedStatusNotify": True,
                "NotifyReqAuth": bool(key), "NotifyAuthKey": key or None}

    def find(self, inputs):
        body = self.call(inputs, "DescribeLiveRecordNotifyConfig", {"DomainName": inputs["domain_name"]})
        cfg = body.get("LiveRecordNotifyConfig") or {}
        if cfg.get("DomainName") == inputs["domain_name"] and (cfg.get("NotifyUrl") or cfg.get("OnDemandUrl")):
            return str(inputs["domain_name"]), {}
        return None

    def create_remote(self, inputs):
        self.call(inputs, "AddLiveRecordNotifyConfig", self._params(inputs))
        return str(inputs["domain_name"]), {}

    def update_remote(self, id_, inputs):
        self.call(inputs, "UpdateLiveRecordNotifyConfig", self._params(inputs))
        return {}

    def delete_remote(self, id_, inputs):
        self.call(inputs, "DeleteLiveRecordNotifyConfig", {"DomainName": inputs["domain_name"]})


class LiveRecordNotify(pulumi.dynamic.Resource, module="live", name="LiveRecordNotify"):
    """AddLiveRecordNotifyConfig: recording events to an HTTPS callback (signed with a secret key)."""

    notify_id: pulumi.Output[str]
    """The domain name."""

    def __init__(self, resource_name: str, args: LiveRecordNotifyArgs, opts: pulumi.ResourceOptions | None = None):
        if not (args.notify_url or args.on_demand_url):
            raise ValueError(f"LiveRecordNotify {resource_name}: needs notify_url or on_demand_url")
        props = _NOTIFY_PROVIDER.props(args, resource_name)
        if args.notify_auth_key is not None:
            props["notify_auth_key"] = pulumi.Output.secret(args.notify_auth_key)
        merged = pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(additional_secret_outputs=["notify_auth_key"]))
        super().__init__(_NOTIFY_PROVIDER, resource_name, props, merged)


_MAPPING_PROVIDER = LiveDomainMappingProvider()
_CONFIG_PROVIDER = LiveDomainConfigProvider()
_CERT_PROVIDER = LiveDomainCertificateProvider()
_RECORD_PROVIDER = LiveRecordConfigProvider()
_NOTIFY_PROVIDER = LiveRecordNotifyProvider()


# ---------------------------------------------------------------------------------------------
# The CNAME of a live domain (live.Domain has no `cname` output; platform-facts-2.md b.2)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LiveDomainCnameArgs:
    """The live domain whose CNAME is read."""

    region: str = api_field(replace=True, required=True)
    """The live center."""
    domain_name: pulumi.Input[str] = api_field(replace=True, required=True)
    """The live domain."""


class LiveDomainCnameProvider(OpenApiProvider):
    """Reads `Cname` of a live domain with DescribeLiveDomainDetail; creates and deletes nothing."""

    product = LIVE
    kind = "live domain CNAME"
    id_output = "cname"
    args_type = LiveDomainCnameArgs

    def subject(self, inputs):
        return f"{self.kind} of {inputs.get('domain_name')}"

    def find(self, inputs):
        body = self.call(inputs, "DescribeLiveDomainDetail", {"DomainName": inputs["domain_name"]})
        cname = (body.get("DomainDetail") or {}).get("Cname")
        return (str(cname), {}) if cname else None

    def create_remote(self, inputs):
        found = self.find(inputs)
        if found is None:
            from components.openapi.client import OpenApiError
            raise OpenApiError(self.product.label, "DescribeLiveDomainDetail", self.subject(inputs), "NoCname",
                               "the domain has no CNAME yet (is it online?)")
        return found

    def update_remote(self, id_, inputs):
        return {}

    def read_remote(self, id_, inputs):
        found = self.find(inputs)
        return {} if found is not None and found[0] == str(id_) else None

    def delete_remote(self, id_, inputs):
        return None  # a lookup: the domain itself is deleted by its live.Domain


class LiveDomainCname(pulumi.dynamic.Resource, module="live", name="LiveDomainCname"):
    """The CNAME Alibaba Cloud assigned to a live domain (for its Alidns record)."""

    cname: pulumi.Output[str]
    """e.g. `push.live.example.com.w.alikunlun.com`."""

    def __init__(self, resource_name: str, *, region: str, domain_name: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None):
        args = LiveDomainCnameArgs(region=region, domain_name=domain_name)
        super().__init__(_CNAME_PROVIDER, resource_name, _CNAME_PROVIDER.props(args, resource_name), opts)


_CNAME_PROVIDER = LiveDomainCnameProvider()
