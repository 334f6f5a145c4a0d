"""Fixtures: fake OpenAPI servers on 127.0.0.1 and throwaway credentials in the environment."""

from __future__ import annotations

import pytest

from components.openapi.credentials import RUNTIME_CONFIG
from tests.openapi.fake_openapi import FakeArms, FakeMse

# Distinctive fake values, so a test can search serialized bytes and messages for them.
FAKE_KEY_ID = "LTAIfakeKeyId4TestsOnly"
FAKE_KEY_SECRET = "fakeSecretValueThatMustNeverLeak42"
FAKE_TOKEN = "fakeStsTokenThatMustNeverLeak77"


@pytest.fixture
def fake_credentials(monkeypatch):
    """Standard credential variables set, legacy ones cleared, no stack config remembered."""
    for name in ("ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "ALICLOUD_SECURITY_TOKEN",
                 "ALIBABA_CLOUD_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", FAKE_KEY_ID)
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", FAKE_KEY_SECRET)
    RUNTIME_CONFIG.clear()
    yield
    RUNTIME_CONFIG.clear()


@pytest.fixture
def fake_mse(monkeypatch, fake_credentials):
    server = FakeMse().start()
    monkeypatch.setenv("LIVECOMMERCE_MSE_ENDPOINT", server.url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_arms(monkeypatch, fake_credentials):
    server = FakeArms().start()
    monkeypatch.setenv("LIVECOMMERCE_ARMS_ENDPOINT", server.url)
    try:
        yield server
    finally:
        server.stop()
