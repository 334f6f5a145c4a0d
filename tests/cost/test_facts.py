"""What the model reads from a plan: quantities, pools, pod shapes, placement, HPA and CronHPA jobs."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livecommerce.cost.facts import GIB, PlanFactError, plan_facts, quantity
from tests.cost.conftest import cron_hpa, deployment, hpa, node_pool, plan, resource_policy


@pytest.mark.parametrize(("text", "value"), [
    ("500m", 0.5), ("2", 2.0), ("1.5", 1.5), ("250m", 0.25), (3, 3.0), (0.5, 0.5),
    ("1024Mi", 2**30), ("2Gi", 2 * 2**30), ("512Ki", 512 * 1024), ("1G", 1e9), ("1e9", 1e9), ("100M", 1e8),
])
def test_quantities(text, value):
    assert quantity(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["", "abc", "1Qi", "-1", "1.2.3", None, True, float("nan"), "Gi"])
def test_bad_quantities_raise(bad):
    with pytest.raises(ValueError):
        quantity(bad)


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["Ki", "Mi", "Gi", "Ti"]))
def test_binary_suffixes(n, suffix):
    assert quantity(f"{n}{suffix}") == n * {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}[suffix]


@given(st.integers(min_value=0, max_value=10**6))
def test_millicores(n):
    assert quantity(f"{n}m") == pytest.approx(n / 1000)


def test_node_pool_facts():
    facts = plan_facts(plan(node_pool(types=("ecs.g7.2xlarge", "ecs.g6.2xlarge"), min_size=3, max_size=60,
                                      spot=True)))
    (pool,) = facts.pools
    assert pool.instance_type == "ecs.g7.2xlarge" and pool.instance_types == ("ecs.g7.2xlarge", "ecs.g6.2xlarge")
    assert (pool.min_size, pool.max_size, pool.spot, pool.disk_gib) == (3, 60, True, 100)
    assert pool.labels == {"livecommerce.io/pool-role": "steady-base"}
    assert facts.region == "cn-hangzhou"


def test_a_pool_without_autoscaling_is_its_desired_size():
    res = node_pool()
    res["inputs"]["scalingConfig"] = {"enable": False}
    res["inputs"]["desiredSize"] = 5
    (pool,) = plan_facts(plan(res)).pools
    assert (pool.min_size, pool.max_size) == (5, 5)


def test_shapes_requests_for_ecs_limits_for_eci():
    res = deployment("shop", cpu="500m", memory="1024Mi", limit_cpu="2", limit_memory="2Gi")
    (w,) = plan_facts(plan(res)).workloads
    assert (w.requests.vcpu, w.requests.memory_gib) == (0.5, 1.0)
    assert (w.limits.vcpu, w.limits.memory_gib) == (2.0, 2.0)


def test_a_missing_cpu_limit_uses_the_request_for_eci():
    (w,) = plan_facts(plan(deployment("shop", cpu="500m", memory="1Gi", limit_cpu=None, limit_memory="2Gi"))).workloads
    assert (w.limits.vcpu, w.limits.memory_gib) == (0.5, 2.0)


def test_no_resources_at_all_is_ecis_default_2c4g():
    res = deployment("shop")
    res["inputs"]["spec"]["template"]["spec"]["containers"][0]["resources"] = {}
    (w,) = plan_facts(plan(res)).workloads
    assert (w.limits.vcpu, w.limits.memory_gib) == (2.0, 4.0)
    assert (w.requests.vcpu, w.requests.memory_gib) == (0.0, 0.0)


def test_containers_add_up():
    res = deployment("shop", cpu="1", memory="2Gi")
    containers = res["inputs"]["spec"]["template"]["spec"]["containers"]
    containers.append({"name": "sidecar", "resources": {"requests": {"cpu": "250m", "memory": "256Mi"},
                                                        "limits": {"cpu": "500m", "memory": "512Mi"}}})
    (w,) = plan_facts(plan(res)).workloads
    assert w.requests.vcpu == 1.25 and w.requests.memory_gib == pytest.approx(2.25)
    assert w.limits.vcpu == 2.5 and w.limits.memory_gib == pytest.approx(4.5)


@pytest.mark.parametrize(("resources", "placement", "cap"), [
    ((deployment("shop"), resource_policy("shop", ecs_max=24)), "ecs-first", 24),
    ((deployment("shop"), resource_policy("shop")), "ecs-first", None),
    ((deployment("shop", placement="ecs-first"),), "ecs-first", None),  # toleration only: "ecs-prefer"
    ((deployment("shop", placement="eci-only"),), "eci-only", None),
    ((deployment("shop", placement="ecs-only"),), "ecs-only", None),
    ((deployment("shop", placement="ecs-only", labels={"alibabacloud.com/eci": "true"}),), "eci-only", None),
    ((deployment("shop"), resource_policy("shop", namespace="other")), "ecs-first", None),
])
def test_placement_is_read_from_what_the_scheduler_sees(resources, placement, cap):
    (w,) = plan_facts(plan(*resources)).workloads
    assert (w.placement, w.ecs_max) == (placement, cap)


def test_a_resource_policy_selector_must_match_the_pods():
    rp = resource_policy("order")
    rp["inputs"]["metadata"]["namespace"] = "shop"
    (w,) = plan_facts(plan(deployment("shop", placement="ecs-only"), rp)).workloads
    assert w.placement == "ecs-only"


def test_hpa_and_cronhpa_bind_to_their_deployment():
    p = plan(deployment("shop"), hpa("shop", low=3, high=60),
             cron_hpa("shop", [("gala-up", "0 0 11 10 11 *", 40), ("gala-down", "0 30 18 10 11 *", 3)]),
             deployment("canary", replicas=2), hpa("other"))
    by_key = {w.key: w for w in plan_facts(p).workloads}
    shop, canary = by_key["shop/shop"], by_key["shop/canary"]
    assert (shop.hpa_min, shop.hpa_max, shop.baseline) == (3, 60, 3)
    assert [(j.name, j.target) for j in shop.jobs] == [("gala-up", 40), ("gala-down", 3)]
    assert (canary.fixed_replicas, canary.baseline, canary.jobs) == (2, 2, ())
    assert shop.mse_agent


def test_a_deployment_without_replicas_or_hpa_runs_one_pod():
    (w,) = plan_facts(plan(deployment("shop"))).workloads
    assert w.baseline == 1


def test_unreadable_values_name_the_resource_and_input():
    res = deployment("shop", cpu="lots")
    with pytest.raises(PlanFactError, match=r"t-workloads-shop: container app: resources: not a quantity"):
        plan_facts(plan(res))
    bad_pool = node_pool()
    bad_pool["inputs"]["scalingConfig"]["minSize"] = "three"
    with pytest.raises(PlanFactError, match=r"t-node-pools-steady: scalingConfig.minSize: expected a whole number"):
        plan_facts(plan(bad_pool))
    bad_cron = cron_hpa("shop", [("x", "0 0 11 10 11", 5)])
    with pytest.raises(PlanFactError, match=r"spec.jobs\[0\].schedule: expected 6 cron fields"):
        plan_facts(plan(deployment("shop"), hpa("shop"), bad_cron))


def test_the_shipped_prod_plan(shipped_plans):
    facts = plan_facts(shipped_plans["prod"])
    by_key = {w.key: w for w in facts.workloads}
    live = by_key["live/live-interaction-v1"]
    assert (live.placement, live.ecs_max, live.hpa_min, live.hpa_max) == ("ecs-first", 24, 6, 120)
    assert (live.requests.vcpu, live.requests.memory_gib) == (1.0, 2.0)
    assert (live.limits.vcpu, live.limits.memory_gib) == (2.0, 4.0)
    assert sorted(j.target for j in live.jobs) == [6, 6, 80, 100]
    assert by_key["merchant/merchant-v1"].placement == "ecs-only"
    assert by_key["trade/shop-v1-1"].fixed_replicas == 2
    assert [p.name for p in facts.pools] == ["prod-node-pools-steady", "prod-node-pools-system"]
    assert GIB == 2**30


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                max_size=3), max_leaves=8)
READ = ("kubernetes:apps/v1:Deployment", "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        "kubernetes:autoscaling.alibabacloud.com/v1beta1:CronHorizontalPodAutoscaler",
        "kubernetes:scheduling.alibabacloud.com/v1alpha1:ResourcePolicy", "alicloud:cs/nodePool:NodePool",
        "alicloud:mse/cluster:Cluster", "alicloud:log/store:Store", "alicloud:fc/v3Function:V3Function",
        "alicloud:oss/bucket:Bucket", "alicloud:ecs/eipAddress:EipAddress")


def _leaves(value, path=()):
    out = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _leaves(v, (*path, i))
    return out


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_any_json_inside_inputs_is_priced_or_refused_by_name(shipped_plans, data):
    """A hand-edited plan may hold any JSON in `inputs`: the cost summary never crashes; it prices the plan
    or says which resource and input it cannot read."""
    import copy

    from livecommerce.cost import Month, cost_summary

    p = copy.deepcopy(shipped_plans["prod"])
    res = data.draw(st.sampled_from([r for r in p["resources"] if r["type"] in READ and r["inputs"]]))
    path = data.draw(st.sampled_from(_leaves(res["inputs"])))
    cur = res["inputs"]
    for key in path[:-1]:
        cur = cur[key]
    cur[path[-1]] = data.draw(JSON)
    out = cost_summary(p, env="prod", month=Month(2027, 11))
    assert ("error" in out) or out["elastic"] >= 0
    if "error" in out and res["name"] not in out["error"]:
        assert "no price" in out["error"] or "resource_types" in out["error"], out["error"]


def test_a_second_provider_does_not_hide_the_stacks_region():
    from livecommerce.cost.facts import region_of

    main = {"urn": "urn:p::main", "type": "pulumi:providers:alicloud", "inputs": {"region": "cn-hangzhou"}}
    live = {"urn": "urn:p::live", "type": "pulumi:providers:alicloud", "inputs": {"region": "cn-shanghai"}}
    used = [{"type": "alicloud:oss/bucket:Bucket", "inputs": {}, "options": {"provider": u}}
            for u in ("urn:p::main", "urn:p::main", "urn:p::live")]
    assert region_of([main, live, *used]) == "cn-hangzhou"
    assert region_of([main]) == "cn-hangzhou"
    assert region_of([main, live]) is None  # nothing says which one the stack runs in
