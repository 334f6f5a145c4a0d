"""Waivers: matching by name or URN pattern and environment, expiry (exit 1), malformed files (exit 2)."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from livecommerce import checking
from livecommerce.errors import UserError

from . import cases as C
from .harness import plan

TODAY = dt.date(2026, 11, 23)
RULE = "alicloud-oss-bucket-disallow-public-acl"
BAD = plan(C.BUCKET, C.mutate(C.ACL, C.setv(("acl",), "public-read")))


def waivers(tmp_path, body: str):
    path = tmp_path / "waivers.yaml"
    path.write_text(textwrap.dedent(body))
    return path


def entry(resource="media-acl", envs="[prod]", expires="2027-01-31", rule=RULE):
    return f"""
      - rule: {rule}
        resource: "{resource}"
        environments: {envs}
        reason: The bucket hosts the public storefront assets behind the CDN.
        owner: live-platform
        expires: {expires}
    """


def run(path, env="prod"):
    return checking.evaluate(BAD, env, waivers_path=path, today=TODAY)


def test_a_matching_waiver_turns_the_violation_into_waived(tmp_path):
    report = run(waivers(tmp_path, "waivers:" + entry()))
    got = [f for f in report.findings if f.rule == RULE]
    assert [f.status for f in got] == ["waived"]
    assert got[0].waiver_owner == "live-platform" and got[0].waiver_expires == "2027-01-31"
    assert not any(f.rule == RULE for f in report.mandatory)


def test_unwaived_the_same_plan_fails():
    assert any(f.rule == RULE for f in checking.evaluate(BAD, "prod", waivers_path=None).mandatory)


@pytest.mark.parametrize("pattern", ["media-*", "urn:pulumi:prod::*::media-acl", "*BucketAcl::media-acl"])
def test_name_and_urn_patterns(tmp_path, pattern):
    report = run(waivers(tmp_path, "waivers:" + entry(resource=pattern)))
    assert [f.status for f in report.findings if f.rule == RULE] == ["waived"]


def test_a_waiver_for_another_environment_does_not_apply(tmp_path):
    report = run(waivers(tmp_path, "waivers:" + entry(envs="[dev]")))
    assert [f.status for f in report.findings if f.rule == RULE] == ["violation"]
    assert report.failed


def test_a_waiver_for_another_resource_does_not_apply_and_is_reported_unused(tmp_path):
    report = run(waivers(tmp_path, "waivers:" + entry(resource="other-*")))
    assert report.failed
    assert [w["resource"] for w in report.unused_waivers] == ["other-*"]


def test_an_expired_waiver_fails_the_check_and_waives_nothing(tmp_path):
    report = run(waivers(tmp_path, "waivers:" + entry(expires="2026-11-22")))
    assert report.failed and report.exit_code == 1
    assert [w["expires"] for w in report.expired_waivers] == ["2026-11-22"]
    assert [f.status for f in report.findings if f.rule == RULE] == ["violation"]


def test_a_waiver_is_valid_through_its_expiry_day(tmp_path):
    report = run(waivers(tmp_path, "waivers:" + entry(expires="2026-11-23")))
    assert not report.expired_waivers
    assert [f.status for f in report.findings if f.rule == RULE] == ["waived"]


def test_an_expired_waiver_for_another_environment_is_ignored(tmp_path):
    clean = plan(C.BUCKET, C.ACL, C.BPA, C.SSE, C.VER, C.BPOLICY, C.LOGGING)
    assert not checking.evaluate(clean, "prod", waivers_path=None).failed
    report = checking.evaluate(
        clean,
        "prod",
        waivers_path=waivers(tmp_path, "waivers:" + entry(envs="[dev]", expires="2020-01-01")),
        today=TODAY,
    )
    assert not report.expired_waivers and not report.failed


@pytest.mark.parametrize(
    "body, fragment",
    [
        ("waivers:\n  - rule: x\n", "waivers.0.resource"),
        ("waivers:" + entry(expires="next-year"), "waivers.0.expires"),
        ("waivers:" + entry(rule="alicloud-oss-bucket-no-such-rule"), "no rule named"),
        ("waivers:" + entry(envs="[qa]"), "unknown environment 'qa'"),
        (
            "waivers:"
            + entry().replace("reason: The bucket hosts the public storefront assets behind the CDN.", "reason: ok"),
            "waivers.0.reason",
        ),
        ("waivers:" + entry() + "    ticket: LC-1\n", "waivers.0.ticket"),
        ("waivers: [\n", "invalid YAML"),
        ("exceptions: []\n", "exceptions"),
    ],
)
def test_a_malformed_file_is_a_user_error_naming_file_and_key(tmp_path, body, fragment):
    with pytest.raises(UserError) as err:
        run(waivers(tmp_path, body))
    text = str(err.value)
    assert fragment in text and "waivers.yaml" in text


def test_the_shipped_waivers_file_is_valid_and_every_waiver_is_justified():
    shipped = checking.load_waivers(
        checking.WAIVERS_PATH, {p.name for p in checking._pack().POLICIES}, set(checking.environments())
    )
    for w in shipped:
        assert len(w.reason.split()) >= 5 and w.owner
