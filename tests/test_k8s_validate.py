"""livecommerce.k8s_validate: built-in kinds against kubernetes-validate's schemas, per cluster version."""

from __future__ import annotations

import pytest

from livecommerce.k8s_validate import schema_version, supported_versions, validate_builtin


def hpa(**spec) -> dict:
    base = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
        "minReplicas": 2,
        "maxReplicas": 10,
        "metrics": [
            {
                "type": "Resource",
                "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}},
            }
        ],
    }
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web", "namespace": "live"},
        "spec": base | spec,
    }


def test_shipped_versions_are_distinct_and_ordered():
    versions = supported_versions()
    assert versions == sorted(set(versions), key=lambda v: tuple(map(int, v.split("."))))
    assert "1.33.0" in versions


@pytest.mark.parametrize(
    ("cluster", "expected"),
    [
        ("1.33.1-aliyun.1", "1.33.0"),
        ("v1.31.7-aliyun.1", "1.31.0"),
        ("1.30", "1.30.0"),
    ],
)
def test_cluster_versions_map_to_their_minor(cluster, expected):
    assert schema_version(cluster) == expected


def test_versions_outside_the_shipped_range_map_to_the_nearest_end():
    versions = supported_versions()
    assert schema_version("1.99.0") == versions[-1]
    assert schema_version("1.20.11-aliyun.1") == versions[0]
    # Numeric, not string, order: 1.9 is older than 1.25, so it gets the oldest schemas, not 1.9x.
    assert schema_version("1.9.0") == versions[0]


def test_garbage_version_is_refused():
    with pytest.raises(ValueError, match="expected something like 1.33"):
        schema_version("latest")


def test_valid_hpa_has_no_problems():
    assert validate_builtin(hpa(), "1.33.1-aliyun.1") == []


def test_all_problems_are_reported_with_paths():
    problems = validate_builtin(hpa(minReplica=3, maxReplicas="ten"), "1.33.1-aliyun.1")
    assert problems == [
        "spec: Additional properties are not allowed ('minReplica' was unexpected)",
        "spec.maxReplicas: 'ten' is not of type 'integer'",
    ]


def test_api_versions_the_cluster_does_not_serve_are_problems():
    obj = hpa() | {"apiVersion": "autoscaling/v2beta2"}
    assert validate_builtin(obj, "1.33") == [
        "(root): Kubernetes 1.33.0 has no HorizontalPodAutoscaler in autoscaling/v2beta2"
    ]


def test_missing_kind_is_a_problem():
    assert validate_builtin({"apiVersion": "v1"}, "1.33") == ["(root): apiVersion and kind must both be strings"]


def test_group_with_domain_resolves():
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "r", "namespace": "live"},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}],
    }
    assert validate_builtin(role, "1.33") == []
    role["rules"][0]["verb"] = ["get"]
    assert validate_builtin(role, "1.33") == ["rules.0: Additional properties are not allowed ('verb' was unexpected)"]
