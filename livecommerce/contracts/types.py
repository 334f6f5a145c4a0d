"""Which resource types the contract layer knows, and where their rules come from.

This is the one file a new block edits (docs/contracts.md, "Adding a type"):

* ``TERRAFORM_MODULES``: pulumi_alicloud modules whose every resource type is read from the upstream
  provider (the generator maps each type to its Terraform resource by name, checked by property overlap);
* ``TERRAFORM_TYPES``: single types from other modules, and every type whose Terraform name the naming
  convention does not give (``alicloud:vpc/switch:Switch`` is ``alicloud_vswitch``); the generator refuses a
  name that is not in the provider's ResourcesMap or whose properties do not overlap;
* ``DYNAMIC_TYPES``: the project's OpenAPI dynamic resources -> the provider object whose requests are checked
  against the official SDK's request models;
* ``CUSTOM_RESOURCES``: Kubernetes custom resources -> their CRD schema (livecommerce.k8s_validate).

After editing the first two, run ``make contracts UPSTREAM=<terraform-provider-alicloud git dir>`` and
commit ``livecommerce/contracts/provider_rules.json``.
"""

from __future__ import annotations

#: Every resource type of these pulumi_alicloud modules (issue 11: ram.*, oss.*, fc.*, message.*, vpc.*,
#: log.*, arms.*, mse.*, cs.*; ackone for the fleet).
TERRAFORM_MODULES: tuple[str, ...] = ("ackone", "arms", "cs", "fc", "log", "message", "mse", "oss", "ram", "vpc")

#: Explicit pulumi token -> Terraform resource name: types outside TERRAFORM_MODULES, and overrides where the
#: name does not follow from the token.
TERRAFORM_TYPES: dict[str, str] = {
    # Network and compute (vpc.* comes from the module list; these are the names it does not derive).
    "alicloud:vpc/network:Network": "alicloud_vpc",
    "alicloud:vpc/switch:Switch": "alicloud_vswitch",
    "alicloud:vpc/natGateway:NatGateway": "alicloud_nat_gateway",
    "alicloud:vpc/snatEntry:SnatEntry": "alicloud_snat_entry",
    "alicloud:vpc/forwardEntry:ForwardEntry": "alicloud_forward_entry",
    "alicloud:vpc/routeEntry:RouteEntry": "alicloud_route_entry",
    "alicloud:vpc/routeTable:RouteTable": "alicloud_route_table",
    "alicloud:vpc/routeTableAttachment:RouteTableAttachment": "alicloud_route_table_attachment",
    "alicloud:vpc/networkAcl:NetworkAcl": "alicloud_network_acl",
    "alicloud:vpc/commonBandwithPackage:CommonBandwithPackage": "alicloud_common_bandwidth_package",
    "alicloud:vpc/commonBandwithPackageAttachment:CommonBandwithPackageAttachment":
        "alicloud_common_bandwidth_package_attachment",
    "alicloud:vpc/haVipv2:HaVipv2": "alicloud_vpc_ha_vip",
    "alicloud:vpc/vPCRouteEntry:VPCRouteEntry": "alicloud_vpc_route_entry",
    "alicloud:ecs/eipAddress:EipAddress": "alicloud_eip_address",
    "alicloud:ecs/eipAssociation:EipAssociation": "alicloud_eip_association",
    "alicloud:ecs/ecsKeyPair:EcsKeyPair": "alicloud_ecs_key_pair",
    "alicloud:ecs/ramRoleAttachment:RamRoleAttachment": "alicloud_ecs_ram_role_attachment",  # bootstrap's runners
    "alicloud:oos/secretParameter:SecretParameter": "alicloud_oos_secret_parameter",  # the runner's token
    "alicloud:ecs/keyPair:KeyPair": "alicloud_key_pair",
    "alicloud:ecs/instance:Instance": "alicloud_instance",
    "alicloud:ecs/securityGroup:SecurityGroup": "alicloud_security_group",
    "alicloud:ecs/securityGroupRule:SecurityGroupRule": "alicloud_security_group_rule",
    # Container platform.
    "alicloud:cs/nodePool:NodePool": "alicloud_cs_kubernetes_node_pool",
    "alicloud:cs/kubernetes:Kubernetes": "alicloud_cs_kubernetes",
    "alicloud:cs/managedKubernetes:ManagedKubernetes": "alicloud_cs_managed_kubernetes",
    "alicloud:cs/kubernetesAddon:KubernetesAddon": "alicloud_cs_kubernetes_addon",
    "alicloud:cs/kubernetesPermission:KubernetesPermission": "alicloud_cs_kubernetes_permissions",
    "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace": "alicloud_cr_ee_namespace",
    "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo": "alicloud_cr_ee_repo",
    "alicloud:cs/registryEnterpriseSyncRule:RegistryEnterpriseSyncRule": "alicloud_cr_ee_sync_rule",
    # Security and identity.
    "alicloud:kms/key:Key": "alicloud_kms_key",
    "alicloud:kms/secret:Secret": "alicloud_kms_secret",
    "alicloud:ims/oidcProvider:OidcProvider": "alicloud_ims_oidc_provider",
    # Middleware and data (issue 13).
    "alicloud:rocketmq/rocketMQInstance:RocketMQInstance": "alicloud_rocketmq_instance",
    "alicloud:rocketmq/rocketMQTopic:RocketMQTopic": "alicloud_rocketmq_topic",
    "alicloud:rocketmq/consumerGroup:ConsumerGroup": "alicloud_rocketmq_consumer_group",
    "alicloud:rocketmq/account:Account": "alicloud_rocketmq_account",
    "alicloud:rocketmq/acl:Acl": "alicloud_rocketmq_acl",
    "alicloud:redis/tairInstance:TairInstance": "alicloud_redis_tair_instance",
    "alicloud:kvstore/instance:Instance": "alicloud_kvstore_instance",
    "alicloud:kvstore/account:Account": "alicloud_kvstore_account",
    "alicloud:kvstore/backupPolicy:BackupPolicy": "alicloud_kvstore_backup_policy",
    "alicloud:polardb/cluster:Cluster": "alicloud_polardb_cluster",
    "alicloud:polardb/database:Database": "alicloud_polardb_database",
    "alicloud:polardb/account:Account": "alicloud_polardb_account",
    "alicloud:polardb/accountPrivilege:AccountPrivilege": "alicloud_polardb_account_privilege",
    "alicloud:polardb/clusterEndpoint:ClusterEndpoint": "alicloud_polardb_cluster_endpoint",
    "alicloud:polardb/backupPolicy:BackupPolicy": "alicloud_polardb_backup_policy",
    "alicloud:rds/instance:Instance": "alicloud_db_instance",
    "alicloud:rds/database:Database": "alicloud_db_database",
    "alicloud:rds/rdsAccount:RdsAccount": "alicloud_rds_account",
    "alicloud:rds/accountPrivilege:AccountPrivilege": "alicloud_db_account_privilege",
    # Edge (issue 14).
    "alicloud:live/domain:Domain": "alicloud_live_domain",
    "alicloud:cdn/domainNew:DomainNew": "alicloud_cdn_domain_new",
    "alicloud:cdn/domainConfig:DomainConfig": "alicloud_cdn_domain_config",
    "alicloud:cdn/realTimeLogDelivery:RealTimeLogDelivery": "alicloud_cdn_real_time_log_delivery",
    "alicloud:cas/serviceCertificate:ServiceCertificate": "alicloud_ssl_certificates_service_certificate",
    "alicloud:cas/certificate:Certificate": "alicloud_cas_certificate",
    "alicloud:wafv3/instance:Instance": "alicloud_wafv3_instance",
    "alicloud:wafv3/domain:Domain": "alicloud_wafv3_domain",
    "alicloud:wafv3/defenseTemplate:DefenseTemplate": "alicloud_wafv3_defense_template",
    "alicloud:dns/alidnsRecord:AlidnsRecord": "alicloud_alidns_record",
}

#: Dynamic resource type token -> "module:attribute" of the provider object that builds its requests.
DYNAMIC_TYPES: dict[str, str] = {
    "pulumi-python:dynamic/mse:LaneGroup": "components.governance.rules:_LANE_GROUP_PROVIDER",
    "pulumi-python:dynamic/mse:Lane": "components.governance.rules:_LANE_PROVIDER",
    "pulumi-python:dynamic/mse:ServiceAuthRule": "components.governance.rules:_SERVICE_AUTH_PROVIDER",
    "pulumi-python:dynamic/mse:DegradationRule": "components.governance.rules:_DEGRADATION_PROVIDER",
    "pulumi-python:dynamic/mse:FlowRule": "components.governance.rules:_FLOW_PROVIDER",
    "pulumi-python:dynamic/arms:RumApp": "components.observability.rum:_RUM_APP_PROVIDER",
    "pulumi-python:dynamic/arms:WebhookContact": "components.observability.rum:_WEBHOOK_PROVIDER",
    # The edge (components/edge): ApsaraVideo Live (alibabacloud_live20161101) and the MSE gateway domain.
    "pulumi-python:dynamic/live:LiveDomainMapping": "components.edge.live:_MAPPING_PROVIDER",
    "pulumi-python:dynamic/live:LiveDomainConfig": "components.edge.live:_CONFIG_PROVIDER",
    "pulumi-python:dynamic/live:LiveDomainCertificate": "components.edge.live:_CERT_PROVIDER",
    "pulumi-python:dynamic/live:LiveRecordConfig": "components.edge.live:_RECORD_PROVIDER",
    "pulumi-python:dynamic/live:LiveRecordNotify": "components.edge.live:_NOTIFY_PROVIDER",
    "pulumi-python:dynamic/live:LiveDomainCname": "components.edge.live:_CNAME_PROVIDER",
    "pulumi-python:dynamic/mse:GatewayDomain": "components.edge.gateway_domain:_GATEWAY_DOMAIN_PROVIDER",
}

#: Kubernetes custom resources the stacks declare, checked against their CRD schemas.
CUSTOM_RESOURCES: tuple[str, ...] = (
    "kubernetes:scheduling.alibabacloud.com/v1alpha1:ResourcePolicy",
    "kubernetes:autoscaling.alibabacloud.com/v1beta1:CronHorizontalPodAutoscaler",
    "kubernetes:mse.alibabacloud.com/v1alpha1:MseIngressConfig",
    # ack-secret-manager (the data block).
    "kubernetes:alibabacloud.com/v1alpha1:ExternalSecret",
    "kubernetes:alibabacloud.com/v1alpha1:SecretStore",
)
