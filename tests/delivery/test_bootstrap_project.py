"""The bootstrap project end to end, offline: its plan, its policy check, its config errors, its schema."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bootstrap.config import ConfigError, check_stack_config, render_schema
from livecommerce.engine import load_project, run_preview

ROOT = Path(__file__).resolve().parents[2]
BOOTSTRAP = ROOT / "bootstrap"
LC = [sys.executable, "-m", "livecommerce"]


@pytest.fixture(scope="module")
def plan():
    return run_preview("main", project_dir=BOOTSTRAP).plan


def of_type(plan, token):
    return [r for r in plan["resources"] if r["type"] == token]


def test_the_project_file_names_the_project_and_its_program():
    project = load_project(BOOTSTRAP)
    assert project.name == "livecommerce-bootstrap"
    assert project.stacks_dir == BOOTSTRAP and (project.program_dir / "__main__.py").is_file()
    assert yaml.safe_load((BOOTSTRAP / "Pulumi.yaml").read_text())["runtime"]["options"]["virtualenv"] == "../.venv"


def test_acceptance_oidc_provider_trusting_role_and_versioned_state_bucket(plan):
    assert plan["project"] == "livecommerce-bootstrap" and plan["stack"] == "main"
    (provider,) = of_type(plan, "alicloud:ims/oidcProvider:OidcProvider")
    assert provider["inputs"]["issuerUrl"] == "https://token.actions.githubusercontent.com"
    roles = [r for r in of_type(plan, "alicloud:ram/role:Role")
             if "oidc:sub" in r["inputs"]["assumeRolePolicyDocument"]]
    subjects = {json.loads(r["inputs"]["assumeRolePolicyDocument"])["Statement"][0]["Condition"]["StringEquals"]
                ["oidc:sub"] for r in roles}
    assert subjects == {f"repo:example-org/livecommerce:environment:{e}"
                        for e in ("dev", "staging", "prod", "dev-read", "staging-read", "prod-read")}
    for role in roles:
        assert provider["urn"] in role["propertyDependencies"]["assumeRolePolicyDocument"]
    state = next(b for b in of_type(plan, "alicloud:oss/bucket:Bucket")
                 if b["inputs"]["bucket"] == "livecommerce-pulumi-state-example")
    versioning = [v for v in of_type(plan, "alicloud:oss/bucketVersioning:BucketVersioning")
                  if state["urn"] in v["propertyDependencies"].get("bucket", [])]
    assert [v["inputs"]["status"] for v in versioning] == ["Enabled"]


def test_runners_sit_in_each_environments_vpc(plan):
    hosts = of_type(plan, "alicloud:ecs/instance:Instance")
    assert sorted(h["inputs"]["instanceName"] for h in hosts) == [
        "livecommerce-ci-dev-runner", "livecommerce-ci-prod-runner", "livecommerce-ci-staging-runner"]
    prod = next(h for h in hosts if "prod" in h["name"])
    assert prod["inputs"]["instanceType"] == "ecs.g7.xlarge" and prod["inputs"]["vswitchId"].startswith("vsw-")
    assert plan["outputs"]["runners"]["prod"] == ["self-hosted", "linux", "x64", "livecommerce-prod"]


def test_check_passes_the_bootstrap_stack_at_prods_levels():
    proc = subprocess.run([*LC, "check", "main", "--project-dir", str(BOOTSTRAP)], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "policy check main (tier prod): passed" in proc.stdout


def test_preview_writes_the_plan_and_shows_token_placeholders(tmp_path):
    out = tmp_path / "bootstrap.json"
    proc = subprocess.run([*LC, "preview", "main", "--project-dir", str(BOOTSTRAP), "-q", "--json", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "livecommerce:ci-runner-token-prod (not set)" in " ".join(proc.stdout.split())
    written = json.loads(out.read_text())
    assert written["project"] == "livecommerce-bootstrap" and "observability" not in written


def _copy(tmp_path: Path, mutate) -> Path:
    """A copy of the bootstrap project whose stack file `mutate` edits (the program is the real one)."""
    dest = tmp_path / "bootstrap"
    shutil.copytree(BOOTSTRAP, dest, ignore=shutil.ignore_patterns("__pycache__"))
    path = dest / "Pulumi.main.yaml"
    data = yaml.safe_load(path.read_text())
    mutate(data["config"])
    path.write_text(yaml.safe_dump(data))
    return dest


def _settings(config):
    return config["livecommerce:bootstrap"]


def test_a_real_token_appears_in_no_output(tmp_path):
    token = "AABBCCDDEEFF00112233445566778899AABB"

    def mutate(config):
        config["livecommerce:ci-runner-token-prod"] = token

    plan = run_preview("main", project_dir=_copy(tmp_path, mutate)).plan
    assert token not in json.dumps(plan)
    param = next(r for r in plan["resources"] if r["name"] == "main-ci-prod-runner-registration-token")
    assert param["inputs"]["value"] == "[secret]"


def test_an_environment_not_yet_deployed_gets_roles_but_no_runner(tmp_path):
    def mutate(config):
        _settings(config)["environments"]["prod"]["attached"] = False

    plan = run_preview("main", project_dir=_copy(tmp_path, mutate)).plan
    hosts = [r["inputs"]["instanceName"] for r in plan["resources"] if r["type"] == "alicloud:ecs/instance:Instance"]
    assert "livecommerce-ci-prod-runner" not in hosts and len(hosts) == 2
    assert "livecommerce-ci-prod-deploy" in json.dumps(plan) and "prod" not in plan["outputs"]["runners"]


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda c: _settings(c)["github"].update(repository="not a repo"),
     "livecommerce:bootstrap.github.repository: 'not a repo' is not OWNER/REPO"),
    (lambda c: _settings(c)["state"].update(bukket="x"),
     "livecommerce:bootstrap.state.bukket: unknown key; did you mean `bucket`?"),
    (lambda c: _settings(c)["environments"].update(qa={}),
     "livecommerce:bootstrap.environments.qa: the platform has no stack qa (stacks/Pulumi.qa.yaml)"),
    (lambda c: _settings(c)["environments"]["prod"]["runner"].update(instance_type="g7.large"),
     "livecommerce:bootstrap.environments.prod.runner.instance_type: string should match pattern"),
    (lambda c: c.pop("alicloud:region"), "alicloud:region: required"),
    (lambda c: c.update({"livecommerce:ci-runner-token-prd": "x"}),
     "livecommerce:ci-runner-token-prd: unknown key; did you mean `livecommerce:ci-runner-token-prod`?"),
])
def test_bad_config_is_one_line_naming_file_key_and_fix(tmp_path, capsys, mutate, expected):
    from livecommerce.cli import main

    project = _copy(tmp_path, mutate)
    assert main(["preview", "main", "--project-dir", str(project), "-q"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert any(expected in line and "Pulumi.main.yaml" in line for line in lines), err


def test_check_stack_config_returns_the_model_and_its_secret_keys():
    cfg = check_stack_config({"alicloud:region": "cn-hangzhou", "livecommerce:bootstrap": json.dumps(
        yaml.safe_load((BOOTSTRAP / "Pulumi.main.yaml").read_text())["config"]["livecommerce:bootstrap"])},
        "main", "bootstrap/Pulumi.main.yaml")
    assert cfg.secret_keys() == ["ci-runner-token-dev", "ci-runner-token-prod", "ci-runner-token-staging"]
    with pytest.raises(ConfigError):
        check_stack_config({"alicloud:region": "cn-hangzhou"}, "main", "x")


def test_project_dir_errors_are_one_line(tmp_path, capsys):
    from livecommerce.cli import main

    assert main(["preview", "main", "--project-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no Pulumi.yaml" in err and "Traceback" not in err
    (tmp_path / "Pulumi.yaml").write_text("runtime: python\n")
    assert main(["preview", "main", "--project-dir", str(tmp_path)]) == 2
    assert "name: required" in capsys.readouterr().err


def test_the_committed_schema_is_current():
    assert (BOOTSTRAP / "bootstrap.schema.json").read_text() == render_schema(), \
        "run `make schema` and commit bootstrap/bootstrap.schema.json"
    assert (BOOTSTRAP / "Pulumi.main.yaml").read_text().splitlines()[0] == \
        "# yaml-language-server: $schema=./bootstrap.schema.json"


def test_the_platform_project_is_unchanged_by_the_project_dir_option():
    platform = run_preview("dev").plan
    assert platform["project"] == "livecommerce"
    assert "nodeVswitchIds" in platform["outputs"] and len(platform["outputs"]["nodeVswitchIds"]) >= 1


def test_every_cloud_type_of_the_bootstrap_plan_has_replace_knowledge(plan):
    from livecommerce.review import replace_table

    used = {r["type"] for r in plan["resources"] if r["custom"] and r["type"].startswith("alicloud:")}
    missing = sorted(t for t in used if t not in replace_table.REPLACE and t not in replace_table.NO_REPLACE)
    assert not missing, f"add these types to livecommerce/review/replace_table.py: {missing}"
    assert replace_table.danger_of("alicloud:ims/oidcProvider:OidcProvider")


def test_validate_checks_the_bootstrap_stack_files(tmp_path, capsys):
    from livecommerce.cli import main

    assert main(["validate", "--project-dir", str(BOOTSTRAP)]) == 0
    assert "Pulumi.main.yaml" in capsys.readouterr().out
    project = _copy(tmp_path, lambda c: _settings(c)["github"].update(repository="x"))
    assert main(["validate", "--project-dir", str(project)]) == 2
    assert "github.repository" in capsys.readouterr().err


def test_the_committed_schema_validates_the_whole_stack_file_its_first_line_points_at():
    # The file's first line sends editors to bootstrap.schema.json for the whole document; the schema
    # described only the `livecommerce:bootstrap` value, so every editor and check-jsonschema flagged the
    # shipped Pulumi.main.yaml ("'config' was unexpected", "'owner' is a required property").
    import jsonschema

    schema = json.loads((BOOTSTRAP / "bootstrap.schema.json").read_text())
    validator = jsonschema.validators.validator_for(schema)
    validator.check_schema(schema)
    document = yaml.safe_load((BOOTSTRAP / "Pulumi.main.yaml").read_text())
    assert [e.message for e in validator(schema).iter_errors(document)] == []
    document["config"]["livecommerce:bootstrap"]["github"]["repositroy"] = "x/y"
    document["config"]["livecommerce:bootstrap"].pop("owner")
    messages = " | ".join(e.message for e in validator(schema).iter_errors(document))
    assert "'owner' is a required property" in messages and "repositroy" in messages
