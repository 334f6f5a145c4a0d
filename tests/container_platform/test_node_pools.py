"""NodePools built alone under the recording mocks."""

from __future__ import annotations

from components.naming import naming_for
from components.container_platform.cluster_settings import NODE_POOL_LABEL, POOL_ROLE_LABEL, NodePoolSettings
from components.container_platform.node_pools import NodePools, NodePoolsArgs, management
from livecommerce.engine import record

NAMING = naming_for("t")

NODE_POOL = "alicloud:cs/nodePool:NodePool"
TAGS = {"env": "t", "owner": "team"}


def build(pools, vswitches=("vsw-a", "vsw-b", "vsw-c"), key_pair_name=None):
    box = {}

    def program():
        box["c"] = NodePools("t-node-pools", NodePoolsArgs(naming=NAMING, cluster_id="c-test",
                                                           vswitch_ids=list(vswitches), pools=pools, tags=TAGS,
                                                           key_pair_name=key_pair_name))

    return record(program), box["c"]


def steady(**kw):
    return NodePoolSettings(name="steady", instance_types=["ecs.g7.2xlarge", "ecs.g6.2xlarge"], **kw)


def pools_of(plan):
    return {r["name"]: r for r in plan["resources"] if r["type"] == NODE_POOL}


def test_one_pool_per_setting_named_by_key_and_parented():
    plan, comp = build([steady(), NodePoolSettings(name="system", role="system", instance_types=["ecs.g7.xlarge"],
                                                   min_size=2, max_size=4)])
    parent = next(r for r in plan["resources"] if r["type"] == "livecommerce:container_platform:NodePools")
    pools = pools_of(plan)
    assert set(pools) == {"t-node-pools-steady", "t-node-pools-system"}
    assert all(p["parent"] == parent["urn"] for p in pools.values())
    assert pools["t-node-pools-system"]["inputs"]["nodePoolName"] == "livecommerce-t-system"
    assert comp.max_sizes == {"steady": 30, "system": 4}
    assert comp.selectors == {"steady": {NODE_POOL_LABEL: "steady"}, "system": {NODE_POOL_LABEL: "system"}}
    assert comp.steady_base_selector == {POOL_ROLE_LABEL: "steady-base"}


def test_autoscaling_across_every_zone_without_a_fixed_size():
    plan, _ = build([steady(min_size=3, max_size=12)])
    i = pools_of(plan)["t-node-pools-steady"]["inputs"]
    assert i["vswitchIds"] == ["vsw-a", "vsw-b", "vsw-c"]
    assert i["clusterId"] == "c-test"
    assert i["scalingConfig"] == {"enable": True, "minSize": 3, "maxSize": 12, "isBondEip": False}
    assert "desiredSize" not in i and "nodeCount" not in i
    assert i["multiAzPolicy"] == "BALANCE"
    assert i["instanceTypes"] == ["ecs.g7.2xlarge", "ecs.g6.2xlarge"]


def test_managed_hardened_and_private():
    plan, _ = build([steady()])
    i = pools_of(plan)["t-node-pools-steady"]["inputs"]
    assert i["management"] == {"enable": True, "autoRepair": True, "autoUpgrade": True, "autoVulFix": True,
                               "maxUnavailable": 1}
    assert management()["auto_repair"] is True
    assert i["imageType"] == "AliyunLinux3" and i["securityHardeningOs"] is True
    assert i["systemDiskEncrypted"] is True and i["loginAsNonRoot"] is True
    assert i["instanceMetadataOptions"] == {"httpTokens": "required"}
    assert not {"internetChargeType", "internetMaxBandwidthOut"} & set(i)


def test_container_os_skips_the_alinux_only_hardening_flag():
    plan, _ = build([steady(image_type="ContainerOS")])
    i = pools_of(plan)["t-node-pools-steady"]["inputs"]
    assert i["imageType"] == "ContainerOS" and "securityHardeningOs" not in i


def test_labels_taints_and_tags():
    pool = NodePoolSettings(name="media", role="dedicated", instance_types=["ecs.c7.4xlarge"],
                            labels={"livecommerce.io/workload": "media"},
                            taints=[{"key": "dedicated", "value": "media", "effect": "NoSchedule"}])
    plan, _ = build([steady(), pool])
    i = pools_of(plan)["t-node-pools-media"]["inputs"]
    assert i["labels"] == [{"key": NODE_POOL_LABEL, "value": "media"}, {"key": POOL_ROLE_LABEL, "value": "dedicated"},
                           {"key": "livecommerce.io/workload", "value": "media"}]
    assert i["taints"] == [{"key": "dedicated", "value": "media", "effect": "NoSchedule"}]
    assert i["tags"] == {**TAGS, "node-pool": "media"}
    assert "taints" not in pools_of(plan)["t-node-pools-steady"]["inputs"]


def test_spot_pools_fall_back_to_on_demand():
    plan, _ = build([steady(spot=True)])
    i = pools_of(plan)["t-node-pools-steady"]["inputs"]
    assert i["spotStrategy"] == "SpotAsPriceGo" and i["compensateWithOnDemand"] is True
    assert i["multiAzPolicy"] == "COST_OPTIMIZED"


def test_managed_pools_log_in_by_a_key_pair_nobody_holds_by_default():
    # Docs: a pool needs key_name or a password, and a managed pool takes only key_name.
    plan, _ = build([steady(), NodePoolSettings(name="system", role="system", instance_types=["ecs.g7.xlarge"],
                                                min_size=2, max_size=4)])
    [key] = [r for r in plan["resources"] if r["type"] == "alicloud:ecs/ecsKeyPair:EcsKeyPair"]
    parent = next(r for r in plan["resources"] if r["type"] == "livecommerce:container_platform:NodePools")
    assert key["name"] == "t-node-pools-login-key" and key["parent"] == parent["urn"]
    assert key["inputs"]["keyPairName"] == "livecommerce-t-nodes" and key["inputs"]["tags"] == TAGS
    # No public key (ECS generates the pair) and no key_file (the private key is written nowhere).
    assert "publicKey" not in key["inputs"] and "keyFile" not in key["inputs"]
    for pool in pools_of(plan).values():
        assert pool["inputs"]["keyName"] == "livecommerce-t-nodes"
        assert key["urn"] in pool["propertyDependencies"]["keyName"]
        assert "password" not in pool["inputs"] and "kmsEncryptedPassword" not in pool["inputs"]


def test_an_existing_key_pair_is_used_as_is():
    plan, comp = build([steady()], key_pair_name="ops-breakglass")
    assert not [r for r in plan["resources"] if r["type"] == "alicloud:ecs/ecsKeyPair:EcsKeyPair"]
    assert pools_of(plan)["t-node-pools-steady"]["inputs"]["keyName"] == "ops-breakglass"
