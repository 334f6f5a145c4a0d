"""Which property changes the provider cannot apply in place, and which resources are dangerous to lose.

A plan diff only sees inputs; whether a changed input means "update" or "delete and create again" is
the provider's knowledge (Terraform's `ForceNew`, the Kubernetes API's immutable fields). This module
is that knowledge, for the resource types the platform uses, as data: one entry per (type, property),
each with the reason, and each entry has its own test in tests/review/test_replace_table.py.

Sources: the pulumi_alicloud 4.0.0 docstrings ("cannot be modified after creation", "immutable after
resource creation", "Only works for **Create** Operation"), /work/shared/reference/alicloud-api.md, the
`ForceNew` flags of the bridged terraform-provider-alicloud schemas, and the Kubernetes API's immutable
fields. Paths are engine wire names (camelCase) as they appear in plan `inputs`; a nested path uses dots
(`metadata.name`), and a key also covers everything below it (`spec.selector` covers
`spec.selector.matchLabels.app`).

Two kinds of entries:
* REPLACE: a change makes Pulumi replace the resource (a new cloud resource, a new id).
* CREATE_ONLY: the provider accepts the change but ignores it on an existing resource ("Only works for
  Create"); the diff shows an update that will do nothing, which a reviewer must know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# --------------------------------------------------------------------------------------------------
# Replacement: (type -> property path -> why)

REPLACE: Mapping[str, Mapping[str, str]] = {
    # --- network
    "alicloud:vpc/network:Network": {
        "cidrBlock": "a VPC's primary CIDR block is fixed at creation",
    },
    "alicloud:vpc/switch:Switch": {
        "cidrBlock": "a vSwitch's CIDR block is fixed at creation",
        "zoneId": "a vSwitch lives in one zone for its whole life",
        "availabilityZone": "deprecated alias of zoneId; fixed at creation",
        "vpcId": "a vSwitch cannot move to another VPC",
    },
    "alicloud:vpc/natGateway:NatGateway": {
        "vpcId": "a NAT gateway cannot move to another VPC",
        "vswitchId": "docstring: immutable after resource creation",
        "natType": "docstring: immutable after resource creation",
        "networkType": "docstring: immutable after resource creation (internet vs VPC NAT)",
    },
    "alicloud:vpc/snatEntry:SnatEntry": {
        "snatTableId": "an SNAT entry belongs to one SNAT table",
        "sourceVswitchId": "the source of an SNAT entry is fixed at creation",
        "sourceCidr": "the source of an SNAT entry is fixed at creation",
    },
    "alicloud:ecs/eipAddress:EipAddress": {
        "isp": "the line type of an EIP is fixed at allocation",
        "ipAddress": "asking for a specific address allocates a new EIP",
        "netmode": "the network mode of an EIP is fixed at allocation",
    },
    "alicloud:ecs/eipAssociation:EipAssociation": {
        "allocationId": "an association binds one EIP; a different EIP is a new association",
        "instanceId": "an association binds one instance; a different one is a new association",
        "instanceType": "the bound instance kind is part of the association",
    },
    "alicloud:ecs/securityGroup:SecurityGroup": {
        "vpcId": "a security group cannot move to another VPC",
        "securityGroupType": "normal vs enterprise is chosen at creation",
    },
    "alicloud:ecs/securityGroupRule:SecurityGroupRule": {
        "securityGroupId": "a rule belongs to one security group",
        "type": "ingress/egress of a rule cannot change",
        "ipProtocol": "rules are identified by their match; a new match is a new rule",
        "portRange": "rules are identified by their match; a new match is a new rule",
        "cidrIp": "rules are identified by their match; a new match is a new rule",
        "sourceSecurityGroupId": "rules are identified by their match; a new match is a new rule",
        "policy": "rules are identified by their match; a new match is a new rule",
        "priority": "rules are identified by their match; a new match is a new rule",
        "nicType": "rules are identified by their match; a new match is a new rule",
    },
    # --- container platform
    "alicloud:cs/managedKubernetes:ManagedKubernetes": {
        "serviceCidr": "docstring: cannot be modified after creation",
        "podCidr": "the Flannel pod CIDR is fixed at creation",
        "nodeCidrMask": "the per-node pod CIDR mask is fixed at creation",
        "profile": "Default/Edge/Serverless/Acs is the cluster's kind, chosen at creation",
        "clusterDomain": "the cluster DNS domain is fixed at creation",
        "ipStack": "IPv4/dual stack is chosen at creation",
        "proxyMode": "kube-proxy mode (ipvs/iptables) is fixed at creation",
        "namePrefix": "the generated name is only built at creation",
    },
    "alicloud:cs/nodePool:NodePool": {
        "clusterId": "a node pool belongs to one cluster",
        "securityGroupIds": "docstring: this field cannot be modified",
    },
    # Edge (issue 14); ForceNew per the upstream schemas (alicloud/resource_alicloud_<name>.go).
    "alicloud:live/domain:Domain": {
        "domainName": "ForceNew (resource_alicloud_live_domain.go)", "domainType": "ForceNew",
        "region": "ForceNew: the live center is chosen once",
    },
    "alicloud:cdn/domainNew:DomainNew": {
        "domainName": "ForceNew (resource_alicloud_cdn_domain_new.go)", "cdnType": "ForceNew",
    },
    "alicloud:cdn/domainConfig:DomainConfig": {
        "domainName": "ForceNew (resource_alicloud_cdn_domain_config.go)", "functionName": "ForceNew",
    },
    "alicloud:cdn/realTimeLogDelivery:RealTimeLogDelivery": {"domain": "ForceNew"},
    "alicloud:cas/serviceCertificate:ServiceCertificate": {
        "cert": "ForceNew (resource_alicloud_ssl_certificates_service_certificate.go): a renewed certificate "
                "is a new upload", "key": "ForceNew",
    },
    "alicloud:wafv3/domain:Domain": {"domain": "ForceNew (resource_alicloud_wafv3_domain.go)",
                                     "instanceId": "ForceNew"},
    "alicloud:wafv3/defenseTemplate:DefenseTemplate": {
        "defenseScene": "ForceNew", "instanceId": "ForceNew", "templateOrigin": "ForceNew", "templateType": "ForceNew",
    },
    "alicloud:wafv3/instance:Instance": {},
    "alicloud:dns/alidnsRecord:AlidnsRecord": {"domainName": "ForceNew (resource_alicloud_alidns_record.go)"},
    "alicloud:oss/bucketReplication:BucketReplication": {
        "bucket": "ForceNew (resource_alicloud_oss_bucket_replication.go): a rule belongs to one source bucket",
        "action": "ForceNew", "destination": "ForceNew: a new destination is a new rule",
        "prefixSet": "ForceNew", "historicalObjectReplication": "ForceNew", "syncRole": "ForceNew",
    },
    "alicloud:ecs/ecsKeyPair:EcsKeyPair": {
        "keyPairName": "ForceNew (resource_alicloud_ecs_key_pair.go): a key pair's name is its id",
        "keyFile": "ForceNew: the private key is written only when the pair is created",
    },
    "alicloud:cs/kubernetesAddon:KubernetesAddon": {
        "clusterId": "an addon installation belongs to one cluster",
        "name": "a different addon name is a different addon",
    },
    "alicloud:ackone/cluster:Cluster": {
        "network": "an ACK One fleet's VPC and vSwitches are chosen at creation",
        "profile": "the fleet profile (Default/XFlow) is chosen at creation",
    },
    "alicloud:ackone/membershipAttachment:MembershipAttachment": {
        "clusterId": "an attachment is the (fleet, member) pair itself",
        "subClusterId": "an attachment is the (fleet, member) pair itself",
    },
    "alicloud:cs/autoscalingConfig:AutoscalingConfig": {
        "clusterId": "the autoscaler settings belong to one cluster",
    },
    # --- governance
    "alicloud:mse/cluster:Cluster": {
        "clusterType": "Nacos vs ZooKeeper is the engine itself",
        "clusterVersion": "the engine version line is chosen at creation",
        "mseVersion": "the edition (dev/basic/pro) is chosen at creation",
        "netType": "private vs public network is chosen at creation",
        "pubNetworkFlow": "public bandwidth is chosen at creation",
        "connectionType": "the connection type is chosen at creation",
        "diskType": "the disk type is chosen at creation",
        "privateSlbSpecification": "the private SLB spec is chosen at creation",
        "pubSlbSpecification": "the public SLB spec is chosen at creation",
        "vpcId": "an MSE instance cannot move to another VPC",
        "vswitchId": "an MSE instance cannot move to another vSwitch",
    },
    "alicloud:mse/gateway:Gateway": {
        "vpcId": "a gateway cannot move to another VPC",
        "vswitchId": "a gateway cannot move to another vSwitch",
        "backupVswitchId": "the backup vSwitch is chosen at creation",
    },
    "alicloud:mse/engineNamespace:EngineNamespace": {
        "instanceId": "a namespace belongs to one MSE instance",
        "clusterId": "a namespace belongs to one MSE instance",
        "namespaceId": "the namespace id is its identity",
    },
    "alicloud:mse/znode:Znode": {
        "clusterId": "a znode belongs to one ZooKeeper instance",
        "path": "the path is the znode's identity",
    },
    "alicloud:mse/nacosConfig:NacosConfig": {
        "instanceId": "a configuration belongs to one MSE instance",
        "namespaceId": "a configuration belongs to one namespace",
        "dataId": "data id and group identify the configuration",
        "group": "data id and group identify the configuration",
    },
    # --- observability
    "alicloud:log/project:Project": {
        "projectName": "docstring: globally unique and cannot be modified after it is created",
        "name": "deprecated alias of projectName; cannot be modified",
    },
    "alicloud:log/store:Store": {
        "projectName": "a logstore belongs to one project",
        "project": "deprecated alias of projectName",
        "logstoreName": "the logstore name is its identity",
        "name": "deprecated alias of logstoreName",
        "telemetryType": "a logstore is a log or a metric store from creation",
    },
    "alicloud:log/machineGroup:MachineGroup": {
        "project": "a machine group belongs to one project",
        "name": "the machine group name is its identity",
    },
    "alicloud:log/storeIndex:StoreIndex": {
        "project": "an index belongs to one logstore",
        "logstore": "an index belongs to one logstore",
    },
    "alicloud:log/alert:Alert": {
        "projectName": "an alert belongs to one project",
        "alertName": "the alert name is its identity",
    },
    "alicloud:sls/alert:Alert": {
        "projectName": "an alert belongs to one project",
        "alertName": "the alert name is its identity",
    },
    "alicloud:arms/prometheus:Prometheus": {
        "clusterType": "the kind of Prometheus instance is chosen at creation",
        "clusterId": "an aliyun-cs instance is bound to one ACK cluster",
    },
    "alicloud:arms/prometheusAlertRule:PrometheusAlertRule": {
        "clusterId": "a rule belongs to one Prometheus instance",
    },
    "alicloud:arms/prometheusMonitoring:PrometheusMonitoring": {
        "clusterId": "a monitoring config belongs to one Prometheus instance",
        "type": "serviceMonitor/podMonitor/customJob/probe is fixed at creation",
    },
    "alicloud:arms/remoteWrite:RemoteWrite": {
        "clusterId": "a remote write belongs to one Prometheus instance",
    },
    "alicloud:arms/integrationExporter:IntegrationExporter": {
        "clusterId": "an exporter belongs to one Prometheus instance",
        "integrationType": "the integration kind is fixed at creation",
    },
    "alicloud:arms/envFeature:EnvFeature": {
        "environmentId": "a feature belongs to one environment",
        "envFeatureName": "the feature name is its identity",
    },
    "alicloud:arms/addonRelease:AddonRelease": {
        "environmentId": "a release belongs to one environment",
        "addonName": "a different addon is a different release",
    },
    "alicloud:arms/alertRobot:AlertRobot": {
        "robotType": "the robot kind (DingTalk, WeCom, Feishu) is chosen at creation",
    },
    "alicloud:arms/syntheticTask:SyntheticTask": {
        "taskType": "the probe kind (ICMP, TCP, DNS, HTTP, ...) is chosen at creation",
    },
    "alicloud:arms/environment:Environment": {
        "environmentType": "the environment kind is chosen at creation",
        "environmentSubType": "the environment kind is chosen at creation",
        "bindResourceId": "an environment is bound to one cluster or VPC",
    },
    # --- media
    "alicloud:oss/bucket:Bucket": {
        "bucket": "the bucket name is its identity; a new name is a new, empty bucket",
        "storageClass": "a bucket's storage class is chosen at creation",
        "redundancyType": "LRS/ZRS is chosen at creation",
    },
    "alicloud:oss/bucketAcl:BucketAcl": {"bucket": "the ACL belongs to one bucket"},
    "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock": {"bucket": "belongs to one bucket"},
    "alicloud:oss/bucketPolicy:BucketPolicy": {"bucket": "the policy belongs to one bucket"},
    "alicloud:oss/bucketLogging:BucketLogging": {"bucket": "logging belongs to one bucket"},
    "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption": {"bucket": "belongs to one bucket"},
    "alicloud:oss/bucketVersioning:BucketVersioning": {"bucket": "versioning belongs to one bucket"},
    "alicloud:oss/bucketHttpsConfig:BucketHttpsConfig": {"bucket": "the TLS setting belongs to one bucket"},
    "alicloud:oss/bucketObject:BucketObject": {
        "bucket": "an object lives in one bucket",
        "key": "the key is the object's identity",
    },
    "alicloud:fc/v3Function:V3Function": {
        "functionName": "the function name is its identity (triggers and aliases refer to it)",
    },
    "alicloud:fc/v3Trigger:V3Trigger": {
        "functionName": "a trigger belongs to one function",
        "triggerName": "the trigger name is its identity",
        "triggerType": "the event source kind is fixed at creation",
        "qualifier": "a trigger is bound to one version or alias",
        "sourceArn": "the event source (bucket) is fixed at creation",
    },
    "alicloud:fc/v3LayerVersion:V3LayerVersion": {
        "layerName": "layer versions are immutable; a change publishes a new version",
        "code": "layer versions are immutable; a change publishes a new version",
        "compatibleRuntimes": "layer versions are immutable; a change publishes a new version",
        "description": "layer versions are immutable; a change publishes a new version",
        "license": "layer versions are immutable; a change publishes a new version",
    },
    "alicloud:fc/v3Alias:V3Alias": {
        "functionName": "an alias belongs to one function",
        "aliasName": "the alias name is its identity",
    },
    "alicloud:fc/v3AsyncInvokeConfig:V3AsyncInvokeConfig": {
        "functionName": "the config belongs to one function",
        "qualifier": "the config belongs to one version or alias",
    },
    "alicloud:fc/v3ConcurrencyConfig:V3ConcurrencyConfig": {
        "functionName": "the concurrency setting belongs to one function",
    },
    "alicloud:message/serviceQueue:ServiceQueue": {
        "queueName": "the queue name is its identity",
    },
    # ForceNew per resource_alicloud_message_service_topic.go (topic_name, topic_type).
    "alicloud:message/serviceTopic:ServiceTopic": {
        "topicName": "the topic name is its identity",
        "topicType": "normal and FIFO topics are different kinds",
    },
    # ForceNew per resource_alicloud_kms_secret.go.
    "alicloud:kms/secret:Secret": {
        "secretName": "the secret name is its identity",
        "secretType": "the secret type is fixed at creation",
        "encryptionKeyId": "the encryption key is fixed at creation",
        "dkmsInstanceId": "the KMS instance is fixed at creation",
        "extendedConfig": "the extended config is fixed at creation",
    },
    "alicloud:fc/v3FunctionVersion:V3FunctionVersion": {
        "functionName": "a version belongs to one function",
        "description": "published versions are immutable",
    },
    # --- identity
    "alicloud:ram/role:Role": {
        "roleName": "the role name is its identity (ARNs contain it)",
        "name": "deprecated alias of roleName",
    },
    "alicloud:ram/policy:Policy": {
        "policyName": "the policy name is its identity",
        "name": "deprecated alias of policyName",
    },
    "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment": {
        "roleName": "an attachment is the (role, policy) pair itself",
        "policyName": "an attachment is the (role, policy) pair itself",
        "policyType": "an attachment is the (role, policy) pair itself",
    },
    # --- delivery (bootstrap project): ForceNew in the bridged TF resources
    "alicloud:ims/oidcProvider:OidcProvider": {
        "issuerUrl": "TF resource_alicloud_ims_oidc_provider.go: issuer_url is ForceNew",
        "oidcProviderName": "TF resource_alicloud_ims_oidc_provider.go: oidc_provider_name is ForceNew (ARN)",
    },
    "alicloud:oos/secretParameter:SecretParameter": {
        "secretParameterName": "TF resource_alicloud_oos_secret_parameter.go: the name is ForceNew",
        "type": "TF resource_alicloud_oos_secret_parameter.go: ForceNew",
        "keyId": "TF resource_alicloud_oos_secret_parameter.go: the encryption key is ForceNew",
        "constraints": "TF resource_alicloud_oos_secret_parameter.go: ForceNew",
        "dkmsInstanceId": "TF resource_alicloud_oos_secret_parameter.go: ForceNew",
    },
    "alicloud:ecs/instance:Instance": {
        "availabilityZone": "TF resource_alicloud_instance.go: ForceNew",
        "systemDiskCategory": "TF resource_alicloud_instance.go: ForceNew",
        "systemDiskEncrypted": "TF resource_alicloud_instance.go: ForceNew",
        "systemDiskKmsKeyId": "TF resource_alicloud_instance.go: ForceNew",
        "securityEnhancementStrategy": "TF resource_alicloud_instance.go: ForceNew",
        "spotStrategy": "TF resource_alicloud_instance.go: ForceNew",
        "dataDisks": "TF resource_alicloud_instance.go: ForceNew",
    },
    "alicloud:ecs/ramRoleAttachment:RamRoleAttachment": {
        "instanceId": "TF resource_alicloud_ecs_ram_role_attachment.go: ForceNew",
        "ramRoleName": "TF resource_alicloud_ecs_ram_role_attachment.go: ForceNew",
    },
    "alicloud:kms/key:Key": {
        "keySpec": "a key's spec is fixed at creation",
        "keyUsage": "a key's usage is fixed at creation",
        "protectionLevel": "software vs HSM is chosen at creation",
    },
    # --- data layer (ForceNew in terraform-provider-alicloud resource_alicloud_{rocketmq_*,redis_tair_instance,
    #     kvstore_*,polardb_*,kms_secret}.go)
    "alicloud:rocketmq/rocketMQInstance:RocketMQInstance": {
        "seriesCode": "ForceNew: the edition is chosen at creation",
        "subSeriesCode": "ForceNew: cluster_ha / single_node is chosen at creation",
        "serviceCode": "ForceNew",
        "paymentType": "ForceNew: PayAsYouGo vs Subscription is fixed",
        "commodityCode": "ForceNew",
        "networkInfo.vpcInfo": "ForceNew: the VPC and vSwitches cannot change (CreateInstance docs)",
        "networkInfo.internetInfo": "ForceNew: the public endpoint is decided at creation",
        "productInfo.msgProcessSpec": "ForceNew: the spec is chosen at creation",
        "productInfo.storageEncryption": "ForceNew",
        "productInfo.storageSecretKey": "ForceNew",
    },
    "alicloud:rocketmq/rocketMQTopic:RocketMQTopic": {
        "instanceId": "ForceNew: a topic belongs to one instance",
        "topicName": "ForceNew: the name is the topic's identity",
        "messageType": "ForceNew: a topic carries one message type for life",
    },
    "alicloud:rocketmq/consumerGroup:ConsumerGroup": {
        "instanceId": "ForceNew: a group belongs to one instance",
        "consumerGroupId": "ForceNew: a new group id starts with no consumption progress",
    },
    "alicloud:rocketmq/account:Account": {
        "instanceId": "ForceNew",
        "username": "ForceNew: the username is the account's identity",
    },
    "alicloud:rocketmq/acl:Acl": {
        "instanceId": "ForceNew",
        "username": "ForceNew",
        "resourceName": "ForceNew",
        "resourceType": "ForceNew",
    },
    "alicloud:redis/tairInstance:TairInstance": {
        "instanceType": "ForceNew: memory vs persistent-memory vs disk is fixed",
        "vpcId": "ForceNew",
        "vswitchId": "ForceNew",
        "zoneId": "ForceNew: the primary zone is fixed",
        "secondaryZoneId": "ForceNew: the replica's zone is fixed",
        "port": "ForceNew",
        "storagePerformanceLevel": "ForceNew",
        "storageSizeGb": "ForceNew",
    },
    "alicloud:kvstore/account:Account": {
        "instanceId": "ForceNew",
        "accountName": "ForceNew",
        "accountType": "ForceNew",
    },
    "alicloud:kvstore/backupPolicy:BackupPolicy": {
        "instanceId": "ForceNew",
    },
    "alicloud:polardb/cluster:Cluster": {
        "dbType": "ForceNew",
        "dbVersion": "ForceNew: a major-version upgrade is a new cluster",
        "dbMinorVersion": "ForceNew",
        "zoneId": "ForceNew: the primary zone is fixed",
        "vpcId": "ForceNew",
        "vswitchId": "ForceNew",
        "creationCategory": "ForceNew: the edition is fixed",
        "hotStandbyCluster": "ForceNew: the hot standby is decided at creation",
        "strictConsistency": "ForceNew",
        "storagePayType": "ForceNew",
        "lowerCaseTableNames": "ForceNew",
    },
    "alicloud:polardb/database:Database": {
        "dbClusterId": "ForceNew",
        "dbName": "ForceNew: a renamed database is a new, empty one",
        "characterSetName": "ForceNew",
    },
    "alicloud:polardb/account:Account": {
        "dbClusterId": "ForceNew",
        "accountName": "ForceNew",
        "accountType": "ForceNew",
    },
    "alicloud:polardb/accountPrivilege:AccountPrivilege": {
        "dbClusterId": "ForceNew",
        "accountName": "ForceNew",
        "accountPrivilege": "ForceNew: a privilege change revokes and grants again",
    },
    "alicloud:polardb/clusterEndpoint:ClusterEndpoint": {
        "dbClusterId": "ForceNew",
    },
    "alicloud:polardb/backupPolicy:BackupPolicy": {
        "dbClusterId": "ForceNew",
    },
    "random:index/randomPassword:RandomPassword": {
        "length": "every input of a random password regenerates it",
        "keepers": "changing a keeper regenerates the password (data.secrets.password_version rotates)",
        "special": "every input of a random password regenerates it",
        "overrideSpecial": "every input of a random password regenerates it",
        "minUpper": "every input of a random password regenerates it",
        "minLower": "every input of a random password regenerates it",
        "minNumeric": "every input of a random password regenerates it",
        "minSpecial": "every input of a random password regenerates it",
    },
    # --- Kubernetes (immutable fields of the API; pulumi-kubernetes replaces the object)
    "kubernetes:apps/v1:Deployment": {
        "spec.selector": "Deployment spec.selector is immutable in apps/v1",
    },
    "kubernetes:apps/v1:StatefulSet": {
        "spec.selector": "StatefulSet spec.selector is immutable",
        "spec.serviceName": "StatefulSet spec.serviceName is immutable",
        "spec.volumeClaimTemplates": "StatefulSet spec.volumeClaimTemplates is immutable",
        "spec.podManagementPolicy": "StatefulSet spec.podManagementPolicy is immutable",
    },
    "kubernetes:apps/v1:DaemonSet": {
        "spec.selector": "DaemonSet spec.selector is immutable in apps/v1",
    },
    "kubernetes:batch/v1:Job": {
        "spec.selector": "Job spec.selector is immutable",
        "spec.template": "Job spec.template is immutable",
    },
    "kubernetes:core/v1:Service": {
        "spec.clusterIP": "a Service's clusterIP cannot change once assigned",
    },
    "kubernetes:core/v1:PersistentVolumeClaim": {
        "spec.storageClassName": "a claim's storage class is immutable",
        "spec.accessModes": "a claim's access modes are immutable",
    },
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": {
        "roleRef": "a binding's roleRef is immutable",
    },
    "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding": {
        "roleRef": "a binding's roleRef is immutable",
    },
}

# Every Kubernetes object: its name (and namespace) is its identity.
KUBERNETES_ALL: Mapping[str, str] = {
    "metadata.name": "a Kubernetes object's name is its identity",
    "metadata.namespace": "a Kubernetes object cannot move to another namespace",
}

# --------------------------------------------------------------------------------------------------
# Create-only: the provider ignores a change on an existing resource.

CREATE_ONLY: Mapping[str, Mapping[str, str]] = {
    "alicloud:cs/managedKubernetes:ManagedKubernetes": {
        "addons": "docstring: only works for Create; manage addons with cs.KubernetesAddon",
        "newNatGateway": "docstring: only works for Create",
        "podVswitchIds": "docstring: only works for Create",
        "slbInternetEnabled": "docstring: only works for Create",
        "zoneIds": "docstring: only works for Create",
        "isEnterpriseSecurityGroup": "docstring: only works for Create",
        "loadBalancerSpec": "docstring: only works for Create (and is ignored: SLB is PayByCLCU)",
        "workerVswitchIds": "docstring: modification after creation will not take effect",
    },
    "alicloud:fc/v3Function:V3Function": {
        "code": "docstring: a code change alone triggers no action; change another property too",
    },
}

# --------------------------------------------------------------------------------------------------
# Danger: losing these loses data or takes long to rebuild. A delete or replace is called out first.

DANGER: Mapping[str, str] = {
    "alicloud:oss/bucket:Bucket": "stateful: the objects in the bucket (replays, transcodes) go with it",
    "alicloud:cs/managedKubernetes:ManagedKubernetes": "slow and disruptive: every workload on the cluster "
                                                       "goes with it; a new cluster takes ~15 min",
    "alicloud:cs/nodePool:NodePool": "disruptive: its ECS nodes are drained and released",
    "alicloud:mse/cluster:Cluster": "stateful: Nacos registrations and configurations go with it",
    "alicloud:mse/gateway:Gateway": "disruptive: the gateway's SLB address changes for every client",
    "alicloud:log/project:Project": "stateful: every logstore and its logs go with it; the name is "
                                    "global and may not be reusable at once",
    "alicloud:log/store:Store": "stateful: the logs in the store go with it",
    "alicloud:vpc/natGateway:NatGateway": "disruptive: all egress of nodes, pods and functions stops",
    "alicloud:ecs/eipAddress:EipAddress": "disruptive: the egress IP changes; allow-lists elsewhere break",
    "alicloud:message/serviceQueue:ServiceQueue": "stateful: messages still waiting in the queue are lost",
    "alicloud:rocketmq/rocketMQInstance:RocketMQInstance": "stateful: every topic, group and unconsumed message "
                                                            "goes with it; clients get a new endpoint",
    "alicloud:rocketmq/rocketMQTopic:RocketMQTopic": "stateful: messages in the topic are lost",
    "alicloud:rocketmq/consumerGroup:ConsumerGroup": "stateful: the group's consumption progress is lost "
                                                     "(messages are redelivered or skipped)",
    "alicloud:redis/tairInstance:TairInstance": "stateful: the cache is emptied; the database takes the full "
                                                "load until it warms up",
    "alicloud:polardb/cluster:Cluster": "stateful: every database and its data go with it (orders!)",
    "alicloud:polardb/database:Database": "stateful: the database's tables and rows go with it",
    "alicloud:kms/secret:Secret": "stateful: the credential goes with it; synced Kubernetes Secrets stop updating",
    "random:index/randomPassword:RandomPassword": "disruptive: a new password; pods fail to authenticate until "
                                                  "ack-secret-manager syncs it",
    "alicloud:message/serviceTopic:ServiceTopic": "disruptive: its subscriptions go with it; replay-done "
                                                  "notifications stop until subscribers subscribe again",
    "alicloud:ims/oidcProvider:OidcProvider": "disruptive: every CI role trusts it by ARN; no deploy, preview "
                                              "or drift job can sign in until the roles are updated",
    "alicloud:ecs/instance:Instance": "disruptive: a CI runner host; its registration is lost (a new token is "
                                      "needed) and deploys to a private API server stop meanwhile",
}

# Types the platform uses whose every input updates in place (nothing to list in REPLACE). A type in a
# plan must be in REPLACE or here: tests/review/test_replace_table.py checks the real plans.
NO_REPLACE: Mapping[str, str] = {
    "alicloud:arms/alertContact:AlertContact": "name, phone, email and webhook all update in place",
    "alicloud:arms/alertContactGroup:AlertContactGroup": "name and members update in place",
    "alicloud:arms/dispatchRule:DispatchRule": "the whole rule is rewritten by UpdateDispatchRule",
}


@dataclass(frozen=True)
class Match:
    """A changed property that matched a table entry."""

    path: str
    """The changed property path (wire names)."""
    key: str
    """The table key it fell under (the path itself or an ancestor)."""
    reason: str


def covers(key: str, path: str) -> bool:
    """True when a change at `path` falls under table key `key` (the key itself or anything below)."""
    return path == key or path.startswith(key + ".") or path.startswith(key + "[")


def replace_entries(type_: str) -> dict[str, str]:
    """All replace keys for a type, Kubernetes identity fields included."""
    entries = dict(REPLACE.get(type_, {}))
    if type_.startswith("kubernetes:") and not type_.startswith("kubernetes:helm") \
            and type_ != "pulumi:providers:kubernetes":
        entries = {**KUBERNETES_ALL, **entries}
    return entries


def replace_matches(type_: str, paths: Iterable[str], replace_on_changes: Iterable[str] = ()) -> list[Match]:
    """The changed paths that force a replacement of a resource of `type_`.

    `replace_on_changes` is the Pulumi `replaceOnChanges` resource option (wire names; `*` means any
    property), which makes any change to those properties a replacement too.
    """
    entries = replace_entries(type_)
    forced = list(replace_on_changes)
    found: list[Match] = []
    for path in sorted(set(paths)):
        hit = next((Match(path, k, r) for k, r in sorted(entries.items()) if covers(k, path)), None)
        if hit is None:
            opt = next((k for k in forced if k == "*" or covers(k, path)), None)
            if opt is not None:
                hit = Match(path, opt, "the resource's replaceOnChanges option lists it")
        if hit is not None:
            found.append(hit)
    return found


def create_only_matches(type_: str, paths: Iterable[str]) -> list[Match]:
    """The changed paths the provider will ignore on an existing resource."""
    entries = CREATE_ONLY.get(type_, {})
    found = []
    for path in sorted(set(paths)):
        hit = next((Match(path, k, r) for k, r in sorted(entries.items()) if covers(k, path)), None)
        if hit is not None:
            found.append(hit)
    return found


def danger_of(type_: str) -> str | None:
    """Why losing a resource of this type hurts, or None when it does not."""
    return DANGER.get(type_)
