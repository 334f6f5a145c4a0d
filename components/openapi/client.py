"""Call one OpenAPI action through the official Alibaba Cloud SDK of a product.

The SDK (``alibabacloud_mse20190531``, ``alibabacloud_arms20190808``) builds, serializes (JSON
"shrink" of list parameters) and signs (ACS3-HMAC-SHA256) every request; this module only picks
the typed request model and method by action name, supplies credentials at call time, and
turns the two error shapes of these APIs (HTTP 4xx/5xx, or HTTP 200 with ``Success: false``)
into one ``OpenApiError``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from components.openapi.credentials import (
    CredentialsError,
    endpoint_override,
    resolve_credentials,
    secret_values,
)


@dataclass(frozen=True)
class Product:
    """An OpenAPI product served by an official SDK package."""

    label: str  # "MSE", used in error messages and the endpoint override variable
    sdk_package: str  # "alibabacloud_mse20190531"


MSE = Product(label="MSE", sdk_package="alibabacloud_mse20190531")
ARMS = Product(label="ARMS", sdk_package="alibabacloud_arms20190808")

# Seconds. Governance calls are small; a hung endpoint must not hang `pulumi up` forever.
CONNECT_TIMEOUT_MS = 10_000
READ_TIMEOUT_MS = 30_000


class OpenApiError(Exception):
    """An API call failed. ``str()`` is the user-facing message; it never holds secrets."""

    def __init__(self, product: str, action: str, subject: str, code: str, message: str):
        self.product = product
        self.action = action
        self.subject = subject
        self.code = code
        self.detail = message
        super().__init__(f"{product} {action} for {subject}: {code}: {message}")


def snake_case(action: str) -> str:
    """``CreateOrUpdateSwimmingLane`` -> ``create_or_update_swimming_lane`` (SDK method names)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower()


def scrub(text: str, secrets: list[str] | None = None) -> str:
    """Replace any credential value (and signatures) that an SDK message might echo."""
    for value in secret_values() if secrets is None else secrets:
        text = text.replace(value, "***")
    # The SDK never puts the Authorization header in messages today; be sure anyway.
    return re.sub(r"(Signature|Credential)=[^,\s]+", r"\1=***", text)


def _sdk_error_parts(exc: BaseException) -> tuple[str, str]:
    """(code, message) of an SDK exception, preferring the server's own Code/Message."""
    data = getattr(exc, "data", None)
    code = getattr(exc, "code", None)
    message = None
    if isinstance(data, Mapping):
        code = data.get("Code") or data.get("code") or data.get("ErrorCode") or code
        message = data.get("Message") or data.get("message")
    if not message:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    if not code or code == "None":
        code = type(exc).__name__
    return str(code), str(message)


def _body_failed(body: Mapping[str, Any]) -> tuple[str, str] | None:
    """MSE/ARMS report many errors as HTTP 200 with ``Success: false``; detect that."""
    success = body.get("Success")
    if success is False or (isinstance(success, str) and success.lower() == "false"):
        # Some actions carry a symbolic ErrorCode, others only a numeric Code: prefer symbols.
        candidates = [str(c) for c in (body.get("ErrorCode"), body.get("Code")) if c not in (None, "")]
        symbolic = [c for c in candidates if not c.isdigit()]
        code = (symbolic or candidates or ["Failed"])[0]
        return code, str(body.get("Message") or "the API reported Success=false")
    return None


def unknown_parameters(request: Any, params: Any, path: str = "") -> list[str]:
    """Wire names in ``params`` that the SDK request model does not have (``from_map`` drops them silently, so
    the API would never see them), as dotted paths (``Tag[0].Colour``). ``request`` is ``model.to_map()``."""
    out: list[str] = []
    if isinstance(params, Mapping):
        known = request if isinstance(request, Mapping) else {}
        for key, value in params.items():
            if value is None:
                continue
            where = f"{path}.{key}" if path else str(key)
            if key not in known:
                out.append(where)
            else:
                out += unknown_parameters(known[key], value, where)
    elif isinstance(params, list | tuple) and isinstance(request, list):
        for i, (want, got) in enumerate(zip(request, params, strict=False)):
            out += unknown_parameters(want, got, f"{path}[{i}]")
    return out


def make_client(product: Product, region: str):
    """Build an SDK client for ``region`` with credentials resolved now (never cached)."""
    from alibabacloud_tea_openapi import utils_models as open_api_models

    sdk = importlib.import_module(f"{product.sdk_package}.client")
    creds = resolve_credentials()
    override = endpoint_override(product.label)
    config = open_api_models.Config(
        access_key_id=creds.access_key_id,
        access_key_secret=creds.access_key_secret,
        security_token=creds.security_token,
        region_id=region,
        connect_timeout=CONNECT_TIMEOUT_MS,
        read_timeout=READ_TIMEOUT_MS,
    )
    if override is not None:
        config.endpoint = override.host
        config.protocol = override.protocol
    return sdk.Client(config)


def call(
    product: Product,
    region: str,
    action: str,
    params: Mapping[str, Any],
    subject: str,
    secrets: Sequence[str] = (),
) -> dict[str, Any]:
    """Call ``action`` with wire-named ``params`` (``{"Name": ..., "GroupId": ...}``).

    Returns the response body as a wire-named dict. Raises ``OpenApiError`` naming the product,
    the action and ``subject`` (e.g. ``lane 'shop-gray'``) on any failure. ``secrets`` are input
    values (a webhook URL) scrubbed from error messages along with the credentials.
    """
    hidden = [s for s in secrets if s] + secret_values()
    from darabonba.runtime import RuntimeOptions

    models = importlib.import_module(f"{product.sdk_package}.models")
    request_cls = getattr(models, f"{action}Request", None)
    if request_cls is None:  # a programming error: the action is not in this SDK version
        raise OpenApiError(product.label, action, subject, "UnknownAction", "not in the installed SDK")
    # Also a programming error, caught before any call: a parameter the model lacks would be dropped unseen
    # (RegionId on TagResources was, until 2026-12-01).
    unknown = unknown_parameters(request_cls().from_map(dict(params)).to_map(), dict(params))
    if unknown:
        raise OpenApiError(product.label, action, subject, "UnknownParameter",
                           f"{', '.join(unknown)} not in the SDK's {action}Request model; the API would never see it")
    try:
        client = make_client(product, region)
        override = endpoint_override(product.label)
        local = override is not None and override.host.split(":")[0] in ("127.0.0.1", "localhost")
        request = request_cls().from_map(dict(params))
        method = getattr(client, f"{snake_case(action)}_with_options")
        runtime = RuntimeOptions(
            connect_timeout=CONNECT_TIMEOUT_MS,
            read_timeout=READ_TIMEOUT_MS,
            # A fake server on loopback must never be reached through a corporate proxy.
            no_proxy="127.0.0.1,localhost" if local else None,
        )
        response = method(request, runtime)
    except CredentialsError as exc:
        raise OpenApiError(product.label, action, subject, "MissingCredentials", str(exc)) from None
    except Exception as exc:  # SDK exceptions share no useful base across versions
        code, message = _sdk_error_parts(exc)
        raise OpenApiError(product.label, action, subject, code, scrub(message, hidden)) from None
    body = response.body.to_map() if response.body is not None else {}
    failed = _body_failed(body)
    if failed is not None:
        code, message = failed
        raise OpenApiError(product.label, action, subject, code, scrub(message, hidden))
    return body
