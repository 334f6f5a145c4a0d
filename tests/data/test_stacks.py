"""The data block in the shipped stacks: issue 13's acceptance, end to end through the offline engine and the CLI.

* the prod plan holds a RocketMQ 5 instance with topics and consumer groups, a Tair instance and a PolarDB
  cluster; each whitelist is private and covers every pod vSwitch of the plan; all protected in prod;
* a Kubernetes object takes its configuration from each of them (a plan dependency);
* plans with an open whitelist, a public MQ endpoint or a prod database without deletion protection are
  refused by `check --plan`, naming the resource.
"""

from __future__ import annotations

import contextlib
import copy
import io
import ipaddress
import json
import shutil
from pathlib import Path

import pytest
import yaml

from livecommerce.cli import main
from livecommerce.data_usage import usage
from livecommerce.engine import preview_stack
from livecommerce.plan import dumps

ROOT = Path(__file__).resolve().parents[2]
STACKS = ROOT / "stacks"
T = {
    "mq": "alicloud:rocketmq/rocketMQInstance:RocketMQInstance",
    "topic": "alicloud:rocketmq/rocketMQTopic:RocketMQTopic",
    "group": "alicloud:rocketmq/consumerGroup:ConsumerGroup",
    "acl": "alicloud:rocketmq/acl:Acl",
    "tair": "alicloud:redis/tairInstance:TairInstance",
    "polardb": "alicloud:polardb/cluster:Cluster",
    "db": "alicloud:polardb/database:Database",
    "secret": "alicloud:kms/secret:Secret",
    "vsw": "alicloud:vpc/switch:Switch",
    "cm": "kubernetes:core/v1:ConfigMap",
    "es": "kubernetes:alibabacloud.com/v1alpha1:ExternalSecret",
    "deploy": "kubernetes:apps/v1:Deployment",
}


@pytest.fixture(scope="module")
def plans() -> dict[str, dict]:
    return {env: preview_stack(env) for env in ("dev", "prod")}


def of(plan: dict, kind: str) -> list[dict]:
    return [r for r in plan["resources"] if r["type"] == T[kind]]


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_prod_holds_rocketmq5_tair_and_polardb(plans):
    prod = plans["prod"]
    assert len(of(prod, "mq")) == 1 and len(of(prod, "tair")) == 1 and len(of(prod, "polardb")) == 1
    # RocketMQ 5.x classes only, never the ONS 4.x ones.
    assert not [r for r in prod["resources"] if r["type"] in ("alicloud:rocketmq/instance:Instance",
                                                              "alicloud:rocketmq/topic:Topic",
                                                              "alicloud:rocketmq/group:Group")]
    topics = {t["inputs"]["topicName"]: t["inputs"]["messageType"] for t in of(prod, "topic")}
    assert {"order-events": "FIFO", "order-timeouts": "DELAY", "live-comments": "NORMAL"}.items() <= topics.items()
    groups = {g["inputs"]["consumerGroupId"]: g["inputs"] for g in of(prod, "group")}
    assert groups["product-stock"]["deliveryOrderType"] == "Orderly"
    assert groups["product-stock"]["consumeRetryPolicy"]["deadLetterTargetTopic"] == "product-stock-dlq"
    assert {d["inputs"]["dbName"] for d in of(prod, "db")} == {"orders", "catalog", "shops"}


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_every_whitelist_is_private_and_covers_every_pod_vswitch(plans, env):
    plan = plans[env]
    pods = [ipaddress.ip_network(s["inputs"]["cidrBlock"]) for s in of(plan, "vsw")
            if s["inputs"]["tags"]["role"] == "pod"]
    vpc = ipaddress.ip_network(next(r for r in plan["resources"]
                                    if r["type"] == "alicloud:vpc/network:Network")["inputs"]["cidrBlock"])
    mq, tair, polar = of(plan, "mq")[0], of(plan, "tair")[0], of(plan, "polardb")[0]
    whitelists = {"mq": mq["inputs"]["ipWhitelists"], "tair": tair["inputs"]["securityIps"].split(","),
                  "polardb": polar["inputs"]["dbClusterIpArrays"][0]["securityIps"],
                  **{a["name"]: a["inputs"]["ipWhitelists"] for a in of(plan, "acl")}}
    assert pods
    for name, entries in whitelists.items():
        nets = [ipaddress.ip_network(e) for e in entries]
        assert all(n.subnet_of(vpc) for n in nets), name
        assert all(any(p.subnet_of(n) for n in nets) for p in pods), name


def test_prod_protects_and_dev_does_not(plans):
    for kind in ("mq", "tair", "polardb", "db", "secret"):
        assert all(r["protect"] for r in of(plans["prod"], kind)), kind
        assert not any(r["protect"] for r in of(plans["dev"], kind)), kind
    assert of(plans["prod"], "polardb")[0]["inputs"]["deletionLock"] == 1
    assert of(plans["dev"], "polardb")[0]["inputs"]["deletionLock"] == 0


def test_dev_is_pay_as_you_go_and_small(plans):
    dev = plans["dev"]
    mq, tair, polar = of(dev, "mq")[0]["inputs"], of(dev, "tair")[0]["inputs"], of(dev, "polardb")[0]["inputs"]
    assert (mq["paymentType"], mq["subSeriesCode"], mq["seriesCode"]) == ("PayAsYouGo", "single_node", "standard")
    assert (tair["paymentType"], tair["instanceClass"], tair["nodeType"]) == ("PayAsYouGo", "tair.rdb.1g",
                                                                              "STAND_ALONE")
    assert (polar["payType"], polar["dbNodeClass"], polar["scaleMax"]) == ("PostPaid", "polar.mysql.sl.small", 2)


def test_a_kubernetes_object_takes_its_configuration_from_each(plans):
    prod = plans["prod"]
    feeders = set()
    by_urn = {r["urn"]: r for r in prod["resources"]}
    for cm in of(prod, "cm"):
        feeders |= {by_urn[u]["type"] for deps in cm["propertyDependencies"].values() for u in deps}
    assert {T["mq"], T["tair"], T["polardb"]} <= feeders


def test_services_wait_for_and_read_their_data_objects(plans):
    prod = plans["prod"]
    order = next(d for d in of(prod, "deploy") if d["name"] == "prod-workloads-order-v1")
    names = {prod_r["name"] for prod_r in prod["resources"] if prod_r["urn"] in order["dependencies"]}
    assert {"prod-workloads-order-data-config", "prod-workloads-order-data-secret"} <= names
    container = order["inputs"]["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"] == [{"configMapRef": {"name": "order-data"}}]
    db_password = next(e for e in container["env"] if e["name"] == "DB_PASSWORD")
    # Prod's order DB_PASSWORD now comes from the Secret the stack itself syncs from KMS.
    assert db_password["valueFrom"]["secretKeyRef"] == {"name": "order-data", "key": "DB_PASSWORD"}
    es = next(e for e in of(prod, "es") if e["name"] == "prod-workloads-order-data-secret")
    assert {d["key"] for d in es["inputs"]["spec"]["data"]} == {"livecommerce/prod/order/queue",
                                                                "livecommerce/prod/order/database"}


def test_order_db_is_no_secret_to_set_and_no_password_is_in_the_plan(plans):
    from stacks.config import CONFIG_KEY, parse_platform

    for env in ("dev", "staging", "prod"):
        raw = yaml.safe_load((STACKS / f"Pulumi.{env}.yaml").read_text())["config"][CONFIG_KEY]
        cfg = parse_platform(raw, stack=env, region="cn-hangzhou")
        assert "order-db" not in cfg.secret_keys()
    text = dumps(plans["prod"])
    assert "Mock-Pw1!" not in text
    assert all(s["inputs"]["secretData"] == "[secret]" for s in of(plans["prod"], "secret"))


def test_a_kubernetes_secret_name_is_not_a_pulumi_secret():
    from stacks.config import CONFIG_KEY, parse_platform

    raw = yaml.safe_load((STACKS / "Pulumi.dev.yaml").read_text())["config"][CONFIG_KEY]
    raw["services"][1]["env_secrets"] = [{"name": "STRIPE_KEY", "kubernetes_secret": "payments"}]
    assert "payments" not in parse_platform(raw, stack="dev", region="cn-hangzhou").secret_keys()


def test_coverage_and_usage(plans):
    cov = plans["prod"]
    from livecommerce.coverage import coverage

    report = coverage(cov)
    kinds = {t["kind"]: t for t in report["targets"] if t["kind"] in ("message-queue", "cache", "database")}
    assert set(kinds) == {"message-queue", "cache", "database"}
    assert all(not t["missing"] and not t["unrouted"] for t in kinds.values())
    rows = {r["service"]: r for r in usage(plans["prod"])}
    assert rows["order"]["uses"] == ["queue", "database"] and rows["order"]["databases"] == ["orders"]
    assert rows["merchant"]["uses"] == ["database"]
    assert plans["prod"]["outputs"]["services"]["shop"]["uses"] == ["queue", "cache", "database"]


def _mutated(plan: dict, kind: str, fn) -> dict:
    out = copy.deepcopy(plan)
    target = next(r for r in out["resources"] if r["type"] == T[kind])
    fn(target)
    return out


@pytest.mark.parametrize("kind,mutate,rule", [
    ("tair", lambda r: r["inputs"].update(securityIps=r["inputs"]["securityIps"] + ",0.0.0.0/0"),
     "alicloud-data-whitelist-disallow-open"),
    ("mq", lambda r: r["inputs"]["networkInfo"].update(
        internetInfo={"internetSpec": "enable", "flowOutType": "payByBandwidth", "flowOutBandwidth": 5}),
     "alicloud-rocketmq-rocketmqinstance-disallow-public-endpoint"),
    ("polardb", lambda r: (r["inputs"].update(deletionLock=0), r.update(protect=False)),
     "alicloud-data-instance-enable-deletion-protection"),
])
def test_check_plan_refuses_naming_the_resource(plans, tmp_path, kind, mutate, rule):
    path = tmp_path / "plan.json"
    bad = _mutated(plans["prod"], kind, mutate)
    path.write_text(json.dumps(bad))
    code, out, _ = run_cli(["check", "--plan", str(path), "--env", "prod", "--json"])
    assert code == 1
    report = json.loads(out)
    hits = [f for f in report["findings"] if f["rule"] == rule and f["status"] == "violation"]
    target = next(r for r in bad["resources"] if r["type"] == T[kind])["name"]
    assert {f["resource"] for f in hits} == {target} and all(f["level"] == "mandatory" for f in hits)
    # The unmutated plan passes that rule.
    good = tmp_path / "good.json"
    good.write_text(json.dumps(plans["prod"]))
    code, out, _ = run_cli(["check", "--plan", str(good), "--env", "prod", "--json"])
    assert not [f for f in json.loads(out)["findings"] if f["rule"] == rule and f["status"] == "violation"]


@pytest.mark.parametrize("edit,message", [
    (lambda d: d["data"]["cache"]["clients"].append("payments"),
     "data.cache.clients: 'payments' is not a service of this stack"),
    (lambda d: d["data"]["cache"].update(billing={"payment": "Subscription"}),
     "data.cache.billing.payment: tier dev is pay-as-you-go"),
    (lambda d: d["services"][3].update(env_secrets=[{"name": "DB_PASSWORD", "kubernetes_secret": "order-db"}]),
     "services.order: DB_PASSWORD is set by the data block"),
    (lambda d: d["data"]["queue"]["topics"].append({"name": "bad topic", "publishers": ["order"]}),
     "data.queue.topics[3].name"),
])
def test_bad_data_config_is_one_line_naming_the_key(tmp_path, edit, message):
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    shutil.copy(STACKS / "Pulumi.dev.yaml", stacks)
    doc = yaml.safe_load((stacks / "Pulumi.dev.yaml").read_text())
    edit(doc["config"]["livecommerce:platform"])
    (stacks / "Pulumi.dev.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    code, out, err = run_cli(["validate", "dev", "--stacks-dir", str(stacks)])
    assert code == 2
    lines = [line for line in (out + err).splitlines() if message in line]
    assert len(lines) == 1 and "Pulumi.dev.yaml" in lines[0] and "Traceback" not in out + err
