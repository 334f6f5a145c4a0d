"""Build realistic `pulumi stack export` documents (apitype DeploymentV3) from plans, for tests."""

from __future__ import annotations

import copy
import hashlib
from typing import Any

from livecommerce.plan import SECRET
from livecommerce.review import state

TIME = "2026-11-30T08:00:00.000000000Z"


def _encode(value: Any, salt: str) -> Any:
    """Plan values back into state values: `[secret]` becomes an encrypted secret object."""
    if value == SECRET:
        digest = hashlib.sha256(f"{salt}".encode()).hexdigest()[:32]
        return {state.SIG: state.SECRET_SIG, "ciphertext": f"v1:{digest[:12]}:{digest}"}
    if isinstance(value, dict):
        if set(value) == {"asset", "hash"}:
            return {state.SIG: state.ASSET_SIG, "path": value["asset"], "hash": value["hash"]}
        if set(value) == {"archive", "hash"}:
            return {state.SIG: state.ARCHIVE_SIG, "path": value["archive"], "hash": value["hash"]}
        return {k: _encode(v, f"{salt}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v, f"{salt}[{i}]") for i, v in enumerate(value)]
    return value


def export_from_plan(plan: dict[str, Any], *, edit=None, defaults: dict[str, dict[str, Any]] | None = None,
                     plaintext_secrets: dict[str, str] | None = None) -> dict[str, Any]:
    """The export `pulumi stack export` would write after `pulumi up` of `plan`.

    `edit(urn, inputs)` may change a resource's recorded inputs; `defaults` adds provider-defaulted
    inputs (listed in `__defaults`, as the Terraform bridge records them); `plaintext_secrets` makes
    the named secret inputs look like a `--show-secrets` export.
    """
    resources = []
    ids = {r["urn"]: f"id-{hashlib.sha256(r['urn'].encode()).hexdigest()[:16]}" for r in plan["resources"]}
    for r in plan["resources"]:
        inputs = _encode(copy.deepcopy(r["inputs"]), r["urn"])
        if r["type"].startswith("alicloud:"):
            inputs["__defaults"] = []
        for key, value in (defaults or {}).get(r["urn"], {}).items():
            inputs[key] = value
            inputs["__defaults"] = sorted({*inputs.get("__defaults", []), key})
        for key, plain in (plaintext_secrets or {}).items():
            if key in inputs and r["inputs"].get(key) == SECRET:
                inputs[key] = {state.SIG: state.SECRET_SIG, "plaintext": plain}
        if edit is not None:
            edit(r["urn"], inputs)
        res: dict[str, Any] = {"urn": r["urn"], "custom": r["custom"], "type": r["type"], "inputs": inputs,
                               "outputs": {**inputs, "id": ids[r["urn"]]}, "created": TIME, "modified": TIME}
        if r["custom"]:
            res["id"] = ids[r["urn"]]
        if r["parent"]:
            res["parent"] = r["parent"]
        if r["protect"]:
            res["protect"] = True
        res["dependencies"] = list(r["dependencies"])
        if r["propertyDependencies"]:
            res["propertyDependencies"] = r["propertyDependencies"]
        opts = r.get("options") or {}
        if "provider" in opts:
            res["provider"] = f"{opts['provider']}::{ids.get(opts['provider'], 'provider-id')}"
        for key in ("ignoreChanges", "replaceOnChanges"):
            if key in opts:
                res[key] = opts[key]
        if opts.get("retainOnDelete"):
            res["retainOnDelete"] = True
        if r["type"] == "pulumi:pulumi:Stack":
            res["outputs"] = _encode(copy.deepcopy(plan.get("outputs") or {}), "outputs")
            res.pop("id", None)
        resources.append(res)
    return {"version": 3, "deployment": {
        "manifest": {"time": TIME, "magic": "0" * 64, "version": "v3.272.0"},
        "secrets_providers": {"type": "passphrase", "state": {"salt": "v1:c2FsdA==:v1:AAAA:BBBB"}},
        "resources": resources,
    }}
