"""CLI exit codes and the acceptance shape of `preview prod --json`."""

import json
import subprocess
import sys

from livecommerce.cli import main


def test_preview_prod_json_has_the_network(tmp_path, capsys):
    out = tmp_path / "plan.json"
    assert main(["preview", "prod", "--json", str(out), "--quiet"]) == 0
    plan = json.loads(out.read_text())
    assert set(plan) >= {"format", "project", "stack", "resources", "outputs"}
    by_urn = {r["urn"]: r for r in plan["resources"]}

    def of(token):
        return [r for r in plan["resources"] if r["type"] == token]

    def under_component(r):
        return by_urn[r["parent"]]["type"].startswith("livecommerce:")

    switches = of("alicloud:vpc/switch:Switch")
    assert len({s["inputs"]["zoneId"] for s in switches}) >= 3
    for token in ["alicloud:vpc/network:Network", "alicloud:vpc/natGateway:NatGateway",
                  "alicloud:ecs/eipAddress:EipAddress", "alicloud:vpc/snatEntry:SnatEntry"]:
        found = of(token)
        assert found, token
        assert all(under_component(r) for r in found), token
    assert "plan written to" in capsys.readouterr().out


def test_preview_prints_tree_and_summary(capsys):
    assert main(["preview", "dev"]) == 0
    text = capsys.readouterr().out
    assert "dev-network-vpc" in text and "livecommerce:network:Network" in text
    assert "total cloud and Kubernetes resources" in text


def test_module_entry_point_and_usage_errors():
    run = subprocess.run([sys.executable, "-m", "livecommerce", "validate", "dev"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    bad = subprocess.run([sys.executable, "-m", "livecommerce", "preview"], capture_output=True, text=True)
    assert bad.returncode == 2
    assert "Missing argument" in bad.stderr and "Traceback" not in bad.stderr


def test_schema_command_prints_json(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "livecommerce:platform" in schema["properties"]["config"]["properties"]


def test_preview_json_carries_the_observability_coverage(tmp_path):
    out = tmp_path / "plan.json"
    assert main(["preview", "prod", "--json", str(out), "--quiet"]) == 0
    plan = json.loads(out.read_text())
    assert plan["observability"]["gaps"] == []
    assert {t["kind"] for t in plan["observability"]["targets"]} >= {"cluster", "service", "function"}
