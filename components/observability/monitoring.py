"""Full-stack monitoring on ARMS: metrics, alert rules, routing to people, synthetic probes, RUM.

* Metrics: an ARMS managed Prometheus instance bound to the ACK cluster (`cluster_type="aliyun-cs"`)
  and, for every registered external cluster, an ARMS environment with its metric agent.
* People and routes: the on-call contacts (phones stay secret), the DingTalk robot, generic webhooks
  (a dynamic resource: the provider has no webhook contact), and one notification policy per
  severity that matches the alert rules' `severity` and `env` labels.
* Alert rules generated from the targets the stack declares (`alert_rules.py`), each routed to the
  policy of its severity.
* Synthetic HTTP probes of the gateway's public endpoints from several cities.
* RUM apps for the H5 and mini-program front ends (dynamic resources on the ARMS OpenAPI); their
  `pid` and endpoint are outputs for the front-end build.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pulumi
import pulumi_alicloud as alicloud

from components.naming import Naming
from components.observability.alert_rules import RegisteredClusterTarget, Target, all_rules, kind_of
from components.observability.routing import NOTIFY_TYPES, ONCALL_GROUP, routes
from components.observability.rum import RumApp, RumAppArgs, WebhookContact, WebhookContactArgs
from components.observability.settings import ObservabilitySettings, Severity

A = alicloud.arms
def _slot(field_name: str) -> str:
    """Stands in for a target field only known as an Output (a function's or queue's name, an instance id)
    while rules are generated."""
    return f"__livecommerce_target_{field_name}__"


_NAME_SLOT = _slot("name")
#: ARMS synthetic task type and monitor category of an HTTP(S) API check (alicloud-api.md §4).
HTTP_TASK_TYPE = 4
NETWORK_CATEGORY = 1


@dataclass(frozen=True, kw_only=True)
class MonitoringArgs:
    """Inputs of the Monitoring component."""

    naming: Naming
    """How the stack names its objects (ARMS shows `livecommerce-<stack>-<key>`; rules label `env: <stack>`)."""
    settings: ObservabilitySettings
    team: str
    """The `team` label (the stack's owner unless settings.team is set)."""
    backlog_severity: Severity = "warning"
    """Severity of work piling up (failed events in a dead-letter queue): what the stack's tier pages for."""
    cluster_id: pulumi.Input[str]
    """The ACK cluster the Prometheus instance is bound to."""
    targets: Sequence[Target]
    """What to watch: the targets the other blocks publish from the names they registered (the cluster and
    registered clusters, each service, the function, the dead-letter queue). Any kind in
    `alert_rules.TARGET_KINDS`: a new kind of target needs no new field here."""
    probe_urls: Mapping[str, str] = field(default_factory=dict)
    """Public URLs to probe by key (used when `settings.synthetics.enabled`)."""
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret values by config key name, for every `SecretRef` of the settings (each an `Output.secret`)."""
    tags: Mapping[str, str] = field(default_factory=dict)


class Monitoring(pulumi.ComponentResource):
    """ARMS Prometheus, alert rules, contacts/robot/webhooks, notification policies, probes and RUM apps."""

    prometheus_id: pulumi.Output[str]
    """The Prometheus instance id (for aliyun-cs, the ACK cluster id)."""
    dispatch_rule_ids: dict[str, pulumi.Output[str]]
    """Notification policy ids by severity."""
    alert_rule_names: list[str]
    """Names of every generated alert rule."""
    rum: dict[str, tuple[pulumi.Output[str], pulumi.Output[str]]]
    """RUM app `(pid, endpoint)` by front-end key (`h5`, `mini-program`)."""

    def __init__(self, name: str, args: MonitoringArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:observability:Monitoring", name, None, opts)
        s = args.settings
        n = args.naming
        stack = n.stack
        child = pulumi.ResourceOptions(parent=self)
        tags = dict(args.tags)

        def secret(key: str) -> pulumi.Output[str]:
            if key not in args.secrets:
                raise ValueError(f"observability: no value passed for secret config key {key}")
            return pulumi.Output.secret(args.secrets[key])

        # ---- metrics ---------------------------------------------------------------------------
        prometheus = A.Prometheus(
            f"{name}-prometheus", cluster_type="aliyun-cs", cluster_id=args.cluster_id,
            grafana_instance_id=s.metrics.grafana_instance_id,
            # `duration` is the storage period; `archive_duration` the archive after it, only 0/60/90/180/365
            # (alibabacloud_arms20190808 CreatePrometheusInstanceRequest; TF docs arms_prometheus.html.markdown:86).
            duration=s.metrics.retention_days, archive_duration=s.metrics.archive_days,
            tags={**tags, "role": "metrics"}, opts=child)
        agents: dict[str, pulumi.Resource] = {}
        registered = [t for t in args.targets if isinstance(t, RegisteredClusterTarget)]
        for ext in registered:
            environment = A.Environment(
                f"{name}-env-{ext.name}", environment_type="CS", environment_sub_type="ExternalKubernetes",
                bind_resource_id=ext.cluster_id, environment_name=n.physical(ext.name), managed_type="agent",
                tags={**tags, "role": "metrics"}, opts=child)
            agents[ext.name] = A.EnvFeature(
                f"{name}-env-{ext.name}-metric-agent", environment_id=environment.environment_id,
                env_feature_name="metric-agent", feature_version=s.metrics.metric_agent_version, opts=child)

        # ---- people ----------------------------------------------------------------------------
        recipients: dict[tuple[str, str], tuple[pulumi.Output[str], str]] = {}
        contacts = [
            A.AlertContact(
                f"{name}-contact-{c.name}", alert_contact_name=n.physical(c.name),
                phone_num=secret(c.phone_secret) if c.phone_secret else None, email=c.email, opts=child)
            for c in s.contacts
        ]
        if contacts:
            group = A.AlertContactGroup(
                f"{name}-{ONCALL_GROUP}", alert_contact_group_name=n.physical(ONCALL_GROUP),
                contact_ids=[c.id for c in contacts], opts=child)
            recipients[("group", ONCALL_GROUP)] = (group.id, n.physical(ONCALL_GROUP))
        if s.dingtalk is not None:
            robot = A.AlertRobot(
                f"{name}-{s.dingtalk.name}", alert_robot_name=n.physical(s.dingtalk.name), robot_type="dingding",
                robot_addr=secret(s.dingtalk.webhook_secret), daily_noc=s.dingtalk.daily_report,
                # CreateOrUpdateIMRobot requires DailyNocTime with DailyNoc=true; the provider's own check for it
                # can never fire (TF resource_alicloud_arms_alert_robot.go:60), so it is always sent here.
                daily_noc_time=",".join(s.dingtalk.daily_report_times) if s.dingtalk.daily_report else None,
                opts=child)
            recipients[("robot", s.dingtalk.name)] = (robot.id, n.physical(s.dingtalk.name))
        for w in s.webhooks:
            hook = WebhookContact(
                f"{name}-webhook-{w.name}",
                WebhookContactArgs(region=n.region, url=secret(w.url_secret), method=w.method,
                                   name=n.physical(w.name)), opts=child)
            recipients[("webhook", w.name)] = (hook.id, n.physical(w.name))

        # ---- routes ----------------------------------------------------------------------------
        r = s.routing
        dispatch: dict[str, A.DispatchRule] = {}
        for route in routes(s):
            objects = []
            for rec in route.recipients:
                object_id, object_name = recipients[(rec.kind, rec.name)]
                objects.append(A.DispatchRuleNotifyRuleNotifyObjectArgs(
                    notify_object_id=object_id, notify_type=NOTIFY_TYPES[rec.kind], name=object_name))
            dispatch[route.severity] = A.DispatchRule(
                f"{name}-route-{route.severity}", dispatch_rule_name=n.physical(route.severity),
                dispatch_type="CREATE_ALERT", is_recover=True,
                group_rules=[A.DispatchRuleGroupRuleArgs(
                    group_wait_time=r.group_wait_seconds, group_interval=r.group_interval_seconds,
                    repeat_interval=r.repeat_interval_seconds, grouping_fields=list(r.grouping_fields))],
                # `env` too: stacks sharing an ARMS account must never page each other's people.
                label_match_expression_grids=[A.DispatchRuleLabelMatchExpressionGridArgs(
                    label_match_expression_groups=[
                        A.DispatchRuleLabelMatchExpressionGridLabelMatchExpressionGroupArgs(
                            label_match_expressions=[
                                A.DispatchRuleLabelMatchExpressionGridLabelMatchExpressionGroupLabelMatchExpressionArgs(
                                    key=key, operator="eq", value=value)
                                for key, value in (("severity", route.severity), ("env", stack))
                            ])])],
                notify_rules=[A.DispatchRuleNotifyRuleArgs(
                    notify_channels=list(route.channels), notify_start_time=route.start,
                    notify_end_time=route.end, notify_objects=objects)],
                opts=child)

        # ---- alert rules -----------------------------------------------------------------------
        # A function's or queue's name, or a data instance's id, comes from its component as an Output: rules
        # are generated with a slot per such field that the resolved value fills in (the set of rules and
        # their resource names never depend on it).
        late_values: dict[tuple[str, str], dict[str, pulumi.Input[str]]] = {}
        targets: list[Target] = []
        for t in args.targets:
            late = {f.name: getattr(t, f.name) for f in dataclasses.fields(t)  # type: ignore[arg-type]
                    if isinstance(getattr(t, f.name), pulumi.Output)}
            if not late:
                targets.append(t)
                continue
            late_values[(kind_of(t).name, t.key)] = {_slot(k): v for k, v in late.items()}
            targets.append(replace(t, **{k: _slot(k) for k in late}))  # type: ignore[type-var]
        generated = all_rules(targets, s.thresholds, stack=stack, team=args.team,
                              runbook_base_url=s.runbook_base_url, backlog_severity=args.backlog_severity)

        def fill(rule_target: str, kind: str, text: str) -> pulumi.Input[str]:
            late = late_values.get((kind, rule_target))
            if not late or not any(slot in text for slot in late):
                return text
            slots = list(late)

            def put(values: list[str]) -> str:
                out = text
                for slot, value in zip(slots, values, strict=True):
                    out = out.replace(slot, value)
                return out
            return pulumi.Output.all(*(late[k] for k in slots)).apply(put)
        registered_ids = {t.name: t for t in registered}
        for rule in generated:
            ext = registered_ids.get(rule.target) if rule.kind == "registered-cluster" else None
            # Registered clusters report into their own environment's Prometheus (the registered-cluster id).
            cluster_id = ext.cluster_id if ext is not None else prometheus.cluster_id
            rule_opts = pulumi.ResourceOptions(parent=self, depends_on=[agents[ext.name]] if ext else [])
            A.PrometheusAlertRule(
                f"{name}-rule-{rule.kind}-{rule.target}-{rule.signal}", cluster_id=cluster_id,
                prometheus_alert_rule_name=rule.name, expression=fill(rule.target, rule.kind, rule.expression),
                duration=str(rule.duration_minutes), message=fill(rule.target, rule.kind, rule.message),
                notify_type="DISPATCH_RULE", dispatch_rule_id=dispatch[rule.severity].id,
                labels=[A.PrometheusAlertRuleLabelArgs(name=k, value=fill(rule.target, rule.kind, v))
                        for k, v in rule.labels.items()],
                annotations=[A.PrometheusAlertRuleAnnotationArgs(name="summary",
                                                                 value=fill(rule.target, rule.kind, rule.message)),
                             A.PrometheusAlertRuleAnnotationArgs(name="runbook_url", value=rule.labels["runbook"])],
                opts=rule_opts)

        # ---- synthetic probes ------------------------------------------------------------------
        syn = s.synthetics
        if syn.enabled:
            for key, url in sorted(args.probe_urls.items()):
                A.SyntheticTask(
                    f"{name}-probe-{key}", synthetic_task_name=n.physical(f"probe-{key}"),
                    task_type=HTTP_TASK_TYPE, monitor_category=NETWORK_CATEGORY, frequency=syn.frequency,
                    monitors=[A.SyntheticTaskMonitorArgs(city_code=loc.city_code, operator_code=loc.operator_code,
                                                         client_type=loc.client_type) for loc in syn.locations],
                    monitor_conf=A.SyntheticTaskMonitorConfArgs(api_http=A.SyntheticTaskMonitorConfApiHttpArgs(
                        target_url=url, method="GET", connect_timeout=5000,
                        timeout=max(syn.max_latency_ms * 2, 5000))),
                    available_assertions=[
                        A.SyntheticTaskAvailableAssertionArgs(type="HttpResCode", operator="eq",
                                                              expect=str(syn.expect_status)),
                        A.SyntheticTaskAvailableAssertionArgs(type="HttpResponseTime", operator="lt",
                                                              expect=str(syn.max_latency_ms)),
                    ],
                    status="RUNNING", tags={**tags, "role": "synthetics"}, opts=child)

        # ---- front-end RUM ---------------------------------------------------------------------
        self.rum = {}
        for app in s.rum:
            rum_app = RumApp(f"{name}-rum-{app.name}", RumAppArgs(
                region=n.region, site_type=app.site_type, name=n.physical(app.name),
                description=app.description, tags={**tags, "role": "rum"}), opts=child)
            self.rum[app.name] = (rum_app.pid, rum_app.endpoint)

        self.prometheus_id = prometheus.cluster_id
        self.dispatch_rule_ids = {sev: d.id for sev, d in dispatch.items()}
        self.alert_rule_names = [r.name for r in generated]
        self.register_outputs({"prometheus_id": self.prometheus_id, "dispatch_rule_ids": self.dispatch_rule_ids,
                               "rum": {k: {"pid": p, "endpoint": e} for k, (p, e) in self.rum.items()}})
