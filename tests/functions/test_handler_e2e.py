"""The real handler, real FFmpeg and ffprobe, a local folder standing in for the buckets."""

from __future__ import annotations

import json
import logging
import types

import pytest

from functions.transcoder import binaries
from functions.transcoder.events import InvalidEvent
from functions.transcoder.handler import SourceRejected, TranscodeFailed, handler
from functions.transcoder.storage import LocalStorage

from .conftest import BUCKET, make_event, object_keys, put_source

KEY = "replays/2026/11/23/show-42.mp4"
OUT = "transcoded/2026/11/23/show-42.mp4~/"
CONTEXT = types.SimpleNamespace(request_id="req-test-1")


def run(storage, key=KEY, **event):
    return json.loads(handler(make_event(key, **event), CONTEXT, storage=storage))


def probe(tools, path):
    return binaries.probe_json(tools.ffprobe, str(path))


def video_of(data):
    return next(s for s in data["streams"] if s["codec_type"] == "video")


def decisions(caplog):
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "transcoder"]


def test_landscape_clip_gets_every_rendition_checked_by_ffprobe(tools, clip_factory, storage, transcoder_env):
    put_source(storage, KEY, clip_factory(1280, 720, 2.5))
    result = run(storage)
    assert [r["status"] for r in result["results"]] == ["done"]

    doc = json.loads(storage.get_bytes(BUCKET, OUT + "manifest.json"))
    assert doc["source"]["key"] == KEY
    assert doc["source"]["etag"] == storage.head(BUCKET, KEY).etag
    # 1080p is above the 720p source and is dropped, not upscaled.
    assert [(r["name"], r["type"]) for r in doc["renditions"]] == [
        ("720p", "hls"),
        ("480p", "hls"),
        ("mp4-720p", "mp4"),
    ]
    expected_size = {"720p": (1280, 720), "480p": (854, 480), "mp4-720p": (1280, 720)}
    for rendition in doc["renditions"]:
        path = storage.path(BUCKET, rendition["key"])
        data = probe(tools, path)
        video = video_of(data)
        assert (video["width"], video["height"]) == expected_size[rendition["name"]]
        assert (rendition["width"], rendition["height"]) == expected_size[rendition["name"]]
        assert video["codec_name"] == "h264"
        assert any(s["codec_name"] == "aac" for s in data["streams"])
        assert float(data["format"]["duration"]) == pytest.approx(2.5, abs=0.2)
        assert rendition["durationSeconds"] == pytest.approx(2.5, abs=0.2)
        assert rendition["sizeBytes"] > 0 and len(rendition["sha256"]) == 64 and rendition["bitrate"] > 0
    mp4 = doc["renditions"][2]
    assert mp4["sha256"] == __import__("hashlib").sha256(storage.path(BUCKET, mp4["key"]).read_bytes()).hexdigest()

    master = storage.get_bytes(BUCKET, doc["output"]["master"]).decode()
    assert "RESOLUTION=1280x720" in master and "RESOLUTION=854x480" in master and "1920x1080" not in master
    assert "720p/index.m3u8" in master
    poster = video_of(probe(tools, storage.path(BUCKET, doc["poster"]["key"])))
    assert (poster["codec_name"], poster["width"], poster["height"]) == ("mjpeg", 1280, 720)
    # Everything published is referenced by the manifest; nothing else was left behind.
    referenced = {f["key"] for r in doc["renditions"] for f in r.get("files", [r])}
    referenced |= {doc["poster"]["key"], doc["output"]["master"], OUT + "manifest.json"}
    assert set(object_keys(storage, OUT)) == referenced
    assert not (storage.root / ".staging").exists()


def test_second_run_does_no_work(clip_factory, storage, transcoder_env, caplog):
    put_source(storage, KEY, clip_factory(1280, 720, 2.5))
    run(storage)
    before = {k: storage.path(BUCKET, k).stat().st_mtime_ns for k in object_keys(storage, OUT)}
    caplog.set_level(logging.INFO, logger="transcoder")
    result = run(storage)
    assert result["results"][0]["status"] == "skipped"
    assert result["results"][0]["reason"] == "already-done"
    assert {k: storage.path(BUCKET, k).stat().st_mtime_ns for k in object_keys(storage, OUT)} == before
    assert [d["decision"] for d in decisions(caplog)] == ["skip"]


def test_portrait_source_keeps_aspect_and_short_side_rungs(tools, clip_factory, storage, transcoder_env):
    transcoder_env(LADDER="720p:1500k,360p:600k,240p:300k", MP4_RUNG="360p")
    put_source(storage, KEY, clip_factory(360, 640, 2.0, audio=False))
    run(storage)
    doc = json.loads(storage.get_bytes(BUCKET, OUT + "manifest.json"))
    sizes = {r["name"]: (r["width"], r["height"]) for r in doc["renditions"]}
    assert sizes == {"360p": (360, 640), "240p": (240, 426), "mp4-360p": (360, 640)}
    for r in doc["renditions"]:
        data = probe(tools, storage.path(BUCKET, r["key"]))
        assert (video_of(data)["width"], video_of(data)["height"]) == sizes[r["name"]]
        assert not any(s["codec_type"] == "audio" for s in data["streams"])
        assert r["audioCodec"] is None


def test_reupload_publishes_new_version_and_drops_the_old(clip_factory, storage, transcoder_env):
    put_source(storage, KEY, clip_factory(1280, 720, 2.5))
    run(storage)
    first = json.loads(storage.get_bytes(BUCKET, OUT + "manifest.json"))
    put_source(storage, KEY, clip_factory(1280, 720, 2.0))
    assert run(storage)["results"][0]["status"] == "done"
    second = json.loads(storage.get_bytes(BUCKET, OUT + "manifest.json"))
    assert second["source"]["etag"] != first["source"]["etag"]
    assert object_keys(storage, first["output"]["prefix"]) == []
    assert object_keys(storage, second["output"]["prefix"])


# -- bad input: a clear log line, then a clean skip or a raised error, never a partial output ---------


def test_malformed_json_raises_and_logs(storage, transcoder_env, caplog):
    with pytest.raises(InvalidEvent, match="not JSON"):
        handler(b'{"events": [', CONTEXT, storage=storage)
    [line] = decisions(caplog)
    assert line["reason"] == "invalid-event" and "not JSON" in line["detail"]


def test_missing_field_names_the_field(storage, transcoder_env, caplog):
    doc = json.loads(make_event(KEY))
    del doc["events"][0]["oss"]["object"]["eTag"]
    with pytest.raises(InvalidEvent, match=r"events\[0\]\.oss\.object\.eTag"):
        handler(json.dumps(doc).encode(), CONTEXT, storage=storage)
    assert decisions(caplog)[0]["reason"] == "invalid-event"


@pytest.mark.parametrize(
    ("key", "name", "bucket", "reason"),
    [
        (KEY, "ObjectRemoved:DeleteObject", BUCKET, "not-a-create-event"),
        (KEY, "ObjectCreated:UploadPart", BUCKET, "incomplete-object-event"),
        (OUT + "v-ABC/mp4/720p.mp4", "ObjectCreated:PutObject", BUCKET, "output-prefix"),
        ("uploads/raw.mp4", "ObjectCreated:PutObject", BUCKET, "outside-input-prefix"),
        (KEY, "ObjectCreated:PutObject", "someone-elses-bucket", "other-bucket"),
        ("replays/2026/", "ObjectCreated:PutObject", BUCKET, "folder-marker"),
        ("replays/never-uploaded.mp4", "ObjectCreated:PutObject", BUCKET, "source-gone"),
    ],
)
def test_events_that_are_not_ours_are_skipped_with_a_log_line(
    storage, transcoder_env, caplog, key, name, bucket, reason
):
    caplog.set_level(logging.INFO, logger="transcoder")
    result = run(storage, key, name=name, bucket=bucket)
    assert result["results"][0]["reason"] == reason
    assert result["results"][0]["status"] == "skipped"
    [line] = decisions(caplog)
    assert (line["decision"], line["reason"], line["key"]) == ("skip", reason, key)
    assert object_keys(storage, "transcoded/") == []


def assert_nothing_published(storage):
    assert object_keys(storage, "transcoded/") == []
    assert not (storage.root / ".staging").exists() or not any((storage.root / ".staging").iterdir())


def test_text_file_named_mp4_is_rejected(storage, transcoder_env, caplog):
    put_source(storage, KEY, b"this is a shopping list, not a video\n" * 10)
    with pytest.raises(SourceRejected, match="not a readable media file"):
        run(storage)
    [line] = decisions(caplog)
    assert (line["decision"], line["reason"], line["key"]) == ("reject", "not-media", KEY)
    assert "not a readable media file" in line["detail"]
    assert_nothing_published(storage)


def test_audio_only_file_is_rejected_for_having_no_video(tools, storage, transcoder_env, tmp_path, caplog):
    audio = tmp_path / "talk.m4a"
    binaries.run([tools.ffmpeg, "-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac",
                  str(audio)], what="make audio")  # fmt: skip
    put_source(storage, KEY, audio)
    with pytest.raises(SourceRejected, match="no video stream"):
        run(storage)
    assert_nothing_published(storage)


def test_truncated_video_raises_and_publishes_nothing(tools, clip_factory, storage, transcoder_env, tmp_path, caplog):
    # moov first (faststart), so ffprobe still reads the header and only the media data is cut:
    # FFmpeg then "succeeds" with short outputs, which the duration check must catch.
    faststart = tmp_path / "faststart.mp4"
    binaries.run([tools.ffmpeg, "-nostdin", "-v", "error", "-i", str(clip_factory(1280, 720, 2.5)), "-c", "copy",
                  "-movflags", "+faststart", str(faststart)], what="faststart")  # fmt: skip
    data = faststart.read_bytes()
    put_source(storage, KEY, data[: len(data) // 2])
    with pytest.raises(TranscodeFailed, match="truncated or corrupt"):
        run(storage)
    assert [(d["decision"], d["reason"]) for d in decisions(caplog)] == [("error", "output-check-failed")]
    assert_nothing_published(storage)


def test_truncated_video_without_index_is_rejected(clip_factory, storage, transcoder_env):
    data = clip_factory(1280, 720, 2.5).read_bytes()  # moov at the end: cutting it loses the index
    put_source(storage, KEY, data[: len(data) // 2])
    with pytest.raises(SourceRejected, match="not a readable media file"):
        run(storage)
    assert_nothing_published(storage)


def test_source_over_size_limit_is_rejected_before_it_is_read(clip_factory, storage, transcoder_env, caplog,
                                                              monkeypatch):
    transcoder_env(MAX_SOURCE_BYTES="1000")
    put_source(storage, KEY, clip_factory(1280, 720, 2.5))
    monkeypatch.setattr(LocalStorage, "download", lambda *a, **k: pytest.fail("downloaded an over-size source"))
    monkeypatch.setattr(LocalStorage, "presign_get", lambda *a, **k: pytest.fail("read an over-size source"))
    with pytest.raises(SourceRejected, match="over MAX_SOURCE_BYTES=1000"):
        run(storage)
    assert [(d["decision"], d["reason"]) for d in decisions(caplog)] == [("reject", "too-large")]
    assert_nothing_published(storage)


def test_source_over_duration_limit_is_rejected(clip_factory, storage, transcoder_env):
    transcoder_env(MAX_DURATION_SECONDS="2")
    put_source(storage, KEY, clip_factory(1280, 720, 2.5))
    with pytest.raises(SourceRejected, match="over MAX_DURATION_SECONDS=2"):
        run(storage)
    assert_nothing_published(storage)


def test_several_failed_records_raise_one_error_naming_each(storage, transcoder_env):
    put_source(storage, "replays/a.mp4", b"junk a")
    put_source(storage, "replays/b.mp4", b"junk b")
    doc = json.loads(make_event("replays/a.mp4"))
    doc["events"].append(json.loads(make_event("replays/b.mp4"))["events"][0])
    with pytest.raises(TranscodeFailed, match=r"replays/a\.mp4: not a readable.*replays/b\.mp4: not a readable"):
        handler(json.dumps(doc).encode(), CONTEXT, storage=storage)
    assert_nothing_published(storage)


class FailingStorage(LocalStorage):
    """Uploads fail after a few objects, like a network error half way through publishing."""

    def __init__(self, root, fail_after):
        super().__init__(root)
        self.fail_after = fail_after
        self.uploads = 0

    def put_file(self, bucket, key, path, content_type):
        self.uploads += 1
        if self.uploads > self.fail_after:
            raise ConnectionError("simulated OSS outage")
        super().put_file(bucket, key, path, content_type)


def test_upload_failure_half_way_leaves_no_partial_output(clip_factory, storage, transcoder_env, caplog):
    put_source(storage, KEY, clip_factory(1280, 720, 2.5))
    failing = FailingStorage(storage.root, fail_after=3)
    with pytest.raises(TranscodeFailed, match="simulated OSS outage"):
        run(failing)
    assert failing.uploads == 4
    assert [(d["decision"], d["reason"]) for d in decisions(caplog)] == [("error", "upload-failed")]
    assert_nothing_published(storage)
    # A retry with storage healthy again completes the work.
    assert run(storage)["results"][0]["status"] == "done"


def test_credentials_never_reach_the_logs(clip_factory, storage, transcoder_env, monkeypatch, caplog):
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI-test-key-id-value")
    monkeypatch.setenv("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "super-secret-test-value")
    caplog.set_level(logging.DEBUG)
    put_source(storage, KEY, clip_factory(1280, 720, 2.5))
    run(storage)
    put_source(storage, "replays/bad.mp4", b"junk")
    with pytest.raises(SourceRejected):
        run(storage, "replays/bad.mp4")
    assert caplog.text and "super-secret-test-value" not in caplog.text and "LTAI-test-key-id-value" not in caplog.text
    assert "ALIBABA_CLOUD" not in "".join(binaries.subprocess_env())


def test_percent_encoded_key_is_decoded(clip_factory, storage, transcoder_env):
    key = "replays/live show 42.mp4"
    put_source(storage, key, clip_factory(1280, 720, 2.5))
    result = run(storage, "replays/live%20show%2042.mp4")
    assert result["results"][0]["status"] == "done"
    assert storage.get_bytes(BUCKET, "transcoded/live show 42.mp4~/manifest.json")


def test_one_bad_record_does_not_stop_the_others(clip_factory, storage, transcoder_env):
    put_source(storage, KEY, clip_factory(1280, 720, 2.5))
    put_source(storage, "replays/bad.mp4", b"junk")
    doc = json.loads(make_event("replays/bad.mp4"))
    doc["events"].append(json.loads(make_event(KEY))["events"][0])
    with pytest.raises(SourceRejected, match="not a readable media file"):
        handler(json.dumps(doc).encode(), CONTEXT, storage=storage)
    assert storage.get_bytes(BUCKET, OUT + "manifest.json")
