"""Shared fixtures of the cost tests: the shipped stacks' plans with the clock fixed, small synthetic plans.

The program reads the live-event calendar against `stacks.clock.now()` unless given `now`, so a preview made
here passes NOW (and the CLI tests pin `stacks.clock.now` to it): the tests give the same plans on any date,
and every pricing call passes its month explicitly.
"""

from __future__ import annotations

import contextlib
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
"""'Today' for every preview in these tests (prod's galas, 2027-06 and 2027-11, are within a year)."""


@contextlib.contextmanager
def fixed_clock():
    """Pin the program's clock (`stacks.clock.now`, which the composition root and the CLI ask; a module
    global, so the engine's program thread sees it) to NOW."""
    import stacks.clock as clock

    saved = clock.now
    clock.now = lambda environ=None: NOW
    try:
        yield
    finally:
        clock.now = saved


def preview(env: str, stacks_dir: Path | None = None) -> dict[str, Any]:
    from livecommerce.engine import run_preview

    return run_preview(env, stacks_dir, now=NOW).plan


@pytest.fixture(scope="session")
def shipped_plans() -> dict[str, dict[str, Any]]:
    """dev, staging and prod as the shipped stack files build them (clock fixed)."""
    return {env: preview(env) for env in ("dev", "staging", "prod")}


@pytest.fixture
def clock():
    with fixed_clock():
        yield NOW


@pytest.fixture
def stacks_copy(tmp_path: Path) -> Path:
    """A writable copy of stacks/ (stack files and schema) to edit calendars in."""
    dest = tmp_path / "stacks"
    shutil.copytree(ROOT / "stacks", dest, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return dest


# --------------------------------------------------------------------------------------------------
# Synthetic plans: only the resources the model reads, shaped as the engine writes them


def node_pool(name: str = "t-node-pools-steady", *, types=("ecs.g7.xlarge",), min_size: int = 1, max_size: int = 4,
              labels: dict[str, str] | None = None, disk_gib: int = 100, spot: bool = False) -> dict[str, Any]:
    labels = {"livecommerce.io/pool-role": "steady-base"} if labels is None else labels
    inputs = {"instanceTypes": list(types), "scalingConfig": {"enable": True, "minSize": min_size, "maxSize": max_size},
              "labels": [{"key": k, "value": v} for k, v in labels.items()], "systemDiskCategory": "cloud_essd",
              "systemDiskSize": disk_gib}
    if spot:
        inputs["spotStrategy"] = "SpotAsPriceGo"
    return {"urn": f"urn:{name}", "type": "alicloud:cs/nodePool:NodePool", "name": name, "custom": True,
            "inputs": inputs, "dependencies": []}


def deployment(name: str, *, namespace: str = "shop", cpu: str = "1", memory: str = "2Gi", limit_cpu: str | None = "2",
               limit_memory: str | None = "4Gi", replicas: int | None = None, placement: str = "ecs-first",
               labels: dict[str, str] | None = None, annotations: dict[str, str] | None = None) -> dict[str, Any]:
    pod_labels = {"app.kubernetes.io/name": name, "msePilotAutoEnable": "on", **(labels or {})}
    limits = {k: v for k, v in (("cpu", limit_cpu), ("memory", limit_memory)) if v is not None}
    spec: dict[str, Any] = {"containers": [{"name": "app", "resources": {"requests": {"cpu": cpu, "memory": memory},
                                                                           "limits": limits}}]}
    if placement == "eci-only":
        spec["nodeSelector"] = {"type": "virtual-kubelet"}
        spec["tolerations"] = [{"key": "virtual-kubelet.io/provider", "operator": "Equal", "value": "alibabacloud",
                                "effect": "NoSchedule"}]
    elif placement == "ecs-only":
        spec["nodeSelector"] = {"livecommerce.io/pool-role": "steady-base"}
    else:
        spec["tolerations"] = [{"key": "virtual-kubelet.io/provider", "operator": "Equal", "value": "alibabacloud",
                                "effect": "NoSchedule"}]
    d_spec: dict[str, Any] = {"template": {"metadata": {"labels": pod_labels, "annotations": annotations or {}},
                                           "spec": spec}}
    if replicas is not None:
        d_spec["replicas"] = replicas
    return {"urn": f"urn:deploy:{name}", "type": "kubernetes:apps/v1:Deployment", "name": f"t-workloads-{name}",
            "custom": True, "inputs": {"metadata": {"name": name, "namespace": namespace}, "spec": d_spec},
            "dependencies": []}


def hpa(name: str, *, namespace: str = "shop", low: int = 2, high: int = 20) -> dict[str, Any]:
    return {"urn": f"urn:hpa:{name}", "type": "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            "name": f"t-workloads-{name}-hpa", "custom": True, "dependencies": [],
            "inputs": {"metadata": {"name": name, "namespace": namespace},
                       "spec": {"scaleTargetRef": {"kind": "Deployment", "name": name},
                                "minReplicas": low, "maxReplicas": high}}}


def cron_hpa(name: str, jobs: list[tuple[str, str, int]], *, namespace: str = "shop") -> dict[str, Any]:
    kind = "kubernetes:autoscaling.alibabacloud.com/v1beta1:CronHorizontalPodAutoscaler"
    return {"urn": f"urn:cron:{name}", "type": kind,
            "name": f"t-workloads-{name}-cronhpa", "custom": True, "dependencies": [],
            "inputs": {"metadata": {"name": name, "namespace": namespace},
                       "spec": {"scaleTargetRef": {"kind": "HorizontalPodAutoscaler", "name": name},
                                "jobs": [{"name": n, "schedule": s, "targetSize": t, "runOnce": True}
                                         for n, s, t in jobs]}}}


def resource_policy(name: str, *, namespace: str = "shop", ecs_max: int | None = None) -> dict[str, Any]:
    ecs: dict[str, Any] = {"resource": "ecs", "nodeSelector": {"livecommerce.io/pool-role": "steady-base"}}
    if ecs_max is not None:
        ecs["max"] = ecs_max
    return {"urn": f"urn:rp:{name}", "type": "kubernetes:scheduling.alibabacloud.com/v1alpha1:ResourcePolicy",
            "name": f"t-workloads-{name}-resource-policy", "custom": True, "dependencies": [],
            "inputs": {"metadata": {"name": name, "namespace": namespace},
                       "spec": {"selector": {"app.kubernetes.io/name": name}, "strategy": "prefer",
                                "units": [ecs, {"resource": "eci"}]}}}


def plan(*resources: dict[str, Any], stack: str = "t", region: str = "cn-hangzhou") -> dict[str, Any]:
    """A format-v1 plan of `resources` (real URNs; dependencies given as the builders' short URNs are mapped)."""
    provider = {"urn": "urn:provider", "type": "pulumi:providers:alicloud", "name": f"{stack}-alicloud",
                "custom": True, "inputs": {"region": region}, "dependencies": []}
    given = (provider, *resources)
    urns = {r["urn"]: f"urn:pulumi:{stack}::livecommerce::{r['type']}::{r['name']}" for r in given}
    full = []
    for r in given:
        full.append({"parent": None, "protect": False, "propertyDependencies": {}, **r, "urn": urns[r["urn"]],
                     "dependencies": sorted(urns.get(d, d) for d in r.get("dependencies") or [])})
    return {"format": "livecommerce.plan/v1", "project": "livecommerce", "stack": stack,
            "resources": sorted(full, key=lambda r: r["urn"]), "outputs": {}}
