"""Transcoding cost: one decode-once FFmpeg run against one FFmpeg run per rendition; then one pass
against split / fan-out / merge (issue 15).

Both sides produce the same outputs for a generated 1080p clip with audio: the default HLS ladder
(1080p/720p/480p), the MP4 fallback and the poster. The decode-once run is the production command
(``ffmpeg.transcode_command``: one decode, ``split`` to every scaler, the MP4 sharing its rung's
encode through ``tee``); the baseline is ``ffmpeg.per_rendition_commands`` (one decode and one encode
per output, run one after another). Reported: wall and CPU seconds of each, their ratio, and the
compute (CPU) seconds per minute of video, which is what FC bills as vCPU time.

Split vs one pass: a 90 s and a 10 min 720p clip with audio (2 s GOP) through the real handler, once
with SPLIT_SEGMENT_SECONDS=0 and once split into 15 s parts over 2 local workers. Parts run one at a
time per worker, so each part's time is what one FC instance would take. Reported: total work (sum
of the parts' transcode times) over the one-pass time, and the critical path with one instance per
part (split + slowest part + merge) against the one-pass time; then the modelled latency of a 3 h
1080p replay with prod's part length, parallelism and worker vCPU (or the given ones): split, waves of
parts (encode + the part's range read from OSS), merge (remux + the MP4 rung over the network twice).

Run: `.venv/bin/python benchmarks/bench_transcode.py [--seconds 30] [--preset veryfast] [--split-long 0]`
(10-20 minutes on 2 vCPUs with the 10 min clip). Settings variables (LADDER, PRESET, ...) are honoured.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from functions.transcoder import binaries  # noqa: E402 (after the sys.path line)
from functions.transcoder.ffmpeg import make_plan, parse_probe, per_rendition_commands, transcode_command  # noqa: E402
from functions.transcoder.settings import Settings  # noqa: E402


def children_cpu() -> float:
    """CPU seconds (user + system) used so far by finished child processes."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, commands: list[list[str]]) -> tuple[float, float]:
    """Run commands one after another; return (wall seconds, CPU seconds)."""
    print(f"  {label}: {len(commands)} FFmpeg run(s) ...", end="", flush=True)
    cpu0, wall0 = children_cpu(), time.perf_counter()
    for cmd in commands:
        binaries.run(cmd, what=label)
    wall, cpu = time.perf_counter() - wall0, children_cpu() - cpu0
    print(f" {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    return wall, cpu


def make_dirs(out: Path, plan) -> None:
    for r in plan.renditions:
        (out / "hls" / r.name).mkdir(parents=True, exist_ok=True)
    (out / "mp4").mkdir(parents=True, exist_ok=True)


# -- split vs one pass (issue 15) --------------------------------------------------------------------


def run_pipeline(clip: Path, env: dict[str, str], split_seconds: int, workers: int) -> dict:
    """Transcode ``clip`` through the real handler (one pass or split) with local workers; return the manifest."""
    import functools
    import json
    import types

    from functions.transcoder import manifest as m
    from functions.transcoder.handler import handler
    from functions.transcoder.invoke import RecordingInvoker
    from functions.transcoder.local import LocalDispatcher
    from functions.transcoder.storage import LocalStorage

    root = Path(tempfile.mkdtemp(prefix=f"buckets-{split_seconds}-", dir=clip.parent))
    bucket, key = "bench-raw", "replays/clip.mp4"
    (root / bucket / "replays").mkdir(parents=True, exist_ok=True)
    (root / bucket / key).write_bytes(clip.read_bytes())
    os.environ.update({**env, "SPLIT_SEGMENT_SECONDS": str(split_seconds), "INPUT_BUCKET": bucket})
    event = {"events": [{"eventName": "ObjectCreated:PutObject", "eventSource": "acs:oss", "region": "cn-hangzhou",
                         "oss": {"bucket": {"name": bucket}, "object": {"key": key, "size": clip.stat().st_size,
                                                                        "eTag": "0" * 32}}}]}  # fmt: skip
    storage, invoker = LocalStorage(root), RecordingInvoker()
    from functions.transcoder import local

    cpu: list[tuple[str, float]] = []
    inner = local._invoke

    def measured(kind, *a):  # one invocation at a time (workers=1): the children's CPU is this invocation's
        before = children_cpu()
        out = inner(kind, *a)
        cpu.append((kind, children_cpu() - before))
        return out

    local._invoke = measured
    t0 = time.perf_counter()
    c0 = children_cpu()
    handler(json.dumps(event), types.SimpleNamespace(request_id="bench"), storage=storage, invoker=invoker)
    first_cpu = children_cpu() - c0
    try:
        LocalDispatcher(functools.partial(LocalStorage, root), workers=workers, threads=True).run(invoker.calls)
    finally:
        local._invoke = inner
    wall = time.perf_counter() - t0
    doc = m.parse_manifest(storage.get_bytes(bucket, m.namespace("replays/", "transcoded/", key) + m.MANIFEST_NAME))
    if doc is None:
        raise SystemExit("bench: the pipeline published no manifest")
    doc["benchWallSeconds"] = wall
    doc["benchCpu"] = {"first": first_cpu, "parts": [c for k, c in cpu if k == "worker"],
                       "merge": sum(c for k, c in cpu if k == "merge")}  # fmt: skip
    return doc


def make_clip(tools, path: Path, seconds: float, size: str, gop_seconds: int = 2) -> None:
    binaries.run(
        [tools.ffmpeg, "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size={size}:rate=30:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}",
         "-c:v", "libx264", "-preset", "veryfast", "-g", str(30 * gop_seconds), "-b:v", "4M", "-pix_fmt", "yuv420p",
         "-c:a", "aac", "-shortest", str(path)],
        what="generate clip",
    )  # fmt: skip


def split_bench(tools, work: Path, *, seconds: float, size: str, part_seconds: int, workers: int,
                ladder: str) -> dict:  # fmt: skip
    clip = work / f"split-{int(seconds)}.mp4"
    print(f"  split bench: {seconds:g} s {size} clip, {part_seconds} s parts, {workers} local worker(s) ...",
          flush=True)  # fmt: skip
    make_clip(tools, clip, seconds, size)
    env = {"LADDER": ladder, "MP4_RUNG": "720p"}
    one = run_pipeline(clip, env, 0, 1)
    split = run_pipeline(clip, env, part_seconds, 1)  # parts one at a time: each part's CPU is its own
    # CPU seconds (user + system of the FFmpeg children): what FC bills, and robust to a busy machine.
    one_pass = one["benchCpu"]["first"]
    c = split["benchCpu"]
    work_total, slowest = sum(c["parts"]), max(c["parts"])
    critical = c["first"] + slowest + c["merge"]
    row = {
        "seconds": seconds, "parts": split["parts"], "one_pass_cpu_s": one_pass, "split_cpu_s": c["first"],
        "parts_sum_cpu_s": work_total, "slowest_part_cpu_s": slowest, "merge_cpu_s": c["merge"],
        "work_ratio": work_total / one_pass, "work_ratio_with_overheads": (work_total + c["first"] + c["merge"])
        / one_pass, "critical_path_cpu_s": critical, "critical_speedup": one_pass / critical,
        "timings": split["timings"],
    }  # fmt: skip
    print(f"    CPU: one pass {one_pass:.1f} s | split {c['first']:.1f} s + {split['parts']} parts {work_total:.1f} s "
          f"(slowest {slowest:.1f} s) + merge {c['merge']:.1f} s", flush=True)
    print(f"    total work / one pass: {row['work_ratio']:.2f}x (parts), {row['work_ratio_with_overheads']:.2f}x "
          f"(with split and merge); critical path {critical:.1f} CPU-s = {row['critical_speedup']:.1f}x shorter "
          f"than one pass; manifest timings {split['timings']}", flush=True)  # fmt: skip
    if workers > 1:
        parallel = run_pipeline(clip, env, part_seconds, workers)
        print(f"    the same job over {workers} local workers: {parallel['benchWallSeconds']:.1f} s wall "
              f"(one pass {one['benchWallSeconds']:.1f} s wall; local workers share this machine's cores, which "
              f"x264 already fills, so wall time here is no measure of FC instances)", flush=True)  # fmt: skip
    return row


#: The gala replay of the model: 3 h of 1080p at the upper end of 6-12 GB per 4 h (issue 15), i.e. ~6.7 Mbit/s.
MODEL_SOURCE_BYTES_PER_SECOND = 12e9 / (4 * 3600)


@dataclass(frozen=True)
class LatencyModel:
    """The modelled stages of one replay (seconds); the sum is its latency."""

    split: float
    """The coordinator: the probe and the MP4 index, read through the URL (no download, no cut)."""
    waves: int
    part: float
    """One part: its encode on the worker's vCPU plus reading its byte range and the index from OSS."""
    merge: float
    """The merge: the measured remux and uploads, plus moving the MP4 rung's bytes over the network twice
    (its segments in, the MP4 out)."""

    @property
    def total(self) -> float:
        return self.split + self.waves * self.part + self.merge


def modelled_latency(*, seconds: float, part_seconds: int, parallel: int, cpu_s_per_min: float, vcpu: float,
                     split_s_per_min: float, merge_s_per_min: float, source_bytes_per_second: float,
                     mp4_bytes_per_second: float, read_bytes_per_second: float) -> LatencyModel:  # fmt: skip
    """Latency of a replay: split + ceil(parts / parallel) waves of one part + merge. The measured split and
    merge rates are scaled linearly with the length (the split's index reads grow with it, far slower in
    truth: conservative); network reads and writes at ``read_bytes_per_second`` (capacity.py's assumption)."""
    import math

    minutes = seconds / 60
    parts = math.ceil(seconds / part_seconds)
    index_bytes = seconds * 1000  # moov tables: ~20 B per video frame at 30 fps + ~8 B per AAC frame, rounded up
    part_read = (part_seconds * source_bytes_per_second + index_bytes) / read_bytes_per_second
    part = (part_seconds / 60) * cpu_s_per_min / vcpu + part_read
    merge = minutes * merge_s_per_min + 2 * seconds * mp4_bytes_per_second / read_bytes_per_second
    return LatencyModel(split=minutes * split_s_per_min, waves=math.ceil(parts / parallel), part=part, merge=merge)


def prod_media():
    """prod's media settings, as the stack file configures them (the model's defaults)."""
    from livecommerce.engine import read_stack_file
    from stacks.config import check_stack_config

    stack_file = read_stack_file("prod")
    return check_stack_config(stack_file.config, "prod", str(stack_file.path)).media


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="clip length (default 30)")
    parser.add_argument("--preset", default=None, help="x264 preset (default: PRESET or veryfast)")
    parser.add_argument("--split-short", type=float, default=90.0, help="short split clip, 720p (default 90)")
    parser.add_argument("--split-long", type=float, default=600.0, help="long split clip, 720p (default 600; 0 skips)")
    parser.add_argument("--part-seconds", type=int, default=15, help="SPLIT_SEGMENT_SECONDS (default 15)")
    parser.add_argument("--workers", type=int, default=2, help="local workers for the split runs (default 2)")
    media = prod_media()
    parser.add_argument("--model-part-seconds", type=int, default=media.fan_out.part_seconds,
                        help="part length of the 3 h model (default: prod's fan_out.part_seconds)")
    parser.add_argument("--model-parallel", type=int, default=media.fan_out.parallel_parts_per_replay,
                        help="parts in flight in the 3 h model (default: prod's fan_out.parallel_parts_per_replay)")
    parser.add_argument("--model-vcpu", type=float, default=media.fan_out.worker.vcpu,
                        help="worker vCPU in the 3 h model (default: prod's fan_out.worker.vcpu)")
    parser.add_argument("--only-split", action="store_true", help="skip the decode-once comparison")
    args, _ = parser.parse_known_args()  # benchmarks/run.py passes every bench the same arguments

    env = dict(os.environ)
    if args.preset:
        env["PRESET"] = args.preset
    settings = Settings.from_env(env)
    tools = binaries.locate(os.environ)
    print(f"ffmpeg: {tools.ffmpeg}  ({os.cpu_count()} CPUs, preset {settings.preset})", flush=True)

    cpu_per_min = 90.8  # measured decode-once figure (docs/transcoder.md) unless this run measures it
    if not args.only_split:
        cpu_per_min = decode_once_bench(tools, settings, args)
    with tempfile.TemporaryDirectory(prefix="bench-split-") as work_dir:
        work = Path(work_dir)
        rows = [split_bench(tools, work, seconds=args.split_short, size="1280x720", part_seconds=args.part_seconds,
                            workers=args.workers, ladder="720p:2800k,480p:1200k")]  # fmt: skip
        if args.split_long:
            rows.append(split_bench(tools, work, seconds=args.split_long, size="1280x720",
                                    part_seconds=args.part_seconds, workers=args.workers,
                                    ladder="720p:2800k,480p:1200k"))  # fmt: skip
    base = rows[-1]
    split_per_min = base["timings"]["split_s"] / (base["seconds"] / 60)
    merge_per_min = base["timings"]["merge_s"] / (base["seconds"] / 60)
    from components.media import capacity as cap
    from components.media.settings import transcode_capacity

    model = modelled_latency(seconds=3 * 3600, part_seconds=args.model_part_seconds, parallel=args.model_parallel,
                             cpu_s_per_min=cpu_per_min, vcpu=args.model_vcpu, split_s_per_min=split_per_min,
                             merge_s_per_min=merge_per_min, source_bytes_per_second=MODEL_SOURCE_BYTES_PER_SECOND,
                             mp4_bytes_per_second=transcode_capacity(media).mp4_bytes_per_second,
                             read_bytes_per_second=cap.READ_BYTES_PER_SECOND)  # fmt: skip
    single = 180 * cpu_per_min / args.model_vcpu
    fn = media.function
    longest = cap.longest_replay_seconds(transcode_capacity(media), part_seconds=media.fan_out.part_seconds,
                                         transcoder=cap.FunctionSize(fn.disk_mib, fn.timeout_seconds, fn.vcpu))
    print()
    for row in rows:
        verdict_work = "ok" if row["work_ratio"] <= (1.25 if row["seconds"] <= 120 else 1.15) else "OVER GOAL"
        verdict_cp = "ok" if row["critical_speedup"] >= (3 if row["seconds"] <= 120 else 5) else "UNDER GOAL"
        print(f"  {row['seconds']:g} s clip: work {row['work_ratio']:.2f}x ({verdict_work}), critical path "
              f"{row['critical_speedup']:.1f}x shorter ({verdict_cp})")  # fmt: skip
    print(f"  modelled 3 h 1080p replay (~{MODEL_SOURCE_BYTES_PER_SECOND * 3 * 3600 / 1e9:.0f} GB): "
          f"{args.model_part_seconds} s parts, {args.model_parallel} in flight, {args.model_vcpu:g} vCPU, "
          f"{cpu_per_min:.0f} CPU-s per minute of 1080p, OSS at {cap.READ_BYTES_PER_SECOND / 1e6:g} MB/s: split "
          f"{model.split / 60:.1f} min + {model.waves} waves of {model.part:.0f} s + merge {model.merge / 60:.1f} min "
          f"= {model.total / 60:.1f} min (one pass: {single / 60:.0f} min)")
    print(f"  prod accepts replays up to {media.transcode.max_duration_seconds / 3600:g} h and "
          f"{media.transcode.max_source_bytes / 2**30:g} GiB; its functions' disks and timeouts would allow "
          f"{longest / 3600:.1f} h (components/media/capacity.py)")
    return 0


def decode_once_bench(tools, settings, args) -> float:
    """The decode-once comparison; returns the measured CPU seconds per minute of 1080p."""
    with tempfile.TemporaryDirectory(prefix="bench-transcode-") as work_dir:
        work = Path(work_dir)
        clip = work / "clip-1080p.mp4"
        print(f"  generating a {args.seconds:g} s 1920x1080 30 fps clip with audio ...", end="", flush=True)
        t0 = time.perf_counter()
        binaries.run(
            [tools.ffmpeg, "-nostdin", "-v", "error", "-y",
             "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={args.seconds}",
             "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={args.seconds}",
             "-c:v", "libx264", "-preset", "veryfast", "-b:v", "8M", "-pix_fmt", "yuv420p",
             "-c:a", "aac", "-shortest", str(clip)],
            what="generate clip",
        )  # fmt: skip
        print(f" {time.perf_counter() - t0:.1f} s", flush=True)

        source = parse_probe(binaries.probe_json(tools.ffprobe, str(clip)))
        plan = make_plan(source, settings)
        print(f"  outputs: HLS {', '.join(r.name for r in plan.renditions)} + MP4 {plan.mp4.name} + poster", flush=True)

        once_dir, each_dir = work / "once", work / "each"
        make_dirs(once_dir, plan)
        make_dirs(each_dir, plan)
        once_wall, once_cpu = timed("decode once", [transcode_command(tools.ffmpeg, str(clip), str(once_dir), plan)])
        each_wall, each_cpu = timed(
            "per rendition", per_rendition_commands(tools.ffmpeg, str(clip), str(each_dir), plan)
        )

    minutes = source.duration_seconds / 60
    print()
    print(f"  per-rendition / decode-once, wall: {each_wall / once_wall:.2f}x")
    print(f"  per-rendition / decode-once, CPU:  {each_cpu / once_cpu:.2f}x")
    print(f"  decode once:   {once_cpu / minutes:.1f} compute-s per minute of video ({once_wall / minutes:.1f} s wall)")
    print(f"  per rendition: {each_cpu / minutes:.1f} compute-s per minute of video ({each_wall / minutes:.1f} s wall)")
    print()
    return once_cpu / minutes


if __name__ == "__main__":
    sys.exit(main())
