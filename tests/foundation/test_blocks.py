"""Blocks as components: each block alone under the recording mocks (children, names, parents, the aliases to
where its parts used to hang, what it publishes), and the stacks' tree reading like the architecture."""

from __future__ import annotations

import pulumi
import pulumi_kubernetes as k8s
import pytest

from components.container_platform.block import ContainerPlatform, ContainerPlatformArgs
from components.container_platform.cluster_settings import ClusterSettings, ExternalClusterSettings, NodePoolSettings
from components.governance.block import MicroserviceGovernance, MicroserviceGovernanceArgs
from components.governance.settings import GovernanceSettings
from components.naming import naming_for
from components.observability.alert_rules import ClusterTarget, RegisteredClusterTarget, ServiceTarget
from components.observability.block import Observability, ObservabilityArgs, WatchArgs
from components.observability.settings import ObservabilitySettings
from livecommerce.commands.preview import BLOCK_ORDER, build_tree
from livecommerce.engine import record, run_preview

NAMING = naming_for("t")
STACK_URN = "urn:pulumi:t::livecommerce::"
EXT_ID = "c" + "a" * 32


def children_of(plan: dict, urn: str) -> dict[str, dict]:
    return {r["name"]: r for r in plan["resources"] if r["parent"] == urn}


def component(plan: dict, token: str) -> dict:
    (found,) = [r for r in plan["resources"] if r["type"] == token]
    return found


# ---- container platform ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def platform_plan():
    box = {}

    def program():
        box["p"] = ContainerPlatform("t", ContainerPlatformArgs(
            naming=NAMING, cluster=ClusterSettings(),
            node_pools=[NodePoolSettings(name="steady", instance_types=["ecs.g7.2xlarge"], max_size=12)],
            external_clusters=[ExternalClusterSettings(name="idc", cluster_id=EXT_ID)],
            vpc_id="vpc-1", node_vswitch_ids=["vsw-1", "vsw-2"], pod_vswitch_ids=["vsw-p1", "vsw-p2"],
            service_cidr="172.16.0.0/16", log_project="livecommerce-t-cn-hangzhou", tags={"env": "t"}))

    return record(program, stack="t"), box["p"]


def test_the_container_platform_holds_cluster_pools_addons_and_external_clusters(platform_plan):
    plan, _ = platform_plan
    block = component(plan, "livecommerce:container_platform:ContainerPlatform")
    parts = children_of(plan, block["urn"])
    assert {n: r["type"].rsplit(":", 1)[-1] for n, r in parts.items()} == {
        "t-ack": "AckCluster", "t-node-pools": "NodePools", "t-ack-addons": "ClusterAddons",
        "t-external": "ExternalClusters"}
    # Each part hung at the stack before issue 17: its alias is that URN, and its children inherit it.
    for name, part in parts.items():
        assert part["aliases"] == [f"{STACK_URN}{part['type']}::{name}"]
    cluster = next(r for r in plan["resources"] if r["name"] == "t-ack-cluster")
    assert f"{STACK_URN}livecommerce:container_platform:AckCluster$alicloud:cs/managedKubernetes:" \
           "ManagedKubernetes::t-ack-cluster" in cluster["aliases"]


def test_the_container_platform_publishes_its_alert_targets_and_readiness(platform_plan):
    plan, block = platform_plan
    cluster, registered = block.alert_targets
    assert cluster == ClusterTarget(name="livecommerce-t", node_pools={"steady": 12})
    assert registered == RegisteredClusterTarget(name="idc", cluster_id=EXT_ID)
    assert cluster.name == next(r for r in plan["resources"] if r["name"] == "t-ack-cluster")["inputs"]["name"]
    assert [type(r).__name__ for r in block.ready] == ["NodePools", "ClusterAddons"]


# ---- governance ------------------------------------------------------------------------------------
class _Service:
    """A pod contract as governance sees it (a GovernedService), without the workloads' model."""

    def __init__(self, name: str, tags: dict[str, str | None]) -> None:
        from components.governance.settings import ServiceGovernance

        self.name, self.governance = name, ServiceGovernance()
        self.versions = [type("V", (), {"name": v, "tag": t})() for v, t in tags.items()]


def _governance(govern: bool) -> dict:
    def program():
        provider = k8s.Provider("t-k8s", kubeconfig="{}")
        block = MicroserviceGovernance("t", MicroserviceGovernanceArgs(
            naming=NAMING, settings=GovernanceSettings.model_validate(
                {"lanes": [{"name": "gray", "tag": "gray", "match": [{"name": "x-tag", "value": "gray"}]}]}),
            vpc_id="vpc-1", vswitch_ids=["vsw-1", "vsw-2"]), opts=pulumi.ResourceOptions(providers=[provider]))
        if govern:
            block.govern([_Service("shop", {"v1": None, "v1.1": "gray"})], after=[])
            assert block.lanes == {"gray": {"shop": "v1.1"}}
            with pytest.raises(ValueError, match="call it once"):
                block.govern([], after=[])

    return record(program, stack="t")


def test_governance_is_built_before_the_workloads_and_governs_them_after():
    before, after = _governance(False), _governance(True)
    block = component(after, "livecommerce:governance:MicroserviceGovernance")
    parts = children_of(after, block["urn"])
    assert {n: r["type"].rsplit(":", 1)[-1] for n, r in parts.items()} == {
        "t-registry": "Registry", "t-gateway": "Gateway", "t-mse-ingress": "MseIngress",
        "t-governance": "Governance"}
    assert "t-governance" not in children_of(before, component(before, block["type"])["urn"])
    for name, part in parts.items():
        assert part["aliases"] == [f"{STACK_URN}{part['type']}::{name}"]
    lane = next(r for r in after["resources"] if r["name"] == "t-governance-lane-gray")
    assert f"{STACK_URN}livecommerce:governance:Governance$pulumi-python:dynamic/mse:Lane::t-governance-lane-gray" \
        in lane["aliases"]


# ---- observability ---------------------------------------------------------------------------------
def test_observability_logs_first_and_watches_what_the_blocks_publish():
    shop = ServiceTarget(name="shop", namespace="trade", app_name="t-shop", deployments=("shop-v1",), hpa="shop-v1",
                         live_facing=True, cpu_limited=True)

    def program():
        block = Observability("t", ObservabilityArgs(naming=NAMING, settings=ObservabilitySettings.model_validate(
            {"contacts": [{"name": "oncall", "email": "oncall@example.com"}],
             "routing": {"routes": {"critical": {"channels": ["email"]}, "warning": {"channels": ["email"]}}}})))
        block.watch(WatchArgs(cluster_id="c" + "1" * 32, team="live",
                              targets=[ClusterTarget(name="livecommerce-t", node_pools={"steady": 3}), shop]))
        with pytest.raises(ValueError, match="call it once"):
            block.watch(WatchArgs(cluster_id="c", team="live", targets=[]))

    plan = record(program, stack="t")
    block = component(plan, "livecommerce:observability:Observability")
    assert set(children_of(plan, block["urn"])) == {"t-logs", "t-observability"}
    rules = [r["inputs"]["prometheusAlertRuleName"] for r in plan["resources"]
             if r["type"] == "alicloud:arms/prometheusAlertRule:PrometheusAlertRule"]
    assert "t-service-shop-error-rate" in rules and "t-cluster-ack-eci-pending" in rules


# ---- the stacks ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def prod():
    return run_preview("prod").plan


def test_the_stack_tree_reads_like_the_architecture(prod):
    tops = [r for r in prod["resources"] if r["parent"] and r["parent"].endswith("::livecommerce-prod")
            and not r["custom"]]
    domains = [r["type"].split(":")[1] for r in tops]
    # Data's in-cluster secret sync sits beside it at the root, where origin/main registered it (same URN).
    assert set(domains) == {"network", "container_platform", "data", "governance", "workloads", "media",
                            "observability"}
    text = str(build_tree(prod).children[0].label)  # first block under the stack
    assert "Network" in text
    shown = [str(node.label) for node in build_tree(prod).children]
    ranks = [next(i for i, d in enumerate(BLOCK_ORDER) if f"livecommerce:{d}:" in label) for label in shown
             if "livecommerce:" in label]
    assert ranks == sorted(ranks)


def test_service_alert_rules_watch_the_deployments_the_workloads_registered():
    # The rules come from Workloads.alert_targets: the pods they select are the Deployments really created.
    plan = run_preview("staging").plan
    deployments = {r["inputs"]["metadata"]["name"] for r in plan["resources"]
                   if r["type"] == "kubernetes:apps/v1:Deployment"}
    targets = [r for r in plan["resources"] if r["type"] == "alicloud:arms/prometheusAlertRule:PrometheusAlertRule"
               and any(lab["name"] == "service" for lab in r["inputs"]["labels"])]
    assert targets
    for rule in targets:
        pods = rule["inputs"]["expression"]
        if "pod=~" in pods:
            names = pods.split('pod=~"(')[1].split(")")[0].split("|")
            assert set(names) <= deployments
