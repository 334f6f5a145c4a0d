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
from urllib.parse import unquote, unquote_plus

# Events after which the object is complete and readable. InitiateMultipartUpload/UploadPart fire
# mid-upload (and a 12 MB multipart upload fired the function 5 times in Alibaba's FAQ), AppendObject
# objects may still grow, and symlinks are not media.
COMPLETE_OBJECT_EVENTS = frozenset(
    {
        "ObjectCreated:PutObject",
        "ObjectCreated:PostObject",
        "ObjectCreated:CompleteMultipartUpload",
        "ObjectCreated:CopyObject",
        # A finished object that OSS cross-region replication copied in (the live recordings of a live center
        # in another region; OSS events list: "An object is created by using cross-region replication").
        "ObjectReplication:ObjectCreated",
    }
)
#: Event names that announce a new object (the rest, ObjectRemoved/ObjectModified/..., are not ours).
CREATE_EVENT_PREFIXES = ("ObjectCreated:", "ObjectReplication:ObjectCreated")


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
    """The key, percent-decoded (used for the event-only skip rules; see ``key_candidates``)."""
    raw_key: str
    """The key exactly as in the event."""
    size: int | None
    etag: str | None
    region: str | None

    @property
    def key_candidates(self) -> list[tuple[str, str]]:
        """``(interpretation, key)`` pairs to look up, first hit wins: the key exactly as sent, then
        percent-decoded, then form-decoded (``+`` = space, as S3 events encode keys). OSS documents no
        encoding for ``oss.object.key`` (its documented samples carry plain keys such as
        ``source/a.png``: FC "Formats of event for different triggers", OSS section), so the function
        does not guess: each reading is HEADed in this order and the decision line names the one that
        matched (``keyEncoding``). A literal ``+`` therefore stays a ``+`` when such an object exists."""
        seen: dict[str, str] = {}
        for name, candidate in (("raw", self.raw_key), ("percent", unquote(self.raw_key)),
                                ("form", unquote_plus(self.raw_key))):  # fmt: skip
            seen.setdefault(candidate, name)
        return [(name, key) for key, name in seen.items()]

    @property
    def creates_object(self) -> bool:
        """Whether this event announces a new object (finished or not)."""
        return self.event_name.startswith(CREATE_EVENT_PREFIXES)

    @property
    def creates_complete_object(self) -> bool:
        """Whether this event means a finished, readable new object."""
        return self.event_name in COMPLETE_OBJECT_EVENTS


def parse_envelope(payload: bytes | str) -> list[Any]:
    """The raw records of a payload; raise ``InvalidEvent`` when the payload itself is unusable (not
    JSON, nested too deep to parse, no ``events`` list)."""
    try:
        data = json.loads(payload)
    except RecursionError:
        # json.loads recurses per nesting level; a deeply nested payload (well within FC's 128 KB async
        # limit) would otherwise escape as a RecursionError with no decision line (issue 18 item 5).
        raise InvalidEvent("event is nested too deeply to be an OSS event (JSON parser recursion limit)") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidEvent(f"event is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InvalidEvent("event: expected a JSON object with an `events` list")
    records = data.get("events")
    if not isinstance(records, list) or not records:
        raise InvalidEvent("event.events: missing or empty; expected a non-empty list of OSS records")
    return records


def parse_records(payload: bytes | str) -> list[ObjectEvent | InvalidEvent]:
    """Every record of a payload, each parsed on its own: a malformed record becomes its
    ``InvalidEvent`` instead of hiding the others (issue 18 item 4). The envelope's own errors raise."""
    out: list[ObjectEvent | InvalidEvent] = []
    for i, raw in enumerate(parse_envelope(payload)):
        try:
            out.append(_record(i, raw))
        except InvalidEvent as exc:
            out.append(exc)
    return out


def parse_event(payload: bytes | str) -> list[ObjectEvent]:
    """Parse and validate the whole payload; raise ``InvalidEvent`` naming the first bad field."""
    records = parse_records(payload)
    for record in records:
        if isinstance(record, InvalidEvent):
            raise record
    return records  # type: ignore[return-value]


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
    if name.startswith(CREATE_EVENT_PREFIXES):
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
