"""The edge through the stack's config model: the tier's demand, the host consistency check, the cross-region
bucket names and the recording cycle, each with the one line `livecommerce validate` prints."""

from __future__ import annotations

import copy

import pytest

from stacks.config import CONFIG_KEY, ConfigError, check_stack_config, named_hosts
from tests.foundation.test_tiers import as_config, prod_sg, stack_document


def lines_of(doc: dict, stack: str) -> list[str]:
    with pytest.raises(ConfigError) as err:
        check_stack_config(as_config(doc), stack, f"stacks/Pulumi.{stack}.yaml")
    return err.value.lines


def test_a_second_prod_region_must_declare_the_edge_too():
    doc = prod_sg()
    del doc["config"][CONFIG_KEY]["edge"]
    doc["config"][CONFIG_KEY]["governance"]["gateway"]["internet_slb"] = False
    lines = lines_of(doc, "prod-sg")
    edge = [line for line in lines if ": livecommerce:platform.edge." in line]
    assert edge == [
        "stacks/Pulumi.prod-sg.yaml: livecommerce:platform.edge.api: tier prod serves viewers and declares its public "
        "API host (behind WAF 3.0); add it (docs/edge.md)",
        "stacks/Pulumi.prod-sg.yaml: livecommerce:platform.edge.live: tier prod serves viewers and declares its live "
        "ingest and playback domains; add it (docs/edge.md)",
        "stacks/Pulumi.prod-sg.yaml: livecommerce:platform.edge.replay_cdn: tier prod serves viewers and declares the "
        "CDN of its replays; add it (docs/edge.md)",
    ]
    # dev is no such tier: a dev stack without an edge is fine
    check_stack_config(as_config(stack_document("dev")), "dev", "dev")


def test_every_host_the_config_names_is_declared_or_external():
    doc = stack_document("prod")
    platform = doc["config"][CONFIG_KEY]
    platform["edge"]["external_hosts"] = []
    platform["edge"]["live"]["recording"]["notify_url"] = "https://hooks.partner.example.net/live"
    lines = lines_of(doc, "prod")
    # one line per host, naming its first use: the storefront probe and the CDN's web origin are one host
    assert "stacks/Pulumi.prod.yaml: livecommerce:platform.observability.synthetics[storefront]: live.example.com " \
        "(and 1 more) is neither declared by the edge block (edge.api.host, edge.live, edge.replay_cdn.host) nor " \
        "listed in edge.external_hosts; declare it, or add it to edge.external_hosts if another system serves it" \
        in lines
    assert any(line.endswith("edge.live.recording.notify_url: hooks.partner.example.net is neither declared by the "
                             "edge block (edge.api.host, edge.live, edge.replay_cdn.host) nor listed in "
                             "edge.external_hosts; declare it, or add it to edge.external_hosts if another system "
                             "serves it") for line in lines)
    # listing them as external dependencies is the fix
    platform["edge"]["external_hosts"] = ["live.example.com", "hooks.partner.example.net"]
    check_stack_config(as_config(doc), "prod", "prod")


def test_probes_and_ingresses_name_hosts_too():
    cfg = check_stack_config(as_config(stack_document("prod")), "prod", "prod")
    named = named_hosts(cfg)
    assert named["edge.replay_cdn.cors_origins[0]"] == "live.example.com"
    assert named["observability.synthetics[storefront]"] == "live.example.com"
    assert {h for k, h in named.items() if k.startswith("services[")} == {"api.live.example.com"}
    doc = stack_document("staging")
    doc["config"][CONFIG_KEY]["edge"]["external_hosts"] = []
    [line] = [x for x in lines_of(doc, "staging") if "neither declared" in x]
    assert "api.staging.live.example.com" in line and "(and " in line  # one line per host, its first use named


def test_a_long_bucket_prefix_is_refused_for_the_recording_buckets_too():
    doc = copy.deepcopy(stack_document("prod"))
    doc["config"][CONFIG_KEY]["media"]["bucket_prefix"] = "a" * 42
    check_stack_config(as_config(doc), "prod", "prod")  # `...-prod-recordings-logs`: 63 characters, fits
    doc["config"][CONFIG_KEY]["media"]["bucket_prefix"] = "a" * 44
    lines = lines_of(doc, "prod")
    assert any("media.bucket_prefix: the recording bucket name " in line and "-prod-recordings-logs' is 65 characters"
               in line for line in lines)


def test_a_recording_cycle_longer_than_the_transcoder_takes_is_refused():
    doc = stack_document("prod")
    doc["config"][CONFIG_KEY]["media"]["transcode"]["max_duration_seconds"] = 7200
    doc["config"][CONFIG_KEY]["edge"]["live"]["recording"]["cycle_duration_seconds"] = 21600
    [line] = [x for x in lines_of(doc, "prod") if "cycle_duration_seconds" in x]
    assert line == ("stacks/Pulumi.prod.yaml: livecommerce:platform.edge.live.recording.cycle_duration_seconds: "
                    "recordings of up to 21600 s are longer than media.transcode.max_duration_seconds (7200), so the "
                    "transcoder would reject every show longer than that; lower it to at most 7200, or raise "
                    "max_duration_seconds (and the function's timeout) to match")


def test_secret_refs_are_never_echoed():
    doc = stack_document("prod")
    doc["config"][CONFIG_KEY]["edge"]["replay_cdn"]["url_auth_key_secret"] = "Abc123 my real key!"
    lines = lines_of(doc, "prod")
    assert not [line for line in lines if "my real key" in line]
    assert any("edge.replay_cdn.url_auth_key_secret: expected the name of a secret config key" in line
               for line in lines)


def test_the_replay_cdn_is_the_transcoders_playback_domain_and_not_configured_twice():
    from components.edge.plan import with_edge_playback

    cfg = check_stack_config(as_config(stack_document("prod")), "prod", "prod")
    media = with_edge_playback(cfg.media, cfg.edge)
    assert (media.playback.base_url, media.playback.url_auth_key_secret, media.playback.auth_delta_seconds) == (
        "https://replay.live.example.com", "replay-url-auth-key", 1800)
    assert media.playback.url_ttl_seconds == cfg.media.playback.url_ttl_seconds  # the transcoder's own choice
    assert with_edge_playback(cfg.media, None) is cfg.media
    doc = stack_document("prod")
    doc["config"][CONFIG_KEY]["media"]["playback"] = {"base_url": "https://cdn.example.org",
                                                     "url_auth_key_secret": "other-key", "auth_delta_seconds": 600}
    lines = [line.split(": ", 1)[1] for line in lines_of(doc, "prod")]
    assert [line.split(": ")[0] for line in lines] == [
        "livecommerce:platform.media.playback.base_url", "livecommerce:platform.media.playback.url_auth_key_secret",
        "livecommerce:platform.media.playback.auth_delta_seconds"]
    assert "livecommerce:platform.media.playback.base_url: the edge's replay CDN sets it " \
        "(https://replay.live.example.com); remove it" in lines
    assert "livecommerce:platform.media.playback.auth_delta_seconds: the edge's replay CDN sets it " \
        "(edge.replay_cdn.auth_delta_seconds: 1800); remove it" in lines
