"""Function Compute entry point: transcode a replay uploaded to OSS into an HLS ladder, an MP4
fallback and a poster, then write a manifest.

Contract (docs/transcoder.md):
- skips (returns normally, one log line): not a finished-upload event, other bucket, key under the
  output prefix (the recursion guard), key outside the input prefix, folder marker, source gone,
  manifest already written for the source's current ETag (idempotency);
- raises (so FC's async retries and the on-failure destination take over): malformed event, bad
  settings, missing FFmpeg, rejected source (too big, too long, not a video, truncated), FFmpeg or
  upload failure. Nothing partial stays: files are staged in a local work directory, uploaded into
  a version directory that no manifest references yet, the manifest goes last, and a failed attempt
  deletes what it uploaded.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import binaries, manifest
from .events import InvalidEvent, ObjectEvent, parse_event
from .ffmpeg import (
    MASTER_PLAYLIST,
    POSTER,
    Plan,
    ProbeError,
    SourceInfo,
    codecs_attribute,
    duration_matches,
    expected_outputs,
    make_plan,
    master_playlist,
    parse_probe,
    peak_bandwidth,
    transcode_command,
)
from .settings import Settings, SettingsError
from .storage import OssStorage, SourceChanged, Storage, normalize_etag

logger = logging.getLogger("transcoder")


class TranscoderError(RuntimeError):
    """Base of the errors the handler raises on purpose (each message is one clear line).
    ``reason`` is the short code of the decision log line."""

    reason = "failed"

    def __init__(self, message: str, reason: str | None = None) -> None:
        super().__init__(message)
        if reason:
            self.reason = reason


class SourceRejected(TranscoderError):
    """The source breaks a limit or is not a usable video. Retrying will not help; the on-failure
    destination is where a person sees it."""

    reason = "rejected"


class TranscodeFailed(TranscoderError):
    """FFmpeg, a check of its output, or an upload failed; a retry may succeed."""


def log_decision(level: int, decision: str, **fields: Any) -> None:
    """One JSON log line per decision. Fields are bucket/key/ETag/limits: never credentials."""
    logger.log(level, "%s", json.dumps({"decision": decision, **fields}, sort_keys=True, default=str))


def handler(event: bytes | str, context: Any, storage: Storage | None = None) -> str:
    """FC entry point (``index.handler`` in the deployed zip). ``storage`` is for the CLI and tests;
    FC passes only ``event`` and ``context``. Returns a JSON summary of what happened per record."""
    request_id = str(getattr(context, "request_id", "") or uuid.uuid4())
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        log_decision(logging.ERROR, "error", reason="bad-settings", detail=str(exc), requestId=request_id)
        raise
    try:
        records = parse_event(event)
    except InvalidEvent as exc:
        log_decision(logging.ERROR, "error", reason="invalid-event", detail=str(exc), requestId=request_id)
        raise
    results: list[dict[str, Any]] = []
    failures: list[tuple[str, Exception]] = []
    for record in records:
        fields = {"requestId": request_id, "record": record.index, "bucket": record.bucket, "key": record.key}
        try:
            if storage is None and _skip_reason(record, settings) is None:
                try:
                    storage = OssStorage.from_runtime(
                        os.environ, context, endpoint=settings.oss_endpoint, region=record.region
                    )
                except Exception as exc:
                    log_decision(logging.ERROR, "error", reason="storage-unavailable", detail=str(exc), **fields)
                    raise
            results.append({**fields, **process_record(record, settings, storage, request_id)})
        except Exception as exc:  # any failure: give the other records their turn, raise at the end
            failures.append((f"{record.bucket}/{record.key}", exc))
            results.append({**fields, "status": "failed", "reason": str(exc)})
    # Raise after every record had its turn: finished records are skipped on retry anyway.
    if len(failures) == 1:
        raise failures[0][1]
    if failures:
        raise TranscodeFailed("; ".join(f"{where}: {exc}" for where, exc in failures))
    return json.dumps({"requestId": request_id, "results": results}, sort_keys=True)


def _skip_reason(record: ObjectEvent, settings: Settings) -> str | None:
    """Why this record is not ours to transcode, decided from the event alone (pure)."""
    if not record.event_name.startswith("ObjectCreated:"):
        return "not-a-create-event"
    if not record.creates_complete_object:
        return "incomplete-object-event"
    if settings.input_bucket and record.bucket != settings.input_bucket:
        return "other-bucket"
    output_bucket = settings.output_bucket or record.bucket
    # Checked before the input prefix: an output prefix nested in the input prefix must not loop.
    if output_bucket == record.bucket and record.key.startswith(settings.output_prefix):
        return "output-prefix"
    if not record.key.startswith(settings.input_prefix):
        return "outside-input-prefix"
    if record.key.endswith("/"):
        return "folder-marker"
    return None


def process_record(record: ObjectEvent, settings: Settings, storage: Any, request_id: str) -> dict[str, Any]:
    """Transcode one record, or skip it; returns ``{"status": "done"|"skipped", ...}``. Every outcome
    logs exactly one decision line: skip, done, reject (``SourceRejected``) or error (anything else)."""
    base = {"requestId": request_id, "bucket": record.bucket, "key": record.key, "event": record.event_name}
    try:
        return _process(record, settings, storage, request_id, base)
    except Exception as exc:
        decision = "reject" if isinstance(exc, SourceRejected) else "error"
        reason = getattr(exc, "reason", None) or ("tool-error" if isinstance(exc, binaries.ToolError) else "unexpected")
        log_decision(logging.ERROR, decision, reason=reason, detail=str(exc), errorType=type(exc).__name__, **base)
        raise


def _process(
    record: ObjectEvent, settings: Settings, storage: Any, request_id: str, base: dict[str, Any]
) -> dict[str, Any]:
    reason = _skip_reason(record, settings)
    if reason:
        log_decision(logging.INFO, "skip", reason=reason, **base)
        return {"status": "skipped", "reason": reason}

    key = record.key
    info = storage.head(record.bucket, key)
    if info is None and record.raw_key != key:
        # Keys may or may not arrive percent-encoded; fall back to the key exactly as sent.
        key, info = record.raw_key, storage.head(record.bucket, record.raw_key)
    if info is None:
        log_decision(logging.WARNING, "skip", reason="source-gone", **base)
        return {"status": "skipped", "reason": "source-gone"}
    etag = normalize_etag(info.etag)
    if record.etag and normalize_etag(record.etag) != etag:
        # Overwritten since the event: process what is there now (its own event will then find
        # the work done); the decision line shows both ETags.
        base["eventEtag"] = record.etag

    output_bucket = settings.output_bucket or record.bucket
    out = manifest.layout(settings.input_prefix, settings.output_prefix, key, etag)
    if manifest.manifest_etag(storage.get_bytes(output_bucket, out.manifest_key)) == etag:
        log_decision(logging.INFO, "skip", reason="already-done", etag=etag, manifest=out.manifest_key, **base)
        return {"status": "skipped", "reason": "already-done", "manifest": out.manifest_key}

    if info.size > settings.max_source_bytes:
        raise SourceRejected(
            f"source is {info.size} bytes, over MAX_SOURCE_BYTES={settings.max_source_bytes}", "too-large"
        )

    tools = binaries.locate(os.environ | {"FFMPEG_PATH": settings.ffmpeg_path, "FFPROBE_PATH": settings.ffprobe_path})
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="transcode-") as work:
        source_path = os.path.join(work, "source" + _safe_suffix(key))
        try:
            storage.download(record.bucket, key, source_path, if_match=etag)
        except SourceChanged as exc:
            raise TranscodeFailed(f"source changed while downloading, will retry: {exc}", "source-changed") from None
        source = _probe_source(tools.ffprobe, source_path)
        if source.duration_seconds > settings.max_duration_seconds:
            limit = settings.max_duration_seconds
            raise SourceRejected(
                f"source is {source.duration_seconds:.1f} s long, over MAX_DURATION_SECONDS={limit:g}", "too-long"
            )
        plan = make_plan(source, settings)
        out_dir = os.path.join(work, "out")
        _transcode(tools, source_path, out_dir, plan)
        renditions, poster = _verify_and_describe(tools.ffprobe, out_dir, plan, source, out)
        _publish(storage, output_bucket, out_dir, out, base)
        body = manifest.build_manifest(
            source={
                "bucket": record.bucket, "key": key, "etag": etag, "sizeBytes": info.size,
                "durationSeconds": round(source.duration_seconds, 3), "width": source.display_size[0],
                "height": source.display_size[1], "videoCodec": source.video_codec, "hasAudio": source.has_audio,
            },
            output_bucket=output_bucket,
            layout_=out,
            renditions=renditions,
            poster=poster,
            settings={
                "segmentSeconds": plan.segment_seconds, "preset": plan.preset,
                "audioBitrate": plan.audio_bitrate_bps, "ladder": [r.name for r in settings.ladder],
            },
            transcoded_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            request_id=request_id,
        )  # fmt: skip
        try:
            storage.put_bytes(output_bucket, out.manifest_key, body, manifest.content_type(out.manifest_key))
        except Exception as exc:
            _cleanup(storage, output_bucket, out, base)
            raise TranscodeFailed(f"manifest upload failed: {exc}", "manifest-upload-failed") from exc
    _drop_superseded(storage, output_bucket, out, base)
    seconds = round(time.monotonic() - started, 2)
    log_decision(
        logging.INFO, "done", etag=etag, manifest=out.manifest_key, renditions=[r["name"] for r in renditions],
        durationSeconds=round(source.duration_seconds, 3), computeSeconds=seconds, **base,
    )  # fmt: skip
    return {"status": "done", "manifest": out.manifest_key, "computeSeconds": seconds}


def _probe_source(ffprobe: str, path: str) -> SourceInfo:
    try:
        data = binaries.probe_json(ffprobe, path)
    except binaries.ToolError as exc:
        raise SourceRejected(f"not a readable media file ({exc})", "not-media") from None
    try:
        return parse_probe(data)
    except ProbeError as exc:
        raise SourceRejected(f"not a usable video: {exc}", "no-usable-video") from None


def _transcode(tools: binaries.Tools, source: str, out_dir: str, plan: Plan) -> None:
    for r in plan.renditions:
        os.makedirs(os.path.join(out_dir, "hls", r.name), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "mp4"), exist_ok=True)
    try:
        binaries.run(transcode_command(tools.ffmpeg, source, out_dir, plan), what="ffmpeg")
    except binaries.ToolError as exc:
        raise TranscodeFailed(str(exc), "ffmpeg-failed") from None
    # The poster is checked after the durations: a truncated source loses it too, and "truncated"
    # is the clearer message.
    missing = [p for p in expected_outputs(plan) if p != POSTER and not os.path.isfile(os.path.join(out_dir, p))]
    if missing:
        raise TranscodeFailed(f"ffmpeg exited 0 but did not write {', '.join(missing)}", "ffmpeg-missing-outputs")


def _verify_and_describe(
    ffprobe: str, out_dir: str, plan: Plan, source: SourceInfo, out: manifest.Layout
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Probe every output, fail on a wrong size or a short duration (a truncated source decodes
    "successfully" into short outputs), write the master playlist, and describe the files."""
    renditions: list[dict[str, Any]] = []
    variants = []
    for r, kind, path in [(r, "hls", r.playlist) for r in plan.renditions] + [(plan.mp4, "mp4", plan.mp4.mp4)]:
        data = binaries.probe_json(ffprobe, os.path.join(out_dir, path))
        video = next((s for s in data.get("streams", []) if s.get("codec_type") == "video"), {})
        audio = next((s for s in data.get("streams", []) if s.get("codec_type") == "audio"), None)
        duration = _number((data.get("format") or {}).get("duration"))
        problems = []
        if (video.get("width"), video.get("height")) != (r.width, r.height):
            problems.append(f"size {video.get('width')}x{video.get('height')}, expected {r.width}x{r.height}")
        if video.get("codec_name") != "h264":
            problems.append(f"codec {video.get('codec_name')}, expected h264")
        if not duration_matches(source.duration_seconds, duration):
            problems.append(
                f"duration {duration} s, source {source.duration_seconds:.3f} s (source truncated or corrupt?)"
            )
        if problems:
            detail = f"{kind} {r.name}: " + "; ".join(problems)
            raise TranscodeFailed(detail, "output-check-failed")
        if kind == "hls":
            variants.append(
                (r, peak_bandwidth(r, plan.audio_bitrate_bps, plan.has_audio),
                 codecs_attribute(video.get("profile"), video.get("level"), audio is not None))
            )  # fmt: skip
            folder = os.path.dirname(os.path.join(out_dir, path))
            files = [
                _entry(out_dir, os.path.relpath(os.path.join(folder, f), out_dir), out)
                for f in sorted(os.listdir(folder))
            ]
        else:
            files = [_entry(out_dir, path, out)]
        size = sum(f.size for f in files)
        entry = {
            "name": r.name if kind == "hls" else f"mp4-{r.name}", "type": kind, "width": r.width, "height": r.height,
            "videoCodec": "h264", "audioCodec": audio.get("codec_name") if audio else None,
            "targetBitrate": r.bitrate_bps, "bitrate": int(size * 8 / duration) if duration else None,
            "durationSeconds": round(duration or 0.0, 3), "sizeBytes": size,
            "sha256": files[0].sha256 if kind == "mp4" else manifest.listing_sha256(files),
            "key": out.key(path),
        }  # fmt: skip
        if kind == "hls":
            entry["files"] = [{"key": f.key, "sizeBytes": f.size, "sha256": f.sha256} for f in files]
        renditions.append(entry)
    Path(out_dir, MASTER_PLAYLIST).write_text(master_playlist(variants))
    if not os.path.isfile(os.path.join(out_dir, POSTER)):
        raise TranscodeFailed(
            f"ffmpeg exited 0 but did not write {POSTER} (at {plan.poster_at_seconds} s)", "ffmpeg-missing-outputs"
        )
    poster_data = binaries.probe_json(ffprobe, os.path.join(out_dir, POSTER))
    pv = next((s for s in poster_data.get("streams", []) if s.get("codec_type") == "video"), {})
    top = plan.renditions[0]
    if (pv.get("width"), pv.get("height")) != (top.width, top.height):
        raise TranscodeFailed(
            f"poster is {pv.get('width')}x{pv.get('height')}, expected {top.width}x{top.height}", "output-check-failed"
        )
    pf = _entry(out_dir, POSTER, out)
    poster = {"key": pf.key, "width": top.width, "height": top.height, "sizeBytes": pf.size, "sha256": pf.sha256,
              "atSeconds": plan.poster_at_seconds}  # fmt: skip
    return renditions, poster


def _publish(storage: Any, bucket: str, out_dir: str, out: manifest.Layout, base: Mapping[str, Any]) -> None:
    """Upload the work directory into the version prefix; on any failure delete what was uploaded."""
    # Leftovers of an attempt that was killed (timeout) before it could clean up: no manifest
    # references them, and this attempt rewrites the same version directory.
    leftovers = storage.list_keys(bucket, out.version_prefix)
    if leftovers:
        storage.delete(bucket, leftovers)
    paths = [p.relative_to(out_dir).as_posix() for p in Path(out_dir).rglob("*") if p.is_file()]
    try:
        for rel in manifest.upload_order(paths):
            storage.put_file(bucket, out.key(rel), os.path.join(out_dir, rel), manifest.content_type(rel))
    except Exception as exc:
        _cleanup(storage, bucket, out, base)
        raise TranscodeFailed(f"upload failed: {exc}", "upload-failed") from exc


def _cleanup(storage: Any, bucket: str, out: manifest.Layout, base: Mapping[str, Any]) -> None:
    """Delete this attempt's version directory, unless a concurrent attempt has meanwhile published
    a manifest for the same version (then those files are live)."""
    try:
        current = manifest.manifest_etag(storage.get_bytes(bucket, out.manifest_key))
        if current is not None and out.version_prefix.endswith(f"v-{manifest.safe_etag(current)}/"):
            return
        storage.delete(bucket, storage.list_keys(bucket, out.version_prefix))
    except Exception as exc:  # the original error matters more; say that cleanup failed too
        log_decision(logging.ERROR, "error", reason="cleanup-failed", detail=str(exc), **base)


def _drop_superseded(storage: Any, bucket: str, out: manifest.Layout, base: Mapping[str, Any]) -> None:
    """After the new manifest is live, delete older versions' files (best effort: the work is done)."""
    try:
        stale = [
            k for k in storage.list_keys(bucket, out.base)
            if k != out.manifest_key and not k.startswith(out.version_prefix)
        ]  # fmt: skip
        if stale:
            storage.delete(bucket, stale)
            log_decision(logging.INFO, "note", reason="superseded-version-deleted", deleted=len(stale), **base)
    except Exception as exc:
        log_decision(logging.WARNING, "note", reason="superseded-cleanup-failed", detail=str(exc), **base)


def _entry(out_dir: str, rel: str, out: manifest.Layout) -> manifest.FileEntry:
    path = os.path.join(out_dir, rel)
    return manifest.FileEntry(
        key=out.key(Path(rel).as_posix()), size=os.path.getsize(path), sha256=manifest.file_sha256(path)
    )


def _safe_suffix(key: str) -> str:
    suffix = Path(key).suffix.lower()
    return suffix if suffix[1:].isalnum() and len(suffix) <= 8 else ""


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
