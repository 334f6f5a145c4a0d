"""Reading the source through a presigned, ETag-pinned URL (issue 15, gala replays): the local range server
answers like OSS, the MP4 index is read by range requests at either end of the file, and a part read through
the URL decodes the frames FFmpeg cuts from the local file, frame for frame, faststart or not (real FFmpeg/ffprobe)."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import time
import types
import urllib.error

import pytest

from functions.transcoder import binaries, manifest as m, mp4index, remote
from functions.transcoder.ffmpeg import (
    keyframes_command,
    make_plan,
    parse_keyframes,
    parse_media_playlist,
    parse_probe,
    part_command,
    part_playlist,
)
from functions.transcoder.handler import handler, worker
from functions.transcoder.invoke import RecordingInvoker
from functions.transcoder.localserve import server_for
from functions.transcoder.settings import Settings
from functions.transcoder.storage import LocalStorage, SourceChanged

from .conftest import BUCKET, make_event, put_source

KEY = "replays/gala.mp4"
NS = "transcoded/gala.mp4~/"
CONTEXT = types.SimpleNamespace(request_id="req-remote")
PLAN_ENV = {"LADDER": "180p:300k,144p:200k", "MP4_RUNG": "180p", "SEGMENT_SECONDS": "2", "PRESET": "ultrafast"}


@pytest.fixture(scope="session")
def layouts(tools, tmp_path_factory):
    """``clip(layout, seconds=12.5, lossless=False) -> Path``: 320x180 25 fps H.264 with B-frames (composition
    offsets and an edit list, like OBS) + AAC, a keyframe every second; ``end`` keeps FFmpeg's default layout
    (``moov`` after ``mdat``: a non-faststart MP4, what cameras and OBS write), ``faststart`` moves it first."""
    folder = tmp_path_factory.mktemp("layouts")
    made = {}

    def clip(layout: str, seconds: float = 12.5, lossless: bool = False):
        shape = (layout, seconds, lossless)
        if shape not in made:
            out = folder / f"{layout}-{seconds}-{int(lossless)}.mp4"
            quality = ["-preset", "ultrafast", "-qp", "0"] if lossless else ["-preset", "veryfast", "-bf", "2"]
            binaries.run([tools.ffmpeg, "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i",
                          f"testsrc2=size=320x180:rate=25:duration={seconds}", "-f", "lavfi", "-i",
                          f"sine=frequency=440:sample_rate=48000:duration={seconds}", "-c:v", "libx264", *quality,
                          "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-c:a", "aac",
                          "-shortest", *(["-movflags", "+faststart"] if layout == "faststart" else []), str(out)],
                         what="make clip")  # fmt: skip
            made[shape] = out
        return made[shape]

    return clip


def signed_source(storage, key=KEY, ttl=600):
    info = storage.head(BUCKET, key)
    return remote.SignedSource(storage.presign_get(BUCKET, key, expires_seconds=ttl), info.etag, info.size)


def served_since(server, mark):
    """The server's answers after ``mark`` (it records a response once it has written it: wait for that)."""
    time.sleep(0.3)
    return server.served[mark:]


# -- the range server answers like OSS --------------------------------------------------------------------


def test_the_range_server_answers_ranges_and_pins_the_etag(storage):
    body = bytes(range(256)) * 64
    put_source(storage, KEY, body)
    src = signed_source(storage)
    assert remote.read_range(src, 0, 10) == body[:10]
    assert remote.read_range(src, 1000, 5000) == body[1000:6000]
    assert remote.read_range(src, len(body) - 3, 100) == body[-3:]  # fewer at the end
    assert remote.read_range(src, len(body), 10) == b""
    # Overwritten under the URL: If-Match answers 412 and the reader stops instead of mixing two versions.
    put_source(storage, KEY, body[::-1])
    with pytest.raises(SourceChanged, match="ETag is no longer"):
        remote.read_range(src, 0, 10)
    (storage.path(BUCKET, KEY)).unlink()
    with pytest.raises(remote.SourceUnavailable, match="HTTP 404"):
        remote.read_range(remote.SignedSource(src.url, src.etag, src.size), 0, 10, sleep=lambda s: None)


def test_a_forged_or_expired_url_is_refused_and_never_printed(storage):
    put_source(storage, KEY, b"x" * 1000)
    src = signed_source(storage)
    forged = remote.SignedSource(src.url.replace("Signature=", "Signature=0"), src.etag, src.size)
    with pytest.raises(remote.SourceUnavailable, match="HTTP 403") as refused:
        remote.read_range(forged, 0, 10)
    assert "Signature" not in str(refused.value) and "?<signed>" in str(refused.value)
    ref = server_for(storage.root).ref
    expired = remote.SignedSource(ref.sign(BUCKET, KEY, 60, now=time.time() - 3600), src.etag, src.size)
    with pytest.raises(remote.SourceUnavailable, match="HTTP 403"):
        remote.read_range(expired, 0, 10)
    assert str(src) == remote.redact(src.url) and "Signature" not in repr(src) + str(src)


def test_a_read_is_retried_on_5xx_then_fails_with_the_url_redacted():
    calls, sleeps = [], []

    def opener(request, timeout):
        calls.append(request.get_header("If-match"))
        raise urllib.error.HTTPError(request.full_url, 503, "SlowDown", {}, io.BytesIO())

    src = remote.SignedSource("https://b.oss-cn-hangzhou-internal.aliyuncs.com/k?Signature=s3cret&security-token=t",
                              "ab", 100)  # fmt: skip
    with pytest.raises(remote.SourceUnavailable) as failed:
        remote.read_range(src, 0, 10, opener=opener, sleep=sleeps.append)
    assert calls == ['"AB"'] * remote.READ_ATTEMPTS and len(sleeps) == remote.READ_ATTEMPTS - 1
    assert "s3cret" not in str(failed.value) and "HTTP 503" in str(failed.value)


# -- the MP4 index, read by range requests ----------------------------------------------------------------


@pytest.mark.parametrize("layout", ["end", "faststart"])
def test_the_mp4_index_gives_ffprobes_keyframes_at_either_end_of_the_file(tools, layouts, storage, layout):
    path = layouts(layout)
    put_source(storage, KEY, path)
    src, server = signed_source(storage), server_for(storage.root)
    mark = len(server.served)
    index = mp4index.read_video_index(lambda offset, length: remote.read_range(src, offset, length), src.size)
    listing = parse_keyframes(binaries.run(keyframes_command(tools.ffprobe, str(path), []), what="keyframes").stdout)
    probe = parse_probe(binaries.probe_json(tools.ffprobe, str(path)))
    assert index is not None and list(index.keyframes) == pytest.approx(listing, abs=1e-3)
    assert len(index.keyframes) == 13 and mp4index.matches_probe(index, probe.video_start_time)
    # moov after mdat (non-faststart) is found by walking the top-level boxes: a few small reads, no media.
    assert (index.moov_offset > src.size // 2) == (layout == "end") and index.requests <= 5
    assert sum(s.sent for s in served_since(server, mark)) < src.size * 0.05


def test_what_the_index_reader_does_not_model_falls_back(tools, layouts, tmp_path):
    ts = tmp_path / "clip.ts"
    binaries.run([tools.ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(layouts("end")), "-c", "copy", str(ts)],
                 what="remux")  # fmt: skip
    data = ts.read_bytes()
    assert mp4index.read_video_index(lambda o, n: data[o : o + n], len(data)) is None  # MPEG-TS: ffprobe lists
    frag = tmp_path / "frag.mp4"
    binaries.run([tools.ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(layouts("end")), "-c", "copy", "-movflags",
                  "+frag_keyframe+empty_moov", str(frag)], what="fragment")  # fmt: skip
    data = frag.read_bytes()
    assert mp4index.read_video_index(lambda o, n: data[o : o + n], len(data)) is None  # fragmented MP4


# -- a part read through the URL is the part cut from the local file --------------------------------------


def decoded_frames(tools, source, opts, start, duration):
    """framemd5 lines (stream, timestamps, size, digest per decoded frame) of ``[start, start + duration)``, read
    the way a part reads its source: ``-ss`` and ``-t`` on the input."""
    out = binaries.run([tools.ffmpeg, "-nostdin", "-v", "error", "-ss", f"{start:.6f}", "-t", f"{duration:.6f}", *opts,
                        "-i", str(source), "-map", "0:v:0", "-map", "0:a:0", "-f", "framemd5", "-"], what="framemd5")
    return [line for line in out.stdout.splitlines() if line and not line.startswith("#")]


def transcode_part(tools, source, opts, out_dir, plan, start, duration, poster=None):
    for r in plan.renditions:
        os.makedirs(out_dir / "hls" / r.name, exist_ok=True)
    binaries.run(part_command(tools.ffmpeg, str(source), str(out_dir), plan, part=1, start=start, duration=duration,
                              poster_local_seconds=poster, input_options=opts), what="part")  # fmt: skip
    digests = {}
    for r in plan.renditions:
        segments = parse_media_playlist((out_dir / part_playlist(r)).read_text())
        digests[r.name] = [(d, name, hashlib.sha256((out_dir / "hls" / r.name / name).read_bytes()).hexdigest())
                           for d, name in segments]  # fmt: skip
    return digests


@pytest.mark.parametrize("layout", ["end", "faststart"])
@pytest.mark.parametrize(("start", "duration"), [(4.0, 4.0), (5.52, 3.0)], ids=["on-keyframe", "off-keyframe"])
def test_a_part_read_through_the_url_is_the_part_cut_from_the_local_file(tools, layouts, storage, tmp_path, layout,
                                                                         start, duration):  # fmt: skip
    path = layouts(layout)
    put_source(storage, KEY, path)
    src = signed_source(storage)
    plan = make_plan(parse_probe(binaries.probe_json(tools.ffprobe, str(path))), Settings.from_env(PLAN_ENV))
    opts = remote.ffmpeg_input_options(src)
    # What the part reads: every decoded video frame and audio frame from its start to its end, through the URL
    # (range requests) and from the file, the same (framemd5: a digest of each decoded frame).
    frames = decoded_frames(tools, src.url, opts, start, duration)
    assert frames == decoded_frames(tools, path, [], start, duration)
    assert sum(1 for line in frames if line.startswith("0,")) == round(duration * 25)
    # What it writes: the same segments (names, durations). Not compared byte for byte: x264 and the muxers
    # are not bit-exact between runs when the machine is loaded.
    local = transcode_part(tools, path, [], tmp_path / "local", plan, start, duration)
    url = transcode_part(tools, src.url, opts, tmp_path / "url", plan, start, duration)
    layout_of = lambda digests: {k: [(d, n) for d, n, _ in v] for k, v in digests.items()}  # noqa: E731
    assert layout_of(url) == layout_of(local)
    for r in plan.renditions:
        assert abs(sum(d for d, _, _ in url[r.name]) - duration) <= 0.05
        first = tmp_path / "url" / "hls" / r.name / url[r.name][0][1]
        streams = {s["codec_type"]: float(s["start_time"]) for s in binaries.probe_json(tools.ffprobe, str(first))
                   ["streams"]}  # fmt: skip
        # On the source's timeline (the part starts at `start`), audio and video together.
        assert abs(streams["video"] - streams["audio"]) < 0.05
        assert abs(streams["video"] - (start + 1.4)) < 0.05  # MPEG-TS's 1.4 s muxing offset


@pytest.mark.parametrize("poster", [None, 1.0], ids=["plain", "with-poster"])
def test_a_part_reads_its_range_not_the_whole_source(tools, layouts, storage, tmp_path, poster):
    # About 48 MB: much more than the read-ahead FFmpeg's abandoned requests get (socket buffers, a few MB each).
    path = layouts("end", seconds=240, lossless=True)
    put_source(storage, KEY, path)
    src, server = signed_source(storage), server_for(storage.root)
    plan = make_plan(parse_probe(binaries.probe_json(tools.ffprobe, str(path))), Settings.from_env(PLAN_ENV))
    mark = len(server.served)
    transcode_part(tools, src.url, remote.ffmpeg_input_options(src), tmp_path / "out", plan, 120.0, 4.0, poster)
    assert (tmp_path / "out" / "poster.jpg").is_file() == (poster is not None)
    served = [s for s in served_since(server, mark) if s.key == KEY]
    # The media request starts at the part (a range request from the keyframe at 120 s, half way into the
    # file), and all requests together send well under half the source: the header, the index at the end,
    # the part's 0.8 MB, and the read-ahead of the requests FFmpeg abandons when it seeks. The poster branch
    # once kept FFmpeg decoding to the end of the replay (the input's own `-t` stops it at the part's end).
    media_starts = [s.start for s in served if 64 * 1024 < s.start < src.size * 0.9]
    assert media_starts and min(media_starts) > src.size * 0.45
    assert sum(s.sent for s in served) < src.size / 2


# -- end to end: split jobs on both layouts ---------------------------------------------------------------


@pytest.fixture
def split_env(transcoder_env):
    transcoder_env(**PLAN_ENV, SPLIT_SEGMENT_SECONDS="4", MAX_PARALLEL_PARTS="2", POSTER_AT_SECONDS="5")


def run_split(storage, caplog):
    invoker = RecordingInvoker()
    with caplog.at_level(logging.INFO, logger="transcoder"):
        first = json.loads(handler(make_event(KEY), CONTEXT, storage=storage, invoker=invoker))["results"][0]
    assert first["status"] == "dispatched"
    dispatched = next(json.loads(r.getMessage()) for r in caplog.records if '"dispatched"' in r.getMessage())
    pending = list(invoker.calls)
    while pending:
        kind, payload, _ = pending.pop(0)
        chained = RecordingInvoker()
        (worker if kind == "worker" else handler)(json.dumps(payload), CONTEXT, storage=storage, invoker=chained)
        pending += chained.calls
    doc = m.parse_manifest(storage.get_bytes(BUCKET, NS + m.MANIFEST_NAME))
    assert doc is not None and all(storage.head(BUCKET, k) is not None for k in m.referenced_keys(doc))
    return dispatched, doc


def test_a_non_faststart_replay_splits_like_a_faststart_one(tools, layouts, tmp_path, split_env, caplog):
    docs = {}
    for layout in ("end", "faststart"):
        storage = LocalStorage(tmp_path / layout)
        put_source(storage, KEY, layouts(layout))
        dispatched, doc = run_split(storage, caplog)
        caplog.clear()
        assert dispatched["keyframeSource"] == "mp4-index" and dispatched["parts"] == doc["parts"] == 4
        duration = doc["source"]["durationSeconds"]
        for r in (r for r in doc["renditions"] if r["type"] == "hls"):
            segments = parse_media_playlist(storage.get_bytes(BUCKET, r["key"]).decode())
            assert abs(sum(d for d, _ in segments) - duration) <= 0.3  # continuity
            folder = r["key"].rsplit("/", 1)[0]
            expected = None
            for seconds, uri in segments:
                data = binaries.probe_json(tools.ffprobe, str(storage.path(BUCKET, f"{folder}/{uri}")))
                starts = {s["codec_type"]: float(s["start_time"]) for s in data["streams"]}
                assert abs(starts["video"] - starts["audio"]) < 0.05, uri  # A/V sync, part boundaries included
                assert expected is None or abs(starts["video"] - expected) < 0.05, uri
                expected = starts["video"] + seconds
        docs[layout] = {r["name"]: parse_media_playlist(storage.get_bytes(BUCKET, r["key"]).decode())
                        for r in doc["renditions"] if r["type"] == "hls"}  # fmt: skip
    assert docs["end"] == docs["faststart"]  # the same segments whichever end the index sits at


def test_a_source_overwritten_after_the_split_is_never_mixed_in(tools, layouts, storage, split_env):
    put_source(storage, KEY, layouts("end"))
    invoker = RecordingInvoker()
    assert json.loads(handler(make_event(KEY), CONTEXT, storage=storage, invoker=invoker))["results"][0]["status"] \
        == "dispatched"
    put_source(storage, KEY, layouts("faststart"))  # a new upload: another ETag
    for _, payload, _ in invoker.calls:
        result = json.loads(worker(json.dumps(payload), CONTEXT, storage=storage, invoker=RecordingInvoker()))
        assert (result["results"][0]["status"], result["results"][0]["reason"]) == ("skipped", "superseded")
    assert storage.get_bytes(BUCKET, NS + m.MANIFEST_NAME) is None
    assert not [k for k in storage.list_keys(BUCKET, NS) if k.endswith(".ts")]


def test_a_source_overwritten_while_a_part_reads_it_fails_the_part_for_a_retry(tools, layouts, storage, split_env):
    put_source(storage, KEY, layouts("end"))
    invoker = RecordingInvoker()
    handler(make_event(KEY), CONTEXT, storage=storage, invoker=invoker)

    class OverwrittenOnceSigned(LocalStorage):
        """The new upload lands between the worker's HEAD (still the job's ETag) and FFmpeg's first request."""

        def presign_get(self, bucket, key, *, expires_seconds):
            url = super().presign_get(bucket, key, expires_seconds=expires_seconds)
            put_source(storage, KEY, layouts("faststart"))
            return url

    from functions.transcoder.handler import TranscodeFailed

    with pytest.raises(TranscodeFailed, match="source changed while it was read") as failed:
        worker(json.dumps(invoker.calls[1][1]), CONTEXT, storage=OverwrittenOnceSigned(storage.root),
               invoker=RecordingInvoker())  # fmt: skip
    assert failed.value.reason == "source-changed" and "Signature" not in str(failed.value)
    assert not [k for k in storage.list_keys(BUCKET, NS) if k.endswith(".ts")]  # nothing of either version
