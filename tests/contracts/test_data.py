"""The generated data file: what it records, that it is in sync with the installed SDKs (and with the
upstream provider when one is given), and the generator itself on a small upstream repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest

from livecommerce.contracts import generate
from livecommerce.contracts.check import load_data

GIT = shutil.which("git")


def test_the_data_records_what_it_was_read_from():
    data = load_data()
    assert data["format"] == "livecommerce.contracts/v1"
    up = data["upstream"]
    assert up["repository"] == "aliyun/terraform-provider-alicloud" and len(up["commit"]) == 40
    assert up["describe"].startswith("v1.")
    assert data["bridged"]["pulumi_alicloud"] == version("pulumi_alicloud")
    assert data["bridged"]["terraformProvider"] == generate.bridged_terraform_version()
    assert data["sdks"] == {p: version(p.replace("_", "-")) for p in data["sdks"]}


def test_every_rule_cites_a_file_and_line():
    data = load_data()
    for token, entry in data["resources"].items():
        assert entry["file"].startswith("alicloud/resource_") and entry["pulumi"].startswith("pulumi_alicloud/")
        for rule in entry["rules"]:
            assert any(part.rsplit(":", 1)[-1].isdigit() for part in rule["src"].split("; ")), (token, rule)
    for key, entry in data["openapi"].items():
        for rule in entry["rules"]:
            assert rule["src"].split(":")[-1].isdigit(), (key, rule)


def test_the_openapi_part_matches_the_installed_sdk_models():
    openapi, versions = generate.openapi_entries()
    data = load_data()
    assert versions == data["sdks"]
    assert openapi == data["openapi"], "run `make contracts UPSTREAM=...` after upgrading an SDK"


@pytest.mark.skipif(not os.environ.get("LIVECOMMERCE_UPSTREAM"),
                    reason="set LIVECOMMERCE_UPSTREAM to a terraform-provider-alicloud clone to check the sync")
def test_the_committed_data_matches_a_fresh_generation():
    assert generate.main(["--upstream", os.environ["LIVECOMMERCE_UPSTREAM"], "--check"]) == 0


@pytest.mark.parametrize("token,expected", [
    ("alicloud:fc/v3Function:V3Function", "alicloud_fcv3_function"),
    ("alicloud:log/logTailConfig:LogTailConfig", "alicloud_logtail_config"),
    ("alicloud:vpc/hAVip:HAVip", "alicloud_havip"),
    ("alicloud:ackone/cluster:Cluster", "alicloud_ack_one_cluster"),
    ("alicloud:cs/kubernetesAddon:KubernetesAddon", "alicloud_cs_kubernetes_addon"),
])
def test_candidate_terraform_names(token, expected):
    assert expected in generate.candidates(token)


def test_list_properties_map_back_to_their_singular_terraform_names():
    assert "label_match_expression_grid" in generate.singulars("label_match_expression_grids")
    assert "reserved_memory" in generate.singulars("reserved_memories")


# --- the generator end to end, on a tiny upstream repository ---------------------------------------------

KEY_PAIR_GO = '''package alicloud

func resourceAliCloudEcsKeyPair() *schema.Resource {
	return &schema.Resource{
		Schema: map[string]*schema.Schema{
			"key_pair_name": {
				Type:          schema.TypeString,
				Optional:      true,
				ConflictsWith: []string{"key_name"},
				ValidateFunc:  StringLenBetween(2, 128),
			},
			"key_name": {
				Type:     schema.TypeString,
				Optional: true,
			},
			"public_key": {Type: schema.TypeString, Optional: true},
			"key_file": {Type: schema.TypeString, Optional: true},
			"key_name_prefix": {Type: schema.TypeString, Optional: true},
			"resource_group_id": {Type: schema.TypeString, Optional: true},
			"tags": tagsSchema(),
		},
	}
}
'''


@pytest.fixture
def upstream(tmp_path: Path) -> generate.Upstream:
    if GIT is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "provider"
    (repo / "alicloud").mkdir(parents=True)
    (repo / "alicloud" / "provider.go").write_text(
        'package alicloud\nfunc Provider() {\n\tResourcesMap: map[string]*schema.Resource{\n'
        '\t\t"alicloud_ecs_key_pair": resourceAliCloudEcsKeyPair(),\n\t},\n}\n')
    (repo / "alicloud" / "resource_alicloud_ecs_key_pair.go").write_text(KEY_PAIR_GO)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@e"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "x"], ["tag", "v1.0.0"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    return generate.Upstream(repo)


def test_generator_reads_rules_with_wire_names_and_lines(upstream):
    from livecommerce.contracts import pulumi_schema

    ref = pulumi_schema.resource_tokens("ecs")["alicloud:ecs/ecsKeyPair:EcsKeyPair"]
    entry = generate.terraform_entry(upstream, "alicloud:ecs/ecsKeyPair:EcsKeyPair", ref)
    assert entry["terraform"] == "alicloud_ecs_key_pair"
    assert entry["file"] == "alicloud/resource_alicloud_ecs_key_pair.go"
    assert {"path": "keyPairName", "kind": "length", "min": 2, "max": 128,
            "src": "alicloud/resource_alicloud_ecs_key_pair.go:10"} in entry["rules"]
    assert {"path": "keyPairName", "kind": "conflicts_with", "others": ["keyName"],
            "src": "alicloud/resource_alicloud_ecs_key_pair.go:9"} in entry["rules"]
    assert entry["schema"]["keyPairName"] == "string" and entry["schema"]["tags"] == "map"
    assert upstream.describe() == "v1.0.0"


def test_a_wrong_explicit_mapping_is_refused(upstream, monkeypatch):
    from livecommerce.contracts import pulumi_schema, types

    monkeypatch.setitem(types.TERRAFORM_TYPES, "alicloud:ecs/ecsKeyPair:EcsKeyPair", "alicloud_nope")
    ref = pulumi_schema.resource_tokens("ecs")["alicloud:ecs/ecsKeyPair:EcsKeyPair"]
    with pytest.raises(generate.GenerateError, match="alicloud_nope: no such resource"):
        generate.terraform_entry(upstream, "alicloud:ecs/ecsKeyPair:EcsKeyPair", ref)


def test_the_generator_cli_refuses_a_missing_upstream_with_one_line(tmp_path, capsys):
    assert generate.main(["--upstream", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no such directory" in err[0] and "UPSTREAM" in err[0]


def test_the_generator_cli_refuses_a_directory_that_is_not_a_git_repository(tmp_path, capsys):
    if GIT is None:
        pytest.skip("git is not installed")
    assert generate.main(["--upstream", str(tmp_path), "--out", str(tmp_path / "x.json")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert not (tmp_path / "x.json").exists()


def test_every_dynamic_resource_class_is_registered_with_its_provider():
    import importlib
    import re

    from livecommerce.contracts import types

    root = Path(__file__).resolve().parents[2] / "components"
    declared = set()
    for path in root.rglob("*.py"):
        for module, name in re.findall(r'pulumi\.dynamic\.Resource,\s*module="(\w+)",\s*name="(\w+)"',
                                       path.read_text(encoding="utf-8")):
            declared.add(f"pulumi-python:dynamic/{module}:{name}")
    assert declared and declared <= set(types.DYNAMIC_TYPES), "add them to livecommerce/contracts/types.py"
    for token, target in types.DYNAMIC_TYPES.items():
        module, attr = target.split(":")
        provider = getattr(importlib.import_module(module), attr)
        assert hasattr(provider, "create_remote") and hasattr(provider, "product"), token


def test_documented_value_sets_are_read_only_where_they_are_clean():
    from livecommerce.contracts.openapi_models import documented_values as values

    assert values("Valid values: web, miniapp, ios, and android.\n\nThis parameter is required.") == (
        "web", "miniapp", "ios", "android")
    assert values("Valid values: 60, 90, 180, and 365. A value of 0 indicates no archive.") == (
        "60", "90", "180", "365", "0")
    assert values("Valid values:\n\n*   PRE: prefix\n*   EQUAL: exact\n*   ERGULAR: regular") == (
        "PRE", "EQUAL", "ERGULAR")
    assert values("Valid values: 1 to 100.") == ()  # a range in prose, not a set
    assert values("Valid values:\n\n*   0\n\n    <!-- -->\n\n    :") == ()  # a garbled comment
    assert values("Valid value: WEB") == ()  # one value is a description, not a set
