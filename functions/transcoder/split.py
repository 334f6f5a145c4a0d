"""Split, fan out, merge: a replay's latency bounded by one part, not by the show (issue 15).

For a source longer than twice ``SPLIT_SEGMENT_SECONDS`` the coordinating invocation (the OSS event's)
plans parts of about that length at keyframes, which it reads from the source's MP4 index through a
presigned URL (a few range requests; mp4index.py, remote.py): it downloads and cuts nothing. It writes
the **job record** and invokes the worker function asynchronously for the first ``MAX_PARALLEL_PARTS``
parts. Each worker invocation has FFmpeg read only its part's range of the source through its own
presigned, ETag-pinned URL and transcode it into the same ladder (timestamps on the source timeline,
segment cuts forced in every rung alike), uploads its segments into the job's version directory,
writes its **part result**, invokes the next part (so at most ``MAX_PARALLEL_PARTS`` of one replay run
at once), and, when every part has a result, invokes the merge. The merge (this function again,
``{"transcoderMerge": ...}``) concatenates the parts' segment lists into one media playlist per rung
(media sequence from 0, no gaps, no duplicates), writes the master playlist, streams the fallback
rung's segments into FFmpeg to remux the MP4, and commits the manifest through publish.py like a single
pass. No invocation holds the source on its disk: a worker holds one part's outputs, the merge the MP4.

Exactly once:
- one job per source ETag (``<ns>jobs/<ETAG>.json``); a retried or duplicated coordinator finds it and
  resumes it instead of starting again (a dead job, with no activity for ``STALE_AFTER_SECONDS``, is
  replaced);
- a part's outputs have fixed names in the job's directory, so a retried or duplicated part writes
  the same files again (the same encode of the same input) and never a second copy; its result is
  written after its files; a part with a result is not transcoded again;
- a failed part fails the replay cleanly: no merge without every part result, so no manifest, and the
  job's files are referenced by nothing (FC retries the part, then sends it to the dead-letter queue);
- the source cannot change under a part: every read is pinned to the job's ETag (``If-Match``); a worker
  that finds the source overwritten or deleted skips (``superseded`` / ``source-gone``), and the merge's
  commit refuses a superseded source as a single pass does;
- a crash anywhere resumes from what is complete: part results survive, the chain and the merge are
  re-invoked by whoever finishes or resumes next.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from . import binaries, manifest, mp4index, publish, remote
from .ffmpeg import (
    MASTER_PLAYLIST,
    POSTER,
    Plan,
    SourceInfo,
    codecs_attribute,
    duration_matches,
    keyframes_command,
    master_playlist,
    media_playlist,
    parse_keyframes,
    parse_media_playlist,
    part_command,
    part_playlist,
    peak_bandwidth,
    plan_from_dict,
    plan_split,
    plan_to_dict,
    remux_mp4_command,
)
from .storage import AlreadyExists, SourceChanged
from .workdir import WorkDir

JOB_VERSION = 2
#: Job records this code runs. Version 1 jobs (written before 2026-12-01) cut the source into part files the
#: workers downloaded; their workers still finish them after a deploy.
JOB_VERSIONS = (1, 2)
logger = logging.getLogger("transcoder")


def should_split(settings: Any, source: SourceInfo, invoker: Any) -> bool:
    """Split when configured, when the source is longer than two parts, and when there is someone to
    invoke (FC: ``WORKER_FUNCTION``; locally: the CLI's workers)."""
    part = settings.split_segment_seconds
    return bool(part) and invoker is not None and source.duration_seconds > 2 * part


def _handler():
    from . import handler

    return handler


# -- coordinator ------------------------------------------------------------------------------------------


def start_job(
    run: Any, src: Any, source: SourceInfo, plan: Plan, out: manifest.Layout, output_bucket: str,
    signed: remote.SignedSource, tools: binaries.Tools, base: dict[str, Any], *, started: float,
) -> dict[str, Any]:
    """Plan the parts from the source's keyframes (read through its URL: nothing is downloaded or cut
    here), write the job, invoke the first parts (or resume the existing job)."""
    h = _handler()
    storage, settings = run.storage, run.settings
    existing = _load_job(storage, output_bucket, out.job_key)
    if existing is not None and existing.get("etag") == out.etag and _job_alive(storage, output_bucket, existing, run):
        return _resume(run, existing, base)

    keyframes, keyframe_source = source_keyframes(tools, signed, source, storage, src)
    cuts = plan_split(keyframes, source.duration_seconds, settings.split_segment_seconds)
    bounds = [0.0, *cuts, source.duration_seconds]
    parts = [{"index": i, "start": round(a, 6), "duration": round(b - a, 6)}
             for i, (a, b) in enumerate(zip(bounds, bounds[1:]))]  # fmt: skip
    split_s = round(time.monotonic() - started, 3)
    job = {
        "jobVersion": JOB_VERSION, "attempt": out.attempt, "etag": out.etag, "outputBucket": output_bucket,
        "namespace": out.namespace, "versionPrefix": out.version_prefix, "workPrefix": out.work_prefix,
        "source": h.source_fields(src, source), "sourceInfo": _source_info(source), "plan": plan_to_dict(plan),
        "parts": parts, "splitSeconds": split_s, "partSeconds": settings.split_segment_seconds,
        "keyframeSource": keyframe_source, "maxParallel": settings.max_parallel_parts,
        "createdAt": run.now().isoformat(timespec="seconds"), "requestId": run.request_id,
    }  # fmt: skip
    body = (json.dumps(job, indent=2, sort_keys=True) + "\n").encode()
    try:
        # Create-if-absent where OSS can enforce it (unversioned buckets); in a versioned bucket the
        # header is void, and two concurrent coordinators may both write a job: both then run, each in
        # its own directories, and publish.commit keeps exactly one result.
        storage.put_bytes(output_bucket, out.job_key, body, "application/json", forbid_overwrite=existing is None)
    except AlreadyExists:
        theirs = _load_job(storage, output_bucket, out.job_key)
        if theirs is None:
            raise h.TranscodeFailed("a concurrent job record vanished; retry", "job-conflict") from None
        return _resume(run, theirs, base)
    first = min(len(parts), settings.max_parallel_parts)
    for index in range(first):
        _invoke_part(run.invoker, job, index)
    h.log_decision(logging.INFO, "dispatched", etag=out.etag, job=out.job_key, parts=len(parts),
                   inFlight=first, splitSeconds=split_s, keyframeSource=keyframe_source, **base)  # fmt: skip
    return {"status": "dispatched", "job": out.job_key, "parts": len(parts), "timings": {"split_s": split_s}}


def source_keyframes(tools: binaries.Tools, signed: remote.SignedSource, source: SourceInfo, storage: Any,
                     src: Any) -> tuple[list[float], str]:  # fmt: skip
    """Keyframe times on the source's timeline (0 = the container's start) and where they came from:
    ``mp4-index`` (the MP4/MOV index, a few range reads: mp4index.py) when it agrees with ffprobe, else
    ``packet-listing`` (ffprobe reads every packet through the URL: the whole source streamed once, never
    stored)."""
    h = _handler()
    try:
        index = mp4index.read_video_index(lambda offset, length: remote.read_range(signed, offset, length),
                                          signed.size)  # fmt: skip
    except SourceChanged as exc:
        raise h.TranscodeFailed(f"source changed while its index was read, will retry: {exc}",
                                "source-changed") from None  # fmt: skip
    except remote.SourceUnavailable as exc:
        raise h.TranscodeFailed(str(exc), "source-read-failed") from None
    if index is not None and mp4index.matches_probe(index, source.video_start_time):
        return [k - source.start_time for k in index.keyframes], "mp4-index"
    if index is not None:
        h.log_decision(logging.WARNING, "note", reason="mp4-index-mismatch", indexStart=index.first_pts,
                       probeStart=source.video_start_time, key=src.key)  # fmt: skip
    # Streamed at network speed; bounded so a stalled read cannot outlive a local run (FC's timeout bounds it
    # there). components/media/capacity.py sizes MAX_SOURCE_BYTES so that this read fits the timeout.
    timeout = max(900.0, signed.size / 5e6)
    try:
        listing = binaries.run(keyframes_command(tools.ffprobe, signed.url, remote.ffmpeg_input_options(signed)),
                               what="ffprobe keyframes", timeout=timeout)  # fmt: skip
    except binaries.ToolError as exc:
        raise h.read_failure(exc, storage, src) or h.TranscodeFailed(str(exc), "split-failed") from None
    return [k - source.start_time for k in parse_keyframes(listing.stdout)], "packet-listing"


def _resume(run: Any, job: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    """Re-invoke the first parts without a result (up to the window), or the merge when all are done."""
    h = _handler()
    storage, bucket = run.storage, job["outputBucket"]
    done = part_results(storage, bucket, job)
    # A marker with a timestamp in its name: the job's last activity, so garbage collection leaves it.
    storage.put_bytes(bucket, f"{job['workPrefix']}resumed.{manifest.stamp(run.now())}.json",
                      json.dumps({"requestId": run.request_id}).encode(), "application/json")  # fmt: skip
    missing = [p["index"] for p in job["parts"] if p["index"] not in done]
    if not missing:
        _invoke_merge(run.invoker, job)
    for index in missing[: int(job["maxParallel"])]:
        _invoke_part(run.invoker, job, index)
    h.log_decision(logging.INFO, "resumed", etag=job["etag"], job=_job_key(job), partsDone=len(done),
                   partsMissing=len(missing), **base)  # fmt: skip
    return {"status": "resumed", "job": _job_key(job), "partsDone": len(done), "partsMissing": len(missing)}


# -- worker -----------------------------------------------------------------------------------------------


def parse_part_request(event: bytes | str) -> dict[str, Any]:
    """The worker's payload: ``{"transcoderPart": {"bucket", "jobKey", "attempt", "part"}}``; a bad one
    raises ``InvalidEvent`` after its decision line."""
    from .events import InvalidEvent

    try:
        return _part_request(event)
    except InvalidEvent as exc:
        _handler().log_decision(logging.ERROR, "error", reason="invalid-event", detail=str(exc))
        raise


def _part_request(event: bytes | str) -> dict[str, Any]:
    from .events import InvalidEvent

    try:
        data = json.loads(event)
        request = data["transcoderPart"]
        if not (isinstance(request["bucket"], str) and isinstance(request["jobKey"], str)
                and isinstance(request["attempt"], str) and isinstance(request["part"], int)):  # fmt: skip
            raise TypeError
        return request
    except (ValueError, KeyError, TypeError, RecursionError, UnicodeDecodeError):
        raise InvalidEvent("worker event: expected {\"transcoderPart\": {\"bucket\", \"jobKey\", \"attempt\", "
                           "\"part\"}} (sent by the transcoder function)") from None  # fmt: skip


def run_part(run: Any, request: Mapping[str, Any]) -> dict[str, Any]:
    """Transcode one part (unless done), then keep the chain and the merge going."""
    h = _handler()
    storage, bucket, index = run.storage, request["bucket"], int(request["part"])
    base = {"requestId": run.request_id, "bucket": bucket, "job": request["jobKey"], "part": index}
    try:
        job = _load_job(storage, bucket, request["jobKey"])
        if job is None or job["attempt"] != request["attempt"]:
            return _skip(base, "job-superseded")
        if publish.is_complete(storage, bucket, publish.current_manifest(storage, bucket, _layout(job)), job["etag"]):
            return _skip(base, "already-done")
        if not 0 <= index < len(job["parts"]):
            raise h.TranscodeFailed(f"part {index} is not in the job (it has {len(job['parts'])})", "bad-part")
        done = part_results(storage, bucket, job)
        seconds = None
        if index not in done:
            part = job["parts"][index]
            signed = None
            if "key" not in part:  # read from the source itself (JOB_VERSION 2)
                signed, gone = _part_source(run, job)
                if gone:
                    # The job's source version no longer exists: nothing of it can be published, and the
                    # new upload's own event (if any) does the work. A skip, not a failure: nothing to retry.
                    return _skip({**base, "etag": job["etag"]}, gone)
            seconds = _transcode_part(run, job, part, base, signed)
            done = part_results(storage, bucket, job)
        _advance(run, job, index, done)
    except Exception as exc:
        h.log_failure(exc, base)
        raise
    status = "part-done" if seconds is not None else "part-already-done"
    h.log_decision(logging.INFO, status, transcodeSeconds=seconds, partsDone=len(done), parts=len(job["parts"]),
                   **base)  # fmt: skip
    return {"status": status, "part": index, "partsDone": len(done), "parts": len(job["parts"])}


def _advance(run: Any, job: Mapping[str, Any], index: int, done: Mapping[int, Any]) -> None:
    """After part ``index``: invoke part ``index + window`` if it has no result, and the merge when every
    part has one. Invocations may repeat (retries, duplicates); parts and merge are idempotent."""
    window = int(job["maxParallel"])
    nxt = index + window
    if nxt < len(job["parts"]) and nxt not in done:
        _invoke_part(run.invoker, job, nxt)
    if len(done) == len(job["parts"]):
        _invoke_merge(run.invoker, job)


def _part_source(run: Any, job: Mapping[str, Any]) -> tuple[remote.SignedSource | None, str | None]:
    """The job's source behind a fresh presigned URL, or why it cannot be read (``source-gone``,
    ``superseded``: overwritten since the job was planned)."""
    h = _handler()
    source = job["source"]
    info = run.storage.head(source["bucket"], source["key"])
    if info is None:
        return None, "source-gone"
    src = h.Source(source["bucket"], source["key"], job["etag"], int(source["sizeBytes"]))
    if h.normalize_etag(info.etag) != src.etag:
        return None, "superseded"
    tools = _tools(run.settings)
    return h.open_source(run.storage, src, run.settings, tools), None


def _tools(settings: Any) -> binaries.Tools:
    return binaries.locate(os.environ | {"FFMPEG_PATH": settings.ffmpeg_path, "FFPROBE_PATH": settings.ffprobe_path})


def _transcode_part(run: Any, job: Mapping[str, Any], part: Mapping[str, Any], base: Mapping[str, Any],
                    signed: remote.SignedSource | None) -> float:  # fmt: skip
    """Transcode one part into every rung and upload it. With ``signed`` FFmpeg reads the part's range of
    the source through its URL (the worker's disk holds only the part's outputs); without, the part file
    a version-1 job cut (downloaded first)."""
    h = _handler()
    storage, settings, bucket = run.storage, run.settings, job["outputBucket"]
    plan = plan_from_dict(job["plan"])
    out = _layout(job)
    index, start, duration = int(part["index"]), float(part["start"]), float(part["duration"])
    last = index == len(job["parts"]) - 1
    tools = _tools(settings)
    with WorkDir(run.work_root) as work_dir:
        work = str(work_dir)
        if signed is not None:
            source_input, input_options = signed.url, remote.ffmpeg_input_options(signed)
        else:
            source_input, input_options = os.path.join(work, "part.mkv"), []
            info = storage.head(bucket, part["key"])
            if info is None:
                raise h.TranscodeFailed(f"part source {part['key']} is missing", "part-source-missing")
            storage.download(bucket, part["key"], source_input, if_match=h.normalize_etag(info.etag))
        poster_local = plan.poster_at_seconds - start
        is_poster_part = 0 <= poster_local < duration or (last and poster_local >= duration)
        out_dir = os.path.join(work, "out")
        for r in plan.renditions:
            os.makedirs(os.path.join(out_dir, "hls", r.name), exist_ok=True)
        t0 = time.monotonic()
        # The last part reads to the end: a stream a little longer than the container's duration loses nothing.
        limit = duration + 1.0 if last else duration
        try:
            binaries.run(part_command(tools.ffmpeg, source_input, out_dir, plan, part=index, start=start,
                                      duration=limit, seek=signed is not None, input_options=input_options,
                                      poster_local_seconds=max(0.0, min(poster_local, duration - 0.05))
                                      if is_poster_part else None), what=f"ffmpeg part {index}")  # fmt: skip
        except binaries.ToolError as exc:
            if signed is not None:
                src = h.Source(job["source"]["bucket"], job["source"]["key"], job["etag"], signed.size)
                failure = h.read_failure(exc, storage, src)
                if failure is not None:
                    raise failure from None
            raise h.TranscodeFailed(str(exc), "ffmpeg-failed") from None
        seconds = round(time.monotonic() - t0, 3)
        result: dict[str, Any] = {"part": index, "start": start, "duration": duration, "transcodeSeconds": seconds,
                                  "renditions": {}, "requestId": run.request_id}  # fmt: skip
        for r in plan.renditions:
            playlist = os.path.join(out_dir, part_playlist(r))
            if not os.path.isfile(playlist):
                raise h.TranscodeFailed(f"ffmpeg exited 0 but wrote no playlist for {r.name} (part {index})",
                                        "ffmpeg-missing-outputs")  # fmt: skip
            with open(playlist) as handle:
                segments = parse_media_playlist(handle.read())
            total = sum(d for d, _ in segments)
            if not duration_matches(duration, total):
                raise h.TranscodeFailed(f"part {index} {r.name}: {total:.3f} s of segments for a {duration:.3f} s part",
                                        "output-check-failed")  # fmt: skip
            first = os.path.join(out_dir, "hls", r.name, segments[0][1])
            data = binaries.probe_json(tools.ffprobe, first)
            video = next((s for s in data.get("streams", []) if s.get("codec_type") == "video"), {})
            if (video.get("width"), video.get("height")) != (r.width, r.height):
                raise h.TranscodeFailed(f"part {index} {r.name}: size {video.get('width')}x{video.get('height')}, "
                                        f"expected {r.width}x{r.height}", "output-check-failed")  # fmt: skip
            files = []
            for seg_duration, name in segments:
                path = os.path.join(out_dir, "hls", r.name, name)
                files.append({"name": name, "duration": seg_duration, "sizeBytes": os.path.getsize(path),
                              "sha256": manifest.file_sha256(path)})  # fmt: skip
            result["renditions"][r.name] = {
                "segments": files,
                "codecs": codecs_attribute(video.get("profile"), video.get("level"), plan.has_audio),
            }
            os.remove(playlist)  # the merge writes the published playlists
        if is_poster_part:
            if not os.path.isfile(os.path.join(out_dir, POSTER)):
                raise h.TranscodeFailed(f"part {index} did not write the poster", "ffmpeg-missing-outputs")
            path = os.path.join(out_dir, POSTER)
            result["poster"] = {"sizeBytes": os.path.getsize(path), "sha256": manifest.file_sha256(path)}
        h.upload_dir(storage, bucket, out_dir, out, own_directory=False)
        body = (json.dumps(result, indent=2, sort_keys=True) + "\n").encode()
        storage.put_bytes(bucket, f"{job['workPrefix']}parts/p{index:05d}.{manifest.stamp(run.now())}.json", body,
                          "application/json")  # fmt: skip
    return seconds


# -- merge ------------------------------------------------------------------------------------------------


def merge_request(run: Any, request: Mapping[str, Any]) -> dict[str, Any]:
    """Merge a job whose parts are all done (the ``{"transcoderMerge": ...}`` invocation)."""
    h = _handler()
    bucket = request.get("bucket")
    base = {"requestId": run.request_id, "bucket": bucket, "job": request.get("jobKey")}
    try:
        if run.storage is None:
            from .storage import OssStorage

            run.storage = OssStorage.from_runtime(os.environ, None, endpoint=run.settings.oss_endpoint, region=None)
        job = _load_job(run.storage, bucket, str(request.get("jobKey")))
        if job is None or job["attempt"] != request.get("attempt"):
            return _skip(base, "job-superseded")
        base["key"] = job["source"]["key"]
        out = _layout(job)
        if publish.is_complete(run.storage, bucket, publish.current_manifest(run.storage, bucket, out), job["etag"]):
            return _skip(base, "already-done")
        done = part_results(run.storage, bucket, job)
        if len(done) != len(job["parts"]):
            return _skip(base, "parts-missing")
        return _merge(run, job, done, base)
    except Exception as exc:
        h.log_failure(exc, base)
        raise


def _merge(run: Any, job: Mapping[str, Any], done: Mapping[int, Any], base: dict[str, Any]) -> dict[str, Any]:
    h = _handler()
    storage, settings, bucket = run.storage, run.settings, job["outputBucket"]
    t0 = time.monotonic()
    plan = plan_from_dict(job["plan"])
    out = _layout(job)
    results = [done[i] for i in range(len(job["parts"]))]
    source_duration = float(job["source"]["durationSeconds"])
    tools = binaries.locate(os.environ | {"FFMPEG_PATH": settings.ffmpeg_path, "FFPROBE_PATH": settings.ffprobe_path})
    renditions, variants = [], []
    with WorkDir(run.work_root) as work_dir:
        work = str(work_dir)
        out_dir = os.path.join(work, "out")
        for r in plan.renditions:
            segments = [(s["duration"], s["name"]) for res in results for s in res["renditions"][r.name]["segments"]]
            names = [n for _, n in segments]
            if len(set(names)) != len(names):
                raise h.TranscodeFailed(f"{r.name}: duplicate segments in the parts", "merge-failed")
            total = sum(d for d, _ in segments)
            if not duration_matches(source_duration, total):
                raise h.TranscodeFailed(f"{r.name}: parts total {total:.3f} s, source {source_duration:.3f} s",
                                        "output-check-failed")  # fmt: skip
            os.makedirs(os.path.join(out_dir, "hls", r.name), exist_ok=True)
            text = media_playlist(segments)
            with open(os.path.join(out_dir, r.playlist), "w") as handle:
                handle.write(text)
            files = [manifest.FileEntry(out.key(f"hls/{r.name}/{s['name']}"), s["sizeBytes"], s["sha256"])
                     for res in results for s in res["renditions"][r.name]["segments"]]  # fmt: skip
            files.append(h._entry(out_dir, r.playlist, out))
            size = sum(f.size for f in files)
            codecs = results[0]["renditions"][r.name]["codecs"]
            variants.append((r, peak_bandwidth(r, plan.audio_bitrate_bps, plan.has_audio), codecs))
            renditions.append({
                "name": r.name, "type": "hls", "width": r.width, "height": r.height, "videoCodec": "h264",
                "audioCodec": "aac" if plan.has_audio else None, "targetBitrate": r.bitrate_bps,
                "bitrate": int(size * 8 / total) if total else None, "durationSeconds": round(total, 3),
                "sizeBytes": size, "sha256": manifest.listing_sha256(files), "key": out.key(r.playlist),
                "files": [{"key": f.key, "sizeBytes": f.size, "sha256": f.sha256}
                          for f in sorted(files, key=lambda f: f.key)],
            })  # fmt: skip
        with open(os.path.join(out_dir, MASTER_PLAYLIST), "w") as handle:
            handle.write(master_playlist(variants))
        # The MP4 fallback: the fallback rung's segments, in order, streamed into FFmpeg (MPEG-TS concatenates)
        # and remuxed. Only the MP4 itself lands on this disk (components/media/capacity.py sizes it).
        pieces = [(out.key(f"hls/{plan.mp4.name}/{s['name']}"), s["sha256"])
                  for res in results for s in res["renditions"][plan.mp4.name]["segments"]]  # fmt: skip
        os.makedirs(os.path.join(out_dir, "mp4"), exist_ok=True)
        mp4_path = os.path.join(out_dir, plan.mp4.mp4)
        try:
            binaries.run_feeding(remux_mp4_command(tools.ffmpeg, mp4_path), segment_stream(storage, bucket, pieces),
                                 what="ffmpeg mp4 remux")  # fmt: skip
        except binaries.ToolError as exc:
            raise h.TranscodeFailed(str(exc), "merge-failed") from None
        data = binaries.probe_json(tools.ffprobe, mp4_path)
        mp4_duration = h._number((data.get("format") or {}).get("duration"))
        if not duration_matches(source_duration, mp4_duration):
            raise h.TranscodeFailed(f"mp4 {plan.mp4.name}: {mp4_duration} s, source {source_duration:.3f} s",
                                    "output-check-failed")  # fmt: skip
        mp4_entry = h._entry(out_dir, plan.mp4.mp4, out)
        r = plan.mp4
        renditions.append({
            "name": f"mp4-{r.name}", "type": "mp4", "width": r.width, "height": r.height, "videoCodec": "h264",
            "audioCodec": "aac" if plan.has_audio else None, "targetBitrate": r.bitrate_bps,
            "bitrate": int(mp4_entry.size * 8 / mp4_duration) if mp4_duration else None,
            "durationSeconds": round(mp4_duration or 0.0, 3), "sizeBytes": mp4_entry.size, "sha256": mp4_entry.sha256,
            "key": mp4_entry.key,
        })  # fmt: skip
        poster_part = next((res for res in results if "poster" in res), None)
        if poster_part is None:
            raise h.TranscodeFailed("no part wrote the poster", "ffmpeg-missing-outputs")
        top = plan.renditions[0]
        poster = {"key": out.key(POSTER), "width": top.width, "height": top.height,
                  "sizeBytes": poster_part["poster"]["sizeBytes"], "sha256": poster_part["poster"]["sha256"],
                  "atSeconds": plan.poster_at_seconds}  # fmt: skip
        h.upload_dir(storage, bucket, out_dir, out, own_directory=False)
    timings = {"split_s": job["splitSeconds"], "segments_s": [res["transcodeSeconds"] for res in results],
               "merge_s": round(time.monotonic() - t0, 3)}  # fmt: skip
    src = h.Source(job["source"]["bucket"], job["source"]["key"], job["etag"], int(job["source"]["sizeBytes"]))
    base = {**base, "key": src.key}
    result = h.finish(run, src, _source_info_back(job), plan, out, bucket, renditions, poster, timings, base,
                      parts=len(results), started=t0)  # fmt: skip
    if result["status"] == "done":
        # The job is over: its record goes too (a later event for this ETag starts a fresh job). Only our
        # own record: a newer job may have replaced it meanwhile.
        current = _load_job(storage, bucket, _job_key(job))
        if current is not None and current.get("attempt") == job["attempt"]:
            storage.delete(bucket, [_job_key(job)])
    return result


# -- helpers ----------------------------------------------------------------------------------------------


def part_results(storage: Any, bucket: str, job: Mapping[str, Any]) -> dict[int, dict[str, Any]]:
    """The job's part results by part index (the newest when a part wrote more than one)."""
    found: dict[int, dict[str, Any]] = {}
    for key in storage.list_keys(bucket, f"{job['workPrefix']}parts/"):
        name = key.rsplit("/", 1)[-1]
        if not (name.startswith("p") and name.endswith(".json")):
            continue
        try:
            index = int(name[1:6])
        except ValueError:
            continue
        data = storage.get_bytes(bucket, key)
        if data is None:
            continue
        try:
            found[index] = json.loads(data)
        except ValueError:
            continue
    return found


#: Segments fetched ahead of FFmpeg while the merge streams them (a few MB each: bounded memory).
PREFETCH_SEGMENTS = 8


def segment_stream(storage: Any, bucket: str, pieces: list[tuple[str, str]]) -> Iterator[bytes]:
    """The segments' bytes in order, each checked against the SHA-256 its part recorded (a segment that
    changed since, e.g. rewritten by a duplicate part, fails the merge, whose retry reads the part's newest
    result), fetched a few ahead on threads."""
    from concurrent.futures import ThreadPoolExecutor

    h = _handler()

    def fetch(piece: tuple[str, str]) -> bytes:
        key, digest = piece
        data = storage.get_bytes(bucket, key)
        if data is None:
            raise h.TranscodeFailed(f"segment {key} is missing", "merge-failed")
        if hashlib.sha256(data).hexdigest() != digest:
            raise h.TranscodeFailed(f"segment {key} changed since its part recorded it; retry", "merge-failed")
        return data

    with ThreadPoolExecutor(max_workers=4) as pool:
        window: deque[Any] = deque()
        for piece in pieces:
            window.append(pool.submit(fetch, piece))
            if len(window) >= PREFETCH_SEGMENTS:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def _load_job(storage: Any, bucket: str, key: str) -> dict[str, Any] | None:
    data = storage.get_bytes(bucket, key)
    if data is None:
        return None
    try:
        job = json.loads(data)
    except ValueError:
        return None
    return job if isinstance(job, dict) and job.get("jobVersion") in JOB_VERSIONS else None


def _job_key(job: Mapping[str, Any]) -> str:
    return f"{job['namespace']}{manifest.JOBS_DIR}{job['etag']}.json"


def _job_alive(storage: Any, bucket: str, job: Mapping[str, Any], run: Any) -> bool:
    """Whether a job may still have invocations in flight (activity within ``STALE_AFTER_SECONDS``)."""
    keys = storage.list_keys(bucket, job["namespace"])
    activity = manifest.attempt_activity(job["namespace"], keys).get(job["attempt"])
    if activity is None:
        return False
    from datetime import timedelta

    return activity[0] >= run.now() - timedelta(seconds=run.settings.stale_after_seconds)


def _layout(job: Mapping[str, Any]) -> manifest.Layout:
    return manifest.Layout(
        namespace=job["namespace"], manifest_key=job["namespace"] + manifest.MANIFEST_NAME,
        version_prefix=job["versionPrefix"], etag=job["etag"], attempt=job["attempt"],
    )  # fmt: skip


def _invoke_part(invoker: Any, job: Mapping[str, Any], index: int) -> None:
    payload = {"transcoderPart": {"bucket": job["outputBucket"], "jobKey": _job_key(job), "attempt": job["attempt"],
                                  "part": index}}  # fmt: skip
    invoker.invoke_worker(payload, _task_id("part", job, index))


def _invoke_merge(invoker: Any, job: Mapping[str, Any]) -> None:
    payload = {"transcoderMerge": {"bucket": job["outputBucket"], "jobKey": _job_key(job), "attempt": job["attempt"]}}
    invoker.invoke_merge(payload, _task_id("merge", job, None))


def _task_id(kind: str, job: Mapping[str, Any], index: int | None) -> str:
    """An FC async task id: readable (kind, ETag, part) and unique per invocation (a repeated invocation
    is never refused as a duplicate id; the handlers are idempotent instead)."""
    import secrets

    part = f"-{index:05d}" if index is not None else ""
    return f"{kind}-{job['etag'][:24]}{part}-{secrets.token_hex(6)}"


def _skip(base: Mapping[str, Any], reason: str) -> dict[str, Any]:
    _handler().log_decision(logging.INFO, "skip", reason=reason, **base)
    return {"status": "skipped", "reason": reason}


def _source_info(source: SourceInfo) -> dict[str, Any]:
    return {"width": source.width, "height": source.height, "durationSeconds": source.duration_seconds,
            "hasAudio": source.has_audio, "videoCodec": source.video_codec, "rotation": source.rotation,
            "sampleAspect": list(source.sample_aspect)}  # fmt: skip


def _source_info_back(job: Mapping[str, Any]) -> SourceInfo:
    i = job["sourceInfo"]
    return SourceInfo(width=int(i["width"]), height=int(i["height"]), duration_seconds=float(i["durationSeconds"]),
                      has_audio=bool(i["hasAudio"]), video_codec=str(i["videoCodec"]), rotation=int(i["rotation"]),
                      sample_aspect=tuple(i["sampleAspect"]))  # fmt: skip
