"""No credential ever reaches the serialized provider (the ``__provider`` input in the state)."""

from __future__ import annotations

import base64

import dill
import pytest
from pulumi.dynamic import Config
from pulumi.dynamic.dynamic import ConfigureRequest, serialize_provider

from components.governance import rules
from components.observability import rum
from components.openapi.credentials import RUNTIME_CONFIG
from components.openapi.provider import OpenApiProvider
from tests.openapi.conftest import FAKE_KEY_ID, FAKE_KEY_SECRET, FAKE_TOKEN

PROVIDERS = [
    rules._LANE_GROUP_PROVIDER,
    rules._LANE_PROVIDER,
    rules._SERVICE_AUTH_PROVIDER,
    rules._DEGRADATION_PROVIDER,
    rules._FLOW_PROVIDER,
    rum._RUM_APP_PROVIDER,
    rum._WEBHOOK_PROVIDER,
]
CONFIG_ID, CONFIG_SECRET = "LTAIconfigKeyIdValue99", "configSecretValueNeverInState55"


def _forbidden() -> list[bytes]:
    values = [FAKE_KEY_ID, FAKE_KEY_SECRET, FAKE_TOKEN, CONFIG_ID, CONFIG_SECRET]
    return [v.encode() for v in values]


@pytest.mark.parametrize("provider", PROVIDERS, ids=lambda p: type(p).__name__)
def test_serialized_provider_holds_no_credentials(provider, fake_credentials, monkeypatch):
    monkeypatch.setenv("ALIBABA_CLOUD_SECURITY_TOKEN", FAKE_TOKEN)
    # Worst case: the provider host already received the secret stack config.
    provider.configure(ConfigureRequest(Config(
        {"alicloud:accessKey": CONFIG_ID, "alicloud:secretKey": CONFIG_SECRET}, "livecommerce"
    )))
    assert RUNTIME_CONFIG.get("alicloud:secretKey") == CONFIG_SECRET  # configure did run

    encoded = serialize_provider(provider)  # exactly what Pulumi stores in __provider
    raw = base64.b64decode(encoded)
    plain = dill.dumps(provider, recurse=True)
    for blob in (raw, plain, encoded.encode()):
        for secret in _forbidden():
            assert secret not in blob
    # The provider is pickled by reference: module + class name, nothing else.
    assert type(provider).__module__.encode() in raw and type(provider).__name__.encode() in raw
    assert vars(provider) == {}
    assert type(dill.loads(raw)) is type(provider)


def test_every_provider_class_is_stateless_after_configure(fake_credentials):
    for provider in PROVIDERS:
        provider.configure(ConfigureRequest(Config({"alicloud:secretKey": CONFIG_SECRET}, "p")))
        assert vars(provider) == {}, type(provider).__name__
        assert isinstance(provider, OpenApiProvider)


def test_runtime_config_refuses_to_be_pickled():
    with pytest.raises(TypeError):
        dill.dumps(RUNTIME_CONFIG)
