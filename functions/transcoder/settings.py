"""Environment-variable contract between the media component (infra) and the transcoding function.

The media component sets these variables on the Function Compute function; the function reads them
once per invocation. ``ENV_VARS`` is the importable contract: every name the function reads, with its
default ("" means "no default": see the docstring of each field in ``Settings``).

Stdlib only: this module runs on the FC Python runtime, where pydantic is not installed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# x264 presets, fastest first (https://trac.ffmpeg.org/wiki/Encode/H.264#Preset).
X264_PRESETS = (
    "ultrafast",
    "superfast",
    "veryfast",
    "faster",
    "fast",
    "medium",
    "slow",
    "slower",
    "veryslow",
)

#: Every variable the function reads, with its default as the string the component would set.
#: An empty default means "unset is allowed and has the meaning documented in ``Settings``".
ENV_VARS: dict[str, str] = {
    "INPUT_BUCKET": "",
    "INPUT_PREFIX": "replays/",
    "OUTPUT_BUCKET": "",
    "OUTPUT_PREFIX": "transcoded/",
    "LADDER": "1080p:5000k,720p:2800k,480p:1200k",
    "MP4_RUNG": "720p",
    "SEGMENT_SECONDS": "6",
    "MAX_SOURCE_BYTES": str(32 * 1024**3),
    "MAX_DURATION_SECONDS": "14400",
    "PRESET": "veryfast",
    "AUDIO_BITRATE": "128k",
    "POSTER_AT_SECONDS": "3",
    "OSS_ENDPOINT": "",
    "FFMPEG_PATH": "",
    "FFPROBE_PATH": "",
    "SPLIT_SEGMENT_SECONDS": "0",
    "MAX_PARALLEL_PARTS": "10",
    "WORKER_FUNCTION": "",
    "MERGE_FUNCTION": "",
    "INVOKE_ENDPOINT": "",
    "STALE_AFTER_SECONDS": "90000",
    "SOURCE_URL_TTL_SECONDS": "4200",
    "PLAYBACK_BASE_URL": "",
    "PLAYBACK_AUTH_SECRET_NAME": "",
    "PLAYBACK_URL_TTL_SECONDS": "86400",
    "PLAYBACK_AUTH_DELTA_SECONDS": "1800",
}


class SettingsError(ValueError):
    """A variable in ``ENV_VARS`` has a value the function cannot use; the message names it and the fix."""


@dataclass(frozen=True, order=True)
class Rung:
    """One HLS ladder rung. ``short_side`` is the "p" number: the height of a landscape video or the
    width of a portrait one, so a 720x1280 phone stream gets a 720x1280 "720p" rung."""

    short_side: int
    bitrate_bps: int

    @property
    def name(self) -> str:
        """Rung name used in output paths and the manifest, e.g. ``720p``."""
        return f"{self.short_side}p"


@dataclass(frozen=True)
class Settings:
    """Parsed, validated function settings (see docs/transcoder.md for the full contract)."""

    input_bucket: str
    """Bucket the trigger is bound to; events from other buckets are skipped. Empty: accept any."""
    input_prefix: str
    """Only keys under this prefix are transcoded (the trigger's prefix filter, checked again in code)."""
    output_bucket: str
    """Bucket for renditions and manifests. Empty: the source object's bucket."""
    output_prefix: str
    """Prefix for all outputs. Keys under it are always skipped, so outputs can never re-trigger."""
    ladder: tuple[Rung, ...]
    """HLS rungs, highest first. Rungs above the source's short side are dropped (no upscaling)."""
    mp4_rung: int
    """Short side of the progressive MP4 fallback (clamped to the highest rung kept for a source)."""
    segment_seconds: int
    """HLS segment length; keyframes are forced on this grid so every rung switches cleanly."""
    max_source_bytes: int
    """Sources larger than this are rejected before they are read. No invocation stores the source (it is
    read through a presigned URL), so this bounds reading time, not disk (components/media/capacity.py)."""
    max_duration_seconds: float
    """Sources longer than this are rejected after probing (the merge's MP4 and the timeouts must cover
    them: components/media/capacity.py)."""
    preset: str
    """x264 preset, speed against size."""
    audio_bitrate_bps: int
    """AAC bitrate for every rendition that has audio."""
    poster_at_seconds: float
    """Timestamp of the poster frame (clamped into short sources)."""
    oss_endpoint: str
    """OSS endpoint override. Empty: the internal endpoint of the function's region."""
    ffmpeg_path: str
    """Explicit FFmpeg binary. Empty: search (see ``binaries.locate``)."""
    ffprobe_path: str
    """Explicit ffprobe binary. Empty: search."""
    split_segment_seconds: int = 0
    """Part length for split transcoding (0: one pass). Sources longer than twice this are cut at
    keyframes into parts of about this length, each transcoded by its own invocation, then merged."""
    max_parallel_parts: int = 10
    """Most parts of one replay in flight at once (the total is bounded by the worker's reserved concurrency)."""
    worker_function: str = ""
    """Function that transcodes one part (FC: the worker function's name). Empty: split jobs need a
    local invoker (the CLI's ``--workers``)."""
    merge_function: str = ""
    """Function that merges a finished job (FC: this function's own name). Empty: ``FC_FUNCTION_NAME``."""
    invoke_endpoint: str = ""
    """FC 3.0 API endpoint for the asynchronous invocations. Empty:
    ``<FC_ACCOUNT_ID>.<FC_REGION>-internal.fc.aliyuncs.com``."""
    stale_after_seconds: float = 90000.0
    """An attempt with no activity for this long is dead (function timeout + longest async event age):
    only then may other attempts delete its files."""
    source_url_ttl_seconds: int = 4200
    """Lifetime of the presigned GET URL through which an invocation reads the source: at least the
    longest an invocation runs (the component sets the longer function timeout plus ten minutes)."""
    playback_base_url: str = ""
    """Origin of playback URLs written into the manifest, e.g. ``https://replay.example.com`` (the replay
    CDN domain). Empty: no playback URLs."""
    playback_auth_secret_name: str = ""
    """KMS Secrets Manager secret holding the CDN URL-auth (type A) key. Empty: unsigned URLs."""
    playback_url_ttl_seconds: int = 86400
    """Validity of signed playback URLs, from the signing time."""
    playback_auth_delta_seconds: int = 1800
    """The CDN domain's type A validity (``ali_auth_delta``); the signed timestamp is shifted by it so a
    URL stops working ``playback_url_ttl_seconds`` after signing."""

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Read every variable of ``ENV_VARS`` from ``env`` (defaults for unset or empty ones)."""

        def get(name: str) -> str:
            value = env.get(name, "")
            return value.strip() if value.strip() else ENV_VARS[name]

        input_prefix = _prefix("INPUT_PREFIX", get("INPUT_PREFIX"))
        output_prefix = _prefix("OUTPUT_PREFIX", get("OUTPUT_PREFIX"))
        if not output_prefix:
            raise SettingsError(
                "OUTPUT_PREFIX: must not be empty; outputs need their own prefix so they never match "
                "the trigger (set e.g. OUTPUT_PREFIX=transcoded/)"
            )
        input_bucket = get("INPUT_BUCKET")
        output_bucket = get("OUTPUT_BUCKET")
        same_bucket = not output_bucket or not input_bucket or output_bucket == input_bucket
        if same_bucket and input_prefix.startswith(output_prefix):
            raise SettingsError(
                f"INPUT_PREFIX={input_prefix!r} lies inside OUTPUT_PREFIX={output_prefix!r} in the same "
                "bucket: every upload would be skipped as an output; use disjoint prefixes"
            )
        ladder = parse_ladder(get("LADDER"))
        mp4 = get("MP4_RUNG")
        match = re.fullmatch(r"(\d+)p", mp4)
        if not match:
            raise SettingsError(f"MP4_RUNG={mp4!r}: expected a rung name like 720p")
        return cls(
            input_bucket=input_bucket,
            input_prefix=input_prefix,
            output_bucket=output_bucket,
            output_prefix=output_prefix,
            ladder=ladder,
            mp4_rung=_even("MP4_RUNG", int(match.group(1))),
            segment_seconds=int(_number("SEGMENT_SECONDS", get("SEGMENT_SECONDS"), 1, 60, integer=True)),
            max_source_bytes=int(_number("MAX_SOURCE_BYTES", get("MAX_SOURCE_BYTES"), 1, 10**13, integer=True)),
            max_duration_seconds=_number("MAX_DURATION_SECONDS", get("MAX_DURATION_SECONDS"), 1, 86400),
            preset=_preset(get("PRESET")),
            audio_bitrate_bps=parse_bitrate("AUDIO_BITRATE", get("AUDIO_BITRATE")),
            poster_at_seconds=_number("POSTER_AT_SECONDS", get("POSTER_AT_SECONDS"), 0, 86400),
            oss_endpoint=get("OSS_ENDPOINT"),
            ffmpeg_path=get("FFMPEG_PATH"),
            ffprobe_path=get("FFPROBE_PATH"),
            split_segment_seconds=_split_seconds(get("SPLIT_SEGMENT_SECONDS"), int(_number(
                "SEGMENT_SECONDS", get("SEGMENT_SECONDS"), 1, 60, integer=True))),
            max_parallel_parts=int(_number("MAX_PARALLEL_PARTS", get("MAX_PARALLEL_PARTS"), 1, 1000, integer=True)),
            worker_function=get("WORKER_FUNCTION"),
            merge_function=get("MERGE_FUNCTION"),
            invoke_endpoint=get("INVOKE_ENDPOINT"),
            stale_after_seconds=_number("STALE_AFTER_SECONDS", get("STALE_AFTER_SECONDS"), 60, 30 * 86400),
            # At most 36 h: the FC role's STS token in the URL expires then anyway (platform-facts 1.5).
            source_url_ttl_seconds=int(_number(
                "SOURCE_URL_TTL_SECONDS", get("SOURCE_URL_TTL_SECONDS"), 60, 36 * 3600, integer=True)),
            playback_base_url=_base_url(get("PLAYBACK_BASE_URL")),
            playback_auth_secret_name=get("PLAYBACK_AUTH_SECRET_NAME"),
            playback_url_ttl_seconds=int(_number(
                "PLAYBACK_URL_TTL_SECONDS", get("PLAYBACK_URL_TTL_SECONDS"), 120, 31 * 86400, integer=True)),
            playback_auth_delta_seconds=int(_number(
                "PLAYBACK_AUTH_DELTA_SECONDS", get("PLAYBACK_AUTH_DELTA_SECONDS"), 1, 31 * 86400, integer=True)),
        )


def _split_seconds(text: str, segment_seconds: int) -> int:
    value = int(_number("SPLIT_SEGMENT_SECONDS", text, 0, 3600, integer=True))
    if value and value < 2 * segment_seconds:
        raise SettingsError(
            f"SPLIT_SEGMENT_SECONDS={value}: a part must hold at least two HLS segments "
            f"(SEGMENT_SECONDS={segment_seconds}); use 0 (one pass) or at least {2 * segment_seconds}"
        )
    return value


def _base_url(text: str) -> str:
    if not text:
        return ""
    if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?", text):
        raise SettingsError(
            f"PLAYBACK_BASE_URL={text!r}: expected an origin such as https://replay.example.com (optionally a path)"
        )
    return text.rstrip("/")


def parse_bitrate(name: str, text: str) -> int:
    """``"2800k"`` -> 2_800_000, ``"5M"`` -> 5_000_000, ``"96000"`` -> 96_000 (bits per second)."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([kKmM]?)", text.strip())
    if not match:
        raise SettingsError(f"{name}: bitrate {text!r} is not a number with an optional k or M suffix (e.g. 2800k)")
    scale = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    value = int(float(match.group(1)) * scale)
    if not 16_000 <= value <= 100_000_000:
        raise SettingsError(f"{name}: bitrate {text!r} is outside 16k..100M")
    return value


def parse_ladder(text: str) -> tuple[Rung, ...]:
    """Parse ``"1080p:5000k,720p:2800k"`` into rungs sorted highest first; rejects duplicates."""
    rungs: dict[int, Rung] = {}
    for item in (part.strip() for part in text.split(",")):
        match = re.fullmatch(r"(\d+)p:(\S+)", item)
        if not match:
            raise SettingsError(
                f"LADDER: entry {item!r} is not <height>p:<bitrate> (e.g. LADDER=1080p:5000k,720p:2800k)"
            )
        side = _even("LADDER", int(match.group(1)))
        if not 144 <= side <= 4320:
            raise SettingsError(f"LADDER: rung {item!r} is outside 144p..4320p")
        if side in rungs:
            raise SettingsError(f"LADDER: rung {side}p appears twice; keep one bitrate per rung")
        rungs[side] = Rung(side, parse_bitrate(f"LADDER rung {side}p", match.group(2)))
    return tuple(sorted(rungs.values(), reverse=True))


def _prefix(name: str, value: str) -> str:
    # OSS keys never start with "/"; a trailing "/" keeps "replays" from matching "replays-old/".
    value = value.lstrip("/")
    if value and not value.endswith("/"):
        value += "/"
    return value


def _even(name: str, value: int) -> int:
    if value % 2:
        raise SettingsError(f"{name}: {value}p is odd; H.264 in 4:2:0 needs even dimensions")
    return value


def _number(name: str, text: str, low: float, high: float, *, integer: bool = False) -> float:
    try:
        value = int(text) if integer else float(text)
    except ValueError:
        kind = "an integer" if integer else "a number"
        raise SettingsError(f"{name}: {text!r} is not {kind}") from None
    if not low <= value <= high:
        raise SettingsError(f"{name}: {text} is outside {low:g}..{high:g}")
    return value


def _preset(value: str) -> str:
    if value not in X264_PRESETS:
        raise SettingsError(f"PRESET: {value!r} is not an x264 preset; use one of {', '.join(X264_PRESETS)}")
    return value
