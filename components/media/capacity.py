"""What the transcoding functions can hold and finish, derived from their FC sizes (pure functions).

No invocation stores the source (it is read through a presigned URL: docs/transcoder.md, "Reading the
source"), so the limits are set by what each invocation writes and computes:

| invocation | disk holds | runs for |
|---|---|---|
| worker (one part) | the part's HLS segments, every rung: at most `MAX_PART_FACTOR` parts long | the part's encode |
| merge (transcoder) | the MP4 fallback of the whole replay | streaming the MP4 rung's segments and the remux |
| one pass (transcoder: sources up to two parts, or `part_seconds: 0`) | every output of the source | the whole encode |
| coordinator (transcoder) | nothing | probe and index reads; without an MP4 index, one streamed read of the source |

Sizes are upper bounds from the ladder: each rung at its encoder `maxrate` (1.1x its bitrate, the VBV
cap: ffmpeg.py) plus audio, MPEG-TS packetization on top for HLS. Times use the measured encode cost
(`CPU_SECONDS_PER_SOURCE_SECOND`, the benchmark's 1080p decode-once ladder) with a safety factor, and an
assumed in-region read rate for the one full read of a source. Each problem names the key and the fix.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from functions.transcoder.ffmpeg import MAX_PART_FACTOR
from functions.transcoder.settings import Rung

MIB = 1024 * 1024
#: Measured decode-once cost of the default 1080p ladder (docs/transcoder.md, Benchmark): CPU seconds per
#: second of source on the dev machine, preset veryfast.
CPU_SECONDS_PER_SOURCE_SECOND = 91 / 60
#: A part or one pass must finish within its timeout at this multiple of its measured cost (a slower preset,
#: a busier instance, a source heavier to decode than the benchmark's).
TIMEOUT_SAFETY = 3
#: The merge's measured cost per second of source: streaming the MP4 rung's segments into FFmpeg, the remux
#: with +faststart and the uploads (docs/transcoder.md, Benchmark: about 1 s per minute of 720p).
MERGE_SECONDS_PER_SOURCE_SECOND = 2 / 60
#: Encoder maxrate over the target bitrate (ffmpeg._maxrate) and MPEG-TS packetization over the payload.
MAXRATE_FACTOR = 1.1
TS_OVERHEAD = 1.1
#: Room on a disk beyond the outputs themselves (playlists, poster, filesystem).
DISK_SLACK = 1.1
#: Assumed rate of one streamed read of a source from OSS over the internal endpoint. [UNCONFIRMED] FC
#: documents no per-instance bandwidth; measure in the target region (docs/transcoder.md, Limits).
READ_BYTES_PER_SECOND = 50e6
#: One full read of the largest source must take at most this share of the transcoder's timeout.
READ_SHARE_OF_TIMEOUT = 0.5


@dataclass(frozen=True)
class FunctionSize:
    """The FC size of one function."""

    disk_mib: int
    timeout_seconds: int
    vcpu: float


@dataclass(frozen=True)
class Capacity:
    """Upper bounds of what the invocations write and spend for one configuration."""

    hls_bytes_per_second: float
    """All HLS rungs together (no rung dropped: a source at least as large as the top rung)."""
    mp4_bytes_per_second: float
    mp4_rung: str
    longest_part_seconds: float
    """0 when split transcoding is off."""
    one_pass_seconds: float
    """The longest source one invocation transcodes whole."""

    def part_disk_bytes(self) -> float:
        return self.longest_part_seconds * self.hls_bytes_per_second * DISK_SLACK

    def merge_disk_bytes(self, duration: float) -> float:
        return duration * self.mp4_bytes_per_second * DISK_SLACK

    def one_pass_disk_bytes(self) -> float:
        return self.one_pass_seconds * (self.hls_bytes_per_second + self.mp4_bytes_per_second) * DISK_SLACK


def capacity(ladder: Sequence[Rung], mp4_rung: int, audio_bps: int, part_seconds: int, max_duration: float
             ) -> Capacity:  # fmt: skip
    """The bounds for a ladder, its MP4 rung, the part length and the longest accepted replay."""
    hls = sum(r.bitrate_bps * MAXRATE_FACTOR + audio_bps for r in ladder) * TS_OVERHEAD / 8
    at_or_below = [r for r in ladder if r.short_side <= mp4_rung]
    mp4 = max(at_or_below) if at_or_below else min(ladder)
    one_pass = max_duration if not part_seconds else min(max_duration, 2 * part_seconds)
    return Capacity(
        hls_bytes_per_second=hls, mp4_bytes_per_second=(mp4.bitrate_bps * MAXRATE_FACTOR + audio_bps) / 8,
        mp4_rung=mp4.name, longest_part_seconds=part_seconds * MAX_PART_FACTOR if part_seconds else 0.0,
        one_pass_seconds=one_pass,
    )  # fmt: skip


def encode_seconds(source_seconds: float, vcpu: float) -> float:
    """Wall seconds to encode ``source_seconds`` of the ladder on ``vcpu`` (measured cost, no safety)."""
    return source_seconds * CPU_SECONDS_PER_SOURCE_SECOND / vcpu


def problems(cap: Capacity, *, part_seconds: int, max_duration: float, max_source_bytes: int,
             transcoder: FunctionSize, worker: FunctionSize) -> list[str]:  # fmt: skip
    """Every limit the configuration breaks, one line each naming the key and the fix."""
    out: list[str] = []
    if part_seconds:
        longest = cap.longest_part_seconds
        disk = worker.disk_mib * MIB
        if cap.part_disk_bytes() > disk:
            fits = math.floor(disk / (cap.hls_bytes_per_second * DISK_SLACK) / MAX_PART_FACTOR)
            out.append(f"fan_out.part_seconds: parts of up to {longest:g} s ({MAX_PART_FACTOR:g}x {part_seconds} s) "
                       f"write up to {cap.part_disk_bytes() / MIB:.0f} MiB of HLS segments, more than "
                       f"fan_out.worker.disk_mib {worker.disk_mib}; use parts of at most {fits} s or "
                       "fan_out.worker.disk_mib: 10240")  # fmt: skip
        need = encode_seconds(longest, worker.vcpu) * TIMEOUT_SAFETY
        if worker.timeout_seconds < need:
            out.append(f"fan_out.worker.timeout_seconds: {worker.timeout_seconds} is too short for parts of up to "
                       f"{longest:g} s on {worker.vcpu:g} vCPU (about {need / TIMEOUT_SAFETY:.0f} s of 1080p work "
                       f"each, {TIMEOUT_SAFETY}x for safety); use at least {math.ceil(need)}, more vCPU, or "
                       "shorter fan_out.part_seconds")  # fmt: skip
        disk = transcoder.disk_mib * MIB
        if cap.merge_disk_bytes(max_duration) > disk:
            fits = math.floor(disk / (cap.mp4_bytes_per_second * DISK_SLACK))
            out.append(f"transcode.max_duration_seconds: {max_duration:g} s replays make an MP4 fallback "
                       f"({cap.mp4_rung}) of up to {cap.merge_disk_bytes(max_duration) / MIB:.0f} MiB, which the "
                       f"merge writes to function.disk_mib {transcoder.disk_mib}; lower it to at most {fits}, pick a "
                       "lower transcode.mp4_rung, or use function.disk_mib: 10240")  # fmt: skip
        need = max_duration * MERGE_SECONDS_PER_SOURCE_SECOND * TIMEOUT_SAFETY
        if transcoder.timeout_seconds < need:
            fits = math.floor(transcoder.timeout_seconds / (MERGE_SECONDS_PER_SOURCE_SECOND * TIMEOUT_SAFETY))
            out.append(f"transcode.max_duration_seconds: merging a {max_duration:g} s replay takes about "
                       f"{need / TIMEOUT_SAFETY:.0f} s; function.timeout_seconds {transcoder.timeout_seconds} is less "
                       f"than {TIMEOUT_SAFETY}x that; lower it to at most {fits} or raise function.timeout_seconds")
    one = cap.one_pass_seconds
    if part_seconds:
        subject = (f"fan_out.part_seconds: replays of up to two parts ({one:g} s) take one pass on the transcoder, "
                   "and their")  # fmt: skip
    else:
        subject = f"transcode.max_duration_seconds: in one pass (fan_out.part_seconds: 0) a {one:g} s replay's"
    disk = transcoder.disk_mib * MIB
    if cap.one_pass_disk_bytes() > disk:
        fits = math.floor(disk / ((cap.hls_bytes_per_second + cap.mp4_bytes_per_second) * DISK_SLACK))
        fix = (f"use fan_out.part_seconds of at most {fits // 2}" if part_seconds else
               f"lower it to at most {fits}, split long replays (fan_out.part_seconds: 60)")  # fmt: skip
        out.append(f"{subject} outputs need up to {cap.one_pass_disk_bytes() / MIB:.0f} MiB, more than "
                   f"function.disk_mib {transcoder.disk_mib}; {fix}, or use function.disk_mib: 10240")
    need = encode_seconds(one, transcoder.vcpu) * TIMEOUT_SAFETY
    if transcoder.timeout_seconds < need:
        fits = math.floor(transcoder.timeout_seconds / (encode_seconds(1, transcoder.vcpu) * TIMEOUT_SAFETY))
        fix = (f"use fan_out.part_seconds of at most {fits // 2}" if part_seconds else
               f"lower it to at most {fits}, split long replays (fan_out.part_seconds: 60)")  # fmt: skip
        out.append(f"{subject} encode takes about {need / TIMEOUT_SAFETY:.0f} s on {transcoder.vcpu:g} vCPU; "
                   f"function.timeout_seconds {transcoder.timeout_seconds} is less than {TIMEOUT_SAFETY}x that; {fix}, "
                   "or raise function.timeout_seconds or function.vcpu")  # fmt: skip
    read = max_source_bytes / READ_BYTES_PER_SECOND
    if read > transcoder.timeout_seconds * READ_SHARE_OF_TIMEOUT:
        fits = int(transcoder.timeout_seconds * READ_SHARE_OF_TIMEOUT * READ_BYTES_PER_SECOND)
        out.append(f"transcode.max_source_bytes: one read of a {max_source_bytes} byte source (the keyframe listing "
                   f"of a container without an index, or a one-pass transcode) takes about {read:.0f} s at "
                   f"{READ_BYTES_PER_SECOND / 1e6:g} MB/s, more than half of function.timeout_seconds "
                   f"{transcoder.timeout_seconds}; lower it to at most {fits} or raise function.timeout_seconds")
    return out


def longest_replay_seconds(cap: Capacity, *, part_seconds: int, transcoder: FunctionSize) -> float:
    """The longest replay the transcoder's disk and timeout allow with split transcoding (for docs and the
    benchmark's model): the merge's MP4 and its time."""
    if not part_seconds:
        return min(transcoder.disk_mib * MIB / ((cap.hls_bytes_per_second + cap.mp4_bytes_per_second) * DISK_SLACK),
                   transcoder.timeout_seconds / (encode_seconds(1, transcoder.vcpu) * TIMEOUT_SAFETY))
    return min(transcoder.disk_mib * MIB / (cap.mp4_bytes_per_second * DISK_SLACK),
               transcoder.timeout_seconds / (MERGE_SECONDS_PER_SOURCE_SECOND * TIMEOUT_SAFETY))
