"""Hold every resource of a plan (format v1) against what its provider and API accept.

Four sources of rules, one report:
* ``provider``: the bridged provider's own plan-time checks, generated from the upstream Go source into
  ``provider_rules.json`` (enum sets, ranges, lengths, patterns, ConflictsWith / ExactlyOneOf / AtLeastOneOf /
  RequiredWith, MaxItems / MinItems, required inputs, and the inputs and value types pulumi_alicloud knows);
* ``api``: hand-written rules the provider does not check but the API's docs or SDK models state
  (``api_rules.py``), each citing its source;
* ``openapi``: the requests the project's dynamic resources would send, built by their own provider code
  offline, against the official SDK request models (unknown parameters, documented value sets, required);
* ``crd``: Kubernetes custom resources against their CRD schemas (``livecommerce.k8s_validate``);
* ``kubernetes``: built-in Kubernetes objects against the API server's strict schemas for the cluster's version.

A value that is unknown at preview (``[unknown]``) or secret (``[secret]``) is never judged: it counts as
present for presence rules and is skipped by value rules. One pass over the resources, each rule looked up
by type: linear in the plan.
"""

from __future__ import annotations

import difflib
import importlib
import ipaddress
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from livecommerce.contracts import types
from livecommerce.plan import SECRET

DATA_PATH = Path(__file__).with_name("provider_rules.json")
REPORT_FORMAT = "livecommerce.contracts/v1"
UNKNOWN = "[unknown]"
_MISSING = object()
FAMILIES = ("provider", "api", "openapi", "crd", "kubernetes")


@dataclass(frozen=True)
class Violation:
    """One input the provider or API would refuse."""

    resource: str
    type: str
    path: str
    value: str
    accepts: str
    source: str
    rule: str  # rule kind: enum, range, required, conflicts_with, unknown_property, type, api:<id>, ...
    family: str  # provider | api | openapi | crd
    urn: str = ""

    def line(self) -> str:
        """``<resource> (<type>) <path> = <our value>: <what is accepted> [<source>]``."""
        return f"{self.resource} ({self.type}) {self.path} = {self.value}: {self.accepts} [{self.source}]"


@dataclass
class ContractReport:
    """What ``check_plan`` found, and against which versions."""

    violations: list[Violation] = field(default_factory=list)
    resources: int = 0  # resources held against at least one contract
    upstream: str = ""
    bridged: str = ""

    @property
    def passed(self) -> bool:
        return not self.violations

    def lines(self) -> list[str]:
        return [v.line() for v in self.violations]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "passed": self.passed,
            "resources": self.resources,
            "upstream": self.upstream,
            "bridged": self.bridged,
            "violations": [asdict(v) for v in self.violations],
        }


@cache
def load_data(path: Path = DATA_PATH) -> dict[str, Any]:
    """The generated provider contract data (read once per process)."""
    return json.loads(path.read_text(encoding="utf-8"))


def show(value: Any) -> str:
    """Our value, one short line (the plan already carries secrets as "[secret]")."""
    if value is _MISSING or value is None:
        return "(not set)"
    text = value if value in (UNKNOWN, SECRET) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= 80 else text[:77] + "..."


def _placeholder(value: Any) -> bool:
    return value in (UNKNOWN, SECRET) if isinstance(value, str) else False


def _present(value: Any) -> bool:
    return value is not _MISSING and value is not None and value != [] and value != {}


# --------------------------------------------------------------------------------------------------
# Paths: "addons[].name" over plan inputs


def segments(path: str) -> list[str]:
    out = []
    for part in path.split("."):
        while part.endswith("[]"):
            part = part[:-2]
            out.append(part) if part else None
            out.append("[]")
            part = ""
        if part:
            out.append(part)
    return out


def resolve(inputs: Mapping[str, Any], path: str) -> Iterator[tuple[str, Any]]:
    """Every (concrete path, value) the rule path reaches; a missing leaf under a present parent yields
    ``_MISSING``; a missing or unknown parent yields nothing (nothing to judge)."""
    segs = segments(path)
    nodes: list[tuple[str, Any]] = [("", inputs)]
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        nxt: list[tuple[str, Any]] = []
        for where, node in nodes:
            if seg == "[]":
                if isinstance(node, list):
                    nxt += [(f"{where}[{j}]", item) for j, item in enumerate(node)]
            elif isinstance(node, dict):
                value = node.get(seg, _MISSING)
                if value is _MISSING and not last:
                    continue
                if not last and (value is None or _placeholder(value)):
                    continue
                nxt.append((f"{where}.{seg}" if where else seg, value))
        nodes = nxt
    return iter(nodes)


def _value_at(inputs: Mapping[str, Any], path: str) -> Any:
    found = [v for _, v in resolve(inputs, path) if _present(v)]
    return found[0] if found else _MISSING


# --------------------------------------------------------------------------------------------------
# Provider rules


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    return None


def _describe(rule: Mapping[str, Any]) -> str:
    kind = rule["kind"]
    if kind == "enum":
        values = ", ".join(json.dumps(v) if isinstance(v, str) else str(v) for v in rule["values"])
        return f"one of {values}" + (" (any case)" if rule.get("ignoreCase") else "")
    if kind in ("range", "length"):
        unit = "" if kind == "range" else " characters"
        lo, hi = rule.get("min"), rule.get("max")
        what = "an integer" if kind == "range" else "a length"
        if lo is not None and hi is not None:
            body = f"{what} from {lo} to {hi}{unit}"
        elif lo is not None:
            body = f"{what} of at least {lo}{unit}"
        else:
            body = f"{what} of at most {hi}{unit}"
        return ('"" or a decimal string of ' + body) if rule.get("nullable") else body
    if kind == "pattern":
        message = rule.get("message", "")
        message = message if len(message) <= 100 else message[:99] + "…"
        return f"a value matching {rule['pattern']}" + (f" ({message})" if message else "")
    if kind == "not_pattern":
        return f"a value not matching {rule['pattern']}"
    if kind == "json":
        return "a JSON document"
    if kind == "cidr":
        bits = f" with a prefix from /{rule['min']} to /{rule['max']}" if "min" in rule else ""
        return f"a network CIDR block (its own network address){bits}"
    if kind == "ip":
        return "an IP address"
    if kind == "not_empty":
        return "a non-empty value"
    if kind == "required":
        return "required"
    if kind == "max_items":
        return f"at most {rule['max']} item(s)"
    if kind == "min_items":
        return f"at least {rule['min']} item(s)"
    others = ", ".join(rule.get("others", []))
    if kind == "conflicts_with":
        return f"not together with {others}"
    if kind == "exactly_one_of":
        return f"exactly one of {others}"
    if kind == "at_least_one_of":
        return f"at least one of {others}"
    if kind == "required_with":
        return f"set together with {others}"
    return kind


def _value_ok(rule: Mapping[str, Any], value: Any) -> bool:
    kind = rule["kind"]
    if kind == "enum":
        values = rule["values"]
        if isinstance(value, bool):
            return value in [v for v in values if isinstance(v, bool)] or str(value).lower() in values
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            return value in values or str(value) in values  # the bridge turns numbers into strings for strings
        if isinstance(value, str):
            if rule.get("ignoreCase"):
                return value.lower() in {str(v).lower() for v in values}
            return value in values or (re.fullmatch(r"-?\d+", value) is not None and int(value) in values)
        return True
    if kind == "range":
        if rule.get("nullable"):
            if not isinstance(value, str):
                return True  # the type check speaks about non-strings
            if value == "":
                return True
            if not re.fullmatch(r"-?[1-9]\d*|0", value):
                return False
            value = int(value)
        number = _number(value)
        if number is None:
            return True
        return (rule.get("min") is None or number >= rule["min"]) and (rule.get("max") is None or number <= rule["max"])
    if not isinstance(value, str):
        return True  # string rules on non-strings: the type check reports it
    if kind == "length":
        return (rule.get("min") is None or len(value) >= rule["min"]) and (
            rule.get("max") is None or len(value) <= rule["max"])
    if kind == "pattern":
        return re.search(rule["pattern"], value) is not None  # Go's MatchString: a match anywhere
    if kind == "not_pattern":
        return re.search(rule["pattern"], value) is None
    if kind == "json":
        try:
            json.loads(value)
        except ValueError:
            return False
        return True
    if kind == "cidr":
        try:
            net = ipaddress.ip_network(value, strict=True)
        except ValueError:
            return False
        if str(net) != value:
            return False
        return "min" not in rule or rule["min"] <= net.prefixlen <= rule["max"]
    if kind == "ip":
        try:
            ipaddress.ip_address(value)
        except ValueError:
            return False
        return True
    if kind == "not_empty":
        return value != ""
    return True


def provider_violations(res: Mapping[str, Any], entry: Mapping[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(path, value, accepts, source, rule) for one resource against its generated entry."""
    inputs = res.get("inputs") or {}
    file = entry["file"]
    out: list[tuple[str, str, str, str, str]] = []
    out += _schema_violations(inputs, entry["schema"], "", entry)
    seen_groups: set[tuple[str, frozenset[str]]] = set()
    for rule in entry["rules"]:
        kind = rule["kind"]
        src = rule["src"]
        if kind == "required":
            for where, value in resolve(inputs, rule["path"]):
                if not _present(value):
                    out.append((where, show(value), "required", src, kind))
            continue
        if kind in ("max_items", "min_items"):
            for where, value in resolve(inputs, rule["path"]):
                if isinstance(value, list):
                    count = len(value)
                    if (kind == "max_items" and count > rule["max"]) or (kind == "min_items" and count < rule["min"]):
                        out.append((where, f"{count} item(s)", _describe(rule), src, kind))
            continue
        if kind in ("conflicts_with", "exactly_one_of", "at_least_one_of", "required_with"):
            out += _cross(inputs, rule, seen_groups)
            continue
        for where, value in resolve(inputs, rule["path"]):
            if not _present(value) or _placeholder(value):
                continue
            if not _value_ok(rule, value):
                out.append((where, show(value), _describe(rule), src, kind))
    del file
    return out


def _cross(inputs: Mapping[str, Any], rule: Mapping[str, Any], seen: set) -> list[tuple[str, str, str, str, str]]:
    kind, path, others = rule["kind"], rule["path"], rule["others"]
    here = _value_at(inputs, path)
    present = {o: _present(_value_at(inputs, o)) for o in others}
    if kind == "conflicts_with":
        hits = [o for o in others if present[o] and o != path]
        out = []
        for other in hits:
            key = (kind, frozenset((path, other)))
            if _present(here) and key not in seen:
                seen.add(key)
                out.append((path, show(here), f"not together with {other} (set to {show(_value_at(inputs, other))})",
                            rule["src"], kind))
        return out
    group = (kind, frozenset(others) | {path})
    if group in seen:
        return []
    if kind == "exactly_one_of":
        count = sum(present.values())
        if count != 1:
            seen.add(group)
            setted = [o for o in others if present[o]]
            value = ", ".join(setted) + " set" if setted else "none set"
            return [(path, value, _describe(rule), rule["src"], kind)]
    elif kind == "at_least_one_of":
        if not any(present.values()) and not _present(here):
            seen.add(group)
            return [(path, "none set", _describe(rule), rule["src"], kind)]
    elif kind == "required_with" and _present(here):
        missing = [o for o in others if not present[o] and o != path]
        if missing:
            seen.add(group)
            return [(path, show(here), f"set together with {', '.join(missing)} (not set)", rule["src"], kind)]
    return []


_KIND_WORDS = {"string": "a string", "int": "an integer", "number": "a number", "bool": "true or false",
               "map": "a map of strings", "any": "any value"}


def _schema_violations(value: Any, schema: Any, path: str, entry: Mapping[str, Any]) -> list[tuple]:
    """Unknown inputs and values of the wrong shape, walking the plan value along the wire schema."""
    src = entry["pulumi"]
    if _placeholder(value) or value is None:
        return []
    out: list[tuple] = []
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            return [(path or "(inputs)", show(value), "an object", src, "type")]
        for key, sub in value.items():
            where = f"{path}.{key}" if path else key
            if key.startswith("__"):
                continue
            if key not in schema:
                near = difflib.get_close_matches(key, list(schema), n=1)
                hint = f"; did you mean {near[0]}?" if near else ""
                out.append((where, show(sub), f"no such input in pulumi_alicloud{hint}", src, "unknown_property"))
                continue
            out += _schema_violations(sub, schema[key], where, entry)
        return out
    if isinstance(schema, list):
        if not isinstance(value, list):
            return [(path, show(value), "a list", src, "type")]
        for i, item in enumerate(value):
            out += _schema_violations(item, schema[0], f"{path}[{i}]", entry)
        return out
    ok = True
    if schema == "string":
        ok = not isinstance(value, dict | list)
    elif schema == "int":
        if isinstance(value, bool) or isinstance(value, dict | list):
            ok = False
        elif isinstance(value, float):
            ok = value.is_integer()
        elif isinstance(value, str):
            ok = re.fullmatch(r"-?\d+", value) is not None
    elif schema == "number":
        if isinstance(value, bool) or isinstance(value, dict | list):
            ok = False
        elif isinstance(value, str):
            try:
                float(value)
            except ValueError:
                ok = False
    elif schema == "bool":
        ok = isinstance(value, bool) or (isinstance(value, str) and value in ("true", "false"))
    elif schema == "map":
        ok = isinstance(value, dict)
    if not ok:
        out.append((path, show(value), _KIND_WORDS.get(schema, schema), src, "type"))
    return out


# --------------------------------------------------------------------------------------------------
# Kubernetes custom resources


def crd_violations(res: Mapping[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """The custom resource against its CRD schema; an error about an unknown or secret value is no error."""
    from livecommerce import k8s_validate

    inputs = res.get("inputs") or {}
    obj = {k: v for k, v in inputs.items() if k in ("apiVersion", "kind", "metadata", "spec")}
    if any(_placeholder(obj.get(k)) for k in ("apiVersion", "kind", "spec")):
        return []
    where = k8s_validate.CRD_SCHEMAS.get((obj.get("apiVersion"), obj.get("kind")))  # type: ignore[arg-type]
    if where is None:
        return [("apiVersion", show(obj.get("apiVersion")), f"a custom resource with a CRD schema; {obj.get('kind')} "
                 "has none in livecommerce.k8s_validate.CRD_SCHEMAS", "livecommerce/k8s_validate.py", "crd")]
    package, filename = where
    src = f"{package.replace('.', '/')}/schemas/{filename}"
    out = []
    errors = sorted(k8s_validate._crd_validator(package, filename).iter_errors(obj),
                    key=lambda e: list(map(str, e.path)))
    for error in errors:
        if _contains_placeholder(error.instance):
            continue
        where = ".".join(str(p) for p in error.absolute_path) or "(root)"
        out.append((where, show(error.instance) if where != "(root)" else "(object)", error.message, src, "crd"))
    if not errors and obj.get("kind") == "CronHorizontalPodAutoscaler" and not _contains_placeholder(obj):
        for problem in k8s_validate._cronhpa_semantics(obj):
            where, _, message = problem.partition(": ")
            out.append((where, show(_value_at(obj, re.sub(r"\.(\d+)", r"[\1]", where))), message, src, "crd"))
    return out


def _builtin_kind(token: str) -> bool:
    """A built-in Kubernetes kind (core, apps, ..., *.k8s.io), as opposed to a custom resource."""
    if not token.startswith("kubernetes:") or token in types.CUSTOM_RESOURCES:
        return False
    group = token.split(":")[1].rsplit("/", 1)[0]
    return "." not in group or group.endswith(".k8s.io")


def cluster_version(resources: list[Mapping[str, Any]]) -> str:
    """The Kubernetes version the plan's objects are held against: the ACK cluster's `version` when the plan
    sends one, else the configured default (sent only without an auto-upgrade channel)."""
    for r in resources:
        version = (r.get("inputs") or {}).get("version")
        if r["type"] == "alicloud:cs/managedKubernetes:ManagedKubernetes" and isinstance(version, str) \
                and not _placeholder(version):
            return version
    from components.container_platform.cluster_settings import ClusterSettings

    return str(ClusterSettings.model_fields["kubernetes_version"].default)


def kubernetes_violations(res: Mapping[str, Any], k8s_version: str) -> list[tuple[str, str, str, str, str]]:
    """A built-in object against the API server's own schema for the cluster's version (kubernetes-validate's
    strict schemas: unknown fields are refused too)."""
    from livecommerce import k8s_validate

    inputs = res.get("inputs") or {}
    obj = {k: v for k, v in inputs.items() if not k.startswith("__")}
    api_version, kind = obj.get("apiVersion"), obj.get("kind")
    if not isinstance(api_version, str) or not isinstance(kind, str) or _placeholder(api_version):
        return []
    version = k8s_validate.schema_version(k8s_version)
    validator = k8s_validate._builtin_validator(version, kind, api_version)
    src = f"kubernetes-validate {version} strict schema ({kind}, {api_version})"
    if validator is None:
        return [("apiVersion", show(api_version), f"an API version Kubernetes {version} serves {kind} in",
                 f"kubernetes-validate {version}", "kubernetes")]
    out = []
    for error in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
        if _contains_placeholder(error.instance):
            continue
        where = ".".join(str(p) for p in error.absolute_path) or "(root)"
        value = show(error.instance) if not isinstance(error.instance, dict) else "(object)"
        out.append((where, value, error.message, src, "kubernetes"))
    return out


# --------------------------------------------------------------------------------------------------
# OpenAPI dynamic resources


class _Recorder:
    """Stands in for ``OpenApiProvider.call``: records each request and answers with a plausible body."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, inputs: Mapping[str, Any], action: str, params: Mapping[str, Any]) -> dict[str, Any]:
        from components.openapi.provider import drop_none

        self.calls.append((action, drop_none(params)))
        return {"Success": True, "Data": {"Id": 1, "Pid": "pid-offline", "Endpoint": "", "CdnDomain": ""}}


@cache
def _provider(token: str) -> Any:
    module, attr = types.DYNAMIC_TYPES[token].split(":")
    return getattr(importlib.import_module(module), attr)


def captured_requests(token: str, inputs: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]] | None:
    """The requests the dynamic resource's own provider code would send to create and update it, or None
    when they cannot be built offline (an input unknown at preview)."""
    import copy

    from components.openapi.provider import normalize

    provider = _provider(token)
    clean = {k: normalize(v) for k, v in inputs.items() if not k.startswith("__")}
    if any(_placeholder(v) and k in getattr(provider, "replace_fields", ()) for k, v in clean.items()):
        return None
    recorder = _Recorder()
    probe = copy.copy(provider)
    probe.call = recorder  # an attribute on the copy only: the shipped provider object stays plain
    try:
        probe.create_remote(clean)
        probe.update_remote("1", clean)
    except Exception:  # noqa: BLE001 (offline inputs the code cannot use, e.g. "[unknown]" where an int goes)
        return None
    return recorder.calls


def _contains_placeholder(value: Any) -> bool:
    if isinstance(value, str):
        return _placeholder(value)
    if isinstance(value, dict):
        return any(_contains_placeholder(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_placeholder(v) for v in value)
    return False


def unknown_in(params: Any, schema: Any, path: str = "") -> list[tuple[str, Any]]:
    """(path, value) of every wire name in ``params`` the request schema tree does not have."""
    out: list[tuple[str, Any]] = []
    if isinstance(params, Mapping) and isinstance(schema, dict):
        for key, value in params.items():
            where = f"{path}.{key}" if path else key
            if key not in schema:
                out.append((where, value))
            else:
                out += unknown_in(value, schema[key], where)
    elif isinstance(params, list) and isinstance(schema, list):
        for i, item in enumerate(params):
            out += unknown_in(item, schema[0], f"{path}[{i}]")
    return out


def openapi_violations(res: Mapping[str, Any], data: Mapping[str, Any]) -> list[tuple[str, str, str, str, str]]:
    token = res["type"]
    provider = _provider(token)
    package = provider.product.sdk_package
    calls = captured_requests(token, res.get("inputs") or {})
    if calls is None:
        return []
    actions = data.get("openapi", {})
    out: list[tuple[str, str, str, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for action, params in calls:
        entry = actions.get(f"{package}:{action}")
        if entry is None:
            out.append((action, "(action)", f"an action the contract data knows for {package}; run make contracts",
                        "livecommerce/contracts/provider_rules.json", "openapi:action"))
            continue
        for where, value in unknown_in(params, entry["schema"]):
            if (action, where) not in seen:
                seen.add((action, where))
                out.append((f"{action}.{where}", show(value),
                            f"no such parameter in {action}Request; the SDK drops it unsent", entry["model"],
                            "openapi:unknown_parameter"))
        for rule in entry["rules"]:
            for where, value in resolve(params, rule["path"]):
                key = (action, where)
                if key in seen:
                    continue
                if rule["kind"] == "required":
                    if not _present(value) and action.startswith(("Create", "Add")):
                        seen.add(key)
                        out.append((f"{action}.{where}", show(value), "required", rule["src"], "openapi:required"))
                elif _present(value) and not _contains_placeholder(value) and not _value_ok(rule, value):
                    seen.add(key)
                    out.append((f"{action}.{where}", show(value), _describe(rule), rule["src"], "openapi:enum"))
    return out


# --------------------------------------------------------------------------------------------------
# The whole plan


def check_plan(plan: Mapping[str, Any], data: Mapping[str, Any] | None = None) -> ContractReport:
    """Every contract violation of the plan's resources, in plan order (resources are sorted by URN)."""
    from livecommerce.contracts import api_rules

    data = data if data is not None else load_data()
    report = ContractReport(
        upstream=f"{data['upstream']['repository']}@{data['upstream']['describe'] or data['upstream']['commit'][:9]}",
        bridged=data["bridged"]["note"],
    )
    resources = [r for r in plan.get("resources", []) if r.get("custom") and not str(r["type"]).startswith("pulumi:")]
    index = api_rules.PlanIndex(resources)
    known = data["resources"]
    k8s_version = cluster_version(resources) if any(_builtin_kind(r["type"]) for r in resources) else ""
    for res in resources:
        token = res["type"]
        found: list[tuple[str, str, str, str, str, str]] = []
        checked = False
        entry = known.get(token)
        if entry is not None:
            checked = True
            found += [(*v, "provider") for v in provider_violations(res, entry)]
        if token in types.CUSTOM_RESOURCES:
            checked = True
            found += [(*v, "crd") for v in crd_violations(res)]
        elif _builtin_kind(token):
            checked = True
            found += [(*v, "kubernetes") for v in kubernetes_violations(res, k8s_version)]
        if token in types.DYNAMIC_TYPES:
            checked = True
            found += [(*v, "openapi") for v in openapi_violations(res, data)]
        hand = api_rules.violations(res, index)
        if hand or api_rules.covers(token):
            checked = True
        found += [(*v, "api") for v in hand]
        report.resources += checked
        for path, value, accepts, source, rule, family in found:
            report.violations.append(Violation(
                resource=str(res.get("name", "")), type=token, path=path, value=value, accepts=accepts,
                source=source, rule=rule, family=family, urn=str(res.get("urn", ""))))
    return report


def render_text(report: ContractReport, console: Any) -> None:
    """The contract section of preview/check: one line per violation, then the versions held against."""
    from rich.markup import escape

    if report.passed:
        console.print(f"[bold]provider contracts[/bold]: [green]passed[/green] — {report.resources} resources "
                      f"held against {escape(report.upstream)}", soft_wrap=True)
        return
    console.print(f"[bold]provider contracts[/bold]: [bold red]{len(report.violations)} violation(s)[/bold red] — "
                  "the provider or its API would refuse these at `pulumi up` "
                  f"({report.resources} resources held against {escape(report.upstream)})", soft_wrap=True)
    for v in report.violations:
        console.print(f"  [red]contract[/red] {escape(v.line())}", soft_wrap=True)
