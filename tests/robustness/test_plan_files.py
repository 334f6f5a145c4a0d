"""Plan files (issue 18, items 12 and 13): the committed JSON Schema of format v1 is the one definition, every
reader (check, diff, compare, graph, report) refuses a wrong-typed field with one line naming the file and the
JSON path, and `report` refuses a base plan of another stack or project and a missing base file."""

from __future__ import annotations

import contextlib
import copy
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from livecommerce import plan as plan_mod
from livecommerce.cli import main
from livecommerce.errors import UserError
from livecommerce.plan import PLAN_FORMAT, load_plan, plan_schema, schema_error, validate_plan, write_plan
from tests.review.plans import platform

ROOT = Path(__file__).resolve().parents[2]


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def test_the_schema_sits_beside_the_format_doc_and_is_a_valid_2020_12_schema():
    assert plan_mod.SCHEMA_PATH == ROOT / "docs" / "plan-format.schema.json"
    schema = plan_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["format"]["const"] == PLAN_FORMAT
    assert tuple(schema["required"]) == plan_mod.REQUIRED_KEYS
    assert tuple(schema["$defs"]["resource"]["required"]) == plan_mod.RESOURCE_KEYS
    assert "plan-format.schema.json" in (ROOT / "docs" / "plan-format.md").read_text()


def test_plans_the_engine_writes_conform(tmp_path):
    p = tmp_path / "dev.json"
    assert main(["preview", "dev", "-q", "--no-policies", "--json", str(p)]) == 0
    data = json.loads(p.read_text())
    jsonschema.validate(data, plan_schema())
    assert load_plan(p) == data


# Mutations of a valid plan: what a hand edit, a bad merge or another tool can leave behind.
BAD_FIELDS = [
    (("resources", 3, "inputs"), "x", "resources[3].inputs: must be an object, not a string"),
    (("resources", 3, "type"), None, "resources[3].type: must be a string, not null"),
    (("resources", 3, "urn"), 5, "resources[3].urn: must be a string, not an integer"),
    (("resources", 3, "urn"), "shop", 'resources[3].urn: "shop" is not a Pulumi URN'),
    (("resources", 3, "parent"), 7, "resources[3].parent: must be a string or null, not an integer"),
    (("resources", 3, "custom"), "yes", "resources[3].custom: must be true or false, not a string"),
    (("resources", 3, "dependencies"), "urn:pulumi:x", "resources[3].dependencies: must be a list, not a string"),
    (("resources", 3, "dependencies"), [None], "resources[3].dependencies[0]: must be a string, not null"),
    (("resources", 3, "propertyDependencies"), {"a": "b"}, "resources[3].propertyDependencies.a: must be a list"),
    (("resources", 3, "options"), {"ignoreChanges": "tags"}, "resources[3].options.ignoreChanges: must be a list"),
    (("resources", 3, "options"), [], "resources[3].options: must be an object, not a list"),
    (("resources", 3), "oops", "resources[3]: must be an object, not a string"),
    (("resources",), {}, "resources: must be a list, not an object"),
    (("outputs",), None, "outputs: must be an object, not null"),
    (("stack",), "", "stack: must not be empty"),
    (("project",), ["livecommerce"], "project: must be a string, not a list"),
    (("observability",), "all good", "observability: must be an object"),
]


def put(data: Any, path: tuple, value: Any) -> Any:
    out = copy.deepcopy(data)
    cur = out
    for key in path[:-1]:
        cur = cur[key]
    cur[path[-1]] = value
    return out


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    return platform("prod")


@pytest.mark.parametrize(("path", "value", "message"), BAD_FIELDS, ids=lambda x: str(x)[:30])
def test_every_reader_refuses_a_wrong_typed_field_in_one_line(good, tmp_path, path, value, message):
    bad = tmp_path / "bad.json"
    write_plan(put(good, path, value), bad)
    ok = tmp_path / "prod.json"
    write_plan(good, ok)
    (tmp_path / "base").mkdir()
    write_plan(good, tmp_path / "base" / "prod.json")
    (tmp_path / "new").mkdir()
    write_plan(put(good, path, value), tmp_path / "new" / "prod.json")
    new_file = tmp_path / "new" / "prod.json"
    for argv, file in [
        (["check", "--plan", str(bad)], bad),
        (["diff", str(ok), str(bad)], bad),
        (["diff", str(bad), str(ok)], bad),
        (["compare", "--plans", str(ok), str(bad)], bad),
        (["graph", "--plan", str(bad)], bad),
        (["report", "prod", "--plan-dir", str(tmp_path / "new"), "--out", str(tmp_path / "r.md")], new_file),
    ]:
        code, out, err = run(argv)
        assert code == 2, (argv, err)
        assert "Traceback" not in err
        lines = err.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith(f"error: {file}: {message}"), (argv, lines[0])
    assert not (tmp_path / "r.md").exists()


def test_a_repeated_urn_in_a_plan_file_is_refused(good, tmp_path):
    data = copy.deepcopy(good)
    data["resources"].append(copy.deepcopy(data["resources"][2]))
    bad = tmp_path / "dup.json"
    write_plan(data, bad)
    code, _, err = run(["graph", "--plan", str(bad)])
    assert code == 2 and f"resources[{len(data['resources']) - 1}].urn: " in err and "appears twice" in err


@pytest.mark.parametrize(("content", "message"), [
    (b'{"format": ', "invalid JSON at line 1 column 12"),
    ('{"format": "livecommerce.plan/v1", "stack": "caf\xe9"}'.encode("latin-1"), "byte 0xe9 is not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b"[]", "not a livecommerce plan (expected a JSON object, got a list)"),
])
def test_a_file_that_is_not_json_text_is_one_line(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    code, _, err = run(["graph", "--plan", str(bad)])
    assert code == 2 and "Traceback" not in err
    assert err.strip().splitlines() == [err.strip()] and message in err


def test_a_directory_given_as_a_plan_is_called_a_directory(tmp_path):
    code, _, err = run(["graph", "--plan", str(tmp_path)])
    assert code == 2
    assert err.strip() == f"error: {tmp_path}: is a directory, not a plan file; give the path of a .json plan"


def test_additive_fields_are_allowed_where_the_format_says_additive(good):
    """Other features add keys (per-resource `aliases`, a plan-level `tier`, contract results): format v1
    readers must not refuse them."""
    data = copy.deepcopy(good)
    data["tier"] = "production"
    data["contracts"] = {"results": []}
    data["resources"][2]["aliases"] = ["urn:pulumi:prod::livecommerce::old::name"]
    data["resources"][2]["options"] = {"provider": data["resources"][1]["urn"], "somethingNew": 1}
    assert validate_plan(data) is data


# ---- the in-process interpreter agrees with the reference implementation -------------------------

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                max_size=3), max_leaves=8)
RESOURCE_KEYS = ["urn", "type", "name", "parent", "custom", "protect", "inputs", "dependencies",
                 "propertyDependencies", "options", "aliases"]


@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_validate_plan_agrees_with_jsonschema_on_mutated_plans(good, data):
    """Replace one field anywhere in a valid plan (or drop it) with arbitrary JSON: the fast validator and
    the `jsonschema` package give the same verdict, and a refusal names a JSON path."""
    plan = copy.deepcopy(good)
    target = data.draw(st.sampled_from(["top", "resource", "options", "propdeps"]))
    value = data.draw(JSON | st.sampled_from(["urn:pulumi:a::b::c::d", "x:y:Z", "", [], {}]))
    drop = data.draw(st.booleans())
    if target == "top":
        container, key = plan, data.draw(st.sampled_from(["format", "project", "stack", "resources", "outputs",
                                                          "observability"]))
    else:
        res = plan["resources"][data.draw(st.integers(0, len(plan["resources"]) - 1))]
        if target == "resource":
            container, key = res, data.draw(st.sampled_from(RESOURCE_KEYS))
        elif target == "options":
            container, key = res.setdefault("options", {}), data.draw(st.sampled_from(
                ["provider", "ignoreChanges", "import", "retainOnDelete", "other"]))
        else:
            container, key = res["propertyDependencies"], "someProp"
    if drop:
        container.pop(key, None)
    else:
        container[key] = value
    expected_ok = jsonschema.Draft202012Validator(plan_schema()).is_valid(plan)
    problem = schema_error(plan, plan_schema())
    assert (problem is None) == expected_ok, problem
    try:
        validate_plan(plan, "p.json")
        accepted = True
    except UserError as err:
        accepted = False
        assert err.lines[0].startswith("p.json: ")
    assert accepted == expected_ok


def test_the_validator_refuses_schema_keywords_it_does_not_interpret(monkeypatch, tmp_path):
    schema = json.loads(plan_mod.SCHEMA_PATH.read_text())
    schema["properties"]["stack"]["maxLength"] = 10
    path = tmp_path / "s.json"
    path.write_text(json.dumps(schema))
    monkeypatch.setattr(plan_mod, "SCHEMA_PATH", path)
    plan_mod.plan_schema.cache_clear()
    try:
        with pytest.raises(ValueError, match="maxLength"):
            plan_schema()
    finally:
        plan_mod.plan_schema.cache_clear()


# ---- report: which plan is a base for which environment (item 13) ---------------------------------


@pytest.fixture
def dirs(tmp_path: Path) -> Path:
    for env in ("dev", "prod"):
        write_plan(platform(env), tmp_path / "before" / f"{env}.json")
        write_plan(platform(env, pool_max=40), tmp_path / "after" / f"{env}.json")
    return tmp_path


def report(dirs: Path, *extra: str) -> tuple[int, str, str]:
    return run(["report", "dev", "prod", "--base-dir", str(dirs / "before"), "--plan-dir", str(dirs / "after"),
                "--out", str(dirs / "r.md"), *extra])


def test_a_base_plan_of_another_stack_is_refused(dirs):
    (dirs / "before" / "prod.json").write_text((dirs / "before" / "dev.json").read_text())
    code, _, err = report(dirs)
    base = dirs / "before" / "prod.json"
    assert code == 2 and err.strip() == (
        f"error: {base}: is the plan of stack 'dev' of project 'livecommerce', not stack 'prod' of project "
        f"'livecommerce'; build it with `livecommerce preview prod --json {base}`")
    assert not (dirs / "r.md").exists()


def test_a_base_plan_of_another_project_is_refused(dirs):
    other = json.loads((dirs / "before" / "prod.json").read_text())
    other["project"] = "someone-else"
    write_plan(other, dirs / "before" / "prod.json")
    code, _, err = report(dirs)
    assert code == 2 and "of project 'someone-else', not stack 'prod' of project 'livecommerce'" in err


def test_a_new_plan_of_another_stack_is_refused_too(dirs):
    (dirs / "after" / "prod.json").write_text((dirs / "after" / "dev.json").read_text())
    for argv in (["report", "prod", "--plan-dir", str(dirs / "after"), "--out", str(dirs / "r.md")],
                 ["compare", "dev", "prod", "--plan-dir", str(dirs / "after")]):
        code, _, err = run(argv)
        assert code == 2 and f"{dirs / 'after' / 'prod.json'}: is the plan of stack 'dev'" in err


def test_no_base_must_name_a_reported_environment_and_not_contradict_a_file(dirs):
    code, _, err = report(dirs, "--no-base", "qa")
    assert code == 2 and "--no-base qa: 'qa' is not one of the reported environments (dev prod)" in err
    code, _, err = report(dirs, "--no-base", "dev")
    assert code == 2 and "a base plan exists, but --no-base dev says there is none" in err


def test_a_base_dir_that_is_not_a_directory_names_it_in_the_fix(dirs):
    code, _, err = run(["report", "prod", "--base-dir", str(dirs / "nowhere"), "--plan-dir", str(dirs / "after"),
                        "--out", str(dirs / "r.md")])
    assert code == 2 and "{base_dir}" not in err
    assert f"`livecommerce preview ENV --json {dirs / 'nowhere'}/ENV.json`" in err


def test_diff_across_projects_says_why_everything_changes(dirs, capsys):
    other = json.loads((dirs / "before" / "prod.json").read_text())
    other["project"] = "someone-else"
    write_plan(other, dirs / "other.json")
    code, _, err = run(["diff", str(dirs / "other.json"), str(dirs / "after" / "prod.json")])
    assert code == 0 and "is project 'someone-else'" in err and "delete plus a create" in err


# ---- past the schema: inputs are any JSON, and readers that look inside them must not crash ------------


@pytest.fixture(scope="module")
def prod_plan(tmp_path_factory) -> dict[str, Any]:
    p = tmp_path_factory.mktemp("prod") / "prod.json"
    assert main(["preview", "prod", "-q", "--no-policies", "--json", str(p)]) == 0
    return json.loads(p.read_text())


def _leaf_paths(value: Any, path: tuple = ()) -> list[tuple]:
    out = [path] if path else []
    if isinstance(value, dict):
        for k, v in value.items():
            out += _leaf_paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _leaf_paths(v, (*path, i))
    return out


# The resource types whose inputs the readers interpret (coverage, manifests, compare, diff).
INTERPRETED = ("kubernetes:apps/v1:Deployment", "alicloud:arms/prometheusAlertRule:PrometheusAlertRule",
               "alicloud:arms/dispatchRule:DispatchRule", "kubernetes:networking.k8s.io/v1:NetworkPolicy")


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_readers_survive_any_json_inside_inputs(prod_plan, data):
    """A hand-edited plan file can hold any JSON inside `inputs` (the format does not type them): diff,
    compare, graph, coverage and manifests skip what they cannot interpret instead of crashing."""
    from livecommerce import coverage, manifests
    from livecommerce.review import compare, diff, graph

    plan = copy.deepcopy(prod_plan)
    candidates = [r for r in plan["resources"] if r["type"] in INTERPRETED and r["inputs"]]
    assert {r["type"] for r in candidates} == set(INTERPRETED)
    res = data.draw(st.sampled_from(candidates))
    path = data.draw(st.sampled_from(_leaf_paths(res["inputs"])))
    cur = res["inputs"]
    for key in path[:-1]:
        cur = cur[key]
    cur[path[-1]] = data.draw(JSON)
    validate_plan(plan)
    diff.render_text(diff.diff_plans(prod_plan, plan))
    compare.render_text(compare.compare_plans(prod_plan, plan))
    graph.render(plan, "mermaid", "resources")
    coverage.coverage(plan)
    manifests.render_manifests(plan)


@pytest.mark.parametrize(("token", "path", "value"), [
    ("kubernetes:apps/v1:Deployment", ("metadata",), [1]),
    ("kubernetes:apps/v1:Deployment", ("metadata", "labels"), "app=shop"),
    ("alicloud:arms/prometheusAlertRule:PrometheusAlertRule", ("labels",), 5),
    ("alicloud:arms/dispatchRule:DispatchRule", ("notifyRules",), {"a": 1}),
    ("alicloud:arms/dispatchRule:DispatchRule", ("labelMatchExpressionGrids",), True),
])
def test_report_on_a_plan_with_odd_inputs_still_renders(prod_plan, tmp_path, token, path, value):
    """The shapes that used to crash coverage and manifests (a TypeError in `report`)."""
    from livecommerce.manifests import render_manifests

    plan = copy.deepcopy(prod_plan)
    res = next(r for r in plan["resources"] if r["type"] == token)
    cur = res["inputs"]
    for key in path[:-1]:
        cur = cur[key]
    cur[path[-1]] = value
    write_plan(plan, tmp_path / "plans" / "prod.json")
    code, _, err = run(["report", "prod", "--plan-dir", str(tmp_path / "plans"), "--out", str(tmp_path / "r.md")])
    assert code == 0, err
    render_manifests(plan)
