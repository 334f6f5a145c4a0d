"""A `pulumi stack export` as the old side of `diff` and `report --base-dir`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from livecommerce.errors import UserError
from livecommerce.plan import SECRET
from livecommerce.review import diff as diff_mod
from livecommerce.review import state
from tests.clock import NOW
from tests.review.exports import export_from_plan

ROOT = Path(__file__).resolve().parents[2]
LC = [sys.executable, "-m", "livecommerce"]
NODE_POOL = "alicloud:cs/nodePool:NodePool"

pytestmark = pytest.mark.usefixtures("pinned_clock")  # `report` reads dates (waiver expiry)


@pytest.fixture(scope="module")
def prod_plan():
    from livecommerce.engine import preview_stack

    return preview_stack("prod", now=NOW)


def test_an_export_of_the_applied_plan_diffs_to_nothing(prod_plan):
    old = state.plan_from_export(export_from_plan(prod_plan))
    assert old["project"] == "livecommerce" and old["stack"] == "prod"
    assert diff_mod.diff_plans(old, prod_plan).empty


def test_acceptance_a_node_pool_max_size_changed_in_state_is_an_update(prod_plan, tmp_path):
    pool = next(r for r in prod_plan["resources"] if r["type"] == NODE_POOL)
    recorded = pool["inputs"]["scalingConfig"]["maxSize"] - 5

    def edit(urn, inputs):
        if urn == pool["urn"]:
            inputs["scalingConfig"]["maxSize"] = recorded

    export = tmp_path / "prod.export.json"
    export.write_text(json.dumps(export_from_plan(prod_plan, edit=edit)))
    new = tmp_path / "prod.json"
    new.write_text(json.dumps(prod_plan))
    proc = subprocess.run([*LC, "diff", str(export), str(new), "--format", "json"], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    d = json.loads(proc.stdout)
    assert d["summary"] == {"create": 0, "update": 1, "replace": 0, "delete": 0, "blocked": 0, "danger": 0}
    (change,) = d["changes"]
    assert change["urn"] == pool["urn"] and change["action"] == "update"
    assert change["properties"] == [{"path": "scalingConfig.maxSize", "old": recorded,
                                     "new": pool["inputs"]["scalingConfig"]["maxSize"], "effect": "update",
                                     "reason": ""}]


def test_secrets_in_the_export_stay_secret_even_as_plaintext(prod_plan):
    secret_resource = next(r for r in prod_plan["resources"] if SECRET in json.dumps(r["inputs"]))
    key = next(k for k, v in secret_resource["inputs"].items() if v == SECRET)
    export = export_from_plan(prod_plan, plaintext_secrets={key: "hunter2-plaintext"})
    text = json.dumps(state.plan_from_export(export))
    assert "hunter2-plaintext" not in text and "ciphertext" not in text and '"v1:' not in text
    old = state.plan_from_export(export)
    assert next(r for r in old["resources"] if r["urn"] == secret_resource["urn"])["inputs"][key] == SECRET


def test_provider_defaulted_inputs_are_not_removals(prod_plan):
    pool = next(r for r in prod_plan["resources"] if r["type"] == NODE_POOL)
    export = export_from_plan(prod_plan, defaults={pool["urn"]: {"runtimeName": "containerd"}})
    old = state.plan_from_export(export)
    assert "runtimeName" not in next(r for r in old["resources"] if r["urn"] == pool["urn"])["inputs"]
    assert diff_mod.diff_plans(old, prod_plan).empty


def test_state_values_map_onto_plan_conventions():
    assert state.state_inputs({
        "a": {state.SIG: state.SECRET_SIG, "ciphertext": "v1:x"},
        "b": {state.SIG: state.RESOURCE_SIG, "urn": "urn:pulumi:s::p::t::n", "id": "x"},
        "c": {state.SIG: state.ASSET_SIG, "path": "code.zip", "hash": "h"},
        "d": state.UNKNOWN_SENTINEL, "e": 3.0, "__defaults": ["f"], "f": "defaulted", "__meta": "{}",
        "__provider": "gASV...pickled",
    }) == {"a": SECRET, "b": "urn:pulumi:s::p::t::n", "c": {"asset": "code.zip", "hash": "h"},
           "d": "[unknown]", "e": 3, "__provider": "[serialized dynamic provider]"}


def test_resources_awaiting_deletion_are_left_out_and_noted(prod_plan, tmp_path):
    export = export_from_plan(prod_plan)
    pool = next(r for r in export["deployment"]["resources"] if r["type"] == NODE_POOL)
    export["deployment"]["resources"].append({**pool, "delete": True, "id": "old-pool"})
    export["deployment"]["pending_operations"] = [{"resource": pool, "type": "creating"}]
    path = tmp_path / "prod.json"
    path.write_text(json.dumps(export))
    notes: list[str] = []
    old = state.load_plan_or_export(path, notes)
    assert len([r for r in old["resources"] if r["urn"] == pool["urn"]]) == 1
    assert any("interrupted" in n for n in notes) and any("await deletion" in n for n in notes)


def test_report_takes_exports_from_the_base_dir(prod_plan, tmp_path):
    base, plans = tmp_path / "state", tmp_path / "plans"
    base.mkdir()
    plans.mkdir()
    (plans / "prod.json").write_text(json.dumps(prod_plan))
    (base / "prod.json").write_text(json.dumps(export_from_plan(prod_plan)))
    out = tmp_path / "report.md"
    proc = subprocess.run([*LC, "report", "prod", "--base-dir", str(base), "--plan-dir", str(plans),
                           "--out", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((tmp_path / "report-data" / "prod.diff.json").read_text())["summary"]
    assert summary["create"] == summary["update"] == summary["delete"] == summary["replace"] == 0


@pytest.mark.parametrize(("document", "message"), [
    ({"version": 1, "deployment": {"resources": []}}, "stack export version 1 is not supported"),
    ({"version": 3, "deployment": {"resources": [{"urn": "x", "type": "t"}]}}, "'x' is not a Pulumi URN"),
    ({"version": 3, "deployment": {"resources": {}}}, "deployment.resources must be a list"),
])
def test_bad_exports_are_one_clear_error(tmp_path, capsys, document, message):
    from livecommerce.cli import main

    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(UserError, match=message):
        state.load_plan_or_export(path)
    assert main(["diff", str(path), str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err
