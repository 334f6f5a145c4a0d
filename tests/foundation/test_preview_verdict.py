"""`preview` ends with one verdict line: resources, contracts, policy, observability gaps, secrets to set."""

from __future__ import annotations

from dataclasses import dataclass

from livecommerce.cli import main
from livecommerce.commands.preview import verdict
from livecommerce.engine import preview_stack

PLAN = {"stack": "qa", "resources": [
    {"type": "alicloud:vpc/network:Network", "custom": True},
    {"type": "kubernetes:core/v1:Namespace", "custom": True},
    {"type": "pulumi:providers:alicloud", "custom": True},
    {"type": "livecommerce:network:Network", "custom": False},
]}


@dataclass
class Policy:
    failed: bool
    mandatory: int
    advisory: int

    def to_dict(self):
        return {"summary": {"mandatory": self.mandatory, "advisory": self.advisory}}


def test_a_clean_preview_says_so_and_counts_only_cloud_and_kubernetes_objects():
    line = verdict(PLAN, contract_violations=0, policy=Policy(False, 0, 2), gaps=0, secrets_to_set=0)
    assert line == ("preview qa: 2 resources to create; provider contracts passed; policy passed (0 mandatory, "
                    "2 advisory); no observability gaps")


def test_each_problem_is_named():
    line = verdict(PLAN, contract_violations=3, policy=Policy(True, 1, 0), gaps=2, secrets_to_set=4)
    assert "3 provider contract violation(s): `pulumi up` would fail" in line
    assert "policy FAILED (1 mandatory, 0 advisory)" in line
    assert "2 observability gap(s)" in line and "4 secret(s) to set before `pulumi up`" in line


def test_what_was_not_evaluated_is_left_out():
    line = verdict(PLAN, contract_violations=0, policy=None, gaps=None, secrets_to_set=0)
    assert line == "preview qa: 2 resources to create; provider contracts passed"


def test_the_cli_ends_with_the_verdict(capsys):
    assert main(["preview", "dev", "--quiet"]) == 0
    last = capsys.readouterr().out.rstrip("\n").splitlines()[-1]
    plan = preview_stack("dev")
    count = sum(1 for r in plan["resources"] if r["custom"] and not r["type"].startswith("pulumi:"))
    assert last.startswith(f"preview dev: {count} resources to create; provider contracts passed; policy passed")
