"""Acceptance on the real stacks: `livecommerce preview prod --json plan.json` holds the function, the OSS
trigger, the async config with its on-failure destination, the buckets with ACL, encryption and
public-access block, and the two RAM roles; dev differs downward."""

from __future__ import annotations

import json

import pytest

from livecommerce.cli import main
from livecommerce.engine import run_preview
from livecommerce.plan import load_plan
from stacks.clock import parse_now

NOW_TEXT = "2026-12-01T00:00:00Z"


@pytest.fixture(scope="module")
def prod_plan(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("plan") / "plan.json"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LIVECOMMERCE_NOW", NOW_TEXT)  # a fixed date, never the clock (stacks/clock.py)
        assert main(["preview", "prod", "--json", str(out)]) == 0
    return load_plan(out)


def media(plan: dict, type_: str) -> list[dict]:
    return [r for r in plan["resources"] if r["type"] == type_ and r["name"].startswith(f"{plan['stack']}-media")]


def test_prod_plan_has_the_pipeline(prod_plan):
    fn, worker = media(prod_plan, "alicloud:fc/v3Function:V3Function")
    assert fn["inputs"]["functionName"] == "livecommerce-prod-transcoder"
    # The fan-out (issue 15): the worker, its bound, its own async config, and the invoke grant.
    assert (worker["inputs"]["functionName"], worker["inputs"]["handler"]) == (
        "livecommerce-prod-transcoder-worker", "index.worker")
    assert fn["inputs"]["environmentVariables"]["WORKER_FUNCTION"] == "livecommerce-prod-transcoder-worker"
    bounds = {r["inputs"]["functionName"]: r["inputs"]["reservedConcurrency"]
              for r in media(prod_plan, "alicloud:fc/v3ConcurrencyConfig:V3ConcurrencyConfig")}  # fmt: skip
    assert bounds == {"livecommerce-prod-transcoder": 50, "livecommerce-prod-transcoder-worker": 100}
    (topic,) = media(prod_plan, "alicloud:message/serviceTopic:ServiceTopic")
    assert topic["inputs"]["topicName"] == "livecommerce-prod-transcoder-done"
    (trigger,) = media(prod_plan, "alicloud:fc/v3Trigger:V3Trigger")
    assert trigger["inputs"]["triggerType"] == "oss"
    config = json.loads(trigger["inputs"]["triggerConfig"])
    # prod's recordings arrive by cross-region replication from the live center (docs/edge.md)
    assert config["events"] == ["oss:ObjectCreated:PutObject", "oss:ObjectCreated:PostObject",
                                "oss:ObjectCreated:CompleteMultipartUpload", "oss:ObjectReplication:ObjectCreated"]
    assert config["filter"]["key"]["prefix"] == "replays/"
    async_cfgs = media(prod_plan, "alicloud:fc/v3AsyncInvokeConfig:V3AsyncInvokeConfig")
    assert len(async_cfgs) == 2
    for cfg in async_cfgs:  # the dead-letter queue covers the workers too
        assert cfg["inputs"]["destinationConfig"]["onFailure"]["destination"].endswith(
            ":/queues/livecommerce-prod-transcoder-dlq/messages")
    roles = {r["inputs"]["roleName"] for r in media(prod_plan, "alicloud:ram/role:Role")}
    assert roles == {"livecommerce-prod-transcoder", "livecommerce-prod-transcoder-oss-invoke"}


def test_prod_buckets_have_acl_encryption_and_public_access_block(prod_plan):
    buckets = {r["inputs"]["bucket"]: r for r in media(prod_plan, "alicloud:oss/bucket:Bucket")}
    assert set(buckets) == {"livecommerce-prod-replays-raw", "livecommerce-prod-media", "livecommerce-prod-oss-logs"}
    assert all(b["protect"] for b in buckets.values())
    for sub, key, value in (("alicloud:oss/bucketAcl:BucketAcl", "acl", "private"),
                            ("alicloud:oss/bucketServerSideEncryption:BucketServerSideEncryption", "sseAlgorithm",
                             "AES256"),
                            ("alicloud:oss/bucketPublicAccessBlock:BucketPublicAccessBlock", "blockPublicAccess", True),
                            ("alicloud:oss/bucketVersioning:BucketVersioning", "status", "Enabled")):
        covered = {r["inputs"]["bucket"] for r in media(prod_plan, sub) if r["inputs"][key] == value}
        assert covered == set(buckets), sub


def test_prod_exports(prod_plan):
    outputs = prod_plan["outputs"]
    assert outputs["replayInputBucket"] == "livecommerce-prod-replays-raw"
    assert outputs["mediaOutputBucket"] == "livecommerce-prod-media"
    assert outputs["transcoderFunctionName"] == "livecommerce-prod-transcoder"
    assert outputs["transcoderDeadLetterQueue"] == "livecommerce-prod-transcoder-dlq"


def test_dev_is_smaller_and_unprotected():
    plan = run_preview("dev", now=parse_now(NOW_TEXT)).plan
    fn, worker = media(plan, "alicloud:fc/v3Function:V3Function")
    assert (fn["inputs"]["memorySize"], fn["inputs"]["diskSize"]) == (2048, 512)
    assert (worker["inputs"]["memorySize"], worker["inputs"]["diskSize"]) == (2048, 512)
    buckets = media(plan, "alicloud:oss/bucket:Bucket")
    assert len(buckets) == 2 and not any(b["protect"] for b in buckets)
    assert not media(plan, "alicloud:oss/bucketVersioning:BucketVersioning")
