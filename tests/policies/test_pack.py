"""The pack loads as a CrossGuard pack: importable without starting the server, valid unique names,
descriptions, severities and anchors; __main__.py only builds the PolicyPack; docs stay in sync."""

from __future__ import annotations

import ast
import subprocess
import sys
import re
from pathlib import Path

from pulumi_policy import Policy, Severity

from livecommerce import checking
from policies.livecommerce_guard import PACK_NAME, POLICIES

POLICIES_DIR = Path(checking.POLICIES_DIR)
NAME_RE = re.compile(
    r"^(alicloud|kubernetes)-[a-z0-9]+-[a-z0-9]+-(enable|disallow|require|configure|restrict|pin|allow)"
    r"-[a-z0-9]+(-[a-z0-9]+)*$"
)


def test_at_least_45_rules_with_unique_valid_names():
    names = [p.name for p in POLICIES]
    assert len(names) >= 45
    assert len(set(names)) == len(names)
    bad = [n for n in names if not NAME_RE.match(n) or len(n) > 100 or n == "all"]
    assert bad == []
    assert re.match(r"^[a-zA-Z0-9-_.]{1,100}$", PACK_NAME)


def test_every_rule_has_description_severity_anchors_and_fix():
    for p in POLICIES:
        assert isinstance(p, Policy)
        assert len(p.description) > 20 and p.description.endswith("."), p.name
        assert isinstance(p.severity, Severity), p.name
        assert f"severity:{p.severity.value}" in p.tags, p.name
        assert any(t.startswith("anchor:") for t in p.tags), p.name
        assert p.remediation_steps and p.remediation_steps == p.livecommerce.fix, p.name


def test_catalog_areas_are_covered():
    names = " ".join(p.name for p in POLICIES)
    for area in (
        "-oss-",
        "-ram-",
        "-fc-",
        "-cs-managedkubernetes-",
        "-cs-nodepool-",
        "-eci-",
        "-mse-",
        "-arms-",
        "-log-store-",
        "-securitygrouprule-",
        "require-tags",
        "kubernetes-apps-workload-",
        "poddisruptionbudget",
        "-hpa-",
        "kubernetes-core-service-",
    ):
        assert area in names, area


def test_main_only_builds_the_policy_pack():
    tree = ast.parse((POLICIES_DIR / "__main__.py").read_text())
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    assert [c.func.id for c in calls if isinstance(c.func, ast.Name)] == ["PolicyPack"]
    top = [type(n).__name__ for n in tree.body]
    assert set(top) <= {"Expr", "ImportFrom", "Import", "Try"}


def test_no_rule_module_constructs_a_policy_pack():
    for path in (POLICIES_DIR / "livecommerce_guard").glob("*.py"):
        assert "PolicyPack(" not in path.read_text(), path


def test_pulumi_policy_yaml_declares_python():
    text = (POLICIES_DIR / "PulumiPolicy.yaml").read_text()
    assert re.search(r"^runtime: python$", text, re.M)


def test_docs_table_is_generated_from_the_pack():
    docs = Path(checking.ROOT) / "docs" / "policies.md"
    assert docs.read_text(encoding="utf-8") == checking.rules_markdown(), (
        "docs/policies.md is stale: run `python -c 'from livecommerce.checking import rules_markdown; "
        'open("docs/policies.md","w").write(rules_markdown())\'`'
    )


def test_docs_list_every_rule_with_levels_per_environment():
    text = checking.rules_markdown()
    assert "| dev | staging | prod |" in text
    for p in POLICIES:
        assert f"`{p.name}`" in text


def test_the_cli_loading_path_builds_the_pack(tmp_path):
    """`pulumi-analyzer-policy-python` does `runpy.run_path(<pack dir>)`: the pack dir is sys.path[0] and there is
    no parent package. Replay that in a fresh interpreter with PolicyPack swapped for a recorder (no server)."""
    code = (
        "import runpy, sys, pulumi_policy\n"
        "seen = {}\n"
        "class Recorder:\n"
        "    def __init__(self, **kw): seen.update(kw)\n"
        "pulumi_policy.PolicyPack = Recorder\n"
        "runpy.run_path(sys.argv[1], run_name='__main__')\n"
        "print(seen['name'], len(seen['policies']), seen['enforcement_level'].value)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(POLICIES_DIR)], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [PACK_NAME, str(len(POLICIES)), "advisory"]


def test_analyzer_info_describes_every_rule_with_its_config_schema():
    """GetAnalyzerInfo is what the CLI asks the pack for (names, levels, schemas) before reconciling config."""
    from pulumi_policy.policy import _PolicyAnalyzerServicer

    from policies.livecommerce_guard import PACK_ENFORCEMENT_LEVEL, PACK_VERSION

    info = _PolicyAnalyzerServicer(PACK_NAME, PACK_VERSION, POLICIES, PACK_ENFORCEMENT_LEVEL).GetAnalyzerInfo(
        None, None
    )
    assert [p.name for p in info.policies] == [p.name for p in POLICIES]
    by_name = {p.name: p for p in info.policies}
    retention = by_name["alicloud-log-store-configure-retention"]
    assert "minRetentionDays" in retention.configSchema.properties
    assert all(p.description for p in info.policies)


def test_readme_lists_every_rule_with_its_levels():
    from pathlib import Path

    readme = Path(__file__).resolve().parents[2] / "README.md"
    assert readme.read_text(encoding="utf-8") == checking.sync_readme(readme), (
        "README.md's rule table is stale: run `make docs`"
    )
    for policy in checking._pack().POLICIES:
        assert f"| `{policy.name}` |" in readme.read_text(encoding="utf-8")
