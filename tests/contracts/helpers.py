"""Small plans (format v1) for the contract tests."""

from __future__ import annotations

import copy
from typing import Any

from livecommerce.plan import PLAN_FORMAT


def res(token: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {
        "urn": f"urn:pulumi:t::livecommerce::{token}::{name}",
        "type": token,
        "name": name,
        "parent": None,
        "custom": True,
        "protect": False,
        "inputs": inputs,
        "dependencies": [],
        "propertyDependencies": {},
    }


def plan(*resources: dict[str, Any], stack: str = "t") -> dict[str, Any]:
    return {"format": PLAN_FORMAT, "project": "livecommerce", "stack": stack, "resources": list(resources),
            "outputs": {}}


def single(resource: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A one-resource plan of a copy of ``resource`` with top-level input changes (None deletes)."""
    clone = copy.deepcopy(resource)
    for key, value in changes.items():
        if value is None:
            clone["inputs"].pop(key, None)
        else:
            clone["inputs"][key] = value
    return plan(clone, stack=resource["urn"].split("::")[0].split(":")[-1])


def of(plan_: dict[str, Any], token: str) -> list[dict[str, Any]]:
    return [r for r in plan_["resources"] if r["type"] == token]
