"""Run-time resolution of Alibaba Cloud credentials and endpoints for the dynamic providers.

Pulumi pickles every dynamic provider object (with dill) into the resource's ``__provider``
input, which lands in the state file. So credentials must never be an attribute of a provider,
an input or an output: they are looked up here, at the moment an API call is made, from the
environment of the process that runs the provider (or from the stack's secret config that the
engine hands to ``ResourceProvider.configure`` in that process).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

# Standard variable names first; the legacy names are what the Terraform/Pulumi alicloud
# provider documented for years, so CI systems still export them.
ACCESS_KEY_ID_VARS = ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALICLOUD_ACCESS_KEY")
ACCESS_KEY_SECRET_VARS = ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALICLOUD_SECRET_KEY")
SECURITY_TOKEN_VARS = ("ALIBABA_CLOUD_SECURITY_TOKEN", "ALICLOUD_SECURITY_TOKEN")

# Stack config keys (set with `pulumi config set --secret`) that the alicloud provider reads too.
CONFIG_ACCESS_KEY = "alicloud:accessKey"
CONFIG_SECRET_KEY = "alicloud:secretKey"
CONFIG_SECURITY_TOKEN = "alicloud:securityToken"


class CredentialsError(Exception):
    """No usable credentials were found; the message says where they are looked up."""


@dataclass(frozen=True, repr=False)
class Credentials:
    """An access key pair (plus optional STS token). ``repr`` hides every value."""

    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:  # never print key material, not even the id
        return "Credentials(<redacted>)"

    def __reduce__(self):  # refuse to be pickled into a provider by accident
        raise TypeError("Credentials must not be serialized")


class _RuntimeConfig:
    """Holds the stack config handed to ``configure`` in the dynamic-provider host process.

    It lives beside the providers, not on them: provider classes are pickled by reference
    (module + name), so nothing stored here can reach the serialized provider. It is only
    ever filled inside the provider host, never in the Pulumi program process.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, str] = {}

    def set(self, values: Mapping[str, Any]) -> None:
        with self._lock:
            self._values = {k: str(v) for k, v in values.items() if v not in (None, "")}

    def get(self, key: str) -> str | None:
        with self._lock:
            return self._values.get(key)

    def clear(self) -> None:
        with self._lock:
            self._values = {}

    def __reduce__(self):
        raise TypeError("the runtime config must not be serialized")


RUNTIME_CONFIG = _RuntimeConfig()


def remember_stack_config(config: Any) -> None:
    """Keep the credential keys of the stack config given to ``ResourceProvider.configure``.

    ``config`` is a ``pulumi.dynamic.Config`` (anything with ``get(key)``) or a plain mapping.
    """
    getter = config.get if hasattr(config, "get") else (lambda k: None)
    RUNTIME_CONFIG.set(
        {
            key: getter(key)
            for key in (CONFIG_ACCESS_KEY, CONFIG_SECRET_KEY, CONFIG_SECURITY_TOKEN)
        }
    )


def _first_env(env: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = env.get(name)
        if value:
            return value
    return None


def resolve_credentials(env: Mapping[str, str] | None = None) -> Credentials:
    """Find credentials: secret stack config first (explicit beats ambient), then environment.

    Raises ``CredentialsError`` naming the variables to set; never includes any value.
    """
    env = os.environ if env is None else env
    key_id = RUNTIME_CONFIG.get(CONFIG_ACCESS_KEY)
    secret = RUNTIME_CONFIG.get(CONFIG_SECRET_KEY)
    token = RUNTIME_CONFIG.get(CONFIG_SECURITY_TOKEN)
    if not (key_id and secret):
        key_id = _first_env(env, ACCESS_KEY_ID_VARS)
        secret = _first_env(env, ACCESS_KEY_SECRET_VARS)
        token = _first_env(env, SECURITY_TOKEN_VARS)
    if not (key_id and secret):
        raise CredentialsError(
            "no Alibaba Cloud credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and "
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET (optionally ALIBABA_CLOUD_SECURITY_TOKEN) in the "
            "environment of `pulumi up`, or `pulumi config set --secret alicloud:accessKey/"
            "alicloud:secretKey`"
        )
    return Credentials(key_id, secret, token)


@dataclass(frozen=True)
class Endpoint:
    """Where to send a product's API calls: ``host[:port]`` plus scheme."""

    host: str
    protocol: str  # "HTTPS" or "HTTP"


def endpoint_env_var(product: str) -> str:
    """The override variable for a product, e.g. ``LIVECOMMERCE_MSE_ENDPOINT``."""
    return f"LIVECOMMERCE_{product.upper()}_ENDPOINT"


def endpoint_override(product: str, env: Mapping[str, str] | None = None) -> Endpoint | None:
    """Parse ``LIVECOMMERCE_<PRODUCT>_ENDPOINT`` (``http://127.0.0.1:8080`` or a bare host).

    Tests point the real SDK at a fake server with it; operators can use it for a VPC endpoint.
    ``None`` means "let the SDK derive the regional endpoint".
    """
    env = os.environ if env is None else env
    raw = (env.get(endpoint_env_var(product)) or "").strip()
    if not raw:
        return None
    if "://" not in raw:
        return Endpoint(host=raw.rstrip("/"), protocol="HTTPS")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(
            f"{endpoint_env_var(product)}: expected http(s)://host[:port], got {raw!r}"
        )
    return Endpoint(host=parts.netloc, protocol=parts.scheme.upper())


def secret_values(env: Mapping[str, str] | None = None) -> list[str]:
    """Every credential value currently resolvable; used to scrub error messages."""
    env = os.environ if env is None else env
    values = [env.get(n) for n in ACCESS_KEY_ID_VARS + ACCESS_KEY_SECRET_VARS + SECURITY_TOKEN_VARS]
    values += [
        RUNTIME_CONFIG.get(k) for k in (CONFIG_ACCESS_KEY, CONFIG_SECRET_KEY, CONFIG_SECURITY_TOKEN)
    ]
    # Very short values would scrub ordinary words; real keys are 16+ characters.
    return [v for v in values if v and len(v) >= 6]
