"""What a service gets: its ConfigMap, its ExternalSecret, the container wiring; every manifest validates."""

from __future__ import annotations

import copy

import pytest
import yaml

from components.data.bindings import (
    Endpoints,
    bindings,
    container_env,
    external_secret_manifest,
    secret_store_manifest,
    service_config,
)
from components.data.plan import credentials, secret_name
from components.data.settings import injected_names
from components.naming import naming_for
from livecommerce.k8s_validate import validate_builtin, validate_crd

K8S_VERSION = "1.33.1-aliyun.1"
EP = Endpoints(queue_endpoint="rmq-cn-1-vpc.cn-hangzhou.rmq.aliyuncs.com:8080", queue_instance_id="rmq-cn-1",
               cache_host="r-1.redis.rds.aliyuncs.com", cache_port="6379", db_host="pc-1.rwlb.rds.aliyuncs.com",
               db_port="3306")
NAMESPACES = {"order": "trade", "shop": "trade", "product": "catalog", "live-interaction": "live"}


def made(data) -> dict:
    names = {c.key: secret_name(naming_for("prod"), c.service, c.product) for c in credentials(data)}
    return bindings(data, NAMESPACES, EP, names, store="livecommerce-kms", store_namespace="kube-system",
                    labels={"app.kubernetes.io/part-of": "livecommerce"})


def test_config_of_the_order_service(data):
    assert service_config(data, "order", EP) == {
        "DB_HOST": "pc-1.rwlb.rds.aliyuncs.com", "DB_NAME": "orders", "DB_NAME_ORDERS": "orders", "DB_PORT": "3306",
        "DB_TLS": "true", "ROCKETMQ_ENDPOINT": "rmq-cn-1-vpc.cn-hangzhou.rmq.aliyuncs.com:8080",
        "ROCKETMQ_GROUP_ORDER_ORDER_TIMEOUTS": "order-order-timeouts", "ROCKETMQ_INSTANCE_ID": "rmq-cn-1",
        "ROCKETMQ_TOPIC_ORDER_EVENTS": "order-events", "ROCKETMQ_TOPIC_ORDER_TIMEOUTS": "order-timeouts"}


def test_a_reader_gets_the_database_by_name_only(data):
    shop = service_config(data, "shop", EP)
    assert shop["DB_NAME_ORDERS"] == "orders" and "DB_NAME" not in shop
    assert shop["REDIS_TLS"] == "true" and shop["REDIS_PORT"] == "6379"


def test_every_injected_name_is_in_the_config_or_the_secret(data):
    for service in NAMESPACES:
        env, env_from = container_env(data, service)
        assert env_from == [{"configMapRef": {"name": f"{service}-data"}}]
        provided = set(service_config(data, service, EP)) | {e["name"] for e in env}
        assert provided == set(injected_names(data, service)), service
    assert container_env(data, "merchant") == ([], [])


def test_credentials_come_from_the_synced_secret_by_key(data):
    env, _ = container_env(data, "order")
    assert env == [{"name": n, "valueFrom": {"secretKeyRef": {"name": "order-data", "key": n}}}
                   for n in ("DB_PASSWORD", "DB_USERNAME", "ROCKETMQ_PASSWORD", "ROCKETMQ_USERNAME")]


def test_manifests_validate(data):
    for service, b in made(data).items():
        assert b.config_map["metadata"] == {"name": f"{service}-data", "namespace": NAMESPACES[service],
                                            "labels": {"app.kubernetes.io/part-of": "livecommerce",
                                                       "livecommerce.io/data-binding": service}}
        assert validate_builtin(b.config_map, K8S_VERSION) == [], service
        assert validate_crd(b.external_secret) == [], service
        for e in b.env:
            assert validate_builtin({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"},
                                     "spec": {"containers": [{"name": "c", "image": "i:1", "env": [e],
                                                              "envFrom": b.env_from}]}}, K8S_VERSION) == []


def test_external_secret_splits_each_kms_secret_into_username_and_password(data):
    es = made(data)["order"].external_secret
    assert es["spec"]["provider"] == "kms" and es["spec"]["type"] == "Opaque"
    entries = {e["key"]: e for e in es["spec"]["data"]}
    assert set(entries) == {"livecommerce/prod/order/queue", "livecommerce/prod/order/database"}
    db = entries["livecommerce/prod/order/database"]
    assert db["versionStage"] == "ACSCurrent"
    assert db["secretStoreRef"] == {"name": "livecommerce-kms", "namespace": "kube-system"}
    assert db["jmesPath"] == [{"path": "username", "objectAlias": "DB_USERNAME"},
                              {"path": "password", "objectAlias": "DB_PASSWORD"}]


DOCUMENTED = """
apiVersion: 'alibabacloud.com/v1alpha1'
kind: ExternalSecret
metadata: {name: es-json-demo}
spec:
  provider: kms
  data:
    - key: test1
      name: test1
      versionId: v1
      secretStoreRef: {name: scdemo, namespace: default}
      jmesPath:
        - {path: "name", objectAlias: "name"}
        - {path: "friends[0].name", objectAlias: "friendname"}
  dataProcess:
    - extract: {key: test1, name: extract, versionId: v1, secretStoreRef: {name: scdemo, namespace: default}}
      replaceRule:
        - {source: "^n.*e$", target: "alibabacloud"}
"""
DOCUMENTED_STORE = """
apiVersion: 'alibabacloud.com/v1alpha1'
kind: SecretStore
metadata: {name: scdemo}
spec:
  KMS:
    KMSAuth:
      oidcProviderARN: "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c1"
      ramRoleARN: "acs:ram::1234567890123456:role/reader"
"""


def test_the_schemas_accept_the_documented_shapes():
    assert validate_crd(yaml.safe_load(DOCUMENTED)) == []
    assert validate_crd(yaml.safe_load(DOCUMENTED_STORE)) == []
    ours = secret_store_manifest("livecommerce-kms", "kube-system",
                                 oidc_provider_arn="acs:ram::1234567890123456:oidc-provider/ack-rrsa-c1",
                                 role_arn="acs:ram::1234567890123456:role/livecommerce-prod-secret-sync", labels={})
    assert validate_crd(ours) == []


@pytest.mark.parametrize("mutate,where", [
    (lambda o: o["spec"]["data"][0].pop("key"), "spec.data.0"),
    (lambda o: o["spec"]["data"][0].update(jmespath=[]), "spec.data.0"),
    (lambda o: o["spec"].update(provider="vault"), "spec.provider"),
    (lambda o: o["spec"]["data"][0]["jmesPath"][0].pop("objectAlias"), "spec.data.0.jmesPath.0"),
])
def test_the_external_secret_schema_rejects_mistakes(mutate, where):
    obj = yaml.safe_load(DOCUMENTED)
    mutate(obj)
    assert any(p.startswith(where) for p in validate_crd(obj)), validate_crd(obj)


def test_the_store_schema_wants_exactly_one_backend():
    obj = yaml.safe_load(DOCUMENTED_STORE)
    both = copy.deepcopy(obj)
    both["spec"]["OOS"] = {"OOSAuth": {}}
    assert any(p.startswith("spec") for p in validate_crd(both))
    typo = copy.deepcopy(obj)
    typo["spec"]["KMS"]["KMSAuth"]["ramRoleArn"] = typo["spec"]["KMS"]["KMSAuth"].pop("ramRoleARN")
    assert validate_crd(typo)


def test_only_the_services_products_are_synced(data):
    es = external_secret_manifest("live-interaction", "live", {"cache": "s/cache"}, store="st", store_namespace="ns",
                                  labels={})
    assert [e["jmesPath"][1]["objectAlias"] for e in es["spec"]["data"]] == ["REDIS_PASSWORD"]
