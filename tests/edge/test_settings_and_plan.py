"""The edge's settings (every documented refusal) and its pure decisions."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from components.edge import plan
from components.edge.settings import (
    EdgeSettings,
    RecordingSettings,
    covers,
    edge_problems,
    host_problems,
    record_name,
    recording_crosses_regions,
    recording_cycle_seconds,
    recording_key_prefix,
)

CERT = {"hosts": ["*.live.example.com"], "cert_secret": "live-cert", "key_secret": "live-key"}
LIVE = {"region": "cn-shanghai", "ingest_host": "push.live.example.com", "playback_host": "play.live.example.com",
        "ingest_auth_key_secret": "push-key", "playback_auth_key_secret": "play-key", "certificate": "live"}


def edge(**over) -> EdgeSettings:
    raw = {"certificates": {"live": CERT}, "live": LIVE,
           "replay_cdn": {"host": "replay.live.example.com", "certificate": "live", "url_auth_key_secret": "cdn-key"},
           "api": {"host": "api.live.example.com", "certificate": "live"}, "dns": {"zone": "example.com"}}
    raw.update(over)
    return EdgeSettings.model_validate(raw)


@pytest.mark.parametrize("fmt", ["m3u8", "cmaf", "ts"])
def test_sliced_recording_is_refused_because_every_slice_fires_the_trigger(fmt):
    with pytest.raises(ValidationError, match="every slice would fire the transcoder"):
        RecordingSettings(format=fmt)


@pytest.mark.parametrize(("name", "why"), [
    ("{AppName}/{StreamName}", "must contain"),
    ("/{StartTime}{EndTime}", "without a leading"),
    ("{StartTime}{EndTime}{Bogus}", "unknown variable"),
])
def test_recording_object_names_need_start_and_end_times(name, why):
    with pytest.raises(ValidationError, match=why):
        RecordingSettings(object_name=name)


def test_a_certificate_must_cover_its_host_and_exist():
    with pytest.raises(ValidationError, match="covers \\*.live.example.com, not api.example.org"):
        edge(api={"host": "api.example.org", "certificate": "live"}, dns=None)
    with pytest.raises(ValidationError, match="'nope' is not in edge.certificates"):
        edge(api={"host": "api.live.example.com", "certificate": "nope"})


def test_hosts_are_unique_in_the_zone_and_not_also_external():
    with pytest.raises(ValidationError, match="not in dns.zone example.net"):
        edge(dns={"zone": "example.net"})
    with pytest.raises(ValidationError, match="declared by the stack"):
        edge(external_hosts=["api.live.example.com"])
    with pytest.raises(ValidationError, match="must differ"):
        edge(live={**LIVE, "playback_host": "push.live.example.com"})


COMMON = dict(input_suffix="", internet_slb=True, max_replay_seconds=7200, playback_base_url=None,
              playback_auth_secret=None)


def test_the_live_center_is_validated_and_recording_crosses_regions_when_it_is_not_the_stacks():
    with pytest.raises(ValidationError, match="is not an ApsaraVideo Live center"):
        edge(live={**LIVE, "region": "cn-hangzhou"})
    s = edge()
    # cn-hangzhou is no live center: valid, recordings go through a bucket in cn-shanghai (the cross-region path)
    assert edge_problems(s, **COMMON) == []
    assert recording_crosses_regions(s, "cn-hangzhou")
    assert not recording_crosses_regions(s, "cn-shanghai")
    off = edge(live={**LIVE, "recording": {"enabled": False}})
    assert not recording_crosses_regions(off, "cn-hangzhou")
    assert not recording_crosses_regions(None, "cn-hangzhou")


def test_cross_section_rules_name_the_key_to_fix():
    s = edge()
    lines = edge_problems(s, input_suffix=".flv", internet_slb=False, max_replay_seconds=7200,
                          playback_base_url="https://x.example.com", playback_auth_secret="k")
    keys = [line.split(":")[0] for line in lines]
    assert keys == ["media.input_suffix", "governance.gateway.internet_slb", "media.playback.base_url",
                    "media.playback.url_auth_key_secret"]
    assert edge_problems(None, **{**COMMON, "internet_slb": False}) == []


def test_the_recording_cycle_is_the_longest_replay_the_transcoder_takes():
    rec = RecordingSettings()
    assert recording_cycle_seconds(rec, 7200) == 7200
    assert recording_cycle_seconds(rec, 86400) == 21600  # Live's MP4 maximum
    assert recording_cycle_seconds(RecordingSettings(cycle_duration_seconds=3600), 7200) == 3600
    s = edge(live={**LIVE, "recording": {"cycle_duration_seconds": 14400}})
    [line] = edge_problems(s, **COMMON)
    assert line.startswith("edge.live.recording.cycle_duration_seconds: recordings of up to 14400 s are longer than "
                           "media.transcode.max_duration_seconds (7200)")
    # a transcoder limit below Live's shortest cycle cannot take any recording whole
    assert edge_problems(edge(), **{**COMMON, "max_replay_seconds": 600})[0].startswith(
        "edge.live.recording.cycle_duration_seconds: recordings of up to 900 s")


@given(st.integers(min_value=1, max_value=100000))
def test_the_derived_cycle_is_within_lives_range(max_replay):
    cycle = recording_cycle_seconds(RecordingSettings(), max_replay)
    assert 900 <= cycle <= 21600
    assert cycle == max_replay or max_replay < 900 or max_replay > 21600


def test_every_named_host_must_be_declared_or_external():
    s = edge(external_hosts=["live.example.com"])
    assert host_problems({"probe[a]": "api.live.example.com", "probe[b]": "live.example.com"}, s) == []
    [line] = host_problems({"probe[a]": "shop.example.com", "probe[b]": "shop.example.com"}, s)
    assert line.startswith("probe[a]: shop.example.com (and 1 more) is neither declared")
    assert host_problems({"x": "a.example.com"}, None)


@given(st.lists(st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True), min_size=1, max_size=4))
def test_record_names_and_wildcards(labels):
    host = ".".join(labels) + ".example.com"
    assert record_name(host, "example.com") == ".".join(labels)
    assert record_name("example.com", "example.com") == "@"
    assert covers([host], host)
    assert covers(["*." + host.split(".", 1)[1]], host) == (len(labels) >= 1)
    assert not covers(["*." + host], host)


def test_cdn_functions_protect_the_private_origin_and_force_https():
    s = edge().replay_cdn
    fns = {f.role: f for f in plan.cdn_functions(s, url_auth=True)}
    assert dict(fns["origin-auth"].args) == {"private_oss_auth": "on"}
    assert (fns["origin-auth"].function_name, fns["https-force"].function_name) == ("l2_oss_key", "https_force")
    assert dict(fns["origin-https"].args) == {"enable": "on", "scheme_origin": "https"}
    assert dict(fns["tls-versions"].args) == {"tls10": "off", "tls11": "off", "tls12": "on", "tls13": "on"}
    assert dict(fns["ttl-playlists"].args)["file_type"] == "m3u8"
    assert int(dict(fns["ttl-playlists"].args)["ttl"]) < int(dict(fns["ttl-segments"].args)["ttl"])
    assert fns["url-auth"].secret and dict(fns["url-auth"].args)["auth_type"] == "type_a"
    assert {f.function_name for f in fns.values()} >= {"range", "video_seek", "set_resp_header", "HSTS"}
    assert "url-auth" not in {f.role for f in plan.cdn_functions(s, url_auth=False)}


def test_services_get_exactly_their_prefix():
    s = edge()
    grants = dict(buckets="separate", input_prefix="replays/", output_prefix="transcoded/")
    live, cdn = plan.service_grants(s, region="cn-shanghai", **grants)
    assert (live.bucket_role, live.key_prefix, live.actions) == ("input", "replays/", plan.LIVE_RECORD_ACTIONS)
    assert (cdn.bucket_role, cdn.key_prefix, cdn.actions) == ("output", "transcoded/", ("oss:GetObject",))
    # across regions Live writes into the recording bucket, so the input bucket grants it nothing
    [only_cdn] = plan.service_grants(s, region="cn-hangzhou", **grants)
    assert only_cdn.sid == "CdnReadsReplays"
    assert recording_key_prefix("replays/", RecordingSettings(object_name="live/{StartTime}_{EndTime}")) == \
        "replays/live/"
    assert plan.service_grants(None, region="cn-hangzhou", **grants) == ()


def test_the_recording_store_lives_in_the_live_center_and_replicates_into_the_input_bucket():
    from components.media.settings import MediaSettings
    from components.naming import naming_for

    media = MediaSettings(bucket_prefix="acme", versioning=True, access_logging=True)
    store = plan.recording_store(edge(), media, naming_for("prod-sg", "cn-hangzhou"))
    assert store is not None
    assert (store.region, store.bucket, store.log_bucket) == ("cn-shanghai", "acme-prod-sg-recordings",
                                                              "acme-prod-sg-recordings-logs")
    assert (store.destination_bucket, store.destination_location) == ("acme-prod-sg-replays-raw", "oss-cn-hangzhou")
    assert store.key_prefix == "replays/" and store.versioning and store.retention_days == 7
    policy = plan.replication_policy(store, "123")
    assert [st["Action"] for st in policy["Statement"]] == [
        ["oss:ReplicateList", "oss:ReplicateGet"],
        ["oss:ReplicateList", "oss:ReplicateGet", "oss:ReplicatePut", "oss:ReplicateDelete"]]
    assert policy["Statement"][1]["Resource"] == ["acs:oss:*:123:acme-prod-sg-replays-raw",
                                                  "acs:oss:*:123:acme-prod-sg-replays-raw/*"]
    # no log bucket without access logging; no store in the live center itself or without recording
    assert plan.recording_store(edge(), MediaSettings(access_logging=False),
                                naming_for("prod", "cn-hangzhou")).log_bucket is None
    assert plan.recording_store(edge(), media, naming_for("prod", "cn-shanghai")) is None
    assert plan.recording_store(edge(live={**LIVE, "recording": {"enabled": False}}), media,
                                naming_for("prod", "cn-hangzhou")) is None


def test_certificate_identifiers_and_console_steps():
    assert plan.cas_identifier(12345) == "12345-cn-hangzhou"
    steps = plan.console_steps([
        {"type": "alicloud:live/domain:Domain", "inputs": {"domainName": "push.live.example.com", "scope": "domestic"}},
        {"type": "alicloud:cdn/domainNew:DomainNew", "inputs": {"domainName": "r.example.com", "scope": "overseas"}},
        {"type": "alicloud:oss/bucket:Bucket", "inputs": {"bucket": "x"}}])
    assert len(steps) == 2 and "ICP filing" in steps[0] and "no ICP filing" in steps[1]
