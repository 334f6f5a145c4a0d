"""Pure planning and command building (no FFmpeg run here; the e2e tests run it)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.transcoder import ffmpeg as ff
from functions.transcoder.settings import Rung, Settings

LADDER = (Rung(1080, 5_000_000), Rung(720, 2_800_000), Rung(480, 1_200_000))
sizes = st.integers(32, 4096)


@given(sizes, sizes, st.integers(72, 1080).map(lambda n: n * 2))
def test_scaled_size_is_even_keeps_aspect_and_has_the_short_side(width, height, short):
    w, h = ff.scaled_size(width, height, short)
    assert w % 2 == 0 and h % 2 == 0
    assert min(w, h) == short
    # Within one even step of the exact aspect ratio.
    assert abs(w / h - width / height) <= 2 / min(w, h) * max(w / h, 1) + 1e-9


@given(sizes, sizes)
def test_plan_never_upscales_and_is_never_empty(width, height):
    plan = ff.plan_renditions(LADDER, width, height)
    assert plan
    assert all(min(r.width, r.height) <= min(width, height) for r in plan)
    assert [min(r.width, r.height) for r in plan] == sorted((min(r.width, r.height) for r in plan), reverse=True)


def test_720p_source_drops_1080p():
    assert [(r.name, r.width, r.height) for r in ff.plan_renditions(LADDER, 1280, 720)] == [
        ("720p", 1280, 720),
        ("480p", 854, 480),
    ]


def test_portrait_phone_stream_uses_the_short_side():
    assert [(r.name, r.width, r.height) for r in ff.plan_renditions(LADDER, 720, 1280)] == [
        ("720p", 720, 1280),
        ("480p", 480, 854),
    ]


def test_source_below_every_rung_gets_one_rung_at_its_own_size():
    [only] = ff.plan_renditions(LADDER, 427, 241)
    assert (only.name, only.width, only.height, only.bitrate_bps) == ("240p", 426, 240, 1_200_000)


def test_mp4_fallback_rung_choice():
    plan = ff.plan_renditions(LADDER, 1920, 1080)
    assert ff.choose_mp4(plan, 720).name == "720p"
    assert ff.choose_mp4(plan, 600).name == "480p"
    assert ff.choose_mp4(plan, 360).name == "480p"  # nothing at or below: the lowest kept rung
    assert ff.choose_mp4(plan, 2160).name == "1080p"


@pytest.mark.parametrize(("duration", "requested", "at"), [(60, 3, 3), (3, 3, 1.5), (2.5, 0, 0)])
def test_poster_time(duration, requested, at):
    assert ff.poster_time(duration, requested) == at


def probe(**video):
    return {"streams": [{"codec_type": "video", "codec_name": "h264", "width": 1920, "height": 1080, **video},
                        {"codec_type": "audio", "codec_name": "aac"}], "format": {"duration": "12.5"}}  # fmt: skip


def test_parse_probe():
    info = ff.parse_probe(probe())
    assert info == ff.SourceInfo(1920, 1080, 12.5, True, "h264", 0)


@pytest.mark.parametrize("video", [{"side_data_list": [{"rotation": -90}]}, {"tags": {"rotate": "90"}}])
def test_rotated_phone_video_is_planned_as_displayed(video):
    info = ff.parse_probe(probe(**video))
    assert info.display_size == (1080, 1920)


def test_cover_art_is_not_a_video():
    cover = {"codec_type": "video", "width": 500, "height": 500, "disposition": {"attached_pic": 1}}
    data = {"streams": [{"codec_type": "audio"}, cover], "format": {"duration": "3"}}
    with pytest.raises(ff.ProbeError, match="no video stream"):
        ff.parse_probe(data)


@pytest.mark.parametrize("fmt", [{}, {"duration": "N/A"}, {"duration": "0"}])
def test_missing_duration_is_rejected(fmt):
    data = probe()
    data["format"] = fmt
    with pytest.raises(ff.ProbeError, match="no duration"):
        ff.parse_probe(data)


def make_plan(**env):
    return ff.make_plan(ff.parse_probe(probe()), Settings.from_env(env))


def test_decode_once_command_reads_the_source_once_and_writes_everything():
    plan = make_plan()
    cmd = ff.transcode_command("ffmpeg", "/w/src.mp4", "/w/out", plan)
    assert cmd.count("-i") == 1
    graph = cmd[cmd.index("-filter_complex") + 1]
    assert graph.startswith("[0:v]split=4[v0][v1][v2][vposter]")
    assert "scale=1920:1080" in graph and "scale=1280:720" in graph and "scale=854:480" in graph
    assert cmd.count("libx264") == 3  # the MP4 shares the 720p encode through tee
    tee = cmd[cmd.index("tee") + 1]
    assert tee.startswith("[f=hls:") and "|[f=mp4:movflags=+faststart]/w/out/mp4/720p.mp4" in tee
    assert cmd[-1] == "/w/out/poster.jpg"
    assert cmd.count("-force_key_frames") == 3 and "expr:gte(t,n_forced*6)" in cmd


def test_no_audio_maps_no_audio():
    plan = ff.make_plan(ff.SourceInfo(1280, 720, 5, False, "h264"), Settings.from_env({}))
    cmd = ff.transcode_command("ffmpeg", "/w/src.mp4", "/w/out", plan)
    assert "0:a:0" not in cmd and "aac" not in cmd


def test_per_rendition_commands_decode_once_per_output():
    plan = make_plan()
    cmds = ff.per_rendition_commands("ffmpeg", "/w/src.mp4", "/w/out", plan)
    assert len(cmds) == len(plan.renditions) + 2  # every rung, the MP4, the poster
    assert all(c.count("-i") == 1 for c in cmds)


def test_unsafe_work_dir_is_refused():
    with pytest.raises(ValueError, match="contains"):
        ff.transcode_command("ffmpeg", "/w/src.mp4", "/w/a|b", make_plan())


def test_master_playlist():
    r = ff.Rendition("720p", 1280, 720, 2_800_000)
    text = ff.master_playlist([(r, 3_528_800, "avc1.64001f,mp4a.40.2")])
    assert text.splitlines() == [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        '#EXT-X-STREAM-INF:BANDWIDTH=3528800,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2"',
        "720p/index.m3u8",
    ]


@pytest.mark.parametrize(
    ("profile", "level", "audio", "codecs"),
    [("High", 31, True, "avc1.64001f,mp4a.40.2"), ("Main", 40, False, "avc1.4d4028"), ("Hi10P", 40, True, None)],
)
def test_codecs_attribute(profile, level, audio, codecs):
    assert ff.codecs_attribute(profile, level, audio) == codecs


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [(3, 3.02, True), (3, 2.4, False), (600, 590, True), (600, 585, False), (3, None, False)],
)
def test_duration_matches(expected, actual, ok):
    assert ff.duration_matches(expected, actual) is ok
