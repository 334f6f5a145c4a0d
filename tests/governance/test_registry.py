"""The Registry component alone under the recording mocks: a private Nacos cluster and the stack's namespace."""

from __future__ import annotations

import pulumi

from components.naming import naming_for
from components.governance.registry import Registry, RegistryArgs, cluster_inputs
from components.governance.settings import RegistrySettings
from livecommerce.engine import record
from tests.governance.helpers import by_name, children, one

NAMING = naming_for("t")

TAGS = {"env": "t", "owner": "team", "cost-center": "cc"}
CLUSTER = "alicloud:mse/cluster:Cluster"
NAMESPACE = "alicloud:mse/engineNamespace:EngineNamespace"


def build(settings: RegistrySettings) -> dict:
    def program():
        reg = Registry("t-registry", RegistryArgs(naming=NAMING, settings=settings, namespace="t", vpc_id="vpc-1",
                                                  vswitch_id="vsw-1", tags=TAGS))
        pulumi.export("endpoint", reg.endpoint)
        pulumi.export("namespace", reg.namespace_id)
        pulumi.export("instance", reg.instance_id)
    return record(program)


def test_children_names_and_parent():
    plan = build(RegistrySettings())
    comp = one(plan, "livecommerce:governance:Registry")
    kids = {r["name"]: r["type"] for r in children(plan, comp)}
    assert kids == {"t-registry-nacos": CLUSTER, "t-registry-namespace": NAMESPACE}


def test_pro_cluster_is_private_three_nodes_in_the_vpc_and_tagged():
    inputs = one(build(RegistrySettings()), CLUSTER)["inputs"]
    assert inputs["clusterType"] == "Nacos-Ans"
    assert (inputs["instanceCount"], inputs["mseVersion"]) == (3, "mse_pro")
    assert (inputs["netType"], inputs["pubNetworkFlow"]) == ("privatenet", "0")
    assert "aclEntryLists" not in inputs and "pubSlbSpecification" not in inputs
    assert (inputs["vpcId"], inputs["vswitchId"]) == ("vpc-1", "vsw-1")
    assert {k: inputs["tags"][k] for k in TAGS} == TAGS and inputs["tags"]["role"] == "registry"


def test_dev_edition_is_one_node():
    settings = RegistrySettings(edition="dev", specification="MSE_SC_1_2_60_c", instance_count=1)
    assert cluster_inputs(naming_for("dev"), settings)["mse_version"] == "mse_dev"
    assert one(build(settings), CLUSTER)["inputs"]["instanceCount"] == 1


def test_namespace_hangs_off_the_instance_and_outputs_reach_the_stack():
    plan = build(RegistrySettings())
    cluster, ns = one(plan, CLUSTER), one(plan, NAMESPACE)
    assert ns["inputs"]["namespaceId"] == ns["inputs"]["namespaceShowName"] == "t"
    assert ns["inputs"]["instanceId"].startswith("mse-cn-")  # the instance id, not the mse-... cluster id
    assert ns["propertyDependencies"]["instanceId"] == [cluster["urn"]]
    out = plan["outputs"]
    assert out["namespace"] == "t"
    assert out["endpoint"] == f"{out['instance']}-p.nacos-ans.mse.aliyuncs.com:8848"
    assert by_name(plan)["t-registry-nacos"]["inputs"]["clusterAliasName"] == "livecommerce-t"
