"""Diff two plans (format v1): what a `pulumi up` from OLD to NEW would create, update, replace or delete.

Resources are matched by URN, as the Pulumi engine matches state to program: a new resource whose
`aliases` name an old URN is that old resource (renamed or re-parented, not replaced); a rename without an
alias is a delete plus a create, here as there. Only custom, non-provider resources are compared:
components have no cloud counterpart, and their changes show through their children.

Property changes are computed on the inputs, leaf by leaf (lists of scalars compare as one value).
Whether a change is an update or a replacement comes from `replace_table`; the Pulumi options a plan
records are honoured (`ignoreChanges` hides a change, `replaceOnChanges` forces a replacement,
`retainOnDelete` keeps the cloud resource on delete). Protected resources cannot be deleted or replaced:
such changes are marked blocked, as `pulumi up` would refuse them. A replacement also reaches the
resources that consume its outputs: a consumer whose input comes from a replaced resource sees that
input become unknown, which is a replacement too when the input is create-only.

Secrets stay `[secret]`: when either side of a change is secret, both sides are shown as `[secret]`
(a plan cannot tell two secret values apart, so a changed secret is not visible here).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from livecommerce.plan import SECRET
from livecommerce.review import replace_table

DIFF_FORMAT = "livecommerce.diff/v1"
UNKNOWN = "[unknown]"
ABSENT = "(absent)"

CREATE, UPDATE, REPLACE, DELETE = "create", "update", "replace", "delete"
# Order of importance: what a reviewer should read first.
ACTION_ORDER = {REPLACE: 0, DELETE: 1, UPDATE: 2, CREATE: 3}


class _Absent:
    """Marker for a property that one side does not set (distinct from null)."""

    def __repr__(self) -> str:
        return ABSENT


_ABSENT = _Absent()


@dataclass(frozen=True)
class PropertyChange:
    """One input that differs between the plans."""

    path: str
    old: Any
    new: Any
    effect: str = UPDATE
    """`update`, `replace` (the provider cannot change it in place) or `create-only` (ignored)."""
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "old": _json_value(self.old), "new": _json_value(self.new),
                "effect": self.effect, "reason": self.reason}


@dataclass(frozen=True)
class ResourceChange:
    """What happens to one resource."""

    urn: str
    type: str
    name: str
    action: str
    component: str = ""
    """The nearest `livecommerce:` component's name, for grouping."""
    properties: tuple[PropertyChange, ...] = ()
    protect: tuple[bool, bool] | None = None
    """(old, new) when the `protect` option changes."""
    protected: bool = False
    """The resource is protected in the old plan (a delete or replace of it is refused)."""
    retained: bool = False
    """`retainOnDelete`: a delete only forgets the resource; the cloud resource stays."""
    caused_by: tuple[str, ...] = ()
    """URNs of replaced resources whose new outputs this change comes from."""

    @property
    def blocked(self) -> bool:
        """Pulumi refuses to delete or replace a protected resource."""
        return self.protected and self.action in (DELETE, REPLACE)

    @property
    def danger(self) -> str | None:
        """Why this change should be read first, or None."""
        if self.action not in (DELETE, REPLACE):
            return None
        if self.action == DELETE and self.retained:
            return None
        why = replace_table.danger_of(self.type)
        if self.blocked:
            return "blocked: the resource is protected" + (f"; {why}" if why else "")
        return why

    @property
    def replace_reasons(self) -> list[str]:
        return [f"{p.path}: {p.reason}" for p in self.properties if p.effect == REPLACE]

    def sort_key(self) -> tuple[Any, ...]:
        return (0 if self.blocked else 1 if self.danger else 2, ACTION_ORDER[self.action], self.type, self.urn)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "urn": self.urn, "type": self.type, "name": self.name, "component": self.component,
            "action": self.action, "blocked": self.blocked, "danger": self.danger,
            "properties": [p.to_json() for p in self.properties],
        }
        if self.protect is not None:
            out["protect"] = {"old": self.protect[0], "new": self.protect[1]}
        if self.retained:
            out["retained"] = True
        if self.caused_by:
            out["causedBy"] = list(self.caused_by)
        return out


@dataclass(frozen=True)
class PlanDiff:
    """The changes from one plan to another, most important first."""

    old_stack: str
    new_stack: str
    changes: tuple[ResourceChange, ...] = field(default_factory=tuple)

    def counts(self) -> dict[str, int]:
        out = {CREATE: 0, UPDATE: 0, REPLACE: 0, DELETE: 0}
        for c in self.changes:
            out[c.action] += 1
        return out

    def by_action(self, action: str) -> list[ResourceChange]:
        return [c for c in self.changes if c.action == action]

    @property
    def dangers(self) -> list[ResourceChange]:
        """Blocked changes and deletes/replaces of stateful or slow resources, in reading order."""
        return [c for c in self.changes if c.danger]

    @property
    def blocked(self) -> list[ResourceChange]:
        return [c for c in self.changes if c.blocked]

    @property
    def empty(self) -> bool:
        return not self.changes

    def to_json(self) -> dict[str, Any]:
        return {
            "format": DIFF_FORMAT,
            "old": {"stack": self.old_stack},
            "new": {"stack": self.new_stack},
            "summary": {**self.counts(), "blocked": len(self.blocked), "danger": len(self.dangers)},
            "changes": [c.to_json() for c in self.changes],
        }


# --------------------------------------------------------------------------------------------------
# Values


def _json_value(value: Any) -> Any:
    return ABSENT if value is _ABSENT else value


def render_value(value: Any, limit: int = 80) -> str:
    """A short one-line rendering of an input value; long values are shortened with an ellipsis."""
    text = _full_text(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _full_text(value: Any) -> str:
    if value is _ABSENT or value == ABSENT:
        return ABSENT
    if isinstance(value, str):
        text = value if value in (SECRET, UNKNOWN) else json.dumps(value, ensure_ascii=False)
    else:
        text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\n", "\\n")


def render_pair(old: Any, new: Any, limit: int = 80) -> tuple[str, str]:
    """Both sides of a change, shortened around where they first differ.

    Two long values that share a prefix (a PromQL expression, a policy document) would otherwise be
    cut to the same visible text; the window starts a little before the first difference instead.
    """
    a, b = _full_text(old), _full_text(new)
    if len(a) <= limit and len(b) <= limit:
        return a, b
    first = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, first - limit // 4)

    def window(text: str) -> str:
        if len(text) <= limit:
            return text
        head = "…" if start > 0 else ""
        body = text[start:start + limit - len(head) - 1]
        return head + body + ("…" if start + len(body) < len(text) else "")

    return window(a), window(b)


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of an input tree by path: `a.b`, `list[0].c`; lists of scalars (and empties) are leaves."""
    out: dict[str, Any] = {}
    if isinstance(value, dict) and value:
        for k in sorted(value):
            out.update(flatten(value[k], f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(value, list) and value and not all(_is_scalar(v) for v in value):
        for i, v in enumerate(value):
            out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = value
    return out


def _ignored(path: str, ignore_changes: Iterable[str]) -> bool:
    return any(replace_table.covers(_wire_path(k), path) for k in ignore_changes)


def _wire_path(option_path: str) -> str:
    # ignoreChanges paths may use `a["b"]` or `a[0]`; the plan paths use `a.b` and `a[0]`.
    return option_path.replace('["', ".").replace('"]', "")


def property_changes(old_inputs: Mapping[str, Any], new_inputs: Mapping[str, Any],
                     ignore_changes: Iterable[str] = ()) -> list[PropertyChange]:
    """Leaf-level input differences (effect not yet classified), secrets masked on both sides."""
    old_flat, new_flat = flatten(dict(old_inputs)), flatten(dict(new_inputs))
    ignore = list(ignore_changes)
    changes = []
    for path in sorted(set(old_flat) | set(new_flat)):
        if path == "" or _ignored(path, ignore):
            continue
        old, new = old_flat.get(path, _ABSENT), new_flat.get(path, _ABSENT)
        if old == new and type(old) is type(new):
            continue
        if SECRET in (old, new):
            if old == new:
                continue
            old = old if old is _ABSENT else SECRET
            new = new if new is _ABSENT else SECRET
        changes.append(PropertyChange(path=path, old=old, new=new))
    return changes


# --------------------------------------------------------------------------------------------------
# Plans


def reviewable(resource: Mapping[str, Any]) -> bool:
    """Custom resources other than providers and the stack: the things that exist in the cloud."""
    return bool(resource.get("custom")) and not str(resource.get("type", "")).startswith("pulumi:")


def component_names(plan: Mapping[str, Any]) -> dict[str, str]:
    """URN -> name of the nearest `livecommerce:` component ancestor ("" when none)."""
    by_urn = {r["urn"]: r for r in plan.get("resources", [])}
    cache: dict[str, str] = {}

    def nearest(urn: str | None, depth: int = 0) -> str:
        if not urn or urn not in by_urn or depth > 100:
            return ""
        if urn in cache:
            return cache[urn]
        parent = by_urn[urn].get("parent")
        p = by_urn.get(parent or "")
        result = p["name"] if p and str(p["type"]).startswith("livecommerce:") else nearest(parent, depth + 1)
        cache[urn] = result
        return result

    return {urn: nearest(urn) for urn in by_urn}


def _options(resource: Mapping[str, Any]) -> Mapping[str, Any]:
    opts = resource.get("options")
    return opts if isinstance(opts, Mapping) else {}


def _classify(type_: str, changes: list[PropertyChange], replace_on_changes: Iterable[str]) -> list[PropertyChange]:
    paths = [c.path for c in changes]
    replace = {m.path: m for m in replace_table.replace_matches(type_, paths, replace_on_changes)}
    create_only = {m.path: m for m in replace_table.create_only_matches(type_, paths)}
    out = []
    for c in changes:
        if c.path in replace:
            out.append(PropertyChange(c.path, c.old, c.new, REPLACE, replace[c.path].reason))
        elif c.path in create_only:
            out.append(PropertyChange(c.path, c.old, c.new, "create-only",
                                      create_only[c.path].reason + " (no effect on the existing resource)"))
        else:
            out.append(c)
    return out


def diff_plans(old: Mapping[str, Any], new: Mapping[str, Any]) -> PlanDiff:
    """Compare two plans; see the module docstring for the rules."""
    old_res = {r["urn"]: r for r in old.get("resources", []) if reviewable(r)}
    new_res = {r["urn"]: r for r in new.get("resources", []) if reviewable(r)}
    # Aliases: the old state a new resource takes over under its new URN (the engine does the same).
    moved = {urn: alias for urn, r in new_res.items() if urn not in old_res
             for alias in (r.get("aliases") or ()) if alias in old_res and alias not in new_res}
    moved = {urn: alias for urn, alias in moved.items() if list(moved.values()).count(alias) == 1}
    old_res = {**{u: r for u, r in old_res.items() if u not in moved.values()},
               **{urn: old_res[alias] for urn, alias in moved.items()}}
    old_comp, new_comp = component_names(old), component_names(new)
    old_comp.update({urn: old_comp.get(alias, "") for urn, alias in moved.items()})
    changes: dict[str, ResourceChange] = {}

    for urn in sorted(set(new_res) - set(old_res)):
        r = new_res[urn]
        changes[urn] = ResourceChange(urn, r["type"], r["name"], CREATE, new_comp.get(urn, ""))
    for urn in sorted(set(old_res) - set(new_res)):
        r = old_res[urn]
        changes[urn] = ResourceChange(urn, r["type"], r["name"], DELETE, old_comp.get(urn, ""),
                                      protected=bool(r.get("protect")),
                                      retained=bool(_options(r).get("retainOnDelete")))
    both = sorted(set(old_res) & set(new_res))
    for urn in both:
        o, n = old_res[urn], new_res[urn]
        opts = _options(n)
        props = property_changes(o.get("inputs") or {}, n.get("inputs") or {}, opts.get("ignoreChanges") or ())
        props = _classify(n["type"], props, opts.get("replaceOnChanges") or ())
        protect = (bool(o.get("protect")), bool(n.get("protect")))
        protect_change = protect if protect[0] != protect[1] else None
        if not props and protect_change is None:
            continue
        action = REPLACE if any(p.effect == REPLACE for p in props) else UPDATE
        changes[urn] = ResourceChange(urn, n["type"], n["name"], action, new_comp.get(urn, ""),
                                      tuple(props), protect_change, protected=protect[0])

    _cascade(changes, old_res, new_res, new_comp, both)
    return PlanDiff(str(old.get("stack", "")), str(new.get("stack", "")),
                    tuple(sorted(changes.values(), key=ResourceChange.sort_key)))


def _cascade(changes: dict[str, ResourceChange], old_res: Mapping[str, Any], new_res: Mapping[str, Any],
             new_comp: Mapping[str, str], both: list[str]) -> None:
    """Carry replacements to the consumers of the replaced resources' outputs, until nothing changes."""
    while True:
        replaced = {u for u, c in changes.items() if c.action == REPLACE}
        grew = False
        for urn in both:
            current = changes.get(urn)
            if current is not None and current.action == REPLACE:
                continue
            n = new_res[urn]
            fed: dict[str, list[str]] = {}
            for prop, deps in sorted((n.get("propertyDependencies") or {}).items()):
                hits = sorted(set(deps) & replaced)
                if hits:
                    fed[prop] = hits
            if not fed:
                continue
            known = [p.path for p in current.properties] if current else []
            ignore = _options(n).get("ignoreChanges") or ()
            # A property already shown as changed (itself or below it) needs no second, unknown entry.
            extra = [PropertyChange(prop, (old_res[urn].get("inputs") or {}).get(prop, _ABSENT), UNKNOWN)
                     for prop in fed
                     if not any(replace_table.covers(prop, k) for k in known) and not _ignored(prop, ignore)]
            if not extra:
                continue
            extra = _classify(n["type"], extra, _options(n).get("replaceOnChanges") or ())
            props = tuple(sorted((*(current.properties if current else ()), *extra), key=lambda p: p.path))
            action = REPLACE if any(p.effect == REPLACE for p in props) else UPDATE
            causes = tuple(sorted({u for p in extra for u in fed[p.path]} | set(current.caused_by if current else ())))
            changes[urn] = ResourceChange(
                urn, n["type"], n["name"], action, new_comp.get(urn, ""), props,
                current.protect if current else None, protected=bool(old_res[urn].get("protect")),
                caused_by=causes)
            grew = True
        if not grew:
            return


# --------------------------------------------------------------------------------------------------
# Text rendering (the `diff` command's terminal output)

_SIGIL = {CREATE: "+", UPDATE: "~", REPLACE: "+-", DELETE: "-"}


def short_urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def because(urns: Iterable[str]) -> str:
    """`x is replaced` / `x, y are replaced`, naming replaced resources by their logical names."""
    names = [short_urn_name(u) for u in urns]
    return f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} replaced"


def summary_line(diff: PlanDiff) -> str:
    c = diff.counts()
    line = (f"{c[CREATE]} to create, {c[UPDATE]} to update, {c[REPLACE]} to replace, "
            f"{c[DELETE]} to delete")
    extras = []
    if diff.blocked:
        extras.append(f"{len(diff.blocked)} blocked")
    if diff.dangers:
        extras.append(f"{len(diff.dangers)} dangerous")
    return line + (f" ({', '.join(extras)})" if extras else "")


def _property_lines(change: ResourceChange, indent: str = "      ") -> list[str]:
    lines = []
    if change.protect is not None:
        lines.append(f"{indent}[protect]: {str(change.protect[0]).lower()} -> {str(change.protect[1]).lower()}")
    for p in change.properties:
        note = ""
        if p.effect == REPLACE:
            note = f"  (forces replacement: {p.reason})"
        elif p.effect == "create-only":
            note = f"  ({p.reason})"
        old, new = render_pair(p.old, p.new)
        lines.append(f"{indent}{p.path}: {old} -> {new}{note}")
    if change.caused_by:
        lines.append(f"{indent}(because {because(change.caused_by)})")
    return lines


def render_text(diff: PlanDiff) -> str:
    """The human-readable diff: dangers first, then replaces, deletes, updates, creates."""
    title = diff.new_stack if diff.old_stack == diff.new_stack else f"{diff.old_stack} -> {diff.new_stack}"
    out = [f"livecommerce diff: {title}", ""]
    if diff.empty:
        out += ["No changes.", ""]
        return "\n".join(out)
    if diff.dangers:
        out.append("DANGER: read these first")
        for c in diff.dangers:
            tag = "BLOCKED " if c.blocked else ""
            out.append(f"  ! {tag}{c.action} {c.type} {c.name}: {c.danger}")
        out.append("")
    for action, title_ in ((REPLACE, "Replace"), (DELETE, "Delete"), (UPDATE, "Update"), (CREATE, "Create")):
        items = diff.by_action(action)
        if not items:
            continue
        out.append(f"{title_} ({len(items)})")
        for c in items:
            tag = "  [BLOCKED: protected]" if c.blocked else ""
            tag += "  [retained: retainOnDelete]" if c.action == DELETE and c.retained else ""
            out.append(f"  {_SIGIL[action]} {c.type} {c.name}{tag}")
            if action in (UPDATE, REPLACE):
                out.extend(_property_lines(c))
        out.append("")
    out.append(f"Summary: {summary_line(diff)}")
    out.append("")
    return "\n".join(out)
