"""Shared builders for the data-block tests: a `data` section as the prod stack writes it."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from components.data.settings import DataSettings
from components.network.cidr import CidrPlan, plan_cidrs

ZONES = ["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"]
SERVICES = ["live-interaction", "shop", "product", "order", "merchant"]
TAGS = {"env": "prod", "owner": "live-platform", "cost-center": "cc-live-prod", "managed-by": "pulumi",
        "project": "livecommerce", "tier": "production"}

DATA: dict[str, Any] = {
    "queue": {
        "topics": [
            {"name": "order-events", "message_type": "fifo", "publishers": ["order"]},
            {"name": "order-timeouts", "message_type": "delay", "publishers": ["order"]},
            {"name": "live-comments", "publishers": ["live-interaction"]},
        ],
        "consumers": [
            {"service": "shop", "topics": ["order-events"]},
            {"service": "order", "topics": ["order-timeouts"]},
            {"service": "product", "topics": ["live-comments"], "name": "product-comments", "dead_letter": False},
        ],
    },
    "cache": {"clients": ["shop", "product", "live-interaction"]},
    "database": {"databases": [{"name": "orders", "service": "order", "readers": ["shop"]},
                               {"name": "catalog", "service": "product"}]},
}


def data_dict(**overrides: Any) -> dict[str, Any]:
    out = copy.deepcopy(DATA)
    out.update(overrides)
    return out


def settings(**overrides: Any) -> DataSettings:
    return DataSettings.model_validate(data_dict(**overrides))


def prod_plan() -> CidrPlan:
    return plan_cidrs("10.0.0.0/16", ZONES, max_nodes=120, max_pods_per_node=64, service_cidr="172.16.0.0/16")


@pytest.fixture
def data() -> DataSettings:
    return settings()
