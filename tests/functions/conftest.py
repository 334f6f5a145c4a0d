"""Fixtures for the transcoder tests: real FFmpeg, generated clips, a local bucket folder, events."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from functions.transcoder import binaries
from functions.transcoder.settings import ENV_VARS
from functions.transcoder.storage import LocalStorage

BUCKET = "livecommerce-test-replays"
EXAMPLE_EVENT = Path(__file__).parents[2] / "functions" / "transcoder" / "examples" / "oss-put-event.json"


@pytest.fixture(scope="session")
def tools() -> binaries.Tools:
    """The real binaries. No skip: a machine without FFmpeg fails here, saying how to install it."""
    try:
        return binaries.locate(os.environ)
    except binaries.ToolError as exc:
        pytest.fail(f"the transcoder tests need the real FFmpeg: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def clip_factory(tools, tmp_path_factory):
    """``clip(width, height, seconds, audio=True) -> Path``: an H.264/AAC MP4 made from FFmpeg's
    testsrc2 and sine sources; cached per session because several tests share a shape."""
    folder = tmp_path_factory.mktemp("clips")
    made: dict[tuple, Path] = {}

    def clip(width: int = 1280, height: int = 720, seconds: float = 2.5, audio: bool = True) -> Path:
        shape = (width, height, seconds, audio)
        if shape not in made:
            out = folder / f"clip-{width}x{height}-{seconds}-{int(audio)}.mp4"
            cmd = [
                tools.ffmpeg,
                "-nostdin",
                "-v",
                "error",
                "-y",
                "-f",
                "lavfi",
                "-i",
                f"testsrc2=size={width}x{height}:rate=25:duration={seconds}",
            ]
            if audio:
                cmd += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
            cmd += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
            cmd += (["-c:a", "aac", "-shortest"] if audio else []) + [str(out)]
            subprocess.run(cmd, check=True, env=binaries.subprocess_env())  # fmt: skip
            made[shape] = out
        return made[shape]

    return clip


@pytest.fixture
def transcoder_env(monkeypatch):
    """Clean settings environment (defaults) with fast encodes; returns ``set(**vars)``."""
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PRESET", "ultrafast")
    monkeypatch.setenv("INPUT_BUCKET", BUCKET)

    def set_vars(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_vars


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    """An empty local bucket folder."""
    (tmp_path / "buckets" / BUCKET).mkdir(parents=True)
    return LocalStorage(tmp_path / "buckets")


def put_source(storage: LocalStorage, key: str, source: Path | bytes) -> None:
    """Place a source object at ``key`` of the test bucket."""
    path = storage.path(BUCKET, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(source if isinstance(source, bytes) else source.read_bytes())


def make_event(
    key: str, *, name: str = "ObjectCreated:PutObject", bucket: str = BUCKET, etag: str = "0" * 32, size: int = 1
) -> bytes:
    """An event in the documented shape (the sample file), with the given key, name and bucket."""
    doc = json.loads(EXAMPLE_EVENT.read_text())
    record = doc["events"][0]
    record["eventName"] = name
    record["oss"]["bucket"]["name"] = bucket
    record["oss"]["bucket"]["arn"] = f"acs:oss:cn-hangzhou:1237050315505682:{bucket}"
    record["oss"]["object"].update(key=key, eTag=etag, size=size, deltaSize=size)
    return json.dumps(doc).encode()


def object_keys(storage: LocalStorage, prefix: str = "") -> list[str]:
    """Every key in the test bucket under ``prefix``."""
    return storage.list_keys(BUCKET, prefix)
