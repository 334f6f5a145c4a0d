"""The publish protocol (publish.py) against LocalStorage, which reproduces the OSS semantics it relies
on: atomic last-writer-wins PUTs, strong consistency, and x-oss-forbid-overwrite void in versioned buckets."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, UTC

import pytest

from functions.transcoder import manifest as m
from functions.transcoder import publish
from functions.transcoder.storage import AlreadyExists, LocalStorage

B = "media"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
STALE = 3600.0


def attempt(minutes_ago: float, token: str) -> m.Layout:
    started = NOW - timedelta(minutes=minutes_ago)
    return m.layout("replays/", "out/", "replays/show.mp4", "E1", m.new_attempt(started, token))


def publish_files(store: LocalStorage, out: m.Layout) -> bytes:
    """Upload an attempt's files and return its manifest body."""
    store.put_bytes(B, out.key("hls/720p/seg_00000.ts"), b"segment", "video/mp2t")
    store.put_bytes(B, out.key("hls/720p/index.m3u8"), b"#EXTM3U", "application/vnd.apple.mpegurl")
    store.put_bytes(B, out.key("hls/master.m3u8"), b"#EXTM3U", "application/vnd.apple.mpegurl")
    store.put_bytes(B, out.key("poster.jpg"), b"jpg", "image/jpeg")
    renditions = [{"name": "720p", "type": "hls", "key": out.key("hls/720p/index.m3u8"),
                   "files": [{"key": out.key("hls/720p/seg_00000.ts")}, {"key": out.key("hls/720p/index.m3u8")}]}]
    return m.build_manifest(source={"etag": out.etag, "key": "replays/show.mp4"}, output_bucket=B, layout_=out,
                            renditions=renditions, poster={"key": out.key("poster.jpg")}, settings={}, timings={},
                            transcoded_at="t", request_id=out.attempt)  # fmt: skip


def same_etag():
    return "E1"


@pytest.fixture
def store(tmp_path):
    return LocalStorage(tmp_path)


def test_first_commit_is_committed_and_complete(store):
    a = attempt(5, "aaaaaaaa")
    result = publish.commit(store, B, a, publish_files(store, a), source_etag_now=same_etag)
    assert result.outcome == "committed" and result.replaced_prefix is None
    assert publish.is_complete(store, B, publish.current_manifest(store, B, a), "E1")


def test_a_second_attempt_never_overwrites_a_complete_manifest_and_removes_only_its_own_files(store):
    a, b = attempt(5, "aaaaaaaa"), attempt(4, "bbbbbbbb")
    body_a = publish_files(store, a)
    body_b = publish_files(store, b)  # B ran concurrently: its files exist too
    assert publish.commit(store, B, a, body_a, source_etag_now=same_etag).outcome == "committed"
    result = publish.commit(store, B, b, body_b, source_etag_now=same_etag)
    assert result.outcome == "already-done"
    assert store.list_keys(B, b.version_prefix) == []
    assert publish.is_complete(store, B, publish.current_manifest(store, B, a), "E1")


def test_replacing_an_incomplete_manifest_deletes_the_replaced_directory_only_after_commit(store):
    a, b = attempt(5, "aaaaaaaa"), attempt(4, "bbbbbbbb")
    publish.commit(store, B, a, publish_files(store, a), source_etag_now=same_etag)
    store.delete(B, [a.key("poster.jpg")])  # someone broke A's output: not done any more
    assert not publish.is_complete(store, B, publish.current_manifest(store, B, a), "E1")
    result = publish.commit(store, B, b, publish_files(store, b), source_etag_now=same_etag)
    assert (result.outcome, result.replaced_prefix) == ("committed", a.version_prefix)
    assert publish.collect_garbage(store, B, b, replaced=result.replaced_prefix, now=NOW,
                                   stale_after_seconds=STALE) == [a.version_prefix]  # fmt: skip
    assert publish.is_complete(store, B, publish.current_manifest(store, B, b), "E1")


def test_losing_the_race_after_writing_deletes_own_directory_and_keeps_the_winner(store):
    a, b = attempt(5, "aaaaaaaa"), attempt(4, "bbbbbbbb")
    body_a, body_b = publish_files(store, a), publish_files(store, b)

    class Racing(LocalStorage):
        """B's manifest PUT lands right after A's, before A reads its manifest back."""

        def put_bytes(self, bucket, key, data, content_type, *, forbid_overwrite=False):
            super().put_bytes(bucket, key, data, content_type, forbid_overwrite=forbid_overwrite)
            if key == a.manifest_key and data == body_a:
                super().put_bytes(bucket, key, body_b, content_type)

    result = publish.commit(Racing(store.root), B, a, body_a, source_etag_now=same_etag)
    assert result.outcome == "lost"
    assert store.list_keys(B, a.version_prefix) == []
    assert publish.is_complete(store, B, publish.current_manifest(store, B, b), "E1")


def test_a_stale_attempt_never_replaces_the_manifest_of_a_newer_upload(store):
    old = attempt(5, "aaaaaaaa")
    body = publish_files(store, old)
    result = publish.commit(store, B, old, body, source_etag_now=lambda: "E2")
    assert result.outcome == "superseded"
    assert store.get_bytes(B, old.manifest_key) is None and store.list_keys(B, old.version_prefix) == []


def test_garbage_keeps_young_unknown_attempts_and_deletes_dead_ones(store):
    live, dead, mine = attempt(10, "11111111"), attempt(24 * 60, "22222222"), attempt(1, "33333333")
    for out in (live, dead, mine):
        publish_files(store, out)
    store.put_bytes(B, f"{dead.work_prefix}parts/p00000.{m.stamp(NOW - timedelta(days=1))}.json", b"{}", "x")
    store.put_bytes(B, f"{live.work_prefix}parts/p00000.{m.stamp(NOW)}.json", b"{}", "x")
    store.put_bytes(B, f"{mine.work_prefix}src/part_00000.mkv", b"mkv", "x")
    publish.commit(store, B, mine, publish_files(store, mine), source_etag_now=same_etag)
    deleted = publish.collect_garbage(store, B, mine, replaced=None, now=NOW, stale_after_seconds=STALE)
    assert deleted == [dead.work_prefix, dead.version_prefix, mine.work_prefix]
    assert store.list_keys(B, live.version_prefix) and store.list_keys(B, live.work_prefix)
    assert publish.is_complete(store, B, publish.current_manifest(store, B, mine), "E1")


def test_an_old_job_with_recent_activity_is_alive():
    ns = "out/show.mp4~/"
    started = NOW - timedelta(days=3)
    job = m.new_attempt(started, "44444444")
    keys = [f"{ns}v-{job}-E1/hls/720p/p00000_00000.ts", f"{ns}jobs/{job}-E1/parts/p00000.{m.stamp(NOW)}.json"]
    assert publish.garbage(keys, ns, keep_attempt="x", replaced=None, now=NOW, stale_after_seconds=STALE) == []


def test_forbid_overwrite_like_oss_and_void_in_versioned_buckets(tmp_path):
    plain = LocalStorage(tmp_path / "plain")
    plain.put_bytes(B, "k", b"1", "x", forbid_overwrite=True)
    with pytest.raises(AlreadyExists):
        plain.put_bytes(B, "k", b"2", "x", forbid_overwrite=True)
    assert plain.get_bytes(B, "k") == b"1"
    versioned = LocalStorage(tmp_path / "versioned", versioned=True)
    versioned.put_bytes(B, "k", b"1", "x", forbid_overwrite=True)
    versioned.put_bytes(B, "k", b"2", "x", forbid_overwrite=True)
    assert versioned.get_bytes(B, "k") == b"2"


def test_is_complete_needs_the_etag_and_every_file(store):
    a = attempt(5, "aaaaaaaa")
    publish.commit(store, B, a, publish_files(store, a), source_etag_now=same_etag)
    doc = publish.current_manifest(store, B, a)
    assert publish.is_complete(store, B, doc, '"e1"') and not publish.is_complete(store, B, doc, "E2")
    store.delete(B, [a.key("hls/720p/seg_00000.ts")])
    assert publish.missing_keys(store, B, doc) == {a.key("hls/720p/seg_00000.ts")}
    assert not publish.is_complete(store, B, json.loads(json.dumps(doc)), "E1")
