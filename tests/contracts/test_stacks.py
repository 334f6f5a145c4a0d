"""The contract layer on the real stacks: all three clean, and every refusable input of a real prod resource,
set to a value its provider refuses, named; the unmutated resource gives no line. Plus the wiring: preview
fails with exit 1, check shows contracts apart from policies (text and JSON), secrets and unknowns never
produce a finding."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from livecommerce.cli import main
from livecommerce.contracts import check_plan
from livecommerce.contracts import check as contracts_check
from livecommerce.contracts.check import load_data, resolve
from livecommerce.engine import preview_stack
from livecommerce.plan import write_plan
from tests.clock import NOW
from tests.contracts.helpers import plan

ENVS = ("dev", "staging", "prod")

pytestmark = pytest.mark.usefixtures("pinned_clock")  # the CLI runs below read dates


@pytest.fixture(scope="module")
def plans() -> dict[str, dict]:
    return {env: preview_stack(env, now=NOW) for env in ENVS}


def custom(p: dict) -> list[dict]:
    return [r for r in p["resources"] if r["custom"] and not r["type"].startswith("pulumi:")]


@pytest.mark.parametrize("env", ENVS)
def test_every_stack_is_clean(plans, env):
    assert check_plan(plans[env]).lines() == []


def test_every_type_the_stacks_use_is_held_against_a_contract(plans):
    data = load_data()
    from livecommerce.contracts import api_rules, types

    for env in ENVS:
        for r in custom(plans[env]):
            t = r["type"]
            if t.startswith("alicloud:"):
                assert t in data["resources"], f"{t}: add it to livecommerce/contracts/types.py and run make contracts"
            elif t.startswith("pulumi-python:dynamic/"):
                assert t in types.DYNAMIC_TYPES, t
            elif "alibabacloud.com/" in t:
                assert t in types.CUSTOM_RESOURCES or api_rules.covers(t), t


def test_every_type_the_bootstrap_project_uses_is_held_against_a_contract():
    """The bootstrap project's types too (its runners' RAM role attachment and registration-token parameter)."""
    from pathlib import Path

    data = load_data()
    boot = preview_stack("main", project_dir=Path(__file__).resolve().parents[2] / "bootstrap")
    missing = sorted({r["type"] for r in custom(boot) if r["type"].startswith("alicloud:")} - set(data["resources"]))
    assert missing == [], "add them to livecommerce/contracts/types.py and run make contracts"
    assert check_plan(boot).lines() == []


# --- mutations of real prod resources ------------------------------------------------------------------


def _refused(rule: dict, value: Any) -> Any:
    """A value the rule refuses, derived from the value the stack really uses."""
    kind = rule["kind"]
    if kind == "enum":
        if all(isinstance(v, int) for v in rule["values"]):
            return max(rule["values"]) + 7
        return "not-a-valid-value"
    if kind == "range":
        if rule.get("nullable"):
            return str(int(rule["max"]) + 1) if rule.get("max") is not None else "-1"
        return rule["max"] + 1 if rule.get("max") is not None else rule["min"] - 1
    if kind == "length":
        return "x" * (rule["max"] + 1) if rule.get("max") is not None else ""
    if kind == "pattern":
        for candidate in ("", "!", "not valid!", "UPPER CASE", "###"):
            if re.search(rule["pattern"], candidate) is None:
                return candidate
        return None
    if kind == "json":
        return "{not json"
    if kind == "max_items":
        return [copy.deepcopy(value[0])] * (rule["max"] + 1) if isinstance(value, list) and value else None
    return None


def _set(inputs: dict, concrete: str, value: Any) -> None:
    parts = re.findall(r"[^.\[\]]+|\[\d+\]", concrete)
    node: Any = inputs
    for part in parts[:-1]:
        node = node[int(part[1:-1])] if part.startswith("[") else node[part]
    last = parts[-1]
    if last.startswith("["):
        node[int(last[1:-1])] = value
    elif value is _DELETE:
        del node[last]
    else:
        node[last] = value


_DELETE = object()


def mutations(resource: dict) -> list[tuple[str, str, Any]]:
    """(rule kind, concrete path, refused value) for every rule of the resource's type that a present input
    of this resource can break."""
    entry = load_data()["resources"].get(resource["type"])
    if entry is None:
        return []
    out = []
    for rule in entry["rules"]:
        for where, value in resolve(resource["inputs"], rule["path"]):
            if rule["kind"] == "required":
                if value is not None and where and "[" not in where:
                    out.append(("required", where, _DELETE))
                continue
            if value is None or value in ("[unknown]", "[secret]") or value is contracts_check._MISSING:
                continue
            refused = _refused(rule, value)
            if refused is not None:
                out.append((rule["kind"], where, refused))
    # A wrong shape for every top-level input, and a misspelt one.
    for key, value in resource["inputs"].items():
        if key.startswith("__") or value in ("[unknown]", "[secret]"):
            continue
        wrong = {"not": "a scalar"} if not isinstance(value, dict) else "not-an-object"
        if isinstance(value, str):
            wrong = ["a", "list"]
        out.append(("type", key, wrong))
    out.append(("unknown_property", "noSuchInputAnywhere", "x"))
    return out


@pytest.fixture(scope="module")
def prod(plans) -> list[dict]:
    return custom(plans["prod"])


def test_every_unmutated_prod_resource_alone_gives_no_line(prod):
    for resource in prod:
        assert check_plan(plan(resource)).lines() == [], resource["name"]


def test_every_refusable_input_of_every_prod_resource_type_is_named_when_refused(prod):
    seen_types: set[str] = set()
    tried = 0
    for resource in prod:
        if resource["type"] in seen_types or not resource["type"].startswith("alicloud:"):
            continue
        seen_types.add(resource["type"])
        for kind, where, refused in mutations(resource):
            mutated = copy.deepcopy(resource)
            if kind == "unknown_property":
                mutated["inputs"][where] = refused
            else:
                _set(mutated["inputs"], where, refused)
            found = check_plan(plan(mutated)).violations
            tried += 1
            base = where.split("[")[0] if kind in ("max_items",) else where
            assert any(v.path == base or v.path.startswith(base + ".") or v.path.startswith(base + "[")
                       for v in found), f"{resource['name']} {where} = {refused!r} ({kind}) was not named: " \
                                        f"{[v.line() for v in found]}"
    assert len(seen_types) >= 40 and tried > 300  # the prod stack's alicloud types, each mutated many ways


def test_every_prod_kubernetes_kind_is_held_against_its_schema(prod):
    kinds: dict[str, dict] = {}
    for r in prod:
        # A Helm release (the data block's ack-secret-manager chart) is no API object: no metadata.
        if r["type"].startswith("kubernetes:") and not r["type"].startswith("kubernetes:helm.sh/"):
            kinds.setdefault(r["type"], r)
    assert len(kinds) >= 10  # built-in kinds and the three custom resources
    for token, resource in kinds.items():
        mutated = copy.deepcopy(resource)
        mutated["inputs"]["metadata"]["name"] = 42  # a name is a string everywhere
        found = check_plan(plan(mutated)).violations
        assert any(v.path == "metadata.name" and v.value == "42" for v in found), (token, [v.line() for v in found])


def test_check_plan_refuses_one_mutated_prod_input_naming_the_property(prod, tmp_path, capsys):
    pool = next(r for r in prod if r["type"] == "alicloud:cs/nodePool:NodePool")
    path = tmp_path / "one.json"
    write_plan(plan(pool), path)
    main(["check", "--plan", str(path)])
    assert "contract " not in capsys.readouterr().out
    broken = copy.deepcopy(pool)
    broken["inputs"]["systemDiskCategory"] = "cloud_floppy"
    write_plan(plan(broken), path)
    assert main(["check", "--plan", str(path)]) == 1
    out = capsys.readouterr().out
    assert f'  contract {pool["name"]} (alicloud:cs/nodePool:NodePool) systemDiskCategory = "cloud_floppy": one of ' \
           in out


# --- unknown and secret values never produce findings ----------------------------------------------------


def _replace_leaves(value: Any, marker: str) -> Any:
    if isinstance(value, dict):
        return {k: (v if k.startswith("__") else _replace_leaves(v, marker)) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace_leaves(v, marker) for v in value]
    return marker


@pytest.mark.parametrize("marker", ["[unknown]", "[secret]"])
def test_unknown_and_secret_values_are_never_judged(plans, marker):
    for env in ENVS:
        leaves = copy.deepcopy(plans[env])
        tops = copy.deepcopy(plans[env])
        for r in custom(leaves):
            r["inputs"] = _replace_leaves(r["inputs"], marker)
        for r in custom(tops):
            r["inputs"] = {k: (v if k.startswith("__") else marker) for k, v in r["inputs"].items()}
        assert check_plan(leaves).lines() == []
        assert check_plan(tops).lines() == []


def test_no_secret_value_reaches_a_contract_line(plans):
    # The plan carries "[secret]" for secrets; a violation on a secret input shows exactly that.
    robot = copy.deepcopy(next(r for r in custom(plans["prod"]) if r["type"] == "alicloud:arms/alertRobot:AlertRobot"))
    robot["inputs"]["robotType"] = "carrier-pigeon"
    [line] = check_plan(plan(robot)).lines()
    assert "robotAddr" not in line and "[secret]" not in line and "carrier-pigeon" in line


# --- wiring -------------------------------------------------------------------------------------------------


def _stricter(monkeypatch, token: str, path: str, values: list) -> None:
    """Contract data in which the provider accepts fewer values for one input (a newer provider, say)."""
    data = copy.deepcopy(load_data())
    for rule in data["resources"][token]["rules"]:
        if rule["path"] == path and rule["kind"] == "enum":
            rule["values"] = values
    monkeypatch.setattr(contracts_check, "load_data", lambda: data)


def test_preview_exits_1_with_one_line_per_violation(monkeypatch, tmp_path, capsys):
    _stricter(monkeypatch, "alicloud:cs/managedKubernetes:ManagedKubernetes", "proxyMode", ["iptables"])
    out = tmp_path / "plan.json"
    assert main(["preview", "dev", "--quiet", "--no-policies", "--json", str(out)]) == 1
    printed = capsys.readouterr().out
    lines = [ln for ln in printed.splitlines() if ln.startswith("  contract ")]
    assert lines == ['  contract dev-ack-cluster (alicloud:cs/managedKubernetes:ManagedKubernetes) proxyMode = "ipvs": '
                     'one of "iptables" [alicloud/resource_alicloud_cs_managed_kubernetes.go:322]']
    assert "provider contracts: 1 violation(s)" in printed
    assert out.exists()  # the plan is still written, to inspect


def test_preview_passes_and_says_what_it_held_the_plan_against(capsys):
    assert main(["preview", "dev", "--quiet", "--no-policies"]) == 0
    assert "provider contracts: passed — " in capsys.readouterr().out


def test_check_json_carries_contracts_apart_from_policy_findings(monkeypatch, tmp_path, capsys):
    _stricter(monkeypatch, "alicloud:cs/managedKubernetes:ManagedKubernetes", "proxyMode", ["iptables"])
    path = tmp_path / "dev.json"
    write_plan(preview_stack("dev", now=NOW), path)
    assert main(["check", "--plan", str(path), "--env", "dev", "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["passed"] is False and report["summary"]["mandatory"] == 0  # policies pass; contracts do not
    contracts = report["contracts"]
    assert contracts["format"] == "livecommerce.contracts/v1" and contracts["passed"] is False
    assert contracts["upstream"].startswith("aliyun/terraform-provider-alicloud@")
    [v] = contracts["violations"]
    assert (v["resource"], v["path"], v["value"], v["family"], v["rule"]) == (
        "dev-ack-cluster", "proxyMode", '"ipvs"', "provider", "enum")
    assert all(f["rule"] != "enum" for f in report["findings"])


def test_check_text_shows_contracts_first_and_apart(monkeypatch, capsys):
    _stricter(monkeypatch, "alicloud:cs/managedKubernetes:ManagedKubernetes", "proxyMode", ["iptables"])
    assert main(["check", "dev"]) == 1
    out = capsys.readouterr().out
    assert out.index("provider contracts:") < out.index("policy check dev")
    assert "policy check dev: passed" in out
