"""Every shipped stack validates; each documented bad input gets its exact message and exit 2."""

import json
from pathlib import Path

import pytest
import yaml

from livecommerce.cli import main
from livecommerce.commands.schema import render_schema
from livecommerce.engine import list_stacks, read_stack_file
from stacks.config import check_stack_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_shipped_stack_validates(env):
    sf = read_stack_file(env)
    cfg = check_stack_config(sf.config, env, f"stacks/Pulumi.{env}.yaml")
    assert cfg.common_tags(env)["env"] == env


def test_the_three_environments_ship():
    assert list_stacks() == ["dev", "staging", "prod"]


def test_schema_file_in_sync():
    committed = (ROOT / "stacks" / "platform.schema.json").read_text()
    assert committed == render_schema(), "run `make schema` and commit stacks/platform.schema.json"


@pytest.mark.parametrize("env", ["dev", "staging", "prod"])
def test_stack_files_point_editors_at_the_schema(env):
    first = (ROOT / "stacks" / f"Pulumi.{env}.yaml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=./platform.schema.json"


def test_schema_describes_every_field():
    schema = json.loads(render_schema())

    def walk(node, path):
        for name, prop in (node.get("properties") or {}).items():
            if "$ref" not in prop and "allOf" not in prop:
                assert prop.get("description"), f"{path}.{name} has no description"
            walk(prop, f"{path}.{name}")

    for name, definition in schema["$defs"].items():
        walk(definition, name)
    walk(schema["properties"]["config"]["properties"]["livecommerce:platform"], "platform")


def _prod_config():
    return yaml.safe_load((ROOT / "stacks" / "Pulumi.prod.yaml").read_text())


def _write(tmp_path, data, env="prod"):
    (tmp_path / f"Pulumi.{env}.yaml").write_text(yaml.safe_dump(data))
    return tmp_path


def _mutate(fn):
    data = _prod_config()
    fn(data["config"]["livecommerce:platform"])
    return data


BAD = [
    ("misspelt key", lambda p: p["network"].update({"zonez": p["network"].pop("zones")}),
     ["livecommerce:platform.network.zonez: unknown key; did you mean `zones`?",
      "livecommerce:platform.network.zones: required key is missing"]),
    ("wrong type", lambda p: p["network"].update({"max_nodes": "lots"}),
     ["livecommerce:platform.network.max_nodes: input should be a valid integer"]),
    ("too few zones for prod", lambda p: p["network"].update({"zones": ["cn-hangzhou-h"]}),
     ["livecommerce:platform.network.zones: tier prod needs at least 3 zones, got 1; add zones of region "
      "cn-hangzhou"]),
    ("zone outside region",
     lambda p: p["network"].update({"zones": ["cn-hangzhou-h", "cn-hangzhou-i", "cn-beijing-a"]}),
     ["livecommerce:platform.network.zones[2]: cn-beijing-a is not a zone of region cn-hangzhou"]),
    ("service range inside vpc", lambda p: p["network"].update({"service_cidr": "10.0.200.0/24"}),
     ["livecommerce:platform.network: service_cidr 10.0.200.0/24 overlaps vpc_cidr 10.0.0.0/16"]),
    ("host bits", lambda p: p["network"].update({"vpc_cidr": "10.0.0.1/16"}),
     ["livecommerce:platform.network.vpc_cidr: 10.0.0.1/16 is not a network address with a prefix"]),
    ("reserved tag", lambda p: p["tags"].update({"env": "x"}),
     ["livecommerce:platform.tags: tag(s) env are set from the stack name"]),
    ("missing owner", lambda p: p.pop("owner"),
     ["livecommerce:platform.owner: required key is missing"]),
]


@pytest.mark.parametrize("label,mutate,expected", BAD, ids=[b[0] for b in BAD])
def test_bad_input_messages(tmp_path, capsys, label, mutate, expected):
    d = _write(tmp_path, _mutate(mutate))
    code = main(["validate", "prod", "--stacks-dir", str(d)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    for want in expected:
        assert any(want in line for line in lines), f"{want!r} not in {lines}"
    assert all(line.startswith("error: ") and "Pulumi.prod.yaml: " in line for line in lines)


def test_unknown_top_level_config_key(tmp_path, capsys):
    data = _prod_config()
    data["config"]["livecommerce:platfrom"] = {}
    code = main(["validate", "prod", "--stacks-dir", str(_write(tmp_path, data))])
    assert code == 2
    assert "livecommerce:platfrom: unknown key; did you mean `livecommerce:platform`?" in capsys.readouterr().err


def test_missing_region(tmp_path, capsys):
    data = _prod_config()
    del data["config"]["alicloud:region"]
    assert main(["validate", "prod", "--stacks-dir", str(_write(tmp_path, data))]) == 2
    assert "alicloud:region: required" in capsys.readouterr().err


def test_invalid_yaml_names_line(tmp_path, capsys):
    (tmp_path / "Pulumi.prod.yaml").write_text("config:\n  a: [1,\n")
    assert main(["validate", "prod", "--stacks-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Pulumi.prod.yaml: invalid YAML at line" in err and "Traceback" not in err


def test_unknown_stack(capsys):
    assert main(["preview", "nope"]) == 2
    assert "stacks/Pulumi.nope.yaml: no such stack; known environments: dev, staging, prod" in capsys.readouterr().err
