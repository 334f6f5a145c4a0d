"""Offline preview speed: each stack against its floor, and growth with the number of services.

Floor: a bare Python process that only imports the Pulumi SDK modules the stack's resources come from
(e.g. `pulumi_alicloud.cs`, `pulumi_kubernetes.apps.v1`). The ratio preview / floor says how much of the
time is ours rather than the unavoidable import of large generated SDKs. Goal: ratio < 2, linear growth.

Run: `.venv/bin/python benchmarks/bench_preview.py [--repeat N] [--services 10,50,200]`.
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from livecommerce.engine import list_stacks, preview_stack  # noqa: E402 (after the sys.path line)


def sdk_modules(plan: dict) -> list[str]:
    """The Python modules that define the plan's resource types."""
    mods: set[str] = {"pulumi"}
    for res in plan["resources"]:
        pkg, _, rest = res["type"].partition(":")
        module = rest.partition(":")[0]
        if pkg == "alicloud":
            mods.add("pulumi_alicloud." + module.split("/")[0] if module != "index" else "pulumi_alicloud")
        elif pkg == "kubernetes":
            group = module.split("/")
            if module.startswith("core/"):
                mods.add(f"pulumi_kubernetes.core.{group[1]}")
            elif len(group) == 2 and "." not in group[0]:
                mods.add(f"pulumi_kubernetes.{group[0]}.{group[1]}")
            else:
                mods.add("pulumi_kubernetes.apiextensions")
        elif pkg == "pulumi" and module == "providers":
            mods.add("pulumi_kubernetes" if rest.endswith("kubernetes") else "pulumi_alicloud")
        elif pkg.startswith("pulumi-python"):
            mods.add("pulumi.dynamic")
    return sorted(mods)


def _time(cmd: list[str], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def preview_cmd(env: str, stacks_dir: Path | None = None) -> list[str]:
    arg = f", stacks_dir=__import__('pathlib').Path({str(stacks_dir)!r})" if stacks_dir else ""
    return [sys.executable, "-c", f"from livecommerce.engine import preview_stack; preview_stack({env!r}{arg})"]


def bench_stacks(repeat: int) -> list[dict]:
    rows = []
    for env in list_stacks():
        plan = preview_stack(env)
        mods = sdk_modules(plan)
        floor = _time([sys.executable, "-c", "import " + ", ".join(mods)], repeat)
        wall = _time(preview_cmd(env), repeat)
        rows.append({"stack": env, "resources": len(plan["resources"]), "preview_s": round(wall, 3),
                     "floor_s": round(floor, 3), "ratio": round(wall / floor, 2)})
        print(f"  {env:8} {len(plan['resources']):5} resources  preview {wall:6.2f}s  floor {floor:6.2f}s  "
              f"ratio {wall / floor:4.2f}", flush=True)
    return rows


def scaled_stack(n: int, into: Path) -> None:
    """Write a `Pulumi.prod.yaml` like prod's plus `n` generated services (copies of its first service,
    renamed), so everything the shipped services are referenced by (governance, events) stays valid."""
    data = yaml.safe_load((ROOT / "stacks" / "Pulumi.prod.yaml").read_text())
    platform = data["config"]["livecommerce:platform"]
    services = platform.get("services") or []
    if not services:
        raise SystemExit("prod has no services to scale")
    template = services[0]
    for i in range(n):
        svc = copy.deepcopy(template)
        svc["name"] = f"gen-{i:03d}"
        services.append(svc)
    platform["services"] = services
    (into / "Pulumi.prod.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


def bench_scaling(counts: list[int], repeat: int) -> list[dict]:
    rows = []
    for n in counts:
        with tempfile.TemporaryDirectory() as tmp:
            scaled_stack(n, Path(tmp))
            plan = preview_stack("prod", Path(tmp))
            wall = _time(preview_cmd("prod", Path(tmp)), repeat)
        rows.append({"services": n, "resources": len(plan["resources"]), "preview_s": round(wall, 3),
                     "ms_per_resource": round(1000 * wall / len(plan["resources"]), 2)})
        print(f"  {n:4} services  {len(plan['resources']):6} resources  {wall:6.2f}s  "
              f"{1000 * wall / len(plan['resources']):6.2f} ms/resource", flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--services", default="10,50,200")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args = parser.parse_args()
    print(f"offline preview vs import floor (median of {args.repeat} runs):", flush=True)
    stacks = bench_stacks(args.repeat)
    print("preview time by number of services (prod shape):", flush=True)
    try:
        scaling = bench_scaling([int(x) for x in args.services.split(",") if x], max(1, args.repeat - 2))
    except SystemExit as exc:
        print(f"  skipped: {exc}")
        scaling = []
    if len(scaling) >= 2:
        first, last = scaling[0], scaling[-1]
        growth = (last["preview_s"] - first["preview_s"]) / max(1, last["resources"] - first["resources"])
        print(f"  marginal cost {1000 * growth:.2f} ms per added resource")
    if args.json:
        args.json.write_text(json.dumps({"stacks": stacks, "scaling": scaling}, indent=2) + "\n")


if __name__ == "__main__":
    main()
