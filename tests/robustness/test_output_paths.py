"""Output paths (issue 18, item 14): `--out`/`--json` write through symlinks and into FIFOs and devices,
atomically only for regular files; a failed write leaves no hidden temporary file and names the user's path."""

from __future__ import annotations

import contextlib
import io
import os
import stat
import threading
from pathlib import Path

import pytest

from livecommerce import plan as plan_mod
from livecommerce.cli import main
from livecommerce.errors import UserError
from livecommerce.plan import write_plan, write_text_atomic
from tests.review.plans import platform


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    p = tmp_path / "plans" / "prod.json"
    write_plan(platform("prod"), p)
    return p


def leftovers(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir() if p.name.startswith("."))


def test_a_symlink_stays_a_link_and_its_target_gets_the_text(tmp_path, plan_file):
    real = tmp_path / "real.mmd"
    real.write_text("old")
    link = tmp_path / "graph.mmd"
    link.symlink_to(real.name)
    code, _, err = run(["graph", "--plan", str(plan_file), "--out", str(link)])
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == real.name
    assert real.read_text().startswith("flowchart")
    assert leftovers(tmp_path) == []


def test_a_dangling_symlink_creates_its_target(tmp_path, plan_file):
    link = tmp_path / "graph.mmd"
    link.symlink_to("made-by-livecommerce.mmd")
    code, _, err = run(["graph", "--plan", str(plan_file), "--out", str(link)])
    assert code == 0, err
    assert link.is_symlink() and (tmp_path / "made-by-livecommerce.mmd").read_text().startswith("flowchart")


def test_a_fifo_is_written_in_place_not_replaced(tmp_path, plan_file):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text()))
    reader.start()
    code, _, err = run(["diff", str(plan_file), str(plan_file), "--json", str(fifo)])
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert '"summary"' in got[0]


def test_dev_null_stays_a_device():
    before = os.stat("/dev/null")
    write_text_atomic("/dev/null", "nothing to see\n")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_dev_stdout_is_written_through_not_turned_into_a_file(tmp_path, plan_file):
    """`--out /dev/stdout` with stdout redirected to a file: the shell's file gets the text, in place."""
    out = tmp_path / "captured.txt"
    import subprocess
    import sys

    with open(out, "w") as fh:
        proc = subprocess.run([sys.executable, "-m", "livecommerce", "graph", "--plan", str(plan_file),
                               "--out", "/dev/stdout"], stdout=fh, stderr=subprocess.PIPE, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text()
    assert text.startswith("flowchart") and "graph written to /dev/stdout" in text
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_report_to_a_device_needs_a_data_dir(tmp_path, plan_file):
    code, _, err = run(["report", "prod", "--plan-dir", str(plan_file.parent), "--out", "/dev/null"])
    assert code == 2 and "--out /dev/null: is not a regular file" in err and "--data-dir" in err
    assert not Path("/dev/null-data").exists()
    code, _, err = run(["report", "prod", "--plan-dir", str(plan_file.parent), "--out", "/dev/null",
                        "--data-dir", str(tmp_path / "data")])
    assert code == 0, err
    assert (tmp_path / "data" / "summary.json").is_file()


def test_report_to_a_directory_is_refused_before_anything_is_written(tmp_path, plan_file):
    code, _, err = run(["report", "prod", "--plan-dir", str(plan_file.parent), "--out", str(tmp_path)])
    assert code == 2 and f"{tmp_path}: is a directory; give --out a file path" in err
    assert not (tmp_path.parent / f"{tmp_path.name}-data").exists()


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "plan.json"
    target.write_text("old")
    target.chmod(0o640)
    write_text_atomic(target, "new")
    assert target.read_text() == "new" and stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_failed_write_leaves_no_temporary_file_and_names_the_users_path(tmp_path, monkeypatch):
    target = tmp_path / "out" / "report.md"
    target.parent.mkdir()
    target.write_text("previous report")

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device", str(src))

    monkeypatch.setattr(plan_mod.os, "replace", failing_replace)
    with pytest.raises(UserError) as info:
        write_text_atomic(target, "new report")
    assert info.value.lines == [f"{target}: cannot write (No space left on device); check the path and its "
                                "permissions"]
    assert leftovers(target.parent) == []
    assert target.read_text() == "previous report"


def test_a_file_where_a_folder_should_be_is_one_line_naming_the_path(tmp_path, plan_file):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, err = run(["graph", "--plan", str(plan_file), "--out", str(blocker / "sub" / "g.mmd")])
    assert code == 2 and err.startswith(f"error: {blocker / 'sub' / 'g.mmd'}: {blocker} is a file")
    with pytest.raises(UserError, match=rf"^{blocker / 'sub' / 'g.mmd'}: cannot write \("):
        write_text_atomic(blocker / "sub" / "g.mmd", "x")


def test_an_output_directory_is_refused(tmp_path, plan_file):
    code, _, err = run(["graph", "--plan", str(plan_file), "--out", str(tmp_path)])
    assert code == 2 and err.strip().startswith(f"error: {tmp_path}: is a directory; give --out a file path")


def test_an_impossible_output_path_is_refused_before_the_preview_runs(tmp_path, monkeypatch):
    """`preview --json DIR` used to run the whole preview, then fail on the write."""
    import livecommerce.commands.preview as preview_cmd

    def no_preview(*args, **kwargs):
        raise AssertionError("the preview ran although its output path cannot be written")

    monkeypatch.setattr(preview_cmd, "_run_with_progress", no_preview)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for path, problem in ((tmp_path, f"is a directory; give --json a file path (e.g. {tmp_path / 'out.json'})"),
                          (blocker / "p.json", f"{blocker} is a file, not a folder; give --json another path")):
        code, _, err = run(["preview", "dev", "--json", str(path)])
        assert code == 2 and err.strip() == f"error: {path}: {problem}"


def test_a_symlinked_manifests_directory_stays_a_link(tmp_path):
    from livecommerce.manifests import write_manifests

    real = tmp_path / "real-k8s"
    real.mkdir()
    link = tmp_path / "k8s"
    link.symlink_to(real.name)
    written = write_manifests(platform("prod"), link)
    assert written and link.is_symlink()
    assert (real / ".livecommerce-manifests").is_file()
    assert leftovers(tmp_path) == []
