"""Drift: what `pulumi refresh --preview-only --json` found, as a report (summary first, dangers first).

    pulumi refresh --preview-only --run-program --json --stack prod > prod.refresh.json
    livecommerce drift prod.refresh.json --env prod --out drift/prod.md

The refresh's JSON is Pulumi's preview digest (pkg/display/json.go `PreviewDigest`; a preview-only
refresh renders through `ShowPreviewDigest`, pkg/backend/display/display.go): `steps[]` with `op`, `urn`,
`oldState`/`newState` (apitype.ResourceV3, secrets already `[secret]`), `detailedDiff`, and `diagnostics`.
A refreshed resource whose cloud state differs comes back as op `update` (its `detailedDiff` names the
properties); one that is gone from the cloud as op `delete`; in-sync ones stay `refresh`/`same`.

The drift is turned into the review's own change model (`livecommerce.review.diff.PlanDiff`): `update` with
recorded -> cloud values, `delete` for a resource that vanished. So the same machinery flags the dangers
(a stateful resource gone: its data went with it) and renders the values (secrets stay `[secret]`).
Security-sensitive drift (RAM, bucket ACLs and policies, security groups, OIDC) is called out as well:
someone changed access outside of code review.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from livecommerce.errors import UserError
from livecommerce.plan import SECRET
from livecommerce.review import report as report_mod
from livecommerce.review.compare import short_type
from livecommerce.userfiles import decode_utf8
from livecommerce.review.diff import DELETE, UPDATE, PlanDiff, PropertyChange, ResourceChange, render_pair

DRIFT_FORMAT = "livecommerce.drift/v1"
MARKER = "<!-- livecommerce-drift:{env} -->"
IN_SYNC_OPS = frozenset({"refresh", "same", "read"})
SECURITY_SENSITIVE = ("alicloud:ram/", "alicloud:ims/", "alicloud:oss/bucketAcl:", "alicloud:oss/bucketPolicy:",
                      "alicloud:oss/bucketPublicAccessBlock:", "alicloud:ecs/securityGroup",
                      "alicloud:cs/managedKubernetes:", "kubernetes:rbac.authorization.k8s.io/",
                      "kubernetes:networking.k8s.io/v1:NetworkPolicy")
ABSENT = "(absent)"
_PATH_RE = re.compile(r"[^.\[\]]+|\[\d+\]")


@dataclass(frozen=True)
class DriftReport:
    """One environment's drift."""

    env: str
    stack: str
    diff: PlanDiff
    in_sync: int
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    security: tuple[str, ...] = field(default=())
    """URNs of drifted resources that govern access."""

    @property
    def drifted(self) -> int:
        return len(self.diff.by_action(UPDATE))

    @property
    def gone(self) -> int:
        return len(self.diff.by_action(DELETE))

    @property
    def clean(self) -> bool:
        return self.diff.empty and not self.errors

    def to_json(self) -> dict[str, Any]:
        d = self.diff.to_json()
        return {"format": DRIFT_FORMAT, "env": self.env, "stack": self.stack,
                "summary": {"inSync": self.in_sync, "drifted": self.drifted, "gone": self.gone,
                            "danger": len(self.diff.dangers), "security": len(self.security),
                            "errors": len(self.errors)},
                "changes": d["changes"], "security": list(self.security), "errors": list(self.errors),
                "warnings": list(self.warnings)}


def _lookup(state: Mapping[str, Any] | None, path: str) -> Any:
    """The value at a detailedDiff path (`a.b[0].c`, or `tags["x.y"]` style keys) in a state's outputs."""
    if not state:
        return ABSENT
    node: Any = state.get("outputs") if state.get("outputs") is not None else state.get("inputs")
    if '["' in path:
        parts = re.findall(r'\["([^"]*)"\]|([^.\[\]]+)|\[(\d+)\]', path)
        tokens = [a or b or f"[{c}]" for a, b, c in parts]
    else:
        tokens = _PATH_RE.findall(path)
    for tok in tokens:
        if tok.startswith("[") and tok[1:-1].isdigit():
            idx = int(tok[1:-1])
            if not isinstance(node, list) or idx >= len(node):
                return ABSENT
            node = node[idx]
        elif isinstance(node, Mapping) and tok in node:
            node = node[tok]
        else:
            return ABSENT
    return node


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def _stack_of(urn: str) -> str:
    return urn.split("::", 1)[0].removeprefix("urn:pulumi:")


def _reviewable(type_: str) -> bool:
    return not type_.startswith("pulumi:")


def parse_refresh(doc: Any, env: str, source: str = "refresh") -> DriftReport:
    """The drift in a `pulumi refresh --preview-only --json` document; UserError when it is not one."""
    if isinstance(doc, dict) and ("deployment" in doc or str(doc.get("format", "")).startswith("livecommerce.")):
        # The two JSON files next to a refresh in CI: read as one, they have no steps and said "No drift".
        what = "a `pulumi stack export`" if "deployment" in doc else f"a {doc['format']} file"
        raise UserError(f"{source}: {what}, not the JSON of `pulumi refresh --preview-only --json`; write that "
                        f"with `pulumi refresh --preview-only --run-program --json --stack {env}`")
    if not isinstance(doc, dict) or not isinstance(doc.get("steps", []), list):
        raise UserError(f"{source}: not the JSON of `pulumi refresh --preview-only --json` (expected an object "
                        "with a steps list)")
    changes: list[ResourceChange] = []
    security: list[str] = []
    in_sync = 0
    stack = ""
    for i, step in enumerate(doc.get("steps") or []):
        if not isinstance(step, dict) or not isinstance(step.get("urn"), str):
            raise UserError(f"{source}: steps[{i}] has no urn")
        urn, op = step["urn"], str(step.get("op", ""))
        old, new = step.get("oldState") or {}, step.get("newState") or {}
        type_ = str(old.get("type") or new.get("type") or urn.split("::")[-2].split("$")[-1])
        stack = stack or _stack_of(urn)
        if not _reviewable(type_):
            continue
        if op in IN_SYNC_OPS:
            in_sync += 1
            continue
        if op == "delete":
            changes.append(ResourceChange(urn, type_, _name(urn), DELETE))
        elif op == "update":
            paths = sorted((step.get("detailedDiff") or {}).keys()) or sorted(step.get("diffReasons") or [])
            props = []
            for path in paths:
                before, after = _lookup(old, path), _lookup(new, path)
                if SECRET in (before, after):
                    before, after = (b if b == ABSENT else SECRET for b in (before, after))
                props.append(PropertyChange(path, before, after))
            changes.append(ResourceChange(urn, type_, _name(urn), UPDATE, properties=tuple(props)))
        else:
            continue  # creates/replaces do not occur in a refresh; nothing to report
        if type_.startswith(SECURITY_SENSITIVE):
            security.append(urn)
    errors, warnings = [], []
    for d in doc.get("diagnostics") or []:
        if not isinstance(d, dict):
            continue
        msg = " ".join(str(d.get("message", "")).split())
        where = f"{_name(d['urn'])}: " if d.get("urn") else ""
        if d.get("severity") == "error":
            errors.append(where + msg)
        elif d.get("severity") == "warning":
            warnings.append(where + msg)
    diff = PlanDiff(stack or env, stack or env, tuple(sorted(changes, key=ResourceChange.sort_key)))
    return DriftReport(env=env, stack=stack or env, diff=diff, in_sync=in_sync, errors=tuple(errors),
                       warnings=tuple(warnings), security=tuple(sorted(security)))


def load_refresh(path: str | Path, env: str) -> DriftReport:
    p = Path(path)
    try:
        # No size cap (a refresh of a large stack is megabytes); the encoding checks of hand-written files.
        doc = json.loads(decode_utf8(p.read_bytes(), str(p)))
    except IsADirectoryError:
        raise UserError(f"{p}: is a directory, not the JSON of `pulumi refresh --json`; give the file's path") from None
    except FileNotFoundError:
        raise UserError(f"{p}: no such file; write it with `pulumi refresh --preview-only --run-program --json "
                        f"--stack {env} > {p}`") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{p}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg} (was the output "
                        "of `pulumi refresh --json` mixed with other text?)") from None
    return parse_refresh(doc, env, str(p))


# --------------------------------------------------------------------------------------------------
# Rendering


def summary_line(r: DriftReport) -> str:
    extra = []
    if r.diff.dangers:
        extra.append(f"{len(r.diff.dangers)} dangerous")
    if r.security:
        extra.append(f"{len(r.security)} security-sensitive")
    if r.errors:
        extra.append(f"{len(r.errors)} refresh error(s)")
    tail = f" ({', '.join(extra)})" if extra else ""
    return f"{r.in_sync} in sync, {r.drifted} drifted, {r.gone} gone from the cloud{tail}"


def render_markdown(r: DriftReport, budget: int = report_mod.BUDGET) -> str:
    """The drift report of one environment, summary first; shortened to fit one issue or comment."""
    for max_props in (None, 5, 1):
        text = _markdown(r, max_props)
        if len(text) < budget:
            return text
    return _markdown(r, 0, tables=False)


def _markdown(r: DriftReport, max_props: int | None, tables: bool = True) -> str:
    env = report_mod.cell(r.env)
    out = [MARKER.format(env=r.env), f"## Drift: `{env}`", "",
           "| environment | in sync | drifted | gone | danger | security | errors |",
           "|---|---:|---:|---:|---|---:|---:|",
           f"| `{env}` | {r.in_sync} | {r.drifted} | {r.gone} | "
           f"{'⚠️ ' + str(len(r.diff.dangers)) if r.diff.dangers else 'none'} | {len(r.security)} | "
           f"{'❌ ' + str(len(r.errors)) if r.errors else 0} |", ""]
    rows = [f"> - **gone** {_res(c)}: {report_mod.cell(c.danger)}" for c in r.diff.dangers]
    by_urn = {c.urn: c for c in r.diff.changes}
    rows += [f"> - **{'gone' if by_urn[u].action == DELETE else 'changed'}** {_res(by_urn[u])}: governs access; "
             "changed outside code review" for u in r.security]
    if rows:
        out += ["> [!CAUTION]", "> Drift that needs a decision now:", ">", *rows, ""]
    if r.errors:
        out += ["**Refresh errors** (the resources below were not checked):", "",
                *[f"- {report_mod.cell(e)}" for e in r.errors], ""]
    if r.clean:
        out += ["No drift: the cloud matches the recorded state.", ""]
    elif tables:
        out += [f"**Drift** (recorded state → cloud): {summary_line(r)}", ""]
        gone = r.diff.by_action(DELETE)
        if gone:
            out += [f"**Gone from the cloud** ({len(gone)})", "", "| resource | note |", "|---|---|",
                    *[f"| {_res(c)} | {report_mod.cell(c.danger or 'deleted outside Pulumi')} |" for c in gone], ""]
        changed = r.diff.by_action(UPDATE)
        if changed:
            out += [f"**Changed in the cloud** ({len(changed)})", "", "| resource | recorded → cloud |", "|---|---|"]
            for c in changed:
                out.append(f"| {_res(c)} | {_props(c, max_props)} |")
            out.append("")
    out += ["Next: bring the code in line (`livecommerce diff` against `pulumi stack export`), or accept the cloud "
            "with `pulumi refresh`, or revert it with `pulumi up`.", ""]
    if r.warnings:
        out += report_mod.details(f"{len(r.warnings)} warning(s)", [f"- {report_mod.cell(w)}" for w in r.warnings])
    return "\n".join(out).rstrip("\n") + "\n"


def _res(c: ResourceChange) -> str:
    return f"{report_mod.cell(short_type(c.type))} `{report_mod.cell(c.name)}`"


def _props(c: ResourceChange, max_props: int | None) -> str:
    props = list(c.properties)
    if max_props == 0:
        return f"{len(props)} propert{'y' if len(props) == 1 else 'ies'}"
    shown = props if max_props is None else props[:max_props]
    parts = []
    for p in shown:
        old, new = render_pair(p.old, p.new, 60)
        parts.append(f"`{report_mod.cell(p.path)}`: `{report_mod.cell(old)}` → `{report_mod.cell(new)}`")
    if len(shown) < len(props):
        parts.append(f"… {len(props) - len(shown)} more")
    return "<br>".join(parts) or "–"


def render_text(r: DriftReport) -> str:
    out = [f"livecommerce drift: {r.env}", "", f"Summary: {summary_line(r)}", ""]
    for c in r.diff.dangers:
        out.append(f"  ! gone {c.type} {c.name}: {c.danger}")
    by_urn = {c.urn: c for c in r.diff.changes}
    for u in r.security:
        out.append(f"  ! security-sensitive {by_urn[u].type} {by_urn[u].name}")
    for e in r.errors:
        out.append(f"  error: {e}")
    for c in r.diff.changes:
        out.append(f"  {'-' if c.action == DELETE else '~'} {c.type} {c.name}")
        for p in c.properties:
            old, new = render_pair(p.old, p.new)
            out.append(f"      {p.path}: {old} -> {new}")
    if r.clean:
        out.append("No drift.")
    return "\n".join(out).rstrip("\n") + "\n"
