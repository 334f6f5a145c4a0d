"""Issue 14's last acceptance item, end to end through the shipped prod stack: the transcoder's environment names
the replay CDN domain (from `edge.replay_cdn`), and a local run of the real function with exactly that environment,
fired by the replication event that brings a live recording into the input bucket, writes signed playback URLs on
that domain into its manifest. Real FFmpeg on a small clip; the signing time is injected."""

from __future__ import annotations

import json
import types
from datetime import UTC, datetime

import pytest

from functions.transcoder import manifest as m
from functions.transcoder import playback
from functions.transcoder.handler import handler
from functions.transcoder.invoke import RecordingInvoker
from functions.transcoder.settings import ENV_VARS
from functions.transcoder.storage import LocalStorage
from tests.edge.test_edge_stack import by_type, prod_plan
from tests.functions.conftest import clip_factory, make_event, tools  # noqa: F401 (fixtures)

# A recording as prod's LiveRecordConfig names it (`replays/{AppName}/{StreamName}/{EscapedStartTime}_...`).
RECORDING = "replays/live/gala/2030-01-01-20-00-00_2030-01-01-22-00-00.mp4"
SIGNED_AT = datetime(2030, 1, 1, 23, 0, tzinfo=UTC)


@pytest.fixture
def prod_environment() -> dict[str, str]:
    [fn] = [f for f in by_type(prod_plan(), "alicloud:fc/v3Function:V3Function")
            if f["name"] == "prod-media-transcoder"]
    return dict(fn["inputs"]["environmentVariables"])


def test_the_transcoders_environment_names_the_replay_cdn(prod_environment):
    env = prod_environment
    assert env["PLAYBACK_BASE_URL"] == "https://replay.live.example.com" == prod_plan()["outputs"]["replayBaseUrl"]
    # the CDN's URL-auth key reaches the function through KMS (by name), never as a value
    assert env["PLAYBACK_AUTH_SECRET_NAME"] == "livecommerce-prod-replay-url-auth"
    [cdn_auth] = [r for r in by_type(prod_plan(), "alicloud:cdn/domainConfig:DomainConfig")
                  if r["inputs"]["functionName"] == "aliauth"]
    delta = {a["argName"]: a["argValue"] for a in cdn_auth["inputs"]["functionArgs"]
             if a["argName"] == "ali_auth_delta"}
    assert env["PLAYBACK_AUTH_DELTA_SECONDS"] == delta["ali_auth_delta"] == "1800"
    [secret] = [r for r in by_type(prod_plan(), "alicloud:kms/secret:Secret")
                if r["inputs"].get("secretName") == env["PLAYBACK_AUTH_SECRET_NAME"]]
    assert secret["inputs"]["secretData"] == "[secret]"


def test_a_local_run_with_prods_environment_writes_signed_playback_urls(prod_environment, clip_factory, tmp_path,  # noqa: F811
                                                                         monkeypatch):
    env = prod_environment
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    # Small and fast, otherwise prod's settings; the key stands in for the KMS secret (local runs only).
    monkeypatch.setenv("LADDER", "180p:300k")
    monkeypatch.setenv("MP4_RUNG", "180p")
    monkeypatch.setenv("PRESET", "ultrafast")
    monkeypatch.setenv("PLAYBACK_AUTH_KEY", "localCdnKey42")
    for name in ("ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    source_bucket, output_bucket = env["INPUT_BUCKET"], env["OUTPUT_BUCKET"]
    storage = LocalStorage(tmp_path / "buckets")
    for bucket in (source_bucket, output_bucket):
        (tmp_path / "buckets" / bucket).mkdir(parents=True)
    path = storage.path(source_bucket, RECORDING)
    path.parent.mkdir(parents=True)
    path.write_bytes(clip_factory(320, 180, 2.0).read_bytes())

    event = make_event(RECORDING, name="ObjectReplication:ObjectCreated", bucket=source_bucket)
    # The local stand-in for FC's async invocations (as `python -m functions.transcoder` uses): a 2 s clip is
    # below prod's split threshold, so nothing is dispatched.
    invoker = RecordingInvoker()
    out = json.loads(handler(event, types.SimpleNamespace(request_id="req-edge"), storage=storage, invoker=invoker,
                             now=lambda: SIGNED_AT))
    assert invoker.calls == []
    [result] = out["results"]
    assert result["status"] == "done"
    doc = m.parse_manifest(storage.get_bytes(output_bucket, result["manifest"]))
    links = doc["playback"]
    assert links["signed"] and links["expiresAt"] == "2030-01-02T23:00:00+00:00"  # PLAYBACK_URL_TTL_SECONDS 86400
    for role in ("master", "mp4", "poster"):
        assert links[role].startswith("https://replay.live.example.com/transcoded/live/gala/"), role
    url, token = links["master"].split("?auth_key=")
    timestamp, rand, uid, _ = token.split("-")
    path_signed = playback.url_path(doc["output"]["master"])
    assert url == "https://replay.live.example.com" + path_signed
    assert token == playback.sign_type_a(path_signed, "localCdnKey42", timestamp=int(timestamp), rand=rand, uid=uid)
    # valid for the manifest's TTL at the CDN's own validity (ali_auth_delta 1800)
    assert int(timestamp) + 1800 == int(SIGNED_AT.timestamp()) + 86400
    assert "localCdnKey42" not in json.dumps(doc)
