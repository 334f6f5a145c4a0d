"""Publishing without a lock: how concurrent, retried and killed attempts never break published output.

OSS offers no compare-and-swap on a PUT in a versioned bucket (``x-oss-forbid-overwrite`` has no effect
there, and PutObject takes no ``If-Match``; see storage.py), and prod's output bucket is versioned. So
safety does not rest on a lease. It rests on four rules, each one enforced here:

1. **Attempt-private files.** An attempt writes only under its own version directory
   ``<ns>v-<attempt>-<etag>/``, whose name no other attempt uses. Nothing an attempt does can change
   or delete a file another attempt wrote, except rule 4.
2. **Manifest last, then verify.** The manifest is one atomic PUT written after every file it points
   at. Before writing, the attempt reads the current manifest: if it already records this ETag and
   every file it points at exists, the attempt does not overwrite it (``already-done``). After writing,
   it reads the manifest again; if another attempt's manifest is now there, this attempt has lost and
   deletes its own directory, which no manifest can point at again (each attempt writes its manifest
   once).
3. **No stale overwrite.** Right before the manifest PUT the source is HEADed again; when its ETag is
   no longer the one transcoded, the attempt discards its work (``superseded``), so a slow attempt on
   an old upload cannot replace the manifest of the new one.
4. **Deletion only of the provably dead.** After a successful commit an attempt deletes (a) the
   directory of the manifest it replaced (that attempt already committed, so it can never point a
   manifest at it again), (b) its own split-job work files, and (c) any other version or work directory
   whose attempt started longer ago than ``STALE_AFTER_SECONDS`` (the function timeout plus the longest
   time an async event may wait: such an attempt is dead). Young directories of unknown attempts are
   left alone: they may belong to a live attempt that is about to commit.

"Already done" is decided by ``is_complete``: the manifest records the source's current ETag **and**
every key it references exists. A manifest that points at a missing file is not done: the work is
redone and the manifest replaced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from . import manifest
from .manifest import Layout


@dataclass(frozen=True)
class CommitResult:
    """What happened to an attempt's manifest."""

    outcome: str
    """``committed``, ``already-done`` (a complete manifest for this ETag was there), ``lost`` (another
    attempt's manifest replaced ours right away) or ``superseded`` (the source changed)."""
    replaced_prefix: str | None = None
    """Version directory of the manifest this commit replaced (deletable once we are committed)."""
    deleted: list[str] = field(default_factory=list)
    """Keys deleted afterwards (our own directory when we did not commit, or garbage)."""


def current_manifest(storage: Any, bucket: str, layout_: Layout) -> dict[str, Any] | None:
    """The manifest now published for the source, parsed, or None."""
    return manifest.parse_manifest(storage.get_bytes(bucket, layout_.manifest_key))


def missing_keys(storage: Any, bucket: str, doc: Mapping[str, Any]) -> set[str]:
    """Referenced keys of a manifest that do not exist (one LIST of its version directory)."""
    try:
        wanted = manifest.referenced_keys(doc)
    except (KeyError, TypeError):
        return {"<unreadable manifest>"}
    present = set(storage.list_keys(bucket, doc["output"]["prefix"]))
    return {k for k in wanted if k not in present}


def is_complete(storage: Any, bucket: str, doc: Mapping[str, Any] | None, etag: str) -> bool:
    """Whether ``doc`` records ``etag`` and every file it references exists."""
    if doc is None or manifest.safe_etag(doc["source"]["etag"]) != manifest.safe_etag(etag):
        return False
    return not missing_keys(storage, bucket, doc)


def commit(
    storage: Any,
    bucket: str,
    layout_: Layout,
    body: bytes,
    *,
    source_etag_now: Callable[[], str | None],
) -> CommitResult:
    """Write the manifest following rules 2 and 3; on any outcome but ``committed`` the attempt's own
    directory is deleted (it is referenced by no manifest, and never will be)."""
    before = current_manifest(storage, bucket, layout_)
    if before and before["output"]["prefix"] != layout_.version_prefix and is_complete(
        storage, bucket, before, layout_.etag
    ):
        return CommitResult("already-done", deleted=delete_prefix(storage, bucket, layout_.version_prefix))
    now_etag = source_etag_now()
    if now_etag is None or manifest.safe_etag(now_etag) != layout_.etag:
        return CommitResult("superseded", deleted=delete_prefix(storage, bucket, layout_.version_prefix))
    storage.put_bytes(bucket, layout_.manifest_key, body, manifest.content_type(layout_.manifest_key))
    after = current_manifest(storage, bucket, layout_)
    if after is None or after["output"]["prefix"] != layout_.version_prefix:
        return CommitResult("lost", deleted=delete_prefix(storage, bucket, layout_.version_prefix))
    replaced = before["output"]["prefix"] if before and before["output"]["prefix"] != layout_.version_prefix else None
    return CommitResult("committed", replaced_prefix=replaced)


def points_at(storage: Any, bucket: str, layout_: Layout) -> bool:
    """Whether the published manifest points at this attempt's directory (checked before deleting it
    after a failed manifest PUT: the PUT may have reached OSS although the client saw an error)."""
    doc = current_manifest(storage, bucket, layout_)
    return doc is not None and doc["output"]["prefix"] == layout_.version_prefix


def delete_prefix(storage: Any, bucket: str, prefix: str) -> list[str]:
    """Delete every key under ``prefix``; returns them."""
    keys = storage.list_keys(bucket, prefix)
    if keys:
        storage.delete(bucket, keys)
    return keys


def garbage(
    keys: Iterable[str], namespace_: str, *, keep_attempt: str, replaced: str | None, now: datetime,
    stale_after_seconds: float,
) -> list[str]:
    """Directories of one namespace that rule 4 allows to delete (pure): every directory of the attempt
    whose manifest was replaced, our own work files, and every directory of an attempt whose last
    activity is older than the horizon. The committed version directory is never among them."""
    horizon = now - timedelta(seconds=stale_after_seconds)
    doomed: list[str] = []
    for attempt, (last, dirs) in sorted(manifest.attempt_activity(namespace_, keys).items()):
        for directory in dirs:
            mine = attempt == keep_attempt
            if mine and directory.startswith(namespace_ + manifest.JOBS_DIR):
                doomed.append(directory)  # our own split-job work files: done with
            elif not mine and (directory == replaced or replaced_attempt(replaced) == attempt or last < horizon):
                doomed.append(directory)
    return doomed


def replaced_attempt(prefix: str | None) -> str | None:
    """Attempt id of a version directory prefix (``...~/v-<attempt>-<etag>/``)."""
    if not prefix:
        return None
    name = prefix.rstrip("/").rsplit("/", 1)[-1]
    parts = name.split("-", 3)
    return f"{parts[1]}-{parts[2]}" if len(parts) >= 3 and name.startswith("v-") else None


def collect_garbage(
    storage: Any, bucket: str, layout_: Layout, *, replaced: str | None, now: datetime, stale_after_seconds: float,
) -> list[str]:
    """Apply rule 4 after a successful commit; returns the directories deleted."""
    keys = storage.list_keys(bucket, layout_.namespace)
    doomed = garbage(
        keys, layout_.namespace, keep_attempt=layout_.attempt, replaced=replaced, now=now,
        stale_after_seconds=stale_after_seconds,
    )  # fmt: skip
    if doomed:
        storage.delete(bucket, [k for k in keys if any(k.startswith(d) for d in doomed)])
    return doomed
