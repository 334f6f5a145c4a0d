"""Provider contracts speed: `check_plan` on each stack, and growth with the plan's size.

Contracts run on every `livecommerce preview` and `check`, so they must stay linear and cheap: each
resource is looked up by type and held against that type's rules only. The growth run copies the prod plan's
resources N times (fresh URNs and names) and reports microseconds per resource, which must stay flat.

Run: `.venv/bin/python benchmarks/bench_contracts.py [--repeat N] [--copies 1,5,20]`.
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from livecommerce.contracts import check_plan  # noqa: E402 (after the sys.path line)
from livecommerce.contracts.check import load_data  # noqa: E402
from livecommerce.engine import list_stacks, preview_stack  # noqa: E402


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def scaled(plan: dict, copies: int) -> dict:
    resources = []
    for i in range(copies):
        for res in plan["resources"]:
            clone = copy.deepcopy(res)
            clone["urn"] = f"{res['urn']}-{i}"
            clone["name"] = f"{res['name']}-{i}"
            resources.append(clone)
    return {**plan, "resources": resources}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--copies", default="1,5,20")
    args = parser.parse_args()
    start = time.perf_counter()
    load_data()
    print(f"data file loaded in {1000 * (time.perf_counter() - start):.1f} ms")
    plans = {env: preview_stack(env) for env in list_stacks()}
    check_plan(plans["prod"])  # warm: imports of the dynamic providers and the CRD schemas
    for env, plan in plans.items():
        n = sum(1 for r in plan["resources"] if r["custom"])
        t = best(lambda p=plan: check_plan(p), args.repeat)
        print(f"{env:8} {n:4} resources  {1000 * t:7.1f} ms")
    per = []
    for copies in [int(c) for c in args.copies.split(",")]:
        big = scaled(plans["prod"], copies)
        n = sum(1 for r in big["resources"] if r["custom"])
        t = best(lambda b=big: check_plan(b), max(1, args.repeat // 2))
        per.append(1e6 * t / n)
        print(f"prod x{copies:<3} {n:5} resources  {1000 * t:8.1f} ms  {per[-1]:6.1f} us/resource")
    spread = max(per) / statistics.median(per)
    print(f"growth: {'linear' if spread < 1.5 else 'NOT linear'} (us/resource spread {spread:.2f}x)")
    return 0 if spread < 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
