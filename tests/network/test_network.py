"""The Network component built alone under the recording mocks."""

from components.naming import naming_for
from components.network.settings import NetworkSettings
from components.network.vpc import Network, NetworkArgs
from livecommerce.engine import record

TAGS = {"env": "t", "owner": "team", "cost-center": "cc"}


def build(zones):
    settings = NetworkSettings(zones=zones, vpc_cidr="10.0.0.0/16", max_nodes=30, max_pods_per_node=32)
    return record(lambda: Network("t-network", NetworkArgs(naming=naming_for("t"), settings=settings, tags=TAGS)))


def by_type(plan, token):
    return [r for r in plan["resources"] if r["type"] == token]


def test_children_types_names_and_parents():
    plan = build(["cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j"])
    comp = by_type(plan, "livecommerce:network:Network")
    assert len(comp) == 1
    children = [r for r in plan["resources"] if r["parent"] == comp[0]["urn"]]
    types = sorted(r["type"] for r in children)
    assert types.count("alicloud:vpc/switch:Switch") == 6
    assert types.count("alicloud:vpc/snatEntry:SnatEntry") == 6
    assert {"alicloud:vpc/network:Network", "alicloud:vpc/natGateway:NatGateway", "alicloud:ecs/eipAddress:EipAddress",
            "alicloud:ecs/eipAssociation:EipAssociation"} <= set(types)
    assert all(r["name"].startswith("t-network-") for r in children)
    assert len(children) == len(plan["resources"]) - 2  # everything but the stack and the component


def test_vswitches_are_per_zone_and_role():
    plan = build(["cn-hangzhou-h", "cn-hangzhou-i"])
    switches = {r["name"]: r["inputs"] for r in by_type(plan, "alicloud:vpc/switch:Switch")}
    assert set(switches) == {"t-network-node-cn-hangzhou-h", "t-network-pod-cn-hangzhou-h",
                             "t-network-node-cn-hangzhou-i", "t-network-pod-cn-hangzhou-i"}
    assert switches["t-network-pod-cn-hangzhou-i"]["zoneId"] == "cn-hangzhou-i"
    assert switches["t-network-pod-cn-hangzhou-i"]["tags"]["role"] == "pod"
    vpc = by_type(plan, "alicloud:vpc/network:Network")[0]
    assert all(vpc["urn"] in by_type(plan, "alicloud:vpc/switch:Switch")[0]["propertyDependencies"]["vpcId"]
               for _ in [0])


def test_nat_is_enhanced_and_snat_covers_every_vswitch_after_the_eip_is_bound():
    plan = build(["cn-hangzhou-h", "cn-hangzhou-i"])
    nat = by_type(plan, "alicloud:vpc/natGateway:NatGateway")[0]
    assert nat["inputs"]["natType"] == "Enhanced"
    assert nat["inputs"]["vswitchId"].startswith("vsw-")
    assoc = by_type(plan, "alicloud:ecs/eipAssociation:EipAssociation")[0]
    assert assoc["inputs"]["instanceType"] == "Nat"
    switch_ids = {r["urn"] for r in by_type(plan, "alicloud:vpc/switch:Switch")}
    fed = set()
    for snat in by_type(plan, "alicloud:vpc/snatEntry:SnatEntry"):
        assert assoc["urn"] in snat["dependencies"]
        assert snat["inputs"]["snatTableId"].startswith("stb-")  # NAT's computed snat_table_ids reached it
        assert nat["urn"] in snat["propertyDependencies"]["snatTableId"]
        fed.update(snat["propertyDependencies"]["sourceVswitchId"])
    assert fed == switch_ids


def test_tags_on_every_taggable_resource():
    plan = build(["cn-hangzhou-h"])
    taggable = {"alicloud:vpc/network:Network", "alicloud:vpc/switch:Switch", "alicloud:vpc/natGateway:NatGateway",
                "alicloud:ecs/eipAddress:EipAddress"}
    for res in plan["resources"]:
        if res["type"] in taggable:
            assert {k: res["inputs"]["tags"][k] for k in TAGS} == TAGS, res["name"]


def test_deletion_protection_guards_the_egress_path_unless_turned_off():
    def plan_for(protect):
        s = NetworkSettings(zones=["cn-hangzhou-h"], deletion_protection=protect)
        return record(lambda: Network("t-network", NetworkArgs(naming=naming_for("t"), settings=s, tags=TAGS)))

    on, off = plan_for(True), plan_for(False)
    for token in ("alicloud:vpc/network:Network", "alicloud:vpc/natGateway:NatGateway",
                  "alicloud:ecs/eipAddress:EipAddress"):
        assert by_type(on, token)[0]["protect"] is True
        assert by_type(off, token)[0]["protect"] is False
    assert by_type(on, "alicloud:vpc/natGateway:NatGateway")[0]["inputs"]["deletionProtection"] is True
    assert by_type(off, "alicloud:vpc/natGateway:NatGateway")[0]["inputs"]["deletionProtection"] is False
    assert by_type(on, "alicloud:vpc/switch:Switch")[0]["protect"] is False
