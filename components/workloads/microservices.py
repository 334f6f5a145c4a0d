"""The workload components: `Workloads` (a Namespace per business domain, a `Microservice` per service) and
`Microservice` (all versions of one service), registering the manifests of `manifests.py` with the typed
`pulumi_kubernetes` resource classes through the Kubernetes provider the stack passes in `opts`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import pulumi
import pulumi_kubernetes as k8s

from components.naming import Naming
from components.observability.alert_rules import ServiceTarget
from components.observability.settings import SyntheticSettings
from components.workloads import scheduling
from components.workloads.manifests import (
    InjectedEnv,
    env_secret_name,
    label_value,
    namespace_manifest,
    network_policies,
    platform_labels,
    service_objects,
)
from components.workloads.scheduling_settings import LiveEvent
from components.workloads.service_settings import LiveEventSettings, ServiceSettings, events_for, with_mse_namespace
from components.workloads.targets import gateway_endpoints, service_target


@dataclass(frozen=True, kw_only=True)
class MicroserviceArgs:
    """What one Microservice needs: its settings, the calendar, and the cluster-side inputs."""

    naming: Naming
    """How the stack names its objects (the MSE/ARMS app is `<stack>-<service>`)."""
    settings: ServiceSettings
    """The service's entry of `livecommerce:platform.services`."""
    now: datetime
    """The instant the live-event calendar is read against (aware); the stack passes the current time."""
    live_events: Sequence[LiveEvent] = ()
    """The events that apply to this service, with its own peaks (`events_for`)."""
    node_pool_selector: Mapping[str, str] = field(default_factory=dict)
    """Node labels of the ECS node pool(s) the steady base runs on."""
    secret_values: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret config values by key name, for `env_secrets[].value_secret` (each an `Output.secret`)."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Extra labels for every object (e.g. `owner`, `env`)."""
    namespace: pulumi.Resource | None = None
    """The domain's Namespace resource, so objects are created after it."""
    ingress_class: pulumi.Resource | None = None
    """The IngressClass the entry Ingresses name (MSE Ingress), so they are created after it."""
    config: ServiceConfig | None = None
    """Configuration another block gives the service (the data block's endpoints and credentials)."""


@dataclass(frozen=True, kw_only=True)
class ServiceConfig:
    """Objects and environment another block gives a service: registered in the service's namespace before its
    pods, and wired into its container (the data block: a ConfigMap of endpoints, an ExternalSecret whose
    synced Secret holds the credentials; docs/data.md)."""

    objects: Mapping[str, Mapping] = field(default_factory=dict)
    """Manifests by role (`data-config`, `data-secret`); values may be Outputs."""
    injected: InjectedEnv = field(default_factory=InjectedEnv)
    """What the container gets from them."""
    depends_on: Sequence[pulumi.Resource] = ()
    """What the objects wait for (e.g. the SecretStore the ExternalSecret names)."""


class Microservice(pulumi.ComponentResource):
    """One microservice (all its versions) on the cluster. The Kubernetes provider comes from `opts`."""

    namespace: str
    """The Kubernetes namespace (the service's domain)."""
    service_name: str
    """The in-cluster Service name (DNS `<service>.<namespace>`)."""
    deployments: dict[str, k8s.apps.v1.Deployment]
    """The Deployments by version name."""
    hpa_name: str
    """The base version's HPA (what the CronHPA drives)."""
    entry_path: str | None
    """The gateway path prefix, or None for an internal service."""
    alert_target: ServiceTarget
    """The service as observability watches it, by the names its objects were registered with."""

    def __init__(self, name: str, args: MicroserviceArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:workloads:Microservice", name, None, opts)
        s = args.settings
        objects = service_objects(s, naming=args.naming, events=args.live_events, now=args.now,
                                  node_pool_selector=args.node_pool_selector, labels=args.labels,
                                  injected=args.config.injected if args.config is not None else None)
        after_ns = [args.namespace] if args.namespace is not None else []
        child = pulumi.ResourceOptions(parent=self, depends_on=after_ns)

        sa = _register(f"{name}-sa", objects.service_account, child)
        secrets: list[pulumi.Resource] = []
        pulumi_sourced = [e for e in s.env_secrets if e.value_secret is not None]
        if pulumi_sourced:
            missing = sorted({e.value_secret for e in pulumi_sourced} - set(args.secret_values))  # type: ignore[misc]
            if missing:
                raise ValueError(f"service {s.name}: no value passed for secret config key(s) {', '.join(missing)}")
            string_data = {e.name: pulumi.Output.secret(args.secret_values[e.value_secret])  # type: ignore[index]
                           for e in pulumi_sourced}
            secrets.append(k8s.core.v1.Secret(
                f"{name}-env", metadata={"name": env_secret_name(s), "namespace": s.domain,
                                         "labels": objects.service_account["metadata"]["labels"]},
                type="Opaque", string_data=string_data, opts=child))
        if args.config is not None:
            # Endpoints and credentials exist before the first pod reads them (envFrom / secretKeyRef).
            configured = pulumi.ResourceOptions(parent=self, depends_on=[*after_ns, *args.config.depends_on])
            for role, manifest in args.config.objects.items():
                secrets.append(_register(f"{name}-{role}", dict(manifest), configured))
        placed_by: list[pulumi.Resource] = []
        if objects.resource_policy is not None:
            # The scheduler reads the policy when it places a pod: it must exist before the first pods.
            placed_by.append(_register(f"{name}-resource-policy", objects.resource_policy, child))
        # Pods start only once their identity, secret values and placement policy exist.
        pod_deps = pulumi.ResourceOptions(parent=self, depends_on=[*after_ns, sa, *secrets, *placed_by])
        self.deployments = {}
        for version in s.versions:
            manifest = objects.deployments[version.slug]
            self.deployments[version.name] = k8s.apps.v1.Deployment(
                f"{name}-{version.slug}", metadata=manifest["metadata"], spec=manifest["spec"], opts=pod_deps)
        for slug, manifest in objects.pdbs.items():
            _register(f"{name}-{slug}-pdb", manifest, child)
        for role, manifest in objects.services.items():
            _register(f"{name}-{role}", manifest, child)
        base = self.deployments[s.base_version.name]
        hpa = _register(f"{name}-hpa", objects.hpa, pulumi.ResourceOptions(parent=self, depends_on=[base]))
        if objects.cron_hpa is not None:
            _register(f"{name}-cronhpa", objects.cron_hpa, pulumi.ResourceOptions(parent=self, depends_on=[hpa]))
        # An Ingress whose class does not exist yet is served by no controller.
        entry = pulumi.ResourceOptions(parent=self, depends_on=[
            *after_ns, *([args.ingress_class] if args.ingress_class is not None else [])])
        for role, manifest in objects.ingresses.items():
            _register(f"{name}-{role}", manifest, entry)

        self.namespace = s.domain
        self.service_name = s.name
        self.hpa_name = objects.hpa["metadata"]["name"]
        self.entry_path = s.entry_path
        self.alert_target = service_target(s, args.naming, objects)
        self.register_outputs({
            "namespace": self.namespace,
            "serviceName": self.service_name,
            "deployments": {v: d.metadata.name for v, d in self.deployments.items()},
            "hpaName": self.hpa_name,
            "entryPath": self.entry_path,
        })


def _register(name: str, manifest: dict, opts: pulumi.ResourceOptions) -> pulumi.CustomResource:
    """Register one manifest with its typed `pulumi_kubernetes` class (CRDs as CustomResource)."""
    api, kind = manifest["apiVersion"], manifest["kind"]
    meta = manifest["metadata"]
    if (api, kind) == ("v1", "ServiceAccount"):
        return k8s.core.v1.ServiceAccount(name, metadata=meta,
                                          automount_service_account_token=manifest["automountServiceAccountToken"],
                                          opts=opts)
    if (api, kind) == ("v1", "Service"):
        return k8s.core.v1.Service(name, metadata=meta, spec=manifest["spec"], opts=opts)
    if (api, kind) == ("v1", "ConfigMap"):
        return k8s.core.v1.ConfigMap(name, metadata=meta, data=manifest.get("data"), opts=opts)
    if (api, kind) == ("alibabacloud.com/v1alpha1", "ExternalSecret"):
        return k8s.apiextensions.CustomResource(name, api_version=api, kind=kind, metadata=meta,
                                                spec=manifest["spec"], opts=opts)
    if (api, kind) == ("v1", "Namespace"):
        return k8s.core.v1.Namespace(name, metadata=meta, opts=opts)
    if (api, kind) == ("policy/v1", "PodDisruptionBudget"):
        return k8s.policy.v1.PodDisruptionBudget(name, metadata=meta, spec=manifest["spec"], opts=opts)
    if (api, kind) == ("autoscaling/v2", "HorizontalPodAutoscaler"):
        return k8s.autoscaling.v2.HorizontalPodAutoscaler(name, metadata=meta, spec=manifest["spec"], opts=opts)
    if (api, kind) == ("networking.k8s.io/v1", "NetworkPolicy"):
        return k8s.networking.v1.NetworkPolicy(name, metadata=meta, spec=manifest["spec"], opts=opts)
    if (api, kind) == ("networking.k8s.io/v1", "Ingress"):
        return k8s.networking.v1.Ingress(name, metadata=meta, spec=manifest["spec"], opts=opts)
    if (api, kind) in {(scheduling.RESOURCE_POLICY_API_VERSION, "ResourcePolicy"),
                       (scheduling.CRON_HPA_API_VERSION, "CronHorizontalPodAutoscaler")}:
        return k8s.apiextensions.CustomResource(name, api_version=api, kind=kind, metadata=meta,
                                                spec=manifest["spec"], opts=opts)
    raise ValueError(f"no resource class for {kind} ({api})")


@dataclass(frozen=True, kw_only=True)
class WorkloadsArgs:
    """Every service of the stack and the live-event calendar."""

    naming: Naming
    """How the stack names its objects."""
    services: Sequence[ServiceSettings]
    """`livecommerce:platform.services`."""
    live_events: Sequence[LiveEventSettings] = ()
    """`livecommerce:platform.live_events` (each service picks the events that target it)."""
    now: datetime
    """The instant the calendar is read against (aware)."""
    node_pool_selector: Mapping[str, str] = field(default_factory=dict)
    """Node labels of the steady-base ECS node pools."""
    secret_values: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret config values by key name, for `env_secrets[].value_secret`."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Extra labels for every object (e.g. `owner`, `env`)."""
    vpc_cidr: str | None = None
    """The VPC range: the gateway, SLB health checks and kubelet probes come from it (NetworkPolicy)."""
    ingress_class: pulumi.Resource | None = None
    """The IngressClass (`mse`) the services' entry Ingresses name; they are created after it."""
    mse_namespace: str | None = None
    """The stack's MSE namespace (the governance block's): services that leave `governance.mse_namespace`
    unset get it as their `mseNamespace` pod label."""
    config: Mapping[str, ServiceConfig] = field(default_factory=dict)
    """Per service name, what other blocks give it (the data block's bindings)."""


class Workloads(pulumi.ComponentResource):
    """The live-commerce back end: a Namespace per business domain and a `Microservice` per service."""

    services: dict[str, Microservice]
    """The Microservice components by service name."""
    namespaces: list[str]
    """The domain namespaces, sorted."""
    pod_contract: list[ServiceSettings]
    """What the pods declare to MSE (names, enrolment, version tags): governance's `GovernedService`s."""
    alert_targets: list[ServiceTarget]
    """One per service, by the names registered (observability watches them)."""

    def __init__(self, name: str, args: WorkloadsArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:workloads:Workloads", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        base_labels = {k: label_value(v) for k, v in args.labels.items()}
        labels = platform_labels(args.labels)
        namespaces: dict[str, pulumi.CustomResource] = {}
        for domain in sorted({s.domain for s in args.services}):
            ns = _register(f"{name}-ns-{domain}", namespace_manifest(domain, labels), child)
            namespaces[domain] = ns
            in_ns = pulumi.ResourceOptions(parent=self, depends_on=[ns])
            for role, manifest in network_policies(domain, labels, args.vpc_cidr).items():
                _register(f"{name}-ns-{domain}-{role}", manifest, in_ns)
        services = with_mse_namespace(args.services, args.mse_namespace) if args.mse_namespace else \
            list(args.services)
        self.services = {}
        for s in services:
            wanted = {e.value_secret for e in s.env_secrets if e.value_secret is not None}
            self.services[s.name] = Microservice(f"{name}-{s.name}", MicroserviceArgs(
                naming=args.naming, settings=s, now=args.now, live_events=events_for(s, args.live_events),
                node_pool_selector=args.node_pool_selector,
                secret_values={k: v for k, v in args.secret_values.items() if k in wanted},
                labels=base_labels, namespace=namespaces[s.domain], ingress_class=args.ingress_class,
                config=args.config.get(s.name)), opts=child)
        self.namespaces = sorted(namespaces)
        self.pod_contract = services
        self.alert_targets = [m.alert_target for m in self.services.values()]
        self.register_outputs({"namespaces": self.namespaces,
                               "services": {k: v.entry_path for k, v in self.services.items()}})

    def probe_urls(self, synthetics: SyntheticSettings) -> dict[str, str]:
        """The public URL of every entry, to probe (empty when probes are off)."""
        return gateway_endpoints(self.pod_contract, synthetics) if synthetics.enabled else {}
