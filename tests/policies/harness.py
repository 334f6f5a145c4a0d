"""Engine-faithful test harness: build plan v1 dicts and run them through `livecommerce.checking`,
which drives the real rule objects via pulumi_policy's analyzer servicer (proxied camelCase props,
protobuf numbers, Configure'd levels, AnalyzeStack with propertyDependencies)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from livecommerce import checking

STACK = "prod"


def urn(type_: str, name: str, stack: str = STACK) -> str:
    return f"urn:pulumi:{stack}::livecommerce::{type_}::{name}"


def res(
    type_: str,
    name: str,
    inputs: dict[str, Any] | None = None,
    *,
    deps: dict[str, list[Any]] | None = None,
    protect: bool = False,
    custom: bool = True,
) -> dict[str, Any]:
    """A plan resource; `deps` maps an input property to the resources (or URNs) that feed it."""
    prop_deps = {k: sorted(d["urn"] if isinstance(d, dict) else d for d in v) for k, v in (deps or {}).items()}
    return {
        "urn": urn(type_, name),
        "type": type_,
        "name": name,
        "parent": None,
        "custom": custom,
        "protect": protect,
        "inputs": copy.deepcopy(inputs or {}),
        "dependencies": sorted({u for v in prop_deps.values() for u in v}),
        "propertyDependencies": prop_deps,
    }


def plan(*resources: dict[str, Any], stack: str = STACK) -> dict[str, Any]:
    return {
        "format": "livecommerce.plan/v1",
        "project": "livecommerce",
        "stack": stack,
        "resources": sorted(resources, key=lambda r: r["urn"]),
        "outputs": {},
    }


def all_mandatory_config(tmp: Path, name: str = "test", extra: dict[str, Any] | None = None) -> Path:
    """A config dir whose only environment makes every rule mandatory (rule defaults for settings)."""
    tmp.mkdir(parents=True, exist_ok=True)
    (tmp / f"{name}.json").write_text(json.dumps({"all": "mandatory", **(extra or {})}))
    return tmp


def findings(
    p: dict[str, Any],
    config_dir: Path,
    env: str = "test",
    rule: str | None = None,
    waivers: Path | None = None,
    **kw: Any,
) -> list[checking.Finding]:
    report = checking.evaluate(p, env, waivers_path=waivers, config_dir=config_dir, **kw)
    return [f for f in report.findings if rule is None or f.rule == rule]
