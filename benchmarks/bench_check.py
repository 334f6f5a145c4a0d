"""Policy check speed and memory against plan size: `livecommerce check` must grow linearly.

The plans are prod's shape: the prod stack with one generated service (a copy of its first service),
previewed once, then that service's resources cloned N times at the plan level (every string naming
it renamed, so each clone has its own Deployment, PDB, HPA, Service, Ingress and alert rules, all in
the same namespace: the worst case for rules that pair resources). 1,250 services is the 21,080-resource
plan of issue 18 (492 s and 1.17 GB before the evaluation was made linear).

Each size runs `checking.evaluate(plan, "prod")` in a fresh interpreter (plan loaded and a small
evaluation run first, so imports are paid before the clock starts); `cpu` is the process CPU time
(stable on a shared machine), `wall` the elapsed time, memory the peak of what the evaluation
allocates (tracemalloc, in a second run so it does not slow the timed one).
The scaling exponent k in cpu ~ resources^k is the least-squares slope of log(cpu) on log(resources);
1.0 is linear (the ~n^1.5 of issue 18 was 1.5).

Run: `.venv/bin/python benchmarks/bench_check.py [--services 50,200,600,1250] [--json out.json]`.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_preview import scaled_stack  # noqa: E402 (after the sys.path lines)

from livecommerce.engine import preview_stack  # noqa: E402

TEMPLATE = "gen-000"

# Runs in a fresh interpreter: load, warm up, then time one evaluation and measure what it adds to RSS.
PROBE = r"""
import json, sys, time, tracemalloc
sys.path.insert(0, sys.argv[2])
from livecommerce import checking
plan = json.loads(open(sys.argv[1]).read())
checking.evaluate({**plan, "resources": plan["resources"][:20]}, "prod")  # imports and first-use costs
wall, cpu = time.perf_counter(), time.process_time()
report = checking.evaluate(plan, "prod")
wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
tracemalloc.start()
checking.evaluate(plan, "prod")
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(json.dumps({"seconds": wall, "cpu": cpu, "added_kib": peak / 1024, "findings": len(report.findings)}))
"""


def template_plan() -> dict:
    """Prod with one generated service, previewed."""
    with tempfile.TemporaryDirectory() as tmp:
        scaled_stack(1, Path(tmp))
        return preview_stack("prod", Path(tmp))


def with_services(plan: dict, n: int) -> dict:
    """`plan` with its generated service cloned until there are `n` of them."""
    own = [r for r in plan["resources"] if TEMPLATE in r["urn"]]
    if not own:
        raise SystemExit(f"the template plan has no resources of {TEMPLATE}")
    text = json.dumps(own)
    clones = [r for i in range(1, n) for r in json.loads(text.replace(TEMPLATE, f"gen-c{i:05d}"))]
    return {**plan, "resources": plan["resources"] + clones}


def measure(plan: dict) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(plan, fh)
        path = Path(fh.name)
    try:
        out = subprocess.run(
            [sys.executable, "-c", PROBE, str(path), str(ROOT)], check=True, capture_output=True, text=True, cwd=ROOT
        )
    finally:
        path.unlink(missing_ok=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def exponent(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of log(y) on log(x)."""
    lx, ly = [math.log(x) for x in xs], [math.log(max(y, 1e-9)) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    var = sum((a - mx) ** 2 for a in lx)
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly, strict=True)) / var if var else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", default="50,200,600,1250")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    args, _ = parser.parse_known_args()
    counts = sorted({int(x) for x in args.services.split(",") if x.strip()})
    base = template_plan()
    print("policy check time and memory by plan size (prod shape, env prod):", flush=True)
    print(
        f"  {'services':>8} {'resources':>9} {'cpu':>8} {'wall':>8} {'ms/res':>7} {'memory':>9} {'KiB/res':>8}",
        flush=True,
    )
    rows = []
    for n in counts:
        plan = with_services(base, n)
        got = measure(plan)
        count = len(plan["resources"])
        row = {
            "services": n,
            "resources": count,
            "cpu_s": round(got["cpu"], 3),
            "wall_s": round(got["seconds"], 3),
            "ms_per_resource": round(1000 * got["cpu"] / count, 3),
            "memory_mib": round(got["added_kib"] / 1024, 1),
            "kib_per_resource": round(got["added_kib"] / count, 2),
        }
        rows.append(row)
        print(
            f"  {n:8} {count:9} {row['cpu_s']:7.2f}s {row['wall_s']:7.2f}s {row['ms_per_resource']:7.2f} "
            f"{row['memory_mib']:7.1f}MiB {row['kib_per_resource']:8.2f}",
            flush=True,
        )
    if len(rows) >= 2:
        res = [r["resources"] for r in rows]
        k_time = exponent(res, [r["cpu_s"] for r in rows])
        k_mem = exponent(res, [max(r["memory_mib"], 0.1) for r in rows])
        print(f"  scaling: time ~ resources^{k_time:.2f}, memory ~ resources^{k_mem:.2f} (1.00 is linear)", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"check": rows}, indent=2) + "\n")


if __name__ == "__main__":
    main()
