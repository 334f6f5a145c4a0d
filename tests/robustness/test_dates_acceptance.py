"""Issue 18 acceptance, "no calendar date may break anything": with the clock at 2028-01-15 (and other days),
`validate`, `preview prod` and `check` on every stack succeed; a past event is a warning naming the real stack
file and a policy advisory; no shipped file carries a date that will pass. The clock is injected
(LIVECOMMERCE_NOW for the CLI, `now=` for the engine), never faked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from livecommerce import checking
from livecommerce.engine import run_preview
from stacks.clock import ENV_VAR
from tests.robustness.test_stack_file_input import run

ROOT = Path(__file__).resolve().parents[2]
STACKS = ("dev", "staging", "prod")


def test_with_the_clock_at_2028_01_15_validate_preview_and_check_succeed(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "2028-01-15")
    code, out, err = run(["validate"])
    assert code == 0, err
    code, out, err = run(["preview", "prod", "-q"])
    assert code == 0, err
    assert "live_events" not in out  # the shipped calendar is yearly: nothing is past, no warning
    for stack in STACKS:
        code, out, err = run(["check", stack])
        assert code == 0, (stack, err)


@pytest.mark.parametrize("moment", [
    datetime(2027, 6, 18, 13, 0, tzinfo=UTC),  # 21:00 in Shanghai: during the summer gala
    datetime(2027, 11, 24, tzinfo=UTC),  # the day the shipped waiver used to expire
    datetime(2031, 2, 28, 23, 59, tzinfo=UTC),
    datetime(2040, 11, 10, 12, 30, tzinfo=UTC),  # warm-up of the double-11 gala begun
], ids=lambda m: m.isoformat())
def test_the_prod_stack_previews_and_passes_its_checks_on_any_day(moment):
    result = run_preview("prod", now=moment)
    assert not [w for w in result.warnings if "live_events" in w]
    crons = [r for r in result.plan["resources"] if r["type"].endswith(":CronHorizontalPodAutoscaler")]
    assert crons, "the yearly galas always schedule their next occurrence"
    report = checking.evaluate(result.plan, "prod", today=moment.date())
    assert not report.failed and not report.expired_waivers


def test_a_past_event_is_a_warning_naming_the_real_stack_file_and_an_advisory(tmp_path, monkeypatch):
    stacks = tmp_path / "my-stacks"
    stacks.mkdir()
    for f in (ROOT / "stacks").glob("Pulumi.*.yaml"):
        shutil.copy(f, stacks)
    path = stacks / "Pulumi.prod.yaml"
    text = path.read_text()
    path.write_text(text.replace("    live_events:\n", "    live_events:\n      - {name: launch-2027, start: "
                                 '"2027-03-01T20:00", end: "2027-03-01T22:00", time_zone: Asia/Shanghai, '
                                 "peak_replicas: 20}\n", 1))
    monkeypatch.setenv(ENV_VAR, "2028-01-15")
    monkeypatch.setenv("COLUMNS", "400")
    code, out, err = run(["preview", "prod", "-q", "--stacks-dir", str(stacks)])
    assert code == 0, err
    assert f"warning: {path}: livecommerce:platform.live_events: live event 'launch-2027' ended at 2027-03-01T22:00" \
        in out
    assert "stacks/Pulumi.prod.yaml" not in out.replace(str(stacks), "")
    assert "kubernetes-autoscaling-hpa-disallow-past-live-events" in out and "launch-2027 are over" in out
    code, out, err = run(["check", "prod", "--stacks-dir", str(stacks)])
    assert code == 0 and "passed" in out, err
    # Before it, the one-off launch is scheduled like any event.
    monkeypatch.setenv(ENV_VAR, "2027-02-01")
    code, out, err = run(["preview", "prod", "-q", "--stacks-dir", str(stacks), "--no-policies"])
    assert code == 0 and "launch-2027" not in out, err


def test_the_real_cli_under_a_shifted_clock(tmp_path):
    """The shipped CLI as a user runs it, in its own process, with the clock moved by LIVECOMMERCE_NOW."""
    env = {**os.environ, ENV_VAR: "2028-01-15T09:00:00+08:00", "COLUMNS": "200"}
    proc = subprocess.run([sys.executable, "-m", "livecommerce", "check", "staging"], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "policy check staging: passed" in proc.stdout


SHIPPED_DATE = re.compile(r"\b(19|20)\d\d-[01]\d-[0-3]\d\b")


@pytest.mark.parametrize("path", [*(ROOT / "stacks").glob("Pulumi.*.yaml"), ROOT / "policies" / "waivers.yaml"],
                         ids=lambda p: p.name)
def test_no_shipped_file_carries_a_date_that_will_pass(path):
    assert SHIPPED_DATE.findall(path.read_text()) == []
