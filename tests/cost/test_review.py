"""The PR report's cost line per environment and the cost difference in `compare`."""

from __future__ import annotations

import copy
import json

from livecommerce.cli import main
from livecommerce.cost import Month, cost_summary
from livecommerce.cost.render import compare_lines, report_line
from livecommerce.plan import write_plan
from tests.cost.conftest import node_pool, plan


def _smaller_steady_pool(p):
    base = copy.deepcopy(p)
    for r in base["resources"]:
        if r["name"] == "prod-node-pools-steady":
            r["inputs"]["scalingConfig"]["minSize"] = 2
    return base


def test_the_summary_has_the_change_against_the_base(shipped_plans):
    head = shipped_plans["prod"]
    s = cost_summary(head, env="prod", month=Month(2027, 11), base=_smaller_steady_pool(head))
    assert s["elastic_change"] == round(s["elastic"] - s["base_elastic"], 2)
    assert s["elastic_change"] > 0  # the head plan has one more steady node (less ECI, more ECS)
    assert set(s) >= {"month", "currency", "as_of", "elastic", "peak_sized", "saving_percent"}
    same = cost_summary(head, env="prod", month=Month(2027, 11), base=head)
    assert same["elastic_change"] == 0
    assert "±0.00 against the base" in report_line(same)


def test_a_cost_gap_never_stops_the_review():
    broken = plan(node_pool(types=("ecs.unknown.large",)), stack="prod")
    s = cost_summary(broken, env="prod", month=Month(2027, 11))
    assert "ecs.unknown.large" in s["error"]
    assert report_line(s).startswith("**Cost**: not available (")
    head = plan(node_pool(), stack="prod")
    assert "base plan not priced" in report_line(cost_summary(head, env="prod", month=Month(2027, 11), base=broken))


def test_the_report_carries_one_cost_line_per_environment(clock, tmp_path, shipped_plans):
    base_dir = tmp_path / "before"
    write_plan(_smaller_steady_pool(shipped_plans["prod"]), base_dir / "prod.json")
    out = tmp_path / "report.md"
    assert main(["report", "dev", "prod", "--base-dir", str(base_dir), "--no-base", "dev", "--out", str(out),
                 "--cost-month", "2027-11"]) == 0
    text = out.read_text()
    lines = [line for line in text.splitlines() if line.startswith("**Cost**")]
    assert len(lines) == 2
    dev, prod = lines
    assert dev.startswith("**Cost** (2027-11, CNY/month, list prices as of 2026-12-01): elastic **")
    assert "(no base plan)" in dev
    prod_cost = cost_summary(shipped_plans["prod"], env="prod", month=Month(2027, 11),
                             base=_smaller_steady_pool(shipped_plans["prod"]))
    assert f"elastic **{prod_cost['elastic']:,.2f}** (+{prod_cost['elastic_change']:,.2f} against the base)" in prod
    assert f"saving {prod_cost['saving_percent']:g}%" in prod
    summary = json.loads((tmp_path / "report-data" / "summary.json").read_text())
    by_env = {e["env"]: e for e in summary["environments"]}
    assert by_env["prod"]["cost"]["elastic"] == prod_cost["elastic"]


def test_a_bad_cost_month_in_the_report_is_exit_2(capsys, tmp_path):
    assert main(["report", "dev", "--out", str(tmp_path / "r.md"), "--cost-month", "soon"]) == 2
    assert "--month: expected YYYY-MM" in capsys.readouterr().err


def test_compare_shows_the_cost_difference(clock, capsys):
    assert main(["compare", "dev", "prod", "--cost-month", "2027-11"]) == 0
    out = capsys.readouterr().out
    dev = cost_summary(_preview("dev"), env="dev", month=Month(2027, 11))
    prod = cost_summary(_preview("prod"), env="prod", month=Month(2027, 11))
    for line in compare_lines("dev", dev, "prod", prod):
        assert line in out
    assert f"({prod['elastic'] - dev['elastic']:+,.2f})" in out
    assert main(["compare", "dev", "prod", "--cost-month", "2027-11", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["cost"]["prod"]["elastic"] == prod["elastic"]
    assert main(["compare", "dev", "prod", "--cost-month", "2027-11", "--format", "markdown"]) == 0
    assert "elastic     dev" in capsys.readouterr().out


def _preview(env):
    from tests.cost.conftest import preview

    return preview(env)
