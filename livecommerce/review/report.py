"""The pull-request report: one Markdown document for several environments.

Layout, top to bottom: the summary table (per environment: creates, updates, replaces, deletes,
mandatory and advisory policy findings, danger flags), the danger call-out (deletes and replaces of
stateful or slow resources, blocked changes), where the full JSON is, then per environment its diff
against the base plan (or an inventory when there is none), policy results, observability coverage and
the architecture diagram, and finally the divergence between neighbouring environments.

Size: GitHub comments stop at 65,536 characters, so the report must stay under `BUDGET` (60,000). It
is rendered at detail level 0 (everything) and, while too long, again at a coarser level: property
values give way to counts per resource, then per-resource rows to counts per type. Whole sections are
summarised, never cut, so no table ends half-way. Danger flags lead at every level (the coarsest
levels list the first few and count the rest).

Everything is sorted and nothing depends on time, so the same inputs give a byte-identical report.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from livecommerce.plan import dumps as dump_plan
from livecommerce.review import compare as compare_mod
from livecommerce.review import graph as graph_mod
from livecommerce.review.compare import short_type
from livecommerce.review.diff import (
    CREATE,
    DELETE,
    REPLACE,
    UPDATE,
    PlanDiff,
    ResourceChange,
    diff_plans,
    render_pair,
    render_value,
    reviewable,
    because,
    summary_line,
)

BUDGET = 60_000
MARKER = "<!-- livecommerce-review -->"
LEVELS = (0, 1, 2, 3)
# Per action, how many resources a level lists row by row (the rest are counted per type).
ROW_CAP: dict[int, int | None] = {0: None, 1: None, 2: 40, 3: 12}
MESSAGE_LIMIT = 200


# --------------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True)
class Finding:
    """One policy finding, whatever shape the policy engine gave it."""

    rule: str
    severity: str
    enforcement: str
    """`mandatory`, `advisory` or `disabled`."""
    resource: str
    """The resource's name (or URN when there is no name)."""
    message: str
    waived: bool = False

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "enforcement": self.enforcement,
                "resource": self.resource, "message": self.message, "waived": self.waived}


@dataclass(frozen=True)
class PolicyResult:
    """The policy results of one environment, or why there are none."""

    evaluated: bool
    findings: tuple[Finding, ...] = ()
    note: str = ""

    def active(self, enforcement: str) -> list[Finding]:
        return [f for f in self.findings if f.enforcement == enforcement and not f.waived]

    @property
    def mandatory(self) -> list[Finding]:
        return self.active("mandatory")

    @property
    def advisory(self) -> list[Finding]:
        return self.active("advisory")

    @property
    def waived(self) -> list[Finding]:
        return [f for f in self.findings if f.waived]

    def to_json(self) -> dict[str, Any]:
        return {"evaluated": self.evaluated, "note": self.note,
                "findings": [f.to_json() for f in self.findings]}


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if isinstance(obj, Mapping) and name in obj:
            return obj[name]
        if not isinstance(obj, Mapping) and hasattr(obj, name):
            return getattr(obj, name)
    return default


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value))


def adapt_policy_report(report: Any) -> PolicyResult:
    """Turn what `livecommerce.checking.evaluate` returned into a PolicyResult.

    Accepts an object or mapping with `findings` (or a plain list of findings); each finding an object
    or mapping with rule, severity, level (or enforcement), status (`violation`, `waived`, `skipped`) or
    a `waived` flag, resource (a name, or an object with a name) or urn, and problem/fix (or message).
    Enum values are read through `.value`. Skipped findings (inputs unknown offline) are not counted.
    """
    raw = report if isinstance(report, (list, tuple)) else _get(report, "findings", "violations", default=[])
    findings = []
    for f in raw or []:
        status = _text(_get(f, "status", default="violation")).lower()
        if status == "skipped":
            continue
        res = _get(f, "resource", default=None)
        resource = res if isinstance(res, str) and res else _text(
            _get(f, "resource_name", "name", default=None) or _get(res, "name", default=None)
            or _get(f, "urn", default=None) or _get(res, "urn", default=None) or "")
        message = _text(_get(f, "message", "problem", "description", default=""))
        fix = _text(_get(f, "fix", default=""))
        findings.append(Finding(
            rule=_text(_get(f, "rule", "policy", "id", default="?")),
            severity=_text(_get(f, "severity", default="")),
            enforcement=_text(_get(f, "enforcement", "level", "enforcement_level", default="advisory")).lower(),
            resource=resource,
            message=(f"{message.rstrip('. ')}. Fix: {fix}" if fix and fix not in message else message),
            waived=bool(_get(f, "waived", default=False)) or status == "waived",
        ))
    # An expired waiver waives nothing and is itself worth a look: an advisory finding on its resources.
    expired = [] if isinstance(report, (list, tuple)) else _get(report, "expired_waivers", default=None) or []
    for w in expired:
        findings.append(Finding(
            rule=_text(_get(w, "rule", default="?")), severity="low", enforcement="advisory",
            resource=_text(_get(w, "resource", default="")),
            message=(f"the waiver (owner {_text(_get(w, 'owner', default='?'))}) expired on "
                     f"{_text(_get(w, 'expires', default='?'))} and waives nothing. Fix: fix the resource, or renew "
                     "the waiver in policies/waivers.yaml with a new expiry and reason"),
        ))
    findings.sort(key=lambda f: (f.enforcement, f.rule, f.resource, f.message))
    return PolicyResult(True, tuple(findings))


@dataclass(frozen=True)
class EnvInput:
    """What the report knows about one environment."""

    env: str
    plan: Mapping[str, Any]
    base: Mapping[str, Any] | None = None
    """The base plan (the PR's target branch), or None for an inventory."""
    base_source: str = ""
    """Where the base plan came from, e.g. `before/prod.json`."""
    policy: PolicyResult = field(default_factory=lambda: PolicyResult(False, (), "policies were not evaluated"))
    coverage: Mapping[str, Any] | None = None
    """`livecommerce.coverage.coverage(plan)`, or None when not available."""
    coverage_note: str = "not available"
    cost: Mapping[str, Any] | None = None
    """`livecommerce.cost.cost_summary(...)`: the month's elastic cost, its change against the base, the
    saving against peak-sized (or `{"error": ...}`); None leaves the cost line out."""
    contracts: Mapping[str, Any] | None = None
    """`livecommerce.contracts.check_plan(plan).to_dict()`, or None when not evaluated."""

    @property
    def diff(self) -> PlanDiff | None:
        return diff_plans(self.base, self.plan) if self.base is not None else None


# --------------------------------------------------------------------------------------------------
# Markdown helpers


def cell(text: Any) -> str:
    """Text safe inside a table cell (no pipes, no newlines, no raw HTML)."""
    return (str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
            .replace("<", "&lt;").replace(">", "&gt;"))


def _code_text(text: str) -> str:
    """Rendered value text as inline code, safe in a table cell."""
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"


def _shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def details(summary: str, body: list[str]) -> list[str]:
    return [f"<details><summary>{summary}</summary>", "", *body, "", "</details>", ""]


def _res(change: ResourceChange) -> str:
    return f"{cell(short_type(change.type))} `{cell(change.name)}`"


# --------------------------------------------------------------------------------------------------
# Sections


def summary_table(items: Sequence[EnvInput], diffs: Mapping[str, PlanDiff | None]) -> list[str]:
    lines = ["| environment | create | update | replace | delete | mandatory | advisory | danger |",
             "|---|---:|---:|---:|---:|---:|---:|---|"]
    for item in items:
        d = diffs[item.env]
        if d is None:
            n = sum(1 for r in item.plan.get("resources", []) if reviewable(r))
            counts = [f"{n} (no base)", "–", "–", "–"]
            danger = "–"
        else:
            c = d.counts()
            counts = [str(c[CREATE]), str(c[UPDATE]), str(c[REPLACE]), str(c[DELETE])]
            blocked = len(d.blocked)
            danger = "none" if not d.dangers else (
                f"⚠️ {len(d.dangers)}" + (f" ({blocked} blocked)" if blocked else ""))
        p = item.policy
        pol = [str(len(p.mandatory)), str(len(p.advisory))] if p.evaluated else ["n/a", "n/a"]
        if p.evaluated and p.mandatory:
            pol[0] = f"❌ {pol[0]}"
        lines.append(f"| `{cell(item.env)}` | " + " | ".join(counts + pol + [danger]) + " |")
    return lines


def danger_callout(items: Sequence[EnvInput], diffs: Mapping[str, PlanDiff | None], limit: int | None) -> list[str]:
    rows = []
    for item in items:
        d = diffs[item.env]
        if d is None:
            continue
        for c in d.dangers:
            tag = "**BLOCKED** " if c.blocked else ""
            rows.append(f"> - {tag}`{cell(item.env)}`: **{c.action}** {_res(c)}: {cell(c.danger)}")
    if not rows:
        return []
    shown = rows if limit is None else rows[:limit]
    out = ["> [!CAUTION]", "> Deletes or replacements of stateful or slow resources:", ">", *shown]
    if len(shown) < len(rows):
        out.append(f"> - … and {len(rows) - len(shown)} more (see the JSON)")
    return out + [""]


def _property_cell(change: ResourceChange, max_props: int | None, values: bool) -> str:
    parts = []
    if change.protect is not None:
        parts.append(f"`[protect]`: `{str(change.protect[0]).lower()}` → `{str(change.protect[1]).lower()}`")
    props = list(change.properties)
    shown = props if max_props is None else props[:max_props]
    for p in shown:
        note = ""
        if p.effect == REPLACE:
            note = f" (**forces replacement**: {cell(p.reason)})"
        elif p.effect == "create-only":
            note = f" (⚠️ {cell(p.reason)})"
        if values:
            old, new = (_code_text(t) for t in render_pair(p.old, p.new, 60))
            parts.append(f"`{cell(p.path)}`: {old} → {new}{note}")
        else:
            parts.append(f"`{cell(p.path)}`{note}")
    if len(shown) < len(props):
        parts.append(f"… {len(props) - len(shown)} more")
    if change.caused_by:
        parts.append("because " + cell(because(change.caused_by)))
    return "<br>".join(parts) if parts else "–"


def _by_type(changes: list[ResourceChange]) -> list[str]:
    counts = Counter(c.type for c in changes)
    return [f"{cell(short_type(t))} ×{n}" for t, n in sorted(counts.items())]


def diff_section(d: PlanDiff, base_source: str, level: int) -> list[str]:
    """The changes of one environment, as tables per action (dangerous ones listed at every level)."""
    out = [f"**Changes against the base plan** (`{cell(base_source)}`): {summary_line(d)}", ""]
    if d.empty:
        return out + ["No changes.", ""]
    max_props = None if level == 0 else 5 if level <= 2 else 3
    values = level <= 1
    for action, title in ((REPLACE, "Replace"), (DELETE, "Delete"), (UPDATE, "Update"), (CREATE, "Create")):
        changes = d.by_action(action)
        if not changes:
            continue
        # Dangerous changes are listed at every level; the rest fold into counts per type from level 2.
        listed = changes if level <= 1 or action in (REPLACE, DELETE) and level == 2 else \
            [c for c in changes if c.danger]
        cap = ROW_CAP[level]
        if cap is not None:
            listed = listed[:cap]
        listed_urns = {c.urn for c in listed}
        rest = [c for c in changes if c.urn not in listed_urns]
        out.append(f"**{title}** ({len(changes)})")
        out.append("")
        if listed:
            if action in (UPDATE, REPLACE):
                out += ["| resource | component | changes |", "|---|---|---|"]
                for c in listed:
                    flag = "⛔ blocked: protected<br>" if c.blocked else ""
                    props = _property_cell(c, max_props, values)
                    out.append(f"| {_res(c)} | {cell(c.component) or '–'} | {flag}{props} |")
            else:
                out += ["| resource | component | note |", "|---|---|---|"]
                for c in listed:
                    note = "⛔ blocked: protected" if c.blocked else (
                        "retained (retainOnDelete)" if c.action == DELETE and c.retained else (c.danger or ""))
                    out.append(f"| {_res(c)} | {cell(c.component) or '–'} | {cell(note) or '–'} |")
            out.append("")
        if rest:
            lead = f"… and {len(rest)} more: " if listed else "By type: "
            out += [lead + ", ".join(_by_type(rest)), ""]
    return out


def inventory_section(item: EnvInput, level: int) -> list[str]:
    res = sorted((r for r in item.plan.get("resources", []) if reviewable(r)), key=lambda r: (r["type"], r["name"]))
    out = [f"**No base plan** for `{cell(item.env)}`: full inventory ({len(res)} cloud resources).", ""]
    counts = Counter(r["type"] for r in res)
    out += ["| type | count |", "|---|---:|"]
    out += [f"| {cell(short_type(t))} | {n} |" for t, n in sorted(counts.items())]
    out.append("")
    if level == 0 and res:
        body = ["| resource | type | protected |", "|---|---|---|"]
        body += [f"| `{cell(r['name'])}` | {cell(short_type(r['type']))} | {'yes' if r.get('protect') else ''} |"
                 for r in res]
        out += details(f"All {len(res)} resources", body)
    return out


def _finding_rows(findings: list[Finding]) -> list[str]:
    rows = ["| rule | severity | resource | message |", "|---|---|---|---|"]
    rows += [f"| `{cell(f.rule)}` | {cell(f.severity) or '–'} | `{cell(f.resource)}` | {cell(_shorten(f.message))} |"
             for f in findings]
    return rows


def _rule_counts(findings: list[Finding]) -> list[str]:
    counts = Counter(f.rule for f in findings)
    return ["| rule | findings |", "|---|---:|"] + [f"| `{cell(r)}` | {n} |" for r, n in sorted(counts.items())]


def policy_section(item: EnvInput, level: int) -> list[str]:
    p = item.policy
    out = ["#### Policies", ""]
    if not p.evaluated:
        return out + [f"Policies were not evaluated: {cell(p.note or 'unavailable')}.", ""]
    mandatory, advisory, waived = p.mandatory, p.advisory, p.waived
    out += [f"{len(mandatory)} mandatory, {len(advisory)} advisory, {len(waived)} waived.", ""]
    if mandatory:
        out.append("**Mandatory violations** (these fail the check):")
        out.append("")
        limit = {0: None, 1: None, 2: 30, 3: 10}[level]
        shown = mandatory if limit is None else mandatory[:limit]
        out += _finding_rows(shown)
        if len(shown) < len(mandatory):
            out.append(f"| … | | | {len(mandatory) - len(shown)} more in the JSON |")
        out.append("")
    if advisory:
        if level == 0:
            out += details(f"{len(advisory)} advisory findings", _finding_rows(advisory))
        elif level <= 2:
            out += details(f"{len(advisory)} advisory findings by rule", _rule_counts(advisory))
    if waived and level <= 1:
        body = [f"- `{cell(f.rule)}` on `{cell(f.resource)}`" for f in waived]
        out += details(f"{len(waived)} waived findings", body)
    return out


def _signals_text(value: Any) -> str:
    """Signals of one target: `name ✅` when present (and routed), `name ❌` when not."""
    if isinstance(value, Mapping):
        parts = []
        for k in sorted(value):
            v = value[k]
            if isinstance(v, Mapping):  # {"severity": ..., "rules": [...], "routes": [...]}
                ok = bool(v.get("routes", True)) and bool(v.get("rules", True))
                mark = "✅" if ok else "❌ unrouted"
            else:
                mark = "✅" if v is True else "❌" if v is False or v is None or v == [] else cell(render_value(v, 40))
            parts.append(f"{cell(k)} {mark}")
        return ", ".join(parts) or "–"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(str(v)) for v in value) or "–"
    return cell(render_value(value, 80))


def _coverage_targets(cov: Mapping[str, Any]) -> list[tuple[str, Any, list[str]]]:
    """(target label, signals, missing) from either `targets: {name: signals}` or
    `targets: [{kind, name, signals, missing}]` (livecommerce.coverage's shape)."""
    targets = cov.get("targets")
    if isinstance(targets, Mapping):
        return [(str(t), targets[t], []) for t in sorted(targets)]
    if isinstance(targets, list):
        rows = []
        for t in targets:
            if isinstance(t, Mapping):
                label = f"{t.get('kind')}: {t.get('name')}" if t.get("kind") else str(t.get("name", "?"))
                rows.append((label, t.get("signals", {}), [str(m) for m in t.get("missing") or []]))
            else:
                rows.append((str(t), {}, []))
        return sorted(rows, key=lambda r: r[0])
    return []


def _gap_text(gap: Any) -> str:
    if isinstance(gap, Mapping) and "problem" in gap:
        where = " ".join(str(gap[k]) for k in ("kind", "target") if gap.get(k))
        return f"{where}: {gap['problem']}" if where else str(gap["problem"])
    return gap if isinstance(gap, str) else json.dumps(gap, sort_keys=True, default=str)


def coverage_section(item: EnvInput, level: int) -> list[str]:
    out = ["#### Observability coverage", ""]
    cov = item.coverage
    if cov is None:
        return out + [f"Coverage: {cell(item.coverage_note)}.", ""]
    gaps = cov.get("gaps") or []
    if isinstance(gaps, Mapping):
        gaps = [f"{k}: {render_value(v, 120)}" for k, v in sorted(gaps.items())]
    gaps = sorted(_gap_text(g) for g in gaps)
    targets = _coverage_targets(cov)
    out += [f"{len(targets)} targets, {len(gaps)} gaps.", ""]
    if gaps:
        out.append("**Gaps**")
        out.append("")
        limit = None if level <= 1 else 20
        shown = gaps if limit is None else gaps[:limit]
        out += [f"- {cell(_shorten(g))}" for g in shown]
        if len(shown) < len(gaps):
            out.append(f"- … {len(gaps) - len(shown)} more in the JSON")
        out.append("")
    if targets and level <= 1:
        body = ["| target | signals | missing |", "|---|---|---|"]
        body += [f"| `{cell(label)}` | {_signals_text(signals)} | {cell(', '.join(missing)) or '–'} |"
                 for label, signals, missing in targets]
        out += details(f"Signals per target ({len(targets)})", body)
    return out


def graph_section(item: EnvInput, level: int) -> list[str]:
    if level >= 3:
        return []
    mermaid = graph_mod.render(item.plan, "mermaid", "components")
    return ["#### Architecture", "", *details("Components and their dependencies (from the plan)",
                                              ["```mermaid", mermaid.rstrip("\n"), "```"])]


def env_section(item: EnvInput, d: PlanDiff | None, level: int) -> list[str]:
    out = [f"### `{cell(item.env)}`", ""]
    if item.cost is not None:
        from livecommerce.cost.render import report_line

        out += [report_line(item.cost).replace("<", "&lt;").replace(">", "&gt;"), ""]
    out += diff_section(d, item.base_source, level) if d is not None else inventory_section(item, level)
    out += policy_section(item, level)
    out += coverage_section(item, level)
    out += graph_section(item, level)
    return out


def divergence_section(items: Sequence[EnvInput], level: int) -> list[str]:
    if len(items) < 2:
        return []
    out = ["## Environment divergence", "",
           "Matched by logical resource (type and name without the environment); names, tags and ids left out.",
           ""]
    for a, b in itertools.pairwise(items):
        div = compare_mod.compare_plans(a.plan, b.plan)
        out.append(compare_mod.render_markdown(div, heading="###", detail=min(level, 2)).rstrip("\n"))
        out.append("")
    return out


def json_pointer(data_dir: str | None, artifact: str | None) -> list[str]:
    if not data_dir and not artifact:
        return []
    where = f"`{cell(data_dir)}/`" if data_dir else ""
    if artifact:
        art = f"the workflow artifact `{cell(artifact)}`"
        where = f"{where} (in CI: {art})" if where else art
    return [f"Full JSON (plans, diffs, policy results, coverage, divergence): {where}.", ""]


def diff_markdown(d: PlanDiff, base_source: str) -> str:
    """`livecommerce diff --format markdown`: the danger call-out and the change tables, full detail."""
    rows = [f"> - {'**BLOCKED** ' if c.blocked else ''}**{c.action}** {_res(c)}: {cell(c.danger)}" for c in d.dangers]
    out = ["> [!CAUTION]", "> Deletes or replacements of stateful or slow resources:", ">", *rows, ""] if rows else []
    out += diff_section(d, base_source, 0)
    return "\n".join(out).rstrip("\n") + "\n"


def contracts_section(items: Sequence[EnvInput], limit: int | None) -> list[str]:
    """Provider contracts first: what the providers or their APIs would refuse at `pulumi up` (facts, not
    policy choices), one line per violation."""
    rows = []
    for item in items:
        for v in (item.contracts or {}).get("violations", []):
            rows.append(f"> - `{cell(item.env)}`: {cell(short_type(v['type']))} `{cell(v['resource'])}` "
                        f"`{cell(v['path'])}` = {_code_text(_shorten(v['value'], 80))}: {cell(v['accepts'])} "
                        f"[{cell(v['source'])}]")
    evaluated = [i for i in items if i.contracts is not None]
    if not evaluated:
        return []
    if not rows:
        held = sum(int(i.contracts.get("resources", 0)) for i in evaluated)  # type: ignore[union-attr]
        return [f"Provider contracts: passed ({held} resources held against "
                f"{cell(evaluated[0].contracts.get('upstream', ''))}).", ""]  # type: ignore[union-attr]
    shown = rows if limit is None else rows[:limit]
    out = ["> [!IMPORTANT]", "> **Provider contracts**: the providers or their APIs would refuse these at "
           "`pulumi up`:", ">", *shown]
    if len(shown) < len(rows):
        out.append(f"> - … and {len(rows) - len(shown)} more (see the JSON)")
    return out + [""]


def render(items: Sequence[EnvInput], level: int, *, data_dir: str | None = None,
           artifact: str | None = None, diffs: Mapping[str, PlanDiff | None] | None = None) -> str:
    """The report at one detail level (0 = everything, 3 = counts only)."""
    diffs = diffs if diffs is not None else {i.env: i.diff for i in items}
    envs = ", ".join(f"`{cell(i.env)}`" for i in items)
    out = [MARKER, f"## livecommerce review: {envs}", ""]
    out += contracts_section(items, None if level <= 1 else 20 if level == 2 else 10)
    out += summary_table(items, diffs) + [""]
    out += danger_callout(items, diffs, None if level <= 1 else 20 if level == 2 else 10)
    out += json_pointer(data_dir, artifact)
    if level > 0:
        out += [f"_Summarised (detail level {level}) to stay under {BUDGET:,} characters; "
                "the JSON has everything._", ""]
    for item in items:
        out += env_section(item, diffs[item.env], level)
    out += divergence_section(items, level)
    return "\n".join(out).rstrip("\n") + "\n"


def build_report(items: Sequence[EnvInput], *, data_dir: str | None = None, artifact: str | None = None,
                 budget: int = BUDGET) -> str:
    """The most detailed rendering that fits in `budget` characters."""
    diffs = {i.env: i.diff for i in items}
    text = ""
    for level in LEVELS:
        text = render(items, level, data_dir=data_dir, artifact=artifact, diffs=diffs)
        if len(text) < budget:
            return text
    # Still too long (hundreds of environments?): the summary alone, which always fits in practice.
    out = [MARKER, "## livecommerce review", "", *summary_table(items, diffs), "",
           *json_pointer(data_dir, artifact), "_Details omitted: too large for one comment; see the JSON._", ""]
    return "\n".join(out)


# --------------------------------------------------------------------------------------------------
# The JSON written beside the report


def to_json_text(obj: Any) -> str:
    # default=str: coverage data from another module may hold sets or enums; never fail on them.
    return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def report_files(items: Sequence[EnvInput]) -> dict[str, str]:
    """File name -> content of the full JSON data the report summarises."""
    files: dict[str, str] = {}
    summary = []
    for item in items:
        files[f"{item.env}.plan.json"] = dump_plan(dict(item.plan))
        d = item.diff
        if d is not None:
            files[f"{item.env}.diff.json"] = to_json_text(d.to_json())
        files[f"{item.env}.policy.json"] = to_json_text(item.policy.to_json())
        if item.contracts is not None:
            files[f"{item.env}.contracts.json"] = to_json_text(item.contracts)
        files[f"{item.env}.coverage.json"] = to_json_text(
            {"available": item.coverage is not None, "note": "" if item.coverage is not None else item.coverage_note,
             "coverage": item.coverage})
        summary.append({
            "env": item.env, "base": item.base_source or None,
            "changes": d.counts() if d is not None else None,
            "danger": len(d.dangers) if d is not None else None,
            "blocked": len(d.blocked) if d is not None else None,
            "mandatory": len(item.policy.mandatory) if item.policy.evaluated else None,
            "advisory": len(item.policy.advisory) if item.policy.evaluated else None,
            "cost": dict(item.cost) if item.cost is not None else None,
        })
    for a, b in itertools.pairwise(items):
        div = compare_mod.compare_plans(a.plan, b.plan)
        files[f"compare-{a.env}-{b.env}.json"] = compare_mod.dumps(div)
    files["summary.json"] = to_json_text({"format": "livecommerce.review/v1", "environments": summary})
    return files
