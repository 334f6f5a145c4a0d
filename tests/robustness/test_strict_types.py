"""The config model reads the file as strictly as its committed JSON Schema does: a YAML boolean or a quoted
number where an integer belongs is refused (lax parsing took `true` as 1 and `"5"` as 5, so `validate` and a
schema validator disagreed), naming the file and key, exit 2."""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import pytest

from livecommerce.cli import main

ROOT = Path(__file__).resolve().parents[2]


def validate(folder: Path) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", "dev", "--stacks-dir", str(folder)])
    return code, out.getvalue() + err.getvalue()


@pytest.mark.parametrize("value", ["true", '"5"', "1.5"])
def test_a_non_integer_min_size_is_refused(tmp_path: Path, value: str):
    shutil.copy(ROOT / "stacks" / "Pulumi.dev.yaml", tmp_path)
    path = tmp_path / "Pulumi.dev.yaml"
    text = path.read_text()
    assert "        min_size: 1\n" in text
    path.write_text(text.replace("        min_size: 1\n", f"        min_size: {value}\n", 1))
    code, output = validate(tmp_path)
    assert code == 2
    assert f"{path}: livecommerce:platform.node_pools[0].min_size: input should be a valid integer" in output
    assert "Traceback" not in output


def test_the_shipped_integer_still_parses(tmp_path: Path):
    shutil.copy(ROOT / "stacks" / "Pulumi.dev.yaml", tmp_path)
    code, output = validate(tmp_path)
    assert code == 0, output
