"""Plan lookups shared by the governance tests."""

from __future__ import annotations


def by_type(plan: dict, token: str) -> list[dict]:
    return [r for r in plan["resources"] if r["type"] == token]


def one(plan: dict, token: str) -> dict:
    found = by_type(plan, token)
    assert len(found) == 1, [r["name"] for r in found]
    return found[0]


def children(plan: dict, parent: dict) -> list[dict]:
    return [r for r in plan["resources"] if r["parent"] == parent["urn"]]


def by_name(plan: dict) -> dict[str, dict]:
    return {r["name"]: r for r in plan["resources"]}
