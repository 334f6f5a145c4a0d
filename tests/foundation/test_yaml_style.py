"""Every YAML file the project ships (stack files, the bootstrap project, the policy pack, the workflows) is
clean under yamllint with the repository's `.yamllint` (the default rules; 120 columns like the code)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
YAMLLINT = Path(sys.executable).parent / "yamllint"
TARGETS = ["stacks", "bootstrap", "policies", ".github", "Pulumi.yaml", ".yamllint"]


def _lint(*paths: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(YAMLLINT), "--strict", "-f", "parsable", *paths], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


def test_the_shipped_yaml_is_clean():
    proc = _lint(*TARGETS)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_repository_settings_catch_a_long_line_and_a_duplicate_key(tmp_path):
    (tmp_path / ".yamllint").write_text((ROOT / ".yamllint").read_text())
    bad = tmp_path / "Pulumi.bad.yaml"
    bad.write_text("config:\n  a: " + "x" * 130 + "\n  a: 2\n")
    proc = _lint(str(bad), cwd=tmp_path)
    assert proc.returncode != 0
    assert "line-length" in proc.stdout and "key-duplicates" in proc.stdout
