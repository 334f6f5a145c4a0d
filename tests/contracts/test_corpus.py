"""The contract corpus: per rule family, a plan that breaks it and the exact line `check` prints.

Each case is a small plan (format v1) the way `preview --json` writes it; the expected line is the whole
line: resource, type, property path, our value, what the provider or API accepts, and the source.
"""

from __future__ import annotations

import copy

import pytest

from livecommerce.cli import main
from livecommerce.contracts import check_plan
from livecommerce.plan import write_plan
from tests.contracts.helpers import plan, res

ACK = "alicloud:cs/managedKubernetes:ManagedKubernetes"
NP = "alicloud:cs/nodePool:NodePool"
RP = "kubernetes:scheduling.alibabacloud.com/v1alpha1:ResourcePolicy"
ACK_GO = "alicloud/resource_alicloud_cs_managed_kubernetes.go"
NP_GO = "alicloud/resource_alicloud_cs_kubernetes_node_pool.go"
NP_DOC = ("TF website/docs/r/cs_kubernetes_node_pool.html.markdown:745 (one of password and key_name), :729 "
          "(managed pools: only key_name)")

BASE_ACK = {"name": "livecommerce-t", "clusterSpec": "ack.pro.small", "vswitchIds": ["vsw-a"],
            "podVswitchIds": ["vsw-p"], "addons": [{"name": "terway-eniip", "config": "{}"}],
            "newNatGateway": False, "proxyMode": "ipvs"}
BASE_NP = {"clusterId": "c1", "nodePoolName": "p", "vswitchIds": ["vsw-a"], "instanceTypes": ["ecs.g7.xlarge"],
           "keyName": "k", "scalingConfig": {"enable": True, "minSize": 1, "maxSize": 3},
           "management": {"enable": True}}
VPC = res("alicloud:vpc/network:Network", "t-vpc", {"vpcName": "v", "cidrBlock": "10.0.0.0/16"})
RP_OBJ = {"apiVersion": "scheduling.alibabacloud.com/v1alpha1", "kind": "ResourcePolicy",
          "metadata": {"name": "web", "namespace": "live"},
          "spec": {"selector": {"app": "web"}, "strategy": "prefer",
                   "units": [{"resource": "ecs"}, {"resource": "eci"}]}}


def _with(base: dict, **changes) -> dict:
    inputs = copy.deepcopy(base)
    for key, value in changes.items():
        if value is None:
            inputs.pop(key, None)
        else:
            inputs[key] = value
    return inputs


def ack(**changes) -> dict:
    return res(ACK, "t-ack-cluster", _with(BASE_ACK, **changes))


def pool(**changes) -> dict:
    return res(NP, "t-pool", _with(BASE_NP, **changes))


def vswitch(cidr: str) -> dict:
    r = res("alicloud:vpc/switch:Switch", "t-vsw", {"vpcId": "vpc-1", "cidrBlock": cidr, "zoneId": "cn-hangzhou-h"})
    r["propertyDependencies"] = {"vpcId": [VPC["urn"]]}
    return r


def lane(conditions: list[dict]) -> dict:
    return res("pulumi-python:dynamic/mse:Lane", "t-lane", {
        "name": "t-lane", "region": "cn-hangzhou", "namespace": "t", "group_id": "1", "tag": "gray", "enabled": True,
        "entry_rules": [{"Condition": "AND", "Priority": 1,
                         "RestItems": [{"Type": "header", "Name": "x-mse-tag", "Cond": "==", "Value": "gray"}]}],
        "gateway_route": {"GatewayUniqueId": "gw-1", "CanaryModel": 0, "Condition": "AND", "Conditions": conditions},
        "__provider": "[serialized dynamic provider]"})


CK = "t-ack-cluster (alicloud:cs/managedKubernetes:ManagedKubernetes)"
POOL = "t-pool (alicloud:cs/nodePool:NodePool)"
CASES = {
    # --- generated from the upstream provider source -------------------------------------------------
    "enum": (plan(ack(proxyMode="bogus")),
             [f'{CK} proxyMode = "bogus": one of "iptables", "ipvs", "nftables" [{ACK_GO}:322]']),
    "range": (plan(ack(nodeCidrMask=30)), [f"{CK} nodeCidrMask = 30: an integer from 24 to 28 [{ACK_GO}:250]"]),
    "length": (plan(ack(name="x" * 64)),
               [f'{CK} name = "{"x" * 64}": a length from 1 to 63 characters [{ACK_GO}:44]']),
    "pattern": (plan(ack(vswitchIds=["subnet-1"])),
                [f"{CK} vswitchIds[0] = \"subnet-1\": a value matching ^vsw-[a-z0-9]*$ (should start with 'vsw-'.) "
                 f"[{ACK_GO}:221]"]),
    "max_items": (plan(ack(vswitchIds=[f"vsw-{i}" for i in range(6)])),
                  [f"{CK} vswitchIds = 6 item(s): at most 5 item(s) [{ACK_GO}:215]"]),
    "min_items": (plan(res("alicloud:log/storeIndex:StoreIndex", "t-idx",
                           {"project": "p", "logstore": "s", "fieldSearches": []})),
                  ["t-idx (alicloud:log/storeIndex:StoreIndex) fieldSearches = 0 item(s): at least 1 item(s) "
                   "[alicloud/resource_alicloud_log_store_index.go:80]"]),
    "required": (plan(res("alicloud:cs/kubernetesAddon:KubernetesAddon", "t-addon", {"name": "metrics-server"})),
                 ["t-addon (alicloud:cs/kubernetesAddon:KubernetesAddon) clusterId = (not set): required "
                  "[pulumi_alicloud/cs/kubernetes_addon.py:22; alicloud/resource_alicloud_cs_kubernetes_addon.go:33]"]),
    "conflicts_with": (plan(pool(password="[secret]")),
                       [f'{POOL} keyName = "k": not together with password (set to [secret]) [{NP_GO}:303]']),
    "exactly_one_of": (plan(res("alicloud:vpc/switch:Switch", "t-vsw",
                                {"vpcId": "vpc-1", "cidrBlock": "10.0.0.0/24"})),
                       ["t-vsw (alicloud:vpc/switch:Switch) zoneId = none set: exactly one of zoneId, "
                        "availabilityZone [alicloud/resource_alicloud_vswitch.go:91]"]),
    "at_least_one_of": (plan(res("alicloud:ecs/securityGroupRule:SecurityGroupRule", "t-rule",
                                 {"securityGroupId": "sg-1", "type": "ingress", "ipProtocol": "tcp"})),
                        ["t-rule (alicloud:ecs/securityGroupRule:SecurityGroupRule) cidrIp = none set: at least one "
                         "of cidrIp, ipv6CidrIp, sourceSecurityGroupId, prefixListId "
                         "[alicloud/resource_alicloud_security_group_rule.go:64]"]),
    "required_with": (plan(res("alicloud:oss/bucketObject:BucketObject", "t-obj",
                               {"bucket": "b", "key": "k", "objectWormMode": "COMPLIANCE"})),
                      ['t-obj (alicloud:oss/bucketObject:BucketObject) objectWormMode = "COMPLIANCE": set together '
                       "with objectWormRetainUntilDate (not set) "
                       "[alicloud/resource_alicloud_oss_bucket_object.go:117]"]),
    "json": (plan(res("alicloud:ram/policy:Policy", "t-policy", {"policyName": "p", "policyDocument": "{not json"})),
             ['t-policy (alicloud:ram/policy:Policy) policyDocument = "{not json": a JSON document '
              "[alicloud/resource_alicloud_ram_policy.go:43]"]),
    "unknown_property": (plan(ack(podVswitchId=["vsw-p"])),
                         [f'{CK} podVswitchId = ["vsw-p"]: no such input in pulumi_alicloud; did you mean '
                          "podVswitchIds? [pulumi_alicloud/cs/managed_kubernetes.py:23]"]),
    "type": (plan(pool(scalingConfig={"enable": True, "minSize": "three", "maxSize": 3})),
             [f'{POOL} scalingConfig.minSize = "three": an integer [pulumi_alicloud/cs/node_pool.py:23]']),
    # --- API-side rules the provider does not check ----------------------------------------------------
    "api:ack-network-plugin": (
        plan(ack(addons=[{"name": "csi-plugin"}])),
        [f'{CK} addons = ["csi-plugin"]: a Terway network plug-in (addons name terway-eniip) with podVswitchIds '
         '[alibabacloud_cs20151215 7.2.3 CreateClusterRequest.addons ("Network component: Required"); '
         "TF website/docs/r/cs_managed_kubernetes.html.markdown:508-509]"]),
    "api:ack-version-with-auto-upgrade": (
        plan(ack(version="1.33.1-aliyun.1", operationPolicy={"clusterAutoUpgrade": {"enabled": True}})),
        [f'{CK} version = "1.33.1-aliyun.1": not set while operationPolicy.clusterAutoUpgrade.enabled is true '
         "[TF website/docs/r/cs_managed_kubernetes.html.markdown:437,577-579]"]),
    "api:ack-snat-beside-own-nat": (
        plan(ack(newNatGateway=None), res("alicloud:vpc/snatEntry:SnatEntry", "t-snat",
                                          {"snatTableId": "stb-1", "snatIp": "1.2.3.4", "sourceVswitchId": "vsw-a"})),
        [f"{CK} newNatGateway = (not set: the provider sends SnatEntry=true): false when the stack declares its own "
         "SNAT entries (1) [TF alicloud/resource_alicloud_cs_managed_kubernetes.go:257-261,1018-1020]"]),
    "api:ack-service-cidr": (
        plan(VPC, ack(serviceCidr="10.0.128.0/20")),
        [f'{CK} serviceCidr = "10.0.128.0/20": a block that does not overlap the VPC\'s 10.0.0.0/16 '
         "[alibabacloud_cs20151215 7.2.3 CreateClusterRequest.service_cidr (10.0.0.0/16-24, 172.16-31.0.0/16-24, "
         "192.168.0.0/16-24; no overlap with the VPC)]"]),
    "api:ack-node-pool-login": (
        plan(pool(keyName=None)), [f"{POOL} keyName = (not set): keyName or password (managed pools: keyName) "
                                   f"[{NP_DOC}]"]),
    "api:ack-node-pool-login (managed, password)": (
        plan(pool(keyName=None, password="[secret]")),
        [f"{POOL} keyName = (not set; password given): keyName: a managed node pool takes only a key pair "
         f"[{NP_DOC}]"]),
    "api:arms-prometheus-archive-duration": (
        plan(res("alicloud:arms/prometheus:Prometheus", "t-prom",
                 {"clusterType": "aliyun-cs", "grafanaInstanceId": "free", "archiveDuration": 7})),
        ["t-prom (alicloud:arms/prometheus:Prometheus) archiveDuration = 7: one of 0, 60, 90, 180, 365 (days "
         "archived after duration) [alibabacloud_arms20190808 10.1.0 "
         "CreatePrometheusInstanceRequest.archive_duration; TF website/docs/r/arms_prometheus.html.markdown:86]"]),
    "api:arms-robot-daily-noc-time": (
        plan(res("alicloud:arms/alertRobot:AlertRobot", "t-robot",
                 {"alertRobotName": "r", "robotType": "dingding", "robotAddr": "[secret]", "dailyNoc": True})),
        ["t-robot (alicloud:arms/alertRobot:AlertRobot) dailyNocTime = (not set): comma-separated HH:MM times, "
         "required when dailyNoc is true [alibabacloud_arms20190808 10.1.0 "
         "models/_create_or_update_imrobot_request.py:22-29; "
         "TF alicloud/resource_alicloud_arms_alert_robot.go:58-64]"]),
    "api:rocketmq-retry-policy-delivery-order": (
        plan(res("alicloud:rocketmq/consumerGroup:ConsumerGroup", "t-group",
                 {"instanceId": "rmq-cn-1", "consumerGroupId": "g", "deliveryOrderType": "Orderly",
                  "consumeRetryPolicy": {"retryPolicy": "DefaultRetryPolicy", "maxRetryTimes": 16}})),
        ['t-group (alicloud:rocketmq/consumerGroup:ConsumerGroup) consumeRetryPolicy.retryPolicy = '
         '"DefaultRetryPolicy": FixedRetryPolicy with deliveryOrderType Orderly [alibabacloud_rocketmq20220801 '
         "5.1.0 models/_create_consumer_group_request.py:122-128 (FixedRetryPolicy only for ordered, "
         "DefaultRetryPolicy only for concurrent delivery)]"]),
    "api:tair-create-tags": (
        plan(res("alicloud:redis/tairInstance:TairInstance", "t-cache",
                 {"instanceType": "tair_rdb", "instanceClass": "tair.rdb.1g", "vpcId": "vpc-1",
                  "vswitchId": "vsw-1", "zoneId": "cn-hangzhou-h",
                  "tags": {k: "x" for k in ("a", "b", "c", "d", "e", "f")}})),
        ["t-cache (alicloud:redis/tairInstance:TairInstance) tags = 6 tags: at most 5 tags when the instance is "
         'created [alibabacloud_r_kvstore20150101 7.0.0 CreateTairInstanceRequest.Tag ("up to 5 tag key-value pairs '
         'at a time")]']),
    "api:polardb-deletion-lock-prepaid": (
        plan(res("alicloud:polardb/cluster:Cluster", "t-db",
                 {"dbType": "MySQL", "dbVersion": "8.0", "dbNodeClass": "polar.mysql.x4.large", "payType": "PrePaid",
                  "deletionLock": 1})),
        ["t-db (alicloud:polardb/cluster:Cluster) deletionLock = 1: not set on a PrePaid cluster (only PostPaid "
         "clusters take the lock) [TF website/docs/r/polardb_cluster.html.markdown:169 (deletion_lock cannot be "
         "modified when pay_type is PrePaid)]"]),
    "api:vpc-cidr-block": (
        plan(res("alicloud:vpc/network:Network", "t-vpc", {"vpcName": "v", "cidrBlock": "10.0.0.1/16"})),
        ['t-vpc (alicloud:vpc/network:Network) cidrBlock = "10.0.0.1/16": a CIDR block written as its network '
         'address (e.g. 10.0.0.0/16) [VPC CreateVpc CidrBlock ("The subnet mask must be 8 to 28 bits"), '
         "https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-createvpc]"]),
    "api:vswitch-cidr-block": (
        plan(VPC, vswitch("10.1.0.0/24")),
        ['t-vsw (alicloud:vpc/switch:Switch) cidrBlock = "10.1.0.0/24": a block inside its VPC\'s 10.0.0.0/16 '
         "[VPC CreateVSwitch CidrBlock (mask /16 to /29, inside the VPC's CIDR block), "
         "https://www.alibabacloud.com/help/en/vpc/developer-reference/api-vpc-2016-04-28-createvswitch]"]),
    "api:k8s-resource-policy-match-label-keys": (
        plan(res(RP, "t-rp", {**RP_OBJ, "spec": {**RP_OBJ["spec"], "matchLabelKeys": ["pod-template-hash"]}})),
        [f't-rp ({RP}) spec.matchLabelKeys = ["pod-template-hash"]: used only together with max in spec.units '
         '[ACK "Customize elastic resource priority scheduling", https://www.alibabacloud.com/help/en/ack/'
         "ack-managed-and-ack-dedicated/user-guide/configure-priority-based-resource-scheduling]"]),
    # --- Kubernetes custom resources against their CRD schemas ---------------------------------------
    "crd": (plan(res(RP, "t-rp", {**RP_OBJ, "spec": {**RP_OBJ["spec"], "strategy": "sometimes"}})),
            [f"t-rp ({RP}) spec.strategy = \"sometimes\": 'sometimes' is not one of ['prefer'] "
             "[components/workloads/schemas/resourcepolicy.schema.json]"]),
    # --- built-in Kubernetes objects against the API server's strict schema ----------------------------
    "kubernetes": (
        plan(res("kubernetes:core/v1:Namespace", "t-ns",
                 {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "live", "lables": {"a": "b"}}})),
        ["t-ns (kubernetes:core/v1:Namespace) metadata = (object): Additional properties are not allowed ('lables' "
         "was unexpected) [kubernetes-validate 1.33.0 strict schema (Namespace, v1)]"]),
    # --- OpenAPI dynamic resources against the SDK request models --------------------------------------
    "openapi:enum": (
        plan(lane([{"Type": "cookie", "Name": "x", "Cond": "==", "Value": "gray"}])),
        ['t-lane (pulumi-python:dynamic/mse:Lane) CreateOrUpdateSwimmingLane.GatewaySwimmingLaneRouteJson.'
         'Conditions[0].Cond = "==": one of "PRE", "EQUAL", "ERGULAR" '
         "[alibabacloud_mse20190531/models/_create_or_update_swimming_lane_request.py:322]",
         't-lane (pulumi-python:dynamic/mse:Lane) CreateOrUpdateSwimmingLane.GatewaySwimmingLaneRouteJson.'
         'Conditions[0].Type = "cookie": one of "header", "param" '
         "[alibabacloud_mse20190531/models/_create_or_update_swimming_lane_request.py:329]"]),
    "openapi:enum (inline value list)": (
        plan(res("pulumi-python:dynamic/arms:RumApp", "t-h5", {"name": "t-h5", "region": "cn-hangzhou",
                                                               "site_type": "desktop"})),
        ['t-h5 (pulumi-python:dynamic/arms:RumApp) CreateRumApp.SiteType = "desktop": one of "web", "miniapp", '
         '"ios", "android" [alibabacloud_arms20190808/models/_create_rum_app_request.py:51]']),
    "openapi:unknown_parameter": (
        plan(lane([{"Type": "header", "Name": "x", "Cond": "EQUAL", "Value": "gray", "Weight": 5}])),
        ["t-lane (pulumi-python:dynamic/mse:Lane) CreateOrUpdateSwimmingLane.GatewaySwimmingLaneRouteJson."
         "Conditions[0].Weight = 5: no such parameter in CreateOrUpdateSwimmingLaneRequest; the SDK drops it unsent "
         "[alibabacloud_mse20190531/models (CreateOrUpdateSwimmingLaneRequest)]"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_rule_family_names_the_refused_input(case):
    p, expected = CASES[case]
    assert check_plan(p).lines() == expected


@pytest.mark.parametrize("case", sorted(CASES))
def test_check_plan_prints_the_same_lines_and_exits_1(case, tmp_path, capsys):
    p, expected = CASES[case]
    path = tmp_path / "plan.json"
    write_plan(p, path)
    assert main(["check", "--plan", str(path), "--env", "dev"]) == 1
    printed = capsys.readouterr().out
    for line in expected:
        assert f"  contract {line}\n" in printed


def test_the_base_resources_of_the_corpus_are_clean():
    # Every case above breaks exactly one thing of an otherwise acceptable resource.
    assert check_plan(plan(ack(), pool(), VPC, vswitch("10.0.1.0/24"),
                           lane([{"Type": "header", "Name": "x", "Cond": "EQUAL", "Value": "gray"}]),
                           res(RP, "t-rp", RP_OBJ))).lines() == []
