"""The data layer is watched: queue, cache and database alert kinds through the one rule generator, the
Monitoring component (ids known only as Outputs) and the coverage table."""

from __future__ import annotations

import pulumi
import pytest
from promql_parser import parse

from components.observability.alert_rules import TARGET_KINDS, all_rules, expected_signals
from components.observability.monitoring import Monitoring, MonitoringArgs
from components.observability.settings import ObservabilitySettings, ThresholdSettings
from components.observability.targets import cache_target, cluster_target, database_target, message_queue_target
from livecommerce.coverage import coverage
from components.naming import naming_for
from livecommerce.engine import record
from stacks.tiers import TIERS

TARGETS = [message_queue_target("rocketmq", "livecommerce-prod", "rmq-cn-1"),
           cache_target("tair", "livecommerce-prod-cache", "r-1"),
           database_target("polardb", "livecommerce-prod", "pc-1")]


def test_the_catalogue_asked_for():
    assert expected_signals("message-queue") == ["consumer-lag", "backlog", "send-throttled", "dead-letters"]
    assert expected_signals("cache") == ["memory", "connections", "hit-rate", "latency"]
    assert expected_signals("database") == ["cpu", "connections", "slow-queries", "replica-lag"]
    assert TARGET_KINDS["message-queue"].plan_resource == (
        "alicloud:rocketmq/rocketMQInstance:RocketMQInstance", "instanceName")


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_rules_parse_and_label_their_target(env):
    rules = all_rules(TARGETS, ThresholdSettings(), stack=env, team="t", runbook_base_url="https://runbooks",
                      backlog_severity=TIERS[env].backlog_severity)
    assert len(rules) == 12
    for r in rules:
        parse(r.expression)
        label = TARGET_KINDS[r.kind].label
        assert r.labels[label] in ("livecommerce-prod", "livecommerce-prod-cache")
        assert r.labels["runbook"] == f"https://runbooks/{r.kind}/{r.signal}"
    paging = {r.name for r in rules if r.severity == "critical"}
    if env == "prod":
        assert f"{env}-message-queue-rocketmq-dead-letters" in paging
        assert f"{env}-database-polardb-replica-lag" in paging
    else:
        assert paging == set()


def test_thresholds_reach_the_expressions():
    th = ThresholdSettings(mq_consumer_lag_seconds=30, cache_latency_ms=2.5, db_replica_lag_seconds=4)
    rules = {r.signal + "@" + r.kind: r.expression for r in all_rules(TARGETS, th, stack="prod", team="t",
                                                                       runbook_base_url="https://r")}
    assert rules["consumer-lag@message-queue"].endswith("> 30000")
    assert rules["latency@cache"].endswith("> 2500")
    assert 'clusterId="pc-1"' in rules["replica-lag@database"] and rules["replica-lag@database"].endswith("> 4")


def test_ids_known_only_as_outputs_fill_the_rules_and_coverage_lists_them():
    settings = ObservabilitySettings.model_validate({"dingtalk": {"name": "ops", "webhook_secret": "hook"}})

    def program():
        Monitoring("prod-observability", MonitoringArgs(
            naming=naming_for("prod"), settings=settings, team="t", backlog_severity="critical", cluster_id="c1",
            targets=[cluster_target("livecommerce-prod", {"steady": 3}),
                     message_queue_target("rocketmq", "livecommerce-prod", pulumi.Output.from_input("rmq-cn-9")),
                     cache_target("tair", "livecommerce-prod-cache", pulumi.Output.from_input("r-9")),
                     database_target("polardb", "livecommerce-prod", pulumi.Output.from_input("pc-9"))],
            secrets={"hook": pulumi.Output.secret("https://oapi.dingtalk.com/robot/send?access_token=x")}))
        # The data resources the coverage table finds by name.
        import pulumi_alicloud as alicloud
        alicloud.redis.TairInstance("tair", instance_class="tair.rdb.4g", instance_type="tair_rdb", vpc_id="v",
                                    vswitch_id="s", zone_id="z", tair_instance_name="livecommerce-prod-cache")
        alicloud.polardb.Cluster("polardb", db_type="MySQL", db_version="8.0", db_node_class="x",
                                 description="livecommerce-prod")
    plan = record(program, stack="prod")
    rules = [r for r in plan["resources"] if r["type"] == "alicloud:arms/prometheusAlertRule:PrometheusAlertRule"]
    lag = next(r for r in rules if r["name"].endswith("message-queue-rocketmq-consumer-lag"))
    assert 'instance_id="rmq-cn-9"' in lag["inputs"]["expression"]
    assert "__livecommerce_target" not in str(rules)
    cov = coverage(plan)
    kinds = {(t["kind"], t["name"]): t for t in cov["targets"]}
    assert kinds[("cache", "livecommerce-prod-cache")]["missing"] == []
    assert kinds[("database", "livecommerce-prod")]["missing"] == []
    assert not [g for g in cov["gaps"] if g["kind"] in ("cache", "database")]
