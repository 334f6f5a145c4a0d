"""ClusterAddons built alone under the recording mocks."""

from __future__ import annotations

import json

from components.container_platform.addons import ClusterAddons, ClusterAddonsArgs, addon_config
from components.container_platform.cluster_settings import AddonPin, ClusterSettings
from livecommerce.engine import record

ADDON = "alicloud:cs/kubernetesAddon:KubernetesAddon"


def build(addons):
    return record(lambda: ClusterAddons("t-addons", ClusterAddonsArgs(cluster_id="c-test", addons=addons)))


def addons_of(plan):
    return {r["inputs"]["name"]: r for r in plan["resources"] if r["type"] == ADDON}


def test_every_default_addon_is_its_own_resource():
    plan = build(ClusterSettings().enabled_addons)
    comp = next(r for r in plan["resources"] if r["type"] == "livecommerce:container_platform:ClusterAddons")
    found = addons_of(plan)
    assert set(found) == set(ClusterSettings().enabled_addons)
    for name, res in found.items():
        assert res["name"] == f"t-addons-{name}"
        assert res["parent"] == comp["urn"]
        assert res["inputs"]["clusterId"] == "c-test"


def test_only_the_virtual_node_cleans_up_its_cloud_resources():
    found = addons_of(build(ClusterSettings().enabled_addons))
    assert found["ack-virtual-node"]["inputs"]["cleanupCloudResources"] is True
    assert all("cleanupCloudResources" not in r["inputs"] for n, r in found.items() if n != "ack-virtual-node")


def test_version_and_config_are_pinned_per_stack():
    pins = {"arms-prometheus": AddonPin(version="1.1.20"),
            "loongcollector": AddonPin(config={"IngressDashboardEnabled": "true", "b": 1})}
    found = addons_of(build(pins))
    assert found["arms-prometheus"]["inputs"]["version"] == "1.1.20"
    assert "config" not in found["arms-prometheus"]["inputs"]
    assert json.loads(found["loongcollector"]["inputs"]["config"]) == {"IngressDashboardEnabled": "true", "b": 1}
    assert "version" not in found["loongcollector"]["inputs"]


def test_config_json_is_stable():
    assert addon_config(AddonPin(config={"b": 1, "a": "x"})) == '{"a":"x","b":1}'
    assert addon_config(AddonPin()) is None


def test_disabled_addons_are_not_installed():
    settings = ClusterSettings(addons={"arms-prometheus": {"enabled": False}})
    assert "arms-prometheus" not in addons_of(build(settings.enabled_addons))
