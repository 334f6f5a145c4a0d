"""Observability coverage of a plan: which targets have which alert signals, and whether each reaches
a person. Computed from the plan alone (pure), so it works on any plan file, including one from CI.

Targets
* every kind of `alert_rules.TARGET_KINDS` with a `plan_resource`: each resource of that type, named by
  that input: ACK clusters (`cs.ManagedKubernetes`, `name`), functions (`fc.V3Function`,
  `functionName`), queues (`message.ServiceQueue`, `queueName`);
* registered external clusters: the literal cluster ids the plan installs addons into, attaches to a
  fleet, or binds an ARMS environment to;
* services: Kubernetes Deployments grouped by their `app.kubernetes.io/name` label.

Signals are `arms.PrometheusAlertRule`s whose labels name the target (the kind's label: `cluster`
[+ `cluster_id`], `service`, `function`, `queue`) with a `signal` label. A signal is routed when a notification policy
(`arms.DispatchRule`) whose label matchers accept the rule's labels notifies at least one contact,
contact group, robot or webhook. Gaps: a target without rules, a signal of its kind's catalogue
without a rule, a rule whose severity reaches nobody.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from rich.console import Console
from rich.table import Table

from components.observability.alert_rules import TARGET_KINDS, expected_signals

ADDON = "alicloud:cs/kubernetesAddon:KubernetesAddon"
MEMBERSHIP = "alicloud:ackone/membershipAttachment:MembershipAttachment"
ENVIRONMENT = "alicloud:arms/environment:Environment"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
ALERT_RULE = "alicloud:arms/prometheusAlertRule:PrometheusAlertRule"
DISPATCH_RULE = "alicloud:arms/dispatchRule:DispatchRule"
RECIPIENT_TYPES = {
    "alicloud:arms/alertContact:AlertContact",
    "alicloud:arms/alertContactGroup:AlertContactGroup",
    "alicloud:arms/alertRobot:AlertRobot",
    "pulumi-python:dynamic/arms:WebhookContact",
}
APP_LABEL = "app.kubernetes.io/name"


def _of(plan: Mapping[str, Any], token: str) -> list[dict[str, Any]]:
    return [r for r in plan.get("resources", []) if r.get("type") == token]


def _literal(res: Mapping[str, Any], key: str) -> str | None:
    """An input that is a plain string not computed from another resource (e.g. a configured id)."""
    value = (res.get("inputs") or {}).get(key)
    if not isinstance(value, str) or value.startswith("["):
        return None
    if (res.get("propertyDependencies") or {}).get(key):
        return None
    return value


# Plans also come from files (`report --plan-dir`): a hand-edited input of the wrong shape is skipped, not a crash.
def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in _list(value) if isinstance(v, Mapping)]


def _labels(rule: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for item in _list((rule.get("inputs") or {}).get("labels")):
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            out[item["name"]] = str(item.get("value"))
    return out


def _routes(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every notification policy: its matchers, channels, recipients, hours, and whether it reaches anyone."""
    urns = {r["urn"]: r for r in plan.get("resources", [])}
    out = []
    for rule in _of(plan, DISPATCH_RULE):
        inputs = rule.get("inputs") or {}
        groups = []
        for grid in _dicts(inputs.get("labelMatchExpressionGrids")):
            for group in _dicts(grid.get("labelMatchExpressionGroups")):
                groups.append([(e.get("key"), e.get("operator", "eq"), e.get("value"))
                               for e in _dicts(group.get("labelMatchExpressions"))])
        notify = []
        for nr in _dicts(inputs.get("notifyRules")):
            objects = [o.get("name") for o in _dicts(nr.get("notifyObjects"))]
            notify.append({"channels": [str(c) for c in _list(nr.get("notifyChannels"))], "recipients": objects,
                           "hours": f"{nr.get('notifyStartTime', '?')}-{nr.get('notifyEndTime', '?')}"})
        deps = (rule.get("propertyDependencies") or {}).get("notifyRules")
        if deps is not None:
            # Recipients must be real contacts/robots/webhooks of this plan, not ids typed in by hand.
            reaches = any(urns.get(u, {}).get("type") in RECIPIENT_TYPES for u in deps)
        else:
            reaches = any(n["recipients"] and n["channels"] for n in notify)
        reaches = reaches and inputs.get("dispatchType", "CREATE_ALERT") != "DISCARD_ALERT"
        out.append({"name": rule.get("name"), "matchers": groups, "notify": notify, "reaches_person": reaches})
    return out


def _matches(groups: list[list[tuple[Any, Any, Any]]], labels: Mapping[str, str]) -> bool:
    """Groups are OR-ed, expressions in a group AND-ed (ARMS label-match semantics)."""
    for group in groups:
        ok = bool(group)
        for key, op, value in group:
            have = labels.get(str(key))
            if have is None:
                ok = False
            elif op == "re":
                ok = ok and re.fullmatch(str(value), have) is not None
            else:
                ok = ok and have == str(value)
        if ok:
            return True
    return False


def _route_text(route: Mapping[str, Any]) -> str:
    parts = [f"{'+'.join(n['channels'])} {n['hours']}" for n in route["notify"]]
    return f"{route['name']} ({'; '.join(parts) or 'no notify rule'})"


def _targets(plan: Mapping[str, Any]) -> list[dict[str, Any]]:
    targets: list[dict[str, Any]] = []
    # Kinds whose targets are plain resources of the plan, straight from the target-kind table.
    for kind in TARGET_KINDS.values():
        if kind.plan_resource is None:
            continue
        token, key = kind.plan_resource
        for res in _of(plan, token):
            name = (res.get("inputs") or {}).get(key) or res.get("name")
            targets.append({"kind": kind.name, "name": name, "match": {kind.label: name}})
    registered: set[str] = set()
    for token, key in ((ADDON, "clusterId"), (MEMBERSHIP, "subClusterId"), (ENVIRONMENT, "bindResourceId")):
        for res in _of(plan, token):
            if token == ENVIRONMENT and (res.get("inputs") or {}).get("environmentSubType") != "ExternalKubernetes":
                continue
            value = _literal(res, key)
            if value:
                registered.add(value)
    for cid in sorted(registered):
        targets.append({"kind": "registered-cluster", "name": cid, "match": {"cluster_id": cid}})
    services: dict[str, list[str]] = {}
    for d in _of(plan, DEPLOYMENT):
        metadata = (d.get("inputs") or {}).get("metadata")
        labels = metadata.get("labels") if isinstance(metadata, Mapping) else None
        app = labels.get(APP_LABEL) if isinstance(labels, Mapping) else None
        if isinstance(app, str) and app:
            services.setdefault(app, []).append(d.get("name"))
    for app in sorted(services):
        targets.append({"kind": "service", "name": app, "match": {"service": app}})
    # In the table's order (clusters, services, then functions and queues); stable within a kind.
    order = {name: i for i, name in enumerate(TARGET_KINDS)}
    return sorted(targets, key=lambda t: order.get(t["kind"], len(order)))


def coverage(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The coverage report: per target its signals and their routes, and every gap found."""
    routes = _routes(plan)
    rules = [(r, _labels(r)) for r in _of(plan, ALERT_RULE)]
    report_targets = []
    gaps: list[dict[str, str]] = []
    for target in _targets(plan):
        mine = [(r, lab) for r, lab in rules if all(lab.get(k) == v for k, v in target["match"].items())]
        signals: dict[str, dict[str, Any]] = {}
        for rule, labels in mine:
            signal = labels.get("signal") or (rule.get("inputs") or {}).get("prometheusAlertRuleName") or rule["name"]
            matched = [rt for rt in routes if _matches(rt["matchers"], labels)]
            reaching = [rt for rt in matched if rt["reaches_person"]]
            entry = signals.setdefault(signal, {"severity": labels.get("severity"), "rules": [], "routes": []})
            entry["rules"].append(rule["name"])
            for rt in reaching:
                text = _route_text(rt)
                if text not in entry["routes"]:
                    entry["routes"].append(text)
        kind, name = target["kind"], target["name"]
        if kind == "registered-cluster":
            names = {lab.get("cluster") for _r, lab in mine if lab.get("cluster")}
            if names:
                name = f"{sorted(names)[0]} ({target['name']})"
        expected = _expected(kind)
        missing = [s for s in expected if s not in signals]
        unrouted = sorted(s for s, e in signals.items() if not e["routes"])
        if not signals:
            gaps.append({"kind": kind, "target": name, "problem": "no alert rules"})
        elif missing:
            gaps.append({"kind": kind, "target": name, "problem": f"no rule for {', '.join(missing)}"})
        for s in unrouted:
            gaps.append({"kind": kind, "target": name,
                         "problem": f"{s} ({signals[s]['severity']}) reaches no one: no notification policy "
                                    "matches its labels"})
        report_targets.append({"kind": kind, "name": name, "signals": dict(sorted(signals.items())),
                               "expected": expected, "missing": missing, "unrouted": unrouted})
    return {
        "targets": report_targets,
        "routes": [{"name": r["name"], "notify": r["notify"], "reaches_person": r["reaches_person"]} for r in routes],
        "alert_rules": len(rules),
        "gaps": gaps,
    }


def _expected(kind: str) -> list[str]:
    try:
        return expected_signals(kind)
    except KeyError:
        return []


def _count(items: Iterable[Any]) -> int:
    return sum(1 for _ in items)


def render_text(cov: Mapping[str, Any], console: Console) -> None:
    """The observability summary printed at the end of `livecommerce preview`."""
    table = Table(title="Observability coverage", title_justify="left")
    table.add_column("kind")
    table.add_column("target", overflow="fold")
    table.add_column("signals", justify="right")
    table.add_column("routed", justify="right")
    table.add_column("gaps", overflow="fold")
    for t in cov["targets"]:
        signals = t["signals"]
        routed = _count(s for s in signals.values() if s["routes"])
        problems = [*(f"no {m}" for m in t["missing"]), *(f"{u} unrouted" for u in t["unrouted"])]
        if not signals:
            problems.append("no alert rules")
        table.add_row(
            t["kind"], t["name"], f"{len(signals)}/{len(t['expected']) or len(signals)}",
            f"{routed}/{len(signals)}",
            "[red]" + ", ".join(problems) + "[/red]" if problems else "[green]none[/green]",
        )
    console.print(table)
    for r in cov["routes"]:
        notify = "; ".join(f"{'+'.join(n['channels'])} {n['hours']} -> {', '.join(map(str, n['recipients']))}"
                           for n in r["notify"])
        mark = "" if r["reaches_person"] else " [red](reaches no one)[/red]"
        console.print(f"route {r['name']}: {notify}{mark}")
    if cov["gaps"]:
        console.print(f"[red]{len(cov['gaps'])} observability gap(s):[/red]")
        for g in cov["gaps"]:
            console.print(f"  gap: {g['kind']} {g['target']}: {g['problem']}")
    else:
        console.print(f"[green]observability: no gaps[/green] ({cov['alert_rules']} alert rules)")
