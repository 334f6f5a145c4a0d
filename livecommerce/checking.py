"""Offline CrossGuard: evaluate a plan (format v1) with the policy pack, the way the engine does.

Fidelity to `pulumi preview --policy-pack policies --policy-pack-config policies/config/ENV.json`:
- the same rule objects (`policies.livecommerce_guard.POLICIES`), driven through pulumi_policy's own
  analyzer servicer (`_PolicyAnalyzerServicer`, the object `PolicyPack` serves over gRPC) with protobuf
  requests, so props reach rules as read-only camelCase proxies, numbers as floats, and a value unknown
  at preview (`"[unknown]"` in the plan) raises inside the rule and becomes "can't run during preview";
- enforcement levels and rule config reconciled like the CLI's `ReconcilePolicyPackConfig`: policy
  level (else pack default), schema defaults, then the config file's `all`, then per-rule entries;
- resource rules get one `Analyze` per custom resource; stack rules one `AnalyzeStack` over every
  resource with parents, dependencies and propertyDependencies.

Then waivers (`policies/waivers.yaml`) turn matching violations into "waived". Decisions:
- a malformed waivers file (or a waiver naming an unknown rule or environment) is a UserError: exit 2;
- an expired waiver that applies to the environment waives nothing: the violations it covered are
  reported at their own level (a mandatory one still fails the check), and the expiry itself is a
  finding of the report, never a failure of its own: a calendar date alone must not break a build;
- a waiver that matches nothing is reported as unused (a note, not a failure).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import gc
import json
from contextlib import contextmanager
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from livecommerce.errors import UserError
from livecommerce.plan import validate_plan
from livecommerce.userfiles import load_yaml_file

ROOT = Path(__file__).resolve().parent.parent
POLICIES_DIR = ROOT / "policies"
CONFIG_DIR = POLICIES_DIR / "config"
WAIVERS_PATH = POLICIES_DIR / "waivers.yaml"
REPORT_FORMAT = "livecommerce.check/v1"
UNKNOWN = "[unknown]"
SEVERITY_ORDER = ("critical", "high", "medium", "low")
LEVELS = ("advisory", "mandatory", "remediate", "disabled")


def _pack() -> Any:
    # Imported lazily: `livecommerce --help` need not load 60 rules.
    import policies.livecommerce_guard as pack

    return pack


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


# ---- enforcement levels and rule config ------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedRule:
    """The effective level and config of one rule for one environment."""

    level: str
    properties: dict[str, Any]


ENV_ORDER = ("dev", "staging", "prod")


def environments(config_dir: Path = CONFIG_DIR) -> list[str]:
    """Environments that have an enforcement file (`policies/config/<env>.json`), least strict first."""
    names = [p.stem for p in config_dir.glob("*.json")]
    return sorted(names, key=lambda n: (ENV_ORDER.index(n) if n in ENV_ORDER else len(ENV_ORDER), n))


def load_config_file(env: str, config_dir: Path = CONFIG_DIR) -> dict[str, Any]:
    """Read `<config_dir>/<env>.json` (the `--policy-pack-config` file); UserError when unusable."""
    path = config_dir / f"{env}.json"
    if not path.is_file():
        known = ", ".join(environments(config_dir)) or "none"
        raise UserError(f"{_display(path)}: no enforcement file for environment {env!r}; known: {known}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise UserError(f"{_display(path)}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise UserError(f"{_display(path)}: expected an object mapping rule names to levels")
    return data


def _check_type(value: Any, schema: Mapping[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
        return ok and value >= schema.get("minimum", value)
    if kind == "string":
        return isinstance(value, str)
    if kind == "array":
        return isinstance(value, list) and all(_check_type(v, schema.get("items", {})) for v in value)
    return True


def resolve_config(
    policies: list[Any],
    pack_level: str,
    file_config: Mapping[str, Any] | None,
    initial_config: Mapping[str, Any] | None = None,
    source: str = "config",
) -> dict[str, ResolvedRule]:
    """Per-rule level and properties, as the Pulumi CLI reconciles them before `Configure`.

    Order: the rule's own level (else the pack default) and its schema defaults; then `initial_config`
    (the pack's programmatic config), then the file: each applies `all` first, then per-rule entries.
    Unlike the CLI (which ignores them) unknown rule names are errors here: they are always typos.
    """
    by_name = {p.name: p for p in policies}
    result: dict[str, ResolvedRule] = {}
    for p in policies:
        schema = p.config_schema.properties if p.config_schema else {}
        defaults = {k: v["default"] for k, v in schema.items() if "default" in v}
        level = p.enforcement_level.value if p.enforcement_level is not None else pack_level
        result[p.name] = ResolvedRule(level, defaults)

    def level_of(key: str, value: Any) -> str | None:
        if value is None:
            return None
        if value not in LEVELS:
            raise UserError(f"{source}: {key}: enforcement level {value!r} is not one of {', '.join(LEVELS)}")
        return value

    for layer in (initial_config, file_config):
        if not layer:
            continue
        if "all" in layer:
            all_level = layer["all"]
            if isinstance(all_level, Mapping):
                all_level = all_level.get("enforcementLevel")
            lvl = level_of("all", all_level)
            if lvl:
                result = {k: ResolvedRule(lvl, v.properties) for k, v in result.items()}
        for key, value in layer.items():
            if key == "all":
                continue
            if key not in by_name:
                raise UserError(
                    f"{source}: {key}: no such rule in the pack; check the spelling against docs/policies.md"
                )
            current = result[key]
            if isinstance(value, str):
                result[key] = ResolvedRule(level_of(key, value) or current.level, current.properties)
                continue
            if not isinstance(value, Mapping):
                raise UserError(f"{source}: {key}: expected a level string or an object")
            props = dict(current.properties)
            policy = by_name[key]
            schema = policy.config_schema.properties if policy.config_schema else {}
            for prop, pval in value.items():
                if prop == "enforcementLevel":
                    continue
                if prop not in schema:
                    known = ", ".join(sorted(schema)) or "none"
                    raise UserError(f"{source}: {key}.{prop}: the rule has no such setting; settings: {known}")
                if not _check_type(pval, schema[prop]):
                    raise UserError(
                        f"{source}: {key}.{prop}: expected {schema[prop].get('type')}"
                        + (f" >= {schema[prop]['minimum']}" if "minimum" in schema[prop] else "")
                    )
                props[prop] = pval
            result[key] = ResolvedRule(level_of(key, value.get("enforcementLevel")) or current.level, props)
    return result


def resolved_levels(env: str, config_dir: Path = CONFIG_DIR) -> dict[str, ResolvedRule]:
    """The rules' effective levels/config for `env` from `policies/config/<env>.json`."""
    pack = _pack()
    path = config_dir / f"{env}.json"
    return resolve_config(
        pack.POLICIES, pack.PACK_ENFORCEMENT_LEVEL.value, load_config_file(env, config_dir), source=_display(path)
    )


# ---- waivers ---------------------------------------------------------------------------------------


class Waiver(BaseModel):
    """One accepted exception to a rule."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str = Field(description="The rule name, exactly as in the pack.")
    resource: str = Field(min_length=1, description="Logical resource name or URN; shell wildcards (*, ?) allowed.")
    environments: list[str] = Field(min_length=1, description="Environments the waiver applies to.")
    reason: str = Field(min_length=15, description="Why the exception is acceptable (at least a sentence).")
    owner: str = Field(min_length=2, description="Who answers for it (team or person).")
    expires: dt.date = Field(description="Last day the waiver applies (YYYY-MM-DD).")

    @field_validator("rule", "owner", "reason")
    @classmethod
    def _no_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value

    def matches(self, rule: str, name: str, urn: str) -> bool:
        if rule != self.rule:
            return False
        if self.resource.startswith("urn:") or "::" in self.resource:
            return fnmatch.fnmatchcase(urn, self.resource)
        return fnmatch.fnmatchcase(name, self.resource)


class WaiverFile(BaseModel):
    """`policies/waivers.yaml`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    waivers: list[Waiver] = Field(default_factory=list)


def load_waivers(
    path: Path = WAIVERS_PATH, rules: set[str] | None = None, envs: set[str] | None = None
) -> list[Waiver]:
    """Parse and validate the waivers file; every problem is a UserError naming file, key and fix."""
    shown = _display(path)
    if path == WAIVERS_PATH and not path.exists():
        return []  # the default file is optional; a file the user names must exist
    # Strict YAML (livecommerce.userfiles): UTF-8, no duplicate keys, bounded aliases; dates allowed.
    data = load_yaml_file(path, shown, what="waivers file", dates=True)
    if data is None:
        return []
    try:
        parsed = WaiverFile.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"]) or "(top)"
            lines.append(
                f"{shown}: {loc}: {err['msg']}; each waiver needs rule, resource, environments, "
                "reason, owner and expires (YYYY-MM-DD)"
            )
        raise UserError(*lines) from None
    problems = []
    for i, w in enumerate(parsed.waivers):
        if rules is not None and w.rule not in rules:
            problems.append(f"{shown}: waivers.{i}.rule: no rule named {w.rule!r} in the pack; check the spelling")
        for env in w.environments:
            if envs is not None and env not in envs:
                problems.append(
                    f"{shown}: waivers.{i}.environments: unknown environment {env!r}; use {', '.join(sorted(envs))}"
                )
    if problems:
        raise UserError(*problems)
    return list(parsed.waivers)


# ---- the report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One rule outcome on one resource. `status`: violation, waived or skipped (unknown at preview)."""

    rule: str
    severity: str
    level: str
    status: str
    urn: str
    resource: str
    type: str
    problem: str
    fix: str
    anchors: tuple[str, ...] = ()
    waiver_owner: str | None = None
    waiver_reason: str | None = None
    waiver_expires: str | None = None


@dataclass
class CheckReport:
    """Everything `livecommerce check` prints; `failed` decides the exit code."""

    env: str
    stack: str
    rules: int
    resources: int
    findings: list[Finding] = field(default_factory=list)
    expired_waivers: list[dict[str, Any]] = field(default_factory=list)
    unused_waivers: list[dict[str, Any]] = field(default_factory=list)
    not_applicable: list[dict[str, str]] = field(default_factory=list)

    def of(self, status: str, level: str | None = None) -> list[Finding]:
        return [f for f in self.findings if f.status == status and (level is None or f.level == level)]

    @property
    def mandatory(self) -> list[Finding]:
        return self.of("violation", "mandatory")

    @property
    def failed(self) -> bool:
        # Not the expired waivers: what they covered is back at its own level (issue 18, item 6).
        return bool(self.mandatory)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "env": self.env,
            "stack": self.stack,
            "passed": not self.failed,
            "summary": {
                "rules": self.rules,
                "resources": self.resources,
                "mandatory": len(self.mandatory),
                "advisory": len(self.of("violation", "advisory")),
                "waived": len(self.of("waived")),
                "skipped": len(self.of("skipped")),
                "expiredWaivers": len(self.expired_waivers),
            },
            "findings": [_finding_dict(f) for f in self.findings],
            "expiredWaivers": self.expired_waivers,
            "unusedWaivers": self.unused_waivers,
        }


def _finding_dict(f: Finding) -> dict[str, Any]:
    d = asdict(f)
    d["anchors"] = list(f.anchors)
    return {k: v for k, v in d.items() if v is not None}


def _waiver_dict(w: Waiver) -> dict[str, Any]:
    return {
        "rule": w.rule,
        "resource": w.resource,
        "environments": list(w.environments),
        "owner": w.owner,
        "reason": w.reason,
        "expires": w.expires.isoformat(),
    }


# ---- driving the analyzer --------------------------------------------------------------------------


def _wire(value: Any) -> Any:
    """Plan inputs -> engine wire values: `[unknown]` becomes the engine's unknown sentinel."""
    from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

    if value == UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, dict):
        return {k: _wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_wire(v) for v in value]
    return value


def _struct(values: Mapping[str, Any]) -> Any:
    from google.protobuf import struct_pb2

    s = struct_pb2.Struct()
    s.update(_wire(dict(values)))
    return s


_LEVEL_FROM_PROTO = {0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate"}


_LEVEL_FROM_PROTO = {0: "advisory", 1: "mandatory", 2: "disabled", 3: "remediate"}


def _options(res: Mapping[str, Any]) -> Any:
    from pulumi.runtime import proto

    return proto.AnalyzerResourceOptions(protect=bool(res.get("protect")), parent=res.get("parent") or "")


def _analyzable(res: Mapping[str, Any]) -> bool:
    return bool(res.get("custom")) and not str(res["type"]).startswith("pulumi:")


def _split(message: str, name: str) -> tuple[str, str]:
    """Diagnostic message -> (problem, fix). Rules write '<description>\\n<name>: <problem>. Fix: <fix>'."""
    _, _, body = message.partition("\n")
    body = body or message
    if body.startswith(f"{name}: "):
        body = body[len(name) + 2 :]
    problem, sep, fix = body.rpartition(". Fix: ")
    return (problem, fix) if sep else (body, "")


def _configure_request(resolved: Mapping[str, ResolvedRule]) -> Any:
    """The engine's `Configure` call: every rule's level and settings."""
    from pulumi.runtime import proto

    to_proto = {
        "advisory": proto.ADVISORY,
        "mandatory": proto.MANDATORY,
        "remediate": proto.REMEDIATE,
        "disabled": proto.DISABLED,
    }
    request = proto.ConfigureAnalyzerRequest()
    for name, rule in resolved.items():
        config = proto.PolicyConfig(enforcementLevel=to_proto[rule.level])
        if rule.properties:
            config.properties.update(rule.properties)
        request.policyConfig[name].CopyFrom(config)
    return request


def _servicer(policies: list[Any], configure: Any) -> Any:
    """The SDK's own servicer (the object `PolicyPack` serves over gRPC), configured as the engine would."""
    from pulumi_policy.policy import _PolicyAnalyzerServicer  # private API: the same object PolicyPack serves

    pack = _pack()
    servicer = _PolicyAnalyzerServicer(pack.PACK_NAME, pack.PACK_VERSION, policies, pack.PACK_ENFORCEMENT_LEVEL)
    servicer.Configure(configure, None)
    return servicer


def _analyzer(resolved: Mapping[str, ResolvedRule]) -> Any:
    """One servicer over the whole pack (what `pulumi preview --policy-pack` talks to)."""
    return _servicer(list(_pack().POLICIES), _configure_request(resolved))


def _scope(policy: Any) -> tuple[str, ...] | None:
    """The resource types a rule can report on (`RuleMeta.types`); None for a rule built without the
    livecommerce helpers, which then sees everything."""
    meta = getattr(policy, "livecommerce", None)
    return tuple(meta.types) if meta is not None else None


def _in_scope(resource_type: str, scope: tuple[str, ...] | None) -> bool:
    from policies.livecommerce_guard._base import type_matches

    return scope is None or type_matches(resource_type, scope)


class _Dispatch:
    """Which rules see which resources, so the work is linear in the plan.

    The SDK's `Analyze` deserializes a resource's properties once per rule in the servicer, and its
    `AnalyzeStack` deserializes every resource once per stack rule: with the whole pack that is
    rules x resources. Every resource rule begins with its type filter (`_base.resource_rule`), so a
    servicer holding only the rules whose types match gives the same diagnostics, in the same (pack)
    order; a stack rule gets the resources of its types plus what those depend on and their parents,
    so every `dependencies` / `propertyDependencies` / `parent` it can follow resolves as before.
    tests/policies/test_scaling.py holds both paths equal and counts the work.
    """

    def __init__(self, resolved: Mapping[str, ResolvedRule]) -> None:
        from pulumi_policy import ResourceValidationPolicy, StackValidationPolicy

        self.configure = _configure_request(resolved)
        enabled = [
            p for p in _pack().POLICIES if resolved.get(p.name, ResolvedRule("advisory", {})).level != "disabled"
        ]
        self.resource_rules = [p for p in enabled if isinstance(p, ResourceValidationPolicy)]
        self.stack_rules = [p for p in enabled if isinstance(p, StackValidationPolicy)]
        self._by_type: dict[str, Any] = {}

    def for_type(self, resource_type: str) -> Any:
        """A servicer with the resource rules that apply to `resource_type` (None when none does)."""
        if resource_type not in self._by_type:
            mine = [p for p in self.resource_rules if _in_scope(resource_type, _scope(p))]
            self._by_type[resource_type] = _servicer(mine, self.configure) if mine else None
        return self._by_type[resource_type]


def _stack_resource(r: Mapping[str, Any], properties: Any) -> Any:
    from pulumi.runtime import proto

    return proto.AnalyzerResource(
        type=r["type"],
        properties=properties,
        urn=r["urn"],
        name=r["name"],
        options=_options(r),
        parent=r.get("parent") or "",
        dependencies=list(r.get("dependencies") or []),
        propertyDependencies={
            k: proto.AnalyzerPropertyDependencies(urns=list(v))
            for k, v in (r.get("propertyDependencies") or {}).items()
        },
    )


def _stack_members(resources: list[Mapping[str, Any]], scope: tuple[str, ...] | None) -> list[int]:
    """Indexes of the resources a stack rule receives: those of its types, what they depend on, their parents."""
    if scope is None:
        return list(range(len(resources)))
    position = {r["urn"]: i for i, r in enumerate(resources)}
    keep: set[int] = set()
    for i, r in enumerate(resources):
        if not _in_scope(str(r["type"]), scope):
            continue
        keep.add(i)
        linked = [*(r.get("dependencies") or []), r.get("parent")]
        for urns in (r.get("propertyDependencies") or {}).values():
            linked += list(urns)
        keep.update(position[u] for u in linked if u in position)
    return sorted(keep)


def _diagnostics(response: Any, default_urn: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for d in response.diagnostics:
        out.append(
            {
                "policy": d.policyName,
                "message": d.message,
                "urn": d.urn or default_urn,
                "level": _LEVEL_FROM_PROTO.get(d.enforcementLevel, "advisory"),
            }
        )
    for na in response.not_applicable:
        out.append({"policy": na.policy_name, "not_applicable": na.reason, "urn": default_urn})
    return out


@contextmanager
def _without_cyclic_gc() -> Any:
    """Pause CPython's cycle collector while the analyzer runs. Every full collection rescans all live
    containers, and here the plan and the stack rules' resources are all live, so collections grew with
    the plan and the check went superlinear (benchmarks/bench_check.py: 0.68 -> 0.80 ms per resource
    from 1k to 7k resources with it, 0.52 -> 0.56 without). Reference counting still frees everything
    acyclic at once; the few cycles (exception tracebacks) go at the next collection after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def raw_diagnostics(plan: Mapping[str, Any], resolved: Mapping[str, ResolvedRule]) -> list[dict[str, Any]]:
    """Every diagnostic the analyzer reports for the plan, with its URN filled in (as the engine does).

    Same requests as the engine sends (one `Analyze` per custom resource, `AnalyzeStack` over the
    stack), dispatched so each rule only deserializes the resources it can judge (`_Dispatch`)."""
    with _without_cyclic_gc():
        return _raw_diagnostics(plan, resolved)


def _raw_diagnostics(plan: Mapping[str, Any], resolved: Mapping[str, ResolvedRule]) -> list[dict[str, Any]]:
    from pulumi.runtime import proto

    dispatch = _Dispatch(resolved)
    out: list[dict[str, Any]] = []
    resources = [r for r in plan["resources"] if r["type"] != "pulumi:pulumi:Stack"]
    structs = [_struct(r.get("inputs") or {}) for r in resources]
    for res, properties in zip(resources, structs, strict=True):
        if not _analyzable(res):
            continue
        servicer = dispatch.for_type(str(res["type"]))
        if servicer is None:
            continue
        request = proto.AnalyzeRequest(
            type=res["type"], properties=properties, urn=res["urn"], name=res["name"], options=_options(res)
        )
        out += _diagnostics(servicer.Analyze(request, None), res["urn"])
    for policy in dispatch.stack_rules:
        members = _stack_members(resources, _scope(policy))
        request = proto.AnalyzeStackRequest(resources=[_stack_resource(resources[i], structs[i]) for i in members])
        out += _diagnostics(_servicer([policy], dispatch.configure).AnalyzeStack(request, None), "")
    return out


def evaluate(
    plan: dict[str, Any],
    env: str,
    waivers_path: Path | None = WAIVERS_PATH,
    config_dir: Path = CONFIG_DIR,
    today: dt.date | None = None,
) -> CheckReport:
    """Evaluate `plan` with `env`'s enforcement levels and the waivers; never raises for violations."""
    validate_plan(plan)
    pack = _pack()
    by_name = {p.name: p for p in pack.POLICIES}
    resolved = resolved_levels(env, config_dir)
    waivers = load_waivers(waivers_path, set(by_name), set(environments(config_dir))) if waivers_path else []
    today = today or dt.date.today()
    applicable = [w for w in waivers if env in w.environments]
    live = [w for w in applicable if w.expires >= today]
    expired = [w for w in applicable if w.expires < today]
    by_urn = {r["urn"]: r for r in plan["resources"]}

    report = CheckReport(
        env=env,
        stack=str(plan.get("stack", env)),
        rules=len(pack.POLICIES),
        resources=sum(1 for r in plan["resources"] if _analyzable(r)),
    )
    used: set[int] = set()
    seen: set[tuple[str, str, str]] = set()
    for d in raw_diagnostics(plan, resolved):
        if "not_applicable" in d:
            report.not_applicable.append({"rule": d["policy"], "urn": d["urn"], "reason": d["not_applicable"]})
            continue
        res = by_urn.get(d["urn"], {})
        name = res.get("name", d["urn"].rsplit("::", 1)[-1])
        policy = by_name.get(d["policy"])
        meta = getattr(policy, "livecommerce", None)
        skipped = d["message"].startswith("can't run policy")
        problem, fix = (
            ("its inputs are unknown until deployment, so the rule cannot run offline", "")
            if skipped
            else _split(d["message"], name)
        )
        key = (d["policy"], d["urn"], problem)
        if key in seen:
            continue
        seen.add(key)
        level = resolved[d["policy"]].level if d["policy"] in resolved else d["level"]
        level = "mandatory" if level == "remediate" else level
        status = "skipped" if skipped else "violation"
        waiver = None
        if not skipped:
            for i, w in enumerate(live):
                if w.matches(d["policy"], name, d["urn"]):
                    waiver, status = w, "waived"
                    used.add(i)
                    break
        report.findings.append(
            Finding(
                rule=d["policy"],
                severity=policy.severity.value if policy and policy.severity else "low",
                level=level,
                status=status,
                urn=d["urn"],
                resource=name,
                type=res.get("type", ""),
                problem=problem,
                fix=fix or (meta.fix if meta else ""),
                anchors=tuple(meta.anchors) if meta else (),
                waiver_owner=waiver.owner if waiver else None,
                waiver_reason=waiver.reason if waiver else None,
                waiver_expires=waiver.expires.isoformat() if waiver else None,
            )
        )
    report.findings.sort(
        key=lambda f: (
            SEVERITY_ORDER.index(f.severity) if f.severity in SEVERITY_ORDER else 9,
            f.status != "violation",
            f.level != "mandatory",
            f.rule,
            f.resource,
        )
    )
    report.expired_waivers = [_waiver_dict(w) for w in expired]
    report.unused_waivers = [_waiver_dict(w) for i, w in enumerate(live) if i not in used]
    return report


# ---- rendering -------------------------------------------------------------------------------------

_SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def render_text(report: CheckReport, console: Any) -> None:
    """Findings grouped by severity: level, resource, rule, problem and fix (rich console)."""
    from rich.markup import escape

    summary = report.to_dict()["summary"]
    verdict = "[bold red]FAILED[/bold red]" if report.failed else "[bold green]passed[/bold green]"
    # The stack is what the user named; the tier (whose levels were applied) follows when it differs.
    subject = report.env if report.stack in ("", report.env) else f"{report.stack} (tier {report.env})"
    console.print(
        f"\n[bold]policy check[/bold] {escape(subject)}: {verdict} — "
        f"{summary['mandatory']} mandatory, {summary['advisory']} advisory, {summary['waived']} waived, "
        f"{summary['skipped']} skipped ({report.rules} rules, {report.resources} resources)"
    )
    for severity in SEVERITY_ORDER:
        group = [f for f in report.findings if f.severity == severity]
        if not group:
            continue
        console.print(f"[{_SEVERITY_STYLE[severity]}]{severity.upper()}[/]")
        for f in group:
            if f.status == "violation":
                tag = "[bold red]MANDATORY[/bold red]" if f.level == "mandatory" else "[yellow]advisory[/yellow] "
            elif f.status == "waived":
                tag = "[dim]waived[/dim]   "
            else:
                tag = "[dim]skipped[/dim]  "
            console.print(
                f"  {tag} {escape(f.resource)} [dim]({escape(f.type)})[/dim]  rule [bold]{escape(f.rule)}[/bold]"
            )
            console.print(f"             {escape(f.problem)}")
            if f.status == "waived":
                console.print(
                    f"             [dim]waived until {f.waiver_expires} by {escape(f.waiver_owner or '')}: "
                    f"{escape(f.waiver_reason or '')}[/dim]"
                )
            elif f.fix:
                console.print(f"             [green]fix:[/green] {escape(f.fix)}")
    for w in report.expired_waivers:
        console.print(
            f"[yellow]expired waiver[/yellow] policies/waivers.yaml: rule {escape(w['rule'])} on "
            f"{escape(w['resource'])} expired on {w['expires']} (owner {escape(w['owner'])}) and waives nothing; "
            "fix the resource, or renew the waiver with a new expiry and reason"
        )
    for w in report.unused_waivers:
        console.print(
            f"[dim]note: waiver for {escape(w['rule'])} on {escape(w['resource'])} matched nothing in "
            f"{escape(report.env)}; remove it if it is no longer needed[/dim]"
        )


def render_json(report: CheckReport) -> str:
    """The report as deterministic JSON (format livecommerce.check/v1)."""
    return json.dumps(report.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ---- docs ------------------------------------------------------------------------------------------


def rules_markdown(config_dir: Path = CONFIG_DIR) -> str:
    """docs/policies.md: every rule with severity, levels per environment, anchors and fix."""
    pack = _pack()
    envs = environments(config_dir)
    levels = {env: resolved_levels(env, config_dir) for env in envs}
    short = {"mandatory": "**M**", "advisory": "A", "disabled": "–", "remediate": "R"}
    lines = [
        "# Policy rules",
        "",
        "<!-- Generated by `livecommerce.checking.rules_markdown()`; tests/policies keeps it in sync. -->",
        "",
        f"The CrossGuard pack `{pack.PACK_NAME}` (`policies/`) has {len(pack.POLICIES)} rules. Levels per "
        "environment come from `policies/config/<env>.json`: **M** mandatory (blocks), A advisory (reported), "
        "– disabled. Severity is separate from enforcement. Exceptions live in `policies/waivers.yaml`.",
        "",
        "```sh",
        "pulumi preview --policy-pack policies --policy-pack-config policies/config/prod.json  # real engine",
        "livecommerce check prod                         # offline: preview the stack, evaluate, exit 1 on mandatory",
        "livecommerce check --plan plan.json --env prod  # offline: a saved plan (format v1)",
        "```",
        "",
        "| rule | kind | severity | " + " | ".join(envs) + " | what it checks | fix | anchors |",
        "|---|---|---|" + "---|" * len(envs) + "---|---|---|",
    ]
    for p in pack.POLICIES:
        meta = p.livecommerce
        kind = "stack" if meta.stack else "resource"
        cells = [short[levels[e][p.name].level] for e in envs]
        cell = [_md(p.description), _md(meta.fix), _md(", ".join(meta.anchors))]
        lines.append(
            f"| `{p.name}` | {kind} | {meta.severity.value} | "
            + " | ".join(cells)
            + f" | {cell[0]} | {cell[1]} | {cell[2]} |"
        )
    lines += [
        "",
        "## Settings per environment",
        "",
        "Rule settings (`PolicyConfigSchema`) as resolved from the schema defaults and each environment's file.",
        "",
        "| rule | " + " | ".join(envs) + " |",
        "|---|" + "---|" * len(envs),
    ]
    for p in pack.POLICIES:
        per_env = [levels[e][p.name].properties for e in envs]
        if any(per_env):
            cells = [_md(", ".join(f"{k}={json.dumps(v)}" for k, v in sorted(props.items()))) for props in per_env]
            lines.append(f"| `{p.name}` | " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


README_START = (
    "<!-- policy-rules:start (generated by livecommerce.checking.readme_rules_table; a test keeps it in sync) -->"
)
README_END = "<!-- policy-rules:end -->"


def readme_rules_table(config_dir: Path = CONFIG_DIR) -> str:
    """The compact rule list the README carries: every rule, its severity and its level per environment."""
    pack = _pack()
    envs = environments(config_dir)
    levels = {env: resolved_levels(env, config_dir) for env in envs}
    short = {"mandatory": "mandatory", "advisory": "advisory", "disabled": "disabled", "remediate": "remediate"}
    lines = [README_START, "", "| rule | severity | " + " | ".join(envs) + " |", "|---|---|" + "---|" * len(envs)]
    for p in pack.POLICIES:
        cells = [short[levels[e][p.name].level] for e in envs]
        lines.append(f"| `{p.name}` | {p.livecommerce.severity.value} | " + " | ".join(cells) + " |")
    lines += ["", README_END]
    return "\n".join(lines)


def sync_readme(readme: Path, config_dir: Path = CONFIG_DIR) -> str:
    """README text with the generated rule table between its markers (for `make docs` and the sync test)."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(README_START), text.index(README_END) + len(README_END)
    return text[:start] + readme_rules_table(config_dir) + text[end:]
