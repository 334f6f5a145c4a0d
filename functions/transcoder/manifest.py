"""Output layout and the manifest (pure).

For a source ``<INPUT_PREFIX><rel>`` the outputs live under ``<OUTPUT_PREFIX><rel>/``::

    <base>/manifest.json                      written last; the only "done" marker
    <base>/v-<etag>/hls/master.m3u8
    <base>/v-<etag>/hls/<rung>/index.m3u8, seg_00000.ts, ...
    <base>/v-<etag>/mp4/<rung>.mp4
    <base>/v-<etag>/poster.jpg

The full source name (extension included) keeps ``a.mp4`` and ``a.mov`` apart. The version
directory is named after the source ETag so a re-uploaded source never overwrites files a
published manifest points at; the old version is deleted only after the new manifest is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1

CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".mp4": "video/mp4",
    ".jpg": "image/jpeg",
    ".json": "application/json",
}


@dataclass(frozen=True)
class Layout:
    """Where one source's outputs go."""

    base: str
    """``<OUTPUT_PREFIX><rel>/``: everything for this source, all versions."""
    manifest_key: str
    version_prefix: str
    """``<base>v-<etag>/``: the files of one source version."""

    def key(self, relative: str) -> str:
        """Storage key of a work-directory-relative output path."""
        return self.version_prefix + relative


@dataclass(frozen=True)
class FileEntry:
    """One uploaded file."""

    key: str
    size: int
    sha256: str


def layout(input_prefix: str, output_prefix: str, source_key: str, etag: str) -> Layout:
    """Layout for a source key (which must start with ``input_prefix``)."""
    if not source_key.startswith(input_prefix):
        raise ValueError(f"{source_key!r} is not under {input_prefix!r}")
    base = f"{output_prefix}{source_key[len(input_prefix) :]}/"
    return Layout(base=base, manifest_key=base + MANIFEST_NAME, version_prefix=f"{base}v-{safe_etag(etag)}/")


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


def manifest_etag(data: bytes | None) -> str | None:
    """Source ETag recorded in an existing manifest, or None when there is none or it is unreadable
    (an unreadable manifest means "not done": the work is redone and the manifest replaced)."""
    if data is None:
        return None
    try:
        doc = json.loads(data)
        return str(doc["source"]["etag"]) if doc.get("manifestVersion") == MANIFEST_VERSION else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def build_manifest(
    *,
    source: Mapping[str, Any],
    output_bucket: str,
    layout_: Layout,
    renditions: Sequence[Mapping[str, Any]],
    poster: Mapping[str, Any],
    settings: Mapping[str, Any],
    transcoded_at: str,
    request_id: str,
) -> bytes:
    """Serialize the manifest (sorted keys, so equal inputs give equal bytes)."""
    doc = {
        "manifestVersion": MANIFEST_VERSION,
        "source": dict(source),
        "output": {
            "bucket": output_bucket,
            "prefix": layout_.version_prefix,
            "master": layout_.key("hls/master.m3u8"),
        },
        "renditions": [dict(r) for r in renditions],
        "poster": dict(poster),
        "settings": dict(settings),
        "transcodedAt": transcoded_at,
        "requestId": request_id,
    }
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode()
