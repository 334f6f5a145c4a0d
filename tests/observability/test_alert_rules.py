"""The alert-rule generator: rules per target kind and tier, labels, and PromQL a real parser accepts."""

from __future__ import annotations

import dataclasses

import promql_parser
import pytest
from hypothesis import given, settings as hyp_settings, strategies as st

from components.observability import alert_rules as ar
from components.observability.settings import ThresholdSettings
from livecommerce.engine import read_stack_file
from stacks.config import check_stack_config
from tests.observability.helpers import CLUSTER, FN, IDC, ORDER, SHOP, stack_plan

PROD = ThresholdSettings()
KW = {"stack": "t", "team": "live", "runbook_base_url": "https://runbooks.example.com/alerts"}


def by_signal(rules):
    return {r.signal: r for r in rules}


def parse(expr: str):
    """promql-parser raises ValueError on anything Prometheus would reject."""
    return promql_parser.parse(expr)


def test_every_service_gets_the_seven_signals_with_labels():
    rules = ar.rules_for(SHOP, PROD, **KW)
    assert [r.signal for r in rules] == ["error-rate", "latency-p99", "cpu-saturation", "memory-saturation",
                                         "restarts", "pods-not-ready", "hpa-at-max"]
    for r in rules:
        assert r.labels["service"] == "shop" and r.labels["team"] == "live" and r.labels["env"] == "t"
        assert r.labels["signal"] == r.signal and r.labels["severity"] == r.severity
        assert r.labels["runbook"] == f"https://runbooks.example.com/alerts/service/{r.signal}"
        assert r.name == f"t-service-shop-{r.signal}"
        parse(r.expression)


def test_service_expressions_select_the_service_and_only_its_pods():
    rules = by_signal(ar.rules_for(SHOP, PROD, **KW))
    assert 'service="t-shop"' in rules["error-rate"].expression
    assert rules["error-rate"].expression.endswith("> 1")
    assert 'pod=~"(shop-v1|shop-v1-1)-[a-z0-9]+-[a-z0-9]+"' in rules["restarts"].expression
    assert 'deployment=~"shop-v1|shop-v1-1"' in rules["pods-not-ready"].expression
    assert 'horizontalpodautoscaler="shop-v1"' in rules["hpa-at-max"].expression
    assert "kube_horizontalpodautoscaler_spec_max_replicas" in rules["hpa-at-max"].expression


def test_live_facing_hpa_at_max_pages_others_warn():
    assert by_signal(ar.rules_for(SHOP, PROD, **KW))["hpa-at-max"].severity == "critical"
    assert by_signal(ar.rules_for(ORDER, PROD, **KW))["hpa-at-max"].severity == "warning"


def test_cpu_without_a_limit_is_measured_against_the_request():
    limited = by_signal(ar.rules_for(SHOP, PROD, **KW))["cpu-saturation"].expression
    assert "kube_pod_container_resource_limits" in limited
    cpu = by_signal(ar.rules_for(ORDER, PROD, **KW))["cpu-saturation"].expression
    assert "kube_pod_container_resource_requests" in cpu and "resource_limits" not in cpu


def test_cluster_rules_watch_eci_pending_and_each_node_pool_max():
    rules = by_signal(ar.rules_for(CLUSTER, PROD, **KW))
    assert list(rules) == ["eci-pending", "node-pool-at-max", "node-memory-pressure", "node-disk-pressure"]
    assert rules["eci-pending"].severity == "critical"
    assert 'node=~"virtual-kubelet.*"' in rules["eci-pending"].expression
    pool = rules["node-pool-at-max"].expression
    assert 'label_livecommerce_io_node_pool="steady"}) >= 6' in pool and '="system"}) >= 3' in pool
    assert all(r.labels["cluster"] == "livecommerce-t" for r in rules.values())
    for r in rules.values():
        parse(r.expression)


def test_registered_cluster_rules_carry_its_id():
    rules = ar.rules_for(IDC, PROD, **KW)
    assert [r.signal for r in rules] == ["node-memory-pressure", "node-disk-pressure"]
    assert all(r.labels["cluster_id"] == IDC.cluster_id and r.labels["cluster"] == "idc" for r in rules)


def test_function_rules_errors_throttles_and_duration_near_timeout():
    rules = by_signal(ar.rules_for(FN, PROD, **KW))
    assert list(rules) == ["errors", "throttles", "duration-near-timeout"]
    # 80% of a 600 s timeout, in ms (CloudMonitor reports durations in ms).
    assert rules["duration-near-timeout"].expression.endswith("> 480000")
    assert all('functionName="livecommerce-t-transcoder"' in r.expression for r in rules.values())
    assert all(r.labels["function"] == "livecommerce-t-transcoder" for r in rules.values())


def test_thresholds_per_tier_come_from_the_stack_files():
    def tier(env):
        sf = read_stack_file(env)
        return check_stack_config(sf.config, env, env).observability.thresholds

    prod, dev = by_signal(ar.rules_for(SHOP, tier("prod"), **KW)), by_signal(ar.rules_for(SHOP, tier("dev"), **KW))
    assert prod["error-rate"].expression.endswith("> 1") and dev["error-rate"].expression.endswith("> 10")
    assert prod["latency-p99"].expression.endswith("> 800") and dev["latency-p99"].expression.endswith("> 3000")
    assert prod["pods-not-ready"].duration_minutes < dev["pods-not-ready"].duration_minutes


def test_adding_a_target_kind_is_one_entry(monkeypatch):
    @dataclasses.dataclass(frozen=True)
    class QueueTarget:
        name: str

        @property
        def key(self):
            return self.name

    backlog = ar.Signal("backlog", "{target} backlog grows", lambda t, env: "warning",
                        lambda t, th: f'sum(mns_queue_messages{{queue="{t.name}"}}) > 1000', lambda th: 5)
    monkeypatch.setitem(ar.TARGET_KINDS, "topic", ar.TargetKind("topic", QueueTarget, "topic", (backlog,)))
    (rule,) = ar.rules_for(QueueTarget("dlq"), PROD, **KW)
    assert rule.labels["topic"] == "dlq" and rule.name == "t-topic-dlq-backlog"
    assert ar.expected_signals("topic") == ["backlog"]


def test_duplicate_targets_are_refused():
    with pytest.raises(ValueError, match="duplicate names t-service-shop-cpu-saturation, .*t-service-shop-error-rate"):
        ar.all_rules([SHOP, SHOP], PROD, **KW)


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_every_rule_of_every_shipped_stack_parses(env):
    plan = stack_plan(env)
    rules = [r for r in plan["resources"] if r["type"] == "alicloud:arms/prometheusAlertRule:PrometheusAlertRule"]
    assert rules
    for r in rules:
        parse(r["inputs"]["expression"])


names = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)


@hyp_settings(max_examples=60, deadline=None)
@given(name=names, ns=names, versions=st.lists(st.from_regex(r"v[0-9]{1,2}(\.[0-9]{1,2})?", fullmatch=True),
                                               min_size=1, max_size=3, unique=True),
       error=st.floats(min_value=0.01, max_value=100), p99=st.integers(10, 600000),
       live=st.booleans(), limited=st.booleans())
def test_generated_promql_always_parses(name, ns, versions, error, p99, live, limited):
    deployments = tuple(f"{name}-{v.replace('.', '-')}" for v in versions)
    target = ar.ServiceTarget(name, ns, f"prod-{name}", deployments, deployments[0], live, limited)
    th = ThresholdSettings(error_rate_percent=error, latency_p99_ms=p99)
    for rule in ar.rules_for(target, th, **KW):
        parse(rule.expression)
        assert f'"{ns}"' in rule.expression or f'"prod-{name}"' in rule.expression


@hyp_settings(max_examples=40, deadline=None)
@given(pools=st.dictionaries(names, st.integers(1, 1000), max_size=4))
def test_node_pool_rule_parses_for_any_pools(pools):
    (rule,) = [r for r in ar.rules_for(ar.ClusterTarget("c", pools), PROD, **KW) if r.signal == "node-pool-at-max"]
    parse(rule.expression)
    for pool, size in pools.items():
        assert f'="{pool}"}}) >= {size}' in rule.expression
