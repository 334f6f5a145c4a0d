"""The deterministic code zip the media component deploys."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from functions.transcoder.packaging import HANDLER, code_sha256, package_code

SRC = Path(__file__).parents[2] / "functions" / "transcoder"


def names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_same_tree_same_bytes_wherever_and_whenever_it_was_checked_out(tmp_path):
    copy = tmp_path / "elsewhere" / "transcoder"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for path in copy.rglob("*"):
        path.touch()  # new mtimes
        if path.is_file():
            path.chmod(0o755)  # and other permissions
    assert package_code(copy) == package_code(SRC)
    assert code_sha256(copy) == code_sha256(SRC)


def test_any_code_change_changes_the_digest(tmp_path):
    copy = tmp_path / "transcoder"
    shutil.copytree(SRC, copy)
    before = code_sha256(copy)
    (copy / "settings.py").write_text((copy / "settings.py").read_text() + "\n# changed\n")
    assert code_sha256(copy) != before


def test_entries_are_sorted_with_fixed_times_and_modes():
    archive = zipfile.ZipFile(io.BytesIO(package_code(SRC)))
    infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_exclusions(tmp_path):
    copy = tmp_path / "transcoder"
    shutil.copytree(SRC, copy)
    for junk in ("__pycache__/handler.cpython-311.pyc", "tests/test_x.py", "examples/e.json", "stray.pyc", ".DS_Store"):
        (copy / junk).parent.mkdir(parents=True, exist_ok=True)
        (copy / junk).write_text("junk")
    listed = names(package_code(copy))
    assert listed == names(package_code(SRC))
    assert "index.py" in listed and "transcoder/handler.py" in listed
    assert not any("__pycache__" in n or "examples" in n or "tests" in n or n.endswith(".pyc") for n in listed)


def test_not_the_source_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="no handler.py"):
        package_code(tmp_path)


def test_zip_imports_the_way_fc_loads_it(tmp_path):
    zipfile.ZipFile(io.BytesIO(package_code(SRC))).extractall(tmp_path)
    module, function = HANDLER.split(".")
    # A fresh interpreter with only the code root on sys.path, like FC.
    code = f"import {module}; print(callable({module}.{function}), {module}.{function}.__module__)"
    out = subprocess.run(
        [sys.executable, "-E", "-s", "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["True", "transcoder.handler"]


def test_shipped_code_is_python_39_syntax_with_only_stdlib_and_oss2_imports():
    # FC runs python3.10 (or 3.9); the venv here is 3.11, so guard the syntax and the imports.
    import ast

    allowed = set(sys.stdlib_module_names) | {"oss2", "transcoder"}
    for name in names(package_code(SRC)):
        if not name.endswith(".py"):
            continue
        source = zipfile.ZipFile(io.BytesIO(package_code(SRC))).read(name).decode()
        tree = ast.parse(source, filename=name, feature_version=(3, 9))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert roots <= allowed, f"{name} imports {roots - allowed}"
