"""`python -m functions.transcoder --event FILE --storage DIR` (the acceptance run)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from functions.transcoder.__main__ import main

from .conftest import EXAMPLE_EVENT

ROOT = Path(__file__).parents[2]


def test_documented_event_end_to_end_twice(clip_factory, transcoder_env, tmp_path, capsys):
    transcoder_env(INPUT_BUCKET="")  # the CLI run uses the sample event's own bucket
    record = json.loads(EXAMPLE_EVENT.read_text())["events"][0]
    bucket, key = record["oss"]["bucket"]["name"], record["oss"]["object"]["key"]
    source = tmp_path / bucket / key
    source.parent.mkdir(parents=True)
    shutil.copy(clip_factory(1280, 720, 2.5), source)

    assert main(["--event", str(EXAMPLE_EVENT), "--storage", str(tmp_path)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["results"][0]["status"] == "done"
    manifest = tmp_path / bucket / first["results"][0]["manifest"]
    doc = json.loads(manifest.read_text())
    assert [r["name"] for r in doc["renditions"]] == ["720p", "480p", "mp4-720p"]

    assert main(["--event", str(EXAMPLE_EVENT), "--storage", str(tmp_path), "--quiet"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert (second["results"][0]["status"], second["results"][0]["reason"]) == ("skipped", "already-done")
    assert json.loads(manifest.read_text()) == doc


def test_failure_is_one_error_line_and_exit_1(transcoder_env, tmp_path, capsys):
    event = tmp_path / "bad.json"
    event.write_text('{"events": [{}]}')
    assert main(["--event", str(event), "--storage", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "error: InvalidEvent: events[0].eventName: missing or not a non-empty string"


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["--event", str(tmp_path / "none.json"), "--storage", str(tmp_path)]) == 2
    assert "--event" in capsys.readouterr().err
    assert main(["--event", str(EXAMPLE_EVENT), "--storage", str(tmp_path / "nope")]) == 2


def test_runs_as_a_module(transcoder_env, tmp_path):
    transcoder_env(INPUT_BUCKET="")
    out = subprocess.run(
        [sys.executable, "-m", "functions.transcoder", "--event", str(EXAMPLE_EVENT), "--storage", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    # No video at the sample key: the source is gone, which is a clean skip.
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["results"][0]["reason"] == "source-gone"
