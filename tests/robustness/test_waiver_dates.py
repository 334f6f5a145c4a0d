"""Waiver dates (issue 18, item 6): an expired waiver is a finding in the report, never a failure by itself,
and the shipped waivers file carries no date that will pass (the access-logs bucket is exempt by rule)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml

from livecommerce import checking
from livecommerce.cli import main
from livecommerce.plan import write_plan
from livecommerce.review.report import adapt_policy_report
from tests.policies import cases as C
from tests.policies.harness import plan, res

ROOT = Path(__file__).resolve().parents[2]
LOGGING_RULE = "alicloud-oss-bucket-enable-access-logging"  # advisory in staging and prod
ACL_RULE = "alicloud-oss-bucket-disallow-public-acl"  # mandatory everywhere


def waiver(tmp_path: Path, rule: str, resource: str, expires: str) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(yaml.safe_dump({"waivers": [{
        "rule": rule, "resource": resource, "environments": ["prod"], "owner": "live-platform",
        "reason": "Accepted while the log pipeline is rebuilt for the new region.", "expires": expires}]}))
    return path


NO_LOGGING = plan(C.BUCKET, C.ACL, C.BPA, C.SSE, C.VER, C.BPOLICY)


def test_an_expired_waiver_of_an_advisory_rule_does_not_fail_the_check(tmp_path):
    path = waiver(tmp_path, LOGGING_RULE, "media", "2027-11-23")
    before = checking.evaluate(NO_LOGGING, "prod", waivers_path=path, today=dt.date(2027, 11, 23))
    assert [f.status for f in before.findings if f.rule == LOGGING_RULE] == ["waived"]
    after = checking.evaluate(NO_LOGGING, "prod", waivers_path=path, today=dt.date(2027, 11, 24))
    assert not after.failed and after.exit_code == 0  # was exit 1 from 2027-11-24 on, with no code change
    assert [(f.status, f.level) for f in after.findings if f.rule == LOGGING_RULE] == [("violation", "advisory")]
    assert [w["expires"] for w in after.expired_waivers] == ["2027-11-23"]
    assert after.to_dict()["summary"]["expiredWaivers"] == 1


def test_an_expired_waiver_of_a_mandatory_rule_fails_through_the_violation_it_no_longer_covers(tmp_path):
    bad = plan(C.BUCKET, C.mutate(C.ACL, C.setv(("acl",), "public-read")))
    report = checking.evaluate(bad, "prod", waivers_path=waiver(tmp_path, ACL_RULE, "media-acl", "2020-01-31"),
                               today=dt.date(2028, 1, 15))
    assert report.failed and ACL_RULE in [f.rule for f in report.mandatory]


def test_the_cli_prints_the_expiry_as_a_finding_and_exits_0(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    p = tmp_path / "p.json"
    write_plan(NO_LOGGING, p)
    waivers = waiver(tmp_path, LOGGING_RULE, "media", "2020-01-31")
    assert main(["check", "--plan", str(p), "--waivers", str(waivers)]) == 0
    out = capsys.readouterr().out
    assert "passed" in out and "expired waiver" in out and "2020-01-31" in out and "waives nothing" in out


def test_the_review_report_lists_an_expired_waiver_as_an_advisory_finding(tmp_path):
    report = checking.evaluate(NO_LOGGING, "prod", waivers_path=waiver(tmp_path, LOGGING_RULE, "media", "2020-01-31"),
                               today=dt.date(2028, 1, 15))
    result = adapt_policy_report(report)
    expired = [f for f in result.findings if "expired on 2020-01-31" in f.message]
    assert len(expired) == 1 and expired[0].enforcement == "advisory" and expired[0].resource == "media"
    assert result.mandatory == []


def test_the_shipped_waivers_file_carries_no_date():
    data = yaml.safe_load((ROOT / "policies" / "waivers.yaml").read_text())
    assert data == {"waivers": []}


def test_a_bucket_that_receives_other_buckets_access_logs_need_not_log_itself():
    logs = res(C.T["bucket"], "media-access-logs", {"bucket": "lc-logs", "tags": C.TAGS})
    # By reference: the target's name is an output of the log bucket (known in the plan, as the mocks give it).
    logging = res("alicloud:oss/bucketLogging:BucketLogging", "media-logging",
                  {"bucket": "lc-media", "targetBucket": "logs-by-output"},
                  deps={"bucket": [C.BUCKET], "targetBucket": [logs]})
    findings = checking.evaluate(plan(C.BUCKET, logs, logging), "prod", waivers_path=None).findings
    assert [f.resource for f in findings if f.rule == LOGGING_RULE] == []
    # ... by literal name too, and a bucket no one logs into still must log.
    literal = res("alicloud:oss/bucketLogging:BucketLogging", "media-logging",
                  {"bucket": "lc-media", "targetBucket": "lc-logs"})
    other = res(C.T["bucket"], "stray", {"bucket": "lc-stray", "tags": C.TAGS})
    findings = checking.evaluate(plan(C.BUCKET, logs, literal, other), "prod", waivers_path=None).findings
    assert [f.resource for f in findings if f.rule == LOGGING_RULE] == ["stray"]


def test_check_json_says_passed_with_an_expired_waiver(tmp_path, capsys):
    p = tmp_path / "p.json"
    write_plan(NO_LOGGING, p)
    assert main(["check", "--plan", str(p), "--json",
                 "--waivers", str(waiver(tmp_path, LOGGING_RULE, "media", "2020-01-31"))]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["passed"] is True and data["expiredWaivers"][0]["expires"] == "2020-01-31"
