"""Config messages (issue 18, items 10 and 15): rules in words instead of raw regexes, no secret value pasted in the
wrong key is ever echoed, a Unicode owner is refused instead of becoming an empty label, and a stack name that
cannot name buckets is blamed on the stack name, not on `bucket_prefix`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from stacks.messages import PATTERN_WORDS, may_echo
from tests.robustness.test_stack_file_input import edit, one_error, run

ROOT = Path(__file__).resolve().parents[2]


def test_every_pattern_of_the_config_schema_has_words():
    schema = json.loads((ROOT / "stacks" / "platform.schema.json").read_text())
    found: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.add(node["pattern"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(schema)
    assert found and found - set(PATTERN_WORDS) == set()


def test_a_pattern_mismatch_says_the_rule_in_words(stacks):
    path = edit(stacks, "kubernetes_version: ", "kubernetes_version: \"1.33\"\n      _unused: ", env="prod")
    path.write_text(path.read_text().replace("      _unused: ", "      # was: ", 1))
    code, _, err = run(["validate", "prod", "--stacks-dir", str(stacks)])
    assert code == 2 and "Traceback" not in err
    line = next(ln for ln in err.splitlines() if "kubernetes_version" in ln)
    assert "must be an ACK version like 1.33.1-aliyun.1 (got \"1.33\")" in line
    assert "should match pattern" not in err and "\\d" not in err


SECRETS = {
    # A phone number, a webhook URL, a password, a kubeconfig token: what users paste where a NAME belongs.
    "phone": "13800138000",
    "url": "https://hooks.example.com/qa-incident-bridge-b81c",
    "password": "qaOrderDbPassw0rd!",
    "token": "qaKubeToken9d1",
}


@pytest.mark.parametrize(("old", "new", "needle"), [
    ("phone_secret: oncall-primary-phone", "phone_secret: 13800138000", SECRETS["phone"]),
    ("phone_secret: oncall-primary-phone", 'phone_secret: "+86 138 0013 8000"', "0013 8000"),
    ("url_secret: incident-bridge-webhook}", f'url_secret: "{SECRETS["url"]}"}}', "qa-incident-bridge-b81c"),
    # prod names no `kubernetes_secret` since the data block generates its passwords, nor a `kubeconfig_secret`
    # since issue 17 removed the external clusters' providers: the DingTalk webhook's name stands in.
    ("webhook_secret: dingtalk-live-ops-webhook", f"webhook_secret: {SECRETS['password']}", "qaOrderDbPassw0rd"),
    ("webhook_secret: dingtalk-live-ops-webhook", f"webhook_secret: {SECRETS['token']} x", "qaKubeToken9d1"),
    ("phone_secret: oncall-primary-phone", "phone_secret: [13800138000]", SECRETS["phone"]),
])
def test_a_secret_value_pasted_where_its_name_belongs_is_refused_without_echo(stacks, old, new, needle):
    path = edit(stacks, old, new, env="prod")
    for argv in (["validate", "prod"], ["preview", "prod", "-q"], ["check", "prod"]):
        code, out, err = run([*argv, "--stacks-dir", str(stacks)])
        assert code == 2 and "Traceback" not in err, argv
        assert err.startswith(f"error: {path}: livecommerce:platform.")
        assert needle not in out + err, (argv, err)


def test_inputs_of_ordinary_keys_are_still_quoted():
    assert may_echo(("cluster", "kubernetes_version"))
    assert not may_echo(("observability", "contacts", 0, "phone_secret"))
    assert not may_echo(("services", 3, "env_secrets", 0, "kubernetes_secret"))
    assert not may_echo(("data", "database", "password"))


def test_a_unicode_owner_is_refused_instead_of_becoming_an_empty_label(stacks):
    path = edit(stacks, "    owner: live-platform\n", "    owner: 直播平台团队\n", env="dev")
    code, _, err = run(["validate", "dev", "--stacks-dir", str(stacks)])
    line = one_error(code, err, path)
    assert "livecommerce:platform.owner" in line and "ASCII" in line and "tags" in line


def test_an_ascii_owner_with_spaces_still_becomes_a_label(stacks, tmp_path):
    edit(stacks, "    owner: live-platform\n", "    owner: Live Platform\n", env="dev")
    plan_path = tmp_path / "dev.json"
    code, _, err = run(["preview", "dev", "-q", "--no-policies", "--stacks-dir", str(stacks), "--json", str(plan_path)])
    assert code == 0, err
    labels = [r["inputs"]["metadata"].get("labels", {}) for r in json.loads(plan_path.read_text())["resources"]
              if r["type"].startswith("kubernetes:") and isinstance(r["inputs"].get("metadata"), dict)]
    owners = {lab["owner"] for lab in labels if "owner" in lab}
    assert owners == {"Live-Platform"}


def test_a_stack_name_that_cannot_name_buckets_is_blamed_once_on_the_stack_name(stacks):
    shutil.copy(stacks / "Pulumi.dev.yaml", stacks / "Pulumi.QA_Test.yaml")
    code, _, err = run(["validate", "QA_Test", "--stacks-dir", str(stacks)])
    assert code == 2
    assert "use a shorter prefix" not in err and "bucket_prefix" not in err
    assert f"error: {stacks / 'Pulumi.QA_Test.yaml'}: stack: stack name 'QA_Test' must be lowercase" in err


def test_a_custom_stack_name_is_told_to_set_its_tier_at_validate(stacks):
    """Before the tier table, `qa` passed validate and failed at the end of preview (no policy levels)."""
    shutil.copy(stacks / "Pulumi.dev.yaml", stacks / "Pulumi.qa.yaml")
    code, _, err = run(["validate", "qa", "--stacks-dir", str(stacks)])
    line = one_error(code, err, stacks / "Pulumi.qa.yaml")
    assert "livecommerce:platform.tier" in line and "set tier to one of dev, staging, prod" in line
    path = stacks / "Pulumi.qa.yaml"
    text = path.read_text().replace("  livecommerce:platform:\n", "  livecommerce:platform:\n    tier: dev\n", 1)
    path.write_text(text)
    code, _, err = run(["preview", "qa", "-q", "--stacks-dir", str(stacks)])
    assert code == 0, err
