"""The Workloads / Microservice components built in isolation under the recording mocks."""

from __future__ import annotations

import json

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components.naming import naming_for
from components.workloads.microservices import Workloads, WorkloadsArgs
from livecommerce.engine import record
from tests.workloads.conftest import IMAGE, NOW, event, service

SECRET_VALUE = "s3cret-db-password-value"


def _build(services, events=(), secret_values: dict[str, str] | None = None) -> dict:
    """Run Workloads under the mocks; secret values become Output secrets inside the program's loop."""
    def program() -> None:
        provider = k8s.Provider("prod-ack", kubeconfig="{}")
        Workloads("prod-workloads", WorkloadsArgs(
            naming=naming_for("prod"), services=services, live_events=list(events), now=NOW,
            node_pool_selector={"livecommerce.io/node-role": "steady-base"},
            secret_values={k: pulumi.Output.secret(v) for k, v in (secret_values or {}).items()},
            labels={"owner": "live-platform", "env": "prod"}, vpc_cidr="10.0.0.0/16"),
            opts=pulumi.ResourceOptions(providers=[provider]))

    return record(program)


@pytest.fixture(scope="module")
def plan() -> dict:
    shop = service(env_secrets=[{"name": "DB_PASSWORD", "value_secret": "shop-db-password"}])
    product = service(name="product", domain="catalog", live_facing=False, entry=None,
                      versions=[{"name": "v1", "image": IMAGE}], scheduling={"placement": "ecs-only"})
    return _build([shop, product], [event()], {"shop-db-password": SECRET_VALUE})


def _by_name(plan: dict) -> dict[str, dict]:
    return {r["name"]: r for r in plan["resources"]}


def test_children_types_and_names(plan: dict) -> None:
    got = {(r["type"], r["name"]) for r in plan["resources"] if r["name"].startswith("prod-workloads")}
    assert got == {
        ("livecommerce:workloads:Workloads", "prod-workloads"),
        ("kubernetes:core/v1:Namespace", "prod-workloads-ns-catalog"),
        ("kubernetes:core/v1:Namespace", "prod-workloads-ns-trade"),
        ("kubernetes:networking.k8s.io/v1:NetworkPolicy", "prod-workloads-ns-catalog-default-deny"),
        ("kubernetes:networking.k8s.io/v1:NetworkPolicy", "prod-workloads-ns-catalog-allow-platform"),
        ("kubernetes:networking.k8s.io/v1:NetworkPolicy", "prod-workloads-ns-trade-default-deny"),
        ("kubernetes:networking.k8s.io/v1:NetworkPolicy", "prod-workloads-ns-trade-allow-platform"),
        ("livecommerce:workloads:Microservice", "prod-workloads-shop"),
        ("kubernetes:core/v1:ServiceAccount", "prod-workloads-shop-sa"),
        ("kubernetes:core/v1:Secret", "prod-workloads-shop-env"),
        ("kubernetes:apps/v1:Deployment", "prod-workloads-shop-v1"),
        ("kubernetes:apps/v1:Deployment", "prod-workloads-shop-v1-1"),
        ("kubernetes:policy/v1:PodDisruptionBudget", "prod-workloads-shop-v1-pdb"),
        ("kubernetes:policy/v1:PodDisruptionBudget", "prod-workloads-shop-v1-1-pdb"),
        ("kubernetes:core/v1:Service", "prod-workloads-shop-service"),
        ("kubernetes:core/v1:Service", "prod-workloads-shop-v1-service"),
        ("kubernetes:core/v1:Service", "prod-workloads-shop-v1-1-service"),
        ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "prod-workloads-shop-hpa"),
        ("kubernetes:autoscaling.alibabacloud.com/v1beta1:CronHorizontalPodAutoscaler", "prod-workloads-shop-cronhpa"),
        ("kubernetes:scheduling.alibabacloud.com/v1alpha1:ResourcePolicy", "prod-workloads-shop-resource-policy"),
        ("kubernetes:networking.k8s.io/v1:Ingress", "prod-workloads-shop-ingress"),
        ("kubernetes:networking.k8s.io/v1:Ingress", "prod-workloads-shop-v1-1-canary"),
        ("livecommerce:workloads:Microservice", "prod-workloads-product"),
        ("kubernetes:core/v1:ServiceAccount", "prod-workloads-product-sa"),
        ("kubernetes:apps/v1:Deployment", "prod-workloads-product-v1"),
        ("kubernetes:policy/v1:PodDisruptionBudget", "prod-workloads-product-v1-pdb"),
        ("kubernetes:core/v1:Service", "prod-workloads-product-service"),
        ("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "prod-workloads-product-hpa"),
    }


def test_parents_and_provider(plan: dict) -> None:
    res = _by_name(plan)
    root, shop = res["prod-workloads"]["urn"], res["prod-workloads-shop"]["urn"]
    assert res["prod-workloads-shop"]["parent"] == root
    assert res["prod-workloads-ns-trade"]["parent"] == root
    for name, r in res.items():
        if name.startswith("prod-workloads-shop-"):
            assert r["parent"] == shop, name
        if r["type"].startswith("kubernetes:"):
            assert r["options"]["provider"].endswith("::prod-ack"), name


def test_every_namespaced_object_sets_name_and_namespace(plan: dict) -> None:
    for r in plan["resources"]:
        if r["type"].startswith("kubernetes:") and r["type"] != "kubernetes:core/v1:Namespace":
            meta = r["inputs"]["metadata"]
            assert meta["name"] and meta["namespace"] in {"trade", "catalog"}, r["name"]


def test_ordering_dependencies(plan: dict) -> None:
    res = _by_name(plan)
    urn = {n: r["urn"] for n, r in res.items()}
    deploy = set(res["prod-workloads-shop-v1"]["dependencies"])
    assert {urn["prod-workloads-ns-trade"], urn["prod-workloads-shop-sa"], urn["prod-workloads-shop-env"],
            urn["prod-workloads-shop-resource-policy"]} <= deploy
    assert urn["prod-workloads-shop-v1"] in res["prod-workloads-shop-hpa"]["dependencies"]
    assert urn["prod-workloads-shop-hpa"] in res["prod-workloads-shop-cronhpa"]["dependencies"]
    assert urn["prod-workloads-ns-catalog"] in res["prod-workloads-product-v1"]["dependencies"]
    assert urn["prod-workloads-ns-trade"] in res["prod-workloads-ns-trade-default-deny"]["dependencies"]


def test_secret_value_never_reaches_the_plan(plan: dict) -> None:
    secret = _by_name(plan)["prod-workloads-shop-env"]["inputs"]
    assert secret["stringData"] == "[secret]" and secret["metadata"]["name"] == "shop-env"
    assert SECRET_VALUE not in json.dumps(plan)


def test_key_inputs(plan: dict) -> None:
    res = _by_name(plan)
    base = res["prod-workloads-shop-v1"]["inputs"]
    assert "replicas" not in base["spec"]
    assert base["spec"]["template"]["metadata"]["labels"]["msePilotAutoEnable"] == "on"
    gray = res["prod-workloads-shop-v1-1"]["inputs"]
    assert gray["spec"]["template"]["metadata"]["labels"]["alicloud.service.tag"] == "gray"
    assert res["prod-workloads-shop-v1-1-canary"]["inputs"]["metadata"]["annotations"][
        "nginx.ingress.kubernetes.io/canary-by-header-value"] == "gray"
    assert res["prod-workloads-ns-trade"]["inputs"]["metadata"]["labels"][
        "pod-security.kubernetes.io/enforce"] == "baseline"


def test_missing_secret_value_is_reported() -> None:
    shop = service(env_secrets=[{"name": "DB_PASSWORD", "value_secret": "shop-db-password"}])
    with pytest.raises(Exception, match="no value passed for secret config key\\(s\\) shop-db-password"):
        _build([shop])


def test_past_events_are_history_not_an_error() -> None:
    """Issue 18 item 6: a past event never breaks a preview; it gets no CronHPA job."""
    old = event(name="last-year", start="2025-06-18T20:00", end="2025-06-18T23:00")
    resources = _build([service()], [old])["resources"]
    assert not [r for r in resources if r["type"].endswith(":CronHorizontalPodAutoscaler")]
    hpa = next(r for r in resources if r["type"] == "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
    assert hpa["inputs"]["spec"]["minReplicas"] == service().scheduling.autoscaling.min_replicas
    # ... and the HPA names it, for the policy that asks to remove stale calendar entries.
    assert hpa["inputs"]["metadata"]["annotations"] == {"livecommerce.io/past-live-events": "last-year"}


def test_workloads_publish_the_pod_contract_and_alert_targets_by_the_names_registered():
    box = {}

    def program() -> None:
        provider = k8s.Provider("prod-ack", kubeconfig="{}")
        box["w"] = Workloads("prod-workloads", WorkloadsArgs(
            naming=naming_for("prod"), now=NOW, mse_namespace="prod",
            services=[service(versions=[{"name": "v1", "image": IMAGE},
                                        {"name": "v1.1", "image": IMAGE, "replicas": 1, "tag": "gray"}])]),
            opts=pulumi.ResourceOptions(providers=[provider]))

    plan = record(program, stack="prod")
    workloads = box["w"]
    # The pod contract governance reads: the services with the stack's MSE namespace filled in.
    (contract,) = workloads.pod_contract
    assert contract.governance.mse_namespace == "prod" and [v.tag for v in contract.versions] == [None, "gray"]
    (target,) = workloads.alert_targets
    registered = {r["inputs"]["metadata"]["name"] for r in plan["resources"]
                  if r["type"] == "kubernetes:apps/v1:Deployment"}
    assert set(target.deployments) == registered == {"shop-v1", "shop-v1-1"}
    hpa = next(r for r in plan["resources"] if r["type"] == "kubernetes:autoscaling/v2:HorizontalPodAutoscaler")
    assert target.hpa == hpa["inputs"]["metadata"]["name"] and target.app_name == "prod-shop"
