"""Transcoding cost: one decode-once FFmpeg run against one FFmpeg run per rendition.

Both sides produce the same outputs for a generated 1080p clip with audio: the default HLS ladder
(1080p/720p/480p), the MP4 fallback and the poster. The decode-once run is the production command
(``ffmpeg.transcode_command``: one decode, ``split`` to every scaler, the MP4 sharing its rung's
encode through ``tee``); the baseline is ``ffmpeg.per_rendition_commands`` (one decode and one encode
per output, run one after another). Reported: wall and CPU seconds of each, their ratio, and the
compute (CPU) seconds per minute of video, which is what FC bills as vCPU time.

Run: `.venv/bin/python benchmarks/bench_transcode.py [--seconds 30] [--preset veryfast]`
(about a minute or two on 2 vCPUs). Settings variables (LADDER, PRESET, ...) are honoured.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="clip length (default 30)")
    parser.add_argument("--preset", default=None, help="x264 preset (default: PRESET or veryfast)")
    args, _ = parser.parse_known_args()  # benchmarks/run.py passes every bench the same arguments

    env = dict(os.environ)
    if args.preset:
        env["PRESET"] = args.preset
    settings = Settings.from_env(env)
    tools = binaries.locate(os.environ)
    print(f"ffmpeg: {tools.ffmpeg}  ({os.cpu_count()} CPUs, preset {settings.preset})", flush=True)

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
