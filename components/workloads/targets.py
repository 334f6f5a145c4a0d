"""What the workloads publish for observability (pure: no Pulumi): an alert target per service, named as the
manifests name its objects, and the probe URL of every entry exposed at the gateway."""

from __future__ import annotations

from collections.abc import Sequence

from components.governance.labels import app_name
from components.naming import Naming
from components.observability.alert_rules import ServiceTarget
from components.observability.settings import SyntheticSettings
from components.workloads.manifests import ServiceObjects
from components.workloads.service_settings import ServiceSettings


def service_target(service: ServiceSettings, naming: Naming, objects: ServiceObjects) -> ServiceTarget:
    """The service as the alert rules watch it: every version's Deployment and the base version's HPA, by the
    names its manifests give them."""
    return ServiceTarget(
        name=service.name, namespace=service.domain, app_name=app_name(naming, service.name, service.governance),
        deployments=tuple(objects.deployments[v.slug]["metadata"]["name"] for v in service.versions),
        hpa=objects.hpa["metadata"]["name"], live_facing=service.live_facing,
        cpu_limited=service.resources.cpu_limit_millicores is not None,
    )


def gateway_endpoints(services: Sequence[ServiceSettings], s: SyntheticSettings) -> dict[str, str]:
    """Probe URL per key: every service exposed at the gateway (its entry path + `check_path`), then the
    extra endpoints. Raises ValueError naming the fix when an entry has no host and no `base_url`."""
    out: dict[str, str] = {}
    for svc in services:
        if svc.entry is None:
            continue
        if svc.entry.host is not None and not svc.entry.host.startswith("*."):
            origin = f"https://{svc.entry.host}"
        elif s.base_url is not None:
            origin = s.base_url
        else:
            raise ValueError(f"synthetics.base_url: service {svc.name} is exposed at the gateway without an "
                             "entry.host; set synthetics.base_url (e.g. https://api.live.example.com)")
        out[svc.name] = f"{origin}{svc.entry_path}{s.check_path}"
    for ep in s.endpoints:
        if ep.name in out:
            raise ValueError(f"synthetics.endpoints: {ep.name} is also a service name; rename the endpoint")
        out[ep.name] = ep.url
    return out
