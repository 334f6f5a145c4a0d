"""The identity of a plan's cloud resources: URN, type and physical names (what a refactor must keep).

`identity(plan)` keeps, for every custom resource, the inputs that name it in the cloud (`*Name`, `name`,
`bucket`, `namespaceId`, Kubernetes `metadata.name` / `metadata.namespace`). The committed fixtures in
tests/fixtures/identity/ were taken from the plans of origin/main before issue 17's blocks landed (commit
37b9d7c: stages A and B, the data block, the flat composition root; a superset of the first fixtures, from
the commit before the refactor began):

    git worktree add /tmp/base <commit> && cd /tmp/base
    LIVECOMMERCE_NOW=2026-12-01T12:00:00Z python -m livecommerce preview prod --json /tmp/prod.json
    python -c 'import json, sys; from tests.foundation.identity import identity; \
json.dump(identity(json.load(open(sys.argv[1]))), open(sys.argv[2], "w"), indent=1, sort_keys=True)' \
        /tmp/prod.json tests/fixtures/identity/prod.json
"""

from __future__ import annotations

from typing import Any


def _names(res: dict[str, Any]) -> dict[str, str]:
    inputs = res.get("inputs") or {}
    out = {k: v for k, v in inputs.items()
           if isinstance(v, str) and (k.lower().endswith("name") or k in ("bucket", "namespaceId"))}
    meta = inputs.get("metadata")
    if isinstance(meta, dict):
        for key in ("name", "namespace"):
            if isinstance(meta.get(key), str):
                out[f"metadata.{key}"] = meta[key]
    return out


def identity(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """URN -> {type, names} for every cloud resource of `plan` (providers and components left out)."""
    return {r["urn"]: {"type": r["type"], "names": _names(r)} for r in plan["resources"]
            if r.get("custom") and not str(r["type"]).startswith("pulumi:")}
