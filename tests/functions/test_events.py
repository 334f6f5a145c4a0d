"""Parsing the OSS event exactly as Alibaba Cloud documents it."""

from __future__ import annotations

import json

import pytest

from functions.transcoder.events import InvalidEvent, parse_event

from .conftest import EXAMPLE_EVENT


def test_documented_sample_parses():
    [record] = parse_event(EXAMPLE_EVENT.read_bytes())
    assert record.event_name == "ObjectCreated:PutObject"
    assert record.bucket == "livecommerce-dev-replays-raw"
    assert record.key == "replays/2026/11/23/show-42.mp4"
    assert record.size == 2431828 and record.etag and record.region == "cn-hangzhou"
    assert record.creates_complete_object


def test_sample_has_every_documented_field():
    record = json.loads(EXAMPLE_EVENT.read_text())["events"][0]
    assert {"eventName", "eventSource", "eventTime", "eventVersion", "oss", "region", "requestParameters",
            "responseElements", "userIdentity"} <= set(record)  # fmt: skip
    assert {"bucket", "object", "ossSchemaVersion", "ruleId"} <= set(record["oss"])
    assert {"name", "arn", "ownerIdentity"} <= set(record["oss"]["bucket"])
    assert {"key", "size", "deltaSize", "eTag"} <= set(record["oss"]["object"])
    assert not record["eventName"].startswith("oss:")  # the trigger config has the prefix, events do not


def mutate(change):
    doc = json.loads(EXAMPLE_EVENT.read_text())
    change(doc["events"][0])
    return json.dumps(doc).encode()


def test_percent_encoded_keys_are_decoded_and_the_raw_key_kept():
    [record] = parse_event(mutate(lambda r: r["oss"]["object"].update(key="replays/a%20b%2Bc.mp4")))
    assert (record.key, record.raw_key) == ("replays/a b+c.mp4", "replays/a%20b%2Bc.mp4")


def test_a_plus_stays_a_plus():
    [record] = parse_event(mutate(lambda r: r["oss"]["object"].update(key="replays/a+b.mp4")))
    assert record.key == "replays/a+b.mp4"


def test_oss_prefix_on_event_name_is_tolerated():
    [record] = parse_event(mutate(lambda r: r.update(eventName="oss:ObjectCreated:CompleteMultipartUpload")))
    assert record.event_name == "ObjectCreated:CompleteMultipartUpload" and record.creates_complete_object


def test_removed_event_needs_no_etag():
    def removed(r):
        r["eventName"] = "ObjectRemoved:DeleteObject"
        del r["oss"]["object"]["eTag"], r["oss"]["object"]["size"]

    [record] = parse_event(mutate(removed))
    assert record.etag is None and not record.creates_complete_object


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not json", "event is not JSON"),
        (b"\xff\xfe", "event is not JSON"),
        (b"[]", "expected a JSON object"),
        (b'{"events": []}', "event.events: missing or empty"),
        (b'{"Records": [{}]}', "event.events: missing or empty"),
        (mutate(lambda r: r.pop("eventName")), "events[0].eventName: missing"),
        (mutate(lambda r: r.update(eventSource="acs:mns")), "events[0].eventSource: 'acs:mns' is not an OSS event"),
        (mutate(lambda r: r["oss"].pop("bucket")), "events[0].oss.bucket: missing or not an object"),
        (mutate(lambda r: r["oss"]["object"].update(key="")), "events[0].oss.object.key: missing"),
        (mutate(lambda r: r["oss"]["object"].pop("eTag")), "events[0].oss.object.eTag: missing"),
        (mutate(lambda r: r["oss"]["object"].update(size="12")), "events[0].oss.object.size: missing or not"),
    ],
)
def test_bad_events_name_the_field(payload, message):
    with pytest.raises(InvalidEvent) as info:
        parse_event(payload)
    assert message in str(info.value)


def test_each_record_is_parsed_on_its_own():
    from functions.transcoder.events import parse_records

    doc = json.loads(EXAMPLE_EVENT.read_text())
    bad = json.loads(json.dumps(doc["events"][0]))
    bad["oss"]["object"]["size"] = "12"
    doc["events"].insert(0, bad)
    first, second = parse_records(json.dumps(doc).encode())
    assert isinstance(first, InvalidEvent) and "events[0].oss.object.size" in str(first)
    assert second.index == 1 and second.key == "replays/2026/11/23/show-42.mp4"


def test_deep_nesting_is_an_invalid_event_not_a_recursion_error():
    with pytest.raises(InvalidEvent, match="nested too deeply"):
        parse_event(b"[" * 200_000 + b"]" * 200_000)


def test_key_candidates_try_the_key_as_sent_then_percent_then_form_decoding():
    [record] = parse_event(mutate(lambda r: r["oss"]["object"].update(key="replays/a+b%2Bc.mp4")))
    assert record.key_candidates == [("raw", "replays/a+b%2Bc.mp4"), ("percent", "replays/a+b+c.mp4"),
                                     ("form", "replays/a b+c.mp4")]  # fmt: skip
    [plain] = parse_event(mutate(lambda r: r["oss"]["object"].update(key="replays/plain.mp4")))
    assert plain.key_candidates == [("raw", "replays/plain.mp4")]


def test_a_replicated_recording_is_a_complete_new_object():
    # OSS cross-region replication copies the edge's recordings from the live center's region into the input
    # bucket (docs/decisions/2026-12-01-live-recording-region.md); the event names the copy, finished.
    [record] = parse_event(mutate(lambda r: r.update(eventName="ObjectReplication:ObjectCreated")))
    assert record.creates_object and record.creates_complete_object and record.etag


@pytest.mark.parametrize("name", ["ObjectReplication:ObjectRemoved", "ObjectReplication:ObjectModified"])
def test_other_replication_events_are_not_new_objects(name):
    def change(r):
        r["eventName"] = name
        del r["oss"]["object"]["eTag"]

    [record] = parse_event(mutate(change))
    assert not record.creates_object and not record.creates_complete_object


def test_a_replicated_create_must_name_its_version():
    def change(r):
        r["eventName"] = "ObjectReplication:ObjectCreated"
        del r["oss"]["object"]["eTag"]

    with pytest.raises(InvalidEvent, match=r"events\[0\].oss.object.eTag"):
        parse_event(mutate(change))
