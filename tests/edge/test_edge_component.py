"""The Edge component and its cross-region recording path, each built in isolation under the recording mocks:
children, parents, providers, key inputs, dependencies and the targets it publishes for observability."""

from __future__ import annotations

import json

import pulumi
import pulumi_alicloud as alicloud
import pytest

from components.edge import plan
from components.edge.edge import Edge, EdgeArgs
from components.edge.recording import RecordingReplication, RecordingReplicationArgs
from components.edge.settings import EdgeSettings
from components.media.settings import MediaSettings
from components.naming import naming_for
from components.observability.alert_rules import TARGET_KINDS, CdnTarget, kind_of
from livecommerce.engine import record
from tests.edge.test_settings_and_plan import CERT, LIVE

ACCOUNT = "1234567890123456"
NAMING = naming_for("prod", "cn-hangzhou")
SECRETS = {k: "x" for k in ("live-cert", "live-key", "push-key", "play-key", "cdn-key")}


def settings(**over) -> EdgeSettings:
    raw = {"certificates": {"live": CERT}, "live": LIVE,
           "replay_cdn": {"host": "replay.live.example.com", "certificate": "live", "url_auth_key_secret": "cdn-key"},
           "api": {"host": "api.live.example.com", "certificate": "live"}, "dns": {"zone": "example.com"}}
    raw.update(over)
    return EdgeSettings.model_validate(raw)


def by_name(p: dict) -> dict[str, dict]:
    return {r["name"]: r for r in p["resources"]}


def build_edge(s: EdgeSettings, *, cross_region: bool = True) -> tuple[dict, dict]:
    out: dict = {}
    media = MediaSettings()
    store = plan.recording_store(s, media, NAMING) if cross_region else None

    def program() -> None:
        provider = alicloud.Provider("live-center", region="cn-shanghai") if store is not None else None
        edge = Edge("prod-edge", EdgeArgs(
            naming=NAMING, settings=s, input_bucket="livecommerce-prod-replays-raw", recording=store,
            recording_provider=provider, account_id=ACCOUNT, output_bucket="livecommerce-prod-media",
            gateway_id="gw-1", gateway_internet_ip="47.1.2.3", log_project="livecommerce-prod-cn-hangzhou",
            secrets={k: pulumi.Output.secret(v) for k, v in SECRETS.items()}, tags={"env": "prod"}))
        out["edge"] = edge

    return record(program, stack="prod"), out


@pytest.fixture(scope="module")
def cross() -> tuple[dict, dict]:
    return build_edge(settings())


def test_every_child_is_parented_and_named_after_the_component(cross):
    p, _ = cross
    res = by_name(p)
    urn = {r["name"]: r["urn"] for r in p["resources"]}
    for r in p["resources"]:
        if r["name"].startswith("prod-edge-recording-") and r["custom"]:
            assert r["parent"] == urn["prod-edge-recording"], r["name"]
        elif r["name"].startswith("prod-edge-") and r["name"] != "prod-edge-recording":
            assert r["parent"] == urn["prod-edge"], r["name"]
    assert res["prod-edge-recording"]["parent"] == urn["prod-edge"]


def test_the_recording_path_goes_through_the_live_centers_provider(cross):
    p, _ = cross
    res = by_name(p)
    live_center = res["live-center"]["urn"]
    for name in ("prod-edge-recording-bucket", "prod-edge-recording-logs-bucket", "prod-edge-recording-replication",
                 "prod-edge-recording-bucket-https-only", "prod-edge-recording-bucket-logging"):
        assert res[name]["options"]["provider"] == live_center, name
    # the rest of the edge uses the stack's own (default) provider
    assert "provider" not in res["prod-edge-replay-cdn"].get("options", {}) or \
        res["prod-edge-replay-cdn"]["options"]["provider"] != live_center


def test_the_recording_bucket_is_hardened_like_the_media_buckets(cross):
    p, _ = cross
    res = by_name(p)
    bucket = res["prod-edge-recording-bucket"]
    assert bucket["protect"] is True and bucket["inputs"]["forceDestroy"] is False
    assert res["prod-edge-recording-bucket-acl"]["inputs"]["acl"] == "private"
    assert res["prod-edge-recording-bucket-public-access-block"]["inputs"]["blockPublicAccess"] is True
    assert res["prod-edge-recording-bucket-encryption"]["inputs"]["sseAlgorithm"] == "AES256"
    assert res["prod-edge-recording-bucket-versioning"]["inputs"]["status"] == "Enabled"
    assert res["prod-edge-recording-bucket-tls"]["inputs"]["tlsVersions"] == ["TLSv1.2", "TLSv1.3"]
    assert res["prod-edge-recording-bucket-logging"]["inputs"]["targetBucket"] == "livecommerce-prod-recordings-logs"
    rules = {r["id"]: r for r in bucket["inputs"]["lifecycleRules"]}
    assert rules["replicated-recordings"]["prefix"] == "replays/"
    assert rules["replicated-recordings"]["expirations"] == [{"days": 7}]
    assert rules["housekeeping"]["abortMultipartUploads"] == [{"days": 1}]
    doc = json.loads(res["prod-edge-recording-bucket-https-only"]["inputs"]["policy"])
    assert [s["Sid"] for s in doc["Statement"]] == ["DenyInsecureTransport", "LiveWritesRecordings"]


def test_replication_waits_for_its_role_and_recording_waits_for_the_path(cross):
    p, _ = cross
    res = by_name(p)
    rep = res["prod-edge-recording-replication"]
    assert res["prod-edge-recording-policy-attachment"]["urn"] in rep["dependencies"]
    assert rep["inputs"]["syncRole"] == "livecommerce-prod-recording-replication"
    rec = res["prod-edge-live-recording"]
    # depending on the component waits for every child: the bucket's Live grant and the replication included
    for child in ("prod-edge-recording-bucket-https-only", "prod-edge-recording-replication"):
        assert res[child]["urn"] in rec["dependencies"], child
    assert rec["inputs"]["oss_bucket"] == "livecommerce-prod-recordings"


def test_the_edge_publishes_its_cdn_domain_for_alerting(cross):
    _, out = cross
    [target] = out["edge"].alert_targets
    assert target == CdnTarget(key="replay-cdn", name="replay.live.example.com")
    assert kind_of(target) is TARGET_KINDS["cdn"]


@pytest.mark.parametrize("cas_region", ["cn-hangzhou", "ap-southeast-1"])
def test_certificates_are_named_in_the_accounts_cas_region_not_the_stacks(cas_region):
    # The stack is in cn-hangzhou either way; an international-site account keeps its certificates in
    # ap-southeast-1, and the CDN, WAF and MSE must say so.
    p, _ = build_edge(settings(cas_region=cas_region, api={"host": "api.live.example.com", "certificate": "live",
                                                          "waf": {"instance_id": "waf_v3_x"}}), cross_region=False)
    res = by_name(p)
    assert res["prod-edge-replay-cdn"]["inputs"]["certificateConfig"]["certRegion"] == cas_region
    assert res["prod-edge-api-gateway-domain"]["inputs"]["cert_identifier"].endswith(f"-{cas_region}")
    waf = json.dumps(res["prod-edge-api-waf"]["inputs"])
    assert f'-{cas_region}"' in waf and ("-cn-hangzhou" in waf) == (cas_region == "cn-hangzhou")


def test_without_a_crossing_live_records_into_the_input_bucket():
    p, out = build_edge(settings(), cross_region=False)
    res = by_name(p)
    assert "prod-edge-recording" not in res
    assert res["prod-edge-live-recording"]["inputs"]["oss_bucket"] == "livecommerce-prod-replays-raw"
    assert out["edge"].recording_bucket is None


def test_a_crossing_without_its_provider_is_a_programming_error():
    s = settings()
    store = plan.recording_store(s, MediaSettings(), NAMING)

    def program() -> None:
        Edge("prod-edge", EdgeArgs(naming=NAMING, settings=s, input_bucket="in", recording=store,
                                   output_bucket="out", gateway_id="gw", gateway_internet_ip="1.2.3.4",
                                   log_project="lp", secrets={k: pulumi.Output.secret(v) for k, v in SECRETS.items()}))

    with pytest.raises(Exception, match="pass the provider of cn-shanghai"):
        record(program, stack="prod")


def test_the_replication_component_alone():
    store = plan.recording_store(settings(), MediaSettings(access_logging=False, versioning=False), NAMING)
    assert store is not None

    def program() -> None:
        RecordingReplication("r", RecordingReplicationArgs(
            naming=NAMING, store=store, account_id=ACCOUNT, destination="livecommerce-prod-replays-raw",
            live_grant=plan.live_grant(settings(), bucket_role="recordings", input_prefix="replays/")))

    res = by_name(record(program, stack="prod"))
    assert "r-logs-bucket" not in res and "r-bucket-logging" not in res
    assert "r-bucket-versioning" not in res  # as the media buckets: replication needs one versioning state
    assert res["r"]["type"] == "livecommerce:edge:RecordingReplication"
