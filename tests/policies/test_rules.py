"""Every rule: a compliant and a violating plan, through the engine-faithful evaluator."""

from __future__ import annotations

import pytest

from policies.livecommerce_guard import POLICIES

from .cases import CASES
from .harness import all_mandatory_config, findings, plan


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory):
    return all_mandatory_config(tmp_path_factory.mktemp("cfg"))


def test_every_rule_has_cases():
    assert sorted(CASES) == sorted(p.name for p in POLICIES)


@pytest.mark.parametrize("rule", sorted(CASES))
def test_compliant_plan_passes(rule, config_dir):
    good, _, _ = CASES[rule]
    got = findings(plan(*good), config_dir, rule=rule)
    assert got == [], [f.problem for f in got]


@pytest.mark.parametrize("rule", sorted(CASES))
def test_violating_plan_is_caught_on_the_right_resource(rule, config_dir):
    _, bad, name = CASES[rule]
    got = findings(plan(*bad), config_dir, rule=rule)
    assert got, f"{rule} did not fire"
    assert {f.resource for f in got} == {name}
    for f in got:
        assert f.status == "violation" and f.level == "mandatory"
        assert f.problem and f.fix


def test_the_arms_prometheus_addon_counts_as_cluster_monitoring(config_dir):
    """The ACK addon and arms.Prometheus(aliyun-cs) bind the same cluster-level instance (alicloud-api.md)."""
    from . import cases as C

    rule = "alicloud-arms-prometheus-require-cluster-monitoring"
    assert findings(plan(C.ACK, C.ARMS_ADDON), config_dir, rule=rule) == []
    other = C.mutate(C.ARMS_ADDON, C.setv(("name",), "metrics-server"))
    assert [f.resource for f in findings(plan(C.ACK, other), config_dir, rule=rule)] == ["ack"]
