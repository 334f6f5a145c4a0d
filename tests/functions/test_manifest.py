"""Output layout and manifest helpers."""

from __future__ import annotations

import json

import pytest

from functions.transcoder import manifest as m


def test_layout_keeps_the_source_name_and_versions_by_etag():
    out = m.layout("replays/", "transcoded/", "replays/2026/show.mp4", '"5eb63bbbe01eeed093cb22bb8f5acdc3"')
    assert out.base == "transcoded/2026/show.mp4/"
    assert out.manifest_key == "transcoded/2026/show.mp4/manifest.json"
    assert out.key("poster.jpg") == "transcoded/2026/show.mp4/v-5EB63BBBE01EEED093CB22BB8F5ACDC3/poster.jpg"


def test_layout_refuses_keys_outside_the_input_prefix():
    with pytest.raises(ValueError):
        m.layout("replays/", "transcoded/", "other/show.mp4", "E")


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
    out = m.layout("in/", "out/", "in/a.mp4", "ABC")
    body = m.build_manifest(source={"etag": "ABC"}, output_bucket="b", layout_=out, renditions=[], poster={},
                            settings={}, transcoded_at="t", request_id="r")  # fmt: skip
    assert m.manifest_etag(body) == "ABC"
    assert json.loads(body)["output"]["master"] == "out/a.mp4/v-ABC/hls/master.m3u8"
    for bad in (
        None,
        b"",
        b"{",
        b"[]",
        b'{"manifestVersion": 99, "source": {"etag": "ABC"}}',
        b'{"manifestVersion": 1}',
    ):
        assert m.manifest_etag(bad) is None
