"""A `pulumi stack export` file as the old side of a diff: what is really recorded, mapped onto a plan.

    pulumi stack export --stack prod --file prod.export.json
    livecommerce diff prod.export.json after/prod.json          # what the next `up` changes

The export (`{"version": 3, "deployment": {"manifest": ..., "resources": [...]}}`, Pulumi's
apitype.UntypedDeployment / DeploymentV3; version 4 has the same shape plus `features`) lists every
resource with its URN, type, parent, protect flag, dependencies and the **inputs** the provider checked.
Those inputs become the plan's inputs, so the diff compares what the engine would compare.

Mapping decisions:
* secrets (`{"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": ...}`,
  or `"plaintext"` in a `--show-secrets` export) become `[secret]`: a ciphertext is never shown and a
  plaintext is never copied;
* keys the provider filled in (listed in the bridge's `__defaults`) are dropped, as are other `__`
  bookkeeping keys: the program never sent them, and an absent input is a default the provider applies
  again, not a removal;
* resource references become their URN, assets and archives `{asset|archive, hash}`, the unknown
  sentinel `[unknown]` (the plan's own conventions);
* resources marked `delete` (left over from a replacement) are not part of the stack's desired set and
  are skipped; pending operations are counted so the caller can warn.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from livecommerce.errors import UserError
from livecommerce.plan import PLAN_FORMAT, SECRET, validate_plan

SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e"
ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17"
ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7"
UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
UNKNOWN = "[unknown]"
DYNAMIC_PROVIDER = "[serialized dynamic provider]"
EXPORT_VERSIONS = (3, 4)


def is_stack_export(data: Any) -> bool:
    """Whether a decoded JSON document is a `pulumi stack export` (not a livecommerce plan)."""
    return isinstance(data, dict) and "deployment" in data and "version" in data and "format" not in data


def _value(value: Any) -> Any:
    if isinstance(value, dict):
        sig = value.get(SIG)
        if sig == SECRET_SIG:
            return SECRET
        if sig == RESOURCE_SIG:
            return value.get("urn", UNKNOWN)
        if sig == ASSET_SIG:
            return {"asset": value.get("path") or value.get("uri") or "[text]", "hash": value.get("hash", "")}
        if sig == ARCHIVE_SIG:
            return {"archive": value.get("path") or value.get("uri") or "[assets]", "hash": value.get("hash", "")}
        return {k: _value(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_value(v) for v in value]
    if value == UNKNOWN_SENTINEL:
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def state_inputs(inputs: Mapping[str, Any] | None) -> dict[str, Any]:
    """A resource's recorded inputs as plan inputs (see the module docstring)."""
    raw = dict(inputs or {})
    defaulted = raw.get("__defaults")
    drop = set(defaulted) if isinstance(defaulted, list) else set()
    out: dict[str, Any] = {}
    for key, value in sorted(raw.items()):
        if key == "__provider":
            out[key] = DYNAMIC_PROVIDER
        elif key.startswith("__") or key in drop:
            continue
        else:
            out[key] = _value(value)
    return out


def _urn_parts(urn: str, source: str) -> tuple[str, str, str]:
    """(stack, project, name) of `urn:pulumi:<stack>::<project>::<type>::<name>`."""
    parts = urn.split("::")
    if not urn.startswith("urn:pulumi:") or len(parts) < 4:
        raise UserError(f"{source}: {urn!r} is not a Pulumi URN; is this a `pulumi stack export` file?")
    return parts[0][len("urn:pulumi:"):], parts[1], parts[-1]


def plan_from_export(data: Any, source: str = "export") -> dict[str, Any]:
    """Turn a decoded `pulumi stack export` document into a plan (format v1); UserError when unusable."""
    if not is_stack_export(data):
        raise UserError(f"{source}: not a `pulumi stack export` file (expected version and deployment keys)")
    if data.get("version") not in EXPORT_VERSIONS:
        raise UserError(f"{source}: stack export version {data.get('version')!r} is not supported; "
                        f"export with a current Pulumi CLI (versions {', '.join(map(str, EXPORT_VERSIONS))})")
    deployment = data.get("deployment")
    if not isinstance(deployment, dict):
        raise UserError(f"{source}: deployment must be an object")
    resources = deployment.get("resources")
    resources = [] if resources is None else resources  # an empty stack exports no resources key
    if not isinstance(resources, list):
        raise UserError(f"{source}: deployment.resources must be a list")
    stack = project = ""
    plan_resources: list[dict[str, Any]] = []
    outputs: dict[str, Any] = {}
    for i, res in enumerate(resources):
        if not isinstance(res, dict) or not isinstance(res.get("urn"), str) or not isinstance(res.get("type"), str):
            raise UserError(f"{source}: deployment.resources[{i}] needs a urn and a type")
        if res.get("delete"):
            continue
        stack, project, name = _urn_parts(res["urn"], source)
        options: dict[str, Any] = {}
        if res.get("provider"):
            options["provider"] = str(res["provider"]).rsplit("::", 1)[0]
        for key in ("ignoreChanges", "replaceOnChanges", "aliases"):
            if res.get(key):
                options[key] = sorted(res[key])
        if res.get("retainOnDelete"):
            options["retainOnDelete"] = True
        if res["type"] == "pulumi:pulumi:Stack":
            outputs = _value(res.get("outputs") or {})
        entry = {
            "urn": res["urn"], "type": res["type"], "name": name, "parent": res.get("parent") or None,
            "custom": bool(res.get("custom")), "protect": bool(res.get("protect")),
            "inputs": state_inputs(res.get("inputs")),
            "dependencies": sorted(set(res.get("dependencies") or [])),
            "propertyDependencies": {k: sorted(set(v))
                                     for k, v in sorted((res.get("propertyDependencies") or {}).items()) if v},
        }
        if options:
            entry["options"] = options
        plan_resources.append(entry)
    plan = {"format": PLAN_FORMAT, "project": project, "stack": stack,
            "resources": sorted(plan_resources, key=lambda r: r["urn"]), "outputs": outputs}
    return validate_plan(plan, source)


def export_notes(data: Any, source: str) -> list[str]:
    """What a reader of a diff against this export should know (pending operations, half-done replaces)."""
    deployment = data.get("deployment") if isinstance(data, dict) else None
    if not isinstance(deployment, dict):
        return []
    notes = []
    pending = deployment.get("pending_operations") or []
    if pending:
        notes.append(f"{source}: {len(pending)} operation(s) were interrupted (pending_operations); "
                     "run `pulumi refresh` before trusting this diff")
    deleted = sum(1 for r in deployment.get("resources") or [] if isinstance(r, dict) and r.get("delete"))
    if deleted:
        notes.append(f"{source}: {deleted} resource(s) await deletion from an earlier replacement and are left out")
    return notes


def load_plan_or_export(path: str | Path, notes: list[str] | None = None) -> dict[str, Any]:
    """A plan file, or a `pulumi stack export` file mapped onto a plan; every problem is a UserError.

    Notes about an export (export_notes) are appended to `notes` when given.
    """
    from livecommerce.plan import load_plan
    from livecommerce.userfiles import decode_utf8

    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{p}: no such plan file; build one with `livecommerce preview ENV --json {p}`, or export "
                        f"a stack's state with `pulumi stack export --file {p}`") from None
    except IsADirectoryError:
        raise UserError(f"{p}: is a directory, not a plan or stack export file") from None
    except OSError as exc:
        raise UserError(f"{p}: cannot read ({exc.strerror or exc})") from None
    try:
        data = json.loads(decode_utf8(raw, str(p)))
    except json.JSONDecodeError as exc:
        raise UserError(f"{p}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise UserError(f"{p}: JSON nested too deeply to be a plan or a stack export") from None
    if is_stack_export(data):
        if notes is not None:
            notes.extend(export_notes(data, str(p)))
        return plan_from_export(data, str(p))
    return load_plan(p)
