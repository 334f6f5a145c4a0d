"""MSE Ingress base + canary objects at the entry (platform facts 4.4)."""

from __future__ import annotations

import pytest

from components.workloads import canary
from components.workloads.service_settings import CanaryRoute
from livecommerce.k8s_validate import validate_builtin
from tests.workloads.conftest import IMAGE, K8S_VERSION, service

LABELS = {"app.kubernetes.io/name": "shop"}


@pytest.mark.parametrize(("route", "expected"), [
    ({"header": "x-mse-tag", "header_value": "gray"},
     {"canary-by-header": "x-mse-tag", "canary-by-header-value": "gray"}),
    ({"header": "x-canary"}, {"canary-by-header": "x-canary"}),
    ({"cookie": "canary_order"}, {"canary-by-cookie": "canary_order"}),
    ({"weight_percent": 5}, {"canary-weight": "5"}),
    ({"header": "h", "cookie": "c", "weight_percent": 0},
     {"canary-by-header": "h", "canary-by-cookie": "c", "canary-weight": "0"}),
])
def test_canary_annotations(route: dict, expected: dict) -> None:
    got = canary.canary_annotations(CanaryRoute(version="v1.1", **route))
    prefix = "nginx.ingress.kubernetes.io/"
    assert got == {prefix + "canary": "true", **{prefix + k: v for k, v in expected.items()}}


def test_base_and_canary_ingresses_split_by_version_service() -> None:
    svc = service(entry={"host": "api.live.example.com",
                         "canaries": [{"version": "v1.1", "header": "x-mse-tag", "header_value": "gray"}]})
    got = canary.entry_ingresses(svc, "trade", LABELS)
    assert sorted(got) == ["ingress", "v1-1-canary"]
    base, gray = got["ingress"], got["v1-1-canary"]
    for obj in (base, gray):
        assert obj["spec"]["ingressClassName"] == "mse"
        rule = obj["spec"]["rules"][0]
        assert rule["host"] == "api.live.example.com"
        assert rule["http"]["paths"][0]["path"] == "/api/shop"
        assert validate_builtin(obj, K8S_VERSION) == []
    assert base["metadata"]["name"] == "shop" and "annotations" not in base["metadata"]
    assert base["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"] == {"name": "shop-v1",
                                                                                  "port": {"number": 8080}}
    assert gray["metadata"]["name"] == "shop-v1-1-canary"
    assert gray["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary"] == "true"
    assert gray["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "shop-v1-1"


def test_without_canaries_the_ingress_targets_the_service_itself() -> None:
    svc = service(versions=[{"name": "v1", "image": IMAGE}], entry={})
    got = canary.entry_ingresses(svc, "trade", LABELS)
    assert list(got) == ["ingress"]
    assert "host" not in got["ingress"]["spec"]["rules"][0]
    assert got["ingress"]["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "shop"
    assert not canary.needs_version_services(svc)
    assert validate_builtin(got["ingress"], K8S_VERSION) == []


def test_internal_services_have_no_ingress() -> None:
    assert canary.entry_ingresses(service(entry=None), "trade", LABELS) == {}


def test_routed_versions() -> None:
    assert canary.routed_versions([service(), service(name="product", entry=None)]) == {"shop": ["v1.1"]}
