"""The coverage summary, computed from the plan alone."""

from __future__ import annotations

import copy
import io

import pytest
from rich.console import Console

from livecommerce.coverage import coverage, render_text
from tests.observability.helpers import ALERT_RULE, DISPATCH, labels, stack_plan


@pytest.fixture(scope="module")
def prod_plan():
    return stack_plan("prod")


def gaps_for(cov, name):
    return [g["problem"] for g in cov["gaps"] if g["target"] == name]


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_shipped_stacks_have_no_gaps(env):
    plan = stack_plan(env)
    cov = coverage(plan)
    assert cov["gaps"] == []
    kinds = {t["kind"] for t in cov["targets"]}
    assert {"cluster", "service", "function"} <= kinds


def test_prod_targets_cover_every_service_cluster_and_function(prod_plan):
    cov = coverage(prod_plan)
    services = {t["name"] for t in cov["targets"] if t["kind"] == "service"}
    deployed = {r["inputs"]["metadata"]["labels"]["app.kubernetes.io/name"]
                for r in prod_plan["resources"] if r["type"] == "kubernetes:apps/v1:Deployment"}
    assert services == deployed and len(services) >= 2
    (cluster,) = [t for t in cov["targets"] if t["kind"] == "cluster"]
    assert cluster["name"] == "livecommerce-prod" and set(cluster["signals"]) == set(cluster["expected"])
    (reg,) = [t for t in cov["targets"] if t["kind"] == "registered-cluster"]
    assert reg["name"].startswith("idc-shanghai (c")
    shop = next(t for t in cov["targets"] if t["name"] == "shop")
    assert shop["signals"]["error-rate"]["severity"] == "critical"
    assert any("sms+email+dingTalk+webhook 00:00-23:59" in r for r in shop["signals"]["error-rate"]["routes"])


def test_a_service_whose_rules_were_removed_is_a_gap(prod_plan):
    plan = copy.deepcopy(prod_plan)
    plan["resources"] = [r for r in plan["resources"]
                         if not (r["type"] == ALERT_RULE and labels(r).get("service") == "shop")]
    cov = coverage(plan)
    assert gaps_for(cov, "shop") == ["no alert rules"]
    assert all(g["target"] == "shop" for g in cov["gaps"])


def test_one_missing_signal_is_named(prod_plan):
    plan = copy.deepcopy(prod_plan)
    plan["resources"] = [r for r in plan["resources"] if not (
        r["type"] == ALERT_RULE and labels(r).get("service") == "order" and labels(r)["signal"] == "hpa-at-max")]
    assert gaps_for(coverage(plan), "order") == ["no rule for hpa-at-max"]


def test_a_severity_without_a_route_is_a_gap(prod_plan):
    plan = copy.deepcopy(prod_plan)
    plan["resources"] = [r for r in plan["resources"] if not (r["type"] == DISPATCH and r["name"].endswith("warning"))]
    cov = coverage(plan)
    problems = gaps_for(cov, "shop")
    assert "latency-p99 (warning) reaches no one: no notification policy matches its labels" in problems
    assert not any("error-rate" in p for p in problems)


def test_a_route_with_no_recipients_does_not_count(prod_plan):
    plan = copy.deepcopy(prod_plan)
    for r in plan["resources"]:
        if r["type"] == DISPATCH and r["name"].endswith("critical"):
            r["propertyDependencies"]["notifyRules"] = []
    cov = coverage(plan)
    assert any(g["problem"].startswith("error-rate (critical) reaches no one") for g in cov["gaps"])
    assert [r["reaches_person"] for r in cov["routes"] if r["name"].endswith("critical")] == [False]


def test_a_route_for_another_env_does_not_match(prod_plan):
    plan = copy.deepcopy(prod_plan)
    for r in plan["resources"]:
        if r["type"] == DISPATCH:
            for grid in r["inputs"]["labelMatchExpressionGrids"]:
                for group in grid["labelMatchExpressionGroups"]:
                    for e in group["labelMatchExpressions"]:
                        if e["key"] == "env":
                            e["value"] = "dev"
    assert len(coverage(plan)["gaps"]) > 0


def test_a_function_without_rules_is_a_gap():
    plan = {"resources": [{"urn": "u1", "type": "alicloud:fc/v3Function:V3Function", "name": "fn",
                           "inputs": {"functionName": "lc-fn"}}]}
    assert coverage(plan)["gaps"] == [{"kind": "function", "target": "lc-fn", "problem": "no alert rules"}]


def test_text_summary_lists_targets_routes_and_gaps(prod_plan):
    plan = copy.deepcopy(prod_plan)
    plan["resources"] = [r for r in plan["resources"]
                         if not (r["type"] == ALERT_RULE and labels(r).get("service") == "shop")]
    buf = io.StringIO()
    render_text(coverage(plan), Console(file=buf, width=160, no_color=True))
    text = buf.getvalue()
    assert "Observability coverage" in text and "livecommerce-prod" in text
    assert "route prod-observability-route-critical: sms+email+dingTalk+webhook 00:00-23:59" in text
    assert "1 observability gap(s):" in text and "gap: service shop: no alert rules" in text
    buf = io.StringIO()
    render_text(coverage(prod_plan), Console(file=buf, width=160, no_color=True))
    assert "observability: no gaps" in buf.getvalue()
