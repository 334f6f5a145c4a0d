"""Microservice workloads: the Kubernetes manifests each service of the stack config becomes on the ACK cluster.

Per business domain a Namespace; per service (`Microservice`, `livecommerce:workloads:Microservice`):

* a ServiceAccount (no API token mounted: the services never call the Kubernetes API);
* per version a Deployment (restricted security context, readiness/liveness/startup probes, MSE/ARMS
  governance labels, placement from the scheduling library, zone spread when it runs 2+ replicas) and,
  for multi-replica versions, a PodDisruptionBudget;
* a Service over every version (in-cluster calls; MSE tag routing picks the version) and, when the entry
  splits traffic by version, one Service per version as Ingress backends;
* for the base version an HPA; for live-facing services a CronHPA driving that HPA from the live-event
  calendar; for `ecs-first` services a ResourcePolicy (ECS first, then ECI);
* the MSE Ingress objects (base + canary rules) when the service is exposed at the gateway;
* a Secret holding the values of `env_secrets` that come from Pulumi secret config.

Manifests are built by pure module-level functions returning plain dicts (camelCase, exactly what the
API server receives), so tests validate every one against the official Kubernetes schema of the
cluster's version (`livecommerce.k8s_validate`), whose strict variant rejects unknown or misspelt keys.
The components (`microservices.py`) only register them with `pulumi_kubernetes` typed resource classes.

Replica counts. The base version's Deployment leaves `spec.replicas` unset: its HPA owns the count, and
the CronHPA moves the HPA's floor around live events. A declared `replicas` would be re-applied by
every `pulumi up`, fighting the HPA (policy K8S-12). Tagged (canary) versions have a fixed count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from components.workloads import scheduling
from components.workloads.service_settings import (
    MSE_READINESS_PORT,
    ServiceSettings,
    ServiceVersion,
)
from components.workloads.scheduling_settings import LiveEvent
from components.workloads import canary
from components.governance import labels as governance
from components.naming import Naming

NAME_LABEL = "app.kubernetes.io/name"
VERSION_LABEL = "app.kubernetes.io/version"
INSTANCE_LABEL = "app.kubernetes.io/instance"
PART_OF_LABEL = "app.kubernetes.io/part-of"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
DOMAIN_LABEL = "livecommerce.io/domain"
ZONE_KEY = "topology.kubernetes.io/zone"
HOSTNAME_KEY = "kubernetes.io/hostname"
# Writable scratch space: the root filesystem is read-only, and JVMs and most frameworks need /tmp.
TMP_SIZE_LIMIT = "512Mi"
STARTUP_PERIOD_SECONDS = 5

_LABEL_VALUE_BAD = re.compile(r"[^A-Za-z0-9_.-]+")


def label_value(value: str) -> str:
    """`value` made into a valid Kubernetes label value (at most 63 of [A-Za-z0-9_.-], alphanumeric ends)."""
    cleaned = _LABEL_VALUE_BAD.sub("-", value)[:63]
    return cleaned.strip("-_.")


def platform_labels(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The labels of the platform's own Kubernetes objects (namespaces, network policies, the MSE Ingress binding):
    `part-of: livecommerce`, `managed-by: pulumi` and the caller's (e.g. owner, env), made valid label values."""
    return {PART_OF_LABEL: "livecommerce", MANAGED_BY_LABEL: "pulumi",
            **{k: label_value(v) for k, v in (extra or {}).items()}}


def service_labels(service: ServiceSettings, naming: Naming, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The labels on every object of a service (recommended labels + domain + caller's, e.g. owner)."""
    out = {k: label_value(v) for k, v in (extra or {}).items()}
    out.update({
        NAME_LABEL: service.name,
        INSTANCE_LABEL: naming.scoped(service.name),
        PART_OF_LABEL: "livecommerce",
        MANAGED_BY_LABEL: "pulumi",
        DOMAIN_LABEL: service.domain,
    })
    return out


def version_selector(service: ServiceSettings, version: ServiceVersion) -> dict[str, str]:
    """The immutable Deployment selector of one version (also its PDB's and version Service's)."""
    return {NAME_LABEL: service.name, VERSION_LABEL: version.name}


def deployment_name(service: ServiceSettings, version: ServiceVersion) -> str:
    """`<service>-<version slug>`, e.g. `shop-v1-1`."""
    return f"{service.name}-{version.slug}"


def env_secret_name(service: ServiceSettings) -> str:
    """The Kubernetes Secret holding the service's Pulumi-sourced secret environment values."""
    return f"{service.name}-env"


def version_floor(service: ServiceSettings, version: ServiceVersion) -> int:
    """Fewest replicas the version runs at: the HPA floor for the base version, else its fixed count."""
    if version.tag is None:
        return service.scheduling.autoscaling.min_replicas
    return version.replicas or 1


def is_multi_replica(service: ServiceSettings, version: ServiceVersion) -> bool:
    """Whether the version always runs 2+ pods: then it gets a PDB and spreads over zones (a PDB on a
    single pod would either block node drains or protect nothing)."""
    return version_floor(service, version) >= 2


def topology_spread(selector: Mapping[str, str], placement: scheduling.Placement) -> list[dict]:
    """Spread a version's pods over zones, then nodes.

    `ecs-only` pods must spread across zones (DoNotSchedule): the ECS pools span the zones. Pods that may
    burst onto ECI only prefer it (ScheduleAnyway): a hard rule would block the burst whenever the
    virtual node of one zone is the only place left. `matchLabelKeys: [pod-template-hash]` counts each
    ReplicaSet on its own, so a rolling update does not skew against the old pods.
    """
    zone_rule = "DoNotSchedule" if placement.policy == "ecs-only" else "ScheduleAnyway"
    return [
        {"maxSkew": 1, "topologyKey": key, "whenUnsatisfiable": rule,
         "labelSelector": {"matchLabels": dict(selector)}, "matchLabelKeys": ["pod-template-hash"]}
        for key, rule in ((ZONE_KEY, zone_rule), (HOSTNAME_KEY, "ScheduleAnyway"))
    ]


def _http_probe(path: str, port: int | str, period: int, timeout: int, failures: int) -> dict:
    return {"httpGet": {"path": path, "port": port, "scheme": "HTTP"}, "periodSeconds": period,
            "timeoutSeconds": timeout, "failureThreshold": failures}


@dataclass(frozen=True)
class InjectedEnv:
    """Environment a block outside the service model gives the container (the data block: endpoints from a
    ConfigMap, credentials from a synced Secret)."""

    env: Sequence[Mapping] = ()
    """Extra `env` entries (secretKeyRef), after the service's own."""
    env_from: Sequence[Mapping] = ()
    """`envFrom` entries (configMapRef)."""


def container(service: ServiceSettings, version: ServiceVersion, injected: InjectedEnv | None = None) -> dict:
    """The service's container: pinned image, ports, probes, resources, env, restricted security context."""
    p = service.probes
    probe_port: int | str = "http" if p.port in (None, service.port) else "health"
    ports = [{"name": "http", "containerPort": service.port, "protocol": "TCP"}]
    if probe_port == "health":
        ports.append({"name": "health", "containerPort": p.port, "protocol": "TCP"})
    if governance.uses_mse_readiness(service.governance):
        ports.append({"name": governance.MSE_READINESS_PORT_NAME, "containerPort": MSE_READINESS_PORT,
                      "protocol": "TCP"})
        readiness = governance.mse_readiness_probe(p.period_seconds, p.timeout_seconds, p.failure_threshold)
    else:
        readiness = _http_probe(p.readiness_path, probe_port, p.period_seconds, p.timeout_seconds,
                                p.failure_threshold)
    r = service.resources
    limits = {"memory": f"{r.memory_limit_mib}Mi"}
    if r.cpu_limit_millicores is not None:
        limits["cpu"] = f"{r.cpu_limit_millicores}m"
    env = [{"name": k, "value": v} for k, v in sorted(service.env.items())]
    for item in sorted(service.env_secrets, key=lambda e: e.name):
        if item.kubernetes_secret is not None:
            ref = {"name": item.kubernetes_secret, "key": item.kubernetes_secret_key or item.name}
        else:
            ref = {"name": env_secret_name(service), "key": item.name}
        env.append({"name": item.name, "valueFrom": {"secretKeyRef": ref}})
    if injected is not None:
        env += [dict(e) for e in injected.env]
    out = {
        "name": service.name,
        "image": version.image,
        # Pinned images never change under a tag we control; IfNotPresent also lets ECI image caches work.
        "imagePullPolicy": "IfNotPresent",
        "ports": ports,
        "resources": {"requests": {"cpu": f"{r.cpu_request_millicores}m", "memory": f"{r.memory_request_mib}Mi"},
                      "limits": limits},
        "readinessProbe": readiness,
        "livenessProbe": _http_probe(p.liveness_path, probe_port, p.period_seconds, p.timeout_seconds,
                                     p.failure_threshold),
        # Liveness only starts once this passes, so a slow start is not mistaken for a hang.
        "startupProbe": _http_probe(p.liveness_path, probe_port, STARTUP_PERIOD_SECONDS, p.timeout_seconds,
                                    math.ceil(p.startup_seconds / STARTUP_PERIOD_SECONDS)),
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": service.run_as_user,
            "runAsGroup": service.run_as_user,
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
    }
    if env:
        out["env"] = env
    if injected is not None and injected.env_from:
        out["envFrom"] = [dict(e) for e in injected.env_from]
    return out


def deployment_manifest(service: ServiceSettings, version: ServiceVersion, *, naming: Naming, namespace: str,
                        placement: scheduling.Placement, labels: Mapping[str, str],
                        injected: InjectedEnv | None = None) -> dict:
    """The Deployment of one version (no `spec.replicas` for the HPA-managed base version)."""
    selector = version_selector(service, version)
    app = governance.app_name(naming, service.name, service.governance)
    pod_labels = {**labels, **placement.pod_labels, **selector,
                  **governance.governance_labels(app, service.governance, version.tag)}
    pod_spec: dict = {
        "serviceAccountName": service.name,
        "automountServiceAccountToken": False,
        "enableServiceLinks": False,
        "terminationGracePeriodSeconds": service.termination_grace_seconds,
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": service.run_as_user,
            "runAsGroup": service.run_as_user,
            "fsGroup": service.run_as_user,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [container(service, version, injected)],
        "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": TMP_SIZE_LIMIT}}],
        **placement.pod_spec_fields(),
    }
    if is_multi_replica(service, version):
        pod_spec["topologySpreadConstraints"] = topology_spread(selector, placement)
    template_metadata: dict = {"labels": pod_labels}
    if placement.pod_annotations:
        template_metadata["annotations"] = dict(placement.pod_annotations)
    spec: dict = {
        "selector": {"matchLabels": selector},
        "revisionHistoryLimit": 5,
        # Never below the current count during a rollout: with lossless start, new pods take traffic only
        # once registered, and old ones leave only after that.
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0}},
        "template": {"metadata": template_metadata, "spec": pod_spec},
    }
    if version.tag is not None:
        spec = {"replicas": version.replicas or 1, **spec}
    metadata = {"name": deployment_name(service, version), "namespace": namespace,
                "labels": {**labels, VERSION_LABEL: version.name}}
    if version.tag is not None:
        metadata["labels"][governance.SERVICE_TAG] = version.tag
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata, "spec": spec}


def pdb_manifest(service: ServiceSettings, version: ServiceVersion, *, namespace: str,
                 labels: Mapping[str, str]) -> dict:
    """At most one pod of the version down for voluntary disruptions (node drains, upgrades).

    `maxUnavailable: 1` rather than a `minAvailable` count keeps working whatever the HPA scales to, and
    `AlwaysAllow` lets drains evict pods that are already unhealthy, so an upgrade never stalls on a
    crash-looping pod (policy K8S-11).
    """
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": deployment_name(service, version), "namespace": namespace, "labels": dict(labels)},
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": version_selector(service, version)},
                 "unhealthyPodEvictionPolicy": "AlwaysAllow"},
    }


def service_manifest(name: str, namespace: str, selector: Mapping[str, str], port: int,
                     labels: Mapping[str, str]) -> dict:
    """A ClusterIP Service (never LoadBalancer/NodePort: the gateway is the only way in)."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(labels)},
        "spec": {"type": "ClusterIP", "selector": dict(selector),
                 "ports": [{"name": "http", "port": port, "targetPort": "http", "protocol": "TCP"}]},
    }


def service_account_manifest(service: ServiceSettings, namespace: str, labels: Mapping[str, str]) -> dict:
    """The service's own identity (RRSA binds RAM roles per ServiceAccount); no API token mounted."""
    return {"apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": {"name": service.name, "namespace": namespace, "labels": dict(labels)},
            "automountServiceAccountToken": False}


def namespace_manifest(domain: str, labels: Mapping[str, str]) -> dict:
    """The namespace of a business domain.

    Pod Security Admission enforces `baseline` and warns/audits `restricted`: our pods meet `restricted`,
    but ack-onepilot injects its agent into them and we do not control how; enforcing `restricted`
    could reject pods for a change in the add-on.
    """
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": domain, "labels": {
            **labels, DOMAIN_LABEL: domain,
            "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
        }},
    }


def network_policies(domain: str, labels: Mapping[str, str], vpc_cidr: str | None) -> dict[str, dict]:
    """The domain namespace's ingress isolation, keyed by role: `default-deny`, then `allow-platform`.

    Only pods of the platform's own namespaces (`app.kubernetes.io/part-of: livecommerce`) and, with
    `vpc_cidr`, addresses of the VPC may connect: the MSE gateway, SLB health checks and kubelet probes come
    from VPC addresses. Terway enforces policies with Cilium, whose CIDR rules never match cluster pods, so
    the VPC rule does not reopen pod-to-pod traffic from other namespaces. Egress stays open: services call
    the registry, ARMS, databases and Redis, whose addresses are not known here.
    """
    deny = {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny-ingress", "namespace": domain, "labels": dict(labels)},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    }
    sources: list[dict] = [{"namespaceSelector": {"matchLabels": {PART_OF_LABEL: "livecommerce"}}}]
    if vpc_cidr is not None:
        sources.append({"ipBlock": {"cidr": vpc_cidr}})
    allow = {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "allow-platform-ingress", "namespace": domain, "labels": dict(labels)},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"], "ingress": [{"from": sources}]},
    }
    return {"default-deny": deny, "allow-platform": allow}


def placement_of(service: ServiceSettings, node_pool_selector: Mapping[str, str]) -> scheduling.Placement:
    """The service's placement from the scheduling library."""
    s = service.scheduling
    return scheduling.placement(s.placement, node_pool_selector=node_pool_selector, ecs_max=s.ecs_max_replicas,
                                eci=s.eci)


@dataclass(frozen=True)
class ServiceObjects:
    """Every manifest of one service, keyed by the role that names its Pulumi resource."""

    service_account: dict
    deployments: dict[str, dict]
    """By version slug."""
    pdbs: dict[str, dict]
    """By version slug; only multi-replica versions."""
    services: dict[str, dict]
    """`service` (all versions) and, when the entry splits by version, `<slug>-service`."""
    hpa: dict
    cron_hpa: dict | None
    resource_policy: dict | None
    ingresses: dict[str, dict]
    """`ingress` and `<slug>-canary`."""
    cron_jobs: list[scheduling.CronJob] = field(default_factory=list)

    def all(self) -> list[dict]:
        """Every manifest, in creation order."""
        out = [self.service_account, *self.deployments.values(), *self.pdbs.values(), *self.services.values(),
               self.hpa]
        out += [m for m in (self.cron_hpa, self.resource_policy) if m is not None]
        return out + list(self.ingresses.values())


def service_objects(service: ServiceSettings, *, naming: Naming, events: Sequence[LiveEvent], now: datetime,
                    node_pool_selector: Mapping[str, str] = {},  # noqa: B006 - read-only
                    labels: Mapping[str, str] | None = None,
                    injected: InjectedEnv | None = None) -> ServiceObjects:
    """All manifests of `service` at instant `now` (the live-event calendar is read relative to it).

    `events` are the events that apply to this service (`events_for`). One-off events already over are
    history: no job, and their names in the HPA's `livecommerce.io/past-live-events` annotation. Raises
    `scheduling.ScheduleError` only for what no date fixes (duplicate names, peaks outside the HPA's bounds).
    """
    ns = service.domain
    common = service_labels(service, naming, labels)
    place = placement_of(service, node_pool_selector)
    deployments, pdbs = {}, {}
    for version in service.versions:
        deployments[version.slug] = deployment_manifest(service, version, naming=naming, namespace=ns,
                                                        placement=place, labels=common, injected=injected)
        if is_multi_replica(service, version):
            pdbs[version.slug] = pdb_manifest(service, version, namespace=ns, labels=common)
    services = {"service": service_manifest(service.name, ns, {NAME_LABEL: service.name}, service.port, common)}
    if canary.needs_version_services(service):
        for version in service.versions:
            services[f"{version.slug}-service"] = service_manifest(
                canary.version_service_name(service.name, version.name), ns, version_selector(service, version),
                service.port, {**common, VERSION_LABEL: version.name})
    auto = service.scheduling.autoscaling
    base = service.base_version
    base_name = deployment_name(service, base)
    floor = scheduling.effective_min_replicas(events, now=now, baseline_min_replicas=auto.min_replicas) \
        if events else auto.min_replicas
    past = scheduling.past_events(events, now=now)  # history: no job, flagged for removal by the policy pack
    hpa = scheduling.hpa(base_name, ns, base_name, auto, min_replicas=floor, labels=common,
                         annotations={scheduling.PAST_LIVE_EVENTS_ANNOTATION: ",".join(e.name for e in past)}
                         if past else None)
    jobs: list[scheduling.CronJob] = []
    cron = None
    if events:
        jobs = scheduling.cron_jobs(events, now=now, baseline_min_replicas=auto.min_replicas,
                                    max_replicas=auto.max_replicas)
        if jobs:
            cron = scheduling.cron_hpa(base_name, ns, base_name, jobs, labels=common)
    policy = place.resource_policy(service.name, ns, {NAME_LABEL: service.name}, labels=common)
    return ServiceObjects(
        service_account=service_account_manifest(service, ns, common),
        deployments=deployments, pdbs=pdbs, services=services, hpa=hpa, cron_hpa=cron,
        resource_policy=policy, ingresses=canary.entry_ingresses(service, ns, common), cron_jobs=jobs,
    )
