"""Kubernetes workload rules (pulumi_kubernetes wire inputs: `metadata`/`spec` as in the K8s API).

Pod-template rules apply to Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and
bare Pods. Children of Helm v4 charts / ConfigGroups register as ordinary resources in a real preview,
so they are checked too; `exemptNamespaces` (default kube-system) keeps third-party add-ons out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import EnforcementLevel, Severity

from ._base import (
    Subject,
    bool_schema,
    get,
    items,
    resource_rule,
    str_list_schema,
    truthy,
)
from .fc import secret_like_name

DEPLOYMENT = "kubernetes:apps/v1:Deployment"
STATEFULSET = "kubernetes:apps/v1:StatefulSet"
DAEMONSET = "kubernetes:apps/v1:DaemonSet"
REPLICASET = "kubernetes:apps/v1:ReplicaSet"
JOB = "kubernetes:batch/v1:Job"
CRONJOB = "kubernetes:batch/v1:CronJob"
POD = "kubernetes:core/v1:Pod"
SERVICE = "kubernetes:core/v1:Service"
SERVICE_ACCOUNT = "kubernetes:core/v1:ServiceAccount"
PDB = "kubernetes:policy/v1:PodDisruptionBudget"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"

WORKLOADS = (DEPLOYMENT, STATEFULSET, DAEMONSET, REPLICASET, JOB, CRONJOB, POD)
LONG_RUNNING = (DEPLOYMENT, STATEFULSET, DAEMONSET, REPLICASET, POD)
NAMESPACED = WORKLOADS + (
    SERVICE,
    SERVICE_ACCOUNT,
    PDB,
    HPA,
    "kubernetes:autoscaling/v1:HorizontalPodAutoscaler",
    "kubernetes:core/v1:ConfigMap",
    "kubernetes:core/v1:Secret",
    "kubernetes:networking.k8s.io/v1:NetworkPolicy",
    "kubernetes:networking.k8s.io/v1:Ingress",
    "kubernetes:rbac.authorization.k8s.io/v1:Role",
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
)
DANGEROUS_CAPABILITIES = frozenset(
    {"ALL", "SYS_ADMIN", "NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_MODULE", "DAC_READ_SEARCH", "BPF"}
)
INTRANET_ANNOTATION = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type"

EXEMPT = {"exemptNamespaces": str_list_schema(["kube-system"], "namespaces this rule skips (third-party add-ons)")}


def namespace_of(props: Mapping[str, Any]) -> str:
    """An absent metadata.namespace lands in `default`."""
    return str(get(props, "metadata", "namespace", default="default") or "default")


def pod_template(type_: str, props: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """{'metadata':..., 'spec':...} of the pods a workload creates."""
    if type_ == POD:
        return {"metadata": get(props, "metadata", default={}), "spec": get(props, "spec", default={})}
    if type_ == CRONJOB:
        return get(props, "spec", "jobTemplate", "spec", "template", default=None)
    return get(props, "spec", "template", default=None)


def pod_spec(type_: str, props: Mapping[str, Any]) -> Mapping[str, Any]:
    return get(pod_template(type_, props), "spec", default={})


def containers(spec: Mapping[str, Any], init: bool = True) -> list[Any]:
    found = items(get(spec, "containers"))
    if init:
        found += items(get(spec, "initContainers"))
    return found


def cname(container: Any) -> str:
    return str(get(container, "name", default="?"))


def workload_rule(
    name: str, description: str, *, check, types: Iterable[str] = WORKLOADS, config: dict | None = None, **kw
):
    """A resource rule over pod templates that skips exempt namespaces."""

    def run(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
        if namespace_of(subject.props) in set(cfg.get("exemptNamespaces", ["kube-system"])):
            return []
        if subject.type in WORKLOADS and pod_template(subject.type, subject.props) is None:
            return []
        return check(subject, cfg)

    run.__doc__ = check.__doc__
    run.check = check  # type: ignore[attr-defined]
    return resource_rule(name, description, types=types, check=run, config={**EXEMPT, **(config or {})}, **kw)


# ---- pure decisions -------------------------------------------------------------------------------


def check_resources(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-01: requests for CPU and memory, a memory limit."""
    out = []
    for c in containers(pod_spec(subject.type, subject.props)):
        missing = [
            path
            for path in (("requests", "cpu"), ("requests", "memory"), ("limits", "memory"))
            if get(c, "resources", *path) in (None, "")
        ]
        if missing:
            out.append(f"container {cname(c)} lacks resources " + ", ".join(".".join(m) for m in missing))
    return out


def check_probes(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-02: readiness and liveness probes on long-running containers."""
    out = []
    for c in containers(pod_spec(subject.type, subject.props), init=False):
        missing = [p for p in ("readinessProbe", "livenessProbe") if not get(c, p)]
        if missing:
            out.append(f"container {cname(c)} lacks {' and '.join(missing)}")
    return out


def image_problem(image: Any, require_digest: bool) -> str | None:
    """None when the image is pinned; else why not (never the image itself)."""
    if not isinstance(image, str) or not image:
        return "has no image"
    if "@sha256:" in image:
        return None
    if require_digest:
        return "is not pinned by digest"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "has no tag (implicitly :latest)"
    if last.split(":", 1)[1] in ("latest", ""):
        return "uses the :latest tag"
    return None


def check_pinned_images(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-03: explicit tags other than latest (digests with requireDigest); pull policy not Never."""
    out = []
    for c in containers(pod_spec(subject.type, subject.props)):
        problem = image_problem(get(c, "image"), bool(cfg.get("requireDigest", False)))
        if problem:
            out.append(f"container {cname(c)} {problem}")
        if get(c, "imagePullPolicy") == "Never":
            out.append(f"container {cname(c)} has imagePullPolicy Never")
    return out


def check_privileged(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-04: no privileged containers, no dangerous added capabilities."""
    out = []
    for c in containers(pod_spec(subject.type, subject.props)):
        if truthy(get(c, "securityContext", "privileged")):
            out.append(f"container {cname(c)} is privileged")
        added = {str(x).upper() for x in items(get(c, "securityContext", "capabilities", "add"))}
        bad = sorted(added & DANGEROUS_CAPABILITIES)
        if bad:
            out.append(f"container {cname(c)} adds capabilities {', '.join(bad)}")
    return out


def check_privilege_escalation(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-04: allowPrivilegeEscalation defaults to true and runAsNonRoot to unset: both must be explicit."""
    spec = pod_spec(subject.type, subject.props)
    pod_non_root = truthy(get(spec, "securityContext", "runAsNonRoot"))
    out = []
    for c in containers(spec):
        ctx = get(c, "securityContext", default={})
        if get(ctx, "allowPrivilegeEscalation") is not False:
            out.append(f"container {cname(c)} does not set allowPrivilegeEscalation: false")
        non_root = get(ctx, "runAsNonRoot")
        if not (truthy(non_root) or (non_root is None and pod_non_root)):
            out.append(f"container {cname(c)} may run as root (runAsNonRoot not true)")
    return out


def check_host_namespaces(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-04: no hostNetwork/hostPID/hostIPC, no hostPort."""
    spec = pod_spec(subject.type, subject.props)
    out = [f"the pod sets {k}" for k in ("hostNetwork", "hostPID", "hostIPC") if truthy(get(spec, k))]
    for c in containers(spec):
        if any(get(p, "hostPort") for p in items(get(c, "ports"))):
            out.append(f"container {cname(c)} binds a hostPort")
    return out


def check_host_path(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-04: no hostPath volumes (the container runtime socket above all)."""
    spec = pod_spec(subject.type, subject.props)
    return [
        f"volume {get(v, 'name', default='?')} mounts a hostPath"
        for v in items(get(spec, "volumes"))
        if get(v, "hostPath")
    ]


def check_read_only_root(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-05: read-only root filesystem (write to emptyDir volumes instead)."""
    return [
        f"container {cname(c)} does not set readOnlyRootFilesystem: true"
        for c in containers(pod_spec(subject.type, subject.props))
        if get(c, "securityContext", "readOnlyRootFilesystem") is not True
    ]


def check_service_account(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-06: a dedicated ServiceAccount (RRSA binds RAM roles per ServiceAccount)."""
    spec = pod_spec(subject.type, subject.props)
    out = []
    sa = get(spec, "serviceAccountName")
    if not sa or sa == "default":
        out.append("the pods run as the default ServiceAccount")
    if get(spec, "serviceAccount"):
        out.append("the deprecated serviceAccount field is set")
    return out


def check_secrets_in_env(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-07: secret-like env vars come from secretKeyRef or a mounted Secret, never a literal."""
    out = []
    for c in containers(pod_spec(subject.type, subject.props)):
        for e in items(get(c, "env")):
            name = str(get(e, "name", default=""))
            if secret_like_name(name) and get(e, "value") is not None:
                out.append(f"container {cname(c)} sets {name} as a literal value")
    return out


def check_default_namespace(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-08: absent metadata.namespace means `default`."""
    return ["it lives in the default namespace"] if namespace_of(subject.props) == "default" else []


def targets_virtual_nodes(template: Any) -> bool:
    """Pods that burst onto ECI: label alibabacloud.com/eci, nodeSelector or toleration for virtual-kubelet."""
    spec = get(template, "spec", default={})
    labels = get(template, "metadata", "labels", default={})
    if str(get(labels, "alibabacloud.com/eci", default="")).lower() == "true":
        return True
    if get(spec, "nodeSelector", "type") == "virtual-kubelet":
        return True
    return any(
        str(get(t, "key", default="")).startswith("virtual-kubelet.io/") for t in items(get(spec, "tolerations"))
    )


def check_virtual_node_sizing(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """ECI-02: ECI sizes and bills each pod from its requests; host features do not exist there."""
    template = pod_template(subject.type, subject.props)
    if not targets_virtual_nodes(template):
        return []
    annotations = get(template, "metadata", "annotations", default={})
    out = []
    if not get(annotations, "k8s.aliyun.com/eci-use-specs"):
        for c in containers(get(template, "spec", default={})):
            if not get(c, "resources", "requests", "cpu") or not get(c, "resources", "requests", "memory"):
                out.append(f"container {cname(c)} on virtual nodes lacks CPU/memory requests")
    out += [p for p in check_host_namespaces(subject, cfg) + check_host_path(subject, cfg)]
    return out


def check_external_ips(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-19: `spec.externalIPs` makes kube-proxy capture traffic for those addresses on every node, for any
    client of the cluster (CVE-2020-8554: a Service can intercept another's traffic); no Service sets it."""
    if items(get(subject.props, "spec", "externalIPs")):
        return ["spec.externalIPs is set, so every node captures traffic for those addresses (CVE-2020-8554)"]
    return []


def check_service_exposure(subject: Subject, cfg: Mapping[str, Any]) -> list[str]:
    """K8S-13: LoadBalancer services are intranet unless allow-listed; NodePort off when disallowed."""
    kind = get(subject.props, "spec", "type", default="ClusterIP")
    svc_name = get(subject.props, "metadata", "name", default=subject.name)
    allowed = set(cfg.get("allowPublic", []))
    if kind == "LoadBalancer" and svc_name not in allowed and subject.name not in allowed:
        annotations = get(subject.props, "metadata", "annotations", default={})
        if get(annotations, INTRANET_ANNOTATION) != "intranet":
            return ["the LoadBalancer service gets a public address"]
    if kind == "NodePort" and cfg.get("disallowNodePort", True):
        return ["the service opens a NodePort on every node"]
    return []


RESOURCE_RULES = [
    workload_rule(
        "kubernetes-apps-workload-configure-resources",
        "Containers must request CPU and memory and limit memory (scheduling, HPA math, ECI sizing).",
        check=check_resources,
        severity=Severity.MEDIUM,
        anchors=[
            "CKV_K8S_10",
            "CKV_K8S_11",
            "CKV_K8S_12",
            "CKV_K8S_13",
            "kube-linter:unset-cpu-requirements",
            "kube-linter:unset-memory-requirements",
            "Polaris:cpuRequestsMissing",
            "Polaris:memoryLimitsMissing",
        ],
        fix="set resources.requests.cpu/memory and resources.limits.memory on every container",
    ),
    workload_rule(
        "kubernetes-apps-workload-configure-probes",
        "Long-running containers must have readiness and liveness probes.",
        check=check_probes,
        types=LONG_RUNNING,
        severity=Severity.MEDIUM,
        anchors=[
            "CKV_K8S_8",
            "CKV_K8S_9",
            "Polaris:readinessProbeMissing",
            "Polaris:livenessProbeMissing",
            "kube-linter:no-readiness-probe",
            "kube-linter:no-liveness-probe",
        ],
        fix="add readinessProbe and livenessProbe (httpGet/tcpSocket on the serving port)",
    ),
    workload_rule(
        "kubernetes-apps-workload-pin-images",
        "Container images must be pinned to an explicit tag other than latest (or a digest).",
        check=check_pinned_images,
        severity=Severity.HIGH,
        anchors=["CKV_K8S_14", "CKV_K8S_43", "Polaris:tagNotSpecified", "kube-linter:latest-tag"],
        fix="reference the image as repo:<version> or repo@sha256:<digest>",
        config={"requireDigest": bool_schema(False, "require @sha256 digests")},
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    workload_rule(
        "kubernetes-apps-workload-disallow-privileged",
        "Containers must not be privileged or add dangerous capabilities (SYS_ADMIN, NET_RAW, ALL, ...).",
        check=check_privileged,
        severity=Severity.CRITICAL,
        anchors=[
            "CKV_K8S_16",
            "CKV_K8S_25",
            "CKV_K8S_28",
            "CKV_K8S_37",
            "CKV_K8S_39",
            "Polaris:runAsPrivileged",
            "Polaris:dangerousCapabilities",
            "kube-linter:privileged-container",
        ],
        fix="remove securityContext.privileged and capabilities.add; drop ALL capabilities",
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    workload_rule(
        "kubernetes-apps-workload-disallow-privilege-escalation",
        "Containers must set allowPrivilegeEscalation: false and run as non-root (both default to unsafe).",
        check=check_privilege_escalation,
        severity=Severity.HIGH,
        anchors=[
            "CKV_K8S_20",
            "CKV_K8S_23",
            "Polaris:privilegeEscalationAllowed",
            "Polaris:runAsRootAllowed",
            "kube-linter:privilege-escalation-container",
            "kube-linter:run-as-non-root",
        ],
        fix="set securityContext allowPrivilegeEscalation=false and runAsNonRoot=true (pod or container)",
    ),
    workload_rule(
        "kubernetes-apps-workload-disallow-host-namespaces",
        "Pods must not share the host network, PID or IPC namespaces nor bind host ports.",
        check=check_host_namespaces,
        severity=Severity.HIGH,
        anchors=[
            "CKV_K8S_17",
            "CKV_K8S_18",
            "CKV_K8S_19",
            "CKV_K8S_26",
            "Polaris:hostNetworkSet",
            "Polaris:hostPIDSet",
            "Polaris:hostIPCSet",
            "kube-linter:host-network",
        ],
        fix="remove hostNetwork/hostPID/hostIPC and hostPort; expose the pod through a Service",
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    workload_rule(
        "kubernetes-apps-workload-disallow-host-path",
        "Pods must not mount hostPath volumes (node takeover, container runtime socket).",
        check=check_host_path,
        severity=Severity.HIGH,
        anchors=["CKV_K8S_27", "Polaris:hostPathSet", "kube-linter:sensitive-host-mounts", "kube-linter:docker-sock"],
        fix="use emptyDir, a ConfigMap/Secret or a CSI volume instead of hostPath",
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    workload_rule(
        "kubernetes-apps-workload-require-read-only-root-filesystem",
        "Containers must run with a read-only root filesystem.",
        check=check_read_only_root,
        severity=Severity.MEDIUM,
        anchors=[
            "CKV_K8S_22",
            "Polaris:notReadOnlyRootFilesystem",
            "kube-linter:no-read-only-root-fs",
            "kubernetes-apps-v1-deployment-enable-read-only-root-filesystem",
        ],
        fix="set securityContext.readOnlyRootFilesystem=true and mount emptyDir where the app writes",
    ),
    workload_rule(
        "kubernetes-apps-workload-restrict-service-account",
        "Pods must run as a dedicated ServiceAccount (RRSA binds RAM roles per ServiceAccount).",
        check=check_service_account,
        severity=Severity.MEDIUM,
        anchors=[
            "CKV_K8S_41",
            "CKV_K8S_42",
            "kube-linter:default-service-account",
            "kube-linter:deprecated-service-account-field",
        ],
        fix="create a ServiceAccount per workload and set spec.template.spec.serviceAccountName",
    ),
    workload_rule(
        "kubernetes-apps-workload-disallow-secrets-in-env",
        "Secret-like environment variables must come from a Secret (secretKeyRef), never a literal.",
        check=check_secrets_in_env,
        severity=Severity.HIGH,
        anchors=["CKV_K8S_35", "Polaris:sensitiveContainerEnvVar", "kube-linter:env-var-secret"],
        fix="use env[].valueFrom.secretKeyRef or mount the Secret as a file",
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    workload_rule(
        "kubernetes-core-namespaced-disallow-default-namespace",
        "Namespaced Kubernetes objects must not live in the default namespace.",
        check=check_default_namespace,
        types=NAMESPACED,
        severity=Severity.MEDIUM,
        anchors=["CKV_K8S_21", "kube-linter:use-namespace"],
        fix="set metadata.namespace to the service's own namespace",
    ),
    workload_rule(
        "kubernetes-apps-workload-require-virtual-node-sizing",
        "Pods bursting onto ECI virtual nodes must declare CPU/memory requests and use no host features.",
        check=check_virtual_node_sizing,
        severity=Severity.MEDIUM,
        anchors=[
            "CKV_K8S_10",
            "CKV_K8S_12",
            "CKV_K8S_19",
            "CKV_K8S_26",
            "Polaris:cpuRequestsMissing",
            "Polaris:hostPathSet",
        ],
        fix="set resources.requests (or the k8s.aliyun.com/eci-use-specs annotation) and drop host* settings",
    ),
    workload_rule(
        "kubernetes-core-service-disallow-external-ips",
        "Kubernetes Services must not set externalIPs (every node captures that traffic; CVE-2020-8554).",
        check=check_external_ips,
        types=[SERVICE],
        severity=Severity.HIGH,
        anchors=["CVE-2020-8554", "k8s:DenyServiceExternalIPs admission plugin"],
        fix="remove spec.externalIPs; expose the Service through the MSE gateway (Ingress) or an intranet LoadBalancer",
        enforcement_level=EnforcementLevel.MANDATORY,
    ),
    workload_rule(
        "kubernetes-core-service-restrict-exposure",
        "Kubernetes Services must not get public load balancers or NodePorts unless allow-listed.",
        check=check_service_exposure,
        types=[SERVICE],
        severity=Severity.HIGH,
        anchors=["kubernetes-core-v1-service-disallow-load-balancer", "kube-linter:exposed-services"],
        fix="annotate service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type: intranet, or enter "
        "traffic through the MSE gateway",
        config={
            "allowPublic": str_list_schema([], "service names allowed a public load balancer"),
            "disallowNodePort": bool_schema(True, "flag NodePort services"),
        },
    ),
]
