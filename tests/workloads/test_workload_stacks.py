"""Acceptance on the real stacks: the live-commerce back end in every environment's plan, every built-in
Kubernetes object valid for the cluster's Kubernetes version, every ResourcePolicy/CronHPA valid."""

from __future__ import annotations

import json

import pytest
import yaml

from livecommerce.engine import read_stack_file, run_preview
from livecommerce.k8s_validate import validate_builtin, validate_crd
from stacks.config import CONFIG_KEY, ConfigError, check_stack_config
from tests.workloads.conftest import IMAGE, ROOT

ENVS = ("dev", "staging", "prod")
CRD_GROUPS = ("scheduling.alibabacloud.com/", "autoscaling.alibabacloud.com/", "mse.alibabacloud.com/",
              "alibabacloud.com/")
FOUR = ("live-interaction", "shop", "product", "order")


@pytest.fixture(scope="module")
def plans() -> dict[str, dict]:
    return {env: run_preview(env).plan for env in ENVS}


def _k8s_version(plan: dict) -> str:
    # The cluster's `version` is not sent while an auto-upgrade channel is on: read the configured version.
    env = plan["stack"]
    return check_stack_config(read_stack_file(env).config, env, env).cluster.kubernetes_version


def _objects(plan: dict, kind: str) -> dict[str, dict]:
    """Kubernetes objects of one kind by `<namespace>/<name>`, rebuilt from the plan inputs."""
    out = {}
    for r in plan["resources"]:
        if r["type"].startswith("kubernetes:") and r["type"].endswith(f":{kind}"):
            meta = r["inputs"]["metadata"]
            out[f"{meta.get('namespace', '')}/{meta['name']}"] = r["inputs"]
    return out


def _manifest(res: dict) -> dict:
    """apiVersion/kind from the type token (`kubernetes:<group>/<version>:<Kind>`, core group bare)."""
    _, gv, kind = res["type"].split(":")
    api_version = gv.removeprefix("core/")
    obj = dict(res["inputs"])
    assert obj.get("apiVersion", api_version) == api_version and obj.get("kind", kind) == kind
    return {**obj, "apiVersion": api_version, "kind": kind}


@pytest.mark.parametrize("env", ENVS)
def test_every_kubernetes_object_validates(plans: dict, env: str) -> None:
    plan = plans[env]
    version = _k8s_version(plan)
    problems = []
    checked = 0
    for res in plan["resources"]:
        if not res["type"].startswith("kubernetes:") or not res["custom"] or res["type"].startswith(
                "pulumi:providers"):
            continue
        if res["type"].startswith("kubernetes:helm.sh/"):
            continue  # a Helm release is not an API object (its chart is pinned: tests/data/test_components.py)
        obj = _manifest(res)
        found = validate_crd(obj) if obj["apiVersion"].startswith(CRD_GROUPS) else validate_builtin(obj, version)
        problems += [f"{res['name']}: {p}" for p in found]
        checked += 1
    assert problems == []
    assert checked >= 20


def test_prod_acceptance(plans: dict) -> None:
    prod = plans["prod"]
    deployments = _objects(prod, "Deployment")
    assert {"trade/shop-v1", "trade/shop-v1-1", "catalog/product-v1", "trade/order-v1",
            "trade/order-v1-1", "live/live-interaction-v1"} <= set(deployments)
    for key in ("trade/shop-v1-1", "trade/order-v1-1"):
        assert deployments[key]["spec"]["template"]["metadata"]["labels"]["alicloud.service.tag"] == "gray"
    for key in ("trade/shop-v1", "trade/order-v1", "catalog/product-v1"):
        assert "alicloud.service.tag" not in deployments[key]["spec"]["template"]["metadata"]["labels"]
    for key, dep in deployments.items():
        assert dep["spec"]["template"]["metadata"]["labels"]["msePilotAutoEnable"] == "on", key
    services, pdbs, hpas = _objects(prod, "Service"), _objects(prod, "PodDisruptionBudget"), \
        _objects(prod, "HorizontalPodAutoscaler")
    for name in FOUR:
        ns = {"live-interaction": "live", "product": "catalog"}.get(name, "trade")
        assert f"{ns}/{name}" in services and f"{ns}/{name}-v1" in pdbs and f"{ns}/{name}-v1" in hpas
        assert hpas[f"{ns}/{name}-v1"]["spec"]["minReplicas"] >= 2
        # The HPA owns the base version's replica count.
        assert "replicas" not in deployments[f"{ns}/{name}-v1"]["spec"]


def test_live_facing_services_get_resource_policy_and_cron_hpa(plans: dict) -> None:
    raw = yaml.safe_load((ROOT / "stacks" / "Pulumi.prod.yaml").read_text())["config"][CONFIG_KEY]
    assert raw["live_events"], "prod ships at least one live event"
    live = [s for s in raw["services"] if s.get("live_facing")]
    assert {s["name"] for s in live} >= set(FOUR)
    policies, crons = _objects(plans["prod"], "ResourcePolicy"), _objects(plans["prod"], "CronHorizontalPodAutoscaler")
    for s in live:
        assert f"{s['domain']}/{s['name']}" in policies
        cron = crons[f"{s['domain']}/{s['name']}-v1"]
        assert cron["spec"]["scaleTargetRef"]["kind"] == "HorizontalPodAutoscaler"
        assert cron["spec"]["jobs"], s["name"]
    # merchant is back-office: steady on ECS, no calendar.
    assert "merchant/merchant" not in policies and "merchant/merchant-v1" not in crons


def test_canary_routing_for_shop_and_order(plans: dict) -> None:
    ingresses = _objects(plans["prod"], "Ingress")
    for name in ("shop", "order"):
        canary = ingresses[f"trade/{name}-v1-1-canary"]
        assert canary["spec"]["ingressClassName"] == "mse"
        assert canary["metadata"]["annotations"]["nginx.ingress.kubernetes.io/canary"] == "true"
        assert canary["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == f"{name}-v1-1"
        base = ingresses[f"trade/{name}"]
        assert base["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == f"{name}-v1"


def test_dev_is_small_and_cheap(plans: dict) -> None:
    hpas = _objects(plans["dev"], "HorizontalPodAutoscaler")
    assert hpas and all(h["spec"]["maxReplicas"] <= 2 for h in hpas.values())
    deployments = _objects(plans["dev"], "Deployment")
    placements = {d["spec"]["template"]["metadata"]["labels"]["livecommerce.io/placement"]
                  for d in deployments.values()}
    assert placements <= {"ecs-only", "eci-only"}
    assert _objects(plans["dev"], "CronHorizontalPodAutoscaler") == {}


def test_outputs_list_the_services(plans: dict) -> None:
    out = plans["prod"]["outputs"]["services"]
    assert out["shop"] == {"namespace": "trade", "entryPath": "/api/shop", "versions": ["v1", "v1.1"],
                           "uses": ["queue", "cache", "database"]}


def _stack_config(env: str, mutate) -> dict[str, str]:
    data = yaml.safe_load((ROOT / "stacks" / f"Pulumi.{env}.yaml").read_text())["config"]
    mutate(data[CONFIG_KEY])
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in data.items()}


def test_bad_image_in_a_stack_file_names_file_key_and_fix() -> None:
    def latest(platform: dict) -> None:
        platform["services"][1]["versions"][0]["image"] = "registry.cn-hangzhou.aliyuncs.com/livecommerce/shop:latest"

    with pytest.raises(ConfigError) as info:
        check_stack_config(_stack_config("prod", latest), "prod", "stacks/Pulumi.prod.yaml")
    assert info.value.lines == [
        "stacks/Pulumi.prod.yaml: livecommerce:platform.services[1].versions[0].image: image "
        "'registry.cn-hangzhou.aliyuncs.com/livecommerce/shop:latest': `latest` moves under you; pin a release "
        "tag or a digest (e.g. registry.cn-hangzhou.aliyuncs.com/livecommerce/shop:1.4.2 or ...@sha256:<64 hex>)"
    ]


def test_a_prod_tier_live_facing_service_that_cannot_burst_is_rejected_with_the_key() -> None:
    def ecs_only(platform: dict) -> None:
        platform["services"][1]["scheduling"]["placement"] = "ecs-only"

    with pytest.raises(ConfigError) as info:
        check_stack_config(_stack_config("prod", ecs_only), "prod", "stacks/Pulumi.prod.yaml")
    assert info.value.lines == [
        "stacks/Pulumi.prod.yaml: livecommerce:platform.services[1].scheduling.placement: shop: tier prod lets "
        "live-facing services burst onto ECI; use ecs-first"]


def test_unknown_service_key_suggests_the_right_one() -> None:
    def typo(platform: dict) -> None:
        platform["services"][0]["live_facng"] = True

    with pytest.raises(ConfigError) as info:
        check_stack_config(_stack_config("dev", typo), "dev", "stacks/Pulumi.dev.yaml")
    assert info.value.lines == ["stacks/Pulumi.dev.yaml: livecommerce:platform.services[0].live_facng: unknown key; "
                                "did you mean `live_facing`?"]


def test_untagged_image_error() -> None:
    def untagged(platform: dict) -> None:
        platform["services"][0]["versions"][0]["image"] = IMAGE.split(":")[0]

    with pytest.raises(ConfigError) as info:
        check_stack_config(_stack_config("dev", untagged), "dev", "stacks/Pulumi.dev.yaml")
    (line,) = info.value.lines
    assert line.startswith("stacks/Pulumi.dev.yaml: livecommerce:platform.services[0].versions[0].image: ")
    assert "has no tag or digest (it would pull `latest`); pin one" in line


@pytest.mark.parametrize("env", ENVS)
def test_match_label_keys_only_where_a_unit_has_a_max(plans, env):
    # ACK: ResourcePolicy matchLabelKeys "must be used with max in units"; alone it has no effect.
    policies = _objects(plans[env], "ResourcePolicy")
    for key, policy in policies.items():
        has_max = any("max" in unit for unit in policy["spec"]["units"])
        assert ("matchLabelKeys" in policy["spec"]) == has_max, key
