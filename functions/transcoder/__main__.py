"""Run the real handler on a real event against a local folder that mirrors the buckets.

    python -m functions.transcoder --event EVENT.json --storage DIR

DIR/<bucket>/<key> is the object ``<key>`` of bucket ``<bucket>``. Settings come from the same
environment variables as on Function Compute (docs/transcoder.md); unset ones take their defaults.
Exit status: 0 when every record was transcoded or skipped, 1 when the handler raised (the error is
printed as one ``error:`` line; FC would retry and then use the on-failure destination).
"""

from __future__ import annotations

import argparse
import logging
import sys
import types
import uuid
from collections.abc import Sequence
from pathlib import Path

from .handler import handler
from .storage import LocalStorage


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m functions.transcoder", description=__doc__.split("\n\n")[0])
    parser.add_argument("--event", required=True, type=Path, help="OSS event JSON file, as FC would deliver it")
    parser.add_argument("--storage", required=True, type=Path, help="folder mirroring the buckets: DIR/<bucket>/<key>")
    parser.add_argument("--quiet", action="store_true", help="only warnings and errors in the log")
    args = parser.parse_args(argv)
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
    try:
        print(handler(payload, context, storage=LocalStorage(args.storage)))
    except Exception as exc:  # the CLI mirrors FC: any raise is a failed invocation
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
