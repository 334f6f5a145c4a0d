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


def test_the_live_center_is_validated_and_must_hold_the_buckets():
    with pytest.raises(ValidationError, match="is not an ApsaraVideo Live center"):
        edge(live={**LIVE, "region": "cn-hangzhou"})
    s = edge()
    common = dict(env="prod", input_prefix="replays/", input_suffix="", internet_slb=True, playback_base_url=None,
                  playback_auth_secret=None)
    assert edge_problems(s, region="cn-shanghai", **common) == []
    [line] = edge_problems(s, region="cn-hangzhou", **common)
    assert line.startswith("edge.live.region: the live center cn-shanghai records only into buckets of its own")
    off = edge(live={**LIVE, "recording": {"enabled": False}})
    assert edge_problems(off, region="cn-hangzhou", **common) == []


def test_cross_section_rules_name_the_key_to_fix():
    s = edge()
    lines = edge_problems(s, region="cn-shanghai", env="prod", input_prefix="replays/", input_suffix=".flv",
                          internet_slb=False, playback_base_url="https://x.example.com", playback_auth_secret="k")
    keys = [line.split(":")[0] for line in lines]
    assert keys == ["media.input_suffix", "governance.gateway.internet_slb", "media.playback.base_url",
                    "media.playback.url_auth_key_secret"]
    assert edge_problems(None, region="cn-hangzhou", env="prod", input_prefix="r/", input_suffix="",
                         internet_slb=False, playback_base_url=None, playback_auth_secret=None)[0].startswith("edge:")


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
    live, cdn = plan.service_grants(s, buckets="separate", input_prefix="replays/", output_prefix="transcoded/")
    assert (live.bucket_role, live.key_prefix, live.actions) == ("input", "replays/", plan.LIVE_RECORD_ACTIONS)
    assert (cdn.bucket_role, cdn.key_prefix, cdn.actions) == ("output", "transcoded/", ("oss:GetObject",))
    assert recording_key_prefix("replays/", RecordingSettings(object_name="live/{StartTime}_{EndTime}")) == \
        "replays/live/"
    assert plan.service_grants(None, buckets="separate", input_prefix="a/", output_prefix="b/") == ()


def test_certificate_identifiers_and_console_steps():
    assert plan.cas_identifier(12345) == "12345-cn-hangzhou"
    steps = plan.console_steps([
        {"type": "alicloud:live/domain:Domain", "inputs": {"domainName": "push.live.example.com", "scope": "domestic"}},
        {"type": "alicloud:cdn/domainNew:DomainNew", "inputs": {"domainName": "r.example.com", "scope": "overseas"}},
        {"type": "alicloud:oss/bucket:Bucket", "inputs": {"bucket": "x"}}])
    assert len(steps) == 2 and "ICP filing" in steps[0] and "no ICP filing" in steps[1]
