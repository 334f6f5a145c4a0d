"""`livecommerce import-file`: a `pulumi import --file` document for resources a team already has."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from livecommerce.import_file import build_import_file, import_id
from tests.clock import NOW

ROOT = Path(__file__).resolve().parents[2]
LC = [sys.executable, "-m", "livecommerce"]

pytestmark = pytest.mark.usefixtures("pinned_clock")  # `import-file` previews the stack, which reads dates


@pytest.fixture(scope="module")
def prod():
    from livecommerce.engine import preview_stack

    plan = preview_stack("prod", now=NOW)
    return plan, *build_import_file(plan)


def test_every_cloud_resource_is_listed_once_with_its_logical_name_parent_and_provider(prod):
    plan, document, counts = prod
    cloud = [r for r in plan["resources"] if r["custom"] and r["type"].startswith("alicloud:")]
    specs = {s["name"]: s for s in document["resources"]}
    assert counts["resources"] == len(cloud) == len([s for s in specs.values() if "id" in s])
    by_urn = {r["urn"]: r for r in plan["resources"]}
    for r in cloud:
        spec = specs[r["name"]]
        assert spec["type"] == r["type"] and spec["logicalName"] == r["name"] and spec["id"]
        parent = by_urn[r["parent"]]
        if parent["type"] != "pulumi:pulumi:Stack":
            assert spec["parent"] == parent["name"] and specs[parent["name"]]["component"] is True
        # the stack's provider, or the live center's for the edge's cross-region recording buckets
        assert spec["provider"] == by_urn[r["options"]["provider"]]["name"]
        assert spec["provider"] == ("prod-alicloud-cn-shanghai" if r["name"].startswith("prod-edge-recording")
                                    else "prod-alicloud")
    provider = specs["prod-alicloud"]
    assert provider == {"type": "pulumi:providers:alicloud", "name": "prod-alicloud", "logicalName": "prod-alicloud",
                        "inputs": {"region": "cn-hangzhou"}}
    assert specs["prod-alicloud-cn-shanghai"]["inputs"] == {"region": "cn-shanghai"}
    assert not [s for s in specs.values() if s["type"].startswith(("kubernetes:", "pulumi-python:"))]
    assert document["nameTable"] == {}


def test_names_the_plan_knows_are_filled_in_and_cloud_ids_are_placeholders(prod):
    plan, document, counts = prod
    specs = {s["name"]: s for s in document["resources"]}
    assert specs["prod-media-output-bucket"]["id"] == "livecommerce-prod-media"
    assert specs["prod-media-output-bucket-acl"]["id"] == "livecommerce-prod-media"
    assert specs["prod-media-execution-role"]["id"] == "livecommerce-prod-transcoder"
    assert specs["prod-network-vpc"]["id"] == "<the VPC id, vpc-...>"
    pool = next(s for s in specs.values() if s["type"] == "alicloud:cs/nodePool:NodePool")
    assert pool["id"] == "<cluster_id>:<node_pool_id>"
    # A mock id in the plan is never passed off as a real one.
    assert not [s for s in specs.values() if "mock" in str(s.get("id", ""))]
    assert counts["filled"] + counts["to_fill"] == counts["resources"] and counts["filled"] >= 20


def test_an_attachment_id_follows_the_provider_format():
    r = {"type": "alicloud:ram/rolePolicyAttachment:RolePolicyAttachment",
         "inputs": {"roleName": "r", "policyName": "p", "policyType": "Custom"}, "propertyDependencies": {}}
    assert import_id(r) == ("role:p:Custom:r", True)
    assert import_id({"type": "alicloud:unknown/thing:Thing", "inputs": {}})[1] is False


def test_cli_writes_the_file_and_says_what_to_fill_in(tmp_path):
    out = tmp_path / "import-dev.json"
    proc = subprocess.run([*LC, "import-file", "dev", "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "ids filled in" in proc.stdout and "pulumi import --stack dev --file" in proc.stdout
    document = json.loads(out.read_text())
    assert set(document) == {"nameTable", "resources"}
    assert all({"type", "name"} <= set(s) for s in document["resources"])
    proc = subprocess.run([*LC, "import-file", "qa", "--out", str(out)], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert proc.returncode == 2 and "no such stack" in proc.stderr
