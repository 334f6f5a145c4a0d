"""The data block built alone under the recording mocks: children, wiring, privacy, protection, secrets."""

from __future__ import annotations

import json

import pytest

from components.data.block import Data, DataArgs
from components.data.sync import SecretSync, SecretSyncArgs, read_policy, trust_policy
from components.data.settings import SecretSyncSettings
from components.network.cidr import check_whitelist, client_cidrs
from components.naming import naming_for
from livecommerce.engine import record
from livecommerce.mocks import MOCK_PASSWORD_PREFIX
from policies.livecommerce_guard.ram import check_trust_policy, check_wildcard_policy
from policies.livecommerce_guard._base import Subject

from .conftest import TAGS, ZONES, prod_plan, settings

T = {
    "mq": "alicloud:rocketmq/rocketMQInstance:RocketMQInstance",
    "topic": "alicloud:rocketmq/rocketMQTopic:RocketMQTopic",
    "group": "alicloud:rocketmq/consumerGroup:ConsumerGroup",
    "mq-account": "alicloud:rocketmq/account:Account",
    "acl": "alicloud:rocketmq/acl:Acl",
    "tair": "alicloud:redis/tairInstance:TairInstance",
    "tair-account": "alicloud:kvstore/account:Account",
    "tair-backup": "alicloud:kvstore/backupPolicy:BackupPolicy",
    "polardb": "alicloud:polardb/cluster:Cluster",
    "endpoint": "alicloud:polardb/clusterEndpoint:ClusterEndpoint",
    "db": "alicloud:polardb/database:Database",
    "db-account": "alicloud:polardb/account:Account",
    "privilege": "alicloud:polardb/accountPrivilege:AccountPrivilege",
    "db-backup": "alicloud:polardb/backupPolicy:BackupPolicy",
    "secret": "alicloud:kms/secret:Secret",
    "password": "random:index/randomPassword:RandomPassword",
}


def build(env: str = "prod", **overrides) -> dict:
    s = settings(**overrides)
    plan = prod_plan()
    args = DataArgs(naming=naming_for(env), settings=s, zones=ZONES, vpc_id="vpc-1",
                    vswitch_ids=["vsw-h", "vsw-i", "vsw-j"],
                    whitelist=client_cidrs(plan), tags={**TAGS, "env": env})
    return record(lambda: Data(f"{env}-data", args), stack=env)


@pytest.fixture(scope="module")
def prod() -> dict:
    return build()


def of(plan: dict, kind: str) -> list[dict]:
    return [r for r in plan["resources"] if r["type"] == T[kind]]


def one(plan: dict, kind: str) -> dict:
    found = of(plan, kind)
    assert len(found) == 1, [r["name"] for r in found]
    return found[0]


def test_children_and_names(prod):
    names = {r["name"] for r in prod["resources"] if r["custom"]}
    for expected in ("prod-data-queue-instance", "prod-data-queue-topic-order-events",
                     "prod-data-queue-topic-shop-order-events-dlq", "prod-data-queue-group-shop-order-events",
                     "prod-data-queue-account-order", "prod-data-queue-acl-shop-group-shop-order-events",
                     "prod-data-cache-instance", "prod-data-cache-backup", "prod-data-cache-account-shop",
                     "prod-data-database-cluster", "prod-data-database-cluster-endpoint", "prod-data-database-backup",
                     "prod-data-database-db-orders", "prod-data-database-account-order",
                     "prod-data-database-privilege-shop-readonly", "prod-data-credentials-order-database",
                     "prod-data-credentials-order-database-password", "prod-data-credentials-_admin-cache"):
        assert expected in names, expected
    components = {r["type"]: r["urn"] for r in prod["resources"] if not r["custom"]}
    assert {"livecommerce:data:Data", "livecommerce:data:MessageQueue", "livecommerce:data:Cache",
            "livecommerce:data:Database", "livecommerce:data:Credentials"} <= set(components)
    # Every child is parented inside the block.
    for r in prod["resources"]:
        if r["type"] not in ("pulumi:pulumi:Stack", "livecommerce:data:Data"):
            assert r["parent"] is not None and "livecommerce:data:" in r["parent"], r["name"]


def test_every_whitelist_is_private_and_covers_the_pods(prod):
    plan = prod_plan()
    mq, tair, polar = one(prod, "mq")["inputs"], one(prod, "tair")["inputs"], one(prod, "polardb")["inputs"]
    lists = [mq["ipWhitelists"], tair["securityIps"].split(","), polar["dbClusterIpArrays"][0]["securityIps"],
             *(a["inputs"]["ipWhitelists"] for a in of(prod, "acl"))]
    for entries in lists:
        assert "0.0.0.0/0" not in entries
        check_whitelist(list(entries), plan)
    assert polar["dbClusterIpArrays"][0]["dbClusterIpArrayName"] == "default"


def test_the_queue_has_no_public_endpoint_and_requires_accounts(prod):
    mq = one(prod, "mq")["inputs"]
    assert mq["networkInfo"]["internetInfo"] == {"internetSpec": "disable", "flowOutType": "uninvolved"}
    assert [v["vswitchId"] for v in mq["networkInfo"]["vpcInfo"]["vswitches"]] == ["vsw-h", "vsw-i"]
    assert mq["aclInfo"] == {"aclTypes": ["apache_acl"], "defaultVpcAuthFree": False}
    topics = {t["inputs"]["topicName"]: t["inputs"]["messageType"] for t in of(prod, "topic")}
    assert topics["order-events"] == "FIFO" and topics["order-timeouts"] == "DELAY"
    group = next(g for g in of(prod, "group") if g["inputs"]["consumerGroupId"] == "shop-order-events")
    dlq = next(t for t in of(prod, "topic") if t["inputs"]["topicName"] == "shop-order-events-dlq")
    assert group["inputs"]["consumeRetryPolicy"]["deadLetterTargetTopic"] == "shop-order-events-dlq"
    assert dlq["urn"] in group["dependencies"]


def test_protected_in_prod_and_not_in_dev(prod):
    for kind in ("mq", "tair", "polardb", "db", "secret"):
        assert all(r["protect"] for r in of(prod, kind)), kind
    assert one(prod, "polardb")["inputs"]["deletionLock"] == 1
    dev = build("dev", deletion_protection=False)
    for kind in ("mq", "tair", "polardb", "db", "secret"):
        assert not any(r["protect"] for r in of(dev, kind)), kind
    assert one(dev, "polardb")["inputs"]["deletionLock"] == 0


def test_passwords_never_reach_the_plan(prod):
    text = json.dumps(prod)
    assert MOCK_PASSWORD_PREFIX not in text
    for kind, key in (("mq-account", "password"), ("tair-account", "accountPassword"),
                      ("db-account", "accountPassword"), ("secret", "secretData"), ("tair", "password")):
        assert all(r["inputs"][key] == "[secret]" for r in of(prod, kind)), kind


def test_each_account_gets_its_own_generated_password(prod):
    passwords = {r["name"]: r for r in of(prod, "password")}
    for account in of(prod, "db-account") + of(prod, "tair-account") + of(prod, "mq-account"):
        feeders = [u for deps in account["propertyDependencies"].values() for u in deps]
        fed = [p for p in passwords.values() if p["urn"] in feeders]
        assert len(fed) == 1, account["name"]
    assert all(p["inputs"]["keepers"] == {"version": "1"} for p in passwords.values())
    mq_pw = passwords["prod-data-credentials-order-queue-password"]["inputs"]
    assert mq_pw["special"] is False and mq_pw["length"] == 24


def test_kms_secrets_are_named_per_service_and_product(prod):
    names = sorted(r["inputs"]["secretName"] for r in of(prod, "secret"))
    assert "livecommerce/prod/order/database" in names and "livecommerce/prod/_admin/cache" in names
    secret = next(r for r in of(prod, "secret") if r["inputs"]["secretName"] == "livecommerce/prod/order/database")
    assert secret["inputs"]["secretType"] == "Generic" and secret["inputs"]["versionId"] == "v1"
    assert secret["inputs"]["recoveryWindowInDays"] == 30


def test_privileges_wait_for_their_databases(prod):
    orders = next(r for r in of(prod, "db") if r["inputs"]["dbName"] == "orders")
    ro = next(r for r in of(prod, "privilege") if r["name"].endswith("shop-readonly"))
    assert ro["inputs"]["accountPrivilege"] == "ReadOnly" and ro["inputs"]["dbNames"] == ["orders"]
    assert orders["urn"] in ro["dependencies"]


def test_tls_endpoint_and_tair_tags(prod):
    ep = one(prod, "endpoint")["inputs"]
    assert (ep["sslEnabled"], ep["sslAutoRotate"]) == ("Enable", "Enable")
    assert len(one(prod, "tair")["inputs"]["tags"]) == 5


def test_sections_left_out_are_not_deployed():
    plan = build("dev", queue=None, cache=None, deletion_protection=False)
    assert not of(plan, "mq") and not of(plan, "tair") and of(plan, "polardb")


def test_kms_instance_gets_its_own_key():
    plan = build(secrets={"kms_instance_id": "kst-hzz1234"})
    key = [r for r in plan["resources"] if r["type"] == "alicloud:kms/key:Key"]
    assert len(key) == 1 and key[0]["inputs"]["dkmsInstanceId"] == "kst-hzz1234"
    assert all(s["inputs"]["dkmsInstanceId"] == "kst-hzz1234" for s in of(plan, "secret"))
    assert all(key[0]["urn"] in s["propertyDependencies"]["encryptionKeyId"] for s in of(plan, "secret"))


# ---- SecretSync ---------------------------------------------------------------------------------------

ARN = "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c1"
ISSUER = "https://oidc-ack-cn-hangzhou.oss-cn-hangzhou.aliyuncs.com/c1"


def test_sync_role_trust_passes_the_pack_rule():
    subject = Subject("alicloud:ram/role:Role", "r", "urn", {"assumeRolePolicyDocument": trust_policy(ARN, ISSUER)},
                      False)
    assert check_trust_policy(subject, {"allowedServices": []}) == []
    doc = json.loads(trust_policy(ARN, ISSUER))
    assert doc["Statement"][0]["Condition"]["StringEquals"]["oidc:sub"] == \
        "system:serviceaccount:kube-system:ack-secret-manager"


def test_sync_policy_reads_only_the_stack_secrets():
    doc = read_policy(["acs:kms:cn-hangzhou:1:secret/b", "acs:kms:cn-hangzhou:1:secret/a"], None,
                      region="cn-hangzhou", account_id="1")
    assert check_wildcard_policy(Subject("alicloud:ram/policy:Policy", "p", "u", {"policyDocument": doc}, False),
                                 {"strict": True}) == []
    statements = json.loads(doc)["Statement"]
    assert statements[0] == {"Effect": "Allow", "Action": ["kms:GetSecretValue"],
                             "Resource": ["acs:kms:cn-hangzhou:1:secret/a", "acs:kms:cn-hangzhou:1:secret/b"]}
    assert statements[1]["Resource"] == ["acs:kms:cn-hangzhou:1:key/*"]


def test_sync_component():
    def program():
        SecretSync("prod-secret-sync", SecretSyncArgs(
            naming=naming_for("prod"), account_id="1234567890123456", settings=SecretSyncSettings(),
            oidc_provider_arn=ARN, oidc_issuer_url=ISSUER, secret_arns=["acs:kms:cn-hangzhou:1:secret/a"]))
    plan = record(program, stack="prod")
    by = {r["name"]: r for r in plan["resources"]}
    chart = by["prod-secret-sync-chart"]
    assert chart["type"] == "kubernetes:helm.sh/v3:Release"
    assert (chart["inputs"]["chart"], chart["inputs"]["version"], chart["inputs"]["namespace"]) == (
        "ack-secret-manager", "0.5.8", "kube-system")
    assert chart["inputs"]["values"]["rrsa"] == {"enable": True}
    assert chart["inputs"]["values"]["command"]["enableWorkerRole"] is False
    store = by["prod-secret-sync-store"]
    assert chart["urn"] in store["dependencies"]
    assert store["inputs"]["spec"]["KMS"]["KMSAuth"]["oidcProviderARN"] == ARN
    assert by["prod-secret-sync-role"]["urn"] in store["propertyDependencies"]["spec"]
    assert by["prod-secret-sync-policy-attachment"]["inputs"]["policyType"] == "Custom"
