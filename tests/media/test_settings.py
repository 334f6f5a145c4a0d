"""MediaSettings: defaults, OSS naming, the trigger-loop rule, FC limits, prod rules, and the function's
environment contract. Bad input is shown with the exact message a user sees."""

from __future__ import annotations

import copy
import json

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from components.naming import naming_for
from components.media.settings import (
    MediaSettings,
    bucket_names,
    check_fc_environment,
    function_environment,
    oss_bucket_name_problem,
    trigger_loop_problem,
)
from functions.transcoder.settings import ENV_VARS, Settings
from livecommerce.engine import REPO_ROOT
from stacks.config import ConfigError, check_stack_config

SOURCE = "stacks/Pulumi.prod.yaml"


def prod_config() -> dict[str, str]:
    raw = yaml.safe_load((REPO_ROOT / "stacks" / "Pulumi.prod.yaml").read_text())["config"]
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in raw.items()}


def errors_for(env: str, **media: object) -> list[str]:
    """The error lines `livecommerce validate` prints for the prod stack with `media` patched in."""
    config = prod_config()
    platform = json.loads(config["livecommerce:platform"])
    platform["media"] = {**copy.deepcopy(platform.get("media", {})), **media}
    config["livecommerce:platform"] = json.dumps(platform)
    with pytest.raises(ConfigError) as info:
        check_stack_config(config, env, SOURCE)
    return info.value.lines


def test_defaults_are_the_production_choice():
    s = MediaSettings.model_validate({}, context={"stack": "prod"})
    assert (s.buckets, s.versioning, s.deletion_protection, s.access_logging, s.redundancy) == \
        ("separate", True, True, True, "ZRS")
    assert s.function.disk_mib == 10240 and s.ffmpeg.layer == "official"


def test_derived_bucket_names():
    assert bucket_names("acme", naming_for("prod"), "separate") == {
        "input": "acme-prod-replays-raw", "output": "acme-prod-media", "access-logs": "acme-prod-oss-logs"}
    assert bucket_names("acme", naming_for("dev"), "shared", access_logging=False) == {"shared": "acme-dev-media"}
    # Two stacks of one tier, one account: the stack is in every (globally unique) bucket name.
    assert not set(bucket_names("acme", naming_for("prod-sg"), "separate").values()) & \
        set(bucket_names("acme", naming_for("prod"), "separate").values())


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.A", min_size=0, max_size=70))
def test_bucket_name_rule_matches_oss(name):
    ok = (3 <= len(name) <= 63 and all(c.islower() or c.isdigit() or c == "-" for c in name)
          and name[0] != "-" and name[-1] != "-")
    assert (oss_bucket_name_problem(name) is None) == ok


def test_bucket_prefix_with_uppercase_is_rejected():
    lines = errors_for("prod", bucket_prefix="Acme_Live")
    assert lines == [f"{SOURCE}: livecommerce:platform.media.bucket_prefix: 'Acme_Live': OSS bucket names use "
                     "lowercase letters, digits and hyphens, starting and ending with a letter or digit; "
                     "e.g. acme-live"]


def test_too_long_bucket_prefix_names_the_bucket():
    prefix = "a" * 47  # + "-prod-replays-raw" = 64 characters; the other names fit
    lines = errors_for("prod", bucket_prefix=prefix)
    assert lines == [f"{SOURCE}: livecommerce:platform.media: bucket_prefix: the input bucket name "
                     f"'{prefix}-prod-replays-raw' is 64 characters long (OSS allows 3 to 63); "
                     "use a shorter bucket_prefix (or stack name)"]


def test_shared_bucket_rejects_overlapping_prefixes():
    lines = errors_for("prod", buckets="shared", input_prefix="media/", output_prefix="media/hls/", input_suffix=".mp4")
    assert lines == [
        f"{SOURCE}: livecommerce:platform.media: output_prefix: 'media/hls/' overlaps input_prefix 'media/' in the "
        "shared bucket, so every published file would fire the trigger again (even with input_suffix '.mp4'); use "
        "disjoint prefixes such as replays/ and transcoded/, or buckets: separate"]


def test_shared_bucket_with_disjoint_prefixes_is_fine():
    s = MediaSettings.model_validate({"buckets": "shared", "input_prefix": "replays/", "output_prefix": "transcoded/"},
                                     context={"stack": "prod"})
    assert s.buckets == "shared"


def test_separate_buckets_may_reuse_a_prefix():
    # Different buckets cannot loop, whatever the prefixes.
    MediaSettings.model_validate({"input_prefix": "media/", "output_prefix": "media/"}, context={"stack": "prod"})


@given(st.from_regex(r"[a-z]{1,4}/([a-z]{1,3}/)?", fullmatch=True), st.from_regex(r"[a-z]{1,4}/([a-z]{1,3}/)?",
                                                                                     fullmatch=True))
def test_loop_rule_is_prefix_overlap(a, b):
    assert (trigger_loop_problem(a, "", b) is not None) == (a.startswith(b) or b.startswith(a))


@pytest.mark.parametrize("prefix", ["/replays/", "replays", "a//b/"])
def test_key_prefix_shape(prefix):
    lines = errors_for("prod", input_prefix=prefix)
    assert lines == [f"{SOURCE}: livecommerce:platform.media.input_prefix: {prefix!r} must be a key prefix like "
                     "`replays/`: no leading `/`, one trailing `/`, letters, digits and -_.!*'() only"]


def test_protection_and_versioning_are_the_tiers_not_the_settings():
    # The prod tier's policy levels demand them (stacks/tiers.py; tests/foundation/test_tiers.py checks the
    # pack refuses them): the settings accept either choice in any stack.
    for stack in ("prod", "dev", "prod-sg"):
        s = MediaSettings.model_validate({"deletion_protection": False, "versioning": False},
                                         context={"stack": stack})
        assert not s.deletion_protection and not s.versioning


def test_force_destroy_needs_unprotected_buckets():
    lines = errors_for("prod", force_destroy=True)
    assert lines == [
        f"{SOURCE}: livecommerce:platform.media: force_destroy: cannot be combined with deletion_protection; set "
        "deletion_protection: false too (throwaway stacks only)"]


def test_the_merge_disk_must_hold_the_longest_replays_mp4():
    lines = errors_for("prod", function={"memory_mib": 2048, "vcpu": 1, "disk_mib": 512})
    assert lines == [
        f"{SOURCE}: livecommerce:platform.media: transcode.max_duration_seconds: 21600 s replays make an MP4 "
        "fallback (720p) of up to 9086 MiB, which the merge writes to function.disk_mib 512; lower it to at most "
        "1217, pick a lower transcode.mp4_rung, or use function.disk_mib: 10240"]


def test_the_source_size_no_longer_needs_disk():
    # Before 2026-12-01 the source was downloaded: 4 GiB and 2 h at most in prod. Now it is read through a
    # presigned URL, so a 64 GiB, 6 h gala replay fits the same 10 GiB disk (the merge's MP4 is what it holds).
    s = MediaSettings.model_validate({"transcode": {"max_source_bytes": 64 * 1024**3, "max_duration_seconds": 21600}},
                                     context={"stack": "prod"})
    assert s.function.disk_mib == 10240 and s.fan_out.worker.disk_mib == 512


def test_one_read_of_the_largest_source_must_fit_half_the_timeout():
    lines = errors_for("prod", transcode={"max_source_bytes": 200 * 10**9, "max_duration_seconds": 21600})
    assert lines == [
        f"{SOURCE}: livecommerce:platform.media: transcode.max_source_bytes: one read of a 200000000000 byte "
        "source (the keyframe listing of a container without an index, or a one-pass transcode) takes about "
        "4000 s at 50 MB/s, more than half of function.timeout_seconds 3600; lower it to at most 90000000000 or "
        "raise function.timeout_seconds"]


def test_parts_must_fit_the_workers_disk_and_timeout():
    lines = errors_for("prod", fan_out={"part_seconds": 600})
    assert lines == [
        f"{SOURCE}: livecommerce:platform.media: fan_out.part_seconds: parts of up to 900 s (1.5x 600 s) write up "
        "to 1335 MiB of HLS segments, more than fan_out.worker.disk_mib 512; use parts of at most 230 s or "
        "fan_out.worker.disk_mib: 10240",
        f"{SOURCE}: livecommerce:platform.media: fan_out.worker.timeout_seconds: 900 is too short for parts of up "
        "to 900 s on 4 vCPU (about 341 s of 1080p work each, 3x for safety); use at least 1024, more vCPU, or "
        "shorter fan_out.part_seconds"]


def test_one_pass_replays_must_fit_the_transcoder():
    lines = errors_for("prod", fan_out={"part_seconds": 0})
    assert [line.split(": ", 3)[2] for line in lines] == ["transcode.max_duration_seconds"] * 2
    assert "a 21600 s replay's outputs need up to 41128 MiB" in lines[0] and "lower it to at most 5377" in lines[0]
    assert "encode takes about 8190 s on 4 vCPU" in lines[1] and "lower it to at most 3164" in lines[1]


def test_disk_is_512_or_10240():
    lines = errors_for("prod", function={"disk_mib": 2048})
    assert len(lines) == 1 and "media.function.disk_mib" in lines[0] and "512" in lines[0] and "10240" in lines[0]


def test_vcpu_memory_ratio():
    lines = errors_for("prod", function={"memory_mib": 16384 + 2048, "vcpu": 4})
    assert lines == [f"{SOURCE}: livecommerce:platform.media.function: vcpu 4.0 with memory_mib 18432: FC needs "
                     "vCPU:GiB between 1:1 and 1:4; use memory_mib between 4096 and 16384, or change vcpu"]


def test_vcpu_step_and_memory_step():
    lines = errors_for("prod", function={"vcpu": 1.03, "memory_mib": 1000})
    assert any("media.function.vcpu: 1.03 is not a multiple of 0.05 vCPU" in line for line in lines)
    assert any("media.function.memory_mib" in line and "multiple of 64" in line for line in lines)


def test_ladder_is_judged_by_the_functions_own_parser():
    lines = errors_for("prod", transcode={"ladder": "1080p:5000k,banana"})
    assert lines == [f"{SOURCE}: livecommerce:platform.media.transcode: LADDER: entry 'banana' is not "
                     "<height>p:<bitrate> (e.g. LADDER=1080p:5000k,720p:2800k)"]


def test_kms_needs_a_key():
    lines = errors_for("prod", encryption="KMS")
    assert lines == [f"{SOURCE}: livecommerce:platform.media: kms_key_id: required with encryption: KMS (the "
                     "function's role is granted that key only); or use encryption: AES256"]


def test_own_layer_needs_exactly_one_source():
    lines = errors_for("prod", ffmpeg={"layer": "own"})
    assert lines == [f"{SOURCE}: livecommerce:platform.media.ffmpeg: layer: own needs exactly one source: "
                     "own_zip_path, or own_oss_bucket with own_oss_object"]
    lines = errors_for("prod", ffmpeg={"layer": "own", "own_zip_path": "build/ffmpeg-layer.zip"})
    assert lines == [f"{SOURCE}: livecommerce:platform.media.ffmpeg: own_zip_path 'build/ffmpeg-layer.zip' does not "
                     "exist (paths are relative to the repository root); build the layer zip first"]
    lines = errors_for("prod", ffmpeg={"own_oss_bucket": "b"})
    assert lines == [f"{SOURCE}: livecommerce:platform.media.ffmpeg: own_oss_bucket only apply to layer: own; "
                     "remove them or set layer: own"]


def test_lifecycle_expiry_after_transition():
    lines = errors_for("prod", lifecycle={"raw_ia_days": 60, "raw_expire_days": 30})
    assert lines == [f"{SOURCE}: livecommerce:platform.media.lifecycle: raw_expire_days (30) must be later than "
                     "raw_ia_days (60); OSS rejects an expiration before the transition"]


def test_unknown_key_suggests_the_right_one():
    lines = errors_for("prod", function={"memory_mb": 1024})
    assert lines == [f"{SOURCE}: livecommerce:platform.media.function.memory_mb: unknown key; "
                     "did you mean `memory_mib`?"]


# ---- the function's environment: the ENV_VARS contract ---------------------------------------------


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_environment_follows_the_contract_and_the_function_accepts_it(env):
    raw = yaml.safe_load((REPO_ROOT / "stacks" / f"Pulumi.{env}.yaml").read_text())["config"]
    s = MediaSettings.model_validate(raw["livecommerce:platform"]["media"], context={"stack": env})
    variables = function_environment(s, naming_for(env), "0" * 64)
    assert set(variables) - set(ENV_VARS) == {"CODE_SHA256"}
    parsed = Settings.from_env(variables)
    assert parsed.input_bucket == f"livecommerce-{env}-replays-raw"
    assert parsed.output_bucket == f"livecommerce-{env}-media"
    assert parsed.output_prefix == s.output_prefix and parsed.max_source_bytes == s.transcode.max_source_bytes


def test_shared_mode_points_both_sides_at_one_bucket():
    s = MediaSettings.model_validate({"buckets": "shared"}, context={"stack": "dev"})
    variables = function_environment(s, naming_for("dev"), "f" * 64)
    assert variables["INPUT_BUCKET"] == variables["OUTPUT_BUCKET"] == "livecommerce-dev-media"


def test_fc_environment_rules():
    with pytest.raises(ValueError, match="FC_REGION"):
        check_fc_environment({"FC_REGION": "x"})
    with pytest.raises(ValueError, match="4096"):
        check_fc_environment({"LADDER": "x" * 5000})


def test_model_is_frozen_and_strict():
    s = MediaSettings()
    with pytest.raises(ValidationError):
        MediaSettings.model_validate({"bucket": "x"})
    with pytest.raises(ValidationError):
        s.buckets = "shared"  # type: ignore[misc]
