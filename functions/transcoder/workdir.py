"""Local work directories that a killed run cannot leak (issue 18 item 3).

FC reuses an instance for later requests. A run killed at its timeout (or by OOM) never reaches its
``finally``: its work directory, with a source of up to several GB, would stay on the instance's disk
until the disk is full. So every run works in ``<root>/run-*/`` and holds an exclusive ``flock`` on
``run-*/.lock`` for as long as it lives. The kernel drops the lock when the process dies, however it
dies, so at the start of every run each ``run-*`` directory whose lock can be taken belongs to a dead
run and is deleted. Directories of live runs (the local ``--workers N`` processes share one root) stay.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from types import TracebackType

logger = logging.getLogger("transcoder")

LOCK_NAME = ".lock"
# A directory without its lock file is a run that died between mkdir and open (microseconds); one
# this old cannot be a live run still starting.
UNLOCKED_GRACE_SECONDS = 600


def default_root() -> Path:
    """``$TMPDIR/transcoder-work`` (``/tmp`` on FC, the only writable disk there)."""
    return Path(tempfile.gettempdir()) / "transcoder-work"


def clean_stale(root: Path, *, now: float | None = None) -> list[Path]:
    """Delete the work directories of dead runs under ``root``; returns them."""
    removed: list[Path] = []
    if not root.is_dir():
        return removed
    now = time.time() if now is None else now
    for path in sorted([*root.glob("run-*"), *root.glob(".starting-*")]):
        if not path.is_dir() or path.is_symlink():
            continue
        if path.name.startswith(".starting-"):
            # A run sets up under this name for microseconds before it renames to `run-*`; only an old
            # one is a run that died while starting.
            try:
                if now - path.stat().st_mtime < UNLOCKED_GRACE_SECONDS:
                    continue
            except FileNotFoundError:
                continue
        lock = path / LOCK_NAME
        try:
            fd = os.open(lock, os.O_RDWR)
        except FileNotFoundError:
            try:
                if now - path.stat().st_mtime < UNLOCKED_GRACE_SECONDS:
                    continue
            except FileNotFoundError:
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue  # a live run holds it
        try:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


class WorkDir:
    """``with WorkDir() as path:`` a fresh, locked work directory; stale ones are cleaned first."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_root()
        self.path: Path | None = None
        self._fd: int | None = None

    def __enter__(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        removed = clean_stale(self.root)
        if removed:
            logger.info("%s", f'{{"decision": "note", "reason": "stale-work-dirs-removed", "count": {len(removed)}}}')
        # Set up under a name clean_stale ignores, lock, then rename into `run-*`: a directory is never
        # visible as `run-*` without its lock held (else a concurrent run could take the lock first and
        # delete it). A run that dies before the rename leaves a `.starting-*` that clean_stale removes.
        starting = Path(tempfile.mkdtemp(prefix=".starting-", dir=self.root))
        self._fd = os.open(starting / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._fd, fcntl.LOCK_EX)
        self.path = self.root / ("run-" + starting.name[len(".starting-"):])
        os.rename(starting, self.path)
        return self.path

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            if self.path is not None:
                shutil.rmtree(self.path, ignore_errors=True)
        finally:
            if self._fd is not None:
                os.close(self._fd)
