"""Fixtures: the fake ARMS OpenAPI on 127.0.0.1 (shared with tests/openapi) and small builders."""

from __future__ import annotations

from tests.openapi.conftest import fake_arms, fake_credentials  # noqa: F401 (pytest fixtures)
