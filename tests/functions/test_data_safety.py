"""Issue 18 items 1-5: concurrent and killed invocations, enclosing sources, orphan work, bad batches,
anamorphic video, encoded keys, deep nesting. Real FFmpeg on small clips."""

from __future__ import annotations

import json
import logging
import types

import pytest

from functions.transcoder import binaries, publish
from functions.transcoder import manifest as m
from functions.transcoder.events import InvalidEvent
from functions.transcoder.handler import SourceRejected, handler
from functions.transcoder.storage import LocalStorage

from .conftest import BUCKET, make_event, object_keys, put_source
from datetime import UTC

KEY = "replays/show.mp4"
NS = "transcoded/show.mp4~/"
CONTEXT = types.SimpleNamespace(request_id="req-safety")


class Killed(BaseException):
    """Stands in for SIGKILL at the FC timeout: no except/finally of the handler's own code runs on it."""


@pytest.fixture
def small(transcoder_env):
    transcoder_env(LADDER="180p:300k", MP4_RUNG="180p")


def run(storage, key=KEY, **event):
    return json.loads(handler(make_event(key, **event), CONTEXT, storage=storage))


def current(storage, ns=NS):
    return m.parse_manifest(storage.get_bytes(BUCKET, ns + m.MANIFEST_NAME))


def assert_published_and_whole(storage, ns=NS):
    doc = current(storage, ns)
    assert doc is not None
    missing = [k for k in m.referenced_keys(doc) if storage.head(BUCKET, k) is None]
    assert missing == []
    return doc


class Interleaved(LocalStorage):
    """Runs ``before_read`` once, when this attempt has read nothing of the source yet (so a concurrent
    attempt commits while this one is in flight), and kills this attempt after ``kill_after`` uploads."""

    def __init__(self, root, *, before_read=None, kill_after=None):
        super().__init__(root)
        self.before_read, self.kill_after, self.uploads = before_read, kill_after, 0

    def presign_get(self, bucket, key, *, expires_seconds):
        if self.before_read:
            hook, self.before_read = self.before_read, None
            hook()
        return super().presign_get(bucket, key, expires_seconds=expires_seconds)

    def put_file(self, bucket, key, path, content_type):
        self.uploads += 1
        if self.kill_after is not None and self.uploads > self.kill_after:
            raise Killed()
        super().put_file(bucket, key, path, content_type)


def test_an_attempt_killed_after_a_concurrent_commit_leaves_the_published_output_whole(
    clip_factory, storage, small
):
    """Issue 18 item 1: A commits while B is in flight; B is killed half way through its upload. Before the
    fix B's publish step deleted A's version directory first, so the manifest pointed at missing files
    and every retry said "already done"."""
    put_source(storage, KEY, clip_factory(320, 180, 2.0))
    b = Interleaved(storage.root, before_read=lambda: run(storage), kill_after=2)
    with pytest.raises(Killed):
        run(b)
    committed = assert_published_and_whole(storage)
    again = run(storage)["results"][0]
    assert (again["status"], again["reason"]) == ("skipped", "already-done")
    assert current(storage) == committed


def test_a_concurrent_attempt_that_finishes_second_keeps_the_first_result(clip_factory, storage, small, caplog):
    put_source(storage, KEY, clip_factory(320, 180, 2.0))
    b = Interleaved(storage.root, before_read=lambda: run(storage))
    caplog.set_level(logging.INFO, logger="transcoder")
    result = run(b)["results"][0]
    assert (result["status"], result["reason"]) == ("skipped", "already-done")
    doc = assert_published_and_whole(storage)
    # Only the committed attempt's version directory is left: B removed its own.
    assert {k.split("/")[2] for k in object_keys(storage, NS) if "/v-" in k} == {doc["output"]["prefix"].split("/")[2]}


def test_already_done_only_when_every_referenced_file_exists(clip_factory, storage, small):
    put_source(storage, KEY, clip_factory(320, 180, 2.0))
    run(storage)
    broken = current(storage)
    storage.delete(BUCKET, [broken["renditions"][0]["files"][0]["key"]])
    redo = run(storage)["results"][0]
    assert redo["status"] == "done"
    fixed = assert_published_and_whole(storage)
    assert fixed["output"]["prefix"] != broken["output"]["prefix"]
    assert object_keys(storage, broken["output"]["prefix"]) == []  # the replaced directory is gone


def test_retranscoding_a_source_never_touches_an_enclosed_sources_outputs(clip_factory, storage, small):
    """Issue 18 item 2: replays/a.mp4 and replays/a.mp4/clip.mp4 used to share the prefix transcoded/a.mp4/."""
    # OSS holds both keys at once; a folder cannot, so the clip's source goes away once transcoded.
    put_source(storage, "replays/a.mp4/clip.mp4", clip_factory(320, 180, 2.5))
    run(storage, "replays/a.mp4/clip.mp4")
    inner = assert_published_and_whole(storage, "transcoded/a.mp4/clip.mp4~/")
    storage.delete(BUCKET, ["replays/a.mp4/clip.mp4"])
    put_source(storage, "replays/a.mp4", clip_factory(320, 180, 2.0))
    run(storage, "replays/a.mp4")
    put_source(storage, "replays/a.mp4", clip_factory(320, 180, 3.0))  # re-upload: a new ETag
    assert run(storage, "replays/a.mp4")["results"][0]["status"] == "done"
    assert assert_published_and_whole(storage, "transcoded/a.mp4/clip.mp4~/") == inner
    assert_published_and_whole(storage, "transcoded/a.mp4~/")


def test_a_slow_attempt_on_an_old_upload_does_not_replace_the_new_manifest(clip_factory, storage, small):
    put_source(storage, KEY, clip_factory(320, 180, 2.0))

    def reupload_and_transcode():
        put_source(storage, KEY, clip_factory(320, 180, 2.5))
        run(storage)

    class OverwrittenAfterTranscode(LocalStorage):
        """The source is re-uploaded (and transcoded) once this attempt has read it: at its first upload."""

        uploaded = False

        def put_file(self, bucket, key, path, content_type):
            if not self.uploaded:
                self.uploaded = True
                reupload_and_transcode()
            super().put_file(bucket, key, path, content_type)

    result = run(OverwrittenAfterTranscode(storage.root))["results"][0]
    assert (result["status"], result["reason"]) == ("skipped", "superseded")
    doc = assert_published_and_whole(storage)
    assert doc["source"]["etag"] == storage.head(BUCKET, KEY).etag


def test_work_directories_of_killed_runs_are_removed_at_the_next_start(clip_factory, storage, small, tmp_path):
    from functions.transcoder.workdir import WorkDir

    root = tmp_path / "work"
    (root / "run-dead1").mkdir(parents=True)
    (root / "run-dead1" / ".lock").write_text("")
    (root / "run-dead1" / "source.mp4").write_bytes(b"x" * 1000)
    put_source(storage, KEY, clip_factory(320, 180, 2.0))
    with WorkDir(root) as live:  # a live sibling (another local worker) keeps its directory
        json.loads(handler(make_event(KEY), CONTEXT, storage=storage, work_root=root))
        assert live.is_dir()
    assert not (root / "run-dead1").exists()
    assert list(root.iterdir()) == []


def test_one_malformed_record_does_not_drop_the_batch(clip_factory, storage, small, caplog):
    """Issue 18 item 4: all records run, then the handler raises."""
    put_source(storage, KEY, clip_factory(320, 180, 2.0))
    doc = json.loads(make_event(KEY))
    bad = json.loads(make_event(KEY))["events"][0]
    del bad["oss"]["object"]["eTag"]
    doc["events"].insert(0, bad)
    with pytest.raises(InvalidEvent, match=r"events\[0\]\.oss\.object\.eTag"):
        handler(json.dumps(doc).encode(), CONTEXT, storage=storage)
    assert_published_and_whole(storage)
    reasons = [json.loads(r.getMessage()).get("reason") for r in caplog.records if r.name == "transcoder"]
    assert "invalid-event" in reasons


def test_a_deeply_nested_event_is_an_invalid_event_with_a_decision_line(storage, small, caplog):
    payload = b'{"events": [' + b"[" * 100_000 + b"]" * 100_000 + b"]}"
    with pytest.raises(InvalidEvent, match="nested too deeply"):
        handler(payload, CONTEXT, storage=storage)
    [line] = [json.loads(r.getMessage()) for r in caplog.records if r.name == "transcoder"]
    assert (line["decision"], line["reason"]) == ("error", "invalid-event")


def test_a_plus_encoded_key_finds_the_object_with_a_space(clip_factory, storage, small, caplog):
    caplog.set_level(logging.INFO, logger="transcoder")
    put_source(storage, "replays/live show.mp4", clip_factory(320, 180, 2.0))
    result = run(storage, "replays/live+show.mp4")["results"][0]
    assert result["status"] == "done"
    assert_published_and_whole(storage, "transcoded/live show.mp4~/")
    done = [json.loads(r.getMessage()) for r in caplog.records if r.name == "transcoder"][-1]
    assert (done["decision"], done["keyEncoding"], done["key"]) == ("done", "form", "replays/live show.mp4")


def test_a_literal_plus_stays_a_plus(clip_factory, storage, small):
    put_source(storage, "replays/a+b.mp4", clip_factory(320, 180, 2.0))
    assert run(storage, "replays/a+b.mp4")["results"][0]["status"] == "done"
    assert_published_and_whole(storage, "transcoded/a+b.mp4~/")


def test_anamorphic_source_keeps_its_display_aspect_ratio(tools, storage, transcoder_env, tmp_path):
    """Issue 18 item 5: 480x360 stored with 4:3 pixels is 640x360 (16:9) on screen."""
    transcoder_env(LADDER="360p:600k,180p:300k", MP4_RUNG="360p")
    clip = tmp_path / "anamorphic.mp4"
    binaries.run([tools.ffmpeg, "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                  "testsrc2=size=480x360:rate=25:duration=2", "-vf", "setsar=4/3", "-c:v", "libx264",
                  "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(clip)], what="make anamorphic clip")  # fmt: skip
    put_source(storage, KEY, clip)
    run(storage)
    doc = assert_published_and_whole(storage)
    assert (doc["source"]["width"], doc["source"]["height"]) == (640, 360)
    sizes = {r["name"]: (r["width"], r["height"]) for r in doc["renditions"]}
    assert sizes == {"360p": (640, 360), "180p": (320, 180), "mp4-360p": (640, 360)}
    video = next(s for s in binaries.probe_json(tools.ffprobe, str(storage.path(BUCKET, doc["renditions"][0]["key"])))
                 ["streams"] if s["codec_type"] == "video")  # fmt: skip
    assert (video["width"], video["height"]) == (640, 360)
    assert video.get("sample_aspect_ratio", "1:1") in ("1:1", "0:1")


def test_a_rejected_source_leaves_nothing(storage, small):
    put_source(storage, KEY, b"not a video" * 10)
    with pytest.raises(SourceRejected):
        run(storage)
    assert object_keys(storage, "transcoded/") == []


def test_commit_failure_that_reached_storage_is_not_undone(clip_factory, storage, small):
    """The manifest PUT raised on the client although OSS stored it: the attempt must not delete the
    directory the manifest now points at."""
    put_source(storage, KEY, clip_factory(320, 180, 2.0))

    class FlakyAck(LocalStorage):
        def put_bytes(self, bucket, key, data, content_type, *, forbid_overwrite=False):
            super().put_bytes(bucket, key, data, content_type, forbid_overwrite=forbid_overwrite)
            if key.endswith(m.MANIFEST_NAME):
                raise ConnectionError("reset by peer after the upload")

    assert run(FlakyAck(storage.root))["results"][0]["status"] == "done"
    assert_published_and_whole(storage)
    assert publish.points_at(storage, BUCKET, m.Layout(NS, NS + m.MANIFEST_NAME, current(storage)["output"]["prefix"],
                                                       "", ""))  # fmt: skip


def test_playback_urls_are_written_and_signed_at_the_injected_time(clip_factory, storage, small, transcoder_env,
                                                                   monkeypatch):
    from datetime import datetime

    from functions.transcoder import playback

    transcoder_env(PLAYBACK_BASE_URL="https://replay.example.com", PLAYBACK_URL_TTL_SECONDS="3600")
    monkeypatch.setenv("PLAYBACK_AUTH_KEY", "local-cdn-key")
    signed_at = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    put_source(storage, KEY, clip_factory(320, 180, 2.0))
    json.loads(handler(make_event(KEY), CONTEXT, storage=storage, now=lambda: signed_at))
    doc = assert_published_and_whole(storage)
    links = doc["playback"]
    assert links["signed"] and links["expiresAt"] == "2030-01-01T09:00:00+00:00"
    assert doc["transcodedAt"] == "2030-01-01T08:00:00+00:00"
    path = playback.url_path(doc["output"]["master"])
    url, query = links["master"].split("?auth_key=")
    timestamp, rand, uid, _ = query.split("-")
    assert url == "https://replay.example.com" + path
    assert query == playback.sign_type_a(path, "local-cdn-key", timestamp=int(timestamp), rand=rand, uid=uid)
    assert int(timestamp) == int(signed_at.timestamp()) + 3600 - 1800
    assert links["mp4"].startswith("https://replay.example.com/transcoded/show.mp4~/") and links["poster"]
    assert "local-cdn-key" not in json.dumps(doc)
