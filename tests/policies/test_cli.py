"""`livecommerce check`: exit codes, text and JSON output, the misconfigured-plan corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from livecommerce.cli import main
from livecommerce.plan import write_plan

from . import cases as C
from .harness import plan

CORPUS = Path(__file__).parent / "corpus"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text())


def test_the_corpus_is_complete():
    assert sorted(EXPECTED) == sorted(p.stem for p in CORPUS.glob("*.json"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_misconfigured_plan_fails_naming_resource_and_rule(name, capsys):
    """`livecommerce check --plan PLAN --env prod` refuses each gap, naming the resource (issue 18 acceptance)."""
    want = EXPECTED[name]
    assert main(["check", "--plan", str(CORPUS / f"{name}.json"), "--env", "prod", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    hits = [f for f in report["findings"] if f["rule"] == want["rule"] and f["status"] == "violation"]
    assert hits and {f["resource"] for f in hits} == {want["resource"]}
    assert all(f["level"] == "mandatory" for f in hits)


@pytest.mark.parametrize(
    "name",
    ["public-read-bucket-acl-resource", "administratoraccess-attachment", "privileged-container", "latest-image"],
)
def test_acceptance_text_output_names_resource_and_rule(name, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["check", "--plan", str(CORPUS / f"{name}.json")]) == 1
    out = capsys.readouterr().out
    assert EXPECTED[name]["rule"] in out and EXPECTED[name]["resource"] in out
    assert "MANDATORY" in out and "fix:" in out


def test_a_clean_plan_exits_0(tmp_path, capsys):
    path = tmp_path / "clean.json"
    write_plan(plan(C.BUCKET, C.ACL, C.BPA, C.SSE, C.VER, C.BPOLICY, C.LOGGING), path)
    assert main(["check", "--plan", str(path)]) == 0
    assert "passed" in capsys.readouterr().out


def test_plan_env_picks_the_levels(tmp_path, capsys):
    path = tmp_path / "p.json"
    write_plan(plan(C.mutate(C.ACK, C.drop("deletionProtection")), C.PROM, C.VSW_A, C.VSW_B), path)
    assert main(["check", "--plan", str(path)]) == 1  # prod by default
    assert main(["check", "--plan", str(path), "--env", "dev"]) == 0


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["check"], "missing STACK"),
        (["check", "prod", "--plan", "x.json"], "not both"),
        (["check", "qa"], "stacks/Pulumi.qa.yaml: no such stack"),
        (["check", "--plan", "x.json", "--env", "qa"], "unknown tier 'qa'"),
        (["check", "--plan", "x.json", "--tier", "qa"], "unknown tier 'qa'"),
        (["check", "--plan", "does-not-exist.json"], "no such plan file"),
    ],
)
def test_unusable_input_exits_2(argv, fragment, capsys):
    assert main(argv) == 2
    assert fragment in capsys.readouterr().err


def test_a_non_plan_file_exits_2(tmp_path, capsys):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"format": "something-else"}))
    assert main(["check", "--plan", str(path)]) == 2
    assert "format" in capsys.readouterr().err


def test_a_malformed_waivers_file_exits_2(tmp_path, capsys):
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n  - rule: alicloud-oss-bucket-disallow-public-acl\n")
    assert main(["check", "--plan", str(CORPUS / "latest-image.json"), "--waivers", str(waivers)]) == 2
    assert "w.yaml: waivers.0.resource" in capsys.readouterr().err


def test_an_expired_waiver_is_reported_but_fails_nothing_by_itself(tmp_path, capsys, monkeypatch):
    """Issue 18 item 6: a date alone never breaks the check; the plan here has no violation to uncover."""
    monkeypatch.setenv("COLUMNS", "250")
    path = tmp_path / "p.json"
    write_plan(plan(C.BUCKET, C.ACL, C.BPA, C.SSE, C.VER, C.BPOLICY, C.LOGGING), path)
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        yaml.safe_dump(
            {
                "waivers": [
                    {
                        "rule": "alicloud-oss-bucket-disallow-public-acl",
                        "resource": "media-acl",
                        "environments": ["prod"],
                        "reason": "Temporary public bucket for the launch event assets.",
                        "owner": "live-platform",
                        "expires": "2020-01-31",
                    }
                ]
            }
        )
    )
    assert main(["check", "--plan", str(path), "--waivers", str(waivers)]) == 0
    out = capsys.readouterr().out
    assert "expired waiver" in out and "2020-01-31" in out
