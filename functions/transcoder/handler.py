"""Function Compute entry points: transcode a replay uploaded to OSS into an HLS ladder, an MP4
fallback and a poster, then write a manifest.

``handler`` (``index.handler``) takes OSS events, and the merge requests of split jobs. ``worker``
(``index.worker``) transcodes one part of a split job. Contract (docs/transcoder.md):
- skips (returns normally, one log line): not a finished-upload event, other bucket, key under the
  output prefix (the recursion guard), key outside the input prefix, folder marker, source gone,
  manifest already written for the source's current ETag with every file it references present;
- raises (so FC's async retries and the on-failure destination take over): malformed event, bad
  settings, missing FFmpeg, rejected source (too big, too long, not a video, truncated), FFmpeg or
  upload failure. Nothing partial is ever visible: an attempt writes only into its own version
  directory, the manifest goes last, and nothing another attempt may still reference is deleted
  (publish.py).
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import binaries, manifest, publish, remote
from .events import InvalidEvent, ObjectEvent, parse_records
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
from .storage import OssStorage, Storage, normalize_etag
from .workdir import WorkDir

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


@dataclass
class Run:
    """What one invocation works with (the CLI and tests pass their own storage, invoker and clock)."""

    settings: Settings
    storage: Any
    request_id: str
    now: Callable[[], datetime]
    invoker: Any = None
    work_root: Path | None = None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def handler(
    event: bytes | str, context: Any, storage: Storage | None = None, *, invoker: Any = None,
    now: Callable[[], datetime] | None = None, work_root: Path | None = None,
) -> str:
    """FC entry point (``index.handler`` in the deployed zip). ``storage``, ``invoker``, ``now`` and
    ``work_root`` are for the CLI and tests; FC passes only ``event`` and ``context``. Returns a JSON
    summary of what happened per record."""
    request_id = str(getattr(context, "request_id", "") or uuid.uuid4())
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        log_decision(logging.ERROR, "error", reason="bad-settings", detail=str(exc), requestId=request_id)
        raise
    run = Run(settings, storage, request_id, now or _now, invoker, work_root)
    request = _job_request(event)
    if request is not None:
        from . import split

        return json.dumps({"requestId": request_id, "results": [split.merge_request(run, request)]}, sort_keys=True)
    try:
        records = parse_records(event)
    except InvalidEvent as exc:
        log_decision(logging.ERROR, "error", reason="invalid-event", detail=str(exc), requestId=request_id)
        raise
    results: list[dict[str, Any]] = []
    failures: list[tuple[str, Exception]] = []
    for record in records:
        if isinstance(record, InvalidEvent):
            # One malformed record fails, the others still run (issue 18 item 4).
            where = str(record).split(":", 1)[0]
            log_decision(logging.ERROR, "error", reason="invalid-event", detail=str(record), requestId=request_id)
            failures.append((where, record))
            results.append({"requestId": request_id, "status": "failed", "reason": str(record)})
            continue
        fields = {"requestId": request_id, "record": record.index, "bucket": record.bucket, "key": record.key}
        try:
            if run.storage is None and _skip_reason(record, settings) is None:
                try:
                    run.storage = OssStorage.from_runtime(
                        os.environ, context, endpoint=settings.oss_endpoint, region=record.region
                    )
                except Exception as exc:
                    log_decision(logging.ERROR, "error", reason="storage-unavailable", detail=str(exc), **fields)
                    raise
            if run.invoker is None and settings.worker_function:
                run.invoker = _fc_invoker(settings, context, record.region)
            results.append({**fields, **process_record(record, run)})
        except Exception as exc:  # any failure: give the other records their turn, raise at the end
            failures.append((f"{record.bucket}/{record.key}", exc))
            results.append({**fields, "status": "failed", "reason": str(exc)})
    # Raise after every record had its turn: finished records are skipped on retry anyway.
    if len(failures) == 1:
        raise failures[0][1]
    if failures:
        raise TranscodeFailed("; ".join(f"{where}: {exc}" for where, exc in failures))
    return json.dumps({"requestId": request_id, "results": results}, sort_keys=True)


def worker(
    event: bytes | str, context: Any, storage: Storage | None = None, *, invoker: Any = None,
    now: Callable[[], datetime] | None = None, work_root: Path | None = None,
) -> str:
    """FC entry point of the worker function (``index.worker``): transcode one part of a split job."""
    from . import split

    request_id = str(getattr(context, "request_id", "") or uuid.uuid4())
    try:
        settings = Settings.from_env(os.environ)
    except SettingsError as exc:
        log_decision(logging.ERROR, "error", reason="bad-settings", detail=str(exc), requestId=request_id)
        raise
    request = split.parse_part_request(event)
    run = Run(settings, storage, request_id, now or _now, invoker, work_root)
    if run.storage is None:
        run.storage = OssStorage.from_runtime(os.environ, context, endpoint=settings.oss_endpoint, region=None)
    if run.invoker is None:
        run.invoker = _fc_invoker(settings, context, None)
    return json.dumps({"requestId": request_id, "results": [split.run_part(run, request)]}, sort_keys=True)


def _job_request(event: bytes | str) -> dict[str, Any] | None:
    """A merge request of a split job (``{"transcoderMerge": {...}}``), or None for anything else."""
    try:
        data = json.loads(event)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if isinstance(data, dict) and isinstance(data.get("transcoderMerge"), dict):
        return data["transcoderMerge"]
    return None


def _fc_invoker(settings: Settings, context: Any, region: str | None) -> Any:
    from .invoke import FcInvoker

    return FcInvoker.from_runtime(os.environ, context, settings, region=region)


def _skip_reason(record: ObjectEvent, settings: Settings) -> str | None:
    """Why this record is not ours to transcode, decided from the event alone (pure)."""
    if not record.creates_object:
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


def process_record(record: ObjectEvent, run: Run) -> dict[str, Any]:
    """Transcode one record, or skip it; returns ``{"status": "done"|"skipped"|"dispatched", ...}``. Every
    outcome logs exactly one decision line: skip, done, reject (``SourceRejected``) or error (anything else)."""
    base = {"requestId": run.request_id, "bucket": record.bucket, "key": record.key, "event": record.event_name}
    try:
        return _process(record, run, base)
    except Exception as exc:
        log_failure(exc, base)
        raise


def log_failure(exc: Exception, base: Mapping[str, Any]) -> None:
    """The decision line of a failure: ``reject`` for rejected sources, ``error`` for the rest; the reason
    names the kind (``unexpected`` only for what no other reason describes)."""
    decision = "reject" if isinstance(exc, SourceRejected) else "error"
    reason = getattr(exc, "reason", None) or ("tool-error" if isinstance(exc, binaries.ToolError) else "unexpected")
    log_decision(logging.ERROR, decision, reason=reason, detail=str(exc), errorType=type(exc).__name__, **base)


@dataclass(frozen=True)
class Source:
    """The source object being worked on."""

    bucket: str
    key: str
    etag: str
    size: int


def locate_source(storage: Any, record: ObjectEvent) -> tuple[Source | None, str]:
    """HEAD each reading of the event's key (``ObjectEvent.key_candidates``); the first that exists wins."""
    for encoding, key in record.key_candidates:
        info = storage.head(record.bucket, key)
        if info is not None:
            return Source(record.bucket, key, normalize_etag(info.etag), info.size), encoding
    return None, ""


def _process(record: ObjectEvent, run: Run, base: dict[str, Any]) -> dict[str, Any]:
    settings, storage = run.settings, run.storage
    reason = _skip_reason(record, settings)
    if reason:
        log_decision(logging.INFO, "skip", reason=reason, **base)
        return {"status": "skipped", "reason": reason}

    src, encoding = locate_source(storage, record)
    if src is None:
        tried = [k for _, k in record.key_candidates]
        log_decision(logging.WARNING, "skip", reason="source-gone", triedKeys=tried, **base)
        return {"status": "skipped", "reason": "source-gone"}
    if encoding != "raw":
        base["key"], base["keyEncoding"] = src.key, encoding
    if record.etag and normalize_etag(record.etag) != src.etag:
        # Overwritten since the event: process what is there now (its own event will then find
        # the work done); the decision line shows both ETags.
        base["eventEtag"] = record.etag

    output_bucket = settings.output_bucket or record.bucket
    ns = manifest.namespace(settings.input_prefix, settings.output_prefix, src.key)
    manifest_key = ns + manifest.MANIFEST_NAME
    doc = manifest.parse_manifest(storage.get_bytes(output_bucket, manifest_key))
    if publish.is_complete(storage, output_bucket, doc, src.etag):
        log_decision(logging.INFO, "skip", reason="already-done", etag=src.etag, manifest=manifest_key, **base)
        return {"status": "skipped", "reason": "already-done", "manifest": manifest_key}
    if doc is not None and manifest.safe_etag(doc["source"]["etag"]) == src.etag:
        # Recorded as done, but files it points at are gone: not done. Redo, and replace the manifest.
        missing = sorted(publish.missing_keys(storage, output_bucket, doc))
        log_decision(logging.WARNING, "note", reason="manifest-incomplete", missing=missing[:5],
                     missingCount=len(missing), **base)  # fmt: skip

    if src.size > settings.max_source_bytes:
        limit = settings.max_source_bytes
        raise SourceRejected(f"source is {src.size} bytes, over MAX_SOURCE_BYTES={limit}", "too-large")

    tools = binaries.locate(os.environ | {"FFMPEG_PATH": settings.ffmpeg_path, "FFPROBE_PATH": settings.ffprobe_path})
    started = time.monotonic()
    # The source is never downloaded: ffprobe and FFmpeg read it through a presigned URL, ETag-pinned
    # (remote.py), so a replay of any length needs no disk for itself.
    signed = open_source(storage, src, settings, tools)
    source = probe_remote(tools, signed, storage, src)
    if source.duration_seconds > settings.max_duration_seconds:
        limit = settings.max_duration_seconds
        raise SourceRejected(
            f"source is {source.duration_seconds:.1f} s long, over MAX_DURATION_SECONDS={limit:g}", "too-long"
        )
    plan = make_plan(source, settings)
    attempt = manifest.new_attempt(run.now())
    out = manifest.layout(settings.input_prefix, settings.output_prefix, src.key, src.etag, attempt)
    from . import split

    if split.should_split(settings, source, run.invoker):
        return split.start_job(run, src, source, plan, out, output_bucket, signed, tools, base, started=started)
    with WorkDir(run.work_root) as work_dir:
        out_dir = os.path.join(str(work_dir), "out")
        t0 = time.monotonic()
        try:
            _transcode(tools, signed.url, out_dir, plan, remote.ffmpeg_input_options(signed))
        except TranscodeFailed as exc:
            raise read_failure(exc, storage, src) or exc from None
        transcode_s = time.monotonic() - t0
        t1 = time.monotonic()
        renditions, poster = verify_and_describe(tools.ffprobe, out_dir, plan, source, out)
        upload_dir(storage, output_bucket, out_dir, out)
        timings = {"split_s": 0.0, "segments_s": [round(transcode_s, 3)], "merge_s": round(time.monotonic() - t1, 3)}
        return finish(run, src, source, plan, out, output_bucket, renditions, poster, timings, base, parts=1,
                      started=started)  # fmt: skip


def open_source(storage: Any, src: Source, settings: Settings, tools: binaries.Tools) -> remote.SignedSource:
    """A presigned, ETag-pinned URL of the source that FFmpeg and ffprobe can read."""
    url = storage.presign_get(src.bucket, src.key, expires_seconds=settings.source_url_ttl_seconds)
    binaries.require_protocol(tools, url)
    return remote.SignedSource(url, src.etag, src.size)


def probe_remote(tools: binaries.Tools, signed: remote.SignedSource, storage: Any, src: Source) -> SourceInfo:
    """ffprobe the source over its URL (a few MB: the header, or for a non-faststart MP4 the index at the
    end by range requests); a read failure is retried, anything else is not media."""
    try:
        data = binaries.probe_json(tools.ffprobe, signed.url, input_options=remote.ffmpeg_input_options(signed),
                                   label="source")  # fmt: skip
    except binaries.ToolError as exc:
        raise read_failure(exc, storage, src) or SourceRejected(f"not a readable media file ({exc})",
                                                                "not-media") from None  # fmt: skip
    try:
        return parse_probe(data)
    except ProbeError as exc:
        raise SourceRejected(f"not a usable video: {exc}", "no-usable-video") from None


def read_failure(exc: Exception, storage: Any, src: Source) -> TranscoderError | None:
    """The retryable error behind a failed read of the source through its URL, or None when the source was
    read and FFmpeg failed on what it read. A changed or deleted source is ``source-changed`` (If-Match
    answered 412; the retry works on the new version, or skips it); a refused URL, 5xx or a network error
    is ``source-read-failed``."""
    info = storage.head(src.bucket, src.key)
    if info is None or normalize_etag(info.etag) != src.etag:
        return TranscodeFailed(f"source changed while it was read, will retry: {exc}", "source-changed")
    kind = remote.read_failure_kind(getattr(exc, "stderr", "") or str(exc))
    if kind:
        return TranscodeFailed(f"reading the source failed ({kind}), will retry: {exc}", "source-read-failed")
    return None


def source_fields(src: Source, source: SourceInfo) -> dict[str, Any]:
    """The manifest's ``source`` block."""
    width, height = source.display_size
    return {
        "bucket": src.bucket, "key": src.key, "etag": src.etag, "sizeBytes": src.size,
        "durationSeconds": round(source.duration_seconds, 3), "width": width, "height": height,
        "videoCodec": source.video_codec, "hasAudio": source.has_audio,
    }  # fmt: skip


def finish(
    run: Run, src: Source, source: SourceInfo, plan: Plan, out: manifest.Layout, output_bucket: str,
    renditions: list[dict[str, Any]], poster: dict[str, Any], timings: Mapping[str, Any], base: Mapping[str, Any],
    *, parts: int, started: float,
) -> dict[str, Any]:
    """Write the manifest (publish.commit), collect garbage, log the decision line, return the result."""
    from . import playback

    storage, settings = run.storage, run.settings
    now = run.now()
    links = playback.playback_block(settings, out, renditions, poster, now=now, key_source=_auth_key_source(run))
    body = manifest.build_manifest(
        source=source_fields(src, source), output_bucket=output_bucket, layout_=out, renditions=renditions,
        poster=poster,
        settings={
            "segmentSeconds": plan.segment_seconds, "preset": plan.preset, "audioBitrate": plan.audio_bitrate_bps,
            "ladder": [r.name for r in settings.ladder], "splitSegmentSeconds": settings.split_segment_seconds,
        },
        timings=timings, transcoded_at=now.isoformat(timespec="seconds"), request_id=run.request_id, parts=parts,
        playback=links,
    )  # fmt: skip

    def source_etag_now() -> str | None:
        info = storage.head(src.bucket, src.key)
        return normalize_etag(info.etag) if info else None

    try:
        result = publish.commit(storage, output_bucket, out, body, source_etag_now=source_etag_now)
    except Exception as exc:
        if not _points_at_safely(storage, output_bucket, out):
            _delete_own(storage, output_bucket, out, base)
            raise TranscodeFailed(f"manifest upload failed: {exc}", "manifest-upload-failed") from exc
        result = publish.CommitResult("committed")
    if result.outcome != "committed":
        # Another attempt's complete manifest is there, or the source changed: ours is discarded.
        log_decision(logging.INFO, "skip", reason=result.outcome, etag=src.etag, manifest=out.manifest_key, **base)
        return {"status": "skipped", "reason": result.outcome, "manifest": out.manifest_key}
    try:
        deleted = publish.collect_garbage(
            storage, output_bucket, out, replaced=result.replaced_prefix, now=now,
            stale_after_seconds=settings.stale_after_seconds,
        )  # fmt: skip
        if deleted:
            log_decision(logging.INFO, "note", reason="superseded-version-deleted", deleted=deleted, **base)
    except Exception as exc:  # best effort: the work is done and published
        log_decision(logging.WARNING, "note", reason="superseded-cleanup-failed", detail=str(exc), **base)
    seconds = round(time.monotonic() - started, 2)
    log_decision(
        logging.INFO, "done", etag=src.etag, manifest=out.manifest_key, renditions=[r["name"] for r in renditions],
        durationSeconds=round(source.duration_seconds, 3), computeSeconds=seconds, parts=parts, **base,
    )  # fmt: skip
    done = {"status": "done", "manifest": out.manifest_key, "computeSeconds": seconds, "timings": dict(timings)}
    if links:
        done["playback"] = links
    return done


def _auth_key_source(run: Run) -> Callable[[], str] | None:
    """Where the CDN URL-auth key comes from: KMS Secrets Manager on FC; ``PLAYBACK_AUTH_KEY`` for local
    runs (never set on FC: the component sets only the secret's name)."""
    if not run.settings.playback_base_url:
        return None
    local = os.environ.get("PLAYBACK_AUTH_KEY", "")
    if local:
        return lambda: local
    if not run.settings.playback_auth_secret_name:
        return None
    from .invoke import kms_secret_value

    return lambda: kms_secret_value(os.environ, run.settings.playback_auth_secret_name)


def _points_at_safely(storage: Any, bucket: str, out: manifest.Layout) -> bool:
    try:
        return publish.points_at(storage, bucket, out)
    except Exception:
        return False


def _delete_own(storage: Any, bucket: str, out: manifest.Layout, base: Mapping[str, Any]) -> None:
    """Delete this attempt's own version directory (no manifest points at it)."""
    try:
        publish.delete_prefix(storage, bucket, out.version_prefix)
    except Exception as exc:  # the original error matters more; say that cleanup failed too
        log_decision(logging.ERROR, "error", reason="cleanup-failed", detail=str(exc), **base)


def _transcode(tools: binaries.Tools, source: str, out_dir: str, plan: Plan, input_options: list[str]) -> None:
    for r in plan.renditions:
        os.makedirs(os.path.join(out_dir, "hls", r.name), exist_ok=True)
    os.makedirs(os.path.join(out_dir, "mp4"), exist_ok=True)
    try:
        binaries.run(transcode_command(tools.ffmpeg, source, out_dir, plan, input_options), what="ffmpeg")
    except binaries.ToolError as exc:
        failed = TranscodeFailed(str(exc), "ffmpeg-failed")
        failed.stderr = exc.stderr  # type: ignore[attr-defined]
        raise failed from None
    # The poster is checked after the durations: a truncated source loses it too, and "truncated"
    # is the clearer message.
    missing = [p for p in expected_outputs(plan) if p != POSTER and not os.path.isfile(os.path.join(out_dir, p))]
    if missing:
        raise TranscodeFailed(f"ffmpeg exited 0 but did not write {', '.join(missing)}", "ffmpeg-missing-outputs")


def verify_and_describe(
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


def upload_dir(storage: Any, bucket: str, out_dir: str, out: manifest.Layout, *, own_directory: bool = True) -> None:
    """Upload a work directory into the attempt's version directory, referenced files first, and raise
    ``TranscodeFailed`` on any failure. A single pass owns its whole directory and deletes what it
    uploaded (nothing references it); a split job's part or merge shares the job's directory with the
    other parts and deletes nothing (its files have fixed names: a retry overwrites them)."""
    paths = [p.relative_to(out_dir).as_posix() for p in Path(out_dir).rglob("*") if p.is_file()]
    try:
        for rel in manifest.upload_order(paths):
            storage.put_file(bucket, out.key(rel), os.path.join(out_dir, rel), manifest.content_type(rel))
    except Exception as exc:
        if own_directory:
            try:
                publish.delete_prefix(storage, bucket, out.version_prefix)
            except Exception:
                pass
        raise TranscodeFailed(f"upload failed: {exc}", "upload-failed") from exc


def _entry(out_dir: str, rel: str, out: manifest.Layout) -> manifest.FileEntry:
    path = os.path.join(out_dir, rel)
    return manifest.FileEntry(
        key=out.key(Path(rel).as_posix()), size=os.path.getsize(path), sha256=manifest.file_sha256(path)
    )


def _number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
