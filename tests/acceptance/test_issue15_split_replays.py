"""Issue 15 acceptance: a 90 s 720p clip with audio split into 15 s parts over 2 local workers gives a
continuous ladder, a manifest with timings and an idempotent rerun. (The work and critical-path
ratios are measured by `make bench`: benchmarks/bench_transcode.py; timed tests are not allowed.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from functions.transcoder import binaries
from functions.transcoder import manifest as m
from functions.transcoder.ffmpeg import parse_media_playlist

ROOT = Path(__file__).parents[2]
BUCKET, KEY = "livecommerce-dev-replays-raw", "replays/2026/12/01/gala.mp4"


@pytest.fixture(scope="module")
def tools():
    return binaries.locate(os.environ)


def test_90_second_720p_replay_in_15_second_parts_over_two_workers(tools, tmp_path):
    source = tmp_path / "buckets" / BUCKET / KEY
    source.parent.mkdir(parents=True)
    binaries.run([tools.ffmpeg, "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                  "testsrc2=size=1280x720:rate=30:duration=90", "-f", "lavfi", "-i",
                  "sine=frequency=440:sample_rate=48000:duration=90", "-c:v", "libx264",
                  "-preset", "ultrafast", "-g", "60", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(source)],
                 what="make the 90 s clip")  # fmt: skip
    event = json.loads((ROOT / "functions/transcoder/examples/oss-put-event.json").read_text())
    event["events"][0]["oss"]["object"]["key"] = KEY
    event_file = tmp_path / "event.json"
    event_file.write_text(json.dumps(event))
    env = {"SPLIT_SEGMENT_SECONDS": "15", "PRESET": "ultrafast", "INPUT_BUCKET": BUCKET,
           "LADDER": "720p:2800k,480p:1200k", "MP4_RUNG": "720p"}  # fmt: skip
    cmd = [sys.executable, "-m", "functions.transcoder", "--event", str(event_file), "--storage",
           str(tmp_path / "buckets"), "--workers", "2", "--quiet"]  # fmt: skip
    full_env = {**os.environ, **env}
    done = subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)["results"][0]
    assert result["status"] == "done"
    storage_root = tmp_path / "buckets" / BUCKET
    doc = m.parse_manifest((storage_root / result["manifest"]).read_bytes())
    assert doc["parts"] == 6 and len(doc["timings"]["segments_s"]) == 6
    assert {"split_s", "segments_s", "merge_s"} == set(doc["timings"])
    for key in m.referenced_keys(doc):
        assert (storage_root / key).is_file(), key
    boundaries = set()
    for rendition in (r for r in doc["renditions"] if r["type"] == "hls"):
        segments = parse_media_playlist((storage_root / rendition["key"]).read_text())
        assert abs(sum(d for d, _ in segments) - 90) <= 0.3
        boundaries.add(tuple(d for d, _ in segments))
    assert len(boundaries) == 1  # the same segment boundaries in every rung

    again = subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    rerun = json.loads(again.stdout)["results"][0]
    assert (rerun["status"], rerun["reason"]) == ("skipped", "already-done")
