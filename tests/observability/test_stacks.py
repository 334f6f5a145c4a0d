"""Acceptance on the shipped stacks: `livecommerce preview <env> --json plan.json`."""

from __future__ import annotations

import json

import pytest

from livecommerce.cli import main
from livecommerce.engine import SECRET_PLACEHOLDER, read_stack_file
from livecommerce.plan import load_plan
from stacks.config import check_stack_config
from tests.observability.helpers import ALERT_RULE, DISPATCH, labels, of, one, stack_plan


@pytest.fixture(scope="module")
def prod(tmp_path_factory):
    import contextlib
    import io

    path = tmp_path_factory.mktemp("plan") / "plan.json"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["preview", "prod", "--json", str(path), "--quiet"])
    assert code == 0
    return load_plan(path), path.read_text(), out.getvalue()


def test_prometheus_bound_to_the_cluster(prod):
    plan, _, _ = prod
    cluster = one(plan, "alicloud:cs/managedKubernetes:ManagedKubernetes")
    prom = one(plan, "alicloud:arms/prometheus:Prometheus")
    assert prom["inputs"]["clusterType"] == "aliyun-cs"
    assert prom["propertyDependencies"]["clusterId"] == [cluster["urn"]]
    assert prom["inputs"]["duration"] == 180 and prom["inputs"]["archiveDuration"] == 0


def test_routes_people_and_rules(prod):
    plan, _, _ = prod
    assert len(of(plan, DISPATCH)) == 2
    assert of(plan, "alicloud:arms/alertContact:AlertContact") and of(plan, "alicloud:arms/alertRobot:AlertRobot")
    cfg = check_stack_config(read_stack_file("prod").config, "prod", "prod")
    live = [s.name for s in cfg.services if s.live_facing]
    assert live
    per_service = {}
    for r in of(plan, ALERT_RULE):
        if "service" in labels(r):
            per_service.setdefault(labels(r)["service"], []).append(r)
    for name in live:
        assert len(per_service[name]) >= 6, name
        assert {labels(r)["severity"] for r in per_service[name]} <= {"critical", "warning"}
        assert all(labels(r)["runbook"].startswith("https://") for r in per_service[name])


def test_synthetics_rum_and_logs(prod):
    plan, _, _ = prod
    assert of(plan, "alicloud:arms/syntheticTask:SyntheticTask")
    assert len(of(plan, "pulumi-python:dynamic/arms:RumApp")) == 2
    project = one(plan, "alicloud:log/project:Project")
    stores = of(plan, "alicloud:log/store:Store")
    # cdn-replay: the edge's replay CDN access logs (issue 14)
    assert {s["inputs"]["logstoreName"] for s in stores} == {"app-logs", "fc-transcoder", "cdn-replay"}
    assert all(s["inputs"]["retentionPeriod"] == 180 for s in stores)
    outputs = plan["outputs"]
    for key in ("rumH5Pid", "rumH5Endpoint", "rumMiniProgramPid", "rumMiniProgramEndpoint", "logProject"):
        assert outputs.get(key), key
    assert outputs["logProject"] == project["inputs"]["projectName"]


def test_cluster_and_function_log_to_the_project(prod):
    plan, _, _ = prod
    project = one(plan, "alicloud:log/project:Project")
    cluster = one(plan, "alicloud:cs/managedKubernetes:ManagedKubernetes")
    assert project["urn"] in cluster["propertyDependencies"]["controlPlaneLogProject"]
    assert cluster["inputs"]["controlPlaneLogProject"] == project["inputs"]["projectName"]
    assert cluster["inputs"]["auditLogConfig"]["slsProjectName"] == project["inputs"]["projectName"]
    # Stack-managed project: ACK keeps it on cluster deletion (Pulumi deletes it).
    modes = {o["resourceType"]: o["deleteMode"] for o in cluster["inputs"]["deleteOptions"]}
    assert modes["SLS_ControlPlane"] == "retain"


def test_no_secret_value_or_placeholder_in_plan_or_output(prod):
    plan, text, printed = prod
    for blob in (text, printed):
        assert SECRET_PLACEHOLDER not in blob
        assert "oapi.dingtalk.com" not in blob and "access_token" not in blob
    for r in of(plan, "alicloud:arms/alertContact:AlertContact"):
        assert r["inputs"]["phoneNum"] == "[secret]"
    robot = one(plan, "alicloud:arms/alertRobot:AlertRobot")["inputs"]
    assert robot["robotAddr"] == "[secret]"
    assert robot["dailyNoc"] is True and robot["dailyNocTime"]  # prod posts the daily summary: times required
    assert one(plan, "pulumi-python:dynamic/arms:WebhookContact")["inputs"]["url"] == "[secret]"


def test_preview_prints_the_coverage_summary_without_gaps(prod):
    _, _, printed = prod
    assert "Observability coverage" in printed and "observability: no gaps" in printed


def test_dev_is_minimal():
    plan = stack_plan("dev")
    assert of(plan, "alicloud:arms/syntheticTask:SyntheticTask") == []
    assert of(plan, "alicloud:arms/alertContact:AlertContact") == []
    for d in of(plan, DISPATCH):
        (rule,) = d["inputs"]["notifyRules"]
        assert rule["notifyChannels"] == ["dingTalk"]
    assert json.dumps(plan).count(SECRET_PLACEHOLDER) == 0
