"""The Monitoring component built alone under the recording mocks."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from components.observability.alert_rules import FunctionTarget
from components.observability.settings import MetricsSettings
from tests.observability.helpers import (
    ALERT_RULE,
    DINGTALK_URL,
    DISPATCH,
    IDC,
    PHONE,
    SECRET_PLACEHOLDER,
    WEBHOOK_URL,
    build,
    labels,
    of,
    one,
    settings,
)

COMPONENT = "livecommerce:observability:Monitoring"


@pytest.fixture(scope="module")
def plan():
    return build()


def test_prometheus_is_bound_to_the_cluster_with_retention(plan):
    comp = one(plan, COMPONENT)
    prom = one(plan, "alicloud:arms/prometheus:Prometheus")
    assert prom["name"] == "t-obs-prometheus" and prom["parent"] == comp["urn"]
    i = prom["inputs"]
    assert i["clusterType"] == "aliyun-cs" and i["clusterId"] == "c" + "1" * 32
    # Retention is the storage period; the archive after it is off unless asked for (0/60/90/180/365 only).
    assert i["grafanaInstanceId"] == "free" and i["duration"] == 90 and i["archiveDuration"] == 0
    assert i["tags"] == {"env": "t", "owner": "team", "role": "metrics"}


@pytest.mark.parametrize("days", [0, 60, 90, 180, 365])
def test_metrics_archive_takes_only_the_values_arms_accepts(days):
    assert MetricsSettings(archive_days=days).archive_days == days


@pytest.mark.parametrize("days", [7, 30, 120, 366])
def test_metrics_archive_refuses_other_values(days):
    with pytest.raises(ValidationError, match="archive_days"):
        MetricsSettings(archive_days=days)


def test_registered_cluster_gets_an_environment_with_its_metric_agent(plan):
    env = one(plan, "alicloud:arms/environment:Environment")
    assert env["name"] == "t-obs-env-idc"
    assert env["inputs"]["environmentType"] == "CS"
    assert env["inputs"]["environmentSubType"] == "ExternalKubernetes"
    assert env["inputs"]["bindResourceId"] == IDC.cluster_id
    feature = one(plan, "alicloud:arms/envFeature:EnvFeature")
    assert feature["inputs"]["envFeatureName"] == "metric-agent"
    assert feature["propertyDependencies"]["environmentId"] == [env["urn"]]


def test_daily_report_always_names_its_times():
    # CreateOrUpdateIMRobot: "If you set DailyNoc to true, the DailyNocTime parameter is required".
    off = one(build(), "alicloud:arms/alertRobot:AlertRobot")["inputs"]
    assert off["dailyNoc"] is False and "dailyNocTime" not in off
    on = settings(dingtalk={"name": "ops", "webhook_secret": "dingtalk-webhook", "daily_report": True})
    robot = one(build(on), "alicloud:arms/alertRobot:AlertRobot")["inputs"]
    assert robot["dailyNoc"] is True and robot["dailyNocTime"] == "09:30"
    twice = settings(dingtalk={"name": "ops", "webhook_secret": "dingtalk-webhook", "daily_report": True,
                               "daily_report_times": ["18:00", "09:00"]})
    assert one(build(twice), "alicloud:arms/alertRobot:AlertRobot")["inputs"]["dailyNocTime"] == "09:00,18:00"


@pytest.mark.parametrize("times,message", [([], "at least 1 item"), (["9:30"], "use HH:MM"),
                                           (["24:00"], "use HH:MM"), (["09:30", "09:30"], "list each time once")])
def test_daily_report_times_are_checked(times, message):
    with pytest.raises(ValidationError, match=message):
        settings(dingtalk={"name": "ops", "webhook_secret": "w-hook", "daily_report": True,
                           "daily_report_times": times})


def test_contacts_robot_and_webhook_keep_their_secrets_secret(plan):
    oncall = one(plan, "alicloud:arms/alertContact:AlertContact", "t-obs-contact-oncall")
    assert oncall["inputs"]["phoneNum"] == "[secret]" and oncall["inputs"]["email"] == "oncall@example.com"
    lead = one(plan, "alicloud:arms/alertContact:AlertContact", "t-obs-contact-lead")
    assert "phoneNum" not in lead["inputs"]
    group = one(plan, "alicloud:arms/alertContactGroup:AlertContactGroup")
    assert set(group["propertyDependencies"]["contactIds"]) == {oncall["urn"], lead["urn"]}
    robot = one(plan, "alicloud:arms/alertRobot:AlertRobot")
    assert robot["inputs"]["robotType"] == "dingding" and robot["inputs"]["robotAddr"] == "[secret]"
    hook = one(plan, "pulumi-python:dynamic/arms:WebhookContact")
    assert hook["inputs"]["url"] == "[secret]" and hook["inputs"]["name"] == "livecommerce-t-bridge"
    text = json.dumps(plan)
    for value in (PHONE, DINGTALK_URL, WEBHOOK_URL, "fakeDingTalkToken42", "fakeWebhookToken77", SECRET_PLACEHOLDER):
        assert value not in text


def test_missing_secret_value_is_a_clear_error():
    with pytest.raises(Exception, match="no value passed for secret config key oncall-phone"):
        build(secrets={"dingtalk-webhook": "x", "bridge-url": "y"})


def test_one_dispatch_rule_per_severity_routes_by_severity_and_env(plan):
    crit = one(plan, DISPATCH, "t-obs-route-critical")["inputs"]
    warn = one(plan, DISPATCH, "t-obs-route-warning")["inputs"]
    exprs = crit["labelMatchExpressionGrids"][0]["labelMatchExpressionGroups"][0]["labelMatchExpressions"]
    assert exprs == [{"key": "severity", "operator": "eq", "value": "critical"},
                     {"key": "env", "operator": "eq", "value": "t"}]
    (rule,) = crit["notifyRules"]
    assert rule["notifyChannels"] == ["sms", "dingTalk", "webhook"]
    assert (rule["notifyStartTime"], rule["notifyEndTime"]) == ("00:00", "23:59")
    assert [(o["notifyType"], o["name"]) for o in rule["notifyObjects"]] == [
        ("ARMS_CONTACT_GROUP", "livecommerce-t-oncall"), ("ARMS_ROBOT", "livecommerce-t-ops"),
        ("ARMS_CONTACT", "livecommerce-t-bridge")]
    (wrule,) = warn["notifyRules"]
    assert wrule["notifyChannels"] == ["dingTalk"] and (wrule["notifyStartTime"], wrule["notifyEndTime"]) == (
        "09:00", "23:00")
    assert crit["groupRules"] == [{"groupWaitTime": 10, "groupInterval": 60, "repeatInterval": 600,
                                   "groupingFields": ["alertname", "service"]}]


def test_every_alert_rule_is_routed_to_the_policy_of_its_severity(plan):
    routes = {r["inputs"]["labelMatchExpressionGrids"][0]["labelMatchExpressionGroups"][0]
              ["labelMatchExpressions"][0]["value"]: r["urn"] for r in of(plan, DISPATCH)}
    rules = of(plan, ALERT_RULE)
    # 7 per service x 2, 4 for the cluster, 2 for the registered cluster, 3 for the function.
    assert len(rules) == 14 + 4 + 2 + 3
    for r in rules:
        assert r["inputs"]["notifyType"] == "DISPATCH_RULE"
        assert r["propertyDependencies"]["dispatchRuleId"] == [routes[labels(r)["severity"]]]


def test_registered_cluster_rules_use_its_prometheus_and_wait_for_the_agent(plan):
    feature = one(plan, "alicloud:arms/envFeature:EnvFeature")
    prom = one(plan, "alicloud:arms/prometheus:Prometheus")
    for r in of(plan, ALERT_RULE):
        if labels(r).get("cluster_id"):
            assert r["inputs"]["clusterId"] == IDC.cluster_id and feature["urn"] in r["dependencies"]
        else:
            assert r["propertyDependencies"]["clusterId"] == [prom["urn"]]


def test_rule_inputs_name_duration_and_annotations(plan):
    r = one(plan, ALERT_RULE, "t-obs-rule-service-shop-error-rate")["inputs"]
    assert r["prometheusAlertRuleName"] == "t-service-shop-error-rate" and r["duration"] == "3"
    assert {a["name"] for a in r["annotations"]} == {"summary", "runbook_url"}
    assert r["message"].startswith("[t] shop")


def test_a_function_name_known_only_as_an_output_fills_the_rules():
    import pulumi

    late = FunctionTarget("transcoder", pulumi.Output.from_input("fn-from-component"), 600)  # type: ignore[arg-type]
    plan = build(functions=[late])
    rule = one(plan, ALERT_RULE, "t-obs-rule-function-transcoder-errors")
    assert 'functionName="fn-from-component"' in rule["inputs"]["expression"]
    assert labels(rule)["function"] == "fn-from-component"
    assert "__livecommerce_target_name__" not in json.dumps(plan)


def test_synthetic_probe_from_several_cities_with_status_and_latency_assertions(plan):
    task = one(plan, "alicloud:arms/syntheticTask:SyntheticTask")
    i = task["inputs"]
    assert task["name"] == "t-obs-probe-shop" and i["syntheticTaskName"] == "livecommerce-t-probe-shop"
    assert i["taskType"] == 4 and i["frequency"] == "1m" and i["status"] == "RUNNING"
    assert {m["cityCode"] for m in i["monitors"]} == {"1100101", "3100101"}
    assert i["monitorConf"]["apiHttp"]["targetUrl"] == "https://api.example.com/api/shop/health"
    assert {(a["type"], a["operator"], a["expect"]) for a in i["availableAssertions"]} == {
        ("HttpResCode", "eq", "200"), ("HttpResponseTime", "lt", "2000")}


def test_no_probes_when_synthetics_are_off():
    plan = build(settings(synthetics={"enabled": False}))
    assert of(plan, "alicloud:arms/syntheticTask:SyntheticTask") == []


def test_rum_apps_for_h5_and_mini_program(plan):
    apps = {r["name"]: r["inputs"] for r in of(plan, "pulumi-python:dynamic/arms:RumApp")}
    assert set(apps) == {"t-obs-rum-h5", "t-obs-rum-mini-program"}
    assert apps["t-obs-rum-h5"]["site_type"] == "web" and apps["t-obs-rum-mini-program"]["site_type"] == "miniapp"
    assert apps["t-obs-rum-h5"]["name"] == "livecommerce-t-h5" and apps["t-obs-rum-h5"]["region"] == "cn-hangzhou"


def test_every_child_is_parented_to_the_component(plan):
    comp = one(plan, COMPONENT)
    children = [r for r in plan["resources"] if r["type"] not in (COMPONENT, "pulumi:pulumi:Stack")]
    assert children and all(r["parent"] == comp["urn"] for r in children)
    assert all(r["name"].startswith("t-obs-") for r in children)
