"""The review commands through `livecommerce.cli.main`: saved plans in, text and files out, bad input exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livecommerce.cli import main
from livecommerce.plan import write_plan
from tests.review.plans import platform
from tests.review.test_graph import parse_mermaid
from tests.review.test_report import assert_well_formed


@pytest.fixture
def plans(tmp_path: Path) -> Path:
    """before/ and after/ plan dirs for dev and prod; prod's pool max goes 30 -> 40."""
    for env, before, after in (("dev", platform("dev", pool_max=3), platform("dev", pool_max=3)),
                               ("prod", platform("prod", pool_max=30), platform("prod", pool_max=40))):
        write_plan(before, tmp_path / "before" / f"{env}.json")
        write_plan(after, tmp_path / "after" / f"{env}.json")
    return tmp_path


def test_diff_text_markdown_and_json(plans, capsys):
    assert main(["diff", str(plans / "before/prod.json"), str(plans / "after/prod.json")]) == 0
    out = capsys.readouterr().out
    assert "Update (1)" in out and "scalingConfig.maxSize: 30 -> 40" in out
    assert "Summary: 0 to create, 1 to update, 0 to replace, 0 to delete" in out
    assert main(["diff", str(plans / "before/prod.json"), str(plans / "after/prod.json"), "--format", "markdown",
                 "--json", str(plans / "d.json")]) == 0
    md = capsys.readouterr().out
    assert "`scalingConfig.maxSize`: `30` → `40`" in md
    assert_well_formed(md)
    assert json.loads((plans / "d.json").read_text())["summary"]["update"] == 1


def test_report_from_saved_plans_writes_markdown_and_json(plans, capsys):
    out = plans / "review" / "report.md"
    args = ["report", "dev", "prod", "--base-dir", str(plans / "before"), "--plan-dir", str(plans / "after"),
            "--out", str(out)]
    assert main(args) == 0
    text = out.read_text()
    assert "| `prod` | 0 | 1 | 0 | 0 |" in text
    assert "| `dev` | 0 | 0 | 0 | 0 |" in text
    data = out.with_name("report-data")
    assert (data / "summary.json").is_file() and (data / "prod.diff.json").is_file()
    assert f"`{data.as_posix()}/`" in text
    assert "report written to" in capsys.readouterr().out
    # Same inputs, same bytes.
    first = text
    assert main(args) == 0
    assert out.read_text() == first


def test_report_without_a_base_plan_for_one_env_says_so_explicitly(plans, capsys):
    (plans / "before" / "dev.json").unlink()
    out = plans / "r.md"
    args = ["report", "dev", "prod", "--base-dir", str(plans / "before"), "--plan-dir", str(plans / "after"),
            "--out", str(out)]
    # Silently reporting dev as "no base" hid a misnamed base file: the missing base is an error ...
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{plans / 'before' / 'dev.json'}: no base plan for dev" in err and "--no-base dev" in err
    assert not out.exists()
    # ... unless the environment is declared to have none (a new stack, or a base commit that cannot build it).
    assert main([*args, "--no-base", "dev"]) == 0
    assert "**No base plan** for `dev`" in out.read_text()


def test_compare_saved_plans(plans, capsys):
    assert main(["compare", "--plans", str(plans / "after/dev.json"), str(plans / "after/prod.json")]) == 0
    out = capsys.readouterr().out
    assert "livecommerce compare: dev vs prod" in out
    assert "scalingConfig.maxSize: dev=3  prod=40" in out
    assert main(["compare", "dev", "prod", "--plan-dir", str(plans / "after"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["a"] == "dev"


def test_graph_saved_plan(plans, capsys):
    assert main(["graph", "--plan", str(plans / "after/prod.json")]) == 0
    parse_mermaid(capsys.readouterr().out)
    assert main(["graph", "--plan", str(plans / "after/prod.json"), "--format", "dot", "--detail", "resources",
                 "--out", str(plans / "g.dot")]) == 0
    assert (plans / "g.dot").read_text().startswith("digraph")


@pytest.mark.parametrize(("args", "message"), [
    (["diff", "missing.json", "missing.json"], "missing.json: no such plan file"),
    (["diff", "{before}", "{before}", "--format", "html"], "--format: 'html' is not one of text, markdown, json"),
    (["compare", "dev"], "compare: give two environments"),
    (["compare", "dev", "prod", "--plans", "{before}", "{before}"], "not both"),
    (["graph"], "graph: give an environment"),
    (["graph", "--plan", "{before}", "--detail", "all"], "--detail: 'all' is not one of components, resources"),
    (["report", "prod", "--out", "r.md", "--base-dir", "nowhere", "--plan-dir", "{dir}"],
     "nowhere: --base-dir is not a directory"),
    (["report", "prod", "prod", "--out", "r.md", "--plan-dir", "{dir}"], "environments listed twice"),
    (["report", "qa", "--out", "r.md", "--plan-dir", "{dir}"], "qa.json: no such plan file"),
])
def test_bad_input_is_a_user_error(plans, capsys, monkeypatch, args, message):
    monkeypatch.chdir(plans)
    args = [a.format(before=str(plans / "before/prod.json"), dir=str(plans / "after")) for a in args]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_invalid_plan_file_names_the_file(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')
    assert main(["graph", "--plan", str(bad)]) == 2
    assert f"{bad}: format is 'something-else'" in capsys.readouterr().err


def test_report_uses_coverage_and_policy_modules_through_adapters(plans, monkeypatch):
    """Fake sibling modules: a coverage result that is a dataclass, a policy engine that cannot run."""
    import dataclasses
    import sys
    import types

    from livecommerce.errors import UserError

    @dataclasses.dataclass
    class Coverage:
        targets: dict
        gaps: list

    fake_cov = types.ModuleType("livecommerce.coverage")
    fake_cov.coverage = lambda plan: Coverage({"shop": {"metrics": True, "traces": False}}, ["shop: no traces"])
    fake_check = types.ModuleType("livecommerce.checking")

    def evaluate(plan, env, **kwargs):
        raise UserError(f"policies/config/{env}.json: no such file")

    fake_check.evaluate = evaluate
    monkeypatch.setitem(sys.modules, "livecommerce.coverage", fake_cov)
    monkeypatch.setitem(sys.modules, "livecommerce.checking", fake_check)
    out = plans / "r.md"
    assert main(["report", "prod", "--plan-dir", str(plans / "after"), "--out", str(out)]) == 0
    text = out.read_text()
    assert "Policies were not evaluated: policies/config/prod.json: no such file." in text
    assert "| `prod` | 10 (no base) | – | – | – | n/a | n/a | – |" in text
    assert "- shop: no traces" in text and "| `shop` | metrics ✅, traces ❌ | – |" in text
    data = json.loads((plans / "r-data" / "prod.coverage.json").read_text())
    assert data["available"] is True and data["coverage"]["gaps"] == ["shop: no traces"]
