"""Parsing the OSS trigger event (pure).

Shape (Alibaba Cloud "Formats of event for different triggers", OSS section)::

    {"events": [{"eventName": "ObjectCreated:PutObject", "eventSource": "acs:oss",
                 "oss": {"bucket": {"name": ...}, "object": {"key": ..., "size": ..., "eTag": ...}},
                 "region": ..., ...}]}

FC hands the Python handler this JSON as ``bytes``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

# Events after which the object is complete and readable. InitiateMultipartUpload/UploadPart fire
# mid-upload (and a 12 MB multipart upload fired the function 5 times in Alibaba's FAQ), AppendObject
# objects may still grow, and symlinks are not media.
COMPLETE_OBJECT_EVENTS = frozenset(
    {
        "ObjectCreated:PutObject",
        "ObjectCreated:PostObject",
        "ObjectCreated:CompleteMultipartUpload",
        "ObjectCreated:CopyObject",
    }
)


class InvalidEvent(ValueError):
    """The payload is not an OSS event this function understands; the message names the field."""


@dataclass(frozen=True)
class ObjectEvent:
    """One record of an OSS event."""

    index: int
    """Position in ``events`` (for log lines)."""
    event_name: str
    """Without the ``oss:`` prefix the trigger configuration uses, e.g. ``ObjectCreated:PutObject``."""
    bucket: str
    key: str
    """The key, percent-decoded (the docs do not say whether keys are encoded; see ``raw_key``)."""
    raw_key: str
    """The key exactly as in the event."""
    size: int | None
    etag: str | None
    region: str | None

    @property
    def creates_complete_object(self) -> bool:
        """Whether this event means a finished, readable new object."""
        return self.event_name in COMPLETE_OBJECT_EVENTS


def parse_event(payload: bytes | str) -> list[ObjectEvent]:
    """Parse and validate the whole payload; raise ``InvalidEvent`` naming the first bad field."""
    try:
        data = json.loads(payload)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidEvent(f"event is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidEvent("event: expected a JSON object with an `events` list")
    records = data.get("events")
    if not isinstance(records, list) or not records:
        raise InvalidEvent("event.events: missing or empty; expected a non-empty list of OSS records")
    return [_record(i, r) for i, r in enumerate(records)]


def _record(i: int, record: Any) -> ObjectEvent:
    where = f"events[{i}]"
    if not isinstance(record, dict):
        raise InvalidEvent(f"{where}: expected an object")
    source = record.get("eventSource", "acs:oss")
    if source != "acs:oss":
        raise InvalidEvent(f"{where}.eventSource: {source!r} is not an OSS event (expected 'acs:oss')")
    name = _str(record, "eventName", where)
    name = name[4:] if name.startswith("oss:") else name
    oss = _obj(record, "oss", where)
    bucket = _str(_obj(oss, "bucket", f"{where}.oss"), "name", f"{where}.oss.bucket")
    obj = _obj(oss, "object", f"{where}.oss")
    raw_key = _str(obj, "key", f"{where}.oss.object")
    size = obj.get("size")
    etag = obj.get("eTag")
    if name.startswith("ObjectCreated:"):
        # A new object must say which version it is: the ETag is what makes the work idempotent.
        etag = _str(obj, "eTag", f"{where}.oss.object")
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise InvalidEvent(f"{where}.oss.object.size: missing or not a non-negative integer")
    region = record.get("region")
    return ObjectEvent(
        index=i,
        event_name=name,
        bucket=bucket,
        key=unquote(raw_key),
        raw_key=raw_key,
        size=size if isinstance(size, int) else None,
        etag=etag if isinstance(etag, str) else None,
        region=region if isinstance(region, str) else None,
    )


def _obj(parent: Mapping[str, Any], field: str, where: str) -> Mapping[str, Any]:
    value = parent.get(field)
    if not isinstance(value, dict):
        raise InvalidEvent(f"{where}.{field}: missing or not an object")
    return value


def _str(parent: Mapping[str, Any], field: str, where: str) -> str:
    value = parent.get(field)
    if not isinstance(value, str) or not value:
        raise InvalidEvent(f"{where}.{field}: missing or not a non-empty string")
    return value
