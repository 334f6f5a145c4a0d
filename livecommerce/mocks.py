"""Faithful-enough mock answers for the cloud: the ids and computed outputs real providers return.

Pulumi's mock runtime asks `new_resource` for each registration and `call` for each invoke. Downstream
code reads computed outputs (NAT `snatTableIds`, cluster `connections`, role `arn`, the kubeconfig from
`cs.get_cluster_credential`, ...), so each type we use answers with the shape the real provider has.
Unknown types fall back to their inputs plus a generated id. Everything is derived from the type and
name by hashing, so two runs give the same plan.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import pulumi

MOCK_ACCOUNT_ID = "1234567890123456"
MOCK_REGION = "cn-hangzhou"


#: The region of the provider the resource being answered was registered with (set by `PlatformMocks`).
_REGION: ContextVar[str] = ContextVar("livecommerce_mock_region", default=MOCK_REGION)


def region() -> str:
    """The region of the resource's own `alicloud` provider, as the cloud would answer: ARNs, endpoints and
    issuer URLs in a plan name the region the resource lives in (a prod-sg plan showed `acs:kms:cn-hangzhou:...`
    in its RAM policies; prod's recording bucket sits in the live centre's region). MOCK_REGION outside a
    resource registration (a unit test calling a mock directly)."""
    return _REGION.get()

# Values the mocks return that a real provider would mark secret. Keys are output (wire) names.
SECRET_OUTPUTS: dict[str, set[str]] = {
    "alicloud:cs/getClusterCredential:getClusterCredential": {"kubeConfig", "certificateAuthorities"},
}
#: A generated password's stand-in: never a real secret, always marked secret by the SDK
#: (RandomPassword declares `result` and `bcryptHash` additional secret outputs).
MOCK_PASSWORD_PREFIX = "Mock-Pw1!"


def digest(*parts: str, length: int = 12) -> str:
    """A short stable hex digest of the parts."""
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:length]


def fake_ip(*parts: str, first: int = 47) -> str:
    h = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return f"{first}.{h[0] % 200 + 10}.{h[1]}.{h[2] % 250 + 2}"


_ID_PREFIX = {
    "alicloud:vpc/network:Network": "vpc-",
    "alicloud:vpc/switch:Switch": "vsw-",
    "alicloud:vpc/natGateway:NatGateway": "ngw-",
    "alicloud:ecs/eipAddress:EipAddress": "eip-",
    "alicloud:ecs/securityGroup:SecurityGroup": "sg-",
    "alicloud:cs/managedKubernetes:ManagedKubernetes": "c",
    "alicloud:ackone/cluster:Cluster": "c",
    "alicloud:mse/cluster:Cluster": "mse-cn-",
    "alicloud:mse/gateway:Gateway": "gw-",
    "alicloud:log/project:Project": "",
    "alicloud:ram/role:Role": "",
    "alicloud:ram/policy:Policy": "",
    "alicloud:oss/bucket:Bucket": "",
    "alicloud:rocketmq/rocketMQInstance:RocketMQInstance": "rmq-cn-",
    "alicloud:redis/tairInstance:TairInstance": "r-",
    "alicloud:polardb/cluster:Cluster": "pc-",
    "alicloud:kms/secret:Secret": "",
    "alicloud:ecs/instance:Instance": "i-",
}


def _name_or(inputs: dict[str, Any], key: str, fallback: str) -> str:
    value = inputs.get(key)
    return value if isinstance(value, str) and value else fallback


def _vpc(inputs, rid, name):
    return {"routeTableId": f"vtb-{digest(rid, 'rt')}", "routerId": f"vrt-{digest(rid, 'router')}",
            "status": "Available"}


def _switch(inputs, rid, name):
    return {"status": "Available"}


def _nat(inputs, rid, name):
    return {"snatTableIds": f"stb-{digest(rid, 'snat')}", "forwardTableIds": f"ftb-{digest(rid, 'fwd')}",
            "status": "Available"}


def _eip(inputs, rid, name):
    return {"ipAddress": fake_ip(rid), "status": "Available"}


def _snat(inputs, rid, name):
    return {"snatEntryId": f"snat-{digest(rid)}", "status": "Available"}


def _cluster(inputs, rid, name):
    return {
        "connections": [{
            "apiServerIntranet": f"https://{fake_ip(rid, 'intranet', first=10)}:6443",
            "apiServerInternet": "" if inputs.get("slbInternetEnabled") is False
            else f"https://{fake_ip(rid, 'internet')}:6443",
            "masterPublicIp": "",
            "serviceDomain": f"*.{rid}.{region()}.alicontainer.com",
        }],
        "workerRamRoleName": f"KubernetesWorkerRole-{digest(rid, 'worker')}",
        "slbId": f"lb-{digest(rid, 'slb')}",
        "slbIntranet": fake_ip(rid, "slb", first=10),
        "vpcId": inputs.get("vpcId", ""),
        "natGatewayId": "",
        "rrsaMetadata": {
            "enabled": bool(inputs.get("enableRrsa")),
            "ramOidcProviderName": f"ack-rrsa-{rid}",
            "ramOidcProviderArn": f"acs:ram::{MOCK_ACCOUNT_ID}:oidc-provider/ack-rrsa-{rid}",
            "rrsaOidcIssuerUrl": f"https://oidc-ack-{region()}.oss-{region()}.aliyuncs.com/{rid}",
        },
    }


def _node_pool(inputs, rid, name):
    return {"nodePoolId": f"np{digest(rid, 'np', length=30)}", "scalingGroupId": f"asg-{digest(rid)}"}


def _mse_cluster(inputs, rid, name):
    return {"clusterId": f"mse-{digest(rid, 'cid', length=8)}", "appVersion": "2.3.2.1", "status": "INIT_SUCCESS"}


def _mse_gateway(inputs, rid, name):
    slbs = [{"slbId": f"lb-{digest(rid, 'gw')}", "slbIp": fake_ip(rid, "gw", first=10),
             "slbPort": "80", "type": "PRIVATE", "gatewaySlbMode": "Auto"}]
    if inputs.get("internetSlbSpec"):
        slbs.append({"slbId": f"lb-{digest(rid, 'gw-pub')}", "slbIp": fake_ip(rid, "gw-pub"),
                     "slbPort": "80", "type": "PUBLIC", "gatewaySlbMode": "Auto"})
    return {"slbLists": slbs, "status": "2"}


def _ram_role(inputs, rid, name):
    role = _name_or(inputs, "roleName", name)
    return {"arn": f"acs:ram::{MOCK_ACCOUNT_ID}:role/{role.lower()}", "roleId": digest(rid, length=18),
            "roleName": role}


def _ram_policy(inputs, rid, name):
    return {"defaultVersion": "v1", "type": "Custom", "policyName": _name_or(inputs, "policyName", name)}


def _bucket(inputs, rid, name):
    bucket = _name_or(inputs, "bucket", name)
    return {"bucket": bucket, "extranetEndpoint": f"oss-{region()}.aliyuncs.com",
            "intranetEndpoint": f"oss-{region()}-internal.aliyuncs.com", "location": f"oss-{region()}",
            "owner": MOCK_ACCOUNT_ID}


def _fc_function(inputs, rid, name):
    fn = _name_or(inputs, "functionName", name)
    return {"functionName": fn, "functionArn": f"acs:fc:{region()}:{MOCK_ACCOUNT_ID}:functions/{fn}",
            "functionId": digest(rid, length=24), "state": "Active", "codeSize": 1024}


def _fc_layer(inputs, rid, name):
    layer = _name_or(inputs, "layerName", name)
    return {"layerVersionArn": f"acs:fc:{region()}:{MOCK_ACCOUNT_ID}:layers/{layer}/versions/1", "version": "1"}


def _fc_trigger(inputs, rid, name):
    return {"triggerId": digest(rid, length=24), "status": "Enabled"}


def _prometheus(inputs, rid, name):
    # For aliyun-cs the Prometheus instance id is the ACK cluster id.
    return {"clusterId": inputs.get("clusterId") or f"prom-{digest(rid)}", "httpApiInterUrl": "",
            "remoteWriteInterUrl": ""}


def _numeric_id(rid: str) -> str:
    return str(int(digest(rid, length=8), 16) % 10_000_000 + 1_000_000)


def _arms_environment(inputs, rid, name):
    return {"environmentId": f"env-{digest(rid, length=20)}"}


def _log_project(inputs, rid, name):
    return {"status": "Normal", "projectName": _name_or(inputs, "projectName", name)}


def _rum_app(inputs, rid, name):
    # The provider's id is the pid; the endpoint is the app's reporting domain.
    return {"pid": rid, "endpoint": f"https://{digest(rid, length=10)}-default-cn.rum.aliyuncs.com",
            "cdn_domain": "sdk.rum.aliyuncs.com"}


def _webhook_contact(inputs, rid, name):
    return {"webhook_id": rid}


def _mse_rule(output: str):
    # MSE governance objects (components/governance/rules.py) expose their numeric server id.
    return lambda inputs, rid, name: {output: rid}


def _cdn_domain(inputs, rid, name):
    # The CNAME CDN assigns (what the domain's DNS record points at) and the domain's state.
    domain = _name_or(inputs, "domainName", name)
    return {"cname": f"{domain}.w.kunlunsl.com", "status": "online"}


def _waf_domain(inputs, rid, name):
    # WAF 3.0 answers a CNAME-mode domain with its own CNAME and `<domain>-waf` as the protected object.
    domain = _name_or(inputs, "domain", name)
    return {"cname": f"{digest(domain, length=16)}.yundunwaf3.com", "domainId": f"{domain}-waf", "status": 1}


def _live_cname(inputs, rid, name):
    # DescribeLiveDomainDetail's `Cname` of a live domain.
    domain = _name_or(inputs, "domain_name", name)
    return {"cname": f"{domain}.w.alikunlun.com"}


def _replication(inputs, rid, name):
    return {"ruleId": f"{digest(rid, length=8)}-{digest(rid, 'rule', length=4)}-{digest(rid, 'id', length=12)}",
            "status": "starting"}


def _rocketmq_instance(inputs, rid, name):
    # The VPC endpoint clients connect to; a private instance has no internet endpoint.
    network = dict(inputs.get("networkInfo") or {})
    network["endpoints"] = [{"endpointType": "TCP_VPC", "endpointUrl": f"{rid}-vpc.{region()}.rmq.aliyuncs.com:8080",
                             "ipWhiteLists": list(inputs.get("ipWhitelists") or [])}]
    return {"networkInfo": network, "status": "RUNNING", "regionId": region()}


def _tair_instance(inputs, rid, name):
    return {"connectionDomain": f"{rid}.redis.rds.aliyuncs.com", "port": inputs.get("port") or 6379,
            "tairInstanceId": rid, "status": "Normal", "maxConnections": 10000}


def _polardb_cluster(inputs, rid, name):
    return {"connectionString": f"{rid}.rwlb.rds.aliyuncs.com", "port": "3306", "status": "Running"}


def _kms_secret(inputs, rid, name):
    secret = _name_or(inputs, "secretName", name)
    return {"arn": f"acs:kms:{region()}:{MOCK_ACCOUNT_ID}:secret/{secret}"}


def _random_password(inputs, rid, name):
    return {"result": MOCK_PASSWORD_PREFIX + digest(rid, length=15), "bcryptHash": "$2a$10$" + digest(rid, length=53)}


def _k8s_provider(inputs, rid, name):
    return {}


def _oidc_provider(inputs, rid, name):
    provider = _name_or(inputs, "oidcProviderName", name)
    return {"arn": f"acs:ram::{MOCK_ACCOUNT_ID}:oidc-provider/{provider}", "createTime": "2026-01-01T00:00:00Z"}


def _ecs_instance(inputs, rid, name):
    return {"privateIp": fake_ip(rid, "ecs", first=10), "publicIp": "", "status": "Running",
            "availabilityZone": f"{MOCK_REGION}-h"}


def _stack_reference(inputs, rid, name):
    # A platform stack's outputs, as bootstrap reads them (stacks/platform.py exports these keys).
    return {"name": rid, "secretOutputNames": [], "outputs": {
        "region": region(),
        "vpcId": f"vpc-{digest(rid, 'vpc', length=20)}",
        "nodeVswitchIds": [f"vsw-{digest(rid, 'node', z, length=20)}" for z in "hij"],
        "clusterId": "c" + digest(rid, "cluster", length=32),
    }}


_OUTPUTS: dict[str, Callable[[dict[str, Any], str, str], dict[str, Any]]] = {
    "alicloud:vpc/network:Network": _vpc,
    "alicloud:vpc/switch:Switch": _switch,
    "alicloud:vpc/natGateway:NatGateway": _nat,
    "alicloud:ecs/eipAddress:EipAddress": _eip,
    "alicloud:vpc/snatEntry:SnatEntry": _snat,
    "alicloud:cs/managedKubernetes:ManagedKubernetes": _cluster,
    "alicloud:cs/nodePool:NodePool": _node_pool,
    "alicloud:mse/cluster:Cluster": _mse_cluster,
    "alicloud:mse/gateway:Gateway": _mse_gateway,
    "alicloud:ram/role:Role": _ram_role,
    "alicloud:ram/policy:Policy": _ram_policy,
    "alicloud:oss/bucket:Bucket": _bucket,
    "alicloud:fc/v3Function:V3Function": _fc_function,
    "alicloud:fc/v3LayerVersion:V3LayerVersion": _fc_layer,
    "alicloud:fc/v3Trigger:V3Trigger": _fc_trigger,
    "alicloud:arms/prometheus:Prometheus": _prometheus,
    "alicloud:arms/environment:Environment": _arms_environment,
    "alicloud:log/project:Project": _log_project,
    "pulumi-python:dynamic/arms:RumApp": _rum_app,
    "pulumi-python:dynamic/arms:WebhookContact": _webhook_contact,
    "pulumi-python:dynamic/mse:LaneGroup": _mse_rule("group_id"),
    "pulumi-python:dynamic/mse:Lane": _mse_rule("lane_id"),
    "pulumi-python:dynamic/mse:ServiceAuthRule": _mse_rule("policy_id"),
    "pulumi-python:dynamic/mse:DegradationRule": _mse_rule("rule_id"),
    "pulumi-python:dynamic/mse:FlowRule": _mse_rule("rule_id"),
    "alicloud:rocketmq/rocketMQInstance:RocketMQInstance": _rocketmq_instance,
    "alicloud:redis/tairInstance:TairInstance": _tair_instance,
    "alicloud:polardb/cluster:Cluster": _polardb_cluster,
    "alicloud:kms/secret:Secret": _kms_secret,
    "random:index/randomPassword:RandomPassword": _random_password,
    "alicloud:ims/oidcProvider:OidcProvider": _oidc_provider,
    "alicloud:ecs/instance:Instance": _ecs_instance,
    "alicloud:cdn/domainNew:DomainNew": _cdn_domain,
    "alicloud:wafv3/domain:Domain": _waf_domain,
    "alicloud:oss/bucketReplication:BucketReplication": _replication,
    "pulumi-python:dynamic/live:LiveDomainCname": _live_cname,
    "pulumi-python:dynamic/live:LiveDomainMapping": _mse_rule("mapping_id"),
    "pulumi-python:dynamic/live:LiveDomainConfig": _mse_rule("config_id"),
    "pulumi-python:dynamic/live:LiveDomainCertificate": _mse_rule("certificate_id"),
    "pulumi-python:dynamic/live:LiveRecordConfig": _mse_rule("record_id"),
    "pulumi-python:dynamic/live:LiveRecordNotify": _mse_rule("notify_id"),
    "pulumi-python:dynamic/mse:GatewayDomain": _mse_rule("domain_id"),
    "pulumi:pulumi:StackReference": _stack_reference,
}

# ARMS contacts, robots, dispatch rules and alert rules have numeric ids.
_NUMERIC_ID_TYPES = {
    "alicloud:arms/alertContact:AlertContact",
    "alicloud:arms/alertContactGroup:AlertContactGroup",
    "alicloud:arms/alertRobot:AlertRobot",
    "alicloud:arms/dispatchRule:DispatchRule",
    "alicloud:arms/syntheticTask:SyntheticTask",
    "pulumi-python:dynamic/arms:WebhookContact",
    "pulumi-python:dynamic/mse:LaneGroup",
    "pulumi-python:dynamic/mse:Lane",
    "pulumi-python:dynamic/mse:ServiceAuthRule",
    "pulumi-python:dynamic/mse:DegradationRule",
    "pulumi-python:dynamic/mse:FlowRule",
    "pulumi-python:dynamic/mse:GatewayDomain",
    # SSL Certificates Service ids are numbers (CDN `cert_id`, WAF/MSE `<id>-<cas region>`).
    "alicloud:cas/serviceCertificate:ServiceCertificate",
}


def resource_id(typ: str, name: str, inputs: dict[str, Any]) -> str:
    """A stable, realistic-looking physical id for a resource."""
    key = f"{typ}::{name}"
    if typ in _NUMERIC_ID_TYPES:
        return _numeric_id(key)
    if typ == "alicloud:oss/bucket:Bucket":
        return _name_or(inputs, "bucket", name)
    if typ == "alicloud:log/project:Project":
        return _name_or(inputs, "projectName", name)
    if typ == "alicloud:ram/role:Role":
        return _name_or(inputs, "roleName", name)
    if typ == "alicloud:ram/policy:Policy":
        return _name_or(inputs, "policyName", name)
    if typ == "alicloud:fc/v3Function:V3Function":
        return _name_or(inputs, "functionName", name)
    if typ == "alicloud:kms/secret:Secret":
        return _name_or(inputs, "secretName", name)
    if typ == "alicloud:ims/oidcProvider:OidcProvider":
        return _name_or(inputs, "oidcProviderName", name)
    if typ == "alicloud:oos/secretParameter:SecretParameter":
        return _name_or(inputs, "secretParameterName", name)
    if typ == "alicloud:cs/managedKubernetes:ManagedKubernetes":
        return "c" + digest(key, length=32)
    if typ == "alicloud:arms/prometheusAlertRule:PrometheusAlertRule":
        return f"{inputs.get('clusterId', 'c')}:{_numeric_id(key)}"
    if typ.startswith("kubernetes:"):
        meta = inputs.get("metadata") or {}
        ns, nm = meta.get("namespace"), meta.get("name") or name
        return f"{ns}/{nm}" if ns else str(nm)
    return _ID_PREFIX.get(typ, f"{typ.split(':')[-1].lower()}-") + digest(key, length=20)


def resource_outputs(typ: str, name: str, rid: str, inputs: dict[str, Any]) -> dict[str, Any]:
    """Inputs plus the computed outputs the real provider would return."""
    state = dict(inputs)
    if typ.startswith("pulumi-python:dynamic"):
        state.update({"id": rid})
    extra = _OUTPUTS.get(typ)
    if extra is not None:
        state.update(extra(inputs, rid, name))
    return state


def _kubeconfig(cluster_id: str) -> str:
    endpoint = f"https://{fake_ip(cluster_id, 'intranet', first=10)}:6443"
    return (
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n- name: {cluster_id}\n  cluster:\n    server: {endpoint}\n"
        "    certificate-authority-data: TU9DSy1DQQ==\n"
        f"contexts:\n- name: {cluster_id}\n  context:\n    cluster: {cluster_id}\n    user: mock\n"
        f"current-context: {cluster_id}\n"
        "users:\n- name: mock\n  user:\n    client-certificate-data: TU9DSy1DRVJU\n    client-key-data: TU9DSy1LRVk=\n"
    )


def invoke(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """Answers for data sources (invokes)."""
    if token == "alicloud:index/getAccount:getAccount":
        return {"id": MOCK_ACCOUNT_ID}
    if token == "alicloud:index/getRegions:getRegions":
        return {"ids": [MOCK_REGION], "regions": [{"id": MOCK_REGION, "regionId": MOCK_REGION,
                                                    "localName": "China (Hangzhou)"}]}
    if token == "alicloud:index/getZones:getZones":
        zones = [f"{MOCK_REGION}-{z}" for z in "ghijk"]
        return {"ids": zones, "zones": [{"id": z, "localName": z} for z in zones]}
    if token == "alicloud:cs/getClusterCredential:getClusterCredential":
        cid = str(args.get("clusterId") or "c-mock")
        return {
            "clusterId": cid,
            "clusterName": f"cluster-{cid[:8]}",
            "kubeConfig": _kubeconfig(cid),
            "expiration": "2099-01-01T00:00:00Z",
            "certificateAuthorities": [{"clusterCert": "TU9DSy1DQQ==", "clientCert": "TU9DSy1DRVJU",
                                        "clientKey": "TU9DSy1LRVk="}],
            "id": cid,
            "temporaryDurationMinutes": args.get("temporaryDurationMinutes", 0),
        }
    if token == "alicloud:mse/getClusters:getClusters":
        # The registry's private endpoint (mse.Cluster has no endpoint output; docs/governance.md).
        clusters = [{
            "id": i, "instanceId": i, "clusterId": f"mse-{digest(i, 'cid', length=8)}", "clusterName": i,
            "clusterType": "Nacos-Ans", "status": "INIT_SUCCESS", "healthStatus": "GREEN", "instanceCount": 3,
            "intranetDomain": f"{i}-p.nacos-ans.mse.aliyuncs.com", "intranetAddress": fake_ip(i, "mse", first=10),
            "intranetPort": "8848", "internetAddress": "", "internetDomain": "", "internetPort": "",
            "aclId": "", "appVersion": "2.3.2.1", "cpu": 2, "initCostTime": 0, "memoryCapacity": 4,
            "payInfo": "PayAsYouGo", "pubNetworkFlow": "0", "instanceModels": [],
        } for i in (args.get("ids") or [])]
        return {"clusters": clusters, "ids": [c["id"] for c in clusters],
                "names": [c["clusterName"] for c in clusters], "id": "mse-clusters"}
    if token == "alicloud:ecs/getImages:getImages":
        name = "ubuntu_24_04_x64_20G_alibase_20260101.vhd"
        image = {"id": name, "imageId": name, "name": name, "osType": "linux", "architecture": "x86_64",
                 "imageOwnerAlias": "system", "status": "Available"}
        return {"images": [image], "ids": [image["id"]], "id": "images"}
    if token == "alicloud:cs/getClusters:getClusters":
        return {"clusters": [], "ids": [], "names": [], "id": "clusters"}
    # Unknown data sources answer with their arguments and a stable id, so code reading them runs.
    return {**args, "id": digest(token, json.dumps(args, sort_keys=True, default=str))}


class PlatformMocks(pulumi.runtime.Mocks):
    """The `pulumi.runtime.Mocks` implementation: ids and outputs from the tables above."""

    def __init__(self) -> None:
        self._provider_regions: dict[str, str] = {}  # provider resource id -> its `region` input

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        rid = args.resource_id or resource_id(args.typ, args.name, args.inputs)
        if args.typ == "pulumi:providers:alicloud":
            self._provider_regions[rid] = str(args.inputs.get("region") or MOCK_REGION)
        # A provider reference is `<urn>::<id>`; the id is the one this mock gave the provider.
        provider_id = (args.provider or "").rpartition("::")[2]
        token = _REGION.set(self._provider_regions.get(provider_id, MOCK_REGION))
        try:
            return rid, resource_outputs(args.typ, args.name, rid, args.inputs)
        finally:
            _REGION.reset(token)

    def call(self, args: pulumi.runtime.MockCallArgs):
        return invoke(args.token, args.args), []
