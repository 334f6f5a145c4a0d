"""FFmpeg and ffprobe command building and output checks, as pure functions (no subprocess here).

The production command decodes the source once and fans the frames out with ``split`` to one scaler
and one x264 encoder per HLS rung. The MP4 fallback is not a separate encode: its rung's encoder
output goes through the ``tee`` muxer to both the HLS muxer and an MP4 file. The poster is a further
branch of the same ``split``. ``build_per_rendition_commands`` is the naive one-run-per-output
equivalent, kept for the benchmark that measures what decode-once saves.
"""

from __future__ import annotations

import bisect
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .settings import Rung

#: Relative paths of the outputs inside a work directory (and under the version prefix in storage).
MASTER_PLAYLIST = "hls/master.m3u8"
POSTER = "poster.jpg"

# Characters that would need tee-muxer / option escaping; our own temp dirs never contain them.
_UNSAFE_PATH_CHARS = set("|[]:\\'\"=,;")


class ProbeError(ValueError):
    """The source is not a video this function can transcode; the message says why."""


@dataclass(frozen=True)
class SourceInfo:
    """What ffprobe says about a source, reduced to what the plan needs."""

    width: int
    """Coded width (before rotation)."""
    height: int
    """Coded height (before rotation)."""
    duration_seconds: float
    has_audio: bool
    video_codec: str
    rotation: int = 0
    """Display rotation in degrees (phones record portrait as rotated landscape)."""
    sample_aspect: tuple[int, int] = (1, 1)
    """Pixel (sample) aspect ratio: anamorphic sources (DV, broadcast 1440x1080) have non-square pixels."""
    start_time: float = 0.0
    """The container's start (ffprobe ``format.start_time``): FFmpeg's ``-ss`` and output timestamps count
    from it, so keyframe times are made relative to it."""
    video_start_time: float | None = None
    """The video stream's own start (ffprobe ``start_time``): the check of an MP4 index read by mp4index.py."""

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown: non-square pixels stretched to square (SAR), then rotated (FFmpeg
        auto-rotates while decoding, so scaling sees these). Outputs are planned from this size and
        written with square pixels (``setsar=1``), so the display aspect ratio survives."""
        num, den = self.sample_aspect
        width = max(2, int(round(self.width * num / den)))
        if self.rotation % 180:
            return self.height, width
        return width, self.height


@dataclass(frozen=True)
class Rendition:
    """One output video size and bitrate."""

    name: str
    width: int
    height: int
    bitrate_bps: int

    @property
    def playlist(self) -> str:
        """Relative path of this rung's media playlist."""
        return f"hls/{self.name}/index.m3u8"

    @property
    def segment_pattern(self) -> str:
        """Relative path pattern of this rung's segments."""
        return f"hls/{self.name}/seg_%05d.ts"

    @property
    def mp4(self) -> str:
        """Relative path of the MP4 fallback when this rung is the fallback rung."""
        return f"mp4/{self.name}.mp4"


@dataclass(frozen=True)
class Plan:
    """Everything one transcode needs to know, decided before FFmpeg runs."""

    renditions: tuple[Rendition, ...]
    """HLS rungs, highest first."""
    mp4: Rendition
    """The rung whose encode is also written as the progressive MP4 fallback (one of ``renditions``)."""
    poster_at_seconds: float
    segment_seconds: int
    preset: str
    audio_bitrate_bps: int
    has_audio: bool


def probe_command(ffprobe: str, source: str, input_options: Sequence[str] = ()) -> list[str]:
    """ffprobe invocation whose JSON ``parse_probe`` understands (``input_options``: remote.py's, for a URL)."""
    return [ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", *input_options, source]


def parse_probe(data: Mapping[str, Any]) -> SourceInfo:
    """Reduce ffprobe JSON to ``SourceInfo``; raise ``ProbeError`` for sources without usable video."""
    streams = data.get("streams") or []
    # Cover art in audio files shows up as a one-frame "video" stream with attached_pic set.
    videos = [
        s for s in streams if s.get("codec_type") == "video" and not (s.get("disposition") or {}).get("attached_pic")
    ]
    if not videos:
        raise ProbeError("no video stream")
    video = videos[0]
    width, height = int(video.get("width") or 0), int(video.get("height") or 0)
    if width <= 0 or height <= 0:
        raise ProbeError("video stream has no frame size")
    duration = _float((data.get("format") or {}).get("duration")) or _float(video.get("duration"))
    if not duration or duration <= 0 or math.isnan(duration):
        raise ProbeError("no duration (not a finished recording?)")
    return SourceInfo(
        width=width,
        height=height,
        duration_seconds=duration,
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
        video_codec=str(video.get("codec_name") or "unknown"),
        rotation=_rotation(video),
        sample_aspect=_sample_aspect(video.get("sample_aspect_ratio")),
        start_time=_float((data.get("format") or {}).get("start_time")) or 0.0,
        video_start_time=_float(video.get("start_time")),
    )


def _sample_aspect(value: Any) -> tuple[int, int]:
    """ffprobe's ``sample_aspect_ratio`` ("64:45"); unknown ("0:1", "N/A", absent) means square."""
    try:
        num, den = (int(x) for x in str(value).split(":"))
    except (TypeError, ValueError):
        return 1, 1
    if num <= 0 or den <= 0:
        return 1, 1
    return num, den


def scaled_size(width: int, height: int, short_side: int) -> tuple[int, int]:
    """Size with the given short side, the source aspect ratio, and both dimensions even."""
    if width >= height:
        return _even(width * short_side / height), short_side
    return short_side, _even(height * short_side / width)


def plan_renditions(ladder: Sequence[Rung], width: int, height: int) -> tuple[Rendition, ...]:
    """Keep the rungs that do not upscale the (displayed) source. When every rung is above the
    source, keep one rung at the source's own short side with the lowest rung's bitrate, so a small
    source still gets HLS."""
    short = min(width, height) - min(width, height) % 2
    kept = [r for r in sorted(ladder, reverse=True) if r.short_side <= short]
    if not kept:
        kept = [Rung(short, min(r.bitrate_bps for r in ladder))]
    return tuple(Rendition(r.name, *scaled_size(width, height, r.short_side), r.bitrate_bps) for r in kept)


def choose_mp4(renditions: Sequence[Rendition], mp4_rung: int) -> Rendition:
    """The highest kept rung at or below ``mp4_rung``, else the lowest kept rung."""
    at_or_below = [r for r in renditions if min(r.width, r.height) <= mp4_rung]
    if at_or_below:
        return max(at_or_below, key=lambda r: min(r.width, r.height))
    return min(renditions, key=lambda r: min(r.width, r.height))


def poster_time(duration_seconds: float, requested_seconds: float) -> float:
    """The requested poster time, pulled back to mid-clip for sources shorter than twice that."""
    return round(min(requested_seconds, duration_seconds / 2), 3)


def make_plan(source: SourceInfo, settings: Any) -> Plan:
    """Combine a probed source and ``Settings`` into a ``Plan``."""
    renditions = plan_renditions(settings.ladder, *source.display_size)
    return Plan(
        renditions=renditions,
        mp4=choose_mp4(renditions, settings.mp4_rung),
        poster_at_seconds=poster_time(source.duration_seconds, settings.poster_at_seconds),
        segment_seconds=settings.segment_seconds,
        preset=settings.preset,
        audio_bitrate_bps=settings.audio_bitrate_bps,
        has_audio=source.has_audio,
    )


def expected_outputs(plan: Plan) -> list[str]:
    """Relative paths FFmpeg must have written (segments excluded: their count depends on duration)."""
    return [r.playlist for r in plan.renditions] + [plan.mp4.mp4, POSTER]


def transcode_command(ffmpeg: str, source: str, out_dir: str, plan: Plan, input_options: Sequence[str] = ()
                      ) -> list[str]:  # fmt: skip
    """One FFmpeg run that decodes once and writes every HLS rung, the MP4 fallback and the poster
    (``source`` a file or, with remote.py's ``input_options``, a presigned URL)."""
    _check_path(out_dir)
    n = len(plan.renditions)
    branches = "".join(f"[v{i}]" for i in range(n))
    graph = [f"[0:v]split={n + 1}{branches}[vposter]"]
    graph += [f"[v{i}]{_scale(r)}[o{i}]" for i, r in enumerate(plan.renditions)]
    graph.append(f"[vposter]{_poster_filter(plan)}[poster]")
    cmd = [ffmpeg, *_GLOBAL, *input_options, "-i", source, "-filter_complex", ";".join(graph)]
    for i, r in enumerate(plan.renditions):
        cmd += ["-map", f"[o{i}]"] + (["-map", "0:a:0"] if plan.has_audio else [])
        cmd += _video_codec(r, plan) + _audio_codec(plan)
        playlist = os.path.join(out_dir, r.playlist)
        segments = os.path.join(out_dir, r.segment_pattern)
        if r == plan.mp4:
            # tee: the MP4 fallback reuses this rung's encode instead of encoding the frames again.
            # Global headers put SPS/PPS in extradata for MP4; the MPEG-TS muxer re-inserts them
            # in-band before each keyframe, so every segment still decodes on its own.
            hls = ":".join(f"{k}={v}" for k, v in _hls_options(plan, segments))
            mp4 = os.path.join(out_dir, r.mp4)
            cmd += [
                "-flags",
                "+global_header",
                "-f",
                "tee",
                f"[f=hls:{hls}]{playlist}|[f=mp4:movflags=+faststart]{mp4}",
            ]
        else:
            cmd += ["-f", "hls"] + [x for k, v in _hls_options(plan, segments) for x in (f"-{k}", v)] + [playlist]
    cmd += ["-map", "[poster]", *_poster_output(), os.path.join(out_dir, POSTER)]
    return cmd


def per_rendition_commands(ffmpeg: str, source: str, out_dir: str, plan: Plan) -> list[list[str]]:
    """The naive equivalent of ``transcode_command``: one FFmpeg run (one decode) per output.
    Used only by the benchmark."""
    _check_path(out_dir)
    cmds = []
    for r in plan.renditions:
        segments = os.path.join(out_dir, r.segment_pattern)
        cmd = [ffmpeg, *_GLOBAL, "-i", source, "-map", "0:v:0"] + (["-map", "0:a:0"] if plan.has_audio else [])
        cmd += ["-vf", _scale(r)] + _video_codec(r, plan) + _audio_codec(plan) + ["-f", "hls"]
        cmd += [x for k, v in _hls_options(plan, segments) for x in (f"-{k}", v)]
        cmds.append(cmd + [os.path.join(out_dir, r.playlist)])
    m = plan.mp4
    cmd = [ffmpeg, *_GLOBAL, "-i", source, "-map", "0:v:0"] + (["-map", "0:a:0"] if plan.has_audio else [])
    cmd += ["-vf", _scale(m)] + _video_codec(m, plan) + _audio_codec(plan)
    cmds.append(cmd + ["-movflags", "+faststart", os.path.join(out_dir, m.mp4)])
    cmds.append(
        [ffmpeg, *_GLOBAL, "-i", source, "-map", "0:v:0", "-vf", _poster_filter(plan), *_poster_output()]
        + [os.path.join(out_dir, POSTER)]
    )
    return cmds


def master_playlist(variants: Sequence[tuple[Rendition, int, str | None]]) -> str:
    """HLS master playlist for ``(rendition, peak_bandwidth_bps, codecs)`` variants, highest first.
    Written by us, not FFmpeg, because the rungs are muxed by separate HLS muxers."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for r, bandwidth, codecs in variants:
        attrs = f"BANDWIDTH={bandwidth},RESOLUTION={r.width}x{r.height}"
        if codecs:
            attrs += f',CODECS="{codecs}"'
        lines += [f"#EXT-X-STREAM-INF:{attrs}", f"{r.name}/index.m3u8"]
    return "\n".join(lines) + "\n"


def codecs_attribute(video_profile: str | None, video_level: int | None, has_audio: bool) -> str | None:
    """RFC 6381 CODECS value (``avc1.64001f,mp4a.40.2``) from ffprobe's H.264 profile and level."""
    profile = {"High": "6400", "Main": "4d40", "Constrained Baseline": "42e0", "Baseline": "4200"}.get(
        video_profile or ""
    )
    if profile is None or not video_level or video_level <= 0:
        return None
    return f"avc1.{profile}{video_level:02x}" + (",mp4a.40.2" if has_audio else "")


def peak_bandwidth(rendition: Rendition, audio_bitrate_bps: int, has_audio: bool) -> int:
    """BANDWIDTH for the master playlist: the encoder's maxrate plus audio plus ~10% TS overhead."""
    return int((_maxrate(rendition) + (audio_bitrate_bps if has_audio else 0)) * 1.1)


def duration_matches(expected_seconds: float, actual_seconds: float | None) -> bool:
    """Whether an output covers the source: a truncated source decodes "successfully" into a short
    output, so every rendition's duration is compared with the source's."""
    if actual_seconds is None:
        return False
    return abs(expected_seconds - actual_seconds) <= max(0.5, 0.02 * expected_seconds)


# -- helpers ---------------------------------------------------------------------------------------

# -nostdin: FC has no terminal; -xerror is deliberately absent: live recordings often carry a
# corrupt packet or two, and truncation is caught by duration_matches instead.
_GLOBAL = ["-nostdin", "-hide_banner", "-v", "error", "-y"]


def _maxrate(r: Rendition) -> int:
    return int(r.bitrate_bps * 1.1)


def _scale(r: Rendition) -> str:
    return f"scale={r.width}:{r.height}:flags=bicubic,setsar=1,format=yuv420p"


def _video_codec(r: Rendition, plan: Plan) -> list[str]:
    seg = plan.segment_seconds
    return [
        "-c:v", "libx264", "-preset", plan.preset, "-profile:v", "high",
        "-b:v", str(r.bitrate_bps), "-maxrate", str(_maxrate(r)), "-bufsize", str(2 * r.bitrate_bps),
        # Keyframes on the same time grid in every rung, and no scene-cut keyframes, so segment
        # boundaries line up across rungs and players can switch at any boundary.
        "-force_key_frames", f"expr:gte(t,n_forced*{seg})", "-sc_threshold", "0",
        "-max_muxing_queue_size", "4096",
    ]  # fmt: skip


def _audio_codec(plan: Plan) -> list[str]:
    if not plan.has_audio:
        return []
    return ["-c:a", "aac", "-b:a", str(plan.audio_bitrate_bps), "-ac", "2"]


def _hls_options(plan: Plan, segments: str) -> list[tuple[str, str]]:
    return [
        ("hls_time", str(plan.segment_seconds)),
        ("hls_playlist_type", "vod"),
        ("hls_flags", "independent_segments"),
        ("hls_segment_filename", segments),
    ]


def _poster_filter(plan: Plan) -> str:
    top = plan.renditions[0]
    return (
        f"trim=start={plan.poster_at_seconds},setpts=PTS-STARTPTS,"
        f"scale={top.width}:{top.height}:flags=bicubic,setsar=1,format=yuvj420p"
    )


def _poster_output() -> list[str]:
    return ["-frames:v", "1", "-q:v", "2", "-f", "image2", "-update", "1"]


def _check_path(path: str) -> None:
    bad = _UNSAFE_PATH_CHARS.intersection(path)
    if bad:
        raise ValueError(f"work directory {path!r} contains {''.join(sorted(bad))!r}, which FFmpeg options cannot hold")


def _even(value: float) -> int:
    return max(2, int(round(value / 2)) * 2)


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _rotation(video: Mapping[str, Any]) -> int:
    for side in video.get("side_data_list") or []:
        if "rotation" in side:
            return int(round(float(side["rotation"]))) % 360
    rotate = (video.get("tags") or {}).get("rotate")
    return int(rotate) % 360 if rotate and str(rotate).lstrip("-").isdigit() else 0


# -- split transcoding (issue 15) --------------------------------------------------------------------

#: Shortest part the splitter keeps at the end of a source: a few frames (a 0.5 s tail is a part of its own).
MIN_PART_SECONDS = 0.1


def keyframes_command(ffprobe: str, source: str, input_options: Sequence[str] = ()) -> list[str]:
    """ffprobe listing of the first video stream's packets (pts and flags) without decoding. It reads every
    packet, so over a URL it streams the whole source once: the fallback for containers without an index
    that mp4index.py reads."""
    return [ffprobe, "-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags",
            "-of", "csv=p=0", *input_options, source]  # fmt: skip


def parse_keyframes(csv_text: str) -> list[float]:
    """Keyframe times (seconds, sorted, unique) from ``keyframes_command`` output (``pts_time,flags``)."""
    times = set()
    for line in csv_text.splitlines():
        fields = line.strip().split(",")
        if len(fields) >= 2 and "K" in fields[1]:
            try:
                times.add(round(float(fields[0]), 6))
            except ValueError:
                continue
    return sorted(times)


#: Longest part as a multiple of the part length: a cut waits for a keyframe at most this long, then is
#: made off-keyframe (exact all the same: see ``part_command``), so a part's disk, memory and time are
#: bounded whatever the source's keyframe spacing (components/media/capacity.py relies on it).
MAX_PART_FACTOR = 1.5


def plan_split(keyframes: Sequence[float], duration: float, part_seconds: float) -> list[float]:
    """Cut times (seconds on the source's timeline, which starts at 0) for parts of about ``part_seconds``:
    for each multiple of ``part_seconds``, the first keyframe at or after it, so sparse keyframes make
    longer parts and a worker's seek lands on the cut. No part is longer than ``MAX_PART_FACTOR`` parts:
    when no keyframe comes in time, the cut is the multiple itself, off-keyframe (that part's worker
    decodes from the keyframe before it and drops the frames before the cut). A keyframe less than
    ``MIN_PART_SECONDS`` before the end is not used. Returns the cut times (parts = cuts + 1)."""
    if part_seconds <= 0:
        raise ValueError("part_seconds must be positive")
    longest = part_seconds * MAX_PART_FACTOR
    keys = sorted({k for k in keyframes if 1e-6 < k < duration - MIN_PART_SECONDS})
    cuts: list[float] = []
    start, target = 0.0, float(part_seconds)
    while True:
        i = bisect.bisect_left(keys, target - 1e-6)
        if i < len(keys) and keys[i] - start <= longest + 1e-9:
            cut = keys[i]
        elif duration - start > longest:
            cut = target
        else:
            break
        cuts.append(round(cut, 6))
        start = cut
        while target <= cut + 1e-6:
            target += part_seconds
    return cuts


def part_segment_pattern(rendition: Rendition, part: int) -> str:
    """Relative path pattern of one part's segments of a rung (names unique across parts)."""
    return f"hls/{rendition.name}/p{part:05d}_%05d.ts"


def part_playlist(rendition: Rendition) -> str:
    """Relative path of the playlist FFmpeg writes for one part (read locally, never published)."""
    return f"hls/{rendition.name}/part.m3u8"


def part_command(ffmpeg: str, source: str, out_dir: str, plan: Plan, *, part: int, start: float, duration: float,
                 poster_local_seconds: float | None, seek: bool = True, input_options: Sequence[str] = ()
                 ) -> list[str]:  # fmt: skip
    """Transcode one part into every rung. With ``seek`` the part is read from the whole source (a file or,
    with remote.py's ``input_options``, a presigned URL): ``-ss <start>`` before the input seeks by the
    container's index to the last keyframe at or before ``start`` (for a URL: a range request from there)
    and, FFmpeg's default accurate seek, drops every decoded frame and audio sample before ``start``;
    ``-t <duration>`` (on the input and on every HLS output) stops at the next part's start. So adjacent
    parts share no frame and miss none, whether or not a cut is on a keyframe. Without ``seek`` (split jobs
    of JOB_VERSION 1) the input is the part alone. Timestamps land on the source timeline
    (``-output_ts_offset``), so the parts' segments play back to back; keyframes (and so segment cuts) are
    forced every ``segment_seconds`` from the part's start in every rung alike. The poster comes from the
    part that contains it."""
    _check_path(out_dir)
    n = len(plan.renditions)
    with_poster = poster_local_seconds is not None
    branches = "".join(f"[v{i}]" for i in range(n))
    graph = [f"[0:v]split={n + (1 if with_poster else 0)}{branches}" + ("[vposter]" if with_poster else "")]
    graph += [f"[v{i}]{_scale(r)}[o{i}]" for i, r in enumerate(plan.renditions)]
    if with_poster:
        top = plan.renditions[0]
        graph.append(f"[vposter]trim=start={poster_local_seconds:.3f},setpts=PTS-STARTPTS,"
                     f"scale={top.width}:{top.height}:flags=bicubic,setsar=1,format=yuvj420p[poster]")  # fmt: skip
    # `-t` on the input too: FFmpeg stops reading (and decoding) the source at the part's end. Without it the
    # poster branch kept the filter graph fed, and the poster part decoded the rest of the replay (measured
    # 12x its CPU on a 240 s clip; benchmarks/bench_transcode.py), reading it all through the URL.
    cmd = [ffmpeg, *_GLOBAL, *(["-ss", f"{start:.6f}"] if seek and start > 0 else []), "-t", f"{duration:.6f}",
           *input_options, "-i", source, "-filter_complex", ";".join(graph)]  # fmt: skip
    for i, r in enumerate(plan.renditions):
        cmd += ["-map", f"[o{i}]"] + (["-map", "0:a:0"] if plan.has_audio else [])
        cmd += _video_codec(r, plan) + _audio_codec(plan)
        cmd += ["-t", f"{duration:.6f}", "-output_ts_offset", f"{start:.6f}", "-f", "hls"]
        cmd += [x for k, v in _hls_options(plan, os.path.join(out_dir, part_segment_pattern(r, part)))
                for x in (f"-{k}", v)]  # fmt: skip
        cmd.append(os.path.join(out_dir, part_playlist(r)))
    if with_poster:
        cmd += ["-map", "[poster]", *_poster_output(), os.path.join(out_dir, POSTER)]
    return cmd


def parse_media_playlist(text: str) -> list[tuple[float, str]]:
    """``(duration, uri)`` per segment of an HLS media playlist."""
    segments, duration = [], None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#EXTINF:"):
            duration = float(line[len("#EXTINF:"):].split(",", 1)[0])
        elif line and not line.startswith("#") and duration is not None:
            segments.append((duration, line))
            duration = None
    return segments


def media_playlist(segments: Sequence[tuple[float, str]]) -> str:
    """A VOD media playlist of ``(duration, uri)`` segments, numbered from 0 with no gaps: the merged
    playlist of a split job. ``EXT-X-TARGETDURATION`` is the longest segment rounded up (RFC 8216 4.3.3.1)."""
    target = max(1, math.ceil(max((d for d, _ in segments), default=1) - 1e-9))
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{target}", "#EXT-X-MEDIA-SEQUENCE:0",
             "#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-INDEPENDENT-SEGMENTS"]  # fmt: skip
    for duration, uri in segments:
        lines += [f"#EXTINF:{duration:.6f},", uri]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def remux_mp4_command(ffmpeg: str, out: str, source: str = "pipe:0") -> list[str]:
    """The MP4 fallback of a split job: the fallback rung's MPEG-TS segments, in order, on standard input
    (MPEG-TS concatenates), remuxed without re-encoding. ``+faststart`` moves the index to the front by
    shifting the file in place (no second copy on disk)."""
    return [ffmpeg, *_GLOBAL, "-f", "mpegts", "-i", source, "-map", "0", "-c", "copy", "-bsf:a", "aac_adtstoasc",
            "-movflags", "+faststart", out]  # fmt: skip


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """A ``Plan`` as JSON-ready data (the split job record carries it to every worker)."""
    return {
        "renditions": [[r.name, r.width, r.height, r.bitrate_bps] for r in plan.renditions],
        "mp4": plan.mp4.name, "posterAtSeconds": plan.poster_at_seconds, "segmentSeconds": plan.segment_seconds,
        "preset": plan.preset, "audioBitrate": plan.audio_bitrate_bps, "hasAudio": plan.has_audio,
    }  # fmt: skip


def plan_from_dict(data: Mapping[str, Any]) -> Plan:
    renditions = tuple(Rendition(str(n), int(w), int(h), int(b)) for n, w, h, b in data["renditions"])
    return Plan(
        renditions=renditions, mp4=next(r for r in renditions if r.name == data["mp4"]),
        poster_at_seconds=float(data["posterAtSeconds"]), segment_seconds=int(data["segmentSeconds"]),
        preset=str(data["preset"]), audio_bitrate_bps=int(data["audioBitrate"]), has_audio=bool(data["hasAudio"]),
    )  # fmt: skip
