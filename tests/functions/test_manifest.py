"""Output layout and manifest helpers."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.transcoder import manifest as m
from datetime import UTC


ATTEMPT = "20261201T101530Z-1a2b3c4d"


def test_layout_keeps_the_source_name_and_versions_by_attempt_and_etag():
    out = m.layout("replays/", "transcoded/", "replays/2026/show.mp4", '"5eb63bbbe01eeed093cb22bb8f5acdc3"', ATTEMPT)
    assert out.namespace == "transcoded/2026/show.mp4~/"
    assert out.manifest_key == "transcoded/2026/show.mp4~/manifest.json"
    assert out.key("poster.jpg") == (
        f"transcoded/2026/show.mp4~/v-{ATTEMPT}-5EB63BBBE01EEED093CB22BB8F5ACDC3/poster.jpg"
    )
    assert out.job_key == "transcoded/2026/show.mp4~/jobs/5EB63BBBE01EEED093CB22BB8F5ACDC3.json"


def test_layout_refuses_keys_outside_the_input_prefix_and_bad_attempts():
    with pytest.raises(ValueError):
        m.layout("replays/", "transcoded/", "other/show.mp4", "E", ATTEMPT)
    with pytest.raises(ValueError, match="not an attempt id"):
        m.layout("replays/", "transcoded/", "replays/show.mp4", "E", "yesterday")


def test_the_enclosing_source_of_issue_18_gets_a_separate_namespace():
    outer = m.namespace("replays/", "transcoded/", "replays/a.mp4")
    inner = m.namespace("replays/", "transcoded/", "replays/a.mp4/clip.mp4")
    assert (outer, inner) == ("transcoded/a.mp4~/", "transcoded/a.mp4/clip.mp4~/")
    assert not inner.startswith(outer)


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab~%.-_ ") + ["é"]), max_size=4), min_size=1, max_size=4),
       st.lists(st.text(alphabet=st.sampled_from(list("ab~%.-_ ") + ["é"]), max_size=4), min_size=1, max_size=4))
def test_no_namespace_encloses_another_sources(a, b):
    key_a, key_b = "replays/" + "/".join(a), "replays/" + "/".join(b)
    ns_a, ns_b = m.namespace("replays/", "out/", key_a), m.namespace("replays/", "out/", key_b)
    if key_a != key_b:
        assert not ns_b.startswith(ns_a) and not ns_a.startswith(ns_b)
    else:
        assert ns_a == ns_b
    assert ns_a.count("~") == 1 and ns_a.endswith("~/")


def test_attempt_ids_record_their_start_in_utc():
    from datetime import datetime, timedelta, timezone

    now = datetime(2026, 12, 1, 18, 15, 30, tzinfo=timezone(timedelta(hours=8)))
    attempt = m.new_attempt(now, "1a2b3c4d")
    assert attempt == "20261201T101530Z-1a2b3c4d"
    assert m.attempt_started(attempt) == now
    assert m.attempt_started("v-nonsense") is None
    with pytest.raises(ValueError):
        m.new_attempt(now, "XYZ")


def test_attempt_activity_reads_start_and_work_file_stamps_from_key_names():
    from datetime import datetime

    ns = "out/a.mp4~/"
    keys = [f"{ns}manifest.json", f"{ns}v-{ATTEMPT}-E1/hls/master.m3u8",
            f"{ns}jobs/{ATTEMPT}-E1/parts/p00000.20261201T120000Z.json", f"{ns}jobs/E1.json",
            f"{ns}v-20261130T000000Z-00000000-E0/poster.jpg", f"{ns}unrelated.txt"]  # fmt: skip
    activity = m.attempt_activity(ns, keys)
    assert activity[ATTEMPT] == (datetime(2026, 12, 1, 12, 0, tzinfo=UTC),
                                 [f"{ns}jobs/{ATTEMPT}-E1/", f"{ns}v-{ATTEMPT}-E1/"])  # fmt: skip
    assert activity["20261130T000000Z-00000000"][0] == datetime(2026, 11, 30, tzinfo=UTC)
    assert set(activity) == {ATTEMPT, "20261130T000000Z-00000000"}


def test_multipart_etag_keeps_its_part_count():
    assert m.safe_etag('"A1B2-3"') == "A1B2-3"


def test_upload_order_puts_referencing_files_last():
    order = m.upload_order(["hls/master.m3u8", "hls/720p/index.m3u8", "poster.jpg", "hls/720p/seg_00000.ts"])
    assert order == ["hls/720p/seg_00000.ts", "poster.jpg", "hls/720p/index.m3u8", "hls/master.m3u8"]


@pytest.mark.parametrize(
    ("path", "ctype"),
    [("a/index.m3u8", "application/vnd.apple.mpegurl"), ("a/seg.ts", "video/mp2t"), ("x.mp4", "video/mp4"),
     ("p.jpg", "image/jpeg"), ("x.bin", "application/octet-stream")],
)  # fmt: skip
def test_content_types(path, ctype):
    assert m.content_type(path) == ctype


def test_listing_sha256_changes_when_any_file_changes_and_ignores_order():
    a, b = m.FileEntry("k/a", 1, "1" * 64), m.FileEntry("k/b", 1, "2" * 64)
    assert m.listing_sha256([a, b]) == m.listing_sha256([b, a])
    assert m.listing_sha256([a, b]) != m.listing_sha256([a, m.FileEntry("k/b", 1, "3" * 64)])
    assert m.listing_sha256([a, b]) != m.listing_sha256([a])


def test_manifest_round_trip_and_unreadable_manifests():
    out = m.layout("in/", "out/", "in/a.mp4", "ABC", ATTEMPT)
    body = m.build_manifest(source={"etag": "ABC"}, output_bucket="b", layout_=out, renditions=[],
                            poster={"key": out.key("poster.jpg")}, settings={}, timings={"split_s": 0.0},
                            transcoded_at="t", request_id="r")  # fmt: skip
    assert m.manifest_etag(body) == "ABC"
    doc = json.loads(body)
    assert doc["output"]["master"] == f"out/a.mp4~/v-{ATTEMPT}-ABC/hls/master.m3u8"
    assert doc["timings"] == {"split_s": 0.0} and doc["manifestVersion"] == 2
    assert m.referenced_keys(doc) == {out.key("hls/master.m3u8"), out.key("poster.jpg")}
    for bad in (
        None,
        b"",
        b"{",
        b"[]",
        b'{"manifestVersion": 99, "source": {"etag": "ABC"}}',
        b'{"manifestVersion": 1}',
        b'{"manifestVersion": 1, "source": {"etag": "ABC"}, "output": {"prefix": "p/"}}',
    ):
        assert m.manifest_etag(bad) is None
