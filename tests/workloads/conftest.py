"""Shared builders for the workload tests: a service entry as a stack file would write it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from components.workloads.service_settings import LiveEventSettings, ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
"""The repository root (stack files are read from ROOT / "stacks")."""
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
"""A fixed 'today' so the live-event calendar gives the same objects on every run."""
K8S_VERSION = "1.33.1-aliyun.1"
IMAGE = "registry.cn-hangzhou.aliyuncs.com/livecommerce/shop:1.8.2"


def service_dict(**overrides: Any) -> dict[str, Any]:
    """`shop` with a base v1 and a gray v1.1, exposed with a header canary (the architecture's example)."""
    data: dict[str, Any] = {
        "name": "shop",
        "domain": "trade",
        "live_facing": True,
        "versions": [
            {"name": "v1", "image": IMAGE},
            {"name": "v1.1", "image": IMAGE.replace("1.8.2", "1.9.0"), "replicas": 2, "tag": "gray"},
        ],
        "env": {"LOG_LEVEL": "info"},
        "scheduling": {"autoscaling": {"min_replicas": 3, "max_replicas": 40}},
        "entry": {"canaries": [{"version": "v1.1", "header": "x-mse-tag", "header_value": "gray"}]},
    }
    data.update(overrides)
    return data


def service(**overrides: Any) -> ServiceSettings:
    return ServiceSettings.model_validate(service_dict(**overrides))


def event(**overrides: Any) -> LiveEventSettings:
    data: dict[str, Any] = {"name": "summer-618-gala", "start": "2027-06-18T20:00", "end": "2027-06-18T23:00",
                            "time_zone": "Asia/Shanghai", "peak_replicas": 20}
    data.update(overrides)
    return LiveEventSettings.model_validate(data)


@pytest.fixture
def shop() -> ServiceSettings:
    return service()
