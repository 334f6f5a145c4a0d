"""Async invocations and KMS reads (V3 signature checked against the official SDK's signer), and the
CDN type A playback URLs (signing time injected, never the clock)."""

from __future__ import annotations

import hashlib
import json
import types
from datetime import datetime, UTC

import pytest

from functions.transcoder import invoke, playback
from functions.transcoder.settings import Settings, SettingsError

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
CREDS = invoke.Credentials("LTAI-test-id", "test-secret-value", "sts-token")


def test_signature_matches_the_official_sdk_signer():
    from alibabacloud_tea_openapi.utils import Utils  # the SDK's own ACS3-HMAC-SHA256 implementation

    body = b'{"transcoderPart": {"part": 3}}'
    headers = invoke.base_headers("123.cn-hangzhou-internal.fc.aliyuncs.com", "InvokeFunction", "2023-03-30", NOW,
                                  nonce="n0nce")  # fmt: skip
    headers.update({"x-fc-invocation-type": "Async", "x-fc-async-task-id": "part-ABC-00003-1a2b",
                    "content-type": "application/octet-stream"})  # fmt: skip
    path, query = "/2023-03-30/functions/livecommerce-prod-transcoder-worker/invocations", {"qualifier": "LATEST"}
    signed = invoke.sign("POST", path, query, headers, body, CREDS)
    request = types.SimpleNamespace(pathname=path, method="POST", query=query,
                                    headers={k: v for k, v in signed.items() if k != "Authorization"})  # fmt: skip
    expected = Utils.get_authorization(request, "ACS3-HMAC-SHA256", hashlib.sha256(body).hexdigest(),
                                       CREDS.access_key_id, CREDS.access_key_secret)  # fmt: skip
    assert signed["Authorization"] == expected
    assert signed["x-acs-security-token"] == "sts-token"


def test_fc_invoker_sends_an_async_signed_invocation():
    sent = []
    fc = invoke.FcInvoker(endpoint="123.cn-hangzhou-internal.fc.aliyuncs.com", worker_function="w",
                          merge_function="m", credentials=CREDS, send=lambda *a: sent.append(a) or b"",
                          clock=lambda: NOW)  # fmt: skip
    fc.invoke_worker({"transcoderPart": {"part": 0}}, "part-E-00000-aa")
    fc.invoke_merge({"transcoderMerge": {}}, "merge-E-bb")
    (url, method, headers, body, _), (url2, *_rest) = sent
    assert url == "https://123.cn-hangzhou-internal.fc.aliyuncs.com/2023-03-30/functions/w/invocations?qualifier=LATEST"
    assert "/functions/m/invocations" in url2 and method == "POST"
    assert headers["x-fc-invocation-type"] == "Async" and headers["x-fc-async-task-id"] == "part-E-00000-aa"
    assert json.loads(body) == {"transcoderPart": {"part": 0}}
    assert "test-secret-value" not in json.dumps(headers)
    with pytest.raises(invoke.InvokeFailed, match="task id"):
        fc.invoke_worker({}, "9-starts-with-a-digit")


def test_fc_invoker_endpoint_and_errors_name_no_secret(monkeypatch):
    settings = Settings.from_env({"WORKER_FUNCTION": "w"})
    env = {"FC_ACCOUNT_ID": "123", "FC_REGION": "cn-shanghai", "FC_FUNCTION_NAME": "main",
           "ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sk-value"}  # fmt: skip
    fc = invoke.FcInvoker.from_runtime(env, None, settings, region=None)
    assert (fc.endpoint, fc.merge_function) == ("123.cn-shanghai-internal.fc.aliyuncs.com", "main")
    with pytest.raises(invoke.InvokeFailed, match="INVOKE_ENDPOINT"):
        invoke.FcInvoker.from_runtime({"ALIBABA_CLOUD_ACCESS_KEY_ID": "id"}, None, settings, region=None)


def test_kms_secret_value_reads_secret_data_with_a_signed_request():
    seen = []

    def send(url, method, headers, body, what):
        seen.append((url, headers))
        return json.dumps({"SecretData": "cdn-key", "SecretName": "n"}).encode()

    env = {"FC_REGION": "cn-hangzhou", "ALIBABA_CLOUD_ACCESS_KEY_ID": "id", "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "sk"}
    assert invoke.kms_secret_value(env, "replay-cdn-auth", send=send, now=NOW) == "cdn-key"
    url, headers = seen[0]
    assert url == "https://kms.cn-hangzhou.aliyuncs.com/?SecretName=replay-cdn-auth"
    assert headers["x-acs-action"] == "GetSecretValue" and headers["Authorization"].startswith("ACS3-HMAC-SHA256 ")
    with pytest.raises(invoke.InvokeFailed, match="no SecretData"):
        invoke.kms_secret_value(env, "n", send=lambda *a: b"{}", now=NOW)


def test_type_a_signature_follows_the_documented_formula():
    # md5("{URI}-{timestamp}-{rand}-{uid}-{PrivateKey}"), URL ?auth_key={timestamp}-{rand}-{uid}-{md5}
    token = playback.sign_type_a("/video/standard/1K.html", "aliyuncdnexp1234", timestamp=1444435200, rand="0")
    digest = hashlib.md5(b"/video/standard/1K.html-1444435200-0-0-aliyuncdnexp1234").hexdigest()
    assert token == f"1444435200-0-0-{digest}"
    with pytest.raises(ValueError):
        playback.sign_type_a("/x", "k", timestamp=1, rand="a-b")


def test_signed_playback_url_expires_after_the_ttl_from_the_injected_signing_time():
    url, expires = playback.playback_url("https://replay.example.com", "transcoded/a b.mp4~/v-x/hls/master.m3u8",
                                         auth_key="k", now=NOW, ttl_seconds=7200, delta_seconds=1800, rand="r1")
    timestamp = int(NOW.timestamp()) + 7200 - 1800
    path = "/transcoded/a%20b.mp4~/v-x/hls/master.m3u8"
    token = playback.sign_type_a(path, "k", timestamp=timestamp, rand="r1")
    assert url == f"https://replay.example.com{path}?auth_key={token}"
    assert expires == datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
    plain, never = playback.playback_url("https://replay.example.com/vod", "k.m3u8", auth_key=None, now=NOW,
                                         ttl_seconds=60)  # fmt: skip
    assert (plain, never) == ("https://replay.example.com/vod/k.m3u8", None)


def test_playback_base_url_is_validated():
    assert Settings.from_env({"PLAYBACK_BASE_URL": "https://replay.example.com/"}).playback_base_url == (
        "https://replay.example.com")
    with pytest.raises(SettingsError, match="PLAYBACK_BASE_URL"):
        Settings.from_env({"PLAYBACK_BASE_URL": "replay.example.com"})
