"""One stack identity: the tier decides the rules, the stack the names (stacks/tiers.py, components/naming.py).

Issue 17's acceptance: a `prod-sg` stack (prod's file, region ap-southeast-1, `tier: prod`, zones of that
region) validates, previews and checks with prod's rules and collides with none of prod's physical names;
with one zone it is refused naming `network.zones`; a stack `perf-lab` without a tier is refused naming
`tier`.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from livecommerce import checking
from livecommerce.cli import main
from livecommerce.engine import run_preview
from stacks.config import CONFIG_KEY, ConfigError, check_stack_config
from stacks.tiers import TIER_NAMES, TIERS, TierError, resolve_tier, tier_problems, tiers_markdown
from tests.foundation.identity import identity

ROOT = Path(__file__).resolve().parents[2]
STACKS = ROOT / "stacks"
SG_ZONES = ["ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"]


def run_cli(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue() + err.getvalue()


def stack_document(name: str) -> dict:
    return yaml.safe_load((STACKS / f"Pulumi.{name}.yaml").read_text())


def write_stack(folder: Path, name: str, document: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"Pulumi.{name}.yaml").write_text(yaml.safe_dump(document, sort_keys=False))


def prod_sg(zones: list[str] | None = None, tier: str | None = "prod") -> dict:
    """prod's stack file moved to ap-southeast-1 (with `tier: prod` unless told otherwise)."""
    doc = stack_document("prod")
    doc["config"]["alicloud:region"] = "ap-southeast-1"
    platform = doc["config"][CONFIG_KEY]
    platform["network"]["zones"] = zones or SG_ZONES
    if tier is not None:
        platform["tier"] = tier
    return doc


def as_config(doc: dict) -> dict[str, str]:
    return {k: v if isinstance(v, str) else json.dumps(v) for k, v in doc["config"].items()}


# ---- the table -------------------------------------------------------------------------------------
def test_every_tier_has_a_row_and_a_policy_file():
    assert tuple(TIERS) == TIER_NAMES == ("dev", "staging", "prod")
    for tier in TIERS.values():
        assert (ROOT / tier.policy_config).is_file()
    assert checking.environments() == list(TIER_NAMES)


@pytest.mark.parametrize("name", TIER_NAMES)
def test_the_policy_file_enforces_what_the_tier_demands(name):
    tier = TIERS[name]
    resolved = checking.resolved_levels(name)
    for rule, props in tier.policy_demands.items():
        assert resolved[rule].level == "mandatory", f"{tier.policy_config}: {rule} must be mandatory"
        for key, value in props.items():
            assert resolved[rule].properties[key] == value, f"{tier.policy_config}: {rule}.{key}"


def test_demands_only_grow_from_dev_to_prod():
    dev, staging, prod = (TIERS[n] for n in TIER_NAMES)
    assert dev.min_zones <= staging.min_zones <= prod.min_zones
    assert set(dev.policy_demands) <= set(staging.policy_demands) <= set(prod.policy_demands)
    for flag in ("live_facing_burst", "synthetics", "critical_any_hour"):
        assert getattr(dev, flag) <= getattr(staging, flag) <= getattr(prod, flag)


def test_the_readme_shows_the_table():
    from stacks.tiers import sync_readme

    readme = (ROOT / "README.md").read_text()
    assert tiers_markdown() in readme and sync_readme(readme) == readme, "run `make docs`"


# ---- which tier ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", TIER_NAMES)
def test_a_stack_named_after_a_tier_defaults_to_it(name):
    assert resolve_tier(name, None) is TIERS[name]
    assert resolve_tier(name, "dev") is TIERS["dev"]  # an explicit tier wins


def test_any_other_stack_must_name_its_tier():
    assert resolve_tier("prod-sg", "prod") is TIERS["prod"]
    with pytest.raises(TierError, match=r"^tier: stack 'perf-lab' is not named after a tier"):
        resolve_tier("perf-lab", None)


def test_perf_lab_without_a_tier_is_refused_naming_tier(tmp_path):
    write_stack(tmp_path, "perf-lab", stack_document("staging"))
    code, text = run_cli(["validate", "perf-lab", "--stacks-dir", str(tmp_path)])
    assert code == 2
    assert "Pulumi.perf-lab.yaml: livecommerce:platform.tier: stack 'perf-lab' is not named after a tier" in text
    assert "set tier to one of dev, staging, prod" in text and "Traceback" not in text
    doc = stack_document("staging")
    doc["config"][CONFIG_KEY]["tier"] = "staging"
    write_stack(tmp_path, "perf-lab", doc)
    assert run_cli(["validate", "perf-lab", "--stacks-dir", str(tmp_path)])[0] == 0


def test_an_unknown_tier_is_refused():
    doc = stack_document("dev")
    doc["config"][CONFIG_KEY]["tier"] = "production"
    with pytest.raises(ConfigError) as err:
        check_stack_config(as_config(doc), "dev", "stacks/Pulumi.dev.yaml")
    assert err.value.lines == ["stacks/Pulumi.dev.yaml: livecommerce:platform.tier: Input should be 'dev', 'staging' "
                               "or 'prod' (got \"production\")"]


# ---- the tier's rules, once -------------------------------------------------------------------------
def test_a_dev_tier_stack_named_otherwise_gets_dev_rules_and_its_own_names():
    doc = stack_document("dev")
    doc["config"][CONFIG_KEY]["tier"] = "dev"
    cfg = check_stack_config(as_config(doc), "feature-x", "stacks/Pulumi.feature-x.yaml")
    assert resolve_tier("feature-x", cfg.tier).name == "dev"
    assert cfg.common_tags("feature-x")["env"] == "feature-x"


def test_tier_problems_name_each_key_once():
    doc = stack_document("dev")
    p = doc["config"][CONFIG_KEY]
    p["services"][0]["scheduling"]["placement"] = "ecs-only"
    p["observability"]["routing"]["routes"]["critical"]["hours"] = "working"
    cfg = check_stack_config(as_config(doc), "dev", "dev")
    lines = tier_problems(cfg, TIERS["prod"], "cn-hangzhou")
    assert lines == [
        "network.zones: tier prod needs at least 3 zones, got 1; add zones of region cn-hangzhou",
        "services[0].scheduling.placement: live-interaction: tier prod lets live-facing services burst onto "
        "ECI; use ecs-first",
        "observability.synthetics.enabled: tier prod probes its public endpoints; set it to true with at least "
        "two locations",
        "observability.routing.routes.critical.hours: tier prod pages critical alerts at any hour; set it to "
        "always",
        # dev's data layer is single-node and one-zone (docs/data.md)
        "data.queue.high_availability: tier prod needs the cluster_ha edition; set it to true",
        "data.cache.high_availability: tier prod needs a replica; set it to true",
        "data.cache.multi_zone: tier prod survives a zone outage; set it to true",
        "data.database.multi_zone: tier prod survives a zone outage; set it to true",
    ]
    assert tier_problems(cfg, TIERS["dev"]) == []


@pytest.fixture(scope="module")
def weakened_prod(tmp_path_factory):
    """prod with every resource-level demand of the prod tier broken: valid config, refused by the pack."""
    doc = stack_document("prod")
    p = doc["config"][CONFIG_KEY]
    p["cluster"].update({"api_server_public": True, "deletion_protection": False, "protect": False,
                         "secrets_encryption": False})
    p["media"] = {**p.get("media", {}), "versioning": False, "deletion_protection": False}
    p["governance"]["registry"] = {"edition": "dev", "specification": "MSE_SC_1_2_60_c", "instance_count": 1}
    p["governance"]["gateway"] = {**p["governance"].get("gateway", {}), "replicas": 1, "backup_zone": False}
    folder = tmp_path_factory.mktemp("weakened")
    write_stack(folder, "prod", doc)
    return run_preview("prod", folder).plan


def test_resource_demands_are_the_packs_and_block_at_prod_levels(weakened_prod):
    report = checking.evaluate(weakened_prod, "prod", waivers_path=None)
    blocked = {f.rule for f in report.findings if f.level == "mandatory"}
    expected = {"alicloud-cs-managedkubernetes-disallow-public-apiserver",
                "alicloud-cs-managedkubernetes-enable-deletion-protection",
                "alicloud-cs-managedkubernetes-enable-secret-encryption",
                "alicloud-mse-cluster-require-high-availability", "alicloud-mse-gateway-require-high-availability",
                "alicloud-oss-bucket-enable-versioning", "alicloud-oss-bucket-disallow-force-destroy"}
    assert expected <= blocked
    assert report.failed
    # ... and only advise at dev's levels: the same plan is a legal dev stack.
    dev = checking.evaluate(weakened_prod, "dev", waivers_path=None)
    assert not (expected & {f.rule for f in dev.findings if f.level == "mandatory"})


# ---- prod-sg: prod's rules, its own names ------------------------------------------------------------
@pytest.fixture(scope="module")
def sg(tmp_path_factory):
    folder = tmp_path_factory.mktemp("stacks")
    shutil.copy(STACKS / "Pulumi.prod.yaml", folder)
    write_stack(folder, "prod-sg", prod_sg())
    return folder, run_preview("prod-sg", folder).plan, run_preview("prod", folder).plan


def test_prod_sg_validates(sg):
    folder, _, _ = sg
    code, text = run_cli(["validate", "prod-sg", "--stacks-dir", str(folder)])
    assert code == 0, text


def test_prod_sg_previews_as_a_prod_tier_stack(sg):
    _, plan, _ = sg
    assert plan["stack"] == "prod-sg" and plan["tier"] == "prod"
    assert plan["outputs"]["region"] == "ap-southeast-1"


def test_prod_sg_checks_with_prods_levels(sg):
    folder, plan, _ = sg
    report = checking.evaluate(plan, plan["tier"])
    assert report.env == "prod" and report.stack == "prod-sg" and not report.failed
    code, text = run_cli(["check", "prod-sg", "--stacks-dir", str(folder), "--json"])
    assert code == 0, text
    assert json.loads(text)["env"] == "prod"
    code, text = run_cli(["check", "prod-sg", "--stacks-dir", str(folder)])
    assert code == 0, text
    assert "policy check prod-sg (tier prod): passed" in text


def test_check_plan_takes_the_plans_tier(sg, tmp_path):
    _, plan, _ = sg
    saved = tmp_path / "sg.json"
    saved.write_text(json.dumps(plan))
    code, text = run_cli(["check", "--plan", str(saved), "--json"])
    assert code == 0 and json.loads(text)["env"] == "prod"
    code, text = run_cli(["check", "--plan", str(saved), "--tier", "dev", "--json"])
    assert code == 0 and json.loads(text)["env"] == "dev"


# Kinds whose names must be unique within an account or region (or across Alibaba Cloud: OSS, SLS).
NAMED = {
    "alicloud:ram/role:Role": "roleName", "alicloud:ram/policy:Policy": "policyName",
    "alicloud:oss/bucket:Bucket": "bucket", "alicloud:log/project:Project": "projectName",
    "alicloud:message/serviceQueue:ServiceQueue": "queueName", "alicloud:fc/v3Function:V3Function": "functionName",
    "alicloud:cs/managedKubernetes:ManagedKubernetes": "name", "alicloud:cs/nodePool:NodePool": "nodePoolName",
    "alicloud:mse/cluster:Cluster": "clusterAliasName", "alicloud:mse/gateway:Gateway": "gatewayName",
    "alicloud:mse/engineNamespace:EngineNamespace": "namespaceId", "alicloud:vpc/network:Network": "vpcName",
    "alicloud:arms/alertContact:AlertContact": "alertContactName",
    "alicloud:arms/dispatchRule:DispatchRule": "dispatchRuleName",
    "alicloud:arms/prometheusAlertRule:PrometheusAlertRule": "prometheusAlertRuleName",
    "alicloud:ackone/cluster:Cluster": "clusterName",
    # The data block (KMS secret names are unique per account and region; the instances' console names).
    "alicloud:kms/secret:Secret": "secretName",
    "alicloud:rocketmq/rocketMQInstance:RocketMQInstance": "instanceName",
    "alicloud:redis/tairInstance:TairInstance": "tairInstanceName", "alicloud:polardb/cluster:Cluster": "description",
}


def _physical(plan: dict) -> set[tuple[str, str]]:
    return {(r["type"], r["inputs"][NAMED[r["type"]]]) for r in plan["resources"] if r["type"] in NAMED}


def test_prod_sg_collides_with_none_of_prods_physical_names(sg):
    _, sg_plan, prod_plan = sg
    ours, theirs = _physical(sg_plan), _physical(prod_plan)
    assert {t for t, _ in ours} == set(NAMED)  # every kind is there to compare
    assert not ours & theirs
    every_sg_name = {n for v in identity(sg_plan).values() for n in v["names"].values()}
    assert "livecommerce-prod-sg-transcoder" in every_sg_name and "livecommerce-prod-sg-media" in every_sg_name
    assert "livecommerce-prod-sg-ap-southeast-1" in every_sg_name  # the SLS project


def test_prod_sg_with_one_zone_is_refused_naming_network_zones(tmp_path):
    write_stack(tmp_path, "prod-sg", prod_sg(zones=["ap-southeast-1a"]))
    code, text = run_cli(["validate", "prod-sg", "--stacks-dir", str(tmp_path)])
    assert code == 2
    assert ("Pulumi.prod-sg.yaml: livecommerce:platform.network.zones: tier prod needs at least 3 zones, got 1; "
            "add zones of region ap-southeast-1") in text


def test_prod_sg_zones_must_be_of_its_region(tmp_path):
    write_stack(tmp_path, "prod-sg", prod_sg(zones=["ap-southeast-1a", "ap-southeast-1b", "cn-hangzhou-h"]))
    code, text = run_cli(["validate", "prod-sg", "--stacks-dir", str(tmp_path)])
    assert code == 2 and "network.zones[2]: cn-hangzhou-h is not a zone of region ap-southeast-1; its ECI zones " \
        "are ap-southeast-1a, ap-southeast-1b, ap-southeast-1c" in text  # components/network/regions.py


def test_a_stack_name_that_cannot_name_cloud_objects_is_refused(tmp_path):
    write_stack(tmp_path, "Prod_SG", prod_sg())
    code, text = run_cli(["validate", "Prod_SG", "--stacks-dir", str(tmp_path)])
    assert code == 2 and "Pulumi.Prod_SG.yaml: stack: stack name 'Prod_SG' must be lowercase letters" in text


def test_prod_sg_plan_names_its_own_region_in_arns_and_endpoints(sg):
    # The offline mocks answered every ARN, endpoint and issuer URL in cn-hangzhou, so prod-sg's plan (and
    # its PR report) showed RAM policies granting `acs:kms:cn-hangzhou:...` secrets.
    _, plan, _ = sg
    text = json.dumps(plan["resources"])
    assert "acs:kms:ap-southeast-1:" in text and "acs:fc:ap-southeast-1:" in text
    # The ACK app catalog is one OSS bucket for every region; images name the registry the user chose.
    leftovers = {m for m in re.findall(r"[\w./:-]*cn-hangzhou[\w./:-]*", text)
                 if not m.startswith(("registry.cn-hangzhou.aliyuncs.com/", "https://aliacs-app-catalog."))}
    assert leftovers == set()
