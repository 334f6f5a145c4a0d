"""The plan JSON, format v1: the public contract documented in docs/plan-format.md."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from livecommerce.errors import UserError

PLAN_FORMAT = "livecommerce.plan/v1"
SECRET = "[secret]"
REQUIRED_KEYS = ("format", "project", "stack", "resources", "outputs")
RESOURCE_KEYS = ("urn", "type", "name", "parent", "custom", "protect", "inputs", "dependencies",
                 "propertyDependencies")


def dumps(plan: dict[str, Any]) -> str:
    """Serialise a plan deterministically (sorted keys, two-space indent, trailing newline)."""
    return json.dumps(plan, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write a file atomically: a half-written file never exists at `path` (every CLI output uses this)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


def write_plan(plan: dict[str, Any], path: str | Path) -> None:
    """Write a plan atomically and deterministically."""
    write_text_atomic(path, dumps(plan))


def validate_plan(plan: Any, source: str = "plan") -> dict[str, Any]:
    """Check the v1 shape; raise UserError naming the source and the problem."""
    if not isinstance(plan, dict):
        raise UserError(f"{source}: not a livecommerce plan (expected a JSON object)")
    if plan.get("format") != PLAN_FORMAT:
        raise UserError(f"{source}: format is {plan.get('format')!r}, expected {PLAN_FORMAT!r}; "
                        "build it with `livecommerce preview ENV --json PATH`")
    missing = [k for k in REQUIRED_KEYS if k not in plan]
    if missing:
        raise UserError(f"{source}: missing key(s) {', '.join(missing)}")
    if not isinstance(plan["resources"], list):
        raise UserError(f"{source}: resources must be a list")
    for i, res in enumerate(plan["resources"]):
        if not isinstance(res, dict):
            raise UserError(f"{source}: resources[{i}] must be an object")
        absent = [k for k in RESOURCE_KEYS if k not in res]
        if absent:
            raise UserError(f"{source}: resources[{i}] ({res.get('urn', '?')}) lacks {', '.join(absent)}")
    return plan


def load_plan(path: str | Path) -> dict[str, Any]:
    """Read and validate a plan file; every problem is a UserError (exit 2)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"{p}: no such plan file; build one with `livecommerce preview ENV --json {p}`") from None
    except OSError as exc:
        raise UserError(f"{p}: cannot read ({exc.strerror})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{p}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    return validate_plan(data, str(p))

