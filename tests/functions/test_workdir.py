"""Issue 18 item 3: a killed run leaves no FFmpeg and no work directory behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from functions.transcoder.workdir import LOCK_NAME, UNLOCKED_GRACE_SECONDS, WorkDir, clean_stale

ROOT = Path(__file__).parents[2]


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_ffmpeg_dies_when_its_parent_is_killed(tools, tmp_path):
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from functions.transcoder import binaries
        binaries.run([{tools.ffmpeg!r}, "-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i",
                      "testsrc2=size=64x64:rate=5:duration=120", "-f", "null", "-"], what="long ffmpeg")
    """)
    parent = subprocess.Popen([sys.executable, "-c", script])
    try:
        deadline = time.monotonic() + 30
        kids: list[int] = []
        while not kids and time.monotonic() < deadline:
            time.sleep(0.1)
            kids = children_of(parent.pid)
        assert kids, "the parent never started FFmpeg"
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(alive(k) for k in kids) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(k) for k in kids), "FFmpeg outlived its killed parent"
    finally:
        for k in children_of(parent.pid):
            os.kill(k, signal.SIGKILL)
        if parent.poll() is None:
            parent.kill()


def test_stale_directories_go_and_live_ones_stay(tmp_path):
    root = tmp_path / "work"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from functions.transcoder.workdir import WorkDir
        with WorkDir(Path({str(root)!r})) as path:
            print(path, flush=True)
            time.sleep(60)
    """)], stdout=subprocess.PIPE, text=True)  # fmt: skip
    try:
        live = Path(holder.stdout.readline().strip())
        dead = root / "run-dead"
        dead.mkdir(parents=True)
        (dead / LOCK_NAME).write_text("")
        (dead / "source.mp4").write_bytes(b"x")
        starting = root / "run-starting"  # no lock yet: a run still starting (within the grace period)
        starting.mkdir()
        old = root / "run-old-nolock"
        old.mkdir()
        os.utime(old, (time.time() - UNLOCKED_GRACE_SECONDS - 5,) * 2)
        (root / "other").mkdir()
        removed = clean_stale(root)
        assert sorted(p.name for p in removed) == ["run-dead", "run-old-nolock"]
        assert live.is_dir() and starting.is_dir() and (root / "other").is_dir()
        holder.kill()
        holder.wait(timeout=10)
        assert clean_stale(root) == [live]  # the kernel dropped the dead holder's lock
        assert starting.is_dir()
    finally:
        if holder.poll() is None:
            holder.kill()


def test_workdir_removes_itself(tmp_path):
    with WorkDir(tmp_path) as path:
        (path / "f").write_text("x")
    assert not path.exists()


def test_a_directory_is_never_visible_unlocked(tmp_path, monkeypatch):
    """Between creating the lock file and taking the lock, a concurrent clean_stale must not find it."""
    import fcntl as real_fcntl

    from functions.transcoder import workdir

    seen = []
    real = real_fcntl.flock

    def flock_and_look(fd, op):
        if op == real_fcntl.LOCK_EX:  # the holder is about to lock: what would a concurrent run see now?
            seen.append(sorted(p.name for p in tmp_path.glob("run-*")))
            assert clean_stale(tmp_path) == []
        return real(fd, op)

    monkeypatch.setattr(workdir.fcntl, "flock", flock_and_look)
    with WorkDir(tmp_path) as path:
        assert path.name.startswith("run-") and (path / LOCK_NAME).is_file()
    assert seen == [[]]


def test_a_run_that_died_while_starting_is_cleaned(tmp_path):
    starting = tmp_path / ".starting-abc"
    starting.mkdir()
    (starting / LOCK_NAME).write_text("")
    assert clean_stale(tmp_path) == []  # it may be a run starting right now
    os.utime(starting, (time.time() - UNLOCKED_GRACE_SECONDS - 5,) * 2)
    assert clean_stale(tmp_path) == [starting]
