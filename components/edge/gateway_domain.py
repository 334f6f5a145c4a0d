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
from components.openapi.declaration import api_field
from components.openapi.provider import OpenApiProvider


@dataclass(frozen=True, kw_only=True)
class GatewayDomainArgs:
    """A domain the gateway serves over HTTPS only."""

    # Each call spells the natural key its own way (Name on add, Id on update), so the provider builds the
    # parameters; the declaration says what is compared, identity, required and the props.
    region: str = api_field(replace=True, required=True)
    """The gateway's region."""
    gateway_id: pulumi.Input[str] = api_field(replace=True, required=True)
    """The gateway's unique id (`gw-...`)."""
    domain: str = api_field(replace=True, required=True)
    """The host, e.g. `api.live.example.com`."""
    cert_identifier: pulumi.Input[str] = api_field(required=True)
    """The certificate in SSL Certificates Service as MSE names it: `<cert id>-<cas region>`."""
    tls_min: Literal["TLS 1.2", "TLS 1.3"] = api_field(default="TLS 1.2")
    """Lowest TLS version accepted."""
    http2: Literal["open", "close", "globalConfig"] = api_field(default="open")
    """HTTP/2 for clients."""


class GatewayDomainProvider(OpenApiProvider):
    product = MSE
    kind = "gateway domain"
    id_output = "domain_id"
    args_type = GatewayDomainArgs

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
        super().__init__(_GATEWAY_DOMAIN_PROVIDER, resource_name,
                         _GATEWAY_DOMAIN_PROVIDER.props(args, resource_name), opts)


_GATEWAY_DOMAIN_PROVIDER = GatewayDomainProvider()
