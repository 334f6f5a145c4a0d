"""Shared machinery for the livecommerce CrossGuard rules.

Every rule is a real `pulumi_policy` policy object; its decision is a plain module-level function
(`check(subject, cfg) -> list[str]` for one resource, `check(resources, cfg) -> list[(urn, str)]`
for the whole stack) so it can be unit-tested without the engine.

Props reach policies as engine wire names (camelCase) wrapped in read-only proxies: a dict is a
`Mapping`, a list a `Sequence`, never `dict`/`list`; numbers arrive as floats (protobuf Struct);
reading a value unknown at preview raises `UnknownValueError`, which the analyzer turns into an
advisory "can't run during preview". The helpers below respect all of that.

Secrets reach `Analyze` in plaintext, so no message built here ever contains a property value:
problems name the property and the fix, never what was found.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

# Tag prefixes carried by every rule (the checker and the docs read them back from the objects).
SEVERITY_TAG = "severity:"
ANCHOR_TAG = "anchor:"
FIX_PREFIX = "Fix: "


class Subject(NamedTuple):
    """The view of one resource a resource-level check receives."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    protect: bool


@dataclass(frozen=True)
class RuleMeta:
    """What the docs and the checker need besides the pulumi_policy fields."""

    severity: Severity
    anchors: tuple[str, ...]
    fix: str
    types: tuple[str, ...]
    stack: bool


def is_map(value: Any) -> bool:
    return isinstance(value, Mapping)


def is_list(value: Any) -> bool:
    """A JSON array: a Sequence that is not a string."""
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def get(value: Any, *path: str | int, default: Any = None) -> Any:
    """Walk Mappings (by key) and Sequences (by index); `default` when any step is missing."""
    for step in path:
        if isinstance(step, int):
            if not is_list(value) or not -len(value) <= step < len(value):
                return default
            value = value[step]
        else:
            if not is_map(value) or step not in value:
                return default
            value = value[step]
    return default if value is None else value


def items(value: Any) -> list[Any]:
    """The elements of a JSON array, or [] for anything else."""
    return list(value) if is_list(value) else []


def truthy(value: Any) -> bool:
    """Booleans as Alibaba APIs send them: true, "true", "True", 1."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() in ("true", "on", "yes", "1", "enabled")
    if isinstance(value, (int, float)):
        return value != 0
    return False


def falsy_explicit(value: Any) -> bool:
    """True only when the value is explicitly false (absent is not false)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value.strip().lower() in ("false", "off", "no", "0", "disabled")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == 0
    return False


def number(value: Any, default: float | None = None) -> float | None:
    """A number from a float, int or numeric string (desiredSize is a string on the wire)."""
    if isinstance(value, bool):
        return default
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return default
    return default


def json_doc(value: Any) -> Any:
    """A JSON document given as a string (RAM/OSS policies, trigger configs) or as an object."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    if is_map(value) or is_list(value):
        return value
    return None


def plain(value: Any) -> Any:
    """Deep-copy proxies into plain dicts/lists (reads every value, so unknowns still raise)."""
    if is_map(value):
        return {k: plain(value[k]) for k in value}
    if is_list(value):
        return [plain(v) for v in value]
    return value


def _tags(severity: Severity, anchors: Iterable[str]) -> list[str]:
    return [f"{SEVERITY_TAG}{severity.value}", *(f"{ANCHOR_TAG}{a}" for a in anchors)]


def _message(name: str, problem: str, fix: str) -> str:
    return f"{name}: {problem}. {FIX_PREFIX}{fix}"


ResourceCheck = Callable[[Subject, Mapping[str, Any]], list[str]]
StackCheck = Callable[[list[Any], Mapping[str, Any]], list[tuple[str, str]]]


def resource_rule(
    name: str,
    description: str,
    *,
    types: Iterable[str],
    severity: Severity,
    anchors: Iterable[str],
    fix: str,
    check: ResourceCheck,
    config: dict[str, dict[str, Any]] | None = None,
    enforcement_level: EnforcementLevel | None = None,
) -> ResourceValidationPolicy:
    """A ResourceValidationPolicy running `check` on resources of `types` (a "*" suffix is a prefix match)."""
    types = tuple(types)
    anchors = tuple(anchors)

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        if not type_matches(args.resource_type, types):
            return
        subject = Subject(args.resource_type, args.name, args.urn, args.props, bool(args.opts.protect))
        for problem in check(subject, args.get_config() or {}):
            report(_message(args.name, problem, fix))

    policy = ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=enforcement_level,
        config_schema=PolicyConfigSchema(properties=config) if config else None,
        severity=severity,
        tags=_tags(severity, anchors),
        remediation_steps=fix,
    )
    policy.livecommerce = RuleMeta(severity, anchors, fix, types, stack=False)  # type: ignore[attr-defined]
    policy.check = check  # type: ignore[attr-defined]
    return policy


def stack_rule(
    name: str,
    description: str,
    *,
    types: Iterable[str],
    severity: Severity,
    anchors: Iterable[str],
    fix: str,
    check: StackCheck,
    config: dict[str, dict[str, Any]] | None = None,
    enforcement_level: EnforcementLevel | None = None,
) -> StackValidationPolicy:
    """A StackValidationPolicy over all resources; `check` returns (urn, problem) pairs."""
    types = tuple(types)
    anchors = tuple(anchors)

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        names = {r.urn: r.name for r in args.resources}
        for urn, problem in check(list(args.resources), args.get_config() or {}):
            report(_message(names.get(urn, urn), problem, fix), urn)

    policy = StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=enforcement_level,
        config_schema=PolicyConfigSchema(properties=config) if config else None,
        severity=severity,
        tags=_tags(severity, anchors),
        remediation_steps=fix,
    )
    policy.livecommerce = RuleMeta(severity, anchors, fix, types, stack=True)  # type: ignore[attr-defined]
    policy.check = check  # type: ignore[attr-defined]
    return policy


def type_matches(resource_type: str, types: Sequence[str]) -> bool:
    for t in types:
        if t.endswith("*") and resource_type.startswith(t[:-1]):
            return True
        if resource_type == t:
            return True
    return False


def of_type(resources: Iterable[Any], *types: str) -> list[Any]:
    """Stack resources (PolicyResource) of the given type tokens."""
    return [r for r in resources if type_matches(r.resource_type, types)]


def fed_by(resource: Any, prop: str) -> list[str]:
    """URNs whose outputs feed `prop` of a stack resource (the propertyDependencies)."""
    return [d.urn for d in (resource.property_dependencies or {}).get(prop, [])]


def depends_on(resource: Any, urn: str, prop: str | None = None) -> bool:
    """Whether `resource` takes input from `urn` (through `prop` when given)."""
    if prop is not None:
        return urn in fed_by(resource, prop)
    return any(d.urn == urn for d in resource.dependencies) or any(
        urn in [d.urn for d in deps] for deps in (resource.property_dependencies or {}).values()
    )


def bool_schema(default: bool, description: str) -> dict[str, Any]:
    return {"type": "boolean", "default": default, "description": description}


def int_schema(default: int, description: str, minimum: int = 0) -> dict[str, Any]:
    return {"type": "integer", "default": default, "minimum": minimum, "description": description}


def str_list_schema(default: list[str], description: str) -> dict[str, Any]:
    return {"type": "array", "items": {"type": "string"}, "default": default, "description": description}


def known(value: Any, *path: str | int, default: Any = None) -> Any:
    """Like `get`, but a value unknown at preview reads as `default` instead of raising.

    For correlation only (is this the same bucket?): a rule must not stop because a name it merely
    compares is not allocated yet."""
    from pulumi_policy.proxy import UnknownValueError

    try:
        return get(value, *path, default=default)
    except UnknownValueError:
        return default


def _hashable(value: Any) -> bool:
    return value is not None and not is_map(value) and not is_list(value)


class Index:
    """Resources findable by URN and by a name-like key, so stack rules pair resources in O(1).

    `targets(resource, prop)` answers what `refers_to(resource, prop, target, key(target))` answers for
    every indexed target at once: the targets feeding `prop` (propertyDependencies), else those whose
    key equals the literal value of `prop`; in the order the targets were given, like a linear scan."""

    def __init__(self, resources: Iterable[Any], key: Callable[[Any], Any] | None = None) -> None:
        self.items = list(resources)
        self._position = {r.urn: i for i, r in enumerate(self.items)}
        self._by_key: dict[Any, list[int]] = {}
        for i, r in enumerate(self.items):
            value = key(r) if key is not None else None
            if _hashable(value):
                self._by_key.setdefault(value, []).append(i)

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def by_urn(self, urn: str) -> Any:
        i = self._position.get(urn)
        return None if i is None else self.items[i]

    def targets(self, resource: Any, prop: str) -> list[Any]:
        feeders = fed_by(resource, prop)
        if feeders:
            found = sorted({self._position[u] for u in feeders if u in self._position})
        else:
            value = known(resource.props, prop)
            found = list(self._by_key.get(value, [])) if _hashable(value) else []
        return [self.items[i] for i in found]

    def first(self, resource: Any, prop: str) -> Any:
        """The first target (as a linear scan with `refers_to` would find it), or None."""
        found = self.targets(resource, prop)
        return found[0] if found else None


def refers_to(resource: Any, prop: str, target: Any, target_value: Any) -> bool:
    """Whether `resource.prop` points at `target`: by reference when the input came from an output
    (propertyDependencies), otherwise by comparing the literal with `target_value`."""
    feeders = fed_by(resource, prop)
    if feeders:
        return target.urn in feeders
    value = known(resource.props, prop)
    return value is not None and target_value is not None and value == target_value
