"""RAM documents of the delivery block, as pure functions (tested on their own).

* GitHub Actions OIDC trust: a role only a given repository's job in a given GitHub environment may assume
  (`oidc:sub` = `repo:OWNER/REPO:environment:ENV`), pinned to the issuer and the audience as well.
* The deploy role of an environment: the platform's services, verb by verb (never `*` or `<service>:*`),
  in the stack's region and account; RAM and OSS only on names under the environment's prefix; the
  Pulumi state objects of that one stack.
* The read-only role of an environment (cloud preview on pull requests, drift): describe/list/get only,
  and read access to that stack's state.
* The CI runner host's instance role: read its registration token, nothing else.

ARN formats: OSS `acs:oss:*:<account>:<bucket>[/<key>]` (bucket names are global, hence region `*`);
RAM `acs:ram::<account>:role/<name>` (RAM lower-cases role names in ARNs); regional services
`acs:<service>:<region>:<account>:<resource>`; OOS parameters `acs:oos:<region>:<account>:secretparameter/<name>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

POLICY_VERSION = "1"
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
# The audience the official credentials action asks GitHub for (aliyun/configure-aliyun-credentials-action
# action.yml, input `audience`, default `sts.aliyuncs.com`); it must be a client id of the OIDC provider.
STS_AUDIENCE = "sts.aliyuncs.com"
# SHA-1 fingerprints of the CA certificate chain that serves the GitHub issuer (the two values GitHub's
# issuer has been pinned with since its 2023 certificate change). RAM checks the IdP's HTTPS certificate
# against them; add the new one before GitHub rotates (docs/bootstrap.md shows the openssl command).
GITHUB_FINGERPRINTS = ("6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd")
# A RAM policy document holds at most 6144 characters (alicloud-api.md, ram.Policy).
MAX_POLICY_CHARS = 6144
# Pulumi's DIY backend writes `organization` as the organisation of every project-scoped stack.
DIY_ORGANIZATION = "organization"

# --------------------------------------------------------------------------------------------------
# Which RAM service each provider type calls.

# By provider module; a few types call another service's API (EIPs are VPC APIs).
MODULE_SERVICE: Mapping[str, str] = {
    "ackone": "adcp",
    "arms": "arms",
    # SSL Certificates Service, Alidns, WAF 3.0 (the edge block): RAM codes yundun-cert, alidns, yundun-waf.
    "cas": "yundun-cert",
    "cdn": "cdn",
    "cs": "cs",
    "dns": "alidns",
    "ecs": "ecs",
    "fc": "fc",
    "ims": "ims",
    "kms": "kms",
    "live": "live",
    "log": "log",
    "message": "mns",
    "mse": "mse",
    "oos": "oos",
    "oss": "oss",
    "polardb": "polardb",
    "ram": "ram",
    "redis": "kvstore",
    "kvstore": "kvstore",
    "rocketmq": "rocketmq",
    "sls": "log",
    "vpc": "vpc",
    "wafv3": "yundun-waf",
}
TYPE_SERVICE: Mapping[str, str] = {
    "alicloud:ecs/eipAddress:EipAddress": "vpc",
    "alicloud:ecs/eipAssociation:EipAssociation": "vpc",
}
# The OpenAPI dynamic resources of components/openapi call these services.
DYNAMIC_SERVICE: Mapping[str, str] = {"arms": "arms", "live": "live", "mse": "mse"}

def _actions(service: str, names: str) -> tuple[str, ...]:
    return tuple(f"{service}:{n}" for n in names.split())


# The exact RAM actions each resource type's create, read, update and delete call. No pattern: RAM matches
# `*`/`?` inside action names, and the pack's `alicloud-ram-policy-disallow-wildcard-actions` refuses them.
# Sources: RPC APIs, the `action` strings of terraform-provider-alicloud alicloud/resource_alicloud_<type>.go
# and of the service_alicloud_*.go Describe functions it calls (commit 81c43b6, extracted mechanically);
# ROA APIs (CS, FC 3.0, SLS, OSS), the OpenAPI operation names of the endpoints those resources call; the
# dynamic resources, the actions components/governance/rules.py and components/observability/rum.py send.
TYPE_ACTIONS: Mapping[str, tuple[str, ...]] = {
    "alicloud:vpc/network:Network": _actions("vpc", "CreateVpc DeleteVpc DescribeVpcAttribute DescribeVpcs "
                                            "ModifyVpcAttribute DescribeRouteTableList ModifyRouteTableAttributes "
                                            "AssociateVpcCidrBlock UnassociateVpcCidrBlock MoveResourceGroup "
                                            "TagResources UnTagResources ListTagResources"),
    "alicloud:vpc/switch:Switch": _actions("vpc", "CreateVSwitch DeleteVSwitch DescribeVSwitchAttributes "
                                          "DescribeVSwitches ModifyVSwitchAttribute TagResources UnTagResources"),
    "alicloud:vpc/natGateway:NatGateway": _actions("vpc", "CreateNatGateway DeleteNatGateway DescribeNatGateways "
                                                  "ModifyNatGatewayAttribute ModifyNatGatewaySpec "
                                                  "UpdateNatGatewayNatType DeletionProtection TagResources "
                                                  "UnTagResources ListTagResources"),
    "alicloud:vpc/snatEntry:SnatEntry": _actions("vpc", "CreateSnatEntry DeleteSnatEntry DescribeSnatTableEntries "
                                                "ModifySnatEntry"),
    "alicloud:ecs/eipAddress:EipAddress": _actions("vpc", "AllocateEipAddress ReleaseEipAddress DescribeEipAddresses "
                                                  "ModifyEipAddressAttribute DeletionProtection MoveResourceGroup "
                                                  "TagResources UnTagResources"),
    "alicloud:ecs/eipAssociation:EipAssociation": _actions("vpc", "AssociateEipAddress UnassociateEipAddress "
                                                          "DescribeEipAddresses"),
    "alicloud:ecs/ecsKeyPair:EcsKeyPair": _actions("ecs", "CreateKeyPair ImportKeyPair DeleteKeyPairs DescribeKeyPairs "
                                                  "JoinResourceGroup TagResources UntagResources"),
    "alicloud:cs/managedKubernetes:ManagedKubernetes": _actions(
        "cs", "CreateCluster DeleteCluster ModifyCluster DescribeClusterDetail DescribeClustersV1 "
              "DescribeClusterUserKubeconfig DescribeTaskInfo DescribeClusterResources UpgradeCluster "
              "ModifyClusterTags UpdateControlPlaneLog TagResources UntagResources ListTagResources"),
    "alicloud:cs/nodePool:NodePool": _actions(
        "cs", "CreateClusterNodePool DeleteClusterNodepool ModifyClusterNodePool DescribeClusterNodePoolDetail "
              "DescribeClusterNodePools ScaleClusterNodePool UpgradeClusterNodepool DescribeClusterNodes "
              "RemoveNodePoolNodes AttachInstancesToNodePool DescribeTaskInfo"),
    "alicloud:cs/kubernetesAddon:KubernetesAddon": _actions(
        "cs", "InstallClusterAddons UnInstallClusterAddons ModifyClusterAddon UpgradeClusterAddons "
              "DescribeClusterAddonInstance ListClusterAddonInstances DescribeClusterAddonsVersion "
              "DescribeClusterAddonsUpgradeStatus DescribeTaskInfo"),
    "alicloud:ackone/cluster:Cluster": _actions("adcp", "CreateHubCluster DeleteHubCluster DescribeHubClusterDetails "
                                                "UpdateHubClusterFeature"),
    "alicloud:ackone/membershipAttachment:MembershipAttachment": _actions(
        "adcp", "AttachClusterToHub DetachClusterFromHub DescribeManagedClusters"),
    "alicloud:kms/key:Key": _actions("kms", "CreateKey DescribeKey EnableKey DisableKey ScheduleKeyDeletion "
                                    "SetDeletionProtection GetKeyPolicy SetKeyPolicy UpdateKeyDescription "
                                    "UpdateRotationPolicy TagResources UntagResources ListTagResources"),
    "alicloud:message/serviceQueue:ServiceQueue": _actions("mns", "CreateQueue DeleteQueue GetQueueAttributes "
                                                          "SetQueueAttributes TagResources UntagResources"),
    # resource_alicloud_message_service_topic.go + service_alicloud_message_service_v2.go (the replay-done topic).
    "alicloud:message/serviceTopic:ServiceTopic": _actions("mns", "CreateTopic DeleteTopic GetTopicAttributes "
                                                          "SetTopicAttributes TagResources UntagResources"),
    # resource_alicloud_kms_secret.go + service_alicloud_kms.go (the replay CDN URL-auth key, when configured).
    # GetSecretValue (the provider reads a generic secret's value back) is granted apart, on this stack's own
    # secrets only (`StackSecrets`, rule alicloud-ram-policy-restrict-secret-access); the data block's secrets
    # live under `<project>/<stack>/` (components/data/plan.secret_name).
    "alicloud:kms/secret:Secret": _actions("kms", "CreateSecret DeleteSecret DescribeSecret PutSecretValue "
                                           "GetSecretValue UpdateSecret UpdateSecretRotationPolicy GetSecretPolicy "
                                           "SetSecretPolicy TagResources UntagResources ListTagResources"),
    "alicloud:mse/cluster:Cluster": _actions("mse", "CreateCluster DeleteCluster QueryClusterDetail ListClusters "
                                            "UpdateCluster UpdateClusterSpec UpdateAcl UpdateImage "
                                            "UpdateClusterNetwork ChangeResourceGroup TagResources UntagResources"),
    "alicloud:mse/engineNamespace:EngineNamespace": _actions("mse", "CreateEngineNamespace DeleteEngineNamespace "
                                                            "ListEngineNamespaces UpdateEngineNamespace "
                                                            "QueryClusterDetail"),
    "alicloud:mse/gateway:Gateway": _actions("mse", "AddGateway DeleteGateway GetGateway ListGatewaySlb "
                                            "UpdateGatewayName"),
    "alicloud:arms/alertContact:AlertContact": _actions("arms", "CreateAlertContact DeleteAlertContact "
                                                       "SearchAlertContact UpdateAlertContact"),
    "alicloud:arms/alertContactGroup:AlertContactGroup": _actions("arms", "CreateAlertContactGroup "
                                                                 "DeleteAlertContactGroup SearchAlertContactGroup "
                                                                 "UpdateAlertContactGroup"),
    "alicloud:arms/alertRobot:AlertRobot": _actions("arms", "CreateOrUpdateIMRobot DeleteIMRobot DescribeIMRobots"),
    "alicloud:arms/dispatchRule:DispatchRule": _actions("arms", "CreateDispatchRule DeleteDispatchRule "
                                                       "DescribeDispatchRule UpdateDispatchRule "
                                                       "ListNotificationPolicies"),
    "alicloud:arms/environment:Environment": _actions("arms", "CreateEnvironment DeleteEnvironment DescribeEnvironment "
                                                     "InitEnvironment UpdateEnvironment ChangeResourceGroup "
                                                     "TagResources UntagResources"),
    "alicloud:arms/envFeature:EnvFeature": _actions("arms", "InstallEnvironmentFeature DeleteEnvironmentFeature "
                                                   "DescribeEnvironmentFeature UpgradeEnvironmentFeature"),
    "alicloud:arms/prometheus:Prometheus": _actions("arms", "CreatePrometheusInstance GetPrometheusInstance "
                                                   "UpdatePrometheusInstance UninstallPromCluster "
                                                   "BindPrometheusGrafanaInstance UpdatePrometheusGlobalView "
                                                   "ChangeResourceGroup TagResources UntagResources ListTagResources"),
    "alicloud:arms/prometheusAlertRule:PrometheusAlertRule": _actions("arms", "CreatePrometheusAlertRule "
                                                                     "DeletePrometheusAlertRule "
                                                                     "ListPrometheusAlertRules "
                                                                     "UpdatePrometheusAlertRule"),
    "alicloud:arms/syntheticTask:SyntheticTask": _actions("arms", "CreateTimingSyntheticTask DeleteTimingSyntheticTask "
                                                         "GetTimingSyntheticTask UpdateTimingSyntheticTask "
                                                         "StartTimingSyntheticTask StopTimingSyntheticTask "
                                                         "ChangeResourceGroup TagResources UntagResources"),
    "alicloud:fc/v3Function:V3Function": _actions("fc", "CreateFunction DeleteFunction UpdateFunction GetFunction "
                                                 "ListFunctions EnableFunctionInvocation DisableFunctionInvocation "
                                                 "TagResources UntagResources ListTagResources"),
    "alicloud:fc/v3Trigger:V3Trigger": _actions("fc", "CreateTrigger DeleteTrigger UpdateTrigger GetTrigger"),
    "alicloud:fc/v3AsyncInvokeConfig:V3AsyncInvokeConfig": _actions("fc", "PutAsyncInvokeConfig GetAsyncInvokeConfig "
                                                                   "DeleteAsyncInvokeConfig"),
    "alicloud:fc/v3ConcurrencyConfig:V3ConcurrencyConfig": _actions("fc", "PutConcurrencyConfig GetConcurrencyConfig "
                                                                   "DeleteConcurrencyConfig"),
    "alicloud:fc/v3LayerVersion:V3LayerVersion": _actions("fc", "CreateLayerVersion GetLayerVersion "
                                                         "DeleteLayerVersion ListLayerVersions"),
    "alicloud:log/project:Project": _actions("log", "CreateProject DeleteProject UpdateProject GetProject "
                                            "TagResources UntagResources ListTagResources"),
    "alicloud:log/store:Store": _actions("log", "CreateLogStore DeleteLogStore UpdateLogStore GetLogStore ListShards "
                                        "GetLogStoreMeteringMode UpdateLogStoreMeteringMode"),
    "alicloud:log/storeIndex:StoreIndex": _actions("log", "CreateIndex UpdateIndex DeleteIndex GetIndex"),
    "alicloud:oss/bucket:Bucket": _actions("oss", "PutBucket DeleteBucket GetBucketInfo GetBucketStat "
                                          "GetBucketLocation PutBucketLifecycle GetBucketLifecycle "
                                          "DeleteBucketLifecycle PutBucketTagging GetBucketTagging "
                                          "DeleteBucketTagging"),
    "alicloud:oss/bucketAcl:BucketAcl": _actions("oss", "PutBucketAcl GetBucketAcl"),
    "alicloud:oss/bucketVersioning:BucketVersioning": _actions("oss", "PutBucketVersioning GetBucketVersioning"),
    "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption": _actions(
        "oss", "PutBucketEncryption GetBucketEncryption DeleteBucketEncryption"),
    "alicloud:oss/bucketLogging:BucketLogging": _actions("oss", "PutBucketLogging GetBucketLogging "
                                                        "DeleteBucketLogging"),
    "alicloud:oss/bucketPolicy:BucketPolicy": _actions("oss", "PutBucketPolicy GetBucketPolicy DeleteBucketPolicy"),
    "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock": _actions(
        "oss", "PutBucketPublicAccessBlock GetBucketPublicAccessBlock DeleteBucketPublicAccessBlock"),
    "alicloud:oss/bucketHttpsConfig:BucketHttpsConfig": _actions("oss", "PutBucketHttpsConfig GetBucketHttpsConfig"),
    "alicloud:ram/role:Role": _actions("ram", "CreateRole DeleteRole GetRole UpdateRole TagResources UntagResources "
                                      "ListTagResources"),
    # The data layer (components/data/): RocketMQ 5 is ROA (operation names of alibabacloud_rocketmq20220801 5.1.0
    # for the paths the provider calls); Tair/KVStore, PolarDB and KMS secrets are RPC (the provider's actions).
    "alicloud:rocketmq/rocketMQInstance:RocketMQInstance": _actions(
        "rocketmq", "CreateInstance GetInstance UpdateInstance DeleteInstance ListInstances CreateInstanceIpWhitelist "
        "DeleteInstanceIpWhitelist GetInstanceIpWhitelist ListInstanceIpWhitelist GetInstanceAccount "
        "ChangeResourceGroup TagResources UntagResources ListTagResources"),
    "alicloud:rocketmq/rocketMQTopic:RocketMQTopic": _actions(
        "rocketmq", "CreateTopic GetTopic UpdateTopic DeleteTopic"),
    "alicloud:rocketmq/consumerGroup:ConsumerGroup": _actions(
        "rocketmq", "CreateConsumerGroup GetConsumerGroup UpdateConsumerGroup DeleteConsumerGroup"),
    "alicloud:rocketmq/account:Account": _actions(
        "rocketmq", "CreateInstanceAccount GetInstanceAccount UpdateInstanceAccount DeleteInstanceAccount "
        "ListInstanceAccount"),
    "alicloud:rocketmq/acl:Acl": _actions(
        "rocketmq", "CreateInstanceAcl GetInstanceAcl UpdateInstanceAcl DeleteInstanceAcl ListInstanceAcl"),
    "alicloud:redis/tairInstance:TairInstance": _actions(
        "kvstore", "CreateTairInstance DeleteInstance DescribeInstanceAttribute DescribeInstanceConfig "
        "DescribeInstanceSSL DescribeInstanceTDEStatus DescribeIntranetAttribute DescribeSecurityGroupConfiguration "
        "DescribeSecurityIps DescribeInstances ModifyInstanceAttribute ModifyInstanceBandwidth ModifyInstanceConfig "
        "ModifyInstanceMaintainTime ModifyInstanceMajorVersion ModifyInstanceSSL ModifyInstanceSpec ModifyInstanceTDE "
        "ModifyInstanceVpcAuthMode ModifyResourceGroup ModifySecurityGroupConfiguration ModifySecurityIps "
        "AddShardingNode DeleteShardingNode TransformInstanceChargeType TagResources UntagResources "
        "ListTagResources"),
    "alicloud:kvstore/account:Account": _actions(
        "kvstore", "CreateAccount DeleteAccount DescribeAccounts GrantAccountPrivilege ModifyAccountDescription "
        "ResetAccountPassword"),
    "alicloud:kvstore/backupPolicy:BackupPolicy": _actions(
        "kvstore", "DescribeBackupPolicy DescribeInstanceAttribute ModifyBackupPolicy"),
    "alicloud:polardb/cluster:Cluster": _actions(
        "polardb", "CreateDBCluster DeleteDBCluster DescribeDBClusters DescribeDBClusterAttribute "
        "DescribeDBClusterAccessWhitelist DescribeDBClusterEndpoints DescribeDBClusterParameters "
        "DescribeDBClusterServerlessConf DescribeDBClusterTDE DescribeDBClusterVersion DescribeAutoRenewAttribute "
        "DescribeDBClusterAuditLogCollector DescribeGlobalSecurityIPGroupRelation CheckKMSAuthorized ModifyDBCluster "
        "ModifyDBClusterAccessWhitelist ModifyDBClusterDeletion ModifyDBClusterDescription "
        "ModifyDBClusterMaintainTime ModifyDBClusterParameters ModifyDBClusterPrimaryZone "
        "ModifyDBClusterResourceGroup ModifyDBClusterServerlessConf ModifyDBClusterStorageSpace "
        "ModifyDBClusterTDE ModifyDBNodeClass ModifyAutoRenewAttribute CreateDBNodes DeleteDBNodes "
        "TagResources UntagResources ListTagResources"),
    "alicloud:polardb/database:Database": _actions(
        "polardb", "CreateDatabase DeleteDatabase DescribeDatabases ModifyDBDescription"),
    "alicloud:polardb/account:Account": _actions(
        "polardb", "CreateAccount DeleteAccount DescribeAccounts ModifyAccountDescription ModifyAccountPassword "
        "ModifyAccountLockState"),
    "alicloud:polardb/accountPrivilege:AccountPrivilege": _actions(
        "polardb", "GrantAccountPrivilege RevokeAccountPrivilege DescribeAccounts"),
    "alicloud:polardb/clusterEndpoint:ClusterEndpoint": _actions(
        "polardb", "DescribeDBClusterEndpoints DescribeDBClusterSSL ModifyDBClusterSSL ModifyDBClusterEndpoint "
        "ModifyDBEndpointAddress"),
    "alicloud:polardb/backupPolicy:BackupPolicy": _actions(
        "polardb", "DescribeBackupPolicy DescribeLogBackupPolicy ModifyBackupPolicy ModifyLogBackupPolicy"),
    "alicloud:ram/policy:Policy": _actions("ram", "CreatePolicy DeletePolicy GetPolicy GetPolicyVersion "
                                          "CreatePolicyVersion DeletePolicyVersion ListPolicyVersions "
                                          "SetDefaultPolicyVersion UpdatePolicyDescription ListEntitiesForPolicy "
                                          "TagResources UntagResources ListTagResources"),
    "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment": _actions("ram", "AttachPolicyToRole "
                                                                      "DetachPolicyFromRole ListPoliciesForRole"),
    "pulumi-python:dynamic/arms:RumApp": _actions("arms", "CreateRumApp DeleteRumApp UpdateRumApp GetRumAppInfo "
                                                 "GetRumApps TagResources UntagResources"),
    "pulumi-python:dynamic/arms:WebhookContact": _actions("arms", "CreateOrUpdateWebhookContact DeleteWebhookContact "
                                                         "DescribeWebhookContacts"),
    "pulumi-python:dynamic/mse:LaneGroup": _actions("mse", "CreateOrUpdateSwimmingLaneGroup DeleteSwimmingLaneGroup "
                                                   "QueryAllSwimmingLaneGroup"),
    "pulumi-python:dynamic/mse:Lane": _actions("mse", "CreateOrUpdateSwimmingLane DeleteSwimmingLane "
                                              "QueryAllSwimmingLane"),
    "pulumi-python:dynamic/mse:ServiceAuthRule": _actions("mse", "AddAuthPolicy UpdateAuthPolicy RemoveAuthPolicy "
                                                         "ListAuthPolicy"),
    "pulumi-python:dynamic/mse:DegradationRule": _actions("mse", "CreateCircuitBreakerRule UpdateCircuitBreakerRule "
                                                         "DeleteCircuitBreakerRules ListCircuitBreakerRules "
                                                         "EnableRules"),
    "pulumi-python:dynamic/mse:FlowRule": _actions("mse", "CreateFlowRule UpdateFlowRule DeleteFlowRules "
                                                  "ListFlowRules EnableRules"),
    # The edge (components/edge): Live, CDN, WAF 3.0, Alidns, SSL Certificates Service, OSS replication, and the
    # calls of its dynamic resources (components/edge/live.py, gateway_domain.py).
    "alicloud:live/domain:Domain": _actions("live", "AddLiveDomain DeleteLiveDomain StartLiveDomain StopLiveDomain "
                                           "ModifyLiveDomainSchdmByProperty ChangeLiveDomainResourceGroup "
                                           "DescribeLiveDomainDetail TagLiveResources UnTagLiveResources "
                                           "ListLiveTagResources"),
    "alicloud:cdn/domainNew:DomainNew": _actions("cdn", "AddCdnDomain DeleteCdnDomain ModifyCdnDomain StartCdnDomain "
                                                "StopCdnDomain ModifyCdnDomainSchdmByProperty "
                                                "SetCdnDomainSSLCertificate DescribeCdnDomainDetail "
                                                "DescribeDomainCertificateInfo TagResources UntagResources "
                                                "ListTagResources"),
    "alicloud:cdn/domainConfig:DomainConfig": _actions("cdn", "BatchSetCdnDomainConfig DeleteSpecificConfig "
                                                      "DescribeCdnDomainConfigs"),
    "alicloud:cdn/realTimeLogDelivery:RealTimeLogDelivery": _actions(
        "cdn", "CreateRealTimeLogDelivery DeleteRealtimeLogDelivery DisableRealtimeLogDelivery "
               "EnableRealtimeLogDelivery ModifyRealtimeLogDelivery DescribeDomainRealtimeLogDelivery"),
    "alicloud:wafv3/instance:Instance": _actions("yundun-waf", "CreatePostpaidInstance ReleaseInstance "
                                                "DescribeInstance"),
    "alicloud:wafv3/domain:Domain": _actions("yundun-waf", "CreateDomain DeleteDomain ModifyDomain "
                                            "DescribeDomainDetail TagResources UntagResources ListTagResources"),
    "alicloud:wafv3/defenseTemplate:DefenseTemplate": _actions(
        "yundun-waf", "CreateDefenseTemplate DeleteDefenseTemplate ModifyDefenseTemplate ModifyDefenseTemplateStatus "
                      "ModifyTemplateResources DescribeDefenseTemplate DescribeTemplateResources"),
    "alicloud:dns/alidnsRecord:AlidnsRecord": _actions("alidns", "AddDomainRecord DeleteDomainRecord "
                                                      "UpdateDomainRecord SetDomainRecordStatus "
                                                      "UpdateDomainRecordRemark DescribeDomainRecordInfo"),
    "alicloud:cas/serviceCertificate:ServiceCertificate": _actions(
        "yundun-cert", "UploadUserCertificate CreateCertificateName DeleteUserCertificate "
                       "DescribeUserCertificateDetail"),
    "alicloud:oss/bucketReplication:BucketReplication": _actions("oss", "PutBucketReplication GetBucketReplication "
                                                                "DeleteBucketReplication "
                                                                "GetBucketReplicationProgress"),
    "pulumi-python:dynamic/live:LiveDomainMapping": _actions("live", "AddLiveDomainMapping DeleteLiveDomainMapping "
                                                            "DescribeLiveDomainMapping"),
    "pulumi-python:dynamic/live:LiveDomainConfig": _actions("live", "BatchSetLiveDomainConfigs "
                                                           "BatchDeleteLiveDomainConfigs DescribeLiveDomainConfigs"),
    "pulumi-python:dynamic/live:LiveDomainCertificate": _actions("live", "SetLiveDomainCertificate "
                                                                "DescribeLiveDomainCertificateInfo"),
    "pulumi-python:dynamic/live:LiveRecordConfig": _actions("live", "AddLiveAppRecordConfig UpdateLiveAppRecordConfig "
                                                           "DeleteLiveAppRecordConfig DescribeLiveRecordConfig"),
    "pulumi-python:dynamic/live:LiveRecordNotify": _actions("live", "AddLiveRecordNotifyConfig "
                                                           "UpdateLiveRecordNotifyConfig DeleteLiveRecordNotifyConfig "
                                                           "DescribeLiveRecordNotifyConfig"),
    "pulumi-python:dynamic/live:LiveDomainCname": _actions("live", "DescribeLiveDomainDetail"),
    "pulumi-python:dynamic/mse:GatewayDomain": _actions("mse", "AddGatewayDomain UpdateGatewayDomain "
                                                       "DeleteGatewayDomain ListGatewayDomain"),
}
READ_PREFIXES = ("Describe", "List", "Get", "Query", "Search")
# RAM actions beyond the types' own: passing the platform's roles to FC and ACK, and the service-linked roles
# services create on first use.
PASS_ROLE = "ram:PassRole"
# Reading a secret's value is granted on the stack's own data secrets only (`<project>/<stack>/...`,
# components/data/plan.secret_name), never on every secret (policy alicloud-ram-policy-restrict-secret-access).
SECRET_VALUE = "kms:GetSecretValue"
SERVICE_LINKED_ROLE = "ram:CreateServiceLinkedRole"


def actions_by_service(types: Iterable[str] = ()) -> dict[str, list[str]]:
    """The exact actions of `types` (default: every type in TYPE_ACTIONS), grouped by RAM service, sorted."""
    chosen = list(types) or list(TYPE_ACTIONS)
    out: dict[str, set[str]] = {}
    for t in chosen:
        for action in TYPE_ACTIONS.get(t, ()):
            out.setdefault(action.split(":")[0], set()).add(action)
    return {svc: sorted(acts) for svc, acts in sorted(out.items())}


def read_only(actions: Iterable[str]) -> list[str]:
    """The actions among `actions` that only read."""
    return sorted(a for a in actions if a.split(":", 1)[1].startswith(READ_PREFIXES))


def service_of(type_token: str) -> str | None:
    """The RAM service code a provider type calls, or None for Pulumi-internal and Kubernetes types."""
    if type_token in TYPE_SERVICE:
        return TYPE_SERVICE[type_token]
    package, _, rest = type_token.partition(":")
    module = rest.split("/")[0].split(":")[0]
    if package == "alicloud":
        return MODULE_SERVICE.get(module)
    if package == "pulumi-python" and module == "dynamic":
        return DYNAMIC_SERVICE.get(rest.split(":")[0].split("/")[1]) if "/" in rest else None
    return None


def services_of(types: Iterable[str]) -> list[str]:
    """The RAM services a set of resource types calls, sorted."""
    return sorted({s for t in types if (s := service_of(t)) is not None})


# --------------------------------------------------------------------------------------------------
# Trust


def oidc_subject(repository: str, environment: str) -> str:
    """GitHub's `sub` claim for a job that runs in `environment`: `repo:OWNER/REPO:environment:ENV`."""
    return f"repo:{repository}:environment:{environment}"


def github_trust_policy(provider_arn: str, subject: str, *, issuer: str = GITHUB_ISSUER,
                        audience: str = STS_AUDIENCE) -> dict[str, Any]:
    """Only a GitHub Actions job with exactly `subject` may assume the role, through `provider_arn`.

    StringEquals on all three claims: no wildcard subject, so a branch, a pull request or another
    environment of the same repository gets nothing (GitHub OIDC docs, "Example subject claims").
    """
    return {"Version": POLICY_VERSION, "Statement": [{
        "Action": "sts:AssumeRole",
        "Effect": "Allow",
        "Principal": {"Federated": [provider_arn]},
        "Condition": {"StringEquals": {"oidc:iss": issuer, "oidc:aud": audience, "oidc:sub": subject}},
    }]}


def service_trust_policy(service: str) -> dict[str, Any]:
    """A role only `service` (e.g. `ecs.aliyuncs.com`) may assume."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": [service]}},
    ]}


# --------------------------------------------------------------------------------------------------
# The Pulumi state of one stack in a DIY (self-managed) backend


def state_object_keys(project: str, stack: str) -> list[str]:
    """The object-key patterns Pulumi's DIY backend uses for one project-scoped stack.

    Layout (pulumi pkg/backend/diy/store.go, lock.go): `.pulumi/stacks/<project>/<stack>.json` (plus
    `.bak`/`.gz`), `.pulumi/history/<project>/<stack>/`, `.pulumi/backups/<project>/<stack>/`,
    `.pulumi/locks/organization/<project>/<stack>/`.
    """
    return [f".pulumi/stacks/{project}/{stack}.json*", f".pulumi/history/{project}/{stack}/*",
            f".pulumi/backups/{project}/{stack}/*", f".pulumi/locks/{DIY_ORGANIZATION}/{project}/{stack}/*"]


def state_statements(account_id: str, bucket: str, project: str, stack: str, *, write: bool) -> list[dict[str, Any]]:
    """Read (and with `write`, update and lock) one stack's state; list only under `.pulumi/`.

    `pulumi preview` and `pulumi refresh --preview-only` take no lock and write nothing on a DIY backend
    (pulumi pkg/backend/diy/backend.go: Preview and the PreviewOnly branch of Refresh skip `Lock` and
    history), so the read-only role gets GetObject only.
    """
    objects = [f"acs:oss:*:{account_id}:{bucket}/{key}" for key in state_object_keys(project, stack)]
    meta = f"acs:oss:*:{account_id}:{bucket}/.pulumi/meta.yaml"
    actions = ["oss:GetObject", "oss:PutObject", "oss:DeleteObject"] if write else ["oss:GetObject"]
    return [
        {"Sid": "StackState", "Effect": "Allow", "Action": actions, "Resource": objects},
        {"Sid": "BackendMetadata", "Effect": "Allow", "Action": ["oss:GetObject"], "Resource": [meta]},
        {"Sid": "ListState", "Effect": "Allow", "Action": ["oss:ListObjects"],
         "Resource": [f"acs:oss:*:{account_id}:{bucket}"],
         "Condition": {"StringLike": {"oss:Prefix": [".pulumi/*"]}}},
    ]


# --------------------------------------------------------------------------------------------------
# The CI roles' permissions


def _regional(service: str, region: str, account_id: str) -> str:
    return f"acs:{service}:{region}:{account_id}:*"


# Services whose resources are named by the environment's prefix (scoped by name, not by region).
NAMED = ("ram", "oss")


def _chunks(statements: list[dict[str, Any]], limit: int) -> list[list[dict[str, Any]]]:
    """Statements split into as few documents as fit RAM's size limit each (in order)."""
    docs: list[list[dict[str, Any]]] = [[]]
    for st in statements:
        trial = docs[-1] + [st]
        if docs[-1] and len(dumps({"Version": POLICY_VERSION, "Statement": trial})) > limit:
            docs.append([st])
        else:
            docs[-1] = trial
    return docs


def _secret_statements(by_service: Mapping[str, list[str]], services: Sequence[str], region: str, account_id: str,
                       project: str, stack: str) -> list[dict[str, Any]]:
    """`kms:GetSecretValue` (the provider reads a secret's value back) on this stack's secrets only."""
    if "kms" not in services or SECRET_VALUE not in by_service.get("kms", []):
        return []
    return [{"Sid": "StackSecrets", "Effect": "Allow", "Action": [SECRET_VALUE],
             "Resource": [f"acs:kms:{region}:{account_id}:secret/{project}/{stack}/*"]}]


def deploy_policies(*, account_id: str, region: str, name_prefix: str, services: Sequence[str],
                    state_bucket: str, project: str, stack: str) -> dict[str, dict[str, Any]]:
    """The deploy role's policies by name suffix: everything `pulumi up` of one stack needs, action by action.

    Regional services on `acs:<service>:<region>:<account>:*`; RAM and OSS only on names under the
    environment's prefix; the stack's own state. As many documents as RAM's 6144-character limit needs.
    """
    prefix = name_prefix.lower()
    by_service = actions_by_service()
    statements: list[dict[str, Any]] = [
        {"Sid": f"Platform{svc.capitalize()}", "Effect": "Allow",
         "Action": [a for a in by_service[svc] if a != SECRET_VALUE],
         "Resource": [_regional(svc, region, account_id)]}
        for svc in services if svc in by_service and svc not in NAMED
    ]
    identity: list[dict[str, Any]] = _secret_statements(by_service, services, region, account_id, project, stack)
    if "ram" in services:
        identity += [
            {"Sid": "PlatformIdentity", "Effect": "Allow", "Action": [*by_service["ram"], PASS_ROLE],
             "Resource": [f"acs:ram::{account_id}:role/{prefix}-*", f"acs:ram::{account_id}:policy/{prefix}-*"]},
            # ACK creates the cluster with its default roles (AliyunCS*), which the caller passes.
            {"Sid": "PassContainerServiceRoles", "Effect": "Allow", "Action": [PASS_ROLE],
             "Resource": [f"acs:ram::{account_id}:role/aliyuncs*"]},
            # NAT, MSE, ARMS, ... create their service-linked role on first use in an account.
            {"Sid": "ServiceLinkedRoles", "Effect": "Allow", "Action": [SERVICE_LINKED_ROLE], "Resource": ["*"]},
        ]
    if "oss" in services:
        identity += [
            {"Sid": "PlatformBuckets", "Effect": "Allow", "Action": by_service["oss"],
             "Resource": [f"acs:oss:*:{account_id}:{prefix}-*"]},
            {"Sid": "FindBuckets", "Effect": "Allow", "Action": ["oss:ListBuckets"],
             "Resource": [f"acs:oss:*:{account_id}:*"]},
        ]
    identity += state_statements(account_id, state_bucket, project, stack, write=True)
    docs = {"identity": {"Version": POLICY_VERSION, "Statement": identity}}
    for i, chunk in enumerate(_chunks(statements, MAX_POLICY_CHARS), start=1):
        docs[f"services-{i}"] = {"Version": POLICY_VERSION, "Statement": chunk}
    return docs


def read_policy(*, account_id: str, region: str, name_prefix: str, services: Sequence[str], state_bucket: str,
                project: str, stack: str) -> dict[str, Any]:
    """The read-only role: the read actions of what the stack owns and its state; nothing that changes
    anything. OSS gets bucket-level reads only (never `oss:GetObject` on data): a preview needs the
    buckets' configuration, not the media in them."""
    prefix = name_prefix.lower()
    by_service = actions_by_service()
    statements: list[dict[str, Any]] = [
        {"Sid": f"Read{svc.capitalize()}", "Effect": "Allow",
         "Action": [a for a in read_only(by_service[svc]) if a != SECRET_VALUE],
         "Resource": [_regional(svc, region, account_id)]}
        for svc in services if svc in by_service and svc not in NAMED and read_only(by_service[svc])
    ]
    statements += _secret_statements(by_service, services, region, account_id, project, stack)
    if "ram" in services:
        statements.append({"Sid": "ReadPlatformIdentity", "Effect": "Allow", "Action": read_only(by_service["ram"]),
                           "Resource": [f"acs:ram::{account_id}:role/{prefix}-*",
                                        f"acs:ram::{account_id}:policy/{prefix}-*"]})
    if "oss" in services:
        statements.append({"Sid": "ReadPlatformBuckets", "Effect": "Allow", "Action": read_only(by_service["oss"]),
                           "Resource": [f"acs:oss:*:{account_id}:{prefix}-*"]})
    statements += state_statements(account_id, state_bucket, project, stack, write=False)
    return {"Version": POLICY_VERSION, "Statement": statements}


def runner_policy(*, account_id: str, region: str, parameter: str) -> dict[str, Any]:
    """The runner host reads its one registration-token parameter (decrypted by OOS with KMS)."""
    return {"Version": POLICY_VERSION, "Statement": [
        {"Sid": "RegistrationToken", "Effect": "Allow", "Action": ["oos:GetSecretParameter"],
         "Resource": [f"acs:oos:{region}:{account_id}:secretparameter/{parameter}"]},
        # OOS decrypts secret parameters with KMS on the caller's behalf (OOS docs, "Encryption parameters").
        {"Sid": "DecryptRegistrationToken", "Effect": "Allow", "Action": ["kms:Decrypt"],
         "Resource": [f"acs:kms:{region}:{account_id}:key/*"]},
    ]}


def granted_actions(document: Mapping[str, Any]) -> list[str]:
    """Every action an Allow statement names, in order (for tests and reviews)."""
    out: list[str] = []
    for st in document.get("Statement", []):
        if st.get("Effect") == "Allow":
            actions = st.get("Action", [])
            out.extend([actions] if isinstance(actions, str) else actions)
    return out


def dumps(document: Mapping[str, Any]) -> str:
    """A policy document as the compact, key-stable JSON RAM stores (no diff from formatting)."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


# The RAM services the platform's stacks call (services_of the resource types of every stack's plan;
# tests/delivery/test_permissions.py fails when a stack starts using a service missing here).
PLATFORM_SERVICES = ("adcp", "alidns", "arms", "cdn", "cs", "ecs", "fc", "kms", "kvstore", "live", "log", "mns", "mse",
                     "oss", "polardb", "ram", "rocketmq", "vpc", "yundun-cert", "yundun-waf")
