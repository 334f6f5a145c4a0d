"""The edge in the shipped prod stack (cross-region recording), and a stack in a live-center region (same-region
recording): issue 14's acceptance."""

from __future__ import annotations

import functools
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
# The plans are built against a fixed date, never the clock (stacks/clock.py).
NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)


@functools.cache
def prod_plan() -> dict:
    from livecommerce.engine import preview_stack

    return preview_stack("prod", now=NOW)


def by_type(plan: dict, token: str) -> list[dict]:
    return [r for r in plan["resources"] if r["type"] == token]


def test_prod_holds_live_domains_cdn_certificate_dns_and_waf():
    plan = prod_plan()
    live = {r["inputs"]["domainType"]: r["inputs"] for r in by_type(plan, "alicloud:live/domain:Domain")}
    assert live["liveEdge"]["domainName"] == "push.live.example.com"
    assert live["liveVideo"]["domainName"] == "play.live.example.com"
    assert {r["inputs"]["region"] for r in by_type(plan, "alicloud:live/domain:Domain")} == {"cn-shanghai"}
    [cdn] = by_type(plan, "alicloud:cdn/domainNew:DomainNew")
    assert cdn["inputs"]["cdnType"] == "video"
    [source] = cdn["inputs"]["sources"]
    assert (source["type"], source["port"]) == ("oss", 443)
    assert source["content"] == "livecommerce-prod-media.oss-cn-hangzhou.aliyuncs.com"  # the private output bucket
    assert cdn["inputs"]["certificateConfig"]["certType"] == "cas"
    functions = {r["inputs"]["functionName"] for r in by_type(plan, "alicloud:cdn/domainConfig:DomainConfig")}
    assert {"l2_oss_key", "https_force", "https_tls_version", "aliauth", "filetype_based_ttl_set",
            "set_resp_header", "range", "video_seek"} <= functions
    assert len(by_type(plan, "alicloud:cas/serviceCertificate:ServiceCertificate")) == 1
    records = {r["inputs"]["rr"]: r["inputs"] for r in by_type(plan, "alicloud:dns/alidnsRecord:AlidnsRecord")}
    assert set(records) == {"api.live", "push.live", "play.live", "replay.live"}
    assert {r["type"] for r in records.values()} == {"CNAME"}
    [waf] = by_type(plan, "alicloud:wafv3/domain:Domain")
    assert (waf["inputs"]["domain"], waf["inputs"]["accessType"]) == ("api.live.example.com", "share")
    assert waf["inputs"]["listen"]["httpsPorts"] == [443] and waf["inputs"]["listen"]["httpPorts"] == []
    scenes = {t["inputs"]["defenseScene"] for t in by_type(plan, "alicloud:wafv3/defenseTemplate:DefenseTemplate")}
    assert scenes == {"waf_base", "cc"}
    # every record points at what the service assigned (CDN, WAF and Live CNAMEs)
    assert records["replay.live"]["value"] == "replay.live.example.com.w.kunlunsl.com"
    assert records["push.live"]["value"] == "push.live.example.com.w.alikunlun.com"
    assert records["api.live"]["value"].endswith(".yundunwaf3.com")
    [gw_domain] = by_type(plan, "pulumi-python:dynamic/mse:GatewayDomain")
    assert gw_domain["inputs"]["domain"] == "api.live.example.com"


def test_every_probed_host_is_declared_and_exported():
    plan = prod_plan()
    outputs = plan["outputs"]
    declared = set(outputs["publicHosts"].values()) | set(outputs["externalHosts"])
    [task_hosts] = [{urlsplit(t["inputs"]["monitorConf"]["apiHttp"]["targetUrl"]).hostname
                     for t in by_type(plan, "alicloud:arms/syntheticTask:SyntheticTask")
                     if (t["inputs"].get("monitorConf") or {}).get("apiHttp")}]
    assert task_hosts and task_hosts <= declared
    assert outputs["replayBaseUrl"] == "https://replay.live.example.com"


def test_the_api_ingresses_are_https_only():
    plan = prod_plan()
    for ing in by_type(plan, "kubernetes:networking.k8s.io/v1:Ingress"):
        spec = ing["inputs"]["spec"]
        hosts = {r.get("host") for r in spec["rules"]}
        if "api.live.example.com" in hosts:
            assert spec["tls"] == [{"hosts": ["api.live.example.com"]}]
            assert ing["inputs"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/ssl-redirect"] == "true"


def statements(plan: dict) -> dict[str, list[dict]]:
    import json

    return {r["inputs"]["bucket"]: json.loads(r["inputs"]["policy"])["Statement"]
            for r in by_type(plan, "alicloud:oss/bucketPolicy:BucketPolicy")}


def test_prod_records_mp4_in_the_live_center_and_replicates_into_the_transcoders_input():
    plan = prod_plan()
    [rec] = by_type(plan, "pulumi-python:dynamic/live:LiveRecordConfig")
    inputs = rec["inputs"]
    assert inputs["format"] == "mp4" and inputs["domain_name"] == "play.live.example.com"
    assert inputs["object_prefix"] == "replays/{AppName}/{StreamName}/{EscapedStartTime}_{EscapedEndTime}"
    # the whole show up to the longest replay the transcoder takes (media.transcode.max_duration_seconds)
    [fn] = [f for f in by_type(plan, "alicloud:fc/v3Function:V3Function") if f["name"] == "prod-media-transcoder"]
    assert inputs["cycle_duration_seconds"] == int(fn["inputs"]["environmentVariables"]["MAX_DURATION_SECONDS"])
    # cn-hangzhou is no live center: Live writes to the recording bucket of cn-shanghai
    assert (inputs["region"], inputs["oss_endpoint"], inputs["oss_bucket"]) == (
        "cn-shanghai", "oss-cn-shanghai.aliyuncs.com", "livecommerce-prod-recordings")
    providers = {r["urn"]: r["inputs"].get("region") for r in by_type(plan, "pulumi:providers:alicloud")}
    buckets = {r["inputs"]["bucket"]: r for r in by_type(plan, "alicloud:oss/bucket:Bucket")}
    for name in ("livecommerce-prod-recordings", "livecommerce-prod-recordings-logs"):
        assert providers[buckets[name]["options"]["provider"]] == "cn-shanghai"
    assert providers[buckets["livecommerce-prod-replays-raw"]["options"]["provider"]] == "cn-hangzhou"
    # new recordings only, below the recording prefix, into the input bucket under the same keys
    [rep] = by_type(plan, "alicloud:oss/bucketReplication:BucketReplication")
    r = rep["inputs"]
    assert (r["bucket"], r["action"], r["historicalObjectReplication"]) == (
        "livecommerce-prod-recordings", "PUT", "disabled")
    assert r["prefixSet"] == {"prefixes": ["replays/"]}
    assert r["destination"] == {"bucket": "livecommerce-prod-replays-raw", "location": "oss-cn-hangzhou",
                                "transferType": "internal"}
    [role] = [x for x in by_type(plan, "alicloud:ram/role:Role") if x["inputs"]["roleName"] == r["syncRole"]]
    assert '"oss.aliyuncs.com"' in role["inputs"]["assumeRolePolicyDocument"]
    # the transcoder fires on replicated objects, and its parser and the policy pack accept that event
    [trigger] = by_type(plan, "alicloud:fc/v3Trigger:V3Trigger")
    assert "oss:ObjectReplication:ObjectCreated" in trigger["inputs"]["triggerConfig"]


def test_buckets_grant_live_and_cdn_only_their_prefixes():
    st = statements(prod_plan())
    [cdn] = [s for s in st["livecommerce-prod-media"] if s["Sid"] == "CdnReadsReplays"]
    assert cdn["Action"] == ["oss:GetObject"] and cdn["Resource"][0].endswith("/transcoded/*")
    # Live writes only the recording bucket, below the recording prefix; the input bucket grants it nothing
    [grant] = [s for s in st["livecommerce-prod-recordings"] if s["Sid"] == "LiveWritesRecordings"]
    assert grant["Principal"][0].endswith(":assumed-role/AliyunLiveDefaultRole/*")
    assert grant["Resource"] == ["acs:oss:*:1234567890123456:livecommerce-prod-recordings/replays/*"]
    assert not [s for s in st["livecommerce-prod-replays-raw"] if s["Sid"] == "LiveWritesRecordings"]
    assert all(doc[0]["Sid"] == "DenyInsecureTransport" for doc in st.values())


def _prod_in(tmp_path, region: str, zones: list[str], stack: str = "prod", **platform_over) -> dict:
    from livecommerce.engine import run_preview

    stacks = tmp_path / "stacks"
    shutil.copytree(ROOT / "stacks", stacks)
    doc = yaml.safe_load((stacks / "Pulumi.prod.yaml").read_text())
    cfg = doc["config"]
    cfg["alicloud:region"] = region
    platform = cfg["livecommerce:platform"]
    platform["network"]["zones"] = zones
    platform.update(platform_over)
    (stacks / f"Pulumi.{stack}.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    return run_preview(stack, stacks, now=NOW).plan


def test_in_a_live_center_region_recording_writes_mp4_straight_into_the_input_bucket(tmp_path):
    plan = _prod_in(tmp_path, "cn-shanghai", ["cn-shanghai-e", "cn-shanghai-f", "cn-shanghai-g"])
    [rec] = by_type(plan, "pulumi-python:dynamic/live:LiveRecordConfig")
    inputs = rec["inputs"]
    assert inputs["oss_bucket"] == "livecommerce-prod-replays-raw"
    assert inputs["oss_endpoint"] == "oss-cn-shanghai.aliyuncs.com"
    assert "{EscapedStartTime}" in inputs["object_prefix"]
    assert not by_type(plan, "alicloud:oss/bucketReplication:BucketReplication")
    assert "livecommerce-prod-recordings" not in {
        b["inputs"]["bucket"] for b in by_type(plan, "alicloud:oss/bucket:Bucket")}
    assert [p["inputs"]["region"] for p in by_type(plan, "pulumi:providers:alicloud")] == ["cn-shanghai"]
    [grant] = [s for s in statements(plan)["livecommerce-prod-replays-raw"] if s["Sid"] == "LiveWritesRecordings"]
    assert grant["Resource"][0].endswith("-replays-raw/replays/*")
    [trigger] = by_type(plan, "alicloud:fc/v3Trigger:V3Trigger")
    assert "ObjectReplication" not in trigger["inputs"]["triggerConfig"]


def test_a_second_prod_region_names_its_own_recording_buckets(tmp_path):
    plan = _prod_in(tmp_path, "ap-southeast-1", ["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"],
                    stack="prod-sg", tier="prod")
    # ap-southeast-1 is a live center, so prod's cn-shanghai live domains record across regions into a bucket
    # named after this stack
    [rep] = by_type(plan, "alicloud:oss/bucketReplication:BucketReplication")
    assert rep["inputs"]["bucket"] == "livecommerce-prod-sg-recordings"
    assert rep["inputs"]["destination"]["location"] == "oss-ap-southeast-1"
