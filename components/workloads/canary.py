"""Tag routing and canary at the entry: MSE Ingress objects for a service and its tagged versions.

A service exposed at the gateway gets one *base* Ingress (IngressClass `mse`) that sends its path to the
base version, and per canary rule one *canary* Ingress on the same host and path whose nginx-style canary
annotations send matching requests to a tagged version instead. MSE Ingress implements these
annotations (platform facts 4.4, ACK doc "Advanced usage of MSE Ingress"): header (optionally with an
exact value) beats cookie beats weight, and more than two versions of one path are allowed.

Each version has its own Kubernetes Service (`<service>-<version>`), because an Ingress backend is a
Service: a canary Ingress pointing at a Service that selects every version would leak base pods into
the canary and back. Inside the cluster, calls go through the registry and MSE tag routing, which uses
the same `alicloud.service.tag` label.

Pure functions returning manifests (dicts); `components/workloads/microservices.py` registers
them as `kubernetes:networking.k8s.io/v1:Ingress` resources, and the tests validate them against the
official Kubernetes schema.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from components.governance.ingress import INGRESS_CLASS
from components.workloads.service_settings import CanaryRoute, ServiceSettings, version_slug

_PREFIX = "nginx.ingress.kubernetes.io/"
CANARY = _PREFIX + "canary"
CANARY_BY_HEADER = _PREFIX + "canary-by-header"
CANARY_BY_HEADER_VALUE = _PREFIX + "canary-by-header-value"
CANARY_BY_COOKIE = _PREFIX + "canary-by-cookie"
CANARY_WEIGHT = _PREFIX + "canary-weight"


def canary_annotations(route: CanaryRoute) -> dict[str, str]:
    """The canary annotations for one rule (values are strings, as Kubernetes requires)."""
    out = {CANARY: "true"}
    if route.header is not None:
        out[CANARY_BY_HEADER] = route.header
        if route.header_value is not None:
            out[CANARY_BY_HEADER_VALUE] = route.header_value
    if route.cookie is not None:
        out[CANARY_BY_COOKIE] = route.cookie
    if route.weight_percent is not None:
        out[CANARY_WEIGHT] = str(route.weight_percent)
    return out


def version_service_name(service: str, version: str) -> str:
    """The Kubernetes Service that selects only one version's pods (an Ingress backend)."""
    return f"{service}-{version_slug(version)}"


def needs_version_services(service: ServiceSettings) -> bool:
    """Whether the service needs per-version Services: only when the entry splits traffic by version."""
    return service.entry is not None and bool(service.entry.canaries)


#: Plain HTTP to a TLS host is redirected (MSE Ingress honours the NGINX annotation:
#: https://help.aliyun.com/en/mse/user-guide/annotations-supported-by-mse-ingress-gateways).
SSL_REDIRECT = {"nginx.ingress.kubernetes.io/ssl-redirect": "true"}


def ingress(name: str, namespace: str, *, path: str, host: str | None, backend_service: str, port: int,
            labels: Mapping[str, str], annotations: Mapping[str, str] | None = None, tls: bool = False) -> dict:
    """One MSE Ingress sending `host` + `path` (prefix match) to `backend_service:port`. `tls`: the host is served
    over HTTPS only (`spec.tls` without a secret: the gateway serves the certificate bound to its domain, which
    the edge block declares)."""
    metadata: dict = {"name": name, "namespace": namespace, "labels": dict(labels)}
    annotations = {**(annotations or {}), **(SSL_REDIRECT if tls and host else {})}
    if annotations:
        metadata["annotations"] = dict(annotations)
    rule: dict = {
        "http": {
            "paths": [{
                "path": path,
                "pathType": "Prefix",
                "backend": {"service": {"name": backend_service, "port": {"number": port}}},
            }],
        },
    }
    if host is not None:
        rule = {"host": host, **rule}
    spec: dict = {"ingressClassName": INGRESS_CLASS, "rules": [rule]}
    if tls and host is not None:
        spec["tls"] = [{"hosts": [host]}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata,
        "spec": spec,
    }


def entry_ingresses(service: ServiceSettings, namespace: str, labels: Mapping[str, str],
                    tls_hosts: frozenset[str] = frozenset()) -> dict[str, dict]:
    """The Ingress manifests of a service, keyed by role: `ingress` (base) and `<version>-canary`.

    Empty when the service is internal (`entry` unset). Without canaries the base Ingress targets the
    service's own Service; with canaries it targets the base version's Service, so the split is exact.
    """
    entry = service.entry
    path = service.entry_path
    if entry is None or path is None:
        return {}
    split = needs_version_services(service)
    base_backend = version_service_name(service.name, service.base_version.name) if split else service.name
    tls = entry.host in tls_hosts
    out = {
        "ingress": ingress(service.name, namespace, path=path, host=entry.host, backend_service=base_backend,
                           port=service.port, labels=labels, tls=tls),
    }
    for route in entry.canaries:
        slug = version_slug(route.version)
        out[f"{slug}-canary"] = ingress(
            f"{service.name}-{slug}-canary", namespace, path=path, host=entry.host,
            backend_service=version_service_name(service.name, route.version), port=service.port,
            labels=labels, annotations=canary_annotations(route), tls=tls,
        )
    return out


def routed_versions(services: Sequence[ServiceSettings]) -> dict[str, list[str]]:
    """Per service, the tagged versions that some entry rule routes to (for docs and review)."""
    return {s.name: [r.version for r in s.entry.canaries] for s in services if s.entry and s.entry.canaries}
