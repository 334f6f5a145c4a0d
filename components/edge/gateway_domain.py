"""The public API host on the MSE cloud-native gateway, with its certificate, as a Pulumi dynamic resource.

pulumi_alicloud 4.0.0 has no resource for a gateway domain (`mse.*` holds only the engine, namespace,
gateway, Znode and the Nacos config; alicloud-api.md section 3). The MSE 2019-05-31 OpenAPI has
`AddGatewayDomain` / `UpdateGatewayDomain` / `DeleteGatewayDomain` / `ListGatewayDomain` (platform-facts-2.md
b.6), called through the official SDK on `components.openapi`.

The module path is part of every deployed resource's state (the provider is pickled by reference):
do not move or rename this module or its provider class.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pulumi
import pulumi.dynamic

from components.openapi.client import MSE
from components.openapi.provider import OpenApiProvider


@dataclass(frozen=True, kw_only=True)
class GatewayDomainArgs:
    """A domain the gateway serves over HTTPS only."""

    region: str
    """The gateway's region."""
    gateway_id: pulumi.Input[str]
    """The gateway's unique id (`gw-...`)."""
    domain: str
    """The host, e.g. `api.live.example.com`."""
    cert_identifier: pulumi.Input[str]
    """The certificate in SSL Certificates Service as MSE names it: `<cert id>-<cas region>`."""
    tls_min: Literal["TLS 1.2", "TLS 1.3"] = "TLS 1.2"
    """Lowest TLS version accepted."""
    http2: Literal["open", "close", "globalConfig"] = "open"
    """HTTP/2 for clients."""


class GatewayDomainProvider(OpenApiProvider):
    product = MSE
    kind = "gateway domain"
    id_output = "domain_id"
    fields = ("region", "gateway_id", "domain", "cert_identifier", "tls_min", "http2")
    replace_fields = ("region", "gateway_id", "domain")
    required = ("region", "gateway_id", "domain", "cert_identifier")

    def subject(self, inputs):
        return f"{self.kind} '{inputs.get('domain')}'"

    def _settings(self, inputs) -> dict[str, Any]:
        # HTTPS only (MustHttps redirects plain HTTP); TLS 1.3 as the ceiling.
        return {"Protocol": "HTTPS", "MustHttps": True, "CertIdentifier": inputs["cert_identifier"],
                "TlsMin": inputs.get("tls_min") or "TLS 1.2", "TlsMax": "TLS 1.3",
                "Http2": inputs.get("http2") or "open"}

    def find(self, inputs):
        body = self.call(inputs, "ListGatewayDomain",
                         {"GatewayUniqueId": inputs["gateway_id"], "DomainName": inputs["domain"]})
        for d in body.get("Data") or []:
            if d.get("Name") == inputs["domain"]:
                return str(d["Id"]), {}
        return None

    def create_remote(self, inputs):
        body = self.call(inputs, "AddGatewayDomain",
                         {"GatewayUniqueId": inputs["gateway_id"], "Name": inputs["domain"], **self._settings(inputs)})
        return str(body.get("Data")), {}

    def update_remote(self, id_, inputs):
        self.call(inputs, "UpdateGatewayDomain",
                  {"GatewayUniqueId": inputs["gateway_id"], "Id": int(id_), **self._settings(inputs)})
        return {}

    def delete_remote(self, id_, inputs):
        self.call(inputs, "DeleteGatewayDomain", {"GatewayUniqueId": inputs["gateway_id"], "Id": int(id_)})


class GatewayDomain(pulumi.dynamic.Resource, module="mse", name="GatewayDomain"):
    """AddGatewayDomain: the gateway serves `domain` over HTTPS with a certificate from SSL Certificates Service."""

    domain_id: pulumi.Output[str]
    """The gateway's id of the domain."""

    def __init__(self, resource_name: str, args: GatewayDomainArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__(_GATEWAY_DOMAIN_PROVIDER, resource_name, {
            "region": args.region, "gateway_id": args.gateway_id, "domain": args.domain,
            "cert_identifier": args.cert_identifier, "tls_min": args.tls_min, "http2": args.http2,
            "domain_id": None}, opts)


_GATEWAY_DOMAIN_PROVIDER = GatewayDomainProvider()
