"""The Media component built in isolation under the recording mocks: its children, their wiring, and
the code zip's determinism (a code change, and only a code change, changes the function)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest

from components.naming import naming_for
from components.media.settings import MediaSettings
from components.media.transcoding import CODE_DIR, Media, MediaArgs
from livecommerce.engine import record

ACCOUNT = "1234567890123456"
TAGS = {"env": "prod", "owner": "live-platform"}
COMPONENT = "livecommerce:media:Media"


def build(settings: dict | None = None, *, env: str = "prod", code_dir: Path = CODE_DIR) -> dict:
    s = MediaSettings.model_validate(settings or {}, context={"stack": env})
    args = MediaArgs(naming=naming_for(env, "cn-hangzhou"), account_id=ACCOUNT, settings=s,
                     log_project=f"livecommerce-{env}-cn-hangzhou", log_store="fc-transcoder",
                     tags={**TAGS, "env": env}, code_dir=code_dir)
    return record(lambda: Media(f"{env}-media", args), stack=env)


@pytest.fixture(scope="module")
def prod() -> dict:
    return build()


def by_name(plan: dict) -> dict[str, dict]:
    return {r["name"]: r for r in plan["resources"]}


def of_type(plan: dict, suffix: str) -> list[dict]:
    return [r for r in plan["resources"] if r["type"].endswith(suffix)]


def depends_on(res: dict, other: dict) -> bool:
    return other["urn"] in res["dependencies"]


def test_children(prod):
    names = {r["name"]: r["type"] for r in prod["resources"] if r["custom"]}
    expected = {
        "prod-media-transcoder": "alicloud:fc/v3Function:V3Function",
        "prod-media-replay-trigger": "alicloud:fc/v3Trigger:V3Trigger",
        "prod-media-transcoder-async": "alicloud:fc/v3AsyncInvokeConfig:V3AsyncInvokeConfig",
        "prod-media-transcoder-concurrency": "alicloud:fc/v3ConcurrencyConfig:V3ConcurrencyConfig",
        "prod-media-dead-letter-queue": "alicloud:message/serviceQueue:ServiceQueue",
        "prod-media-execution-role": "alicloud:ram/role:Role",
        "prod-media-invocation-role": "alicloud:ram/role:Role",
        "prod-media-execution-policy": "alicloud:ram/policy:Policy",
        "prod-media-invocation-policy": "alicloud:ram/policy:Policy",
        "prod-media-execution-policy-attachment": "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment",
        "prod-media-invocation-policy-attachment": "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment",
        "prod-media-success-topic": "alicloud:message/serviceTopic:ServiceTopic",
        "prod-media-transcoder-worker": "alicloud:fc/v3Function:V3Function",
        "prod-media-transcoder-worker-async": "alicloud:fc/v3AsyncInvokeConfig:V3AsyncInvokeConfig",
        "prod-media-transcoder-worker-concurrency": "alicloud:fc/v3ConcurrencyConfig:V3ConcurrencyConfig",
    }
    for role in ("input", "output", "access-logs"):
        expected |= {
            f"prod-media-{role}-bucket": "alicloud:oss/bucket:Bucket",
            f"prod-media-{role}-bucket-acl": "alicloud:oss/bucketAcl:BucketAcl",
            f"prod-media-{role}-bucket-public-access-block":
                "alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock",
            f"prod-media-{role}-bucket-encryption":
                "alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption",
            f"prod-media-{role}-bucket-versioning": "alicloud:oss/bucketVersioning:BucketVersioning",
            f"prod-media-{role}-bucket-tls": "alicloud:oss/bucketHttpsConfig:BucketHttpsConfig",
        }
    for role in ("input", "output"):
        expected |= {f"prod-media-{role}-bucket-logging": "alicloud:oss/bucketLogging:BucketLogging",
                     f"prod-media-{role}-bucket-https-only": "alicloud:oss/bucketPolicy:BucketPolicy"}
    assert names == expected
    component = by_name(prod)["prod-media"]
    assert component["type"] == COMPONENT
    assert all(r["parent"] == component["urn"] for r in prod["resources"] if r["custom"])


def test_buckets_are_private_encrypted_blocked_and_protected(prod):
    res = by_name(prod)
    for role, name in (("input", "livecommerce-prod-replays-raw"), ("output", "livecommerce-prod-media"),
                       ("access-logs", "livecommerce-prod-oss-logs")):
        bucket = res[f"prod-media-{role}-bucket"]
        assert bucket["inputs"]["bucket"] == name and bucket["protect"] is True
        assert bucket["inputs"]["forceDestroy"] is False and bucket["inputs"]["redundancyType"] == "ZRS"
        assert "acl" not in bucket["inputs"] and "serverSideEncryptionRule" not in bucket["inputs"]
        # The sub-resources own these attributes; the bucket must not revert them on every `up`.
        assert sorted(bucket["options"]["ignoreChanges"]) == ["acl", "logging", "policy", "serverSideEncryptionRule",
                                                              "versioning"]
        assert bucket["inputs"]["tags"]["role"] == f"media-{role}"
        for sub, inputs in (("acl", {"acl": "private"}), ("public-access-block", {"blockPublicAccess": True}),
                            ("encryption", {"sseAlgorithm": "AES256"}), ("versioning", {"status": "Enabled"}),
                            ("tls", {"enable": True, "tlsVersions": ["TLSv1.2", "TLSv1.3"]})):
            child = res[f"prod-media-{role}-bucket-{sub}"]
            assert child["inputs"] == {"bucket": name, **inputs}
            assert depends_on(child, bucket)
    logging = res["prod-media-input-bucket-logging"]["inputs"]
    assert logging == {"bucket": "livecommerce-prod-replays-raw", "targetBucket": "livecommerce-prod-oss-logs",
                       "targetPrefix": "livecommerce-prod-replays-raw/"}


def test_lifecycle_rules(prod):
    res = by_name(prod)
    raw = {r["id"]: r for r in res["prod-media-input-bucket"]["inputs"]["lifecycleRules"]}
    assert raw["raw-replays"] == {"id": "raw-replays", "enabled": True, "prefix": "replays/",
                                  "transitions": [{"storageClass": "IA", "days": 30}], "expirations": [{"days": 365}]}
    assert raw["housekeeping"]["abortMultipartUploads"] == [{"days": 7}]
    assert raw["housekeeping"]["noncurrentVersionExpirations"] == [{"days": 30}]
    out = {r["id"]: r for r in res["prod-media-output-bucket"]["inputs"]["lifecycleRules"]}
    assert set(out) == {"housekeeping"} and "expirations" not in out["housekeeping"]
    logs = {r["id"]: r for r in res["prod-media-access-logs-bucket"]["inputs"]["lifecycleRules"]}
    assert logs["housekeeping"]["expirations"] == [{"days": 180}]


def test_function(prod):
    fn = by_name(prod)["prod-media-transcoder"]["inputs"]
    assert (fn["functionName"], fn["runtime"], fn["handler"]) == ("livecommerce-prod-transcoder", "python3.10",
                                                                  "index.handler")
    assert (fn["memorySize"], fn["cpu"], fn["diskSize"], fn["timeout"], fn["instanceConcurrency"]) == \
        (8192, 4, 10240, 3600, 1)
    assert fn["layers"] == ["acs:fc:cn-hangzhou:official:layers/FFmpeg6x/versions/1"]
    assert fn["role"] == f"acs:ram::{ACCOUNT}:role/livecommerce-prod-transcoder"
    assert fn["logConfig"] == {"project": "livecommerce-prod-cn-hangzhou", "logstore": "fc-transcoder",
                               "enableRequestMetrics": True, "enableInstanceMetrics": True,
                               "logBeginRule": "DefaultRegex"}
    env = fn["environmentVariables"]
    assert (env["INPUT_BUCKET"], env["INPUT_PREFIX"], env["OUTPUT_BUCKET"], env["OUTPUT_PREFIX"]) == \
        ("livecommerce-prod-replays-raw", "replays/", "livecommerce-prod-media", "transcoded/")
    zip_bytes = base64.b64decode(fn["code"]["zipFile"])
    sha = hashlib.sha256(zip_bytes).hexdigest()
    assert env["CODE_SHA256"] == sha and sha in fn["description"]
    names = zipfile.ZipFile(io.BytesIO(zip_bytes)).namelist()
    assert "index.py" in names and "transcoder/handler.py" in names
    res = by_name(prod)
    assert depends_on(res["prod-media-transcoder"], res["prod-media-execution-policy-attachment"])
    concurrency = res["prod-media-transcoder-concurrency"]["inputs"]
    assert concurrency == {"functionName": "livecommerce-prod-transcoder", "reservedConcurrency": 50}


def test_async_config_sends_failures_to_the_dead_letter_queue(prod):
    res = by_name(prod)
    cfg = res["prod-media-transcoder-async"]
    assert cfg["inputs"] == {
        "functionName": "livecommerce-prod-transcoder", "qualifier": "LATEST", "maxAsyncRetryAttempts": 2,
        "maxAsyncEventAgeInSeconds": 18000, "asyncTask": True,
        "destinationConfig": {
            "onFailure": {
                "destination": f"acs:mns:cn-hangzhou:{ACCOUNT}:/queues/livecommerce-prod-transcoder-dlq/messages"},
            "onSuccess": {
                "destination": f"acs:mns:cn-hangzhou:{ACCOUNT}:/topics/livecommerce-prod-transcoder-done/messages"}}}
    assert depends_on(cfg, res["prod-media-dead-letter-queue"])
    assert depends_on(cfg, res["prod-media-success-topic"])
    assert depends_on(cfg, res["prod-media-execution-policy-attachment"])
    queue = res["prod-media-dead-letter-queue"]["inputs"]
    assert queue["queueName"] == "livecommerce-prod-transcoder-dlq" and queue["messageRetentionPeriod"] == 604800


def test_trigger(prod):
    res = by_name(prod)
    trig = res["prod-media-replay-trigger"]
    inputs = trig["inputs"]
    assert (inputs["triggerType"], inputs["qualifier"], inputs["functionName"]) == \
        ("oss", "LATEST", "livecommerce-prod-transcoder")
    assert inputs["sourceArn"] == f"acs:oss:cn-hangzhou:{ACCOUNT}:livecommerce-prod-replays-raw"
    assert inputs["invocationRole"] == f"acs:ram::{ACCOUNT}:role/livecommerce-prod-transcoder-oss-invoke"
    assert json.loads(inputs["triggerConfig"]) == {
        "events": ["oss:ObjectCreated:PutObject", "oss:ObjectCreated:PostObject",
                   "oss:ObjectCreated:CompleteMultipartUpload"],
        "filter": {"key": {"prefix": "replays/"}}}
    # Events flow only once OSS may invoke and failures have a destination.
    for other in ("prod-media-invocation-policy-attachment", "prod-media-transcoder-async", "prod-media-input-bucket"):
        assert depends_on(trig, res[other])


def test_roles_and_policies(prod):
    res = by_name(prod)
    trust = json.loads(res["prod-media-execution-role"]["inputs"]["assumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"Service": ["fc.aliyuncs.com"]}
    trust = json.loads(res["prod-media-invocation-role"]["inputs"]["assumeRolePolicyDocument"])
    assert trust["Statement"][0]["Principal"] == {"Service": ["oss.aliyuncs.com"]}
    invoke = json.loads(res["prod-media-invocation-policy"]["inputs"]["policyDocument"])
    assert invoke["Statement"][0]["Resource"] == [
        f"acs:fc:cn-hangzhou:{ACCOUNT}:functions/livecommerce-prod-transcoder"]
    assert depends_on(res["prod-media-invocation-policy"], res["prod-media-transcoder"])
    execution = json.loads(res["prod-media-execution-policy"]["inputs"]["policyDocument"])
    actions = {a for st in execution["Statement"] for a in st["Action"]}
    assert actions == {"oss:GetObject", "oss:PutObject", "oss:AbortMultipartUpload", "oss:ListParts",
                       "oss:DeleteObject", "oss:ListObjects", "log:PostLogStoreLogs", "mns:SendMessage",
                       "mns:PublishMessage", "fc:InvokeFunction"}
    for att, role, policy in (("execution", "livecommerce-prod-transcoder", "livecommerce-prod-transcoder-exec"),
                              ("invocation", "livecommerce-prod-transcoder-oss-invoke",
                               "livecommerce-prod-transcoder-invoke")):
        inputs = res[f"prod-media-{att}-policy-attachment"]["inputs"]
        assert inputs == {"roleName": role, "policyName": policy, "policyType": "Custom"}
    attached = [r["inputs"]["policyName"] for r in of_type(prod, "RolePolicyAttachment")]
    assert not any(p.endswith("FullAccess") or p == "AdministratorAccess" for p in attached)


def test_dev_is_smaller_and_destroyable():
    plan = build({"versioning": False, "access_logging": False, "deletion_protection": False, "force_destroy": True,
                  "redundancy": "LRS",
                  "function": {"memory_mib": 2048, "vcpu": 1, "disk_mib": 512, "reserved_concurrency": 2},
                  "transcode": {"max_source_bytes": 256 * 1024 * 1024, "max_duration_seconds": 1800,
                                "ladder": "720p:2800k,480p:1200k", "mp4_rung": "480p"}}, env="dev")
    res = by_name(plan)
    assert "dev-media-access-logs-bucket" not in res and not of_type(plan, "BucketVersioning")
    assert not of_type(plan, "BucketLogging")
    bucket = res["dev-media-input-bucket"]
    assert bucket["protect"] is False and bucket["inputs"]["forceDestroy"] is True
    assert "noncurrentVersionExpirations" not in bucket["inputs"]["lifecycleRules"][-1]
    assert res["dev-media-transcoder"]["inputs"]["diskSize"] == 512


def test_shared_bucket_mode():
    plan = build({"buckets": "shared"}, env="staging")
    buckets = {r["inputs"]["bucket"] for r in of_type(plan, "oss/bucket:Bucket")}
    assert buckets == {"livecommerce-staging-media", "livecommerce-staging-oss-logs"}
    shared = by_name(plan)["staging-media-shared-bucket"]
    assert {r["id"] for r in shared["inputs"]["lifecycleRules"]} == {"raw-replays", "housekeeping"}
    env = by_name(plan)["staging-media-transcoder"]["inputs"]["environmentVariables"]
    assert env["INPUT_BUCKET"] == env["OUTPUT_BUCKET"] == "livecommerce-staging-media"


def test_own_layer_from_a_zip(tmp_path):
    layer_zip = tmp_path / "ffmpeg-layer.zip"
    with zipfile.ZipFile(layer_zip, "w") as z:
        z.writestr("bin/ffmpeg", b"#!/bin/sh\n")
    plan = build({"ffmpeg": {"layer": "own", "own_zip_path": str(layer_zip)}})
    res = by_name(plan)
    layer = res["prod-media-ffmpeg-layer"]
    assert layer["inputs"]["layerName"] == "livecommerce-prod-ffmpeg" and layer["inputs"]["acl"] == "0"
    assert base64.b64decode(layer["inputs"]["code"]["zipFile"]) == layer_zip.read_bytes()
    assert layer["inputs"]["compatibleRuntimes"] == ["python3.10"]
    assert res["prod-media-transcoder"]["inputs"]["layers"] == [
        f"acs:fc:cn-hangzhou:{ACCOUNT}:layers/livecommerce-prod-ffmpeg/versions/1"]
    assert depends_on(res["prod-media-transcoder"], layer)


def test_own_layer_from_oss():
    plan = build({"ffmpeg": {"layer": "own", "own_oss_bucket": "acme-artifacts", "own_oss_object": "ffmpeg/7.1.zip"}})
    code = by_name(plan)["prod-media-ffmpeg-layer"]["inputs"]["code"]
    assert code == {"ossBucketName": "acme-artifacts", "ossObjectName": "ffmpeg/7.1.zip"}


# ---- the code zip -----------------------------------------------------------------------------------


def function_inputs(plan: dict) -> dict:
    return of_type(plan, "V3Function")[0]["inputs"]


def test_same_code_gives_the_same_zip_whatever_the_file_times(tmp_path):
    copy = tmp_path / "transcoder"
    shutil.copytree(CODE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    first = function_inputs(build(code_dir=copy))
    for path in copy.rglob("*"):
        os.utime(path, (1_000_000_000, 1_000_000_000))
    (copy / "__pycache__").mkdir(exist_ok=True)
    (copy / "__pycache__" / "handler.cpython-311.pyc").write_bytes(b"junk")
    second = function_inputs(build(code_dir=copy))
    assert first["code"] == second["code"]
    assert first["environmentVariables"] == second["environmentVariables"]
    assert first["description"] == second["description"]


def test_a_code_change_changes_the_functions_configuration(tmp_path):
    copy = tmp_path / "transcoder"
    shutil.copytree(CODE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = function_inputs(build(code_dir=copy))
    with (copy / "handler.py").open("a") as handle:
        handle.write("\n# a change\n")
    after = function_inputs(build(code_dir=copy))
    assert before["code"] != after["code"]
    # The provider applies `code` only with another change: the hash in env and description is that change.
    assert before["environmentVariables"]["CODE_SHA256"] != after["environmentVariables"]["CODE_SHA256"]
    assert before["description"] != after["description"]
    assert {k: v for k, v in before.items() if k not in ("code", "environmentVariables", "description")} == \
        {k: v for k, v in after.items() if k not in ("code", "environmentVariables", "description")}


def test_too_many_tags_for_a_bucket_is_a_clear_error():
    s = MediaSettings()
    tags = {f"k{i}": "v" for i in range(10)}
    args = MediaArgs(naming=naming_for("prod", "cn-hangzhou"), account_id=ACCOUNT, settings=s, log_project="p",
                     log_store="s", tags=tags)
    with pytest.raises(ValueError, match="buckets accept at most 10 tags"):
        record(lambda: Media("prod-media", args), stack="prod")


def test_fan_out_worker_shares_the_zip_and_is_bounded(prod):
    res = by_name(prod)
    fn, worker = res["prod-media-transcoder"]["inputs"], res["prod-media-transcoder-worker"]["inputs"]
    assert (worker["functionName"], worker["handler"]) == ("livecommerce-prod-transcoder-worker", "index.worker")
    assert worker["code"] == fn["code"] and worker["environmentVariables"] == fn["environmentVariables"]
    assert worker["role"] == fn["role"] and worker["layers"] == fn["layers"]
    assert worker["internetAccess"] is False and fn["internetAccess"] is False
    # 512 MB disk: a part reads its range of the source through a URL and stores only its own segments.
    assert (worker["memorySize"], worker["cpu"], worker["diskSize"], worker["timeout"], worker["instanceConcurrency"]) \
        == (8192, 4, 512, 900, 1)
    env = fn["environmentVariables"]
    assert (env["WORKER_FUNCTION"], env["MERGE_FUNCTION"]) == ("livecommerce-prod-transcoder-worker",
                                                               "livecommerce-prod-transcoder")
    assert (env["SPLIT_SEGMENT_SECONDS"], env["MAX_PARALLEL_PARTS"]) == ("60", "10")
    assert env["STALE_AFTER_SECONDS"] == str(3600 + 18000 + 600)
    assert env["SOURCE_URL_TTL_SECONDS"] == str(3600 + 600)  # the longer timeout: a URL outlives its reader
    assert res["prod-media-transcoder-worker-concurrency"]["inputs"] == {
        "functionName": "livecommerce-prod-transcoder-worker", "reservedConcurrency": 100}
    wasync = res["prod-media-transcoder-worker-async"]["inputs"]
    assert wasync["asyncTask"] is True and wasync["maxAsyncRetryAttempts"] == 2
    assert wasync["destinationConfig"] == {"onFailure": {
        "destination": f"acs:mns:cn-hangzhou:{ACCOUNT}:/queues/livecommerce-prod-transcoder-dlq/messages"}}
    assert depends_on(res["prod-media-transcoder-worker"], res["prod-media-execution-policy-attachment"])
    doc = json.loads(res["prod-media-execution-policy"]["inputs"]["policyDocument"])
    fan = next(st for st in doc["Statement"] if st["Sid"] == "FanOutParts")
    assert fan["Action"] == ["fc:InvokeFunction"] and fan["Resource"] == [
        f"acs:fc:cn-hangzhou:{ACCOUNT}:functions/livecommerce-prod-transcoder-worker",
        f"acs:fc:cn-hangzhou:{ACCOUNT}:functions/livecommerce-prod-transcoder"]


def test_success_notification_goes_to_a_topic(prod):
    res = by_name(prod)
    topic = res["prod-media-success-topic"]["inputs"]
    assert (topic["topicName"], topic["maxMessageSize"], topic["enableLogging"]) == (
        "livecommerce-prod-transcoder-done", 65536, True)
    destinations = res["prod-media-transcoder-async"]["inputs"]["destinationConfig"]
    assert destinations["onSuccess"] == {
        "destination": f"acs:mns:cn-hangzhou:{ACCOUNT}:/topics/livecommerce-prod-transcoder-done/messages"}
    doc = json.loads(res["prod-media-execution-policy"]["inputs"]["policyDocument"])
    notify = next(st for st in doc["Statement"] if st["Sid"] == "NotifySuccess")
    assert notify["Resource"] == [f"acs:mns:cn-hangzhou:{ACCOUNT}:/topics/livecommerce-prod-transcoder-done/messages"]
    quiet = by_name(build({"async_invoke": {"notify_success": False}}, env="dev"))
    assert "dev-media-success-topic" not in quiet
    assert "onSuccess" not in quiet["dev-media-transcoder-async"]["inputs"]["destinationConfig"]


def test_playback_settings_reach_the_function_and_the_key_goes_to_kms():
    s = MediaSettings.model_validate({"playback": {"base_url": "https://replay.example.com",
                                                   "url_auth_key_secret": "replay-cdn-auth-key",
                                                   "url_ttl_seconds": 7200}}, context={"env": "prod"})
    args = MediaArgs(naming=naming_for("prod", "cn-hangzhou"), account_id=ACCOUNT, settings=s, log_project="p",
                     log_store="fc-transcoder", tags=TAGS, playback_auth_key="the-cdn-key")  # fmt: skip
    plan = record(lambda: Media("prod-media", args), stack="prod")
    res = by_name(plan)
    env = res["prod-media-transcoder"]["inputs"]["environmentVariables"]
    assert env["PLAYBACK_BASE_URL"] == "https://replay.example.com" and env["PLAYBACK_URL_TTL_SECONDS"] == "7200"
    assert env["PLAYBACK_AUTH_SECRET_NAME"] == "livecommerce-prod-replay-url-auth"
    # KMS Secrets Manager has no internal endpoint outside a VPC: the signing function needs the internet.
    assert res["prod-media-transcoder"]["inputs"]["internetAccess"] is True
    assert res["prod-media-transcoder-worker"]["inputs"]["internetAccess"] is False
    assert "the-cdn-key" not in json.dumps(env)
    secret = res["prod-media-playback-auth-key"]
    assert secret["type"] == "alicloud:kms/secret:Secret"
    assert secret["inputs"]["secretName"] == "livecommerce-prod-replay-url-auth"
    doc = json.loads(res["prod-media-execution-policy"]["inputs"]["policyDocument"])
    read = next(st for st in doc["Statement"] if st["Sid"] == "ReadPlaybackAuthKey")
    assert read["Action"] == ["kms:GetSecretValue"]
    assert read["Resource"] == [f"acs:kms:cn-hangzhou:{ACCOUNT}:secret/livecommerce-prod-replay-url-auth"]
