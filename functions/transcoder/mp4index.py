"""Keyframe times of an MP4/MOV read from its index (``moov``) by range reads: no media is downloaded.

A split job needs the source's keyframes to choose its cuts. ffprobe lists them only by reading every
packet: the whole source, 6-12 GB for a gala replay. An MP4's ``moov`` box already holds what is needed
(ISO/IEC 14496-12: ``stts`` decode times, ``ctts`` composition offsets, ``stss`` sync samples, ``elst``
the edit list, ``mdhd`` the time scale), a few MB even for hours of video, and it sits either at the
start (``+faststart``) or after ``mdat`` at the end (camera and OBS recordings): the top-level boxes are
walked by their headers, one small range read each, so either layout costs a handful of requests.

Times are presentation times in seconds, as ffprobe reports ``pts_time`` (the edit list applied: a
single edit's ``media_time`` is subtracted, a leading empty edit delays the track). What this reader
does not model returns None and the caller falls back to ffprobe's packet listing over the URL:
fragmented MP4 (``moof``/``mvex``), edit lists with more than one media edit or a rate other than 1,
no video track, an index over ``MAX_MOOV_BYTES``, anything that is not ISO BMFF (MPEG-TS, FLV, MKV).
The caller also checks the result against ffprobe's view of the stream (``matches_probe``).
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Callable
from dataclasses import dataclass

#: Largest ``moov`` read into memory: 4 h of 30 fps video with B-frames has ~10 MB of tables.
MAX_MOOV_BYTES = 256 * 1024 * 1024
#: Top-level boxes walked before giving up (a fragmented file has thousands of moof/mdat pairs).
MAX_TOP_LEVEL_BOXES = 64
_TOP_LEVEL = {b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pdin", b"uuid", b"styp", b"meta", b"sidx",
              b"moof", b"mfra", b"junk", b"pnot", b"prfl", b"PICT"}  # fmt: skip
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}

Reader = Callable[[int, int], bytes]
"""``read(offset, length) -> bytes``: one range read of the source (fewer bytes only at its end)."""


class IndexError_(ValueError):
    """The bytes are not a well-formed box structure (the caller falls back to ffprobe)."""


@dataclass(frozen=True)
class VideoIndex:
    """The first video track's timing, from its sample tables."""

    keyframes: tuple[float, ...]
    """Presentation times (s) of its sync samples, sorted, the edit list applied; none before 0."""
    first_pts: float
    """Earliest presentation time among its first samples (what ffprobe calls the stream's start_time)."""
    samples: int
    timescale: int
    moov_offset: int
    """Where ``moov`` starts in the file (0 < offset < size: after ``mdat``, a non-faststart file)."""
    requests: int
    """Range reads it took."""


def read_video_index(read: Reader, size: int) -> VideoIndex | None:
    """The first video track's keyframes, or None when the file is not an MP4 this reader models."""
    requests = 0
    offset, boxes = 0, 0
    moov: bytes | None = None
    moov_offset = -1
    while offset + 8 <= size and boxes < MAX_TOP_LEVEL_BOXES:
        header = read(offset, 16)
        requests += 1
        if len(header) < 8:
            return None
        box_size, kind = struct.unpack(">I4s", header[:8])
        head = 8
        if box_size == 1:
            if len(header) < 16:
                return None
            box_size = struct.unpack(">Q", header[8:16])[0]
            head = 16
        elif box_size == 0:
            box_size = size - offset  # the box runs to the end of the file
        if kind not in _TOP_LEVEL or box_size < head:
            return None  # not ISO BMFF (or a layout we do not model)
        if boxes == 0 and kind not in (b"ftyp", b"moov", b"free", b"wide", b"skip", b"pdin", b"mdat"):
            return None
        if kind in (b"moof", b"styp", b"sidx"):
            return None  # fragmented: the samples are not all in moov
        if kind == b"moov":
            if box_size > MAX_MOOV_BYTES:
                return None
            moov = read(offset, box_size)
            requests += 1
            if len(moov) != box_size:
                return None
            moov_offset = offset
            break
        offset += box_size
        boxes += 1
    if moov is None:
        return None
    try:
        return _video_index(moov, moov_offset, requests)
    except (struct.error, IndexError_, ZeroDivisionError):
        return None


def matches_probe(index: VideoIndex, stream_start_time: float | None, *, tolerance: float = 0.002) -> bool:
    """Whether the index agrees with ffprobe's start time of the same stream (else use ffprobe's listing)."""
    return stream_start_time is not None and abs(index.first_pts - stream_start_time) <= tolerance


# -- box parsing ----------------------------------------------------------------------------------------------


def _children(data: bytes, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """``(type, payload start, box end)`` of the boxes in ``data[start:end]``."""
    out = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        head = 8
        if size == 1:
            size = struct.unpack_from(">Q", data, pos + 8)[0]
            head = 16
        elif size == 0:
            size = end - pos
        if size < head or pos + size > end:
            raise IndexError_(f"box {kind!r} at {pos} overruns its parent")
        out.append((kind, pos + head, pos + size))
        pos += size
    return out


def _find(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    return next(((s, e) for k, s, e in _children(data, start, end) if k == kind), None)


def _timescale(data: bytes, start: int) -> int:
    """Time scale of an ``mvhd`` or ``mdhd`` payload (version 0 or 1)."""
    version = data[start]
    scale = struct.unpack_from(">I", data, start + (20 if version == 1 else 12))[0]
    if not scale:
        raise IndexError_("zero time scale")
    return scale


def _video_index(moov: bytes, moov_offset: int, requests: int) -> VideoIndex | None:
    top = _children(moov, 8 if struct.unpack_from(">I", moov, 0)[0] != 1 else 16, len(moov))
    if any(k == b"mvex" for k, _, _ in top):
        return None  # fragmented: moov describes only the first fragment, if any
    mvhd = next(((s, e) for k, s, e in top if k == b"mvhd"), None)
    if mvhd is None:
        return None
    movie_scale = _timescale(moov, mvhd[0])
    for kind, start, end in top:
        if kind != b"trak":
            continue
        mdia = _find(moov, start, end, b"mdia")
        if mdia is None:
            continue
        hdlr = _find(moov, *mdia, b"hdlr")
        if hdlr is None or moov[hdlr[0] + 8 : hdlr[0] + 12] != b"vide":
            continue
        return _track(moov, start, end, mdia, movie_scale, moov_offset, requests)
    return None


def _track(moov: bytes, start: int, end: int, mdia: tuple[int, int], movie_scale: int, moov_offset: int,
           requests: int) -> VideoIndex | None:  # fmt: skip
    mdhd = _find(moov, *mdia, b"mdhd")
    minf = _find(moov, *mdia, b"minf")
    if mdhd is None or minf is None:
        return None
    scale = _timescale(moov, mdhd[0])
    stbl = _find(moov, *minf, b"stbl")
    if stbl is None:
        return None
    tables = {k: (s, e) for k, s, e in _children(moov, *stbl)}
    if b"stts" not in tables:
        return None
    # Decode times: stts runs of (count, delta).
    s, _ = tables[b"stts"]
    (count,) = struct.unpack_from(">I", moov, s + 4)
    runs = list(struct.iter_unpack(">II", moov[s + 8 : s + 8 + 8 * count]))
    samples = sum(n for n, _ in runs)
    if not samples:
        return None
    run_first, run_dts, first, dts = [], [], 0, 0
    for n, delta in runs:
        run_first.append(first)
        run_dts.append(dts)
        first += n
        dts += n * delta

    def decode_time(sample: int) -> int:  # sample: 0-based
        i = bisect.bisect_right(run_first, sample) - 1
        return run_dts[i] + (sample - run_first[i]) * runs[i][1]

    # Composition offsets: ctts runs of (count, offset); read signed, as FFmpeg does for both versions.
    offset_of: Callable[[int], int] = lambda sample: 0  # noqa: E731
    if b"ctts" in tables:
        s, _ = tables[b"ctts"]
        (count,) = struct.unpack_from(">I", moov, s + 4)
        cruns = list(struct.iter_unpack(">Ii", moov[s + 8 : s + 8 + 8 * count]))
        c_first, acc = [], 0
        for n, _ in cruns:
            c_first.append(acc)
            acc += n

        def offset_of(sample: int) -> int:
            i = bisect.bisect_right(c_first, sample) - 1
            return cruns[i][1] if 0 <= i < len(cruns) and sample < c_first[i] + cruns[i][0] else 0

    # Sync samples (1-based numbers); no stss means every sample is a sync sample.
    if b"stss" in tables:
        s, _ = tables[b"stss"]
        (count,) = struct.unpack_from(">I", moov, s + 4)
        sync = [n - 1 for (n,) in struct.iter_unpack(">I", moov[s + 8 : s + 8 + 4 * count])]
    else:
        sync = list(range(samples))
    # Edit list: at most one leading empty edit, then one media edit at rate 1.
    shift, delay = 0, 0.0
    edts = _find(moov, start, end, b"edts")
    if edts is not None:
        elst = _find(moov, *edts, b"elst")
        if elst is not None:
            es = elst[0]
            version = moov[es]
            (count,) = struct.unpack_from(">I", moov, es + 4)
            fmt, width = (">QqhH", 20) if version == 1 else (">IihH", 12)
            edits = [struct.unpack_from(fmt, moov, es + 8 + i * width) for i in range(count)]
            media: int | None = None
            empty = 0
            for duration, media_time, rate, rate_fraction in edits:
                if media_time == -1:
                    if media is not None:
                        return None  # an empty edit after the media: a gap FFmpeg would model
                    empty += duration
                elif media is not None or (rate, rate_fraction) != (1, 0):
                    return None  # a second media edit, or a rate other than 1
                else:
                    media = media_time
            shift, delay = media or 0, empty / movie_scale

    def pts(sample: int) -> float:
        return (decode_time(sample) + offset_of(sample) - shift) / scale + delay

    keyframes = sorted({round(pts(n), 6) for n in sync if 0 <= n < samples and pts(n) >= -1e-9})
    first_pts = min(pts(n) for n in range(min(samples, 64)))
    return VideoIndex(keyframes=tuple(max(0.0, k) for k in keyframes), first_pts=round(max(first_pts, 0.0), 6),
                      samples=samples, timescale=scale, moov_offset=moov_offset, requests=requests)  # fmt: skip
