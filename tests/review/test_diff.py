"""Diff classification on crafted plan pairs: create, update, replace, delete, protected delete, and the
Pulumi options and secrecy rules the diff honours."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from livecommerce.review.diff import (
    CREATE,
    DELETE,
    REPLACE,
    UPDATE,
    diff_plans,
    flatten,
    property_changes,
    render_pair,
    render_text,
)
from tests.review.plans import edited, find, plan, platform, resource


def _only(diff, action):
    items = diff.by_action(action)
    assert len(items) == 1, [c.name for c in diff.changes]
    return items[0]


def test_identical_plans_have_no_changes():
    p = platform()
    d = diff_plans(p, copy.deepcopy(p))
    assert d.empty
    assert d.counts() == {CREATE: 0, UPDATE: 0, REPLACE: 0, DELETE: 0}
    assert "No changes." in render_text(d)


def test_create():
    old = platform()
    new = copy.deepcopy(old)
    new["resources"].append(resource("prod", "alicloud:log/project:Project", "prod-obs-logs",
                                     {"projectName": "livecommerce-prod-logs"}))
    c = _only(diff_plans(old, new), CREATE)
    assert (c.type, c.name, c.properties, c.danger) == ("alicloud:log/project:Project", "prod-obs-logs", (), None)


def test_update_with_property_level_change():
    old = platform(pool_max=30)
    new = platform(pool_max=40)
    d = diff_plans(old, new)
    c = _only(d, UPDATE)
    assert c.name == "prod-platform-pool-default"
    assert [(p.path, p.old, p.new, p.effect) for p in c.properties] == [("scalingConfig.maxSize", 30, 40, UPDATE)]
    assert d.counts() == {CREATE: 0, UPDATE: 1, REPLACE: 0, DELETE: 0}
    assert not d.dangers


def test_replace_of_stateful_bucket_is_a_danger_and_reaches_its_consumers():
    old = platform()
    new = edited(old, "prod-media-output", bucket="livecommerce-prod-output-v2")
    # The program feeds the new name to its consumers too, as the mock runtime would.
    renamed = "livecommerce-prod-output-v2"
    find(new, "prod-media-upload")["inputs"]["sourceArn"] = f"acs:oss:cn-hangzhou:1234567890123456:{renamed}"
    find(new, "prod-media-transcoder")["inputs"]["environmentVariables"]["OUTPUT_BUCKET"] = renamed
    d = diff_plans(old, new)
    first = d.changes[0]
    assert (first.name, first.action) == ("prod-media-output", REPLACE)
    assert "stateful" in first.danger
    assert [p.path for p in first.properties if p.effect == REPLACE] == ["bucket"]
    trigger = next(c for c in d.changes if c.name == "prod-media-upload")
    assert trigger.action == REPLACE  # sourceArn cannot change in place
    fn = next(c for c in d.changes if c.name == "prod-media-transcoder")
    assert fn.action == UPDATE
    # The directly changed key is shown once, not again as an unknown from the cascade.
    assert [p.path for p in fn.properties] == ["environmentVariables.OUTPUT_BUCKET"]
    assert [c.name for c in d.dangers] == ["prod-media-output"]


def test_delete_and_protected_delete_is_blocked():
    old = platform(protect=True)
    new = copy.deepcopy(old)
    new["resources"] = [r for r in new["resources"]
                        if r["name"] not in ("prod-network-nat", "prod-platform-shop")]
    d = diff_plans(old, new)
    assert d.counts()[DELETE] == 2
    nat = next(c for c in d.changes if c.name == "prod-network-nat")
    shop = next(c for c in d.changes if c.name == "prod-platform-shop")
    assert nat.blocked and nat.danger.startswith("blocked")
    assert not shop.blocked and shop.danger is None  # a Deployment is neither protected nor stateful
    assert d.changes[0] is nat  # blocked changes come first
    assert "BLOCKED" in render_text(d)


def test_replace_of_a_protected_resource_is_blocked():
    old = platform(protect=True)
    new = edited(old, "prod-platform-cluster", serviceCidr="172.20.0.0/16")
    d = diff_plans(old, new)
    c = d.changes[0]
    assert c.name == "prod-platform-cluster" and c.action == REPLACE and c.blocked
    assert "slow" in c.danger
    # The node pool belongs to the cluster (clusterId cannot change): it would be replaced with it.
    pool = next(x for x in d.changes if x.name == "prod-platform-pool-default")
    assert pool.action == REPLACE and pool.caused_by == (c.urn,) and not pool.blocked


def test_unprotected_delete_of_a_danger_type_is_flagged():
    old = platform(protect=False)
    new = copy.deepcopy(old)
    new["resources"] = [r for r in new["resources"] if r["name"] != "prod-network-nat"]
    c = _only(diff_plans(old, new), DELETE)
    assert not c.blocked and "egress" in c.danger


def test_retain_on_delete_is_not_a_danger():
    old = platform(protect=False)
    find(old, "prod-media-output")["options"] = {"retainOnDelete": True}
    new = copy.deepcopy(old)
    new["resources"] = [r for r in new["resources"] if r["name"] != "prod-media-output"]
    c = next(c for c in diff_plans(old, new).changes if c.action == DELETE)
    assert c.retained and c.danger is None


def test_protect_flag_change_is_an_update():
    old = platform(protect=True)
    new = copy.deepcopy(old)
    find(new, "prod-platform-cluster")["protect"] = False
    c = _only(diff_plans(old, new), UPDATE)
    assert c.protect == (True, False) and c.properties == ()


def test_ignore_changes_hides_a_change_and_replace_on_changes_forces_one():
    old = platform()
    find(old, "prod-platform-pool-default")["options"] = {"ignoreChanges": ["scalingConfig"]}
    find(old, "prod-media-transcoder")["options"] = {"replaceOnChanges": ["memorySize"]}
    new = copy.deepcopy(old)
    find(new, "prod-platform-pool-default")["inputs"]["scalingConfig"]["maxSize"] = 99
    find(new, "prod-media-transcoder")["inputs"]["memorySize"] = 4096
    d = diff_plans(old, new)
    # The pool's change is ignored; the function is replaced, and its trigger with it (functionName).
    assert [(c.name, c.action) for c in d.changes] == [("prod-media-transcoder", REPLACE),
                                                         ("prod-media-upload", REPLACE)]


def test_create_only_property_is_an_update_marked_without_effect():
    old = platform()
    new = edited(old, "prod-platform-cluster", slbInternetEnabled=True)
    c = _only(diff_plans(old, new), UPDATE)
    assert [(p.path, p.effect) for p in c.properties] == [("slbInternetEnabled", "create-only")]
    assert "no effect" in render_text(diff_plans(old, new))


def test_replacing_the_vpc_cascades_to_switches_and_nat():
    old = platform()
    new = edited(old, "prod-network-vpc", cidrBlock="10.1.0.0/16")
    d = diff_plans(old, new)
    replaced = {c.name for c in d.by_action(REPLACE)}
    # vSwitches take vpcId from the VPC (create-only), the NAT too; the cluster only updates vswitchIds
    # because they come from replaced switches... which makes them unknown: an update, not a replacement.
    assert {"prod-network-vpc", "prod-network-node-cn-hangzhou-h", "prod-network-node-cn-hangzhou-i",
            "prod-network-nat"} <= replaced
    pool = next(c for c in d.changes if c.name == "prod-platform-pool-default")
    assert pool.action == UPDATE and pool.caused_by
    assert "prod-platform-cluster" not in replaced


def test_secrets_never_show_and_changed_secret_is_masked():
    old = platform()
    new = copy.deepcopy(old)
    # A value that used to be plain becomes secret: both sides are shown as [secret].
    find(old, "prod-media-transcoder")["inputs"]["environmentVariables"]["DB_PASSWORD"] = "hunter2-plain"
    find(new, "prod-media-transcoder")["inputs"]["environmentVariables"]["DB_PASSWORD"] = "[secret]"
    d = diff_plans(old, new)
    c = _only(d, UPDATE)
    assert [(p.path, p.old, p.new) for p in c.properties] == [
        ("environmentVariables.DB_PASSWORD", "[secret]", "[secret]")]
    assert "hunter2" not in render_text(d)
    assert "hunter2" not in json.dumps(d.to_json())


def test_components_and_providers_are_not_diffed():
    old = platform()
    new = copy.deepcopy(old)
    find(new, "alicloud")["inputs"]["region"] = "cn-shanghai"
    find(new, "prod-media")["inputs"] = {"anything": 1}
    assert diff_plans(old, new).empty


def test_json_shape():
    old = platform(pool_max=30)
    d = diff_plans(old, platform(pool_max=31)).to_json()
    assert d["format"] == "livecommerce.diff/v1"
    assert d["summary"] == {"create": 0, "update": 1, "replace": 0, "delete": 0, "blocked": 0, "danger": 0}
    assert d["changes"][0]["properties"][0] == {"path": "scalingConfig.maxSize", "old": 30, "new": 31,
                                                "effect": "update", "reason": ""}


def test_property_changes_added_and_removed_keys():
    changes = property_changes({"a": 1, "b": {"c": 2}}, {"a": 1, "b": {"d": 3}})
    assert [(c.path, repr(c.old), repr(c.new)) for c in changes] == [
        ("b.c", "2", "(absent)"), ("b.d", "(absent)", "3")]


def test_flatten_lists_of_scalars_are_leaves_and_lists_of_objects_are_indexed():
    assert flatten({"ids": ["a", "b"], "rules": [{"x": 1}], "empty": {}}) == {
        "empty": {}, "ids": ["a", "b"], "rules[0].x": 1}


def test_rename_without_alias_is_delete_plus_create():
    old = plan("prod", [resource("prod", "alicloud:log/store:Store", "prod-obs-a", {"logstoreName": "a"})])
    new = plan("prod", [resource("prod", "alicloud:log/store:Store", "prod-obs-b", {"logstoreName": "a"})])
    d = diff_plans(old, new)
    assert d.counts() == {CREATE: 1, UPDATE: 0, REPLACE: 0, DELETE: 1}
    assert d.dangers[0].name == "prod-obs-a"


_values = st.recursive(st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from(["x", "y", "[secret]"]),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("abc"), inner,
                                                                                    max_size=3), max_leaves=8)
_inputs = st.dictionaries(st.sampled_from(["cidrBlock", "zoneId", "tags", "vswitchName"]), _values, max_size=4)


@settings(max_examples=150, deadline=None)
@given(a=_inputs, b=_inputs)
def test_diff_is_symmetric_in_kind_and_empty_on_equal_inputs(a, b):
    pa = plan("prod", [resource("prod", "alicloud:vpc/switch:Switch", "prod-sw", a)])
    pb = plan("prod", [resource("prod", "alicloud:vpc/switch:Switch", "prod-sw", b)])
    assert diff_plans(pa, pa).empty
    ab, ba = diff_plans(pa, pb), diff_plans(pb, pa)
    assert [c.action for c in ab.changes] == [c.action for c in ba.changes]
    assert sorted(p.path for c in ab.changes for p in c.properties) == \
        sorted(p.path for c in ba.changes for p in c.properties)


def test_long_values_are_shown_around_their_first_difference():
    old = "sum(rate(x[5m])) by (pool) " * 5 + ">= 60"
    new = "sum(rate(x[5m])) by (pool) " * 5 + ">= 80"
    a, b = render_pair(old, new, 40)
    assert a != b and a.startswith("…") and ">= 60" in a and ">= 80" in b
    assert len(a) <= 40 and len(b) <= 40
    assert render_pair(1, 2) == ("1", "2")
    assert render_pair("short", "[secret]") == ('"short"', "[secret]")


# ---- aliases ---------------------------------------------------------------------------------------
BUCKET = "alicloud:oss/bucket:Bucket"


def _moved(inputs: dict, aliases: bool = True):
    """The same bucket, first at the stack, then under a block component (with or without its alias)."""
    before = resource("s", BUCKET, "s-media-bucket", {"bucket": "b", "versioning": True}, protect=True)
    block = {**resource("s", "livecommerce:media:Block", "s"), "custom": False, "inputs": {}}
    after = resource("s", BUCKET, "s-media-bucket", inputs, parent=block, protect=True)
    if aliases:
        after["aliases"] = [before["urn"]]
    return plan("s", [before]), plan("s", [block, after])


def test_a_resource_moved_with_its_alias_is_the_same_resource():
    old, new = _moved({"bucket": "b", "versioning": True})
    assert diff_plans(old, new).empty
    update = _only(diff_plans(*_moved({"bucket": "b", "versioning": False})), UPDATE)
    assert [p.path for p in update.properties] == ["versioning"]


def test_a_moved_resource_whose_identity_changes_is_still_replaced():
    change = _only(diff_plans(*_moved({"bucket": "b2", "versioning": True})), REPLACE)
    assert change.blocked  # protected: pulumi up would refuse it


def test_without_the_alias_a_move_is_a_delete_and_a_create():
    diff = diff_plans(*_moved({"bucket": "b", "versioning": True}, aliases=False))
    assert _only(diff, DELETE).blocked and _only(diff, CREATE)
