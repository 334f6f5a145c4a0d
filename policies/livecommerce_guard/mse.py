"""MSE rules: the Nacos/ZooKeeper registry stays private and highly available; the cloud-native
gateway runs several replicas across zones, and an internet SLB on it is a public entry that must
carry the public-entry controls.

The public-entry controls (decision: docs/decisions/2026-12-01-public-entry-controls.md):
1. TLS: every Ingress the gateway serves (an IngressClass whose controller is the MSE Ingress
   controller) terminates TLS for each of its hosts (`spec.tls`) and redirects plain HTTP
   (`ssl-redirect` / `force-ssl-redirect` annotation "true"; MSE Ingress honours the NGINX ones:
   https://help.aliyun.com/en/mse/user-guide/annotations-supported-by-mse-ingress-gateways);
2. a filter on who reaches it: a WAF 3.0 domain (`wafv3.Domain`) that fronts the gateway (its
   `redirect` is fed by the gateway) over HTTPS, required when `requireWaf` (prod); elsewhere an IP
   allowlist (`whitelist-source-range` annotation without a /0 entry) on every served Ingress will do.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from ._base import (
    Subject,
    bool_schema,
    fed_by,
    get,
    int_schema,
    items,
    known,
    number,
    of_type,
    resource_rule,
    stack_rule,
    truthy,
)

CLUSTER = "alicloud:mse/cluster:Cluster"
GATEWAY = "alicloud:mse/gateway:Gateway"
INGRESS = "kubernetes:networking.k8s.io/v1:Ingress"
INGRESS_CLASS = "kubernetes:networking.k8s.io/v1:IngressClass"
MSE_INGRESS_CONFIG = "kubernetes:mse.alibabacloud.com/v1alpha1:MseIngressConfig"
WAF_DOMAIN = "alicloud:wafv3/domain:Domain"
MSE_INGRESS_CONTROLLER = "mse.alibabacloud.com/ingress"
ANNOTATION_PREFIXES = ("mse.ingress.kubernetes.io/", "nginx.ingress.kubernetes.io/")


def _too_wide(entry: Any) -> bool:
    try:
        return ipaddress.ip_network(str(entry), strict=False).prefixlen <= 16
    except ValueError:
        return True


def check_private_registry(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """MSE-01: an empty whitelist exposes Nacos to every IP; keep it on the VPC."""
    p = subject.props
    net = str(get(p, "netType", default="privatenet"))
    flow = number(get(p, "pubNetworkFlow"), 0) or 0
    if net == "privatenet" and flow == 0:
        return []
    acl = [str(e) for e in items(get(p, "aclEntryLists"))]
    if not acl:
        return ["the registry has a public endpoint with an empty whitelist (open to every IP)"]
    if any(_too_wide(e) for e in acl):
        return ["the registry whitelist has an entry of /16 or wider"]
    return []


def check_registry_ha(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """MSE-02: an odd quorum of at least `minInstances`, Professional edition."""
    p = subject.props
    need = int(cfg.get("minInstances", 3))
    n = number(get(p, "instanceCount"), 0) or 0
    problems = []
    if n < need or (need >= 3 and int(n) % 2 == 0):
        problems.append(f"instanceCount is not an odd number of at least {need}")
    if cfg.get("requirePro", True) and get(p, "mseVersion") != "mse_pro":
        problems.append("mseVersion is not mse_pro")
    return problems


def check_gateway_ha(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """MSE-02: gateway replicas spread over two vSwitches (zones)."""
    p = subject.props
    need = int(cfg.get("minReplicas", 2))
    problems = []
    if (number(get(p, "replica"), 0) or 0) < need:
        problems.append(f"replica is below {need}")
    if cfg.get("requireBackupVswitch", True) and not get(p, "backupVswitchId"):
        problems.append("backupVswitchId is not set (single zone)")
    return problems


def _annotation(ingress: Any, *names: str) -> Any:
    annotations = get(ingress.props, "metadata", "annotations", default={})
    for prefix in ANNOTATION_PREFIXES:
        for name in names:
            value = get(annotations, prefix + name)
            if value is not None:
                return value
    return None


def served_ingresses(gateway: Any, resources: list[Any]) -> list[Any]:
    """Ingresses whose class is handled by the MSE Ingress controller bound to `gateway`: an IngressClass
    with the MSE controller whose parameters name an MseIngressConfig fed by the gateway (or, when no
    MseIngressConfig names a gateway, every MSE IngressClass; with no IngressClass at all, class `mse`)."""
    configs = of_type(resources, MSE_INGRESS_CONFIG)
    mine = {str(known(c.props, "metadata", "name")) for c in configs if gateway.urn in fed_by(c, "spec")}
    bound = any(fed_by(c, "spec") for c in configs)
    classes = set()
    mse_classes = [
        c for c in of_type(resources, INGRESS_CLASS) if known(c.props, "spec", "controller") == MSE_INGRESS_CONTROLLER
    ]
    for cls in mse_classes:
        if not bound or str(known(cls.props, "spec", "parameters", "name")) in mine:
            classes.add(str(known(cls.props, "metadata", "name")))
    if not mse_classes:
        classes.add("mse")
    out = []
    for ing in of_type(resources, INGRESS):
        annotations = known(ing.props, "metadata", "annotations", default={})
        name = known(ing.props, "spec", "ingressClassName") or known(annotations, "kubernetes.io/ingress.class")
        if name in classes:
            out.append(ing)
    return out


def _host_covered(host: str, tls_hosts: set[str]) -> bool:
    if host in tls_hosts:
        return True
    return any(h.startswith("*.") and host.endswith(h[1:]) and host.count(".") == h.count(".") for h in tls_hosts)


def ingress_label(ingress: Any) -> str:
    return f"{known(ingress.props, 'metadata', 'namespace', default='default')}/" + str(
        known(ingress.props, "metadata", "name", default=ingress.name)
    )


def tls_problems(ingress: Any) -> list[str]:
    """Why an Ingress does not serve every host over TLS with plain HTTP redirected."""
    tls_hosts = {str(h) for t in items(get(ingress.props, "spec", "tls")) for h in items(get(t, "hosts"))}
    hosts = [get(r, "host") for r in items(get(ingress.props, "spec", "rules"))]
    problems = []
    if not hosts or any(not h for h in hosts):
        problems.append("has a rule without a host (TLS cannot cover it)")
    elif any(not _host_covered(str(h), tls_hosts) for h in hosts):
        problems.append("does not terminate TLS (spec.tls) for every host")
    if not truthy(_annotation(ingress, "ssl-redirect", "force-ssl-redirect")):
        problems.append("does not redirect plain HTTP to HTTPS (ssl-redirect)")
    return problems


def allowlisted(ingress: Any) -> bool:
    """A `whitelist-source-range` annotation with valid CIDRs, none of them /0."""
    value = _annotation(ingress, "whitelist-source-range", "domain-whitelist-source-range")
    entries = [e.strip() for e in str(value or "").split(",") if e.strip()]
    if not entries:
        return False
    try:
        return all(ipaddress.ip_network(e, strict=False).prefixlen > 0 for e in entries)
    except ValueError:
        return False


def fronting_wafs(gateway: Any, resources: list[Any]) -> list[Any]:
    """WAF 3.0 domains whose origin (redirect backends) is fed by the gateway, listening on HTTPS with a
    certificate and no plain-HTTP listener unless it forces HTTPS."""
    out = []
    for waf in of_type(resources, WAF_DOMAIN):
        if gateway.urn not in fed_by(waf, "redirect"):
            continue
        listen = get(waf.props, "listen", default={})
        https = items(get(listen, "httpsPorts")) and get(listen, "certId")
        if https and (not items(get(listen, "httpPorts")) or truthy(get(listen, "focusHttps"))):
            out.append(waf)
    return out


def check_public_entry(resources: list[Any], cfg: Mapping[str, Any]) -> list[tuple[str, str]]:
    """MSE-03: a gateway with an internet SLB (`internetSlbSpec`) carries the public-entry controls: TLS on
    every Ingress it serves, and a WAF in front (an IP allowlist on every served Ingress when not `requireWaf`)."""
    require_waf = cfg.get("requireWaf", True)
    out = []
    for gw in of_type(resources, GATEWAY):
        if not get(gw.props, "internetSlbSpec"):
            continue
        ingresses = served_ingresses(gw, resources)
        if not ingresses:
            out.append((gw.urn, "its internet SLB serves no Ingress declared in the stack, so TLS cannot be checked"))
        for ing in ingresses:
            out += [
                (gw.urn, f"its internet SLB serves Ingress {ingress_label(ing)}, which {why}")
                for why in tls_problems(ing)
            ]
        if fronting_wafs(gw, resources):
            continue
        if require_waf:
            out.append((gw.urn, "no WAF 3.0 domain fronts its internet SLB over HTTPS"))
            continue
        open_ones = [ing for ing in ingresses if not allowlisted(ing)]
        if not ingresses or open_ones:
            out.append(
                (
                    gw.urn,
                    "neither a WAF nor an IP allowlist (whitelist-source-range) limits who reaches its internet SLB",
                )
            )
    return out


POLICIES = [
    resource_rule(
        "alicloud-mse-cluster-disallow-public-access",
        "MSE registries (Nacos/ZooKeeper) must stay on the VPC or behind a tight whitelist.",
        types=[CLUSTER],
        severity=Severity.HIGH,
        anchors=["MSE:whitelist", "CKV_ALI_9 (analog)", "CKV_ALI_43 (analog)"],
        fix="set net_type='privatenet' and pub_network_flow='0' (or a whitelist narrower than /16)",
        check=check_private_registry,
    ),
    resource_rule(
        "alicloud-mse-cluster-require-high-availability",
        "MSE registries must run an odd quorum of at least three nodes on the Professional edition.",
        types=[CLUSTER],
        severity=Severity.MEDIUM,
        anchors=["Polaris:deploymentMissingReplicas (analog)"],
        fix="set instance_count=3 and mse_version='mse_pro'",
        check=check_registry_ha,
        config={
            "minInstances": int_schema(3, "smallest registry size", minimum=1),
            "requirePro": bool_schema(True, "require mse_version mse_pro"),
        },
    ),
    resource_rule(
        "alicloud-mse-gateway-require-high-availability",
        "MSE cloud-native gateways must run several replicas across two zones.",
        types=[GATEWAY],
        severity=Severity.MEDIUM,
        anchors=["Polaris:hpaMinAvailability (analog)"],
        fix="set replica>=2 and backup_vswitch_id to a vSwitch in another zone",
        check=check_gateway_ha,
        config={
            "minReplicas": int_schema(2, "smallest replica count", minimum=1),
            "requireBackupVswitch": bool_schema(True, "require a backup vSwitch in another zone"),
        },
    ),
    stack_rule(
        "alicloud-mse-gateway-restrict-public-entry",
        "An internet SLB on the MSE gateway needs the public-entry controls: TLS with HTTP redirected on "
        "every Ingress it serves, and a WAF in front (an IP allowlist where the WAF is not required).",
        types=[GATEWAY, INGRESS, INGRESS_CLASS, MSE_INGRESS_CONFIG, WAF_DOMAIN],
        severity=Severity.HIGH,
        anchors=["WAF:cloud-native-access", "MSE:ingress-https", "CKV_AWS_2 (analog)"],
        fix="drop internet_slb_spec (enter through CDN/WAF to the intranet SLB), or front the gateway with a "
        "wafv3.Domain over HTTPS and give every Ingress spec.tls plus ssl-redirect: 'true'",
        check=check_public_entry,
        config={"requireWaf": bool_schema(True, "require a WAF 3.0 domain; when false an IP allowlist will do")},
    ),
]
