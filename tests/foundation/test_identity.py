"""Refactors keep identity: every cloud resource of the shipped stacks keeps its physical names, and its URN
or an alias to it (the fixtures are the plans of the commit before issue 17's refactor)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livecommerce.engine import preview_stack
from tests.foundation.identity import identity

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "identity"


@pytest.fixture(scope="module", params=["dev", "staging", "prod"])
def stack(request):
    old = json.loads((FIXTURES / f"{request.param}.json").read_text())
    return request.param, old, preview_stack(request.param)


def _claims(plan):
    """URN -> the resource that now answers for it (by its own URN or an alias)."""
    out = {}
    for res in plan["resources"]:
        out[res["urn"]] = res
        for alias in res.get("aliases") or ():
            out[alias] = res
    return out


def test_every_old_resource_keeps_its_urn_or_an_alias_and_its_names(stack):
    name, old, plan = stack
    claims = _claims(plan)
    now = identity(plan)
    lost = sorted(u for u in old if u not in claims)
    assert not lost, f"{name}: resources without their URN or an alias to it: {lost[:5]}"
    def kept(want, got):
        # The same kind, and every name it had; inputs added since (a key pair's name) are not a rename.
        return got is not None and got["type"] == want["type"] and \
            all(got["names"].get(k) == v for k, v in want["names"].items())

    changed = {u: (want, now.get(claims[u]["urn"])) for u, want in old.items()
               if not kept(want, now.get(claims[u]["urn"]))}
    assert not changed, f"{name}: identity changed: {list(changed.items())[:3]}"


def test_nothing_else_claims_an_old_urn(stack):
    # One resource per old URN: two claimants would make the engine pick one and delete the other.
    _, old, plan = stack
    seen: dict[str, str] = {}
    for res in plan["resources"]:
        for urn in [res["urn"], *(res.get("aliases") or ())]:
            if urn in old:
                assert urn not in seen, f"{urn} claimed by {seen[urn]} and {res['urn']}"
                seen[urn] = res["urn"]


def test_diff_from_the_old_urns_shows_no_replace_and_no_delete(stack):
    # The new plan put back under the URNs of the fixture (where its resources were before the refactor) is
    # what `pulumi up` starts from; `livecommerce diff` honours the aliases, so nothing is replaced or deleted.
    from livecommerce.review.diff import CREATE, DELETE, REPLACE, diff_plans

    name, old, plan = stack
    before = json.loads(json.dumps(plan))
    for res in before["resources"]:
        previous = [a for a in res.pop("aliases", []) if a in old]
        if previous:
            res["urn"] = previous[0]
    diff = diff_plans(before, plan)
    assert not diff.by_action(REPLACE) and not diff.by_action(DELETE), name
    assert not diff.by_action(CREATE) and diff.empty, [c.name for c in diff.changes][:5]
