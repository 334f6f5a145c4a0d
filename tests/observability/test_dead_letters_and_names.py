"""The media dead-letter queue as an alert target, and names that come from one place only."""

from __future__ import annotations

import copy
import dataclasses
import json

import promql_parser
import pulumi
import pytest

from components.observability import alert_rules as ar
from components.observability.settings import ThresholdSettings
from components.observability.targets import queue_target
from livecommerce.coverage import coverage
from tests.observability.helpers import ALERT_RULE, CLUSTER, FN, IDC, SHOP, build, labels, of, one, stack_plan

PROD = ThresholdSettings()
KW = {"team": "live", "runbook_base_url": "https://runbooks.example.com/alerts"}
TIERS = {"prod": "critical", "staging": "warning", "dev": "warning"}
DLQ = queue_target("transcoder-dlq", "livecommerce-t-transcoder-dlq")
QUEUE = "alicloud:message/serviceQueue:ServiceQueue"


# ---- the signal ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("stack", "tier"), [("prod", "prod"), ("prod-sg", "prod"), ("staging", "staging"),
                                           ("dev", "dev")])
def test_a_dead_letter_queue_pages_where_the_tier_says_and_warns_elsewhere(stack, tier):
    from stacks.tiers import TIERS as TABLE

    severity = TABLE[tier].backlog_severity
    assert severity == TIERS[tier]
    (rule,) = ar.rules_for(DLQ, PROD, stack=stack, backlog_severity=severity, **KW)
    assert rule.signal == "dead-letters" and rule.severity == severity and rule.labels["severity"] == severity
    assert rule.kind == "queue" and rule.name == f"{stack}-queue-transcoder-dlq-dead-letters"
    assert rule.labels["queue"] == "livecommerce-t-transcoder-dlq" and rule.labels["env"] == stack
    assert rule.labels["runbook"] == "https://runbooks.example.com/alerts/queue/dead-letters"


def test_the_queue_expression_parses_and_fires_on_any_message_visible_or_in_flight():
    (rule,) = ar.rules_for(DLQ, PROD, stack="prod", **KW)
    promql_parser.parse(rule.expression)
    assert {"aliyun_acs_mns_new_ActiveMessages", "aliyun_acs_mns_new_InactiveMessages"} <= set(
        ar.QUEUE_MESSAGE_METRICS)
    for metric in ar.QUEUE_MESSAGE_METRICS:
        assert f'max(max_over_time({metric}{{queue="livecommerce-t-transcoder-dlq"}}[10m])) > 0' in rule.expression
    # `or`, not `+`: a missing series must not silence the others; any message at all fires.
    assert rule.expression.count(" or ") == len(ar.QUEUE_MESSAGE_METRICS) - 1 and "+" not in rule.expression
    assert rule.duration_minutes == 1


def test_queue_names_are_quoted_safely():
    (rule,) = ar.rules_for(queue_target("q", 'odd"name'), PROD, stack="prod", **KW)
    promql_parser.parse(rule.expression)
    assert 'queue="odd\\"name"' in rule.expression


# ---- the table is the design -----------------------------------------------------------------------
def test_every_target_type_has_exactly_one_kind():
    types = [k.target_type for k in ar.TARGET_KINDS.values()]
    assert len(types) == len(set(types))
    for target in (CLUSTER, IDC, SHOP, FN, DLQ):
        assert ar.kind_of(target).target_type is type(target)


def test_a_target_type_without_a_kind_is_named():
    @dataclasses.dataclass(frozen=True)
    class Topic:
        name: str
        key: str = "t"

    with pytest.raises(KeyError, match="no entry in TARGET_KINDS for target type Topic"):
        ar.rules_for(Topic("x"), PROD, stack="prod", **KW)


def test_a_new_plan_resource_kind_shows_up_in_coverage_from_its_table_entry_alone(monkeypatch):
    # A kind with a plan_resource needs nothing in coverage.py: the buckets appear as targets (here with
    # no rules, so as gaps).
    @dataclasses.dataclass(frozen=True)
    class BucketTarget:
        name: str
        key: str = "b"

    sig = ar.Signal("x", "{target}", lambda t, env: "warning", lambda t, th: "vector(1) > 0", lambda th: 1)
    monkeypatch.setitem(ar.TARGET_KINDS, "bucket", ar.TargetKind(
        "bucket", BucketTarget, "bucket", (sig,), plan_resource=("alicloud:oss/bucket:Bucket", "bucket")))
    cov = coverage(stack_plan("dev"))
    buckets = {g["target"] for g in cov["gaps"] if g["kind"] == "bucket"}
    assert buckets and all(g["problem"] == "no alert rules" for g in cov["gaps"] if g["kind"] == "bucket")
    assert {t["name"] for t in cov["targets"] if t["kind"] == "bucket"} == buckets


# ---- the Monitoring component ----------------------------------------------------------------------
def test_a_queue_name_known_only_as_an_output_fills_its_rule():
    late = queue_target("transcoder-dlq", pulumi.Output.from_input("dlq-from-component"))  # type: ignore[arg-type]
    plan = build(targets=[late])
    rule = one(plan, ALERT_RULE, "t-obs-rule-queue-transcoder-dlq-dead-letters")
    assert 'queue="dlq-from-component"' in rule["inputs"]["expression"]
    assert labels(rule)["queue"] == "dlq-from-component" and labels(rule)["severity"] == "warning"
    assert "dlq-from-component" in rule["inputs"]["message"]
    assert "__livecommerce_target_name__" not in json.dumps(plan)


# ---- the shipped stacks ----------------------------------------------------------------------------
@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_the_media_dead_letter_queue_is_a_routed_target(env):
    plan = stack_plan(env)
    (queue,) = of(plan, QUEUE)
    name = queue["inputs"]["queueName"]
    (target,) = [t for t in coverage(plan)["targets"] if t["kind"] == "queue"]
    assert target["name"] == name and target["missing"] == [] and target["unrouted"] == []
    signal = target["signals"]["dead-letters"]
    assert signal["severity"] == ("critical" if env == "prod" else "warning")
    assert signal["routes"], "the dead-letter signal must reach a person"


def test_prod_pages_for_dead_letters_at_any_hour():
    (target,) = [t for t in coverage(stack_plan("prod"))["targets"] if t["kind"] == "queue"]
    assert any("00:00-23:59" in r and "sms" in r for r in target["signals"]["dead-letters"]["routes"])


def test_removing_the_queue_rule_is_a_gap():
    plan = copy.deepcopy(stack_plan("prod"))
    plan["resources"] = [r for r in plan["resources"] if not (r["type"] == ALERT_RULE and "queue" in labels(r))]
    (queue,) = of(plan, QUEUE)
    assert {(g["target"], g["problem"]) for g in coverage(plan)["gaps"]} == {
        (queue["inputs"]["queueName"], "no alert rules")}


# ---- names from one place --------------------------------------------------------------------------
def test_rule_labels_carry_the_names_the_resources_were_given():
    plan = stack_plan("prod")
    cluster = one(plan, "alicloud:cs/managedKubernetes:ManagedKubernetes")["inputs"]["name"]
    functions = {r["inputs"]["functionName"] for r in of(plan, "alicloud:fc/v3Function:V3Function")}
    queue = one(plan, QUEUE)["inputs"]["queueName"]
    rules = [labels(r) for r in of(plan, ALERT_RULE)]
    assert {lab["cluster"] for lab in rules if lab.get("cluster") and "cluster_id" not in lab} == {cluster}
    assert {lab["function"] for lab in rules if "function" in lab} == functions  # the transcoder and its worker
    assert {lab["queue"] for lab in rules if "queue" in lab} == {queue}


def test_renaming_the_cluster_in_its_one_place_renames_the_rules_too(monkeypatch):
    # The naming function is the only derivation: change it and both the cluster and its rules follow,
    # so the coverage summary still shows no gap.
    from components.container_platform import cluster as cluster_module
    from livecommerce.engine import run_preview

    monkeypatch.setattr(cluster_module, "cluster_name", lambda naming: f"renamed-{naming.stack}")
    plan = run_preview("dev").plan
    assert one(plan, "alicloud:cs/managedKubernetes:ManagedKubernetes")["inputs"]["name"] == "renamed-dev"
    cov = coverage(plan)
    assert cov["gaps"] == []
    assert [t["name"] for t in cov["targets"] if t["kind"] == "cluster"] == ["renamed-dev"]
