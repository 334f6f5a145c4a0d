"""The GitHub workflows: valid against the GitHub workflow schema, clean under actionlint and zizmor (no
medium or high finding), third-party actions pinned by commit SHA, least-privilege permissions, keyless
cloud access (GitHub OIDC, no AccessKey secret), and the shape the review and deploy processes depend on
(sticky comment, base worktree, deploy order through GitHub environments, in-VPC runners, drift)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
BIN = Path(sys.executable).parent
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")


def _load(path: Path) -> dict:
    # PyYAML reads the `on:` key as True; map it back.
    data = yaml.safe_load(path.read_text())
    if True in data:
        data["on"] = data.pop(True)
    return data


def _steps(wf: dict):
    for job_id, job in wf["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


CREDENTIALS_ACTION = "aliyun/configure-aliyun-credentials-action@"
GITHUB_HOSTED = re.compile(r"^(ubuntu|windows|macos)-")


def test_there_are_review_deploy_drift_and_first_deploy_workflows():
    assert {p.name for p in WORKFLOWS} >= {"review.yml", "deploy.yml", "drift.yml", "first-deploy.yml"}


def test_workflows_pass_actionlint():
    proc = subprocess.run([str(BIN / "actionlint"), "-no-color", *map(str, WORKFLOWS)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
                   "      - run: echo ${{ github.event.nope.title }}\n        if: ${{ matrix.missing }}\n")
    proc = subprocess.run([str(BIN / "actionlint"), "-no-color", str(bad)], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode != 0 and "matrix" in proc.stdout


def test_workflows_validate_against_the_github_workflow_schema():
    tool = BIN / "check-jsonschema"
    proc = subprocess.run([str(tool), "--builtin-schema", "vendor.github-workflows", *map(str, WORKFLOWS)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def serious_findings(paths: list[Path]) -> list[tuple[str, str, str]]:
    """zizmor --offline findings of medium or high severity: (audit, severity, location)."""
    proc = subprocess.run([str(BIN / "zizmor"), "--offline", "--format", "json", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, *range(10, 15)), proc.stderr  # zizmor exits 1x when it finds something
    return [(f["ident"], f["determinations"]["severity"], f["locations"][0]["symbolic"]["key"])
            for f in json.loads(proc.stdout or "[]") if f["determinations"]["severity"] in ("Medium", "High")]


def test_zizmor_offline_reports_no_medium_or_high_finding():
    assert serious_findings(WORKFLOWS) == []


def test_zizmor_check_catches_an_unsafe_workflow(tmp_path):
    bad = tmp_path / ".github" / "workflows" / "bad.yml"
    bad.parent.mkdir(parents=True)
    bad.write_text("name: bad\non: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
                   "      - uses: actions/checkout@v4\n"
                   "      - run: echo \"${{ github.event.pull_request.title }}\"\n")
    found = {ident for ident, _, _ in serious_findings([bad])}
    assert {"template-injection", "unpinned-uses", "dangerous-triggers"} <= found


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_by_sha_with_a_version_comment(path):
    text = path.read_text()
    uses = re.findall(r"^\s*(?:-\s+)?uses:\s*(\S+)(.*)$", text, re.M)
    assert uses
    for ref, comment in uses:
        if ref.startswith("./"):
            continue
        assert PINNED.match(ref), f"{path.name}: {ref} is not pinned by a full commit SHA"
        assert re.search(r"#\s*v\d", comment), f"{path.name}: {ref} lacks a `# vX` comment"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_least_privilege_permissions(path):
    wf = _load(path)
    assert wf.get("permissions") == {}, "the workflow default grants nothing"
    for job_id, job in wf["jobs"].items():
        assert "permissions" in job, f"{path.name}: job {job_id} declares no permissions"
        perms = job["permissions"]
        assert perms == {} or set(perms.values()) <= {"read", "write"}
        writes = {k for k, v in perms.items() if v == "write"}
        assert writes <= {"pull-requests", "id-token", "issues"}, f"{path.name}: {job_id} writes {writes}"
        assert "contents" not in writes
        signs_in = any(str(s.get("uses", "")).startswith(CREDENTIALS_ACTION) for s in job.get("steps", []))
        assert ("id-token" in writes) == signs_in, f"{path.name}: {job_id} asks for an OIDC token it does not use"
        assert "issues" not in writes or path.name == "drift.yml"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_checkout_does_not_persist_credentials_and_run_scripts_expand_no_expressions(path):
    for job_id, step in _steps(_load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert step.get("with", {}).get("persist-credentials") is False, f"{job_id}: checkout persists"
        if "run" in step:
            assert "${{" not in step["run"], f"{job_id}: expression inside run: {step.get('name')}"
        if "script" in step.get("with", {}):
            assert "${{" not in step["with"]["script"], f"{job_id}: expression inside github-script"


def test_review_workflow_builds_base_and_head_checks_reports_and_keeps_one_sticky_comment():
    wf = _load(ROOT / ".github" / "workflows" / "review.yml")
    assert "pull_request" in wf["on"] and "pull_request_target" not in wf["on"]
    offline = wf["jobs"]["offline"]
    runs = "\n".join(s.get("run", "") for s in offline["steps"])
    assert 'git worktree add --detach "$RUNNER_TEMP/base" "$BASE_SHA"' in runs
    assert "preview \"$env\" -q --no-policies --json \"$GITHUB_WORKSPACE/review/before/$env.json\"" in runs
    assert "livecommerce check --plan" in runs
    assert "livecommerce report $ENVIRONMENTS --base-dir review/before --plan-dir review/after" in runs
    script = next(s for s in offline["steps"] if str(s.get("uses", "")).startswith("actions/github-script@"))
    body = script["with"]["script"]
    assert "<!-- livecommerce-review -->" in body
    assert "updateComment" in body and "createComment" in body and "paginate" in body
    fail = offline["steps"][-1]
    assert fail["if"] == "steps.check.outputs.failed == '1'" and "exit 1" in fail["run"]
    preview = wf["jobs"]["cloud-preview"]
    pulumi = next(s for s in preview["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@"))
    assert pulumi["with"]["command"] == "preview" and pulumi["with"]["comment-on-pr"] is True
    assert pulumi["with"]["policyPacks"] == "policies"
    assert preview["strategy"]["matrix"]["env"] == ["dev", "staging", "prod"]
    # Read-only, keyless, and never pull-request code on an in-VPC runner: the Kubernetes side is left out.
    assert preview["environment"] == "${{ matrix.env }}-read"
    assert GITHUB_HOSTED.match(preview["runs-on"])
    assert "head.repo.full_name == github.repository" in preview["if"]
    assert pulumi["with"]["exclude"].endswith("::pulumi:providers:kubernetes::*")
    assert pulumi["with"]["exclude-dependents"] is True


def test_the_offline_review_needs_no_credentials_at_all():
    wf = _load(ROOT / ".github" / "workflows" / "review.yml")
    offline = wf["jobs"]["offline"]
    text = json.dumps(offline)
    assert "secrets." not in text and "id-token" not in offline["permissions"] and "vars." not in text


def _runner_labels(runs_on: str) -> list[str]:
    """The labels a `runs-on` selects when its repository variable is unset (the expression's default)."""
    m = re.fullmatch(r"\$\{\{ fromJSON\(vars\.(LIVECOMMERCE_RUNNER_\w+) \|\| '(.+)'\) \}\}", runs_on)
    assert m, f"runs-on {runs_on!r} is not chosen by a LIVECOMMERCE_RUNNER_<ENV> repository variable"
    return json.loads(m.group(2))


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_accesskey_secret_anywhere(path):
    text = path.read_text()
    assert not re.search(r"secrets\.\w*(ACCESS_KEY|SECRET_KEY|ACCESSKEY|AK\b)", text, re.I)
    assert "ALICLOUD_ACCESS_KEY" not in text and "ALICLOUD_SECRET_KEY" not in text
    secrets = set(re.findall(r"secrets\.(\w+)", text))
    assert secrets <= {"PULUMI_CONFIG_PASSPHRASE"}, secrets


def test_cloud_jobs_sign_in_with_oidc_roles_from_variables():
    for path in WORKFLOWS:
        for job_id, step in _steps(_load(path)):
            if str(step.get("uses", "")).startswith(CREDENTIALS_ACTION):
                assert step["with"]["role-to-assume"] == "${{ vars.LIVECOMMERCE_ROLE_ARN }}", (path.name, job_id)
                assert step["with"]["oidc-provider-arn"] == "${{ vars.LIVECOMMERCE_OIDC_PROVIDER_ARN }}"


def test_deploy_runs_up_in_order_through_github_environments():
    wf = _load(ROOT / ".github" / "workflows" / "deploy.yml")
    assert wf["on"] == {"push": {"branches": ["main"]}}
    jobs = wf["jobs"]
    assert jobs["dev"]["needs"] == ["verify"]
    assert jobs["staging"]["needs"] == ["dev"]
    assert jobs["prod"]["needs"] == ["staging"]
    for env in ("dev", "staging", "prod"):
        assert jobs[env]["environment"] == env
        pulumi = next(s for s in jobs[env]["steps"] if str(s.get("uses", "")).startswith("pulumi/actions@"))
        assert pulumi["with"]["command"] == "up"
        assert pulumi["with"]["policyPackConfigs"] == f"policies/config/{env}.json"
        assert (ROOT / "policies" / "config" / f"{env}.json").is_file()
        assert jobs[env]["permissions"]["id-token"] == "write"
        assert pulumi["with"]["cloud-url"] == "${{ vars.LIVECOMMERCE_STATE_URL }}"
        assert jobs[env]["if"] == "vars.LIVECOMMERCE_STATE_URL != ''"
        # Kubernetes objects go to a private API server: the environment's in-VPC runner by default.
        labels = _runner_labels(jobs[env]["runs-on"])
        assert labels[0] == "self-hosted" and f"livecommerce-{env}" in labels
        assert not any(GITHUB_HOSTED.match(label) for label in labels)
    assert wf["concurrency"]["cancel-in-progress"] is False


def test_the_runner_labels_match_what_the_bootstrap_registers():
    from components.delivery.ci_runner import runner_labels

    wf = _load(ROOT / ".github" / "workflows" / "deploy.yml")
    for env in ("dev", "staging", "prod"):
        assert _runner_labels(wf["jobs"][env]["runs-on"]) == runner_labels(env)


def test_drift_refreshes_read_only_per_environment_and_reports():
    wf = _load(ROOT / ".github" / "workflows" / "drift.yml")
    assert "schedule" in wf["on"] and "workflow_dispatch" in wf["on"]
    job = wf["jobs"]["refresh"]
    assert [i["env"] for i in job["strategy"]["matrix"]["include"]] == ["dev", "staging", "prod"]
    assert job["environment"] == "${{ matrix.env }}-read"
    for item in job["strategy"]["matrix"]["include"]:
        assert _runner_labels("${{ fromJSON(" + item["runner"][4:-3] + ") }}")[0] == "self-hosted"
    runs = "\n".join(s.get("run", "") for s in job["steps"])
    assert "pulumi refresh --preview-only --run-program --json" in runs
    assert ".venv/bin/livecommerce drift" in runs and "GITHUB_STEP_SUMMARY" in runs
    script = next(s for s in job["steps"] if str(s.get("uses", "")).startswith("actions/github-script@"))
    assert "livecommerce-drift:" in script["with"]["script"] and "issues.create" in script["with"]["script"]


def test_first_deploy_runs_the_script_on_a_github_hosted_runner():
    wf = _load(ROOT / ".github" / "workflows" / "first-deploy.yml")
    assert "workflow_dispatch" in wf["on"]
    job = wf["jobs"]["cloud-only"]
    assert GITHUB_HOSTED.match(job["runs-on"]) and job["environment"] == "${{ inputs.environment }}"
    assert 'scripts/first-deploy.sh "$ENV_NAME"' in "\n".join(s.get("run", "") for s in job["steps"])
    script = (ROOT / "scripts" / "first-deploy.sh").read_text()
    exclude = '--exclude "urn:pulumi:${env}::livecommerce::pulumi:providers:kubernetes::*" --exclude-dependents'
    assert exclude in script
