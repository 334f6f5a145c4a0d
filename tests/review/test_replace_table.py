"""The replace table, one test per entry: changing that property in a plan pair is a replacement (or, for
create-only entries, an update marked as having no effect); every danger type is flagged on delete."""

from __future__ import annotations

from typing import Any

import pytest

from livecommerce.review import replace_table
from livecommerce.review.diff import DELETE, REPLACE, UPDATE, diff_plans
from tests.review.plans import plan, resource


def _nested(path: str, value: Any) -> dict[str, Any]:
    head, _, rest = path.partition(".")
    return {head: _nested(rest, value) if rest else value}


def _pair(type_: str, path: str, old: Any = "old-value", new: Any = "new-value"):
    base = {"unrelated": "same"}
    before = plan("prod", [resource("prod", type_, "prod-thing", {**base, **_nested(path, old)})])
    after = plan("prod", [resource("prod", type_, "prod-thing", {**base, **_nested(path, new)})])
    return before, after


REPLACE_ENTRIES = sorted((t, k) for t, props in replace_table.REPLACE.items() for k in props)
K8S_TYPES = sorted({t for t in replace_table.REPLACE if t.startswith("kubernetes:")}
                   | {"kubernetes:core/v1:ConfigMap", "kubernetes:core/v1:Namespace"})
K8S_ENTRIES = sorted((t, k) for t in K8S_TYPES for k in replace_table.KUBERNETES_ALL)
CREATE_ONLY_ENTRIES = sorted((t, k) for t, props in replace_table.CREATE_ONLY.items() for k in props)


@pytest.mark.parametrize(("type_", "path"), REPLACE_ENTRIES, ids=[f"{t}.{k}" for t, k in REPLACE_ENTRIES])
def test_replace_entry(type_, path):
    d = diff_plans(*_pair(type_, path))
    (change,) = d.changes
    assert change.action == REPLACE
    (prop,) = change.properties
    assert (prop.path, prop.effect) == (path, REPLACE)
    assert prop.reason == replace_table.REPLACE[type_][path]


@pytest.mark.parametrize(("type_", "path"), K8S_ENTRIES, ids=[f"{t}.{k}" for t, k in K8S_ENTRIES])
def test_kubernetes_identity_entry(type_, path):
    (change,) = diff_plans(*_pair(type_, path)).changes
    assert change.action == REPLACE


@pytest.mark.parametrize(("type_", "path"), CREATE_ONLY_ENTRIES, ids=[f"{t}.{k}" for t, k in CREATE_ONLY_ENTRIES])
def test_create_only_entry(type_, path):
    (change,) = diff_plans(*_pair(type_, path)).changes
    assert change.action == UPDATE
    (prop,) = change.properties
    assert prop.effect == "create-only" and "no effect" in prop.reason


@pytest.mark.parametrize("type_", sorted(replace_table.DANGER))
def test_danger_entry_is_flagged_on_delete_and_replace(type_):
    before = plan("prod", [resource("prod", type_, "prod-thing", {"x": 1})])
    after = plan("prod", [])
    (change,) = diff_plans(before, after).changes
    assert change.action == DELETE and change.danger == replace_table.DANGER[type_]
    keys = list(replace_table.REPLACE.get(type_, {}))
    if keys:  # a replacement is as dangerous as a delete
        (change,) = diff_plans(*_pair(type_, keys[0])).changes
        assert change.action == REPLACE and change.danger == replace_table.DANGER[type_]


def test_a_property_outside_the_table_updates_in_place():
    (change,) = diff_plans(*_pair("alicloud:cs/nodePool:NodePool", "desiredSize", "3", "4")).changes
    assert change.action == UPDATE and change.danger is None


def test_a_key_covers_everything_below_it_but_not_its_siblings():
    assert replace_table.covers("spec.selector", "spec.selector.matchLabels.app")
    assert replace_table.covers("code", "code.zipFile")
    assert replace_table.covers("volumeClaimTemplates", "volumeClaimTemplates[0].spec")
    assert not replace_table.covers("spec.selector", "spec.selectorX")
    assert not replace_table.covers("name", "nameSuffix")
    # A Deployment's replicas or template may change in place; only the selector is immutable.
    (change,) = diff_plans(*_pair("kubernetes:apps/v1:Deployment", "spec.replicas", 2, 3)).changes
    assert change.action == UPDATE


def test_table_tokens_are_pulumi_type_tokens_with_camel_case_paths():
    for type_, props in {**replace_table.REPLACE, **replace_table.CREATE_ONLY}.items():
        assert type_.count(":") == 2, type_
        for path in props:
            assert "_" not in path, f"{type_}.{path}: plan inputs use camelCase wire names"
            assert props[path], f"{type_}.{path}: every entry says why"
    for type_ in replace_table.DANGER:
        assert type_.count(":") == 2


def test_every_cloud_type_in_the_real_plans_has_replace_knowledge():
    """A type the platform starts using must get its create-only properties listed (or be declared free
    of them in NO_REPLACE): otherwise its replacements would show up in reviews as harmless updates."""
    engine = pytest.importorskip("livecommerce.engine")
    used: set[str] = set()
    for env in engine.list_stacks():
        used |= {r["type"] for r in engine.preview_stack(env)["resources"]
                 if r["custom"] and r["type"].startswith("alicloud:")}
    missing = sorted(t for t in used if t not in replace_table.REPLACE and t not in replace_table.NO_REPLACE)
    assert not missing, f"add these types to livecommerce/review/replace_table.py: {missing}"
