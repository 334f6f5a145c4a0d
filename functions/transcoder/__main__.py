"""Run the real handler on a real event against a local folder that mirrors the buckets.

    python -m functions.transcoder --event EVENT.json --storage DIR [--workers N]

DIR/<bucket>/<key> is the object ``<key>`` of bucket ``<bucket>``. Settings come from the same
environment variables as on Function Compute (docs/transcoder.md); unset ones take their defaults.
With ``SPLIT_SEGMENT_SECONDS`` set, a long source is split, its parts transcoded by N local worker
processes standing in for FC instances (retried like FC's async retries), and merged.
Exit status: 0 when every record was transcoded or skipped, 1 when the handler (or a part, after its
retries) failed (the error is printed as one ``error:`` line; FC would retry and then use the
on-failure destination).
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import sys
import types
import uuid
from collections.abc import Sequence
from pathlib import Path

from .handler import handler
from .invoke import RecordingInvoker
from .local import LocalDispatcher
from .storage import LocalStorage


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m functions.transcoder", description=__doc__.split("\n\n")[0])
    parser.add_argument("--event", required=True, type=Path, help="OSS event JSON file, as FC would deliver it")
    parser.add_argument("--storage", required=True, type=Path, help="folder mirroring the buckets: DIR/<bucket>/<key>")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="local worker processes for split jobs (default 1)")  # fmt: skip
    parser.add_argument("--quiet", action="store_true", help="only warnings and errors in the log")
    args = parser.parse_args(argv)
    if not 1 <= args.workers <= 64:
        print(f"error: --workers {args.workers}: use 1 to 64", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO, format="%(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )  # fmt: skip
    if not args.storage.is_dir():
        print(f"error: --storage {args.storage}: not a directory (expected DIR/<bucket>/<key>)", file=sys.stderr)
        return 2
    try:
        payload = args.event.read_bytes()
    except OSError as exc:
        print(f"error: --event {args.event}: {exc.strerror}", file=sys.stderr)
        return 2
    context = types.SimpleNamespace(request_id=f"local-{uuid.uuid4()}")
    invoker = RecordingInvoker()
    try:
        summary = json.loads(handler(payload, context, storage=LocalStorage(args.storage), invoker=invoker))
    except Exception as exc:  # the CLI mirrors FC: any raise is a failed invocation
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if invoker.calls:
        outcomes = LocalDispatcher(functools.partial(LocalStorage, args.storage), workers=args.workers).run(
            invoker.calls
        )
        failed = [o for o in outcomes if o.error]
        merged = [o.result for o in outcomes if o.kind == "merge" and o.result]
        done = next((r for r in merged if r.get("status") == "done"), merged[0] if merged else None)
        summary["invocations"] = {"parts": sum(o.kind == "worker" for o in outcomes),
                                  "merges": len(merged), "failed": len(failed)}  # fmt: skip
        if done:
            summary["results"] = [{**r, **done} if r.get("status") in ("dispatched", "resumed") else r
                                  for r in summary["results"]]  # fmt: skip
        if failed:
            print(json.dumps(summary, sort_keys=True))
            print(f"error: {failed[0].kind} {failed[0].payload}: {failed[0].error} (after {failed[0].attempts} "
                  "attempts)", file=sys.stderr)  # fmt: skip
            return 1
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
