"""The container-platform settings: defaults, environment rules, and the exact messages users see."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from components.container_platform.cluster_settings import (
    DEFAULT_ADDONS,
    NODE_POOL_LABEL,
    POOL_ROLE_LABEL,
    AddonPin,
    ClusterSettings,
    ExternalClusterSettings,
    NodePoolSettings,
    check_pool_capacity,
    cluster_id_problem,
    maintenance_time,
    pool_labels,
    steady_base_selector,
)
from livecommerce.cli import main

ROOT = Path(__file__).resolve().parents[2]


def pool(name="steady", **kw):
    return NodePoolSettings(name=name, instance_types=["ecs.g7.2xlarge"], **kw)


# --- ClusterSettings ---------------------------------------------------------------------------------

def test_defaults_are_the_secure_production_choice():
    s = ClusterSettings()
    assert s.cluster_spec.startswith("ack.pro.")
    assert (s.api_server_public, s.deletion_protection, s.protect, s.enable_rrsa) == (False, True, True, True)
    assert s.auto_upgrade_channel == "stable"
    assert list(s.enabled_addons) == list(DEFAULT_ADDONS)
    assert {"ack-virtual-node", "ack-onepilot", "arms-prometheus", "ack-kubernetes-cronhpa-controller",
            "metrics-server", "loongcollector", "mse-ingress-controller"} <= set(s.enabled_addons)


def test_addon_pins_merge_over_the_defaults_instead_of_replacing_them():
    s = ClusterSettings(addons={"arms-prometheus": {"version": "1.1.20"}, "logtail-ds": {"enabled": False},
                                "ack-arena": {}})
    assert s.addons["arms-prometheus"] == AddonPin(version="1.1.20")
    assert s.addons["ack-virtual-node"] == AddonPin()
    enabled = list(s.enabled_addons)
    assert "logtail-ds" not in enabled
    assert enabled == [*DEFAULT_ADDONS, "ack-arena"]  # defaults in documented order, extras after


@pytest.mark.parametrize("addon", ["ack-virtual-node", "metrics-server", "ack-kubernetes-cronhpa-controller",
                                   "mse-ingress-controller"])
def test_required_addons_cannot_be_disabled(addon):
    with pytest.raises(ValidationError, match=f"addons.{addon}: cannot be disabled"):
        ClusterSettings(addons={addon: {"enabled": False}})


def test_both_log_collectors_conflict():
    with pytest.raises(ValidationError, match="loongcollector and logtail-ds both collect logs"):
        ClusterSettings(addons={"logtail-ds": {}})
    ok = ClusterSettings(addons={"logtail-ds": {}, "loongcollector": {"enabled": False}})
    assert "logtail-ds" in ok.enabled_addons and "loongcollector" not in ok.enabled_addons


@pytest.mark.parametrize("change", [
    {"api_server_public": True}, {"deletion_protection": False}, {"protect": False}, {"secrets_encryption": False},
])
def test_the_settings_know_no_tier(change):
    # What prod demands of a cluster is the tier table's (stacks/tiers.py), enforced once by the policy pack
    # at prod's levels (tests/foundation/test_tiers.py), not by the settings model.
    for stack in ("prod", "dev", "prod-sg"):
        assert ClusterSettings.model_validate(change, context={"stack": stack})


@pytest.mark.parametrize("version", ["1.33", "v1.33.1-aliyun.1", "1.33.1"])
def test_kubernetes_version_format(version):
    with pytest.raises(ValidationError, match="kubernetes_version"):
        ClusterSettings(kubernetes_version=version)


def test_maintenance_time_is_rfc3339_and_stable():
    assert maintenance_time("02:00", "+08:00") == "2024-01-01T02:00:00.000+08:00"
    assert maintenance_time("23:30", "-05:00") == "2024-01-01T23:30:00.000-05:00"


# --- node pools --------------------------------------------------------------------------------------

def test_pool_labels_carry_the_selector_labels_first():
    p = pool(role="system", labels={"livecommerce.io/workload": "agents"})
    assert pool_labels(p) == {NODE_POOL_LABEL: "steady", POOL_ROLE_LABEL: "system",
                              "livecommerce.io/workload": "agents"}
    assert steady_base_selector() == {POOL_ROLE_LABEL: "steady-base"}
    assert pool_labels(pool())[POOL_ROLE_LABEL] == steady_base_selector()[POOL_ROLE_LABEL]


@pytest.mark.parametrize("kw,message", [
    ({"min_size": 5, "max_size": 5}, r"max_size \(5\) must be above min_size \(5\)"),
    ({"labels": {NODE_POOL_LABEL: "x"}}, "are set from name and role"),
    ({"labels": {"type": "virtual-kubelet"}}, "reserved for ACK and virtual nodes"),
    ({"role": "dedicated"}, "a dedicated pool needs a taint"),
    ({"instance_types": ["g7.large"]}, "is not an ECS instance type"),
])
def test_bad_pools(kw, message):
    base = {"name": "steady", "instance_types": ["ecs.g7.2xlarge"], **kw}
    with pytest.raises(ValidationError, match=message):
        NodePoolSettings(**base)


def test_pool_capacity_names_both_keys():
    problems = check_pool_capacity([pool("steady", max_size=8), pool("batch", max_size=4)], max_nodes=10)
    assert problems == ["node_pools: the pools' max_size add up to 12 (steady 8 + batch 4), more than "
                        "network.max_nodes (10) the vSwitches are sized for; lower a max_size or raise "
                        "network.max_nodes"]
    assert check_pool_capacity([pool("a", max_size=6), pool("a", max_size=4)], 10) == [
        "node_pools: names must be unique; repeated: a"]
    assert check_pool_capacity([pool(role="system")], 100) == [
        "node_pools: at least one pool needs role steady-base (the microservices' base load)"]


@given(st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=6), st.integers(1, 600))
def test_pool_capacity_flags_exactly_the_overflowing_sets(maxes, max_nodes):
    pools = [pool(f"p{i}", min_size=0, max_size=m) for i, m in enumerate(maxes)]
    overflow = [p for p in check_pool_capacity(pools, max_nodes) if "add up to" in p]
    assert bool(overflow) == (sum(maxes) > max_nodes)


# --- external clusters -------------------------------------------------------------------------------

GOOD_ID = "c" + "0123456789abcdef" * 2


@given(st.text(alphabet="0123456789abcdef", min_size=32, max_size=32))
def test_any_c_plus_32_hex_is_a_cluster_id(hexpart):
    assert cluster_id_problem("c" + hexpart) is None


@pytest.mark.parametrize("bad", ["", None, "c123", "C" + "0" * 32, "c" + "g" * 32, "cls-" + "0" * 32,
                                 "c" + "0" * 33])
def test_bad_cluster_ids_point_at_the_manual_step(bad):
    problem = cluster_id_problem(bad)
    assert problem and "Register Cluster" in problem and "docs/container-platform.md" in problem


def test_external_cluster_defaults_and_messages():
    ext = ExternalClusterSettings(name="idc", cluster_id=GOOD_ID)
    assert list(ext.enabled_addons) == ["ack-onepilot", "arms-prometheus", "loongcollector"]
    with pytest.raises(ValidationError, match="cluster_id: missing; Pulumi cannot create registered clusters"):
        ExternalClusterSettings(name="idc")


# --- the messages users get from the CLI ------------------------------------------------------------

def _prod():
    return yaml.safe_load((ROOT / "stacks" / "Pulumi.prod.yaml").read_text())


BAD_STACK = [
    ("pools overflow the network", lambda p: p["node_pools"][0].update({"max_size": 500}),
     "livecommerce:platform.node_pools: the pools' max_size add up to 509 (steady 500 + system 9), more than "
     "network.max_nodes (120)"),
    ("malformed registered cluster id", lambda p: p["external_clusters"][0].update({"cluster_id": "abc"}),
     "livecommerce:platform.external_clusters[0]: cluster_id: 'abc' is not an ACK cluster id"),
    ("missing registered cluster id", lambda p: p["external_clusters"][0].pop("cluster_id"),
     "livecommerce:platform.external_clusters[0]: cluster_id: missing; Pulumi cannot create registered "
     "clusters: register the cluster in the ACK console"),
    ("same registered cluster name twice",
     lambda p: p["external_clusters"].append({**p["external_clusters"][0]}),
     "livecommerce:platform.external_clusters: each cluster needs its own name; repeated: idc-shanghai"),
    ("the removed kubeconfig_secret",
     lambda p: p["external_clusters"][0].update({"kubeconfig_secret": "idc-shanghai-kubeconfig"}),
     "livecommerce:platform.external_clusters[0].kubeconfig_secret: unknown key; allowed keys: addons, "
     "cluster_id, fleet_member, name"),
    ("misspelt addon key", lambda p: p["cluster"]["addons"].update({"arms-prometheus": {"verison": "1.0.0"}}),
     "livecommerce:platform.cluster.addons.arms-prometheus.verison: unknown key; did you mean `version`?"),
]


@pytest.mark.parametrize("label,mutate,expected", BAD_STACK, ids=[b[0] for b in BAD_STACK])
def test_bad_stack_messages(tmp_path, capsys, label, mutate, expected):
    data = _prod()
    mutate(data["config"]["livecommerce:platform"])
    (tmp_path / "Pulumi.prod.yaml").write_text(yaml.safe_dump(data))
    code = main(["validate", "prod", "--stacks-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    assert any(expected in line for line in err.splitlines()), err


@pytest.mark.parametrize("name", ["1ops", "a", "ops key", "x" * 129])
def test_node_key_pair_must_be_an_ecs_key_pair_name(name):
    with pytest.raises(ValidationError, match="node_key_pair"):
        ClusterSettings(node_key_pair=name)


def test_node_key_pair_defaults_to_a_declared_unusable_key():
    assert ClusterSettings().node_key_pair is None
    assert ClusterSettings(node_key_pair="ops-breakglass").node_key_pair == "ops-breakglass"
