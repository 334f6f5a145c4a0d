"""One passing and one violating plan per rule, plus the resource the violation must name.

Baselines are compliant resources; each violating case mutates one thing. Where the catalog flags a
provider default (absent property = insecure value), the violating case *omits* the property.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .harness import res

T = {
    "bucket": "alicloud:oss/bucket:Bucket",
    "acl": "alicloud:oss/bucketAcl:BucketAcl",
    "bpolicy": "alicloud:oss/bucketPolicy:BucketPolicy",
    "bpa": "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "abpa": "alicloud:oss/accountPublicAccessBlock:AccountPublicAccessBlock",
    "sse": "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption",
    "ver": "alicloud:oss/bucketVersioning:BucketVersioning",
    "log": "alicloud:oss/bucketLogging:BucketLogging",
    "https": "alicloud:oss/bucketHttpsConfig:BucketHttpsConfig",
    "role": "alicloud:ram/role:Role",
    "policy": "alicloud:ram/policy:Policy",
    "rpa": "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment",
    "user": "alicloud:ram/user:User",
    "ak": "alicloud:ram/accessKey:AccessKey",
    "fn": "alicloud:fc/v3Function:V3Function",
    "trig": "alicloud:fc/v3Trigger:V3Trigger",
    "async": "alicloud:fc/v3AsyncInvokeConfig:V3AsyncInvokeConfig",
    "ack": "alicloud:cs/managedKubernetes:ManagedKubernetes",
    "np": "alicloud:cs/nodePool:NodePool",
    "addon": "alicloud:cs/kubernetesAddon:KubernetesAddon",
    "vsw": "alicloud:vpc/switch:Switch",
    "mse": "alicloud:mse/cluster:Cluster",
    "gw": "alicloud:mse/gateway:Gateway",
    "prom": "alicloud:arms/prometheus:Prometheus",
    "alert": "alicloud:arms/prometheusAlertRule:PrometheusAlertRule",
    "store": "alicloud:log/store:Store",
    "sgr": "alicloud:ecs/securityGroupRule:SecurityGroupRule",
    "nat": "alicloud:vpc/natGateway:NatGateway",
    "vpc": "alicloud:vpc/network:Network",
    "deploy": "kubernetes:apps/v1:Deployment",
    "svc": "kubernetes:core/v1:Service",
    "pdb": "kubernetes:policy/v1:PodDisruptionBudget",
    "hpa": "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
    "cm": "kubernetes:core/v1:ConfigMap",
    "cors": "alicloud:oss/bucketCors:BucketCors",
    "dnat": "alicloud:vpc/forwardEntry:ForwardEntry",
    "waf": "alicloud:wafv3/domain:Domain",
}
TAGS = {"env": "prod", "owner": "live-platform", "cost-center": "cc-live"}


def mutate(resource: dict[str, Any], fn) -> dict[str, Any]:
    r = copy.deepcopy(resource)
    fn(r["inputs"])
    return r


def drop(*path: str):
    def f(inputs: dict[str, Any]) -> None:
        target = inputs
        for p in path[:-1]:
            target = target[p]
        target.pop(path[-1], None)

    return f


def setv(path: tuple, value: Any):
    def f(inputs: Any) -> None:
        target = inputs
        for p in path[:-1]:
            target = target[p]
        target[path[-1]] = value

    return f


# ---- OSS ------------------------------------------------------------------------------------------
BUCKET = res(
    T["bucket"],
    "media",
    {
        "bucket": "lc-media",
        "tags": TAGS,
        "lifecycleRules": [{"enabled": True, "abortMultipartUploads": [{"days": 7}], "expirations": [{"days": 365}]}],
    },
    protect=True,
)
DENY_HTTP = json.dumps(
    {
        "Version": "1",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": ["oss:*"],
                "Principal": ["*"],
                "Resource": ["acs:oss:*:*:lc-media/*"],
                "Condition": {"Bool": {"acs:SecureTransport": ["false"]}},
            }
        ],
    }
)


def sub(kind: str, name: str, inputs: dict[str, Any], bucket: dict[str, Any] = BUCKET) -> dict[str, Any]:
    return res(
        T[kind], name, {"bucket": bucket["inputs"].get("bucket", "auto-1234"), **inputs}, deps={"bucket": [bucket]}
    )


ACL = sub("acl", "media-acl", {"acl": "private"})
BPOLICY = sub("bpolicy", "media-policy", {"policy": DENY_HTTP})
BPA = sub("bpa", "media-bpa", {"blockPublicAccess": True})
SSE = sub("sse", "media-sse", {"sseAlgorithm": "KMS", "kmsMasterKeyId": "key-1"})
VER = sub("ver", "media-versioning", {"status": "Enabled"})
LOGGING = sub("log", "media-logging", {"targetBucket": "lc-logs"})
HTTPS = sub("https", "media-https", {"enable": True, "tlsVersions": ["TLSv1.2"]})
# A bucket left to auto-naming: pairing must work through propertyDependencies alone.
ANON_BUCKET = res(T["bucket"], "anon", {"tags": TAGS})
ANON_SSE = res(T["sse"], "anon-sse", {"bucket": "[unknown]", "sseAlgorithm": "AES256"}, deps={"bucket": [ANON_BUCKET]})
PUBLIC_POLICY = json.dumps(
    {
        "Version": "1",
        "Statement": [
            {"Effect": "Allow", "Action": ["oss:GetObject"], "Principal": ["*"], "Resource": ["acs:oss:*:*:lc-media/*"]}
        ],
    }
)

# ---- RAM ------------------------------------------------------------------------------------------
FC_TRUST = json.dumps(
    {
        "Version": "1",
        "Statement": [{"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": ["fc.aliyuncs.com"]}}],
    }
)
RRSA_TRUST = json.dumps(
    {
        "Version": "1",
        "Statement": [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Federated": ["acs:ram::123:oidc-provider/ack-rrsa-c1"]},
                "Condition": {
                    "StringEquals": {
                        "oidc:iss": "https://oidc-ack.aliyuncs.com/c1",
                        "oidc:aud": "sts.aliyuncs.com",
                        "oidc:sub": "system:serviceaccount:shop:shop",
                    }
                },
            }
        ],
    }
)
ROLE = res(T["role"], "fn-role", {"roleName": "lc-transcoder", "assumeRolePolicyDocument": FC_TRUST, "tags": TAGS})
RRSA_ROLE = res(T["role"], "shop-role", {"roleName": "lc-shop", "assumeRolePolicyDocument": RRSA_TRUST, "tags": TAGS})
SCOPED_DOC = json.dumps(
    {
        "Version": "1",
        "Statement": [
            {"Effect": "Allow", "Action": ["oss:GetObject", "oss:PutObject"], "Resource": ["acs:oss:*:*:lc-media/*"]}
        ],
    }
)
POLICY = res(T["policy"], "fn-policy", {"policyName": "lc-transcoder", "policyDocument": SCOPED_DOC, "tags": TAGS})
ATTACH = res(
    T["rpa"],
    "fn-attach",
    {"roleName": "lc-transcoder", "policyName": "lc-transcoder", "policyType": "Custom"},
    deps={"roleName": [ROLE], "policyName": [POLICY]},
)
ADMIN_ATTACH = res(
    T["rpa"],
    "fn-admin",
    {"roleName": "lc-transcoder", "policyName": "AdministratorAccess", "policyType": "System"},
    deps={"roleName": [ROLE]},
)

# ---- FC -------------------------------------------------------------------------------------------
FN = res(
    T["fn"],
    "transcoder",
    {
        "functionName": "lc-transcoder",
        "handler": "handler.handler",
        "runtime": "python3.10",
        "role": "acs:ram::123:role/lc-transcoder",
        "tags": TAGS,
        "environmentVariables": {
            "OUTPUT_BUCKET": "lc-media",
            "OUTPUT_PREFIX": "transcoded/",
            "DB_PASSWORD_SECRET_NAME": "x",
        },
        "logConfig": {"project": "lc-logs", "logstore": "fc", "enableRequestMetrics": True},
        "internetAccess": False,
    },
    deps={"role": [ROLE]},
)
TRIGGER_CONFIG = json.dumps(
    {
        "events": ["oss:ObjectCreated:PutObject", "oss:ObjectCreated:CompleteMultipartUpload"],
        "filter": {"key": {"prefix": "raw/", "suffix": ".mp4"}},
    }
)
TRIG = res(
    T["trig"],
    "upload",
    {
        "functionName": "lc-transcoder",
        "qualifier": "LATEST",
        "triggerType": "oss",
        "sourceArn": "acs:oss:cn-hangzhou:123:lc-media",
        "invocationRole": "acs:ram::123:role/oss",
        "triggerConfig": TRIGGER_CONFIG,
    },
    deps={"functionName": [FN], "sourceArn": [BUCKET]},
)
ASYNC = res(
    T["async"],
    "transcoder-async",
    {
        "functionName": "lc-transcoder",
        "destinationConfig": {"onFailure": {"destination": "acs:mns:cn-hangzhou:123:/topics/dlq/messages"}},
    },
    deps={"functionName": [FN]},
)

# ---- ACK ------------------------------------------------------------------------------------------
VSW_A = res(T["vsw"], "node-a", {"zoneId": "cn-hangzhou-h", "cidrBlock": "10.0.0.0/24", "tags": TAGS})
VSW_B = res(T["vsw"], "node-b", {"zoneId": "cn-hangzhou-i", "cidrBlock": "10.0.1.0/24", "tags": TAGS})
ACK = res(
    T["ack"],
    "ack",
    {
        "clusterSpec": "ack.pro.small",
        "slbInternetEnabled": False,
        "enableRrsa": True,
        "encryptionProviderKey": "key-1",
        "controlPlaneLogComponents": ["apiserver", "kcm", "scheduler", "ccm"],
        "controlPlaneLogProject": "lc-logs",
        "auditLogConfig": {"enabled": True, "slsProjectName": "lc-logs"},
        "deletionProtection": True,
        "maintenanceWindow": {
            "enable": True,
            "maintenanceTime": "2026-01-01T03:00:00+08:00",
            "duration": "3h",
            "weeklyPeriod": "Tuesday",
        },
        "vswitchIds": ["vsw-a", "vsw-b"],
        # A cluster CreateCluster accepts has a network plug-in (the provider contracts check it).
        "addons": [{"name": "terway-eniip"}],
        "tags": TAGS,
    },
    deps={"vswitchIds": [VSW_A, VSW_B]},
)
NP = res(
    T["np"],
    "pool",
    {
        "clusterId": "c-1",
        "vswitchIds": ["vsw-a", "vsw-b"],
        "instanceTypes": ["ecs.g7.2xlarge"],
        "management": {"enable": True, "autoRepair": True, "autoUpgrade": True, "autoVulFix": True},
        "scalingConfig": {"enable": True, "minSize": 3, "maxSize": 30},
        "systemDiskEncrypted": True,
        "dataDisks": [{"category": "cloud_essd", "encrypted": "true"}],
        "instanceMetadataOptions": {"httpTokens": "required"},
        "loginAsNonRoot": True,
        "tags": TAGS,
    },
    deps={"clusterId": [ACK], "vswitchIds": [VSW_A, VSW_B]},
)
VK = res(
    T["addon"],
    "virtual-node",
    {"clusterId": "c-1", "name": "ack-virtual-node", "config": json.dumps({"EnableClusterDns": "true"})},
    deps={"clusterId": [ACK]},
)

# ---- MSE, ARMS, SLS, network ----------------------------------------------------------------------
MSE = res(
    T["mse"],
    "nacos",
    {
        "clusterType": "Nacos-Ans",
        "clusterVersion": "NACOS_2_0_0",
        "instanceCount": 3,
        "netType": "privatenet",
        "pubNetworkFlow": "0",
        "mseVersion": "mse_pro",
        "tags": TAGS,
    },
)
GW = res(
    T["gw"],
    "gateway",
    {"replica": 2, "spec": "MSE_GTW_2_4_200_c", "vpcId": "vpc-1", "vswitchId": "vsw-a", "backupVswitchId": "vsw-b"},
)
PROM = res(
    T["prom"],
    "prom",
    {"clusterType": "aliyun-cs", "clusterId": "c-1", "grafanaInstanceId": "free", "tags": TAGS},
    deps={"clusterId": [ACK]},
)
ALERT = res(
    T["alert"],
    "alert",
    {
        "clusterId": "c-1",
        "prometheusAlertRuleName": "high-latency",
        "expression": "up == 0",
        "duration": "1m",
        "message": "down",
        "notifyType": "DISPATCH_RULE",
        "dispatchRuleId": "123",
    },
)
STORE = res(T["store"], "store", {"projectName": "lc-logs", "logstoreName": "app", "retentionPeriod": 180})
SGR = res(
    T["sgr"],
    "https-in",
    {"securityGroupId": "sg-1", "type": "ingress", "ipProtocol": "tcp", "portRange": "443/443", "cidrIp": "0.0.0.0/0"},
)
NAT = res(T["nat"], "nat", {"vpcId": "vpc-1", "natType": "Enhanced", "deletionProtection": True, "tags": TAGS})
VPC = res(T["vpc"], "vpc", {"cidrBlock": "10.0.0.0/16", "tags": TAGS})

# ---- Kubernetes -----------------------------------------------------------------------------------
LABELS = {"app.kubernetes.io/name": "shop"}
CONTAINER = {
    "name": "shop",
    "image": "registry.cn-hangzhou.aliyuncs.com/lc/shop:1.4.2",
    "resources": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"memory": "512Mi"}},
    "readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
    "livenessProbe": {"httpGet": {"path": "/live", "port": 8080}},
    "securityContext": {
        "allowPrivilegeEscalation": False,
        "runAsNonRoot": True,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    },
    "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}],
    "ports": [{"containerPort": 8080}],
}
DEPLOY = res(
    T["deploy"],
    "shop",
    {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "shop", "namespace": "shop", "labels": LABELS},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": LABELS},
            "template": {
                "metadata": {"labels": LABELS},
                "spec": {
                    "serviceAccountName": "shop",
                    "containers": [CONTAINER],
                    "topologySpreadConstraints": [
                        {
                            "maxSkew": 1,
                            "topologyKey": "topology.kubernetes.io/zone",
                            "whenUnsatisfiable": "ScheduleAnyway",
                            "labelSelector": {"matchLabels": LABELS},
                        }
                    ],
                },
            },
        },
    },
)
PDB = res(
    T["pdb"],
    "shop-pdb",
    {
        "metadata": {"name": "shop", "namespace": "shop"},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": LABELS}},
    },
)
HPA = res(
    T["hpa"],
    "shop-hpa",
    {
        "metadata": {"name": "shop", "namespace": "shop"},
        "spec": {
            "minReplicas": 3,
            "maxReplicas": 30,
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "shop"},
        },
    },
)
SVC = res(
    T["svc"],
    "shop-svc",
    {
        "metadata": {"name": "shop", "namespace": "shop"},
        "spec": {"type": "ClusterIP", "selector": LABELS, "ports": [{"port": 80, "targetPort": 8080}]},
    },
)
ECI_DEPLOY = mutate(DEPLOY, setv(("spec", "template", "spec", "nodeSelector"), {"type": "virtual-kubelet"}))


def container(fn) -> Any:
    """Mutate the first container of the Deployment."""
    return mutate(DEPLOY, lambda i: fn(i["spec"]["template"]["spec"]["containers"][0]))


def pod(fn) -> Any:
    return mutate(DEPLOY, lambda i: fn(i["spec"]["template"]["spec"]))


def _set(d: dict, key: str, value: Any) -> None:
    d[key] = value


# rule -> (compliant resources, violating resources, name of the resource the violation names)
CASES: dict[str, tuple[list[dict], list[dict], str]] = {
    "alicloud-oss-bucket-disallow-public-acl": (
        [BUCKET, ACL],
        [BUCKET, mutate(ACL, setv(("acl",), "public-read"))],
        "media-acl",
    ),
    "alicloud-oss-bucketpolicy-disallow-anonymous-principal": (
        [BUCKET, BPOLICY],
        [BUCKET, mutate(BPOLICY, setv(("policy",), PUBLIC_POLICY))],
        "media-policy",
    ),
    "alicloud-oss-bucket-enable-server-side-encryption": ([BUCKET, SSE, ANON_BUCKET, ANON_SSE], [BUCKET], "media"),
    "alicloud-oss-bucket-enable-versioning": (
        [BUCKET, VER],
        [BUCKET, mutate(VER, setv(("status",), "Suspended"))],
        "media",
    ),
    "alicloud-oss-bucket-enable-block-public-access": (
        [BUCKET, BPA],
        [BUCKET, mutate(BPA, setv(("blockPublicAccess",), False))],
        "media",
    ),
    "alicloud-oss-bucket-require-secure-transport": ([BUCKET, BPOLICY], [BUCKET], "media"),
    "alicloud-oss-bucket-configure-lifecycle": ([BUCKET], [mutate(BUCKET, drop("lifecycleRules"))], "media"),
    "alicloud-oss-bucket-enable-access-logging": ([BUCKET, LOGGING], [BUCKET], "media"),
    "alicloud-oss-bucket-disallow-force-destroy": ([BUCKET], [mutate(BUCKET, setv(("forceDestroy",), True))], "media"),
    "alicloud-ram-policyattachment-disallow-administratoraccess": (
        [ROLE, POLICY, ATTACH],
        [ROLE, ADMIN_ATTACH],
        "fn-admin",
    ),
    "alicloud-ram-policyattachment-disallow-fullaccess-system-policies": (
        [ROLE, ATTACH],
        [ROLE, mutate(ADMIN_ATTACH, setv(("policyName",), "AliyunOSSFullAccess"))],
        "fn-admin",
    ),
    "alicloud-ram-policy-disallow-wildcard-actions": (
        [POLICY],
        [
            mutate(
                POLICY,
                setv(
                    ("policyDocument",),
                    json.dumps({"Version": "1", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
                ),
            )
        ],
        "fn-policy",
    ),
    "alicloud-ram-role-restrict-trust-policy": (
        [ROLE, RRSA_ROLE],
        [
            mutate(
                RRSA_ROLE,
                setv(
                    ("assumeRolePolicyDocument",),
                    RRSA_TRUST.replace('"oidc:sub": "system:serviceaccount:shop:shop"', '"oidc:x": "y"'),
                ),
            )
        ],
        "shop-role",
    ),
    "alicloud-ram-user-disallow-users-and-access-keys": (
        [ROLE],
        [res(T["ak"], "ci-key", {"userName": "ci"})],
        "ci-key",
    ),
    "alicloud-fc-v3function-require-least-privilege-role": (
        [FN, ROLE, POLICY, ATTACH],
        [FN, ROLE, ADMIN_ATTACH],
        "transcoder",
    ),
    "alicloud-fc-v3function-disallow-plaintext-secrets": (
        [FN],
        [mutate(FN, setv(("environmentVariables", "API_TOKEN"), "tok-123"))],
        "transcoder",
    ),
    "alicloud-fc-v3trigger-restrict-oss-events": (
        [TRIG],
        [mutate(TRIG, setv(("triggerConfig",), json.dumps({"events": ["oss:*"]})))],
        "upload",
    ),
    "alicloud-fc-v3trigger-disallow-recursive-output": (
        [BUCKET, FN, TRIG],
        [BUCKET, mutate(FN, setv(("environmentVariables", "OUTPUT_PREFIX"), "raw/out/")), TRIG],
        "upload",
    ),
    "alicloud-fc-v3function-configure-async-failure-destination": ([FN, TRIG, ASYNC], [FN, TRIG], "transcoder"),
    "alicloud-fc-v3function-enable-logging": ([FN], [mutate(FN, drop("logConfig"))], "transcoder"),
    # provider default: slbInternetEnabled absent == true
    "alicloud-cs-managedkubernetes-disallow-public-apiserver": (
        [ACK],
        [mutate(ACK, drop("slbInternetEnabled"))],
        "ack",
    ),
    "alicloud-cs-managedkubernetes-require-pro-spec": (
        [ACK],
        [mutate(ACK, setv(("clusterSpec",), "ack.standard"))],
        "ack",
    ),
    "alicloud-cs-managedkubernetes-enable-rrsa": ([ACK], [mutate(ACK, drop("enableRrsa"))], "ack"),
    "alicloud-cs-managedkubernetes-enable-secret-encryption": (
        [ACK],
        [mutate(ACK, drop("encryptionProviderKey"))],
        "ack",
    ),
    "alicloud-cs-managedkubernetes-enable-control-plane-logs": (
        [ACK],
        [mutate(ACK, setv(("controlPlaneLogComponents",), ["apiserver"]))],
        "ack",
    ),
    "alicloud-cs-managedkubernetes-enable-deletion-protection": (
        [ACK],
        [mutate(ACK, drop("deletionProtection"))],
        "ack",
    ),
    "alicloud-cs-managedkubernetes-configure-maintenance-window": (
        [ACK],
        [mutate(ACK, drop("maintenanceWindow"))],
        "ack",
    ),
    "alicloud-cs-nodepool-enable-auto-repair": ([NP], [mutate(NP, setv(("management", "autoRepair"), False))], "pool"),
    "alicloud-cs-nodepool-enable-auto-upgrade": ([NP], [mutate(NP, drop("management", "autoVulFix"))], "pool"),
    "alicloud-cs-nodepool-disallow-public-ip": ([NP], [mutate(NP, setv(("internetMaxBandwidthOut",), 10))], "pool"),
    "alicloud-cs-nodepool-require-multi-zone": (
        [NP, ACK, VSW_A, VSW_B],
        [
            ACK,
            VSW_A,
            VSW_B,
            res(T["np"], "pool", {**NP["inputs"], "vswitchIds": ["vsw-a"]}, deps={"vswitchIds": [VSW_A]}),
        ],
        "pool",
    ),
    "alicloud-cs-nodepool-configure-autoscaling-bounds": (
        [NP],
        [mutate(NP, setv(("scalingConfig", "maxSize"), 1000))],
        "pool",
    ),
    "alicloud-cs-nodepool-enable-disk-encryption": ([NP], [mutate(NP, drop("systemDiskEncrypted"))], "pool"),
    "alicloud-eci-virtualnode-disallow-public-network": (
        [VK],
        [mutate(VK, setv(("config",), json.dumps({"EnablePublicNetwork": "true"})))],
        "virtual-node",
    ),
    "alicloud-mse-cluster-disallow-public-access": (
        [MSE],
        [mutate(MSE, lambda i: i.update(netType="pubnet", pubNetworkFlow="10"))],
        "nacos",
    ),
    "alicloud-mse-cluster-require-high-availability": ([MSE], [mutate(MSE, setv(("instanceCount",), 1))], "nacos"),
    "alicloud-mse-gateway-require-high-availability": ([GW], [mutate(GW, setv(("replica",), 1))], "gateway"),
    "alicloud-arms-prometheus-require-cluster-monitoring": ([ACK, PROM], [ACK], "ack"),
    "alicloud-arms-prometheusalertrule-configure-notification": (
        [ALERT],
        [mutate(ALERT, drop("dispatchRuleId"))],
        "alert",
    ),
    # provider default: retentionPeriod absent == 30 days
    "alicloud-log-store-configure-retention": ([STORE], [mutate(STORE, drop("retentionPeriod"))], "store"),
    "alicloud-log-store-disallow-web-tracking": ([STORE], [mutate(STORE, setv(("enableWebTracking",), True))], "store"),
    "alicloud-ecs-securitygrouprule-disallow-public-admin-ports": (
        [SGR],
        [mutate(SGR, setv(("portRange",), "22/22"))],
        "https-in",
    ),
    # provider default: NAT deletionProtection absent == false
    "alicloud-vpc-natgateway-enable-deletion-protection": ([NAT], [mutate(NAT, drop("deletionProtection"))], "nat"),
    "alicloud-all-resource-require-tags": ([VPC], [mutate(VPC, setv(("tags",), {"owner": "x"}))], "vpc"),
    "kubernetes-apps-workload-configure-resources": (
        [DEPLOY],
        [container(lambda c: c["resources"].pop("limits"))],
        "shop",
    ),
    "kubernetes-apps-workload-configure-probes": ([DEPLOY], [container(lambda c: c.pop("livenessProbe"))], "shop"),
    "kubernetes-apps-workload-pin-images": (
        [DEPLOY],
        [container(lambda c: _set(c, "image", "registry.cn-hangzhou.aliyuncs.com/lc/shop:latest"))],
        "shop",
    ),
    "kubernetes-apps-workload-disallow-privileged": (
        [DEPLOY],
        [container(lambda c: c["securityContext"].update(privileged=True))],
        "shop",
    ),
    # API default: allowPrivilegeEscalation absent == true
    "kubernetes-apps-workload-disallow-privilege-escalation": (
        [DEPLOY],
        [container(lambda c: c["securityContext"].pop("allowPrivilegeEscalation"))],
        "shop",
    ),
    "kubernetes-apps-workload-disallow-host-namespaces": (
        [DEPLOY],
        [pod(lambda s: _set(s, "hostNetwork", True))],
        "shop",
    ),
    "kubernetes-apps-workload-disallow-host-path": (
        [DEPLOY],
        [pod(lambda s: _set(s, "volumes", [{"name": "sock", "hostPath": {"path": "/run/containerd"}}]))],
        "shop",
    ),
    "kubernetes-apps-workload-require-read-only-root-filesystem": (
        [DEPLOY],
        [container(lambda c: c["securityContext"].pop("readOnlyRootFilesystem"))],
        "shop",
    ),
    "kubernetes-apps-workload-restrict-service-account": (
        [DEPLOY],
        [pod(lambda s: s.pop("serviceAccountName"))],
        "shop",
    ),
    "kubernetes-apps-workload-disallow-secrets-in-env": (
        [DEPLOY],
        [container(lambda c: _set(c, "env", [{"name": "DB_PASSWORD", "value": "hunter2"}]))],
        "shop",
    ),
    # API default: metadata.namespace absent == default
    "kubernetes-core-namespaced-disallow-default-namespace": (
        [DEPLOY, SVC],
        [mutate(SVC, lambda i: i["metadata"].pop("namespace"))],
        "shop-svc",
    ),
    "kubernetes-apps-workload-require-virtual-node-sizing": (
        [DEPLOY, ECI_DEPLOY],
        [mutate(ECI_DEPLOY, lambda i: i["spec"]["template"]["spec"]["containers"][0].pop("resources"))],
        "shop",
    ),
    "kubernetes-core-service-restrict-exposure": (
        [SVC],
        [mutate(SVC, setv(("spec", "type"), "LoadBalancer"))],
        "shop-svc",
    ),
    "kubernetes-apps-deployment-configure-replicas-and-spread": (
        [DEPLOY, PDB],
        [mutate(DEPLOY, setv(("spec", "replicas"), 1))],
        "shop",
    ),
    "kubernetes-apps-deployment-require-pod-disruption-budget": ([DEPLOY, PDB], [DEPLOY], "shop"),
    "kubernetes-policy-poddisruptionbudget-allow-voluntary-disruption": (
        [DEPLOY, PDB],
        [DEPLOY, mutate(PDB, lambda i: i["spec"].update(maxUnavailable=0))],
        "shop-pdb",
    ),
    "kubernetes-autoscaling-hpa-disallow-past-live-events": (
        [HPA],
        [mutate(HPA, setv(("metadata", "annotations"), {"livecommerce.io/past-live-events": "summer-618-gala"}))],
        "shop-hpa",
    ),
    "kubernetes-autoscaling-hpa-configure-bounds": (
        [DEPLOY, HPA],
        [DEPLOY, mutate(HPA, setv(("spec", "maxReplicas"), 3))],
        "shop-hpa",
    ),
}

# ---- KMS and Kubernetes access ---------------------------------------------------------------------
KEY = res(
    "alicloud:kms/key:Key",
    "secrets-key",
    {
        "automaticRotation": "Enabled",
        "rotationInterval": "365d",
        "deletionProtection": "Enabled",
        "pendingWindowInDays": 30,
        "tags": TAGS,
    },
)
ROLE_K8S = res(
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
    "reader",
    {"metadata": {"name": "reader"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]},
)
BINDING = res(
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
    "reader-binding",
    {
        "metadata": {"name": "reader"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "reader"},
        "subjects": [],
    },
)
DENY = res(
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "shop-default-deny",
    {
        "metadata": {"name": "default-deny", "namespace": "shop"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    },
)

CASES.update(
    {
        # provider default: automaticRotation absent == Disabled
        "alicloud-kms-key-enable-rotation": ([KEY], [mutate(KEY, drop("automaticRotation"))], "secrets-key"),
        "alicloud-kms-key-enable-deletion-protection": (
            [KEY],
            [mutate(KEY, setv(("deletionProtection",), "Disabled"))],
            "secrets-key",
        ),
        "kubernetes-rbac-role-disallow-wildcards-and-escalation": (
            [ROLE_K8S],
            [mutate(ROLE_K8S, lambda i: i["rules"][0].update(verbs=["*"]))],
            "reader",
        ),
        "kubernetes-rbac-rolebinding-disallow-cluster-admin": (
            [BINDING],
            [mutate(BINDING, setv(("roleRef", "name"), "cluster-admin"))],
            "reader-binding",
        ),
        "kubernetes-networking-namespace-require-default-deny": ([DEPLOY, DENY], [DEPLOY], "shop"),
    }
)

ARMS_ADDON = res(T["addon"], "arms-addon", {"clusterId": "c-1", "name": "arms-prometheus"}, deps={"clusterId": [ACK]})

# ---- data layer (RocketMQ 5, Tair, PolarDB) ---------------------------------------------------------
PRIVATE = ["10.0.0.0/19", "10.0.32.0/20", "10.0.48.0/25", "10.0.48.128/26"]
MQ = res(
    "alicloud:rocketmq/rocketMQInstance:RocketMQInstance",
    "mq",
    {
        "instanceName": "livecommerce-prod",
        "seriesCode": "professional",
        "subSeriesCode": "cluster_ha",
        "serviceCode": "rmq",
        "paymentType": "PayAsYouGo",
        "ipWhitelists": PRIVATE,
        "aclInfo": {"aclTypes": ["apache_acl"], "defaultVpcAuthFree": False},
        "networkInfo": {
            "vpcInfo": {"vpcId": "vpc-1", "vswitches": [{"vswitchId": "vsw-a"}]},
            "internetInfo": {"internetSpec": "disable", "flowOutType": "uninvolved"},
        },
        "tags": TAGS,
    },
    protect=True,
)
TAIR = res(
    "alicloud:redis/tairInstance:TairInstance",
    "cache",
    {"instanceType": "tair_rdb", "instanceClass": "tair.rdb.4g", "securityIps": ",".join(PRIVATE),
     "sslEnabled": "Enable", "tdeStatus": "enabled", "vpcAuthMode": "Open", "tags": TAGS},
    protect=True,
)
TAIR_BACKUP = res("alicloud:kvstore/backupPolicy:BackupPolicy", "cache-backup",
                  {"instanceId": "r-1", "backupPeriods": ["Monday"], "backupTime": "18:00Z-19:00Z"},
                  deps={"instanceId": [TAIR]})
POLAR = res(
    "alicloud:polardb/cluster:Cluster",
    "orders-db",
    {"dbType": "MySQL", "dbVersion": "8.0", "dbNodeClass": "polar.mysql.x4.large", "payType": "PostPaid",
     "deletionLock": 1, "tdeStatus": "Enabled",
     "dbClusterIpArrays": [{"dbClusterIpArrayName": "default", "securityIps": PRIVATE}], "tags": TAGS},
    protect=True,
)
POLAR_ENDPOINT = res("alicloud:polardb/clusterEndpoint:ClusterEndpoint", "orders-db-endpoint",
                     {"dbClusterId": "pc-1", "sslEnabled": "Enable", "sslAutoRotate": "Enable"},
                     deps={"dbClusterId": [POLAR]})
POLAR_BACKUP = res("alicloud:polardb/backupPolicy:BackupPolicy", "orders-db-backup",
                   {"dbClusterId": "pc-1", "dataLevel1BackupRetentionPeriod": 7,
                    "backupRetentionPolicyOnClusterDeletion": "ALL"}, deps={"dbClusterId": [POLAR]})
DATA_OK = [MQ, TAIR, TAIR_BACKUP, POLAR, POLAR_ENDPOINT, POLAR_BACKUP]


def without(resources, victim):
    return [r for r in resources if r["name"] != victim]


CASES.update(
    {
        "alicloud-data-whitelist-disallow-open": (
            DATA_OK,
            [*without(DATA_OK, "cache"), mutate(TAIR, setv(("securityIps",), "10.0.0.0/19,0.0.0.0/0"))],
            "cache",
        ),
        "alicloud-rocketmq-rocketmqinstance-disallow-public-endpoint": (
            [MQ],
            [mutate(MQ, lambda i: i["networkInfo"].update(
                internetInfo={"internetSpec": "enable", "flowOutType": "payByBandwidth", "flowOutBandwidth": 5}))],
            "mq",
        ),
        "alicloud-data-connection-require-tls": (DATA_OK, without(DATA_OK, "orders-db-endpoint"), "orders-db"),
        "alicloud-data-storage-require-tde": (DATA_OK, [mutate(TAIR, drop("tdeStatus"))], "cache"),
        "alicloud-data-instance-require-backups": (
            DATA_OK,
            [*without(DATA_OK, "orders-db-backup"),
             mutate(POLAR_BACKUP, setv(("backupRetentionPolicyOnClusterDeletion",), "NONE"))],
            "orders-db",
        ),
        "alicloud-data-instance-enable-deletion-protection": (
            [MQ, TAIR, POLAR],
            [MQ, TAIR, mutate(POLAR, setv(("deletionLock",), 0))],
            "orders-db",
        ),
    }
)


# ---- issue 18 items 16-17: grants that escape exact lists, and the gaps prod let through -------------
def ram_doc(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "1", "Statement": list(statements)})


SECRET_POLICY = mutate(
    POLICY,
    setv(
        ("policyDocument",),
        ram_doc(
            {"Effect": "Allow", "Action": ["kms:GetSecretValue"], "Resource": ["acs:kms:cn-hangzhou:123:secret/lc-db"]}
        ),
    ),
)
CORS = sub(
    "cors",
    "media-cors",
    {
        "corsRules": [
            {"allowedOrigins": ["https://shop.example.com"], "allowedMethods": ["GET", "PUT"], "maxAgeSeconds": 600}
        ]
    },
)
HTTP_TRIG = res(
    T["trig"],
    "http-api",
    {
        "functionName": "lc-transcoder",
        "qualifier": "LATEST",
        "triggerType": "http",
        "triggerName": "http",
        "triggerConfig": json.dumps({"authType": "function", "methods": ["POST"]}),
    },
    deps={"functionName": [FN]},
)
DNAT = res(
    T["dnat"],
    "web-dnat",
    {
        "forwardTableId": "ftb-1",
        "externalIp": "47.0.0.1",
        "externalPort": "443",
        "internalIp": "10.0.0.5",
        "internalPort": "8443",
        "ipProtocol": "tcp",
    },
)
ALLOW_PLATFORM = res(
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "shop-allow-platform",
    {
        "metadata": {"name": "allow-platform", "namespace": "shop"},
        "spec": {
            "podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [
                        {"namespaceSelector": {"matchLabels": {"app.kubernetes.io/part-of": "livecommerce"}}},
                        {"ipBlock": {"cidr": "10.0.0.0/16"}},
                    ],
                    "ports": [{"port": 8080, "protocol": "TCP"}],
                }
            ],
        },
    },
)
SECRET_ROLE = res(
    "kubernetes:rbac.authorization.k8s.io/v1:Role",
    "secret-reader",
    {
        "metadata": {"name": "shop-db-secret", "namespace": "shop"},
        "rules": [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["shop-db"], "verbs": ["get"]}],
    },
)
PUBLIC_GW = mutate(GW, setv(("internetSlbSpec",), "slb.s2.small"))
MSE_CONFIG = res(
    "kubernetes:mse.alibabacloud.com/v1alpha1:MseIngressConfig",
    "mse-config",
    {"metadata": {"name": "lc-prod"}, "spec": {"id": "gw-1", "ingress": {"local": {"ingressClassName": "mse"}}}},
    deps={"spec": [PUBLIC_GW]},
)
INGRESS_CLASS = res(
    "kubernetes:networking.k8s.io/v1:IngressClass",
    "mse-class",
    {
        "metadata": {"name": "mse"},
        "spec": {
            "controller": "mse.alibabacloud.com/ingress",
            "parameters": {"apiGroup": "mse.alibabacloud.com", "kind": "MseIngressConfig", "name": "lc-prod"},
        },
    },
)
INGRESS = res(
    "kubernetes:networking.k8s.io/v1:Ingress",
    "shop-ingress",
    {
        "metadata": {
            "name": "shop",
            "namespace": "shop",
            "annotations": {"nginx.ingress.kubernetes.io/ssl-redirect": "true"},
        },
        "spec": {
            "ingressClassName": "mse",
            "tls": [{"hosts": ["api.example.com"], "secretName": "api-tls"}],
            "rules": [
                {
                    "host": "api.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/api/shop",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "shop", "port": {"number": 80}}},
                            }
                        ]
                    },
                }
            ],
        },
    },
)
WAF = res(
    T["waf"],
    "api-waf",
    {
        "instanceId": "waf-1",
        "domain": "api.example.com",
        "accessType": "share",
        "listen": {"httpsPorts": [443], "certId": "123-cn-hangzhou", "tlsVersion": "tlsv1.2"},
        "redirect": {"backends": ["[unknown]"], "loadbalance": "iphash"},
    },
    deps={"redirect": [PUBLIC_GW]},
)
PUBLIC_ENTRY = [PUBLIC_GW, MSE_CONFIG, INGRESS_CLASS, INGRESS, WAF]
NO_TLS_INGRESS = mutate(INGRESS, lambda i: (i["spec"].pop("tls"), i["metadata"].pop("annotations")))

CASES.update(
    {
        "alicloud-ram-policy-restrict-secret-access": (
            [POLICY, SECRET_POLICY],
            [
                mutate(
                    POLICY,
                    setv(
                        ("policyDocument",),
                        ram_doc({"Effect": "Allow", "Action": "kms:GetSecretValue", "Resource": "*"}),
                    ),
                )
            ],
            "fn-policy",
        ),
        # a whole-bucket expiry after a day deletes every published replay
        "alicloud-oss-bucket-restrict-lifecycle-expiration": (
            [BUCKET],
            [mutate(BUCKET, setv(("lifecycleRules", 0, "expirations"), [{"days": 1}]))],
            "media",
        ),
        "alicloud-oss-bucket-restrict-cors": (
            [BUCKET, CORS],
            [BUCKET, mutate(CORS, setv(("corsRules", 0, "allowedOrigins"), ["*"]))],
            "media-cors",
        ),
        # provider default: instanceMetadataOptions.httpTokens absent == optional (IMDSv1 on)
        "alicloud-cs-nodepool-require-imdsv2": ([NP], [mutate(NP, drop("instanceMetadataOptions"))], "pool"),
        "alicloud-cs-nodepool-disallow-password-login": ([NP], [mutate(NP, setv(("password",), "[secret]"))], "pool"),
        "kubernetes-rbac-role-restrict-secret-access": (
            [ROLE_K8S, SECRET_ROLE],
            [mutate(SECRET_ROLE, lambda i: i["rules"][0].update(verbs=["get", "list"], resourceNames=[]))],
            "secret-reader",
        ),
        "kubernetes-networking-networkpolicy-disallow-allow-all": (
            [DENY, ALLOW_PLATFORM],
            [mutate(DENY, setv(("spec", "ingress"), [{}]))],
            "shop-default-deny",
        ),
        "alicloud-mse-gateway-restrict-public-entry": (
            [GW, *PUBLIC_ENTRY],
            [PUBLIC_GW, MSE_CONFIG, INGRESS_CLASS, NO_TLS_INGRESS],
            "gateway",
        ),
        "alicloud-fc-v3trigger-disallow-anonymous-http": (
            [FN, TRIG, HTTP_TRIG],
            [mutate(HTTP_TRIG, setv(("triggerConfig",), json.dumps({"authType": "anonymous", "methods": ["GET"]})))],
            "http-api",
        ),
        # provider default: internetAccess absent == true
        "alicloud-fc-v3function-restrict-internet-access": ([FN], [mutate(FN, drop("internetAccess"))], "transcoder"),
        "alicloud-vpc-forwardentry-disallow-admin-ports": (
            [DNAT],
            [mutate(DNAT, lambda i: i.update(externalPort="22", internalPort="22"))],
            "web-dnat",
        ),
        "kubernetes-core-service-disallow-external-ips": (
            [SVC],
            [mutate(SVC, setv(("spec", "externalIPs"), ["203.0.113.10"]))],
            "shop-svc",
        ),
    }
)
