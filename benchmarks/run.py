"""`make bench`: every benchmark, one after another, with progress."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

BENCHES = ["bench_preview.py", "bench_transcode.py", "bench_check.py", "bench_contracts.py"]

if __name__ == "__main__":
    failed = 0
    for name in BENCHES:
        path = HERE / name
        if not path.exists():
            continue
        print(f"== {name}", flush=True)
        failed |= subprocess.run([sys.executable, str(path), *sys.argv[1:]]).returncode != 0
    sys.exit(1 if failed else 0)
