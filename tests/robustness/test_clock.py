"""The clock (issue 18, item 6): one reader of `LIVECOMMERCE_NOW` (stacks/clock.py), used by the CLI for waiver
expiry and by the program for the calendar; a bad value is exit 2 with one line."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import yaml

from livecommerce.cli import main
from livecommerce.plan import write_plan
from stacks.clock import ENV_VAR, ClockError, now, parse_now
from tests.policies import cases as C
from tests.policies.harness import plan


@pytest.mark.parametrize(("text", "expected"), [
    ("2028-01-15", datetime(2028, 1, 15, tzinfo=UTC)),
    ("2028-01-15T09:00:00+08:00", datetime(2028, 1, 15, 1, tzinfo=UTC)),
    ("2028-01-15T01:00:00Z", datetime(2028, 1, 15, 1, tzinfo=UTC)),
    (" 2028-01-15T01:00Z ", datetime(2028, 1, 15, 1, tzinfo=UTC)),
])
def test_parse_now(text, expected):
    got = parse_now(text)
    assert got == expected and got.utcoffset() is not None


@pytest.mark.parametrize("text", ["2028-01-15T09:00", "tomorrow", "2028-13-01", "15/01/2028"])
def test_a_moment_without_an_offset_or_not_iso_is_refused(text):
    with pytest.raises(ClockError, match=f"{ENV_VAR}: .* is not an ISO 8601 moment with a UTC offset"):
        parse_now(text)


def test_now_reads_the_variable_or_the_system_clock():
    assert now({ENV_VAR: "2031-02-28"}) == datetime(2031, 2, 28, tzinfo=UTC)
    assert now({}).tzinfo is UTC and now({ENV_VAR: "  "}).tzinfo is UTC  # unset or blank: the system clock


def test_a_bad_clock_is_one_error_line_on_every_command_that_reads_dates(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(ENV_VAR, "next tuesday")
    p = tmp_path / "p.json"
    write_plan(plan(C.BUCKET), p)
    for argv in (["check", "--plan", str(p)], ["preview", "dev", "-q"]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith(f"error: {ENV_VAR}: 'next tuesday' is not an ISO 8601 moment")


def test_the_clock_reaches_waiver_expiry(tmp_path, monkeypatch, capsys):
    p = tmp_path / "p.json"
    write_plan(plan(C.BUCKET, C.ACL, C.BPA, C.SSE, C.VER, C.BPOLICY), p)
    waivers = tmp_path / "w.yaml"
    waivers.write_text(yaml.safe_dump({"waivers": [{
        "rule": "alicloud-oss-bucket-enable-access-logging", "resource": "media", "environments": ["prod"],
        "owner": "live-platform", "reason": "Accepted while the log pipeline is rebuilt.", "expires": "2027-11-23"}]}))
    argv = ["check", "--plan", str(p), "--json", "--waivers", str(waivers)]
    for moment, expired in (("2027-11-23T23:59:00+08:00", False), ("2027-11-24T00:00:00Z", True)):
        monkeypatch.setenv(ENV_VAR, moment)
        assert main(argv) == 0
        report = json.loads(capsys.readouterr().out)
        assert bool(report["expiredWaivers"]) is expired, moment
