"""Small plan builders for the review tests: plans (format v1) written by hand, URNs built as Pulumi does."""

from __future__ import annotations

import copy
from typing import Any

PROJECT = "livecommerce"


def urn(stack: str, type_: str, name: str, parent_type: str | None = None) -> str:
    qualified = f"{parent_type}${type_}" if parent_type else type_
    return f"urn:pulumi:{stack}::{PROJECT}::{qualified}::{name}"


def component(stack: str, type_: str, name: str) -> dict[str, Any]:
    return {
        "urn": urn(stack, type_, name), "type": type_, "name": name,
        "parent": urn(stack, "pulumi:pulumi:Stack", f"{PROJECT}-{stack}"), "custom": False, "protect": False,
        "inputs": {}, "dependencies": [], "propertyDependencies": {},
    }


def resource(stack: str, type_: str, name: str, inputs: dict[str, Any] | None = None, *,
             parent: dict[str, Any] | None = None, protect: bool = False,
             deps: dict[str, list[str]] | None = None, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """A custom resource; `deps` maps an input property to the URNs feeding it."""
    prop_deps = {k: sorted(v) for k, v in sorted((deps or {}).items())}
    all_deps = sorted({u for v in prop_deps.values() for u in v})
    r = {
        "urn": urn(stack, type_, name, parent["type"] if parent else None), "type": type_, "name": name,
        "parent": parent["urn"] if parent else urn(stack, "pulumi:pulumi:Stack", f"{PROJECT}-{stack}"),
        "custom": True, "protect": protect, "inputs": inputs or {}, "dependencies": all_deps,
        "propertyDependencies": prop_deps,
    }
    if options:
        r["options"] = options
    return r


def plan(stack: str, resources: list[dict[str, Any]]) -> dict[str, Any]:
    root = {
        "urn": urn(stack, "pulumi:pulumi:Stack", f"{PROJECT}-{stack}"), "type": "pulumi:pulumi:Stack",
        "name": f"{PROJECT}-{stack}", "parent": None, "custom": False, "protect": False, "inputs": {},
        "dependencies": [], "propertyDependencies": {},
    }
    provider = {
        "urn": urn(stack, "pulumi:providers:alicloud", "alicloud"), "type": "pulumi:providers:alicloud",
        "name": "alicloud", "parent": root["urn"], "custom": True, "protect": False,
        "inputs": {"region": "cn-hangzhou", "secretKey": "[secret]"}, "dependencies": [],
        "propertyDependencies": {},
    }
    return {"format": "livecommerce.plan/v1", "project": PROJECT, "stack": stack,
            "resources": sorted([root, provider, *resources], key=lambda r: r["urn"]), "outputs": {}}


def find(p: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in p["resources"] if r["name"] == name)


def edited(p: dict[str, Any], name: str, **changes: Any) -> dict[str, Any]:
    """A deep copy of plan `p` with resource `name`'s inputs updated (a value of None removes the key)."""
    q = copy.deepcopy(p)
    r = find(q, name)
    for k, v in changes.items():
        if v is None:
            r["inputs"].pop(k, None)
        else:
            r["inputs"][k] = v
    return q


def platform(stack: str = "prod", zones: tuple[str, ...] = ("cn-hangzhou-h", "cn-hangzhou-i"),
             pool_max: int = 30, protect: bool = True, replicas: int = 3) -> dict[str, Any]:
    """A miniature platform: network, cluster with a node pool, media bucket + function, k8s workload."""
    net = component(stack, "livecommerce:network:Network", f"{stack}-network")
    cp = component(stack, "livecommerce:container_platform:ContainerPlatform", f"{stack}-platform")
    media = component(stack, "livecommerce:media:Media", f"{stack}-media")
    vpc = resource(stack, "alicloud:vpc/network:Network", f"{stack}-network-vpc",
                   {"cidrBlock": "10.0.0.0/16", "vpcName": f"livecommerce-{stack}", "tags": {"env": stack}},
                   parent=net)
    switches = [resource(stack, "alicloud:vpc/switch:Switch", f"{stack}-network-node-{z}",
                         {"vpcId": f"vpc-{stack}1234", "zoneId": z, "cidrBlock": f"10.0.{i}.0/24",
                          "vswitchName": f"livecommerce-{stack}-node-{z}", "tags": {"env": stack}},
                         parent=net, deps={"vpcId": [vpc["urn"]]}) for i, z in enumerate(zones)]
    nat = resource(stack, "alicloud:vpc/natGateway:NatGateway", f"{stack}-network-nat",
                   {"vpcId": f"vpc-{stack}1234", "vswitchId": f"vsw-{stack}0", "natType": "Enhanced",
                    "deletionProtection": protect}, parent=net, protect=protect,
                   deps={"vpcId": [vpc["urn"]], "vswitchId": [switches[0]["urn"]]})
    cluster = resource(stack, "alicloud:cs/managedKubernetes:ManagedKubernetes", f"{stack}-platform-cluster",
                       {"clusterSpec": "ack.pro.small", "serviceCidr": "172.16.0.0/16",
                        "vswitchIds": [f"vsw-{stack}{i}" for i in range(len(zones))],
                        "deletionProtection": protect, "slbInternetEnabled": False, "name": f"livecommerce-{stack}"},
                       parent=cp, protect=protect, deps={"vswitchIds": [s["urn"] for s in switches]})
    pool = resource(stack, "alicloud:cs/nodePool:NodePool", f"{stack}-platform-pool-default",
                    {"clusterId": f"c{stack}", "instanceTypes": ["ecs.g7.2xlarge"],
                     "scalingConfig": {"enable": True, "minSize": len(zones), "maxSize": pool_max},
                     "vswitchIds": [f"vsw-{stack}{i}" for i in range(len(zones))], "nodePoolName": "default"},
                    parent=cp, deps={"clusterId": [cluster["urn"]], "vswitchIds": [s["urn"] for s in switches]})
    bucket = resource(stack, "alicloud:oss/bucket:Bucket", f"{stack}-media-output",
                      {"bucket": f"livecommerce-{stack}-output", "storageClass": "Standard",
                       "tags": {"env": stack}}, parent=media, protect=False)
    function = resource(stack, "alicloud:fc/v3Function:V3Function", f"{stack}-media-transcoder",
                        {"functionName": f"livecommerce-{stack}-transcoder", "memorySize": 2048,
                         "environmentVariables": {"OUTPUT_BUCKET": f"livecommerce-{stack}-output",
                                                  "API_TOKEN": "[secret]"}},
                        parent=media, deps={"environmentVariables": [bucket["urn"]]})
    trigger = resource(stack, "alicloud:fc/v3Trigger:V3Trigger", f"{stack}-media-upload",
                       {"functionName": f"livecommerce-{stack}-transcoder", "triggerType": "oss",
                        "sourceArn": f"acs:oss:cn-hangzhou:1234567890123456:livecommerce-{stack}-output"},
                       parent=media, deps={"functionName": [function["urn"]], "sourceArn": [bucket["urn"]]})
    deployment = resource(stack, "kubernetes:apps/v1:Deployment", f"{stack}-platform-shop",
                          {"metadata": {"name": "shop", "namespace": "live", "labels": {"env": stack}},
                           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "shop"}}}},
                          parent=cp, deps={})
    return plan(stack, [net, cp, media, vpc, *switches, nat, cluster, pool, bucket, function, trigger,
                        deployment])
