"""`livecommerce cost` through the CLI entry point: table, JSON, files, bad input (exit 2, one line)."""

from __future__ import annotations

import json

import pytest
import yaml

from livecommerce.cli import main
from livecommerce.commands.cost import normalize_argv
from livecommerce.plan import write_plan
from tests.cost.conftest import deployment, hpa, node_pool, plan


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_prod_json_is_a_dated_sourced_table(clock, capsys):
    assert main(["cost", "prod", "--json", "--month", "2027-11"]) == 0
    data = _json(capsys)
    assert (data["env"], data["month"], data["currency"], data["as_of"]) == ("prod", "2027-11", "CNY", "2026-12-01")
    elastic, peak = (data["scenarios"][k]["monthly_total"] for k in ("elastic", "peak_sized"))
    assert 0 < elastic < peak
    assert 40 <= data["saving_percent"] <= 90
    assert data["assumptions"][0] == "Usage volumes: stacks/Pulumi.prod.yaml: livecommerce:platform.cost."
    used = {p["price"] for s in data["scenarios"].values() for i in s["items"] for p in i["parts"]}
    assert used == set(data["prices"])
    for key, info in data["prices"].items():
        assert info["as_of"] and info["source"] and info["confidence"], key
    categories = {i["category"] for i in data["scenarios"]["elastic"]["items"]}
    assert {"compute", "burst", "platform", "governance", "network", "observability", "storage",
            "transcoding"} <= categories


def test_table_on_stdout_and_json_to_a_file(clock, capsys, tmp_path):
    out = tmp_path / "cost" / "prod.json"
    assert main(["cost", "prod", "--month", "2027-11", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert text.startswith("prod: monthly cost for 2027-11 (720 h), CNY, cn-hangzhou list prices as of 2026-12-01")
    assert "ECI burst: live/live-interaction-v1" in text and "saving_percent:" in text and "assumptions:" in text
    total = next(line for line in text.splitlines() if line.startswith("total"))
    data = json.loads(out.read_text())
    assert f"{data['scenarios']['elastic']['monthly_total']:,.2f}" in total
    assert f"cost written to {out}" in text


def test_json_dash_is_stdout_too(clock, capsys):
    assert main(["cost", "staging", "--month", "2027-06", "--json", "-"]) == 0
    assert _json(capsys)["env"] == "staging"


def test_a_saved_plan_is_priced_with_its_stacks_usage(clock, capsys, tmp_path, shipped_plans):
    path = tmp_path / "prod.json"
    write_plan(shipped_plans["prod"], path)
    assert main(["cost", "--plan", str(path), "--month", "2027-11", "--json"]) == 0
    from_plan = _json(capsys)
    assert main(["cost", "prod", "--month", "2027-11", "--json"]) == 0
    assert _json(capsys) == from_plan


def test_a_plan_without_a_stack_file_uses_zero_volumes(capsys, tmp_path):
    path = tmp_path / "t.json"
    write_plan(plan(node_pool(), deployment("shop"), hpa("shop"), stack="sandbox"), path)
    assert main(["cost", "--plan", str(path), "--month", "2027-11", "--json"]) == 0
    data = _json(capsys)
    assert data["assumptions"][0] == "Usage volumes: no stack file for 'sandbox': usage volumes default to 0."


def test_another_price_table(capsys, tmp_path):
    from livecommerce.cost.prices import PRICES_DIR

    table = yaml.safe_load((PRICES_DIR / "cn-hangzhou.yaml").read_text())
    table["items"]["ecs.g7.xlarge"]["price"] = 10.0
    prices = tmp_path / "what-if.yaml"
    prices.write_text(yaml.safe_dump(table))
    path = tmp_path / "t.json"
    write_plan(plan(node_pool(), deployment("shop"), hpa("shop"), stack="sandbox"), path)
    assert main(["cost", "--plan", str(path), "--month", "2027-11", "--json", "--prices", str(prices)]) == 0
    items = {i["key"]: i for i in _json(capsys)["scenarios"]["elastic"]["items"]}
    assert items["ecs:t-node-pools-steady"]["monthly_cost"] == 7200.0


def _one_error(capsys) -> str:
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert "Traceback" not in captured.err + captured.out
    assert len(lines) == 1, lines
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize("month", ["2027-13", "Nov 2027", "2027-1"])
def test_a_bad_month_is_one_line_exit_2(capsys, month):
    assert main(["cost", "prod", "--month", month]) == 2
    assert "--month: expected YYYY-MM (e.g. 2027-11)" in _one_error(capsys)


def test_neither_env_nor_plan(capsys):
    assert main(["cost"]) == 2
    assert "give an environment" in _one_error(capsys)


def test_unknown_env(capsys):
    assert main(["cost", "qa", "--month", "2027-11"]) == 2
    assert "Pulumi.qa.yaml: no such stack" in _one_error(capsys)


def test_missing_plan_file(capsys, tmp_path):
    assert main(["cost", "--plan", str(tmp_path / "nope.json"), "--month", "2027-11"]) == 2
    assert "nope.json" in _one_error(capsys)


def test_an_unpriced_type_in_a_plan_is_exit_2_naming_it(capsys, tmp_path):
    path = tmp_path / "t.json"
    write_plan(plan(node_pool(), {"urn": "urn:x", "type": "alicloud:hologram/instance:Instance", "name": "t-db",
                                  "custom": True, "inputs": {}}), path)
    assert main(["cost", "--plan", str(path), "--month", "2027-11"]) == 2
    line = _one_error(capsys)
    assert "`alicloud:hologram/instance:Instance`" in line and "cn-hangzhou.yaml" in line


def test_a_bad_cost_section_names_the_file_and_key(capsys, stacks_copy):
    path = stacks_copy / "Pulumi.dev.yaml"
    path.write_text(path.read_text().replace("replay_hours_per_month: 5", "replay_hours_per_month: -5"))
    plan_file = stacks_copy.parent / "dev.json"
    write_plan(plan(node_pool(), stack="dev"), plan_file)
    assert main(["cost", "dev", "--plan", str(plan_file), "--stacks-dir", str(stacks_copy), "--month", "2027-11"]) == 2
    err = capsys.readouterr().err
    assert "Pulumi.dev.yaml: livecommerce:platform.cost.replay_hours_per_month" in err
    assert "Traceback" not in err


def test_an_unwritable_json_path_is_exit_2(clock, capsys, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["cost", "staging", "--month", "2027-11", "--json", str(blocker / "cost.json")]) == 2
    assert "check the path" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "expected"), [
    (["cost", "prod", "--json"], ["cost", "prod", "--json", "-"]),
    (["cost", "prod", "--json", "--month", "2027-11"], ["cost", "prod", "--json", "-", "--month", "2027-11"]),
    (["cost", "prod", "--json", "out.json"], ["cost", "prod", "--json", "out.json"]),
    (["cost", "prod", "--json", "-"], ["cost", "prod", "--json", "-"]),
    (["preview", "prod", "--json"], ["preview", "prod", "--json"]),
])
def test_a_bare_json_option_means_stdout(argv, expected):
    assert normalize_argv(argv) == expected


def test_the_default_month_is_the_current_utc_month():
    import datetime as dt

    from livecommerce.cost import Month, default_month

    assert default_month(dt.date(2026, 12, 31)) == Month(2026, 12)
    assert default_month(dt.date(2027, 1, 1)).label == "2027-01"


def test_help_lists_the_command(capsys):
    assert main(["--help"]) == 0
    assert "cost" in capsys.readouterr().out
