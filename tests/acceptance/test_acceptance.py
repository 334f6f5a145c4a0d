"""Acceptance, as a new user runs it: the CLI entry point on the real stacks, then outside tools on
the files it writes. Only the issues' acceptance bullets that no other test asserts end to end:

- `.ci/run` calls `make test` (and the policy gate); `make preview` defaults to dev;
- the stack files validate against their own committed JSON Schema (what editors and
  `check-jsonschema` see), and a misspelt key fails that schema too;
- a misspelt key or a wrong type in a copied stack file: exit 2 and one `error:` line per problem,
  naming the file and the key, on every command that reads stack files (`--stacks-dir`);
- `preview prod --manifests DIR` writes files that pass `kubernetes-validate --strict` for the
  cluster's Kubernetes version (built-in kinds);
- dev differs downward visibly in `livecommerce preview dev`;
- no offline secret placeholder, webhook URL or robot token appears in any output;
- `check --plan` on the saved prod plan exits 0;
- the multi-environment report stays under 60,000 characters, summary first, and says where the
  full JSON is; the DOT diagram is well formed (and renders, if Graphviz is installed).

One prod preview (plan, manifests, console output) is shared by the module.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml

from livecommerce.cli import main

ROOT = Path(__file__).resolve().parents[2]
STACKS = ROOT / "stacks"
ENVS = ("dev", "staging", "prod")
SECRET_PLACEHOLDER = "offline-secret-placeholder"  # livecommerce.engine.SECRET_PLACEHOLDER
# Values that must never leave a secret: robot tokens, webhook URLs (the stack files only name them).
LEAK_PATTERNS = [
    re.compile(r"access_token=\w"),
    re.compile(r"oapi\.dingtalk\.com/robot"),
    re.compile(r"https?://[^\s\"']*webhook", re.IGNORECASE),
]


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    """`livecommerce.cli.main(argv)` with its stdout and stderr captured (module fixtures cannot use capsys)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def _platform(env: str) -> dict:
    text = (STACKS / f"Pulumi.{env}.yaml").read_text()
    return yaml.safe_load(text)["config"]["livecommerce:platform"]


@pytest.fixture(scope="module")
def prod(tmp_path_factory) -> dict:
    """`livecommerce preview prod --json plan.json --manifests DIR`, once for the module."""
    d = tmp_path_factory.mktemp("acceptance-prod")
    code, out, err = run_cli(["preview", "prod", "--json", str(d / "plan.json"), "--manifests", str(d / "k8s")])
    assert code == 0, err
    return {"dir": d, "plan_path": d / "plan.json", "plan": json.loads((d / "plan.json").read_text()),
            "manifests": d / "k8s", "stdout": out, "stderr": err}


# --- issue 2: the fresh-clone path ---------------------------------------------------------------

def test_ci_runs_the_tests_then_the_policy_gate_and_make_preview_defaults_to_dev():
    ci = ROOT / ".ci" / "run"
    assert ci.stat().st_mode & 0o111, ".ci/run must be executable"
    commands = [ln.strip() for ln in ci.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert "make test" in commands and "make check" in commands
    assert commands.index("make test") < commands.index("make check")
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^ENV \?= dev$", makefile, re.MULTILINE)
    assert re.search(r"^preview: .*\$\(STAMP\)", makefile, re.MULTILINE), "make preview must create .venv first"


@pytest.mark.parametrize("env", ENVS)
def test_stack_file_validates_against_the_committed_schema(env):
    schema = json.loads((STACKS / "platform.schema.json").read_text())
    jsonschema.validators.validator_for(schema).check_schema(schema)
    document = yaml.safe_load((STACKS / f"Pulumi.{env}.yaml").read_text())
    errors = [e.message for e in jsonschema.validators.validator_for(schema)(schema).iter_errors(document)]
    assert errors == []


def test_the_committed_schema_rejects_a_misspelt_key_and_a_wrong_type():
    schema = json.loads((STACKS / "platform.schema.json").read_text())
    document = yaml.safe_load((STACKS / "Pulumi.prod.yaml").read_text())
    platform = document["config"]["livecommerce:platform"]
    platform["node_pools"][0]["max_szie"] = platform["node_pools"][0].pop("max_size")
    platform["network"]["max_pods_per_node"] = "lots"
    errors = sorted(jsonschema.validators.validator_for(schema)(schema).iter_errors(document),
                    key=lambda e: list(e.absolute_path))
    paths = [list(e.absolute_path) for e in errors]
    assert ["config", "livecommerce:platform", "network", "max_pods_per_node"] in paths
    assert any(p[:4] == ["config", "livecommerce:platform", "node_pools", 0] and "max_szie" in e.message
               for p, e in zip(paths, errors, strict=True))


@pytest.fixture
def typo_stacks(tmp_path) -> Path:
    """A copy of stacks/ whose prod file has a misspelt key and a wrong type."""
    stacks = tmp_path / "stacks"
    stacks.mkdir()
    for env in ENVS:
        shutil.copy(STACKS / f"Pulumi.{env}.yaml", stacks)
    path = stacks / "Pulumi.prod.yaml"
    text = path.read_text()
    for old, new in (("max_size: 60", "max_szie: 60"), ("max_pods_per_node: 64", "max_pods_per_node: lots")):
        assert old in text, f"stacks/Pulumi.prod.yaml no longer has {old!r}; update this test"
        text = text.replace(old, new, 1)
    path.write_text(text)
    return stacks


@pytest.mark.parametrize("argv", [
    ["preview", "prod"],
    ["check", "prod"],
    ["validate", "prod"],
    ["graph", "prod"],
    ["compare", "dev", "prod"],
    ["report", "prod", "--out", "{tmp}/report.md"],
], ids=lambda a: a[0])
def test_a_typo_in_a_stack_file_is_exit_2_with_one_line_per_error(typo_stacks, tmp_path, argv):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv] + ["--stacks-dir", str(typo_stacks)]
    code, out, err = run_cli(argv)
    assert code == 2
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    file = str(typo_stacks / "Pulumi.prod.yaml")
    assert len(lines) == 2, lines
    assert all(ln.startswith(f"error: {file}: livecommerce:platform.") for ln in lines)
    assert any("node_pools[0].max_szie" in ln and "max_size" in ln for ln in lines)
    assert any("network.max_pods_per_node" in ln and "integer" in ln for ln in lines)
    assert not (tmp_path / "report.md").exists()


# --- issue 3: manifests for the user's own tools --------------------------------------------------

def _k8s_version(env: str) -> str:
    """`1.33.1-aliyun.1` -> `1.33.0`: kubernetes-validate ships one schema set per minor."""
    major, minor = _platform(env)["cluster"]["kubernetes_version"].split(".")[:2]
    return f"{major}.{minor}.0"


def test_manifests_pass_kubernetes_validate_strict_for_the_cluster_version(prod):
    files = sorted(prod["manifests"].rglob("*.yaml"))
    kinds = set()
    for path in files:
        docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
        assert len(docs) == 1, f"{path}: one object per file"
        obj = docs[0]
        kinds.add(obj["kind"])
        if obj["apiVersion"].split("/")[0].endswith("alibabacloud.com"):
            continue  # ACK CRDs: kubernetes-validate has no schema; their own schemas are tested elsewhere
        try:
            kubernetes_validate.validate(obj, _k8s_version("prod"), strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{path.relative_to(prod['manifests'])}: {exc.message} at {list(exc.path)}")
    assert {"Deployment", "Service", "PodDisruptionBudget", "HorizontalPodAutoscaler",
            "ResourcePolicy", "CronHorizontalPodAutoscaler"} <= kinds


def test_dev_differs_downward_visibly_in_the_preview(prod):
    code, dev_out, err = run_cli(["preview", "dev", "--no-policies"])
    assert code == 0, err
    # prod protects its stateful resources; dev protects nothing
    assert "(protected)" in prod["stdout"] and "(protected)" not in dev_out

    def count(out: str, token: str) -> int:
        m = re.search(rf"│ {re.escape(token)}\s+│\s+(\d+) │", out)
        return int(m.group(1)) if m else 0

    assert count(dev_out, "alicloud:vpc/switch:Switch") < count(prod["stdout"], "alicloud:vpc/switch:Switch")
    assert count(dev_out, "alicloud:cs/nodePool:NodePool") <= count(prod["stdout"], "alicloud:cs/nodePool:NodePool")
    pools = {e: max(p["max_size"] for p in _platform(e)["node_pools"]) for e in ("dev", "prod")}
    assert pools["dev"] < pools["prod"]


# --- issue 5 (and 2): secrets never leave ----------------------------------------------------------

def test_the_placeholder_note_names_the_redaction_marker(prod):
    # Secrets the offline run cannot decrypt are named (never valued), and the marker is printed literally.
    note = next((ln for ln in prod["stdout"].splitlines() if "offline placeholders" in ln), None)
    if note is None:
        pytest.skip("the prod stack has no secret without a value offline")
    assert "show as [secret]" in " ".join(prod["stdout"].split())


def test_no_placeholder_or_secret_value_in_any_output(prod, tmp_path):
    texts: dict[str, str] = {"preview stdout": prod["stdout"] + prod["stderr"],
                             "plan.json": prod["plan_path"].read_text()}
    for path in sorted(prod["manifests"].rglob("*.yaml")):
        texts[f"manifest {path.name}"] = path.read_text()
    for argv in (["check", "--plan", str(prod["plan_path"]), "--env", "prod", "--json"],
                 ["graph", "prod", "--format", "dot", "--detail", "resources"],
                 ["compare", "dev", "prod"],
                 ["diff", str(prod["plan_path"]), str(prod["plan_path"])]):
        code, out, err = run_cli(argv)
        assert code == 0, (argv, err)
        texts[" ".join(argv[:1])] = out + err
    report = tmp_path / "report.md"
    code, out, err = run_cli(["report", "prod", "--out", str(report)])
    assert code == 0, err
    texts["report stdout"] = out + err
    for path in sorted(tmp_path.rglob("*")):
        if path.is_file():
            texts[f"report {path.name}"] = path.read_text()
    assert any("report-data" in str(p) for p in tmp_path.rglob("*.json")), "the report's JSON goes with it"
    for name, text in texts.items():
        assert SECRET_PLACEHOLDER not in text, name
        for pattern in LEAK_PATTERNS:
            assert not pattern.search(text), f"{name}: {pattern.pattern}"


# --- issue 7: the saved plan through the policy gate ----------------------------------------------

def test_check_plan_on_the_saved_prod_plan_passes(prod):
    code, out, err = run_cli(["check", "--plan", str(prod["plan_path"]), "--json"])
    assert code == 0, err
    result = json.loads(out)
    assert result["env"] == "prod"
    assert not [f for f in result["findings"] if f["level"] == "mandatory" and f["status"] != "waived"]
    assert result["expiredWaivers"] == []


# --- issue 8: the pull-request report and the diagram ---------------------------------------------

def test_report_for_every_environment_stays_under_budget_summary_first(tmp_path):
    out = tmp_path / "report.md"
    code, _, err = run_cli(["report", *ENVS, "--out", str(out)])
    assert code == 0, err
    text = out.read_text()
    assert len(text) < 60_000
    first_table = next(ln for ln in text.splitlines() if ln.startswith("|"))
    assert "environment" in first_table and "create" in first_table and "danger" in first_table
    for env in ENVS:
        assert f"| `{env}` |" in text
    assert "report-data" in text, "the report says where the full JSON is"
    assert "```mermaid" in text
    # folding never cuts a table: every <details> closes
    assert text.count("<details>") == text.count("</details>")


def _dot_nodes_and_edges(dot: str) -> tuple[set[str], list[tuple[str, str]]]:
    nodes = set(re.findall(r"^\s*(\w+) \[label=", dot, re.MULTILINE))
    edges = re.findall(r"^\s*(\w+) -> (\w+)", dot, re.MULTILINE)
    return nodes, edges


@pytest.fixture(scope="module")
def dot_graph() -> Iterator[str]:
    code, out, err = run_cli(["graph", "prod", "--format", "dot"])
    assert code == 0, err
    yield out


def test_dot_graph_is_well_formed(dot_graph):
    assert dot_graph.lstrip().startswith("digraph ") and dot_graph.rstrip().endswith("}")
    nodes, edges = _dot_nodes_and_edges(dot_graph)
    assert nodes and edges
    assert {a for a, _ in edges} | {b for _, b in edges} <= nodes


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is optional (apt-get install graphviz)")
def test_graphviz_renders_the_dot_graph(dot_graph):
    done = subprocess.run(["dot", "-Tsvg"], input=dot_graph, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "<svg" in done.stdout


def test_diff_across_stacks_points_at_compare(prod, tmp_path):
    other = dict(prod["plan"], stack="dev")
    (tmp_path / "dev.json").write_text(json.dumps(other))
    code, _, err = run_cli(["diff", str(tmp_path / "dev.json"), str(prod["plan_path"])])
    assert code == 0
    assert "livecommerce compare dev prod" in err
    code, _, err = run_cli(["diff", str(prod["plan_path"]), str(prod["plan_path"])])
    assert code == 0 and "compare" not in err


def test_an_unwritable_output_path_is_exit_2_with_one_line(prod, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for argv in (["schema", "--out", str(blocker / "schema.json")],
                 ["diff", str(prod["plan_path"]), str(prod["plan_path"]), "--json", str(blocker / "diff.json")]):
        code, out, err = run_cli(argv)
        assert code == 2, argv
        assert "Traceback" not in err
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {blocker}"), lines


# Real-looking values for every secret the prod stack names: the strongest form of "no secret in any
# output" is to give the program the values and look for them.
SECRET_VALUES = {
    "dingtalk-live-ops-webhook": "https://oapi.dingtalk.com/robot/send?access_token=qaRobotToken7f3e",
    "incident-bridge-webhook": "https://hooks.example.com/qa-incident-bridge-b81c",
    "oncall-primary-phone": "13800138111",
    "oncall-secondary-phone": "13900139222",
}
# The data layer's passwords are generated in the program (the mocks' stand-in starts with this prefix).
SECRET_NEEDLES = ("qaRobotToken7f3e", "qa-incident-bridge-b81c", "13800138111", "13900139222", "Mock-Pw1!")


def test_secret_values_given_to_the_program_appear_in_no_output(tmp_path):
    from livecommerce import checking
    from livecommerce.engine import run_preview
    from livecommerce.manifests import render_manifests
    from livecommerce.plan import dumps
    from stacks.config import check_stack_config

    stacks = tmp_path / "stacks"
    stacks.mkdir()
    for env in ENVS:
        shutil.copy(STACKS / f"Pulumi.{env}.yaml", stacks)
    document = yaml.safe_load((stacks / "Pulumi.prod.yaml").read_text())
    named = check_stack_config({k: json.dumps(v) if not isinstance(v, str) else v
                                for k, v in document["config"].items()}, "prod", "prod").secret_keys()
    assert set(named) == set(SECRET_VALUES), "the prod stack's secrets changed; update SECRET_VALUES"
    document["config"].update({f"livecommerce:{k}": v for k, v in SECRET_VALUES.items()})
    (stacks / "Pulumi.prod.yaml").write_text(yaml.safe_dump(document, sort_keys=False))

    result = run_preview("prod", stacks)
    assert result.stack_file.placeholders == []  # every secret had its value
    by_type: dict[str, list[dict]] = {}
    for res in result.plan["resources"]:
        by_type.setdefault(res["type"], []).append(res["inputs"])
    # the values did reach the resources that need them, as secrets
    assert [i["robotAddr"] for i in by_type["alicloud:arms/alertRobot:AlertRobot"]] == ["[secret]"]
    assert {i["phoneNum"] for i in by_type["alicloud:arms/alertContact:AlertContact"]} == {"[secret]"}
    texts = {"plan": dumps(result.plan), **render_manifests(result.plan),
             "check": checking.render_json(checking.evaluate(result.plan, "prod"))}
    for argv in (["report", "prod", "--out", str(tmp_path / "out" / "report.md")],
                 ["compare", "dev", "prod"], ["graph", "prod", "--detail", "resources"]):
        code, out, err = run_cli([*argv, "--stacks-dir", str(stacks)])
        assert code == 0, (argv, err)
        texts[argv[0]] = out + err
    for path in sorted((tmp_path / "out").rglob("*")):
        if path.is_file():
            texts[str(path.relative_to(tmp_path))] = path.read_text()
    for name, text in texts.items():
        for needle in SECRET_NEEDLES:
            assert needle not in text, f"{name} leaks a secret value"


# --- issue 6: the documented example event fits the deployed function ----------------------------

def test_the_example_event_is_for_the_dev_functions_input_bucket_and_prefix(tmp_path, monkeypatch):
    """With the dev function's own environment, the sample event passes the bucket and prefix checks
    (no video at the key here, so the handler stops at `source-gone`, not at `other-bucket`)."""
    from functions.transcoder.__main__ import main as transcoder_main
    from livecommerce.engine import preview_stack

    plan = preview_stack("dev")
    [function] = [r for r in plan["resources"] if r["type"] == "alicloud:fc/v3Function:V3Function"
                  and r["inputs"]["handler"] == "index.handler"]  # the OSS-triggered one (not the worker)
    [trigger] = [r for r in plan["resources"] if r["type"] == "alicloud:fc/v3Trigger:V3Trigger"]
    env = function["inputs"]["environmentVariables"]
    event = json.loads((ROOT / "functions" / "transcoder" / "examples" / "oss-put-event.json").read_text())
    record = event["events"][0]
    assert record["oss"]["bucket"]["name"] == env["INPUT_BUCKET"]
    prefix = json.loads(trigger["inputs"]["triggerConfig"])["filter"]["key"]["prefix"]
    assert record["oss"]["object"]["key"].startswith(prefix)

    for key, value in env.items():
        monkeypatch.setenv(key, value)
    (tmp_path / env["INPUT_BUCKET"]).mkdir()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = transcoder_main(["--event", str(ROOT / "functions/transcoder/examples/oss-put-event.json"),
                                "--storage", str(tmp_path), "--quiet"])
    assert code == 0
    assert json.loads(out.getvalue())["results"][0]["reason"] == "source-gone"
