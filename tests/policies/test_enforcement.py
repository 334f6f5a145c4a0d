"""Enforcement levels resolved like the Pulumi CLI: rule level or pack default, then `all`, then per-rule;
rule settings from schema defaults overridden by the config file; the levels reach the analyzer."""

from __future__ import annotations

import json

import pytest
from pulumi_policy import EnforcementLevel

from livecommerce import checking
from livecommerce.errors import UserError
from policies.livecommerce_guard import PACK_ENFORCEMENT_LEVEL, POLICIES

from . import cases as C
from .harness import findings, plan

BY_NAME = {p.name: p for p in POLICIES}
ACL_RULE = "alicloud-oss-bucket-disallow-public-acl"  # carries its own MANDATORY level
TAGS_RULE = "alicloud-all-resource-require-tags"  # no own level: falls back to the pack default


def resolve(file_config, initial=None):
    return checking.resolve_config(POLICIES, PACK_ENFORCEMENT_LEVEL.value, file_config, initial)


def test_pack_default_applies_to_rules_without_their_own_level():
    assert BY_NAME[TAGS_RULE].enforcement_level is None
    assert resolve({})[TAGS_RULE].level == "advisory"


def test_a_rule_level_beats_the_pack_default():
    assert BY_NAME[ACL_RULE].enforcement_level is EnforcementLevel.MANDATORY
    assert resolve({})[ACL_RULE].level == "mandatory"


def test_all_overrides_every_rule_then_per_rule_entries_win():
    got = resolve({"all": "disabled", TAGS_RULE: "mandatory"})
    assert got[TAGS_RULE].level == "mandatory"
    assert got[ACL_RULE].level == "disabled"


def test_file_config_is_applied_after_the_initial_config():
    got = resolve({TAGS_RULE: "advisory"}, initial={"all": "mandatory"})
    assert got[TAGS_RULE].level == "advisory"
    assert got[ACL_RULE].level == "mandatory"


def test_settings_start_from_schema_defaults_and_take_file_values():
    got = resolve({"alicloud-log-store-configure-retention": {"minRetentionDays": 180}})
    assert got["alicloud-log-store-configure-retention"].properties == {"minRetentionDays": 180}
    assert got["alicloud-oss-bucket-disallow-force-destroy"].properties == {"requireProtect": True}
    # an object without enforcementLevel keeps the level it had
    assert got["alicloud-log-store-configure-retention"].level == "advisory"


@pytest.mark.parametrize(
    "bad, fragment",
    [
        ({"alicloud-oss-bucket-disallow-public-ac": "mandatory"}, "no such rule"),
        ({ACL_RULE: "blocking"}, "not one of"),
        ({"alicloud-log-store-configure-retention": {"minRetentionDays": "ninety"}}, "expected integer"),
        ({"alicloud-log-store-configure-retention": {"minRetentionDays": 0}}, ">= 1"),
        ({"alicloud-log-store-configure-retention": {"retention": 90}}, "no such setting"),
    ],
)
def test_bad_config_is_a_user_error_naming_the_key(bad, fragment):
    with pytest.raises(UserError) as err:
        checking.resolve_config(POLICIES, "advisory", bad, source="cfg.json")
    assert fragment in str(err.value) and "cfg.json" in str(err.value)


def test_every_environment_file_lists_every_rule():
    for env in ("dev", "staging", "prod"):
        data = checking.load_config_file(env)
        assert set(data) == set(BY_NAME), env


def test_prod_is_at_least_as_strict_as_dev():
    rank = {"disabled": 0, "advisory": 1, "remediate": 2, "mandatory": 2}
    dev, staging, prod = (checking.resolved_levels(e) for e in ("dev", "staging", "prod"))
    for name in BY_NAME:
        assert rank[dev[name].level] <= rank[staging[name].level] <= rank[prod[name].level], name


def _write(tmp_path, env, data):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / f"{env}.json").write_text(json.dumps(data))
    return tmp_path


def test_the_level_reaches_the_analyzer(tmp_path):
    bad = plan(C.mutate(C.VPC, C.setv(("tags",), {})))
    for level in ("mandatory", "advisory"):
        cfg = _write(tmp_path / level, "x", {TAGS_RULE: level})
        got = findings(bad, cfg, env="x", rule=TAGS_RULE)
        assert [f.level for f in got] == [level]


def test_disabled_rules_do_not_run(tmp_path):
    cfg = _write(tmp_path, "x", {ACL_RULE: "disabled"})
    got = findings(plan(C.mutate(C.ACL, C.setv(("acl",), "public-read"))), cfg, env="x", rule=ACL_RULE)
    assert got == []


def test_config_settings_reach_the_rule(tmp_path):
    store = C.mutate(C.STORE, C.setv(("retentionPeriod",), 60))
    loose = _write(
        tmp_path / "a", "x", {"all": "mandatory", "alicloud-log-store-configure-retention": {"minRetentionDays": 30}}
    )
    strict = _write(
        tmp_path / "b", "x", {"all": "mandatory", "alicloud-log-store-configure-retention": {"minRetentionDays": 90}}
    )
    assert findings(plan(store), loose, env="x", rule="alicloud-log-store-configure-retention") == []
    assert findings(plan(store), strict, env="x", rule="alicloud-log-store-configure-retention")


def test_remediate_level_is_reported_as_mandatory(tmp_path):
    cfg = _write(tmp_path, "x", {ACL_RULE: "remediate"})
    got = findings(plan(C.mutate(C.ACL, C.setv(("acl",), "public-read"))), cfg, env="x", rule=ACL_RULE)
    assert [f.level for f in got] == ["mandatory"]


def test_dev_downgrades_prod_blockers(tmp_path):
    """Deletion protection blocks prod but only advises in dev."""
    bad = plan(C.mutate(C.ACK, C.drop("deletionProtection")), C.PROM)
    rule = "alicloud-cs-managedkubernetes-enable-deletion-protection"
    dev = checking.evaluate(bad, "dev", waivers_path=None)
    prod = checking.evaluate(bad, "prod", waivers_path=None)
    assert [f.level for f in dev.findings if f.rule == rule] == ["advisory"]
    # prod also requires the protect option (the tier table's demand), which the corpus resource lacks.
    assert {f.level for f in prod.findings if f.rule == rule} == {"mandatory"}


def test_numeric_settings_read_as_integers_in_messages(tmp_path):
    """Settings cross the protobuf boundary as floats; messages still say 90, not 90.0."""
    cfg = _write(
        tmp_path,
        "x",
        {"alicloud-log-store-configure-retention": {"enforcementLevel": "mandatory", "minRetentionDays": 90}},
    )
    got = findings(
        plan(C.mutate(C.STORE, C.setv(("retentionPeriod",), 30))),
        cfg,
        env="x",
        rule="alicloud-log-store-configure-retention",
    )
    assert [f.problem for f in got] == ["retentionPeriod is below 90 days"]
