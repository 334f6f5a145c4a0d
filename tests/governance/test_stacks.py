"""Acceptance on the real stacks: MSE registry, gateway, lanes and rules in every environment's plan, the
workloads' `mseNamespace` label equal to the registry's namespace, and the policy pack still passing."""

from __future__ import annotations

import pytest

from livecommerce.cli import main
from livecommerce.engine import run_preview
from tests.governance.helpers import by_name, by_type, one

ENVS = ("dev", "staging", "prod")
DEPLOYMENT = "kubernetes:apps/v1:Deployment"


@pytest.fixture(scope="module")
def plans() -> dict[str, dict]:
    return {env: run_preview(env).plan for env in ENVS}


def _pod_labels(dep: dict) -> dict[str, str]:
    return dep["inputs"]["spec"]["template"]["metadata"]["labels"]


def test_prod_registry_is_a_private_three_node_pro_nacos_with_a_namespace(plans):
    plan = plans["prod"]
    cluster = one(plan, "alicloud:mse/cluster:Cluster")["inputs"]
    assert (cluster["instanceCount"], cluster["netType"], cluster["mseVersion"]) == (3, "privatenet", "mse_pro")
    vpc = one(plan, "alicloud:vpc/network:Network")
    assert vpc["urn"] in one(plan, "alicloud:mse/cluster:Cluster")["propertyDependencies"]["vpcId"]
    ns = one(plan, "alicloud:mse/engineNamespace:EngineNamespace")["inputs"]
    assert ns["namespaceId"] == "prod" and plan["outputs"]["mseNamespace"] == "prod"
    assert plan["outputs"]["registryEndpoint"].endswith(":8848")


def test_prod_gateway_has_replicas_in_two_zones_and_its_internet_slb_only_behind_waf(plans):
    plan = plans["prod"]
    gw = one(plan, "alicloud:mse/gateway:Gateway")
    assert gw["inputs"]["replica"] >= 2
    names = {r["urn"]: r["name"] for r in plan["resources"]}
    [primary] = gw["propertyDependencies"]["vswitchId"]
    [backup] = gw["propertyDependencies"]["backupVswitchId"]
    assert (names[primary], names[backup]) == ("prod-network-node-cn-hangzhou-h", "prod-network-node-cn-hangzhou-i")
    # The internet SLB is WAF 3.0's origin for the API host (issue 14): only the WAF's CNAME is published.
    assert gw["inputs"]["internetSlbSpec"] and "gatewayInternetIp" in plan["outputs"]
    [waf] = [r for r in plan["resources"] if r["type"] == "alicloud:wafv3/domain:Domain"]
    assert gw["urn"] in waf["propertyDependencies"]["redirect"]
    assert plan["outputs"]["gatewayIntranetIp"]


def test_dev_is_small_and_single_zone(plans):
    plan = plans["dev"]
    cluster = one(plan, "alicloud:mse/cluster:Cluster")["inputs"]
    assert (cluster["instanceCount"], cluster["mseVersion"], cluster["netType"]) == (1, "mse_dev", "privatenet")
    gw = one(plan, "alicloud:mse/gateway:Gateway")["inputs"]
    assert gw["replica"] == 1 and "backupVswitchId" not in gw


def test_prod_deployments_versions_and_labels(plans):
    deps = {r["name"]: r for r in by_type(plans["prod"], DEPLOYMENT)}
    for name in ("shop-v1", "shop-v1-1", "product-v1", "order-v1", "order-v1-1"):
        assert f"prod-workloads-{name}" in deps
    for name, dep in deps.items():
        labels = _pod_labels(dep)
        assert labels["msePilotAutoEnable"] == "on", name
        assert labels["mseNamespace"] == "prod", name  # the registry's namespace, from governance.namespace
        assert (labels.get("alicloud.service.tag") == "gray") == name.endswith("-v1-1"), name


def test_prod_canary_objects_for_shop_and_order(plans):
    ingresses = {r["name"] for r in by_type(plans["prod"], "kubernetes:networking.k8s.io/v1:Ingress")}
    assert {"prod-workloads-shop-v1-1-canary", "prod-workloads-order-v1-1-canary"} <= ingresses


@pytest.mark.parametrize("env", ENVS)
def test_gray_lane_after_the_workloads_and_entered_at_the_gateway(plans, env):
    plan = plans[env]
    names = by_name(plan)
    group, lane = names[f"{env}-governance-lanes"], names[f"{env}-governance-lane-gray"]
    assert group["type"] == "pulumi-python:dynamic/mse:LaneGroup" and lane["type"] == "pulumi-python:dynamic/mse:Lane"
    gateway = one(plan, "alicloud:mse/gateway:Gateway")
    assert group["inputs"]["entry_app"] == f"mse-gw:{plan['outputs']['gatewayId']}"
    assert gateway["urn"] in group["dependencies"]
    gray_deployments = {names[f"{env}-workloads-shop-v1-1"]["urn"], names[f"{env}-workloads-order-v1-1"]["urn"]}
    assert gray_deployments <= set(lane["dependencies"])
    assert lane["inputs"]["tag"] == "gray" and lane["inputs"]["namespace"] == env
    assert plan["outputs"]["lanes"] == {"gray": {"order": "v1.1", "shop": "v1.1"}}


def test_prod_rules_are_named(plans):
    names = set(by_name(plans["prod"]))
    assert "prod-governance-auth-order" in names
    assert any(n.startswith("prod-governance-degrade-product-get-api-product-detail-") for n in names)
    assert any(n.startswith("prod-governance-flow-order-post-api-order-create-") for n in names)


def test_preview_tree_shows_governance_by_name(capsys):
    assert main(["preview", "prod"]) == 0
    out = capsys.readouterr().out
    for text in ("prod-governance-lane-gray", "dynamic/mse.Lane", "prod-governance-lanes", "prod-registry-nacos",
                 "prod-gateway-gateway", "prod-governance-auth-order"):
        assert text in out


@pytest.mark.parametrize("env", ENVS)
def test_policy_pack_passes(env):
    assert main(["check", env]) == 0
