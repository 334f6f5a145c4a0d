"""Output layout and the manifest (pure).

Every source gets a **namespace** that no other source's namespace can enclose (docs/transcoder.md,
"Output layout")::

    source  <INPUT_PREFIX>2026/11/23/show-42.mp4
    ns      <OUTPUT_PREFIX>2026/11/23/show-42.mp4~/

Each path component of the source's relative key is escaped (``%`` -> ``%25``, ``~`` -> ``%7E``) and
the namespace ends with the one unescaped ``~``. A namespace therefore holds exactly one unescaped
``~``, right before its final ``/``; if ``ns(a)`` were a prefix of ``ns(b)`` their ``~`` would sit at the
same place, so the two strings would be equal, and escaping is injective, so ``a == b``. Deleting
everything under one source's namespace can never touch another source's files (issue 18 item 2:
``a.mp4`` used to enclose ``a.mp4/clip.mp4``). ``~`` is an RFC 3986 unreserved character, so URLs keep
it as it is (no percent-encoding ambiguity for CDN URL signing).

Inside a namespace::

    manifest.json                                written last; the only "done" marker
    v-<ATTEMPT>-<ETAG>/hls/master.m3u8           one attempt's files; never written by another attempt
    v-<ATTEMPT>-<ETAG>/hls/<rung>/index.m3u8, seg_00000.ts (or p00003_00000.ts for split jobs)
    v-<ATTEMPT>-<ETAG>/mp4/<rung>.mp4
    v-<ATTEMPT>-<ETAG>/poster.jpg
    jobs/<ETAG>.json                             a split job's record (its parts, its attempt id)
    jobs/<ATTEMPT>-<ETAG>/...                    a split job's work files (source parts, part results)

``ATTEMPT`` is ``<UTC start, YYYYMMDDTHHMMSSZ>-<8 hex>``: unique per attempt, and its start time is what
garbage collection uses to prove an attempt is dead (publish.py).
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import PurePosixPath
from typing import Any

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 2
NAMESPACE_MARK = "~"
JOBS_DIR = "jobs/"

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".json": "application/json",
    ".mkv": "video/x-matroska",
}

_ATTEMPT_RE = re.compile(r"(\d{8}T\d{6}Z)-([0-9a-f]{8})")
_VERSION_DIR_RE = re.compile(r"v-(\d{8}T\d{6}Z-[0-9a-f]{8})-([A-Z0-9-]+)/")


@dataclass(frozen=True)
class Layout:
    """Where one attempt at one source version puts its outputs."""

    namespace: str
    """``<OUTPUT_PREFIX><escaped rel>~/``: everything for this source, all versions and attempts."""
    manifest_key: str
    version_prefix: str
    """``<namespace>v-<attempt>-<etag>/``: the files of this attempt."""
    etag: str
    attempt: str

    def key(self, relative: str) -> str:
        """Storage key of a work-directory-relative output path."""
        return self.version_prefix + relative

    @property
    def job_key(self) -> str:
        """The split job record for this source version (one per ETag)."""
        return f"{self.namespace}{JOBS_DIR}{self.etag}.json"

    @property
    def work_prefix(self) -> str:
        """This attempt's work files (source parts, part results) for a split job."""
        return f"{self.namespace}{JOBS_DIR}{self.attempt}-{self.etag}/"


@dataclass(frozen=True)
class FileEntry:
    """One uploaded file."""

    key: str
    size: int
    sha256: str


def escape_component(component: str) -> str:
    """One key component with ``%`` and the namespace mark escaped (injective, never contains ``~`` or ``/``)."""
    return component.replace("%", "%25").replace(NAMESPACE_MARK, "%7E")


def namespace(input_prefix: str, output_prefix: str, source_key: str) -> str:
    """The namespace of a source key (which must start with ``input_prefix``)."""
    if not source_key.startswith(input_prefix):
        raise ValueError(f"{source_key!r} is not under {input_prefix!r}")
    rel = source_key[len(input_prefix) :]
    return output_prefix + "/".join(escape_component(c) for c in rel.split("/")) + NAMESPACE_MARK + "/"


def new_attempt(now: datetime, token: str | None = None) -> str:
    """A unique attempt id that records its UTC start time (``20261201T101530Z-1a2b3c4d``)."""
    token = token if token is not None else secrets.token_hex(4)
    if not re.fullmatch(r"[0-9a-f]{8}", token):
        raise ValueError(f"attempt token {token!r} is not 8 lowercase hex digits")
    return f"{now.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}-{token}"


def attempt_started(attempt: str) -> datetime | None:
    """Start time recorded in an attempt id, or None when it is not one."""
    match = _ATTEMPT_RE.fullmatch(attempt)
    if not match:
        return None
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)


def layout(input_prefix: str, output_prefix: str, source_key: str, etag: str, attempt: str) -> Layout:
    """Layout of one attempt for a source key and ETag."""
    if attempt_started(attempt) is None:
        raise ValueError(f"{attempt!r} is not an attempt id (see new_attempt)")
    ns = namespace(input_prefix, output_prefix, source_key)
    tag = safe_etag(etag)
    return Layout(
        namespace=ns, manifest_key=ns + MANIFEST_NAME, version_prefix=f"{ns}v-{attempt}-{tag}/", etag=tag,
        attempt=attempt,
    )  # fmt: skip


_STAMP_RE = re.compile(r"\.(\d{8}T\d{6}Z)\.")


def stamp(now: datetime) -> str:
    """A UTC timestamp for key names (``20261201T101530Z``): split-job work files carry one, so garbage
    collection can tell a job's last activity from the key listing alone."""
    return f"{now.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}"


def attempt_activity(namespace_: str, keys: Iterable[str]) -> dict[str, tuple[datetime, list[str]]]:
    """Per attempt id found under a namespace: its last activity (its start, or the newest timestamp in
    the names of its work files) and its directories (``v-<attempt>-<etag>/``, ``jobs/<attempt>-<etag>/``)."""
    found: dict[str, tuple[datetime, set[str]]] = {}
    jobs = namespace_ + JOBS_DIR
    for key in keys:
        if not key.startswith(namespace_):
            continue
        rest = key[len(namespace_) :]
        match = _VERSION_DIR_RE.match(rest)
        if match:
            attempt, directory, times = match.group(1), namespace_ + match.group(0), []
        elif key.startswith(jobs):
            work = re.match(r"(\d{8}T\d{6}Z-[0-9a-f]{8})-[A-Z0-9-]+/", key[len(jobs) :])
            if not work:
                continue
            attempt, directory = work.group(1), jobs + work.group(0)
            times = [datetime.strptime(t, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
                     for t in _STAMP_RE.findall(key[len(directory) :])]  # fmt: skip
        else:
            continue
        started = attempt_started(attempt)
        if started is None:
            continue
        last, dirs = found.get(attempt, (started, set()))
        found[attempt] = (max([last, *times]), dirs | {directory})
    return {a: (last, sorted(dirs)) for a, (last, dirs) in found.items()}


def safe_etag(etag: str) -> str:
    """ETag as a path segment: quotes dropped, upper-case; multipart ETags keep their ``-<parts>``."""
    cleaned = re.sub(r"[^A-Za-z0-9-]", "", etag).upper()
    if not cleaned:
        raise ValueError(f"ETag {etag!r} has no usable characters")
    return cleaned


def content_type(path: str) -> str:
    """Content-Type for an output file (players need the HLS types right)."""
    return CONTENT_TYPES.get(PurePosixPath(path).suffix.lower(), "application/octet-stream")


def upload_order(paths: Iterable[str]) -> list[str]:
    """Referenced files before the files that reference them: segments and MP4/poster first, then
    media playlists, then the master playlist; so no playlist ever points at a missing file."""

    def rank(path: str) -> tuple[int, str]:
        if path.endswith("master.m3u8"):
            return 2, path
        return (1 if path.endswith(".m3u8") else 0), path

    return sorted(paths, key=rank)


def file_sha256(path: str) -> str:
    """Hex SHA-256 of a file, streamed."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def listing_sha256(files: Sequence[FileEntry]) -> str:
    """Digest of a multi-file rendition: SHA-256 of its ``sha256sum``-style listing
    (``<sha256>  <key>\\n`` per file, sorted by key), so any changed, added or lost file changes it."""
    listing = "".join(f"{f.sha256}  {f.key}\n" for f in sorted(files, key=lambda f: f.key))
    return hashlib.sha256(listing.encode()).hexdigest()


def parse_manifest(data: bytes | None) -> dict[str, Any] | None:
    """A manifest of this version, or None when there is none or it is unreadable (an unreadable
    manifest means "not done": the work is redone and the manifest replaced)."""
    if data is None:
        return None
    try:
        doc = json.loads(data)
        if not isinstance(doc, dict) or doc.get("manifestVersion") != MANIFEST_VERSION:
            return None
        if not isinstance(doc["source"]["etag"], str) or not isinstance(doc["output"]["prefix"], str):
            return None
        return doc
    except (ValueError, KeyError, TypeError):
        return None


def manifest_etag(data: bytes | None) -> str | None:
    """Source ETag recorded in an existing manifest, or None."""
    doc = parse_manifest(data)
    return doc["source"]["etag"] if doc else None


def referenced_keys(doc: Mapping[str, Any]) -> set[str]:
    """Every storage key a manifest points at (master, media playlists, segments, MP4, poster)."""
    keys = {doc["output"]["master"], doc["poster"]["key"]}
    for rendition in doc.get("renditions", []):
        keys.add(rendition["key"])
        keys.update(f["key"] for f in rendition.get("files", []))
    return keys


def build_manifest(
    *,
    source: Mapping[str, Any],
    output_bucket: str,
    layout_: Layout,
    renditions: Sequence[Mapping[str, Any]],
    poster: Mapping[str, Any],
    settings: Mapping[str, Any],
    timings: Mapping[str, Any],
    transcoded_at: str,
    request_id: str,
    parts: int = 1,
    playback: Mapping[str, Any] | None = None,
) -> bytes:
    """Serialize the manifest (sorted keys, so equal inputs give equal bytes)."""
    doc = {
        "manifestVersion": MANIFEST_VERSION,
        "source": dict(source),
        "output": {
            "bucket": output_bucket,
            "namespace": layout_.namespace,
            "prefix": layout_.version_prefix,
            "master": layout_.key("hls/master.m3u8"),
        },
        "renditions": [dict(r) for r in renditions],
        "poster": dict(poster),
        "settings": dict(settings),
        "timings": dict(timings),
        "parts": parts,
        "transcodedAt": transcoded_at,
        "requestId": request_id,
    }
    if playback is not None:
        doc["playback"] = dict(playback)
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()
