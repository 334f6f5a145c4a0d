"""The recursion guard and the other event-only skip rules, over many prefixes and keys."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from functions.transcoder.events import COMPLETE_OBJECT_EVENTS, ObjectEvent
from functions.transcoder.handler import _skip_reason
from functions.transcoder.settings import Settings, SettingsError

segment = st.text("abcxyz-_", min_size=1, max_size=4)
prefix = st.lists(segment, max_size=3).map(lambda parts: "".join(p + "/" for p in parts))
tail = st.lists(segment, min_size=1, max_size=3).map("/".join)


def record(key: str, bucket: str = "b", name: str = "ObjectCreated:PutObject") -> ObjectEvent:
    return ObjectEvent(0, name, bucket, key, key, 1, "E", "cn-hangzhou")


def settings_or_none(**env):
    try:
        return Settings.from_env(env)
    except SettingsError:
        return None


@given(prefix, prefix, tail, st.sampled_from(sorted(COMPLETE_OBJECT_EVENTS)))
def test_outputs_never_trigger_work(input_prefix, output_prefix, rest, event):
    settings = settings_or_none(INPUT_PREFIX=input_prefix, OUTPUT_PREFIX=output_prefix)
    assume(settings is not None)
    assert _skip_reason(record(settings.output_prefix + rest, name=event), settings) == "output-prefix"


@given(prefix, prefix, tail)
def test_inputs_outside_the_output_prefix_are_processed(input_prefix, output_prefix, rest):
    settings = settings_or_none(INPUT_PREFIX=input_prefix, OUTPUT_PREFIX=output_prefix)
    assume(settings is not None)
    key = settings.input_prefix + rest
    assume(not key.startswith(settings.output_prefix))
    assert _skip_reason(record(key), settings) is None


def test_output_prefix_in_another_bucket_does_not_block_inputs():
    env = {"INPUT_BUCKET": "raw", "OUTPUT_BUCKET": "vod", "INPUT_PREFIX": "transcoded/", "OUTPUT_PREFIX": "transcoded/"}
    settings = Settings.from_env(env)
    assert _skip_reason(record("transcoded/x.mp4", bucket="raw"), settings) is None
    assert _skip_reason(record("transcoded/x.mp4", bucket="vod"), settings) == "other-bucket"


def test_settings_refuse_an_input_prefix_inside_the_output_prefix():
    assert settings_or_none(INPUT_PREFIX="out/in/", OUTPUT_PREFIX="out/") is None


def test_a_replicated_recording_is_transcoded_and_other_replication_events_are_skipped():
    settings = Settings.from_env({"INPUT_PREFIX": "replays/", "OUTPUT_PREFIX": "transcoded/"})
    key = "replays/live/show/2026-12-01-20-00-00_2026-12-01-22-00-00.mp4"
    assert _skip_reason(record(key, name="ObjectReplication:ObjectCreated"), settings) is None
    assert _skip_reason(record(key, name="ObjectReplication:ObjectRemoved"), settings) == "not-a-create-event"
