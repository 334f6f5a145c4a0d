"""AckCluster built alone under the recording mocks, plus the acceptance checks on the real stacks."""

from __future__ import annotations

import pytest

import json

from pydantic import ValidationError

from components.naming import naming_for
from components.container_platform.cluster import AckCluster, AckClusterArgs, delete_options
from components.container_platform.cluster_settings import ClusterSettings, ExternalClusterSettings
from livecommerce.engine import record, run_preview

NAMING = naming_for("t")

CLUSTER = "alicloud:cs/managedKubernetes:ManagedKubernetes"
NODE_POOL = "alicloud:cs/nodePool:NodePool"
ADDON = "alicloud:cs/kubernetesAddon:KubernetesAddon"
TAGS = {"env": "t", "owner": "team"}


def build(settings=None, managed=False):
    settings = settings or ClusterSettings()

    def program():
        AckCluster("t-ack", AckClusterArgs(
            naming=NAMING, settings=settings, vswitch_ids=["vsw-n1", "vsw-n2"], pod_vswitch_ids=["vsw-p1", "vsw-p2"],
            service_cidr="172.16.0.0/16", log_project="lc-t-logs", log_project_managed=managed, tags=TAGS))

    return record(program)


def one(plan, token):
    found = [r for r in plan["resources"] if r["type"] == token]
    assert len(found) == 1, [r["name"] for r in found]
    return found[0]


def test_cluster_is_a_child_of_the_component_with_the_network_wired_in():
    plan = build()
    comp = one(plan, "livecommerce:container_platform:AckCluster")
    cluster = one(plan, CLUSTER)
    assert cluster["name"] == "t-ack-cluster" and cluster["parent"] == comp["urn"]
    i = cluster["inputs"]
    assert i["clusterSpec"] == "ack.pro.small" and i["profile"] == "Default"
    assert i["vswitchIds"] == ["vsw-n1", "vsw-n2"] and i["podVswitchIds"] == ["vsw-p1", "vsw-p2"]
    assert i["serviceCidr"] == "172.16.0.0/16"
    assert i["newNatGateway"] is False  # the network owns egress
    assert i["name"] == "livecommerce-t" and i["tags"] == TAGS


def test_terway_is_the_create_time_network_plugin_with_network_policy():
    # CreateCluster refuses a cluster without a network plug-in, and the provider sends `addons` only at create.
    cluster = one(build(), CLUSTER)
    [addon] = cluster["inputs"]["addons"]
    assert addon["name"] == "terway-eniip"
    assert json.loads(addon["config"]) == {"ENITrunking": "false", "IPVlan": "false", "NetworkPolicy": "true"}
    assert "addons" in cluster["options"]["ignoreChanges"]  # create-only: a later edit would do nothing
    off = one(build(ClusterSettings(network_policy=False)), CLUSTER)
    assert json.loads(off["inputs"]["addons"][0]["config"])["NetworkPolicy"] == "false"


@pytest.mark.parametrize("cni", ["terway-eniip", "flannel", "terway-controlplane"])
def test_the_network_plugin_is_never_a_separate_addon(cni):
    with pytest.raises(ValidationError, match=f"addons.{cni}: the network plug-in is installed with the cluster"):
        ClusterSettings(addons={cni: {}})
    with pytest.raises(ValidationError, match=f"addons.{cni}: the network plug-in"):
        ExternalClusterSettings(name="idc", cluster_id="c" + "0" * 32, addons={cni: {}})


def test_secure_defaults_reach_the_provider():
    plan = build()
    cluster = one(plan, CLUSTER)
    i = cluster["inputs"]
    assert i["slbInternetEnabled"] is False
    assert i["deletionProtection"] is True and cluster["protect"] is True
    assert i["enableRrsa"] is True and i["isEnterpriseSecurityGroup"] is True
    assert i["skipSetCertificateAuthority"] is True


def test_logs_maintenance_and_auto_upgrade():
    plan = build(ClusterSettings(maintenance_weekdays=["Tuesday", "Thursday"], maintenance_start="03:30",
                                 control_plane_log_ttl_days=90))
    cluster = one(plan, CLUSTER)
    i = cluster["inputs"]
    assert i["controlPlaneLogProject"] == "lc-t-logs" and i["controlPlaneLogTtl"] == "90"
    assert set(i["controlPlaneLogComponents"]) >= {"apiserver", "kcm", "scheduler"}
    assert i["auditLogConfig"] == {"enabled": True, "slsProjectName": "lc-t-logs"}
    assert i["maintenanceWindow"] == {"enable": True, "maintenanceTime": "2024-01-01T03:30:00.000+08:00",
                                      "duration": "4h", "weeklyPeriod": "Tuesday,Thursday"}
    assert i["operationPolicy"] == {"clusterAutoUpgrade": {"enabled": True, "channel": "stable"}}
    # "Do not specify version if cluster auto upgrade is enabled": ACK picks and moves the version.
    assert "version" not in i
    assert cluster["options"]["ignoreChanges"] == ["addons"]


def test_without_a_channel_the_version_drives_upgrades():
    plan = build(ClusterSettings(auto_upgrade_channel=None, kubernetes_version="1.32.1-aliyun.1"))
    cluster = one(plan, CLUSTER)
    assert cluster["inputs"]["version"] == "1.32.1-aliyun.1"
    assert "operationPolicy" not in cluster["inputs"]
    assert cluster["options"]["ignoreChanges"] == ["addons"]


def test_dev_style_settings_turn_protection_off():
    plan = build(ClusterSettings(deletion_protection=False, protect=False))
    cluster = one(plan, CLUSTER)
    assert cluster["inputs"]["deletionProtection"] is False and cluster["protect"] is False


@pytest.mark.parametrize("managed,mode", [(False, "delete"), (True, "retain")])
def test_delete_options_leave_nothing_behind(managed, mode):
    opts = dict(delete_options(managed))
    assert opts["SLB"] == opts["ALB"] == opts["SLS_Data"] == "delete"
    assert opts["SLS_ControlPlane"] == mode
    plan = build(managed=managed)
    wire = {o["resourceType"]: o["deleteMode"] for o in one(plan, CLUSTER)["inputs"]["deleteOptions"]}
    assert wire == opts


def test_secrets_are_encrypted_with_a_dedicated_rotating_kms_key_by_default():
    plan = build()
    key = one(plan, "alicloud:kms/key:Key")
    cluster = one(plan, CLUSTER)
    assert key["name"] == "t-ack-secrets-key" and key["parent"] == cluster["parent"]
    assert key["inputs"]["automaticRotation"] == "Enabled" and key["inputs"]["rotationInterval"] == "365d"
    assert key["inputs"]["deletionProtection"] == "Enabled" and key["protect"] is True
    assert key["urn"] in cluster["propertyDependencies"]["encryptionProviderKey"]
    assert cluster["inputs"]["encryptionProviderKey"].startswith("key-")
    assert cluster["inputs"]["disableEncryption"] is False


def test_an_existing_kms_key_is_used_as_is():
    plan = build(ClusterSettings(secrets_kms_key_id="key-abc"))
    assert one(plan, CLUSTER)["inputs"]["encryptionProviderKey"] == "key-abc"
    assert not [r for r in plan["resources"] if r["type"] == "alicloud:kms/key:Key"]


def test_secrets_encryption_off_creates_no_key():
    plan = build(ClusterSettings(secrets_encryption=False, deletion_protection=False, protect=False))
    assert not [r for r in plan["resources"] if r["type"] == "alicloud:kms/key:Key"]
    assert "encryptionProviderKey" not in one(plan, CLUSTER)["inputs"]


def test_mismatched_vswitch_lists_are_refused():
    with pytest.raises(Exception, match="one node and one pod vSwitch per zone"):
        record(lambda: AckCluster("t-ack", AckClusterArgs(
            naming=NAMING, settings=ClusterSettings(), vswitch_ids=["a"], pod_vswitch_ids=[],
            service_cidr="172.16.0.0/16", log_project="p", tags={})))


# --- acceptance, on the real stacks -------------------------------------------------------------------

@pytest.fixture(scope="module")
def plans():
    return {env: run_preview(env).plan for env in ("dev", "prod")}


def of(plan, token):
    return [r for r in plan["resources"] if r["type"] == token]


def test_prod_has_one_private_pro_cluster(plans):
    clusters = of(plans["prod"], CLUSTER)
    assert len(clusters) == 1
    c = clusters[0]
    assert c["inputs"]["clusterSpec"].startswith("ack.pro.")
    assert c["inputs"]["slbInternetEnabled"] is False
    assert c["inputs"]["deletionProtection"] is True and c["protect"] is True
    assert plans["prod"]["outputs"]["kubeconfig"] == "[secret]"
    outputs = plans["prod"]["outputs"]
    assert outputs["clusterId"].startswith("c") and outputs["apiServerIntranet"].startswith("https://10.")


def test_prod_node_pools_autoscale_and_repair(plans):
    pools = of(plans["prod"], NODE_POOL)
    assert pools
    for p in pools:
        assert p["inputs"]["scalingConfig"]["enable"] is True
        assert p["inputs"]["management"]["enable"] is True and p["inputs"]["management"]["autoRepair"] is True


def test_every_stack_cluster_declares_its_network_plugin(plans):
    for plan in plans.values():
        [cluster] = of(plan, CLUSTER)
        assert [a["name"] for a in cluster["inputs"]["addons"]] == ["terway-eniip"]
        assert cluster["inputs"]["podVswitchIds"]
        assert "terway-eniip" not in {a["inputs"]["name"] for a in of(plan, ADDON)}


def test_every_stack_node_pool_has_a_login_key_pair(plans):
    for plan in plans.values():
        [key] = of(plan, "alicloud:ecs/ecsKeyPair:EcsKeyPair")
        for pool in of(plan, NODE_POOL):
            assert pool["inputs"]["keyName"] == key["inputs"]["keyPairName"]


def test_prod_installs_the_architecture_addons(plans):
    names = {a["inputs"]["name"] for a in of(plans["prod"], ADDON)}
    assert {"ack-virtual-node", "ack-onepilot", "arms-prometheus", "ack-kubernetes-cronhpa-controller"} <= names


def test_prod_ships_a_registered_external_cluster_in_the_fleet(plans):
    members = of(plans["prod"], "alicloud:ackone/membershipAttachment:MembershipAttachment")
    ext_ids = set(plans["prod"]["outputs"]["externalClusterIds"].values())
    assert ext_ids and ext_ids <= {m["inputs"]["subClusterId"] for m in members}
    # One Kubernetes provider: the ACK cluster's. Registered clusters get addons and fleet membership through
    # ACK's own API; nothing is applied to them directly, so they need no provider (nor a kubeconfig secret).
    providers = [r for r in plans["prod"]["resources"] if r["type"] == "pulumi:providers:kubernetes"]
    assert [p["name"] for p in providers] == ["prod-ack-kubernetes"]
    assert providers[0]["inputs"]["kubeconfig"] == "[secret]"


def test_the_ack_provider_waits_for_nodes_and_addons(plans):
    provider = next(r for r in plans["prod"]["resources"] if r["type"] == "pulumi:providers:kubernetes"
                    and r["name"] == "prod-ack-kubernetes")
    deps = set(provider["dependencies"])
    assert {p["urn"] for p in of(plans["prod"], NODE_POOL)} <= deps
    assert {a["urn"] for a in of(plans["prod"], ADDON) if a["name"].startswith("prod-ack-addons-")} <= deps
    assert of(plans["prod"], CLUSTER)[0]["urn"] in deps  # the kubeconfig comes from the cluster


def test_dev_differs_downward(plans):
    dev, prod = plans["dev"], plans["prod"]
    dc = of(dev, CLUSTER)[0]
    assert dc["inputs"]["deletionProtection"] is False and dc["protect"] is False
    dev_max = sum(p["inputs"]["scalingConfig"]["maxSize"] for p in of(dev, NODE_POOL))
    prod_max = sum(p["inputs"]["scalingConfig"]["maxSize"] for p in of(prod, NODE_POOL))
    assert dev_max < prod_max
    assert not of(dev, "alicloud:ackone/cluster:Cluster")
