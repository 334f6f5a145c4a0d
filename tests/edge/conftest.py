"""Fixtures: fake Live and MSE servers on 127.0.0.1 (credentials from tests/openapi)."""

from __future__ import annotations

import pytest

from tests.edge.fake_live import FakeLive, FakeMseGateway
from tests.openapi.conftest import fake_credentials  # noqa: F401 (fixture)


@pytest.fixture
def fake_live(monkeypatch, fake_credentials):  # noqa: F811
    server = FakeLive().start()
    monkeypatch.setenv("LIVECOMMERCE_LIVE_ENDPOINT", server.url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def fake_mse_gateway(monkeypatch, fake_credentials):  # noqa: F811
    server = FakeMseGateway().start()
    monkeypatch.setenv("LIVECOMMERCE_MSE_ENDPOINT", server.url)
    try:
        yield server
    finally:
        server.stop()
