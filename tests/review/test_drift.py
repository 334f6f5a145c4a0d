"""`livecommerce drift`: a `pulumi refresh --preview-only --json` document as a report, dangers first."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from livecommerce.errors import UserError
from livecommerce.review import drift

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).parent / "fixtures" / "prod.refresh.json"
LC = [sys.executable, "-m", "livecommerce"]


@pytest.fixture()
def report():
    return drift.load_refresh(FIXTURE, "prod")


def test_in_sync_drifted_and_gone_are_counted_without_pulumi_internal_resources(report):
    assert (report.in_sync, report.drifted, report.gone) == (1, 3, 2)
    assert report.stack == "prod" and not report.clean


def test_changed_properties_carry_recorded_and_cloud_values(report):
    pool = next(c for c in report.diff.changes if c.name == "prod-node-pools-steady")
    assert [(p.path, p.old, p.new) for p in pool.properties] == [
        ("scalingConfig.maxSize", 60, 80), ("tags.hotfix", drift.ABSENT, "gala-2026")]


def test_a_stateful_resource_gone_is_a_danger_and_access_drift_is_security(report):
    (danger,) = report.diff.dangers
    assert danger.name == "prod-media-output-bucket" and "objects in the bucket" in danger.danger
    names = {u.rsplit("::", 1)[-1] for u in report.security}
    assert names == {"prod-media-input-bucket-https-only", "prod-media-execution-role"}


def test_secrets_stay_secret(report):
    contact = next(c for c in report.diff.changes if c.type.endswith("AlertContact"))
    (prop,) = contact.properties
    assert (prop.old, prop.new) == ("[secret]", "[secret]")
    assert "[secret]" in drift.render_markdown(report)


def test_markdown_is_summary_first_with_a_caution_block(report):
    md = drift.render_markdown(report)
    lines = md.splitlines()
    assert lines[0] == "<!-- livecommerce-drift:prod -->" and lines[1] == "## Drift: `prod`"
    assert lines.index("| `prod` | 1 | 3 | 2 | ⚠️ 1 | 2 | 0 |") < lines.index("> [!CAUTION]")
    assert md.index("> [!CAUTION]") < md.index("**Changed in the cloud** (3)")
    assert "`scalingConfig.maxSize`: `60` → `80`" in md


def test_refresh_errors_are_reported_and_a_clean_refresh_says_so():
    doc = {"steps": [{"op": "refresh", "urn": "urn:pulumi:dev::livecommerce::alicloud:vpc/network:Network::v",
                      "oldState": {"type": "alicloud:vpc/network:Network"}}],
           "diagnostics": [{"severity": "error", "message": "Forbidden.RAM: User not authorized\n",
                            "urn": "urn:pulumi:dev::livecommerce::alicloud:vpc/network:Network::v"}]}
    r = drift.parse_refresh(doc, "dev")
    assert r.errors == ("v: Forbidden.RAM: User not authorized",) and not r.clean
    assert "**Refresh errors**" in drift.render_markdown(r)
    clean = drift.parse_refresh({"steps": doc["steps"]}, "dev")
    assert clean.clean and "No drift" in drift.render_markdown(clean)


def test_a_big_drift_fits_one_issue():
    steps = [{"op": "update", "urn": f"urn:pulumi:prod::livecommerce::alicloud:vpc/switch:Switch::s{i}",
              "oldState": {"type": "alicloud:vpc/switch:Switch", "outputs": {f"p{j}": "a" * 50 for j in range(20)}},
              "newState": {"type": "alicloud:vpc/switch:Switch", "outputs": {f"p{j}": "b" * 50 for j in range(20)}},
              "detailedDiff": {f"p{j}": {"kind": "update", "inputDiff": False} for j in range(20)}}
             for i in range(400)]
    md = drift.render_markdown(drift.parse_refresh({"steps": steps}, "prod"))
    assert len(md) < 60_000 and "| `prod` | 0 | 400 | 0 |" in md


def test_cli_writes_markdown_and_json_and_fails_on_drift_when_asked(tmp_path):
    out, data = tmp_path / "prod.md", tmp_path / "prod.json"
    proc = subprocess.run([*LC, "drift", str(FIXTURE), "--env", "prod", "--out", str(out), "--json", str(data)],
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("livecommerce drift: prod")
    assert out.read_text().startswith("<!-- livecommerce-drift:prod -->")
    summary = json.loads(data.read_text())["summary"]
    assert summary == {"inSync": 1, "drifted": 3, "gone": 2, "danger": 1, "security": 2, "errors": 0}
    proc = subprocess.run([*LC, "drift", str(FIXTURE), "--env", "prod", "--fail-on-drift"], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 1


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "invalid JSON"), ('{"steps": {}}', "not the JSON of `pulumi refresh"),
    ('{"steps": [{"op": "update"}]}', "steps[0] has no urn"),
])
def test_bad_refresh_files_are_one_error(tmp_path, capsys, content, message):
    from livecommerce.cli import main

    path = tmp_path / "r.json"
    path.write_text(content)
    with pytest.raises(UserError, match=message.replace("[", r"\[")):
        drift.load_refresh(path, "prod")
    assert main(["drift", str(path), "--env", "prod"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


@pytest.mark.parametrize(("content", "message"), [
    ("\ufeff{}".encode("utf-16"), "UTF-16-encoded"),
    (b'{"steps": [], "x": "caf\xe9"}', "is not UTF-8"),
    (json.dumps({"format": "livecommerce.plan/v1", "project": "livecommerce", "stack": "prod",
                 "resources": [], "outputs": {}}).encode(), "a livecommerce.plan/v1 file, not the JSON"),
    (json.dumps({"version": 3, "deployment": {"resources": []}}).encode(), "a `pulumi stack export`, not"),
])
def test_a_file_that_is_no_refresh_is_refused_in_one_line(tmp_path, capsys, content, message):
    # A Windows editor's UTF-16 was a UnicodeDecodeError traceback; the plan or the stack export CI keeps
    # next to the refresh read as "No drift", exit 0.
    from livecommerce.cli import main

    path = tmp_path / "r.json"
    path.write_bytes(content)
    assert main(["drift", str(path), "--env", "prod", "--fail-on-drift"]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_directory_is_refused_in_one_line(tmp_path, capsys):
    from livecommerce.cli import main

    assert main(["drift", str(tmp_path), "--env", "prod"]) == 2
    assert "is a directory" in capsys.readouterr().err
