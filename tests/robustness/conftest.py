"""The shipped stack files copied into a temporary folder, for tests that edit them and pass `--stacks-dir`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def stacks(tmp_path: Path) -> Path:
    d = tmp_path / "stacks"
    d.mkdir()
    for f in (ROOT / "stacks").glob("Pulumi.*.yaml"):
        shutil.copy(f, d)
    return d
