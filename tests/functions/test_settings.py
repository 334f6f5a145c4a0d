"""The env-var contract: defaults, parsing, and error messages that name the variable and the fix."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from functions.transcoder.settings import ENV_VARS, Rung, Settings, SettingsError, parse_bitrate, parse_ladder


def test_defaults_parse_to_the_documented_ladder():
    settings = Settings.from_env({})
    assert [r.name for r in settings.ladder] == ["1080p", "720p", "480p"]
    assert settings.ladder[1] == Rung(720, 2_800_000)
    assert (settings.input_prefix, settings.output_prefix) == ("replays/", "transcoded/")
    assert (settings.input_bucket, settings.output_bucket) == ("", "")
    assert settings.segment_seconds == 6 and settings.preset == "veryfast" and settings.mp4_rung == 720


def test_env_vars_is_the_complete_contract():
    # Every Settings field is fed by exactly one variable of ENV_VARS.
    assert len(ENV_VARS) == len(Settings.__dataclass_fields__)
    assert all(name.isupper() and not name.startswith("FC_") for name in ENV_VARS)  # FC_* is reserved


def test_prefixes_get_a_trailing_slash_and_lose_a_leading_one():
    settings = Settings.from_env({"INPUT_PREFIX": "/in", "OUTPUT_PREFIX": "out"})
    assert (settings.input_prefix, settings.output_prefix) == ("in/", "out/")


def test_ladder_is_sorted_highest_first():
    assert [r.short_side for r in parse_ladder("480p:1M, 1080p:5M,720p:2800k")] == [1080, 720, 480]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LADDER": "1080p=5000k"}, "LADDER: entry '1080p=5000k' is not <height>p:<bitrate>"),
        ({"LADDER": "720p:1M,720p:2M"}, "rung 720p appears twice"),
        ({"LADDER": "721p:1M"}, "721p is odd"),
        ({"LADDER": "720p:fast"}, "bitrate 'fast' is not a number"),
        ({"LADDER": "720p:5k"}, "outside 16k..100M"),
        ({"SEGMENT_SECONDS": "six"}, "SEGMENT_SECONDS: 'six' is not an integer"),
        ({"SEGMENT_SECONDS": "0"}, "SEGMENT_SECONDS: 0 is outside 1..60"),
        ({"MAX_SOURCE_BYTES": "1.5"}, "MAX_SOURCE_BYTES: '1.5' is not an integer"),
        ({"PRESET": "turbo"}, "PRESET: 'turbo' is not an x264 preset; use one of ultrafast"),
        ({"MP4_RUNG": "hd"}, "MP4_RUNG='hd': expected a rung name like 720p"),
        ({"INPUT_PREFIX": "out/in/", "OUTPUT_PREFIX": "out/"}, "lies inside OUTPUT_PREFIX"),
        ({"INPUT_PREFIX": "media/", "OUTPUT_PREFIX": "media/"}, "lies inside OUTPUT_PREFIX"),
    ],
)
def test_bad_values_name_the_variable(env, message):
    with pytest.raises(SettingsError) as info:
        Settings.from_env(env)
    assert message in str(info.value)


def test_nested_prefixes_are_fine_in_different_buckets():
    settings = Settings.from_env(
        {"INPUT_BUCKET": "raw", "OUTPUT_BUCKET": "vod", "INPUT_PREFIX": "out/in/", "OUTPUT_PREFIX": "out/"}
    )
    assert settings.output_bucket == "vod"


def test_output_prefix_inside_input_prefix_is_allowed_because_the_handler_checks_it_first():
    settings = Settings.from_env({"INPUT_PREFIX": "media/", "OUTPUT_PREFIX": "media/out/"})
    assert settings.output_prefix == "media/out/"


@pytest.mark.parametrize(
    ("text", "bps"), [("2800k", 2_800_000), ("5M", 5_000_000), ("96000", 96_000), ("1.5M", 1_500_000)]
)
def test_bitrates(text, bps):
    assert parse_bitrate("X", text) == bps


@given(st.dictionaries(st.integers(72, 2160).map(lambda n: n * 2), st.integers(16, 100_000), min_size=1, max_size=6))
def test_ladder_round_trips(rungs):
    text = ",".join(f"{side}p:{kbps}k" for side, kbps in rungs.items())
    parsed = parse_ladder(text)
    assert {r.short_side: r.bitrate_bps for r in parsed} == {side: kbps * 1000 for side, kbps in rungs.items()}
    assert list(parsed) == sorted(parsed, reverse=True)


def test_docs_table_lists_every_variable_with_its_default():
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "transcoder.md").read_text()
    rows = {line.split("|")[1].strip(" `"): line.split("|")[2].strip() for line in doc.splitlines()
            if line.startswith("| `") and line.split("|")[1].strip(" `") in ENV_VARS}  # fmt: skip
    assert set(rows) == set(ENV_VARS)
    for name, default in ENV_VARS.items():
        assert rows[name] == (f"`{default}`" if default else "(empty)"), name
