"""The edge in the shipped prod stack, and recording in a live-center region (issue 14's acceptance)."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]


@functools.cache
def prod_plan() -> dict:
    from livecommerce.engine import preview_stack

    return preview_stack("prod")


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
    assert len(by_type(plan, "alicloud:wafv3/defenseTemplate:DefenseTemplate")) == 3
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


def test_buckets_grant_live_and_cdn_only_their_prefixes():
    import json

    plan = prod_plan()
    policies = {r["name"]: json.loads(r["inputs"]["policy"]) for r in by_type(plan, "alicloud:oss/bucketPolicy:BucketPolicy")
                if isinstance(r["inputs"].get("policy"), str)}
    statements = [s for doc in policies.values() for s in doc["Statement"]]
    cdn = [s for s in statements if s["Sid"] == "CdnReadsReplays"]
    assert cdn and cdn[0]["Action"] == ["oss:GetObject"] and cdn[0]["Resource"][0].endswith("/transcoded/*")
    # prod's recording is off (cn-hangzhou is no live center): nothing grants Live a write
    assert not [s for s in statements if s["Sid"] == "LiveWritesRecordings"]


def test_in_a_live_center_region_recording_writes_mp4_under_the_input_prefix(tmp_path):
    from livecommerce.engine import run_preview

    stacks = tmp_path / "stacks"
    shutil.copytree(ROOT / "stacks", stacks)
    doc = yaml.safe_load((stacks / "Pulumi.prod.yaml").read_text())
    cfg = doc["config"]
    cfg["alicloud:region"] = "cn-shanghai"
    platform = cfg["livecommerce:platform"]
    platform["network"]["zones"] = ["cn-shanghai-e", "cn-shanghai-f", "cn-shanghai-g"]
    platform["edge"]["live"]["recording"] = {"enabled": True}
    platform["media"]["input_suffix"] = ".mp4"
    (stacks / "Pulumi.prod.yaml").write_text(yaml.safe_dump(doc, sort_keys=False))
    plan = run_preview("prod", stacks).plan
    [rec] = by_type(plan, "pulumi-python:dynamic/live:LiveRecordConfig")
    inputs = rec["inputs"]
    assert inputs["format"] == "mp4" and inputs["domain_name"] == "play.live.example.com"
    assert inputs["object_prefix"].startswith(platform["media"]["input_prefix"])
    assert "{EscapedStartTime}" in inputs["object_prefix"]
    assert inputs["oss_endpoint"] == "oss-cn-shanghai.aliyuncs.com"
    assert inputs["cycle_duration_seconds"] == 21600
    import json

    statements = [s for r in by_type(plan, "alicloud:oss/bucketPolicy:BucketPolicy")
                  for s in json.loads(r["inputs"]["policy"])["Statement"]]
    [grant] = [s for s in statements if s["Sid"] == "LiveWritesRecordings"]
    assert grant["Principal"][0].endswith(":assumed-role/AliyunLiveDefaultRole/*")
    assert grant["Resource"][0].endswith("-replays-raw/replays/*")
