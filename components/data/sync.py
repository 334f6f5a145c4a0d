"""ack-secret-manager: the in-cluster controller that copies KMS secrets into Kubernetes Secrets.

* The controller is a **Helm chart of the ACK marketplace, not an ACK addon** (`cs.KubernetesAddon` has no
  `ack-secret-manager`): ACK's guide installs it from Applications > Helm / Marketplace
  (https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/security-and-compliance/use-ack-secret-manager-to-import-alibaba-cloud-kms-service-credentials).
  Here it is a `helm.v3.Release` of the pinned chart, in `kube-system`, with RRSA on and the worker-role path
  off (`command.enableWorkerRole: false`), so no node can read the secrets.
* Its identity: a RAM role trusted only by the cluster's RRSA OIDC provider for the controller's own
  ServiceAccount (`oidc:iss`, `oidc:aud`, `oidc:sub` pinned), allowed `kms:GetSecretValue` on exactly the
  stack's data secrets and `kms:Decrypt` on their key.
* A `SecretStore` (`alibabacloud.com/v1alpha1`) in `kube-system` names that role; every service's
  ExternalSecret (`bindings.py`) refers to it.

Chart values and CRDs: github.com/AliyunContainerService/ack-secret-manager (charts/ack-secret-manager/values.yaml,
pkg/apis/alibabacloud/v1alpha1/*_types.go at 223ebff); the chart mounts the RRSA token at
`/var/run/secrets/tokens/ack-secret-manager`, where the controller reads it (pkg/backend/auth/auth.go).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_alicloud as alicloud
import pulumi_kubernetes as k8s

from components.data.bindings import secret_store_manifest
from components.naming import Naming
from components.data.settings import SecretSyncSettings

CHART = "ack-secret-manager"
NAMESPACE = "kube-system"
#: The chart's ServiceAccount: its fullname, which is the release name when that contains the chart name.
SERVICE_ACCOUNT = "ack-secret-manager"
STORE_NAME = "livecommerce-kms"
STS_AUDIENCE = "sts.aliyuncs.com"


def trust_policy(oidc_provider_arn: str, issuer_url: str) -> str:
    """The sync role's trust policy: only the controller's ServiceAccount, through the cluster's OIDC provider."""
    return json.dumps({"Version": "1", "Statement": [{
        "Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Federated": [oidc_provider_arn]},
        "Condition": {"StringEquals": {
            "oidc:aud": STS_AUDIENCE, "oidc:iss": issuer_url,
            "oidc:sub": f"system:serviceaccount:{NAMESPACE}:{SERVICE_ACCOUNT}"}},
    }]}, sort_keys=True)


def read_policy(secret_arns: Sequence[str], key_arn: str | None, *, region: str, account_id: str) -> str:
    """Least privilege for the sync role: read the listed secrets, decrypt with their key (the account's
    default keys when the secrets live in the shared Secrets Manager)."""
    key = key_arn or f"acs:kms:{region}:{account_id}:key/*"
    return json.dumps({"Version": "1", "Statement": [
        {"Effect": "Allow", "Action": ["kms:GetSecretValue"], "Resource": sorted(secret_arns)},
        {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": [key]},
    ]}, sort_keys=True)


def chart_values(region: str, settings: SecretSyncSettings) -> dict:
    """The chart's values: RRSA on, the worker role off, polling at the configured interval, two replicas."""
    return {
        "command": {"region": region, "enableWorkerRole": False, "disablePolling": False,
                    "pollingInterval": f"{settings.polling_interval_seconds}s"},
        "rrsa": {"enable": True},
        "replicaCount": 2,
        "image": {"pullPolicy": "IfNotPresent"},
    }


@dataclass(frozen=True, kw_only=True)
class SecretSyncArgs:
    """Inputs of the SecretSync component."""

    naming: Naming
    """How the stack names its objects (components/naming.py)."""
    account_id: pulumi.Input[str]
    settings: SecretSyncSettings
    oidc_provider_arn: pulumi.Input[str]
    """The cluster's RRSA OIDC provider ARN (`AckCluster.rrsa_oidc_provider_arn`)."""
    oidc_issuer_url: pulumi.Input[str]
    """The cluster's RRSA OIDC issuer URL (`AckCluster.rrsa_oidc_issuer_url`)."""
    secret_arns: Sequence[pulumi.Input[str]]
    """The data secrets the controller may read."""
    key_id: pulumi.Input[str] | None = None
    """Their KMS key, when the stack created one."""
    labels: Mapping[str, str] = field(default_factory=dict)
    tags: Mapping[str, str] = field(default_factory=dict)
    depends_on: Sequence[pulumi.Resource] = ()
    """What the chart waits for (node pools and addons: its pods need nodes)."""


class SecretSync(pulumi.ComponentResource):
    """ack-secret-manager chart, its RRSA role and the SecretStore. Providers come from `opts` (alicloud for the
    role, kubernetes for the chart and the store)."""

    store_name: str
    """The SecretStore ExternalSecrets name."""
    store_namespace: str
    """Its namespace."""
    store: pulumi.Resource
    """The SecretStore resource (ExternalSecrets wait for it)."""
    role_arn: pulumi.Output[str]
    """The sync role."""

    def __init__(self, name: str, args: SecretSyncArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:data:SecretSync", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = alicloud.ram.Role(
            f"{name}-role", role_name=args.naming.physical("secret-sync"),
            assume_role_policy_document=pulumi.Output.all(args.oidc_provider_arn, args.oidc_issuer_url).apply(
                lambda v: trust_policy(v[0], v[1])),
            description=f"{args.naming.title}: ack-secret-manager reads the data-layer secrets (RRSA)",
            max_session_duration=3600, tags=dict(args.tags), opts=child)
        key_arn: pulumi.Input[str] | None = None
        if args.key_id is not None:
            key_arn = pulumi.Output.all(args.account_id, args.key_id).apply(
                lambda v: f"acs:kms:{args.naming.region}:{v[0]}:key/{v[1]}")
        document = pulumi.Output.all(args.account_id, key_arn, *args.secret_arns).apply(
            lambda v: read_policy(list(v[2:]), v[1], region=args.naming.region, account_id=v[0]))
        policy = alicloud.ram.Policy(
            f"{name}-policy", policy_name=args.naming.physical("secret-sync"), policy_document=document,
            description=f"{args.naming.title}: read the data-layer secrets", tags=dict(args.tags), opts=child)
        alicloud.ram.RolePolicyAttachment(
            f"{name}-policy-attachment", role_name=role.role_name, policy_name=policy.policy_name,
            policy_type="Custom", opts=child)
        chart = k8s.helm.v3.Release(
            f"{name}-chart", name=CHART, chart=CHART, version=args.settings.chart_version, namespace=NAMESPACE,
            repository_opts=k8s.helm.v3.RepositoryOptsArgs(repo=args.settings.chart_repository),
            values=chart_values(args.naming.region, args.settings),
            opts=pulumi.ResourceOptions(parent=self, depends_on=list(args.depends_on)))
        manifest = secret_store_manifest(STORE_NAME, NAMESPACE, oidc_provider_arn=args.oidc_provider_arn,
                                         role_arn=role.arn, labels=args.labels)
        # The chart installs the SecretStore CRD, so the store comes after it.
        self.store = k8s.apiextensions.CustomResource(
            f"{name}-store", api_version=manifest["apiVersion"], kind=manifest["kind"], metadata=manifest["metadata"],
            spec=manifest["spec"], opts=pulumi.ResourceOptions(parent=self, depends_on=[chart]))
        self.store_name = STORE_NAME
        self.store_namespace = NAMESPACE
        self.role_arn = role.arn
        self.register_outputs({"store_name": self.store_name, "store_namespace": self.store_namespace,
                               "role_arn": self.role_arn})
