"""Diff decisions: only declared inputs count; identity fields replace, the rest update."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from components.governance.rules import (
    DegradationRuleProvider,
    FlowRuleProvider,
    LaneGroupProvider,
    LaneProvider,
    ServiceAuthRuleProvider,
)
from components.observability.rum import RumAppProvider, WebhookContactProvider
from components.openapi.provider import decide_diff, normalize

LANE = {
    "name": "shop-gray", "region": "cn-hangzhou", "namespace": "default", "group_id": "101",
    "tag": "gray", "enabled": True, "entry_rules": [], "gateway_route": None,
}


def _diff(provider, olds, news):
    return provider.diff("1", {**olds, "__provider": "a", "lane_id": "1"}, {**news, "__provider": "b"})


def test_no_change_when_declared_inputs_are_equal_even_if_provider_and_outputs_differ():
    result = _diff(LaneProvider(), LANE, LANE)
    assert result.changes is False and result.replaces == []


def test_engine_widened_numbers_are_not_a_change():
    olds = {**LANE, "group_id": 101}
    news = {**LANE, "group_id": 101.0}
    assert _diff(LaneProvider(), olds, news).changes is False


@pytest.mark.parametrize("identity", ["name", "region", "namespace", "group_id"])
def test_lane_identity_change_replaces_deleting_first(identity):
    result = _diff(LaneProvider(), LANE, {**LANE, identity: "other"})
    assert result.changes is True
    assert result.replaces == [identity]
    assert result.delete_before_replace is True


@pytest.mark.parametrize(
    ("field", "value"),
    [("tag", "blue"), ("enabled", False), ("entry_rules", [{"Condition": "AND", "RestItems": []}])],
)
def test_lane_other_changes_update_in_place(field, value):
    result = _diff(LaneProvider(), LANE, {**LANE, field: value})
    assert result.changes is True and result.replaces == []


@pytest.mark.parametrize(
    ("provider", "update_field", "replace_field"),
    [
        (LaneGroupProvider(), "app_ids", "namespace"),
        (ServiceAuthRuleProvider(), "rules", "app_id"),
        (DegradationRuleProvider(), "threshold", "resource"),
        (FlowRuleProvider(), "threshold", "app_name"),
        (RumAppProvider(), "description", "site_type"),
        (WebhookContactProvider(), "url", "region"),
    ],
)
def test_each_resource_splits_update_and_replace_fields(provider, update_field, replace_field):
    base = {f: f"v-{f}" for f in provider.fields}
    assert update_field in provider.fields and update_field not in provider.replace_fields
    updated = provider.diff("1", base, {**base, update_field: "changed"})
    replaced = provider.diff("1", base, {**base, replace_field: "changed"})
    assert (updated.changes, updated.replaces) == (True, [])
    assert (replaced.changes, replaced.replaces) == (True, [replace_field])


def test_rum_app_description_change_keeps_the_pid():
    """The pid is baked into front-end builds: cosmetic edits must not replace the app."""
    provider = RumAppProvider()
    for field in ("description", "nickname", "tags"):
        assert field not in provider.replace_fields


def test_unknown_value_during_preview_is_reported_as_a_change():
    unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # pulumi.runtime.rpc.UNKNOWN
    result = _diff(LaneProvider(), LANE, {**LANE, "group_id": unknown})
    assert result.replaces == ["group_id"]


_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=3))
_props = st.dictionaries(st.sampled_from(["a", "b", "c", "d", "x"]), _values, max_size=5)


# The machine is shared with parallel builds: generation speed is not what is under test.
_relaxed = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@_relaxed
@given(olds=_props, news=_props)
def test_decide_diff_properties(olds, news):
    fields, replace_fields = ("a", "b", "c"), ("a",)
    decision = decide_diff(olds, news, fields, replace_fields)
    # Only declared fields are reported; replacements are a subset of changes.
    assert set(decision.changes) <= set(fields)
    assert set(decision.replaces) <= set(decision.changes) & set(replace_fields)
    # A field is reported exactly when its normalized values differ.
    for f in fields:
        assert (f in decision.changes) == (normalize(olds.get(f)) != normalize(news.get(f)))
    # Undeclared keys never matter.
    assert decide_diff({**olds, "x": 1}, {**news, "x": 2}, fields, replace_fields) == decision


@_relaxed
@given(st.integers(-(10**9), 10**9))
def test_normalize_turns_widened_floats_back_into_ints(n):
    assert normalize(float(n)) == n and isinstance(normalize(float(n)), int)
    assert normalize([{"k": float(n)}]) == [{"k": n}]
    assert normalize(True) is True and normalize(0.5) == 0.5
