"""FFmpeg and ffprobe command building and output checks, as pure functions (no subprocess here).

The production command decodes the source once and fans the frames out with ``split`` to one scaler
and one x264 encoder per HLS rung. The MP4 fallback is not a separate encode: its rung's encoder
output goes through the ``tee`` muxer to both the HLS muxer and an MP4 file. The poster is a further
branch of the same ``split``. ``build_per_rendition_commands`` is the naive one-run-per-output
equivalent, kept for the benchmark that measures what decode-once saves.
"""

from __future__ import annotations

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

    @property
    def display_size(self) -> tuple[int, int]:
        """Width and height as shown: FFmpeg auto-rotates while decoding, so scaling sees these."""
        if self.rotation % 180:
            return self.height, self.width
        return self.width, self.height


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


def probe_command(ffprobe: str, source: str) -> list[str]:
    """ffprobe invocation whose JSON ``parse_probe`` understands."""
    return [ffprobe, "-v", "error", "-print_format", "json", "-show_format", "-show_streams", source]


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
    )


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


def transcode_command(ffmpeg: str, source: str, out_dir: str, plan: Plan) -> list[str]:
    """One FFmpeg run that decodes once and writes every HLS rung, the MP4 fallback and the poster."""
    _check_path(out_dir)
    n = len(plan.renditions)
    branches = "".join(f"[v{i}]" for i in range(n))
    graph = [f"[0:v]split={n + 1}{branches}[vposter]"]
    graph += [f"[v{i}]{_scale(r)}[o{i}]" for i, r in enumerate(plan.renditions)]
    graph.append(f"[vposter]{_poster_filter(plan)}[poster]")
    cmd = [ffmpeg, *_GLOBAL, "-i", source, "-filter_complex", ";".join(graph)]
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
