"""ExternalClusters (registered clusters + ACK One fleet) built alone under the recording mocks."""

from __future__ import annotations

import pytest

from components.naming import naming_for
from components.container_platform.cluster_settings import ExternalClusterSettings, FleetSettings
from components.container_platform.external_clusters import ExternalClusters, ExternalClustersArgs
from livecommerce.engine import record

ADDON = "alicloud:cs/kubernetesAddon:KubernetesAddon"
FLEET = "alicloud:ackone/cluster:Cluster"
MEMBER = "alicloud:ackone/membershipAttachment:MembershipAttachment"
IDC = "c" + "a" * 32
AWS = "c" + "b" * 32


def ext(name, cid, **kw):
    return ExternalClusterSettings(name=name, cluster_id=cid, **kw)


def build(clusters, fleet=True):
    return record(lambda: ExternalClusters("t-external", ExternalClustersArgs(
        naming=naming_for("t"), clusters=clusters, fleet=FleetSettings(enabled=fleet), ack_cluster_id="c-ack",
        vpc_id="vpc-1", vswitch_ids=["vsw-a", "vsw-b"])))


def of(plan, token):
    return [r for r in plan["resources"] if r["type"] == token]


def test_each_external_cluster_gets_the_observability_and_governance_addons():
    plan = build([ext("idc", IDC), ext("aws", AWS, addons={"loongcollector": {"enabled": False}})])
    addons = {(r["inputs"]["clusterId"], r["inputs"]["name"]) for r in of(plan, ADDON)}
    assert addons == {(IDC, "ack-onepilot"), (IDC, "arms-prometheus"), (IDC, "loongcollector"),
                      (AWS, "ack-onepilot"), (AWS, "arms-prometheus")}
    names = {r["name"] for r in of(plan, ADDON)}
    assert "t-external-idc-addons-ack-onepilot" in names
    assert not any(r["inputs"]["name"] == "ack-virtual-node" for r in of(plan, ADDON))


def test_fleet_attaches_the_ack_cluster_and_every_member():
    plan = build([ext("idc", IDC), ext("aws", AWS, fleet_member=False)])
    fleet = of(plan, FLEET)
    assert len(fleet) == 1
    f = fleet[0]
    assert f["name"] == "t-external-fleet"
    assert f["inputs"]["argocdEnabled"] is False  # a fleet with Argo CD on cannot be deleted
    assert f["inputs"]["network"] == {"vpcId": "vpc-1", "vswitches": ["vsw-a", "vsw-b"]}
    members = {r["name"]: r for r in of(plan, MEMBER)}
    assert set(members) == {"t-external-fleet-member-ack", "t-external-fleet-member-idc"}
    assert members["t-external-fleet-member-idc"]["inputs"]["subClusterId"] == IDC
    assert members["t-external-fleet-member-ack"]["inputs"]["subClusterId"] == "c-ack"
    assert all(f["urn"] in m["dependencies"] for m in members.values())


def test_no_fleet_when_disabled():
    plan = build([ext("idc", IDC)], fleet=False)
    assert not of(plan, FLEET) and not of(plan, MEMBER)
    assert len(of(plan, ADDON)) == 3


def test_a_bad_id_never_reaches_the_cloud():
    bad = ExternalClusterSettings.model_construct(name="idc", cluster_id="nope",
                                                  addons={}, fleet_member=True)
    with pytest.raises(Exception, match="Register Cluster"):
        build([bad])
