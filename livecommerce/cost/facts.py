"""What a plan says about capacity: node pools, pods and their placement, the live-event calendar.

Everything is read from the plan's own resources (format v1, docs/plan-format.md), so any plan file can be
priced, not only the shipped stacks:

* node pools (`alicloud:cs/nodePool:NodePool`): instance types, steady (`minSize`) and largest size, labels,
  system disk, spot;
* Deployments: pod requests (ECS packing) and limits (ECI sizing), fixed `replicas`, placement from what the
  scheduler sees (a `ResourcePolicy` selecting the pods, the virtual-node toleration and node selector, the
  `alibabacloud.com/eci` label), and whether ack-onepilot enrols the pods in MSE governance;
* HPAs (floor and ceiling) and CronHPA jobs (the calendar: one-shot `targetSize` changes at a 6-field cron).

Facts, not prices; `model.py` prices them. Unknown or unreadable values raise `PlanFactError`, naming the
resource and the input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

NODE_POOL = "alicloud:cs/nodePool:NodePool"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
HPA = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler"
CRON_HPA = "kubernetes:autoscaling.alibabacloud.com/v1beta1:CronHorizontalPodAutoscaler"
RESOURCE_POLICY = "kubernetes:scheduling.alibabacloud.com/v1alpha1:ResourcePolicy"

# Virtual nodes (platform-facts 3.2): taint virtual-kubelet.io/provider=alibabacloud:NoSchedule, label
# type=virtual-kubelet; the pod label alibabacloud.com/eci="true" beats every other placement rule.
VK_TAINT_KEY = "virtual-kubelet.io/provider"
VK_LABEL = ("type", "virtual-kubelet")
ECI_LABELS = ("alibabacloud.com/eci", "eci")
ECI_SPECS_ANNOTATION = "k8s.aliyun.com/eci-use-specs"
ECI_SPOT_ANNOTATION = "k8s.aliyun.com/eci-spot-strategy"
MSE_AGENT_LABEL = "msePilotAutoEnable"


class PlanFactError(ValueError):
    """A plan value the cost model cannot read; the message names the resource and the input."""


# --------------------------------------------------------------------------------------------------
# Kubernetes quantities

_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([a-zA-Z]*)$")
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {"": 1, "n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18}


def quantity(value: Any) -> float:
    """A Kubernetes resource quantity (`500m`, `2`, `1.5`, `1024Mi`, `2Gi`, `1G`, `1e9`) as a plain number
    (cores for CPU, bytes for memory). Raises ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError(f"not a quantity: {value!r}")
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"not a quantity: {value!r}")
        return float(value)
    match = _QUANTITY.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"not a quantity: {value!r}")
    number, suffix = float(match.group(1)), match.group(2)
    if suffix in _BINARY:
        out = number * _BINARY[suffix]
    elif suffix in _DECIMAL:
        out = number * _DECIMAL[suffix]
    else:
        raise ValueError(f"unknown quantity suffix {suffix!r} in {value!r}")
    if out < 0:
        raise ValueError(f"negative quantity {value!r}")
    return out


GIB = float(2**30)


# --------------------------------------------------------------------------------------------------
# Facts


@dataclass(frozen=True)
class Shape:
    """vCPUs and GiB of one pod or node."""

    vcpu: float
    memory_gib: float

    def scaled(self, n: float) -> Shape:
        return Shape(self.vcpu * n, self.memory_gib * n)


@dataclass(frozen=True)
class NodePool:
    name: str
    """The plan resource name (e.g. `prod-node-pools-steady`)."""
    instance_types: tuple[str, ...]
    """In priority order; the first is the one priced (the scaling group tries them in this order)."""
    min_size: int
    """Nodes at steady state (`scalingConfig.minSize`, or `desiredSize` without autoscaling)."""
    max_size: int
    labels: Mapping[str, str]
    disk_category: str
    disk_gib: int
    spot: bool

    @property
    def instance_type(self) -> str:
        return self.instance_types[0]


@dataclass(frozen=True)
class CronJobFact:
    name: str
    schedule: str
    """6 fields, seconds first, no year (the controller's time zone: UTC as the stack writes them)."""
    target: int


@dataclass(frozen=True)
class Workload:
    """One Deployment: how many pods, how big, and where they may run."""

    name: str
    """The plan resource name (e.g. `prod-workloads-shop-v1`)."""
    key: str
    """`<namespace>/<deployment>` as the cluster knows it."""
    requests: Shape
    """What one pod reserves on an ECS node (sum of its containers' requests)."""
    limits: Shape
    """What ECI sizes one pod from: per dimension the sum of limits, else of requests."""
    eci_specs: tuple[str, ...]
    """`k8s.aliyun.com/eci-use-specs`, when set (it beats limits and requests)."""
    placement: str
    """`ecs-only`, `ecs-first` or `eci-only`."""
    ecs_max: int | None
    """With `ecs-first`, most pods on ECS (the ResourcePolicy ECS unit's `max`); None = as many as fit."""
    pool_selector: Mapping[str, str]
    """Node labels the ECS pods need (ResourcePolicy ECS unit, else the pod's nodeSelector)."""
    fixed_replicas: int | None
    """`spec.replicas` (canary versions); None when an HPA owns the count."""
    hpa_min: int | None
    hpa_max: int | None
    jobs: tuple[CronJobFact, ...] = ()
    mse_agent: bool = False
    eci_spot: bool = False

    @property
    def baseline(self) -> int:
        """Pods outside live events: the fixed count, else the HPA floor, else Kubernetes' default 1."""
        if self.fixed_replicas is not None:
            return self.fixed_replicas
        return self.hpa_min if self.hpa_min is not None else 1


@dataclass(frozen=True)
class PlanFacts:
    stack: str
    region: str | None
    pools: tuple[NodePool, ...]
    workloads: tuple[Workload, ...]
    resources: tuple[Mapping[str, Any], ...] = field(default=(), repr=False)

    def of_type(self, type_: str) -> list[Mapping[str, Any]]:
        return [r for r in self.resources if r.get("type") == type_]


def _name(res: Mapping[str, Any]) -> str:
    return str(res.get("name") or res.get("urn") or "?")


def obj(res: Mapping[str, Any], value: Any, path: str) -> Mapping[str, Any]:
    """`value` if it is a JSON object (None: empty); else PlanFactError naming the resource and path.
    A hand-edited plan may hold any JSON in `inputs` (the format does not type them)."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    raise PlanFactError(f"{_name(res)}: {path}: expected an object, got {_kind(value)}")


def seq(res: Mapping[str, Any], value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise PlanFactError(f"{_name(res)}: {path}: expected a list, got {_kind(value)}")


def text(res: Mapping[str, Any], value: Any, path: str, default: str = "") -> str:
    if value is None:
        return default
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise PlanFactError(f"{_name(res)}: {path}: expected a string, got {_kind(value)}")


def number(res: Mapping[str, Any], value: Any, path: str, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise PlanFactError(f"{_name(res)}: {path}: expected a number, got {value!r}")
    return float(value)


def inputs_of(res: Mapping[str, Any]) -> Mapping[str, Any]:
    return obj(res, res.get("inputs"), "inputs")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _int(res: Mapping[str, Any], path: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or value != int(value) or value < 0:
        raise PlanFactError(f"{_name(res)}: {path}: expected a whole number, got {value!r}")
    return int(value)


def _pool(res: Mapping[str, Any]) -> NodePool:
    inputs = inputs_of(res)
    types = inputs.get("instanceTypes") or []
    if not isinstance(types, list) or not types or not all(isinstance(t, str) for t in types):
        raise PlanFactError(f"{_name(res)}: instanceTypes: expected a list of ECS instance types, got {types!r}")
    scaling = obj(res, inputs.get("scalingConfig"), "scalingConfig")
    if scaling.get("enable"):
        low = _int(res, "scalingConfig.minSize", scaling.get("minSize", 0))
        high = _int(res, "scalingConfig.maxSize", scaling.get("maxSize", low))
    else:
        low = high = _int(res, "desiredSize", inputs.get("desiredSize", 0))
    labels = {}
    for label in seq(res, inputs.get("labels"), "labels"):
        if isinstance(label, Mapping) and "key" in label:
            labels[str(label["key"])] = str(label.get("value", ""))
    spot = text(res, inputs.get("spotStrategy"), "spotStrategy", "NoSpot") not in ("NoSpot", "")
    disk = text(res, inputs.get("systemDiskCategory"), "systemDiskCategory", "cloud_efficiency") or "cloud_efficiency"
    return NodePool(name=_name(res), instance_types=tuple(types), min_size=low, max_size=max(high, low),
                    labels=labels, disk_category=disk,
                    disk_gib=_int(res, "systemDiskSize", inputs.get("systemDiskSize", 40)), spot=spot)


def _containers_shape(res: Mapping[str, Any], containers: Sequence[Mapping[str, Any]]) -> tuple[Shape, Shape]:
    req_cpu = req_mem = lim_cpu = lim_mem = 0.0
    any_lim_cpu = any_lim_mem = False
    for c in containers:
        cname = c.get("name", "?")
        where = f"spec.template.spec.containers[{cname}].resources"
        resources = obj(res, c.get("resources"), where)
        requests = obj(res, resources.get("requests"), f"{where}.requests")
        limits = obj(res, resources.get("limits"), f"{where}.limits")
        try:
            r_cpu = quantity(requests["cpu"]) if "cpu" in requests else 0.0
            r_mem = quantity(requests["memory"]) / GIB if "memory" in requests else 0.0
            l_cpu = quantity(limits["cpu"]) if "cpu" in limits else None
            l_mem = quantity(limits["memory"]) / GIB if "memory" in limits else None
        except ValueError as exc:
            raise PlanFactError(f"{_name(res)}: container {cname}: resources: {exc}") from None
        # Kubernetes: a limit without a request makes the request equal to the limit.
        r_cpu = r_cpu or (l_cpu or 0.0)
        r_mem = r_mem or (l_mem or 0.0)
        req_cpu, req_mem = req_cpu + r_cpu, req_mem + r_mem
        any_lim_cpu |= l_cpu is not None
        any_lim_mem |= l_mem is not None
        lim_cpu += l_cpu if l_cpu is not None else r_cpu
        lim_mem += l_mem if l_mem is not None else r_mem
    requests_shape = Shape(req_cpu, req_mem)
    # ECI (doc 451261): limits when set (requests ignored), else requests; per dimension here, since a
    # container may cap memory only (cpu_limit null). Nothing set at all: ECI's default 2 vCPU / 4 GiB.
    eci = Shape(lim_cpu if (any_lim_cpu or req_cpu) else 2.0, lim_mem if (any_lim_mem or req_mem) else 4.0)
    return requests_shape, eci


def _matches(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    return all(str(labels.get(k)) == str(v) for k, v in selector.items())


def _tolerates_vk(spec: Mapping[str, Any]) -> bool:
    tolerations = spec.get("tolerations")
    for t in tolerations if isinstance(tolerations, list) else []:
        if not isinstance(t, Mapping):
            continue
        if t.get("key") == VK_TAINT_KEY and t.get("effect") in (None, "", "NoSchedule"):
            return True
        if t.get("operator") == "Exists" and not t.get("key"):
            return True
    return False


def _placement(res: Mapping[str, Any], namespace: str, pod_labels: Mapping[str, str], spec: Mapping[str, Any],
               policies: Sequence[Mapping[str, Any]]) -> tuple[str, int | None, dict[str, str]]:
    if any(str(pod_labels.get(k, "")).lower() == "true" for k in ECI_LABELS):
        return "eci-only", None, {}
    node_selector = {str(k): str(v) for k, v in obj(res, spec.get("nodeSelector"), "nodeSelector").items()}
    for policy in policies:
        p_inputs = inputs_of(policy)
        meta, p_spec = obj(policy, p_inputs.get("metadata"), "metadata"), obj(policy, p_inputs.get("spec"), "spec")
        if meta.get("namespace", "default") != namespace:
            continue
        if not _matches(obj(policy, p_spec.get("selector"), "spec.selector"), pod_labels):
            continue
        units = [u for u in seq(policy, p_spec.get("units"), "spec.units") if isinstance(u, Mapping)]
        ecs = [u for u in units if u.get("resource") == "ecs"]
        has_eci = any(u.get("resource") in ("eci", "elastic") for u in units)
        if not ecs:
            return ("eci-only", None, {}) if has_eci else ("ecs-only", None, node_selector)
        first = ecs[0]
        unit_selector = obj(policy, first.get("nodeSelector"), "spec.units[].nodeSelector")
        selector = {str(k): str(v) for k, v in unit_selector.items()} or node_selector
        cap = first.get("max")
        cap = None if cap is None else _int(policy, "spec.units[].max", cap)
        return ("ecs-first" if has_eci else "ecs-only"), cap, selector
    if node_selector.get(VK_LABEL[0]) == VK_LABEL[1]:
        return "eci-only", None, {}
    if _tolerates_vk(spec):  # the "ecs-prefer" pattern: preferred affinity away from virtual nodes
        return "ecs-first", None, node_selector
    return "ecs-only", None, node_selector


def _target(res: Mapping[str, Any]) -> tuple[str, Mapping[str, Any], Mapping[str, Any]]:
    """(namespace, metadata, spec) of a Kubernetes object in a plan, shapes checked."""
    i = inputs_of(res)
    meta, spec = obj(res, i.get("metadata"), "metadata"), obj(res, i.get("spec"), "spec")
    return text(res, meta.get("namespace"), "metadata.namespace", "default"), meta, spec


def _workloads(resources: Sequence[Mapping[str, Any]]) -> list[Workload]:
    policies = [r for r in resources if r.get("type") == RESOURCE_POLICY]
    hpas: dict[tuple[str, str], Mapping[str, Any]] = {}
    for r in resources:
        if r.get("type") == HPA:
            namespace, _, spec = _target(r)
            ref = obj(r, spec.get("scaleTargetRef"), "spec.scaleTargetRef")
            if ref.get("kind", "Deployment") == "Deployment":
                hpas[(namespace, str(ref.get("name")))] = r
    crons: dict[tuple[str, str], Mapping[str, Any]] = {}
    for r in resources:
        if r.get("type") == CRON_HPA:
            namespace, _, spec = _target(r)
            ref = obj(r, spec.get("scaleTargetRef"), "spec.scaleTargetRef")
            crons[(namespace, f"{ref.get('kind', '')}/{ref.get('name')}")] = r
    out = []
    for res in sorted((r for r in resources if r.get("type") == DEPLOYMENT), key=_name):
        namespace, meta, spec = _target(res)
        dname = text(res, meta.get("name"), "metadata.name", _name(res))
        template = obj(res, spec.get("template"), "spec.template")
        pod_meta = obj(res, template.get("metadata"), "spec.template.metadata")
        pod_spec = obj(res, template.get("spec"), "spec.template.spec")
        pod_labels = {str(k): str(v) for k, v in
                      obj(res, pod_meta.get("labels"), "spec.template.metadata.labels").items()}
        annotations = {str(k): str(v) for k, v in
                       obj(res, pod_meta.get("annotations"), "spec.template.metadata.annotations").items()}
        containers = [c for c in seq(res, pod_spec.get("containers"), "spec.template.spec.containers")
                      if isinstance(c, Mapping)]
        requests, limits = _containers_shape(res, containers)
        placement, cap, selector = _placement(res, namespace, pod_labels, pod_spec, policies)
        fixed = spec.get("replicas")
        fixed = None if fixed is None else _int(res, "spec.replicas", fixed)
        hpa = hpas.get((namespace, dname))
        hpa_min = hpa_max = None
        jobs: tuple[CronJobFact, ...] = ()
        if hpa is not None and fixed is None:
            _, h_meta, h_spec = _target(hpa)
            hpa_min = _int(hpa, "spec.minReplicas", h_spec.get("minReplicas", 1))
            hpa_max = _int(hpa, "spec.maxReplicas", h_spec.get("maxReplicas", hpa_min))
            hpa_name = h_meta.get("name")
            # HPA-compatible mode targets the HPA; a CronHPA on the Deployment itself is read the same way.
            cron = crons.get((namespace, f"HorizontalPodAutoscaler/{hpa_name}")) or \
                crons.get((namespace, f"Deployment/{dname}"))
            if cron is not None:
                jobs = tuple(_jobs(cron))
        specs = tuple(s.strip() for s in annotations.get(ECI_SPECS_ANNOTATION, "").split(",") if s.strip())
        out.append(Workload(
            name=_name(res), key=f"{namespace}/{dname}", requests=requests, limits=limits, eci_specs=specs,
            placement=placement, ecs_max=cap, pool_selector=selector, fixed_replicas=fixed,
            hpa_min=hpa_min, hpa_max=hpa_max, jobs=jobs,
            mse_agent=pod_labels.get(MSE_AGENT_LABEL, "").lower() == "on",
            eci_spot=annotations.get(ECI_SPOT_ANNOTATION, "") not in ("", "none")))
    return out


def _jobs(cron: Mapping[str, Any]) -> list[CronJobFact]:
    out = []
    _, _, spec = _target(cron)
    for i, job in enumerate(seq(cron, spec.get("jobs"), "spec.jobs")):
        if not isinstance(job, Mapping):
            raise PlanFactError(f"{_name(cron)}: spec.jobs[{i}]: expected a mapping")
        schedule = str(job.get("schedule", ""))
        if len(schedule.split()) != 6:
            raise PlanFactError(f"{_name(cron)}: spec.jobs[{i}].schedule: expected 6 cron fields "
                                f"(seconds first), got {schedule!r}")
        out.append(CronJobFact(name=str(job.get("name", f"job-{i}")), schedule=schedule,
                               target=_int(cron, f"spec.jobs[{i}].targetSize", job.get("targetSize", 0))))
    return out


def region_of(resources: Sequence[Mapping[str, Any]]) -> str | None:
    """The stack's region: that of its alicloud provider, or, when a stack builds a second one (the edge's recording
    bucket in a live center's region), of the provider most resources use (the second one holds a few buckets,
    priced at the stack region's rates)."""
    providers = [r for r in resources
                 if r.get("type") == "pulumi:providers:alicloud" and isinstance(r.get("inputs"), Mapping)
                 and isinstance(r["inputs"].get("region"), str) and r["inputs"]["region"]]
    distinct = sorted({str(r["inputs"]["region"]) for r in providers})
    if len(distinct) <= 1:
        return distinct[0] if distinct else None
    regions = {str(r.get("urn")): str(r["inputs"]["region"]) for r in providers}
    uses: dict[str, int] = {}
    for r in resources:
        options = r.get("options")
        urn = options.get("provider") if isinstance(options, Mapping) else None
        if isinstance(urn, str) and urn in regions:
            uses[regions[urn]] = uses.get(regions[urn], 0) + 1
    if not uses:
        return None
    top = max(uses.values())
    return sorted(region for region, n in uses.items() if n == top)[0]


def plan_facts(plan: Mapping[str, Any]) -> PlanFacts:
    """The capacity facts of a plan (format v1)."""
    raw = plan.get("resources")
    resources = tuple(r for r in (raw if isinstance(raw, list) else []) if isinstance(r, Mapping))
    pools = tuple(sorted((_pool(r) for r in resources if r.get("type") == NODE_POOL), key=lambda p: p.name))
    return PlanFacts(stack=str(plan.get("stack") or "?"), region=region_of(resources), pools=pools,
                     workloads=tuple(_workloads(resources)), resources=resources)
