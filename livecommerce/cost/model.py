"""The cost model: a plan, its live-event calendar and a price table -> two priced scenarios for a month.

* `elastic`: what the stack declares. Node pools at their steady size; pods that do not fit there (or that
  the ResourcePolicy caps off ECS) run on ECI for as long as the CronHPA floor holds them; ECS-only pods
  that do not fit make the pool scale out for that time.
* `peak_sized`: the same pods, no ECI. The pools the workloads run on are sized, all month, for the highest
  demand of the whole calendar (a fleet sized for the gala is paid for in every month).

Both scenarios carry the same fixed services (ACK, system pools, MSE, NAT/EIP, SLS, OSS, FC transcoding and
the MSE governance agents, which follow pod-hours). `saving_percent` is how much cheaper elastic is.

Pure: no clock, no network, no Pulumi. Every figure comes from the plan, `CostSettings` usage and the
table; every price used is listed with its confidence, every gap is an error naming it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from livecommerce.cost.calendar import Month, breakpoints, replica_steps, replicas_at
from livecommerce.cost.facts import NodePool, PlanFacts, Shape, Workload, inputs_of, number, plan_facts, text
from livecommerce.cost.prices import LoadedTable, PriceTable
from stacks.cost_settings import CostSettings
from livecommerce.errors import UserError

COST_FORMAT = "livecommerce.cost/v1"
SCENARIOS = ("elastic", "peak_sized")

# Node allocatable: ACK reserves CPU and memory for the kubelet, the OS and system pods, and add-on
# DaemonSets (Terway, log and metrics agents, CSI) take their share. ACK's example in "Resource reservation
# policy" (https://www.alibabacloud.com/help/doc-detail/330995.htm): a 4 vCPU / 7.6 GiB node allocates
# 3.9 vCPU / 5.6 GiB. Reservations grow slower than the node, so for the 16-32 GiB nodes the stacks use
# these fractions are conservative.
ALLOCATABLE_CPU_FRACTION = 0.95
ALLOCATABLE_MEMORY_FRACTION = 0.85

# ECI specs offered in every region (vCPU -> GiB options), "Specify the number of vCPUs and memory size to
# create a pod" (https://help.aliyun.com/document_detail/451261.htm). A pod's sum of container limits (else
# requests) is rounded up to one of them and billed as that spec.
ECI_SPECS: dict[float, tuple[float, ...]] = {
    0.25: (0.5, 1), 0.5: (1, 2), 1: (2, 4, 8), 2: (1, 2, 4, 8, 16), 4: (2, 4, 8, 16, 32), 8: (4, 8, 16, 32, 64),
    12: (12, 24, 48, 96), 16: (16, 32, 64, 128), 24: (24, 48, 96, 192), 32: (32, 64, 128, 256),
    52: (96, 192, 384), 64: (128, 256, 512),
}

# SLS compresses logs to 10-20% of their raw size before it meters write traffic and storage ("Billable
# items of pay-by-feature", https://www.alibabacloud.com/help/en/sls/billable-items); 15% is the middle.
SLS_COMPRESSION = 0.15
# FC bills disk above the 512 MB every instance gets (docs/media.md: disk is 512 or 10240 MiB).
FC_FREE_DISK_MIB = 512
# A replay may be several uploads; for the (tiny) request fee one invocation per replay hour is assumed.
INVOCATIONS_PER_REPLAY_HOUR = 1
# An `as_of` this much older than the priced month earns a note (never an error).
STALE_DAYS = 180


class MissingPrices(UserError):
    """The plan needs prices (or resource-type entries) the table does not have. One line each."""


# --------------------------------------------------------------------------------------------------
# Result types


@dataclass(frozen=True)
class Part:
    price: str
    quantity: float
    unit: str
    unit_price: float
    confidence: str

    @property
    def cost(self) -> float:
        return self.quantity * self.unit_price

    def to_json(self) -> dict[str, Any]:
        return {"price": self.price, "quantity": round(self.quantity, 4), "unit": self.unit,
                "unit_price": self.unit_price, "cost": round(self.cost, 2), "confidence": self.confidence}


_CONFIDENCE_ORDER = {"confirmed": 0, "unconfirmed": 1, "estimate": 2}


@dataclass(frozen=True)
class LineItem:
    key: str
    """Stable id, e.g. `ecs:prod-node-pools-steady` or `eci:live/live-interaction-v1`."""
    category: str
    description: str
    resources: tuple[str, ...]
    parts: tuple[Part, ...]
    label: str = ""
    """What the row is, the same in both scenarios (`description` adds the scenario's quantity)."""

    @property
    def cost(self) -> float:
        return round(sum(p.cost for p in self.parts), 2)

    @property
    def row(self) -> str:
        return self.label or self.description

    @property
    def detail(self) -> str:
        if self.label and self.description.startswith(self.label):
            return self.description[len(self.label):].lstrip(": ")
        return self.description

    @property
    def confidence(self) -> str:
        worst = max((p.confidence for p in self.parts), key=lambda c: _CONFIDENCE_ORDER.get(c, 3),
                    default="confirmed")
        return worst

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "category": self.category, "item": self.row, "description": self.description,
                "resources": list(self.resources), "monthly_cost": self.cost, "confidence": self.confidence,
                "parts": [p.to_json() for p in self.parts]}


@dataclass(frozen=True)
class Scenario:
    name: str
    items: tuple[LineItem, ...]

    @property
    def total(self) -> float:
        return round(sum(i.cost for i in self.items), 2)

    def to_json(self) -> dict[str, Any]:
        return {"monthly_total": self.total, "items": [i.to_json() for i in self.items]}


@dataclass(frozen=True)
class CostReport:
    env: str
    region: str
    month: Month
    currency: str
    as_of: str
    scenarios: Mapping[str, Scenario]
    assumptions: tuple[str, ...]
    notes: tuple[str, ...]
    prices: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """Every price used: key -> unit, unit price (table currency), as_of, source, confidence."""

    @property
    def elastic(self) -> float:
        return self.scenarios["elastic"].total

    @property
    def peak_sized(self) -> float:
        return self.scenarios["peak_sized"].total

    @property
    def saving_percent(self) -> float:
        if self.peak_sized <= 0:
            return 0.0
        return round(100 * (self.peak_sized - self.elastic) / self.peak_sized, 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "format": COST_FORMAT, "env": self.env, "region": self.region, "month": self.month.label,
            "hours": self.month.hours, "currency": self.currency, "as_of": self.as_of,
            "scenarios": {k: v.to_json() for k, v in self.scenarios.items()},
            "saving_percent": self.saving_percent, "assumptions": list(self.assumptions),
            "notes": list(self.notes), "prices": {k: dict(v) for k, v in sorted(self.prices.items())},
        }


# --------------------------------------------------------------------------------------------------
# Pricing helpers


class _Pricer:
    """Looks prices up; collects every missing one instead of failing at the first."""

    def __init__(self, loaded: LoadedTable):
        self.loaded = loaded
        self.table: PriceTable = loaded.table
        self.missing: list[str] = []
        self.used: dict[str, Mapping[str, Any]] = {}

    def has(self, key: str) -> bool:
        return key in self.table.items

    def part(self, key: str, quantity: float, needed_by: str) -> Part | None:
        item = self.table.items.get(key)
        if item is None:
            line = (f"{self.loaded.shown}: no price `{key}` (needed by {needed_by}); add it with unit, price, "
                    "as_of, source and confidence (docs/cost.md), or run `livecommerce cost ENV --refresh-prices`")
            if line not in self.missing:
                self.missing.append(line)
            return None
        unit_price = self.table.unit_price(key)
        self.used[key] = {"unit": item.unit, "unit_price": unit_price, "currency": self.table.currency,
                          "quoted": f"{item.price:g} {item.currency}", "as_of": item.as_of.isoformat(),
                          "source": item.source, "confidence": item.confidence,
                          **({"note": item.note} if item.note else {})}
        return Part(key, quantity, item.unit, unit_price, item.confidence)

    def spec(self, instance_type: str, needed_by: str) -> Shape | None:
        item = self.table.items.get(instance_type)
        if item is None or item.vcpu is None or item.memory_gib is None:
            self.part(instance_type, 0, needed_by)
            return None
        return Shape(item.vcpu, item.memory_gib)


def _item(key: str, category: str, description: str, resources: Iterable[str],
          parts: Iterable[Part | None], label: str = "") -> LineItem | None:
    kept = tuple(p for p in parts if p is not None)
    if not kept:
        return None
    return LineItem(key, category, description, tuple(resources), kept, label)


def eci_spec(shape: Shape) -> Shape:
    """The cheapest ECI spec with at least `shape`'s vCPUs and memory (how ECI rounds and bills a pod)."""
    best: Shape | None = None
    for vcpu, memories in ECI_SPECS.items():
        if vcpu + 1e-9 < shape.vcpu:
            continue
        for mem in memories:
            if mem + 1e-9 >= shape.memory_gib:
                candidate = Shape(float(vcpu), float(mem))
                # ECI list prices: 0.000049 CNY per vCPU-second vs 0.00000613 per GiB-second (8:1).
                if best is None or (candidate.vcpu * 8 + candidate.memory_gib, candidate.vcpu) < \
                        (best.vcpu * 8 + best.memory_gib, best.vcpu):
                    best = candidate
                break
    if best is None:
        raise ValueError(f"no ECI spec holds {shape.vcpu:g} vCPU / {shape.memory_gib:g} GiB")
    return best


def _parse_use_spec(text: str) -> Shape | str:
    """`2-4Gi` -> Shape(2, 4); `ecs.c6.xlarge` -> the instance type."""
    if text.startswith("ecs."):
        return text
    cpu, _, mem = text.partition("-")
    return Shape(float(cpu), float(mem.removesuffix("Gi")))


def _allocatable(spec: Shape) -> Shape:
    return Shape(spec.vcpu * ALLOCATABLE_CPU_FRACTION, spec.memory_gib * ALLOCATABLE_MEMORY_FRACTION)


def _fits(free: Shape, shape: Shape) -> int:
    """How many pods of `shape` fit in `free` (unbounded for an empty shape)."""
    limits = []
    if shape.vcpu > 0:
        limits.append(math.floor((free.vcpu + 1e-9) / shape.vcpu))
    if shape.memory_gib > 0:
        limits.append(math.floor((free.memory_gib + 1e-9) / shape.memory_gib))
    return max(0, min(limits)) if limits else 10**9


def _minus(a: Shape, b: Shape) -> Shape:
    return Shape(a.vcpu - b.vcpu, a.memory_gib - b.memory_gib)


def _nodes_for(demand: Shape, node: Shape) -> int:
    need = 0.0
    if node.vcpu > 0:
        need = max(need, demand.vcpu / node.vcpu)
    if node.memory_gib > 0:
        need = max(need, demand.memory_gib / node.memory_gib)
    return math.ceil(need - 1e-9)


def _pools_for(w: Workload, pools: Sequence[NodePool]) -> list[NodePool]:
    return [p for p in pools if all(p.labels.get(k) == v for k, v in w.pool_selector.items())]


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if abs(n - round(n)) < 1e-9 else f"{n:,.1f}"


# --------------------------------------------------------------------------------------------------
# The model


@dataclass
class _Usage:
    """Accumulated usage of the elastic simulation."""

    eci_pod_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    pod_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    scale_out_node_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    unschedulable: dict[str, int] = field(default_factory=dict)


def _simulate_elastic(facts: PlanFacts, workload_pools: list[NodePool], specs: Mapping[str, Shape],
                      month: Month) -> _Usage:
    usage = _Usage()
    steps = {w.key: replica_steps(w, month.start, month.end) for w in facts.workloads}
    points = breakpoints(facts.workloads, month.start, month.end) + [month.end]
    order = sorted(facts.workloads, key=lambda w: ({"ecs-only": 0, "ecs-first": 1, "eci-only": 2}[w.placement], w.key))
    for t0, t1 in zip(points, points[1:], strict=False):
        seconds = (t1 - t0).total_seconds()
        if seconds <= 0:
            continue
        free = {p.name: _allocatable(specs[p.name]).scaled(p.min_size) for p in workload_pools}
        added = {p.name: 0 for p in workload_pools}
        counts = {w.key: replicas_at(steps[w.key], t0) for w in order}
        on_ecs: dict[str, int] = defaultdict(int)
        for w in order:
            usage.pod_seconds[w.key] += counts[w.key] * seconds
        # Pass 1: the everyday pods, already running on ECS when a burst starts, keep their places.
        # Pass 2: the pods above the floor (the burst) take what ECS room is left, then ECI.
        for burst in (False, True):
            for w in order:
                n = counts[w.key]
                if w.placement == "eci-only":
                    if burst:
                        usage.eci_pod_seconds[w.key] += n * seconds
                    continue
                wave = max(0, n - w.baseline) if burst else min(n, w.baseline)
                cap = n if w.placement == "ecs-only" or w.ecs_max is None else w.ecs_max
                want = min(wave, max(0, cap - on_ecs[w.key]))
                pools = _pools_for(w, workload_pools)
                placed = 0
                for p in pools:
                    take = min(want - placed, _fits(free[p.name], w.requests))
                    if take > 0:
                        free[p.name] = _minus(free[p.name], w.requests.scaled(take))
                        placed += take
                rest = wave - placed
                if w.placement == "ecs-first":
                    on_ecs[w.key] += placed
                    usage.eci_pod_seconds[w.key] += rest * seconds
                    continue
                if rest > 0 and pools:  # ECS only: the cluster autoscaler adds nodes to the first pool
                    p = pools[0]
                    node = _allocatable(specs[p.name])
                    room = p.max_size - p.min_size - added[p.name]
                    nodes = min(room, _nodes_for(w.requests.scaled(rest), node))
                    if nodes > 0:
                        added[p.name] += nodes
                        free[p.name] = _minus(free[p.name], node.scaled(-nodes))
                        take = min(rest, _fits(free[p.name], w.requests))
                        free[p.name] = _minus(free[p.name], w.requests.scaled(take))
                        rest -= take
                on_ecs[w.key] += wave - rest
                if rest > 0:
                    usage.unschedulable[w.key] = max(usage.unschedulable.get(w.key, 0), rest)
        for name, nodes in added.items():
            usage.scale_out_node_seconds[name] += nodes * seconds
    return usage


@dataclass(frozen=True)
class _Peak:
    nodes: dict[str, int]
    at: datetime | None
    demand: dict[str, Shape]
    pods: int


def _peak(facts: PlanFacts, workload_pools: list[NodePool], default_pool: NodePool | None,
          specs: Mapping[str, Shape], month: Month) -> _Peak:
    """Nodes each workload pool needs to hold every pod at the calendar's highest demand (yearly pattern)."""
    start = datetime(month.year, 1, 1, tzinfo=month.start.tzinfo)
    end = datetime(month.year + 1, 1, 1, tzinfo=month.start.tzinfo)
    steps = {w.key: replica_steps(w, start, end) for w in facts.workloads}
    home: dict[str, str | None] = {}
    for w in facts.workloads:
        pools = _pools_for(w, workload_pools) if w.placement != "eci-only" else []
        home[w.key] = pools[0].name if pools else (default_pool.name if default_pool else None)
    best_nodes = {p.name: p.min_size for p in workload_pools}
    best_at, best_demand, best_pods, best_total = None, {}, 0, -1.0
    for t in breakpoints(facts.workloads, start, end):
        demand: dict[str, Shape] = defaultdict(lambda: Shape(0.0, 0.0))
        pods = 0
        for w in facts.workloads:
            n = replicas_at(steps[w.key], t)
            pods += n
            if home[w.key] is not None:
                d = demand[home[w.key]]
                demand[home[w.key]] = Shape(d.vcpu + n * w.requests.vcpu, d.memory_gib + n * w.requests.memory_gib)
        for p in workload_pools:
            need = _nodes_for(demand.get(p.name, Shape(0, 0)), _allocatable(specs[p.name]))
            best_nodes[p.name] = max(best_nodes[p.name], need)
        total = sum(d.vcpu for d in demand.values())
        if total > best_total:
            best_total, best_at, best_demand, best_pods = total, t, dict(demand), pods
    return _Peak(best_nodes, best_at, best_demand, best_pods)


def _node_items(pool: NodePool, nodes: float, hours: float, pricer: _Pricer, what: str,
                key_prefix: str = "ecs") -> list[LineItem]:
    node_hours = nodes * hours
    spot = " [spot]" if pool.spot else ""
    label = f"{what} {pool.instance_type} ({pool.name}){spot}"
    disk_label = f"{what} system disks, {pool.disk_gib} GiB {pool.disk_category} ({pool.name})"
    count = f"{_fmt(nodes)} node{'' if nodes == 1 else 's'}"
    inst = _item(f"{key_prefix}:{pool.name}", "compute", f"{label}: {count}", [pool.name],
                 [pricer.part(pool.instance_type, node_hours, pool.name)], label)
    disk = _item(f"disk:{key_prefix}:{pool.name}", "compute", f"{disk_label}: {count}", [pool.name],
                 [pricer.part(f"ecs.disk.{pool.disk_category}", node_hours * pool.disk_gib, pool.name)], disk_label)
    return [i for i in (inst, disk) if i is not None]


def _eci_parts(w: Workload, pod_seconds: float, pricer: _Pricer) -> tuple[list[Part | None], str]:
    if w.eci_specs:
        first = _parse_use_spec(w.eci_specs[0])
        if isinstance(first, str):
            return [pricer.part(first, pod_seconds / 3600, w.name)], f"{first} (eci-use-specs)"
        spec = eci_spec(first)
    else:
        spec = eci_spec(w.limits)
    parts = [pricer.part("eci.vcpu", pod_seconds * spec.vcpu, w.name),
             pricer.part("eci.memory", pod_seconds * spec.memory_gib, w.name)]
    return parts, f"{spec.vcpu:g} vCPU / {spec.memory_gib:g} GiB"


def _workload_pools(facts: PlanFacts) -> list[NodePool]:
    used = set()
    for w in facts.workloads:
        if w.placement != "eci-only":
            used.update(p.name for p in _pools_for(w, facts.pools))
    return [p for p in facts.pools if p.name in used]


def _oss_triggered_functions(facts: PlanFacts) -> list[Mapping[str, Any]]:
    fns = {r.get("urn"): r for r in facts.of_type("alicloud:fc/v3Function:V3Function")}
    triggered = []
    for trig in facts.of_type("alicloud:fc/v3Trigger:V3Trigger"):
        if text(trig, inputs_of(trig).get("triggerType"), "triggerType").lower() != "oss":
            continue
        for dep in trig.get("dependencies") if isinstance(trig.get("dependencies"), list) else []:
            if dep in fns and fns[dep] not in triggered:
                triggered.append(fns[dep])
    return triggered or list(fns.values())


def _fixed_items(facts: PlanFacts, usage: CostSettings, month: Month, pricer: _Pricer,
                 agent_hours: float, agent_resources: Sequence[str], notes: list[str]) -> list[LineItem]:
    hours = month.hours
    items: list[LineItem | None] = []
    for r in facts.of_type("alicloud:cs/managedKubernetes:ManagedKubernetes"):
        spec = text(r, inputs_of(r).get("clusterSpec"), "clusterSpec", "ack.standard") or "ack.standard"
        items.append(_item(f"ack:{r['name']}", "platform", f"ACK cluster management ({spec})", [r["name"]],
                           [pricer.part(f"ack.cluster.{spec}", hours, r["name"])]))
    for r in facts.of_type("alicloud:mse/cluster:Cluster"):
        i = inputs_of(r)
        edition = text(r, i.get("mseVersion"), "mseVersion", "mse_pro")
        spec = text(r, i.get("clusterSpecification"), "clusterSpecification")
        count = int(number(r, i.get("instanceCount"), "instanceCount", 1))
        items.append(_item(f"mse-registry:{r['name']}", "governance",
                           f"MSE registry {edition} {spec} × {count} nodes", [r["name"]],
                           [pricer.part(f"mse.registry.{edition}.{spec}", hours * count, r["name"])]))
    for r in facts.of_type("alicloud:mse/gateway:Gateway"):
        i = inputs_of(r)
        spec, count = text(r, i.get("spec"), "spec"), int(number(r, i.get("replica"), "replica", 1))
        items.append(_item(f"mse-gateway:{r['name']}", "governance", f"MSE cloud-native gateway {spec} × {count} nodes",
                           [r["name"]], [pricer.part(f"mse.gateway.{spec}", hours * count, r["name"])]))
    if agent_hours > 0:
        items.append(_item("mse-agents", "governance",
                           f"MSE governance agents: {_fmt(agent_hours)} pod-hours (pods with msePilotAutoEnable)",
                           agent_resources, [pricer.part("mse.governance.agent", agent_hours, "enrolled pods")]))
    for r in facts.of_type("alicloud:vpc/natGateway:NatGateway"):
        nat_type = (text(r, inputs_of(r).get("natType"), "natType", "Enhanced") or "Enhanced").lower()
        items.append(_item(f"nat:{r['name']}", "network", f"NAT gateway ({nat_type}) instance fee", [r["name"]],
                           [pricer.part(f"nat.{nat_type}.instance", hours, r["name"])]))
    eips = facts.of_type("alicloud:ecs/eipAddress:EipAddress")
    for n, r in enumerate(eips):
        i = inputs_of(r)
        charge = (text(r, i.get("internetChargeType"), "internetChargeType", "PayByBandwidth")
                  or "PayByBandwidth").lower()
        parts = [pricer.part(f"eip.{charge}.holding", hours, r["name"])]
        desc = f"EIP ({i.get('internetChargeType')}) holding fee"
        if n == 0 and usage.internet_egress_gib_per_month > 0:
            parts.append(pricer.part(f"eip.{charge}.traffic", usage.internet_egress_gib_per_month, r["name"]))
            desc += f" + {_fmt(usage.internet_egress_gib_per_month)} GiB egress"
        items.append(_item(f"eip:{r['name']}", "network", desc, [r["name"]], parts))
    stores = facts.of_type("alicloud:log/store:Store")
    for r in stores:
        shards = int(number(r, inputs_of(r).get("shardCount"), "shardCount", 2))
        items.append(_item(f"sls-shards:{r['name']}", "observability",
                           f"SLS log store shards: {shards} × {month.days} days", [r["name"]],
                           [pricer.part("sls.shard", shards * month.days, r["name"])]))
    if stores and usage.log_ingest_gib_per_day > 0:
        retention = max(int(number(r, inputs_of(r).get("retentionPeriod"), "retentionPeriod", 30)) for r in stores)
        raw = usage.log_ingest_gib_per_day * month.days
        stored = usage.log_ingest_gib_per_day * SLS_COMPRESSION * retention  # steady state
        names = [r["name"] for r in stores]
        items.append(_item("sls-data", "observability",
                           f"SLS logs: {_fmt(usage.log_ingest_gib_per_day)} GiB/day raw, {retention} days kept "
                           f"(~{_fmt(stored)} GiB stored)", names,
                           [pricer.part("sls.write", raw * SLS_COMPRESSION, "cost.log_ingest_gib_per_day"),
                            pricer.part("sls.index", raw, "cost.log_ingest_gib_per_day"),
                            pricer.part("sls.storage", stored * month.days, "cost.log_ingest_gib_per_day")]))
    buckets = facts.of_type("alicloud:oss/bucket:Bucket")
    if buckets and usage.oss_stored_gib > 0:
        classes = sorted({
            ((text(b, inputs_of(b).get("storageClass"), "storageClass", "Standard") or "Standard").lower(),
             text(b, inputs_of(b).get("redundancyType"), "redundancyType", "LRS") or "LRS") for b in buckets})
        keys = [f"oss.{c}.{red}" for c, red in classes]
        priced = [k for k in keys if pricer.has(k)] or keys
        key = max(priced, key=lambda k: pricer.table.unit_price(k) if pricer.has(k) else 0)
        items.append(_item("oss-storage", "storage",
                           f"OSS storage: {_fmt(usage.oss_stored_gib)} GiB ({key.split('.', 1)[1]})",
                           [b["name"] for b in buckets],
                           [pricer.part(key, usage.oss_stored_gib, "cost.oss_stored_gib")]))
    if usage.replay_hours_per_month > 0:
        fns = _oss_triggered_functions(facts)
        if not fns:
            notes.append("cost.replay_hours_per_month is set, but the plan has no function to transcode with; "
                         "transcoding is not priced")
        else:
            fn = fns[0]
            i = inputs_of(fn)
            vcpu = number(fn, i.get("cpu"), "cpu", 1) or 1
            mem_gib = number(fn, i.get("memorySize"), "memorySize", 1024) / 1024
            disk_gib = max(0.0, (number(fn, i.get("diskSize"), "diskSize", FC_FREE_DISK_MIB) - FC_FREE_DISK_MIB) / 1024)
            vcpu_s = usage.replay_hours_per_month * 60 * usage.transcode_cpu_seconds_per_video_minute
            wall = vcpu_s / vcpu
            parts = [pricer.part("fc.vcpu_second", vcpu_s, fn["name"]),
                     pricer.part("fc.gib_second", wall * mem_gib, fn["name"])]
            if disk_gib > 0:
                parts.append(pricer.part("fc.disk_gib_second", wall * disk_gib, fn["name"]))
            invocations = math.ceil(usage.replay_hours_per_month * INVOCATIONS_PER_REPLAY_HOUR)
            parts.append(pricer.part("fc.request", invocations, fn["name"]))
            items.append(_item(f"fc:{fn['name']}", "transcoding",
                               f"FC transcoding: {_fmt(usage.replay_hours_per_month)} replay hours × "
                               f"{usage.transcode_cpu_seconds_per_video_minute:g} vCPU-s/min on {vcpu:g} vCPU / "
                               f"{mem_gib:g} GiB", [fn["name"]], parts))
    return [i for i in items if i is not None]


def coverage_problems(plan: Mapping[str, Any], loaded: LoadedTable) -> list[str]:
    """One line per plan type the table neither prices nor leaves out on purpose."""
    types = sorted({str(r.get("type")) for r in plan.get("resources") or [] if isinstance(r, Mapping)})
    return [f"{loaded.shown}: resource_types has no entry for `{t}` (in this plan); add it as priced, none "
            "or not_priced with a reason (docs/cost.md)" for t in types if loaded.table.charge_of(t) is None]


def _not_priced(plan: Mapping[str, Any], table: PriceTable) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for r in plan.get("resources") or []:
        entry = table.charge_of(str(r.get("type")))
        if entry is not None and entry.charge == "not_priced":
            counts[str(r.get("type"))] += 1
    return [f"not priced: {t} ×{n}: {table.charge_of(t).reason}" for t, n in sorted(counts.items())]  # type: ignore[union-attr]


def price_plan(plan: Mapping[str, Any], loaded: LoadedTable, usage: CostSettings, month: Month,
               *, env: str | None = None) -> CostReport:
    """Price `plan` for `month`; raises MissingPrices listing every gap (types, instance types, specs)."""
    table = loaded.table
    problems = coverage_problems(plan, loaded)
    facts = plan_facts(plan)
    pricer = _Pricer(loaded)
    notes: list[str] = []
    assumptions: list[str] = []
    hours = month.hours

    specs: dict[str, Shape] = {}
    for p in facts.pools:
        s = pricer.spec(p.instance_type, p.name)
        if s is not None:
            specs[p.name] = s
    if pricer.missing or problems:
        raise MissingPrices(*problems, *pricer.missing)

    workload_pools = _workload_pools(facts)
    other_pools = [p for p in facts.pools if p not in workload_pools]
    default_pool = workload_pools[0] if workload_pools else (facts.pools[0] if facts.pools else None)
    usage_sim = _simulate_elastic(facts, workload_pools, specs, month)
    peak = _peak(facts, workload_pools, default_pool, specs, month)

    elastic: list[LineItem] = []
    peak_items: list[LineItem] = []
    for p in workload_pools:
        elastic += _node_items(p, p.min_size, hours, pricer, "ECS")
        extra = usage_sim.scale_out_node_seconds.get(p.name, 0) / 3600
        if extra > 0:
            elastic += _node_items(p, extra / hours, hours, pricer, "ECS scale-out (average over the month)",
                                   key_prefix="ecs-scale-out")
        peak_items += _node_items(p, peak.nodes[p.name], hours, pricer, "ECS")
    shared: list[LineItem] = []
    for p in other_pools:
        shared += _node_items(p, p.min_size, hours, pricer, "ECS")

    for w in facts.workloads:
        seconds = usage_sim.eci_pod_seconds.get(w.key, 0)
        if seconds <= 0:
            continue
        parts, shape = _eci_parts(w, seconds, pricer)
        label = "ECI" if w.placement == "eci-only" else "ECI burst"
        item = _item(f"eci:{w.key}", "burst", f"{label}: {w.key}: {_fmt(seconds / 3600)} pod-hours of {shape}"
                     + (" [spot]" if w.eci_spot else ""), [w.name], parts)
        if item is not None:
            elastic.append(item)

    agents = [w for w in facts.workloads if w.mse_agent]
    agent_hours = sum(usage_sim.pod_seconds.get(w.key, 0) for w in agents) / 3600
    shared += _fixed_items(facts, usage, month, pricer, agent_hours, [w.name for w in agents], notes)
    if pricer.missing:
        raise MissingPrices(*pricer.missing)

    scenarios = {"elastic": Scenario("elastic", tuple(elastic + shared)),
                 "peak_sized": Scenario("peak_sized", tuple(peak_items + shared))}

    # --- what the numbers assume ------------------------------------------------------------------
    region = facts.region or table.region
    assumptions.append(f"List pay-as-you-go prices for {region} in {table.currency}; no discounts, savings plans, "
                       "reserved instances, spot markets or free tiers (docs/cost.md).")
    assumptions.append(f"Month {month.label}: {month.days} days, {hours} hours (UTC).")
    for cur, fx in sorted(table.fx.items()):
        if any(table.items[k].currency == cur for k in pricer.used):
            assumptions.append(f"Prices quoted in {cur} are converted at {fx.rate:g} {table.currency}/{cur} "
                               f"(fx.{cur}, {fx.confidence}: {fx.source}).")
    assumptions.append("elastic: node pools at their steady size (minSize); pods the ECS share cannot hold run on "
                       "ECI while the CronHPA floor holds them; ECS-only pods that do not fit scale the pool out.")
    if peak.at is not None and workload_pools:
        sized = ", ".join(f"{p.name} {peak.nodes[p.name]} nodes (steady {p.min_size})" for p in workload_pools)
        total = sum(d.vcpu for d in peak.demand.values())
        mem = sum(d.memory_gib for d in peak.demand.values())
        assumptions.append(f"peak_sized: every pod on ECS, the workload pools sized all month for the calendar's "
                           f"highest demand ({peak.at:%m-%d %H:%M} UTC: {peak.pods} pods, {_fmt(total)} vCPU / "
                           f"{_fmt(mem)} GiB requested): {sized}.")
        for p in workload_pools:
            if peak.nodes[p.name] > p.max_size:
                notes.append(f"{p.name}: the peak needs {peak.nodes[p.name]} nodes, above its max_size {p.max_size}")
    assumptions.append("Pods follow the CronHPA calendar only (schedules in UTC, read as a yearly pattern); "
                       "traffic-driven HPA scaling above the floor is not priced.")
    assumptions.append(f"Node allocatable: {ALLOCATABLE_CPU_FRACTION:.0%} of vCPUs, {ALLOCATABLE_MEMORY_FRACTION:.0%} "
                       "of memory (ACK reservation and DaemonSets); pods pack by requests; pools priced at their "
                       "first instance type.")
    if any(w.placement != "ecs-only" for w in facts.workloads):
        assumptions.append("ECI pods are billed as the sum of their containers' limits (else requests), rounded up "
                           "to an ECI spec (doc 451261); pods share free ECS room in placement order, then name.")
    spot = [p.name for p in facts.pools if p.spot] + [w.key for w in facts.workloads if w.eci_spot]
    if spot:
        assumptions.append(f"Spot capacity is priced at pay-as-you-go (an upper bound): {', '.join(spot)}.")
    if usage.replay_hours_per_month > 0:
        assumptions.append(f"Transcoding: FC bills the configured vCPUs and memory for the wall time; "
                           f"{usage.transcode_cpu_seconds_per_video_minute:g} vCPU-s per replay minute assumes the "
                           f"vCPUs stay busy; disk above {FC_FREE_DISK_MIB} MiB billed; tier-1 CU price.")
    for fname, label in (("replay_hours_per_month", "no transcoding"), ("oss_stored_gib", "no OSS storage"),
                         ("log_ingest_gib_per_day", "no SLS traffic or storage (shards only)"),
                         ("internet_egress_gib_per_month", "no internet traffic")):
        if getattr(usage, fname) == 0:
            assumptions.append(f"cost.{fname} is 0: {label} priced.")
    assumptions += _not_priced(plan, table)
    for key, info in sorted(pricer.used.items()):
        if info["confidence"] != "confirmed":
            assumptions.append(f"price {key} is {info['confidence']}: {info.get('note') or info['source']}")
    for w, n in sorted(usage_sim.unschedulable.items()):
        notes.append(f"{w}: up to {n} pods fit nowhere (ECS-only, pools at max_size); they are not priced")
    as_of = table.oldest_as_of(pricer.used)
    age = (month.start.date() - as_of).days
    if age > STALE_DAYS:
        notes.append(f"prices are as of {as_of.isoformat()}, {age} days before {month.label}; consider "
                     "`livecommerce cost ENV --refresh-prices`")
    return CostReport(env=env or facts.stack, region=region, month=month, currency=table.currency,
                      as_of=as_of.isoformat(), scenarios=scenarios, assumptions=tuple(assumptions),
                      notes=tuple(notes), prices=dict(pricer.used))


def instance_types_of(plans: Iterable[Mapping[str, Any]]) -> list[str]:
    """Every ECS instance type the plans' node pools list (for `--refresh-prices` and the table test)."""
    out: set[str] = set()
    for plan in plans:
        for r in plan.get("resources") or []:
            if r.get("type") == "alicloud:cs/nodePool:NodePool":
                out.update((r.get("inputs") or {}).get("instanceTypes") or [])
    return sorted(out)

