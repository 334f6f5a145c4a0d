"""The full-stack observability block: the stack's SLS project (application, function, control-plane and
audit logs) and ARMS (managed Prometheus, generated alert rules routed to people, synthetic probes, RUM).

Two steps, because everything else sits in between: the log project comes first (the cluster's control
plane and the transcoder log into it), and the monitoring last, because it watches what the other blocks
built. It generates nothing from settings of its own: the blocks publish their alert targets from the
names they really registered (`ContainerPlatform.alert_targets`, `Workloads.alert_targets`,
`Media.alert_targets`, ...) and `watch` turns them into rules.

Before issue 17 both parts hung directly under the stack; each ships an alias to that old parent.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi

from components.naming import Naming
from components.observability.alert_rules import Target
from components.observability.logs import LogProject, LogProjectArgs
from components.observability.monitoring import Monitoring, MonitoringArgs
from components.observability.settings import ObservabilitySettings, Severity

#: The parts were children of the stack before they became this block's (identity kept by alias).
WAS_AT_THE_STACK = pulumi.ResourceOptions(aliases=[pulumi.Alias(parent=pulumi.ROOT_STACK_RESOURCE)])


@dataclass(frozen=True, kw_only=True)
class ObservabilityArgs:
    """Inputs of the Observability block."""

    naming: Naming
    """How the stack names its objects."""
    settings: ObservabilitySettings
    """`livecommerce:platform.observability`."""
    tags: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class WatchArgs:
    """What `Observability.watch` needs: the targets the other blocks publish, and the people's secrets."""

    cluster_id: pulumi.Input[str]
    """The ACK cluster the Prometheus instance is bound to."""
    targets: Sequence[Target]
    """Every alert target the blocks publish."""
    team: str
    """The `team` label of every rule."""
    backlog_severity: Severity = "warning"
    """What the tier pages for work piling up (stacks/tiers.py)."""
    probe_urls: Mapping[str, str] = field(default_factory=dict)
    """Public URLs to probe by key (the workloads' entries)."""
    secrets: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    """Secret values by config key name, for every `SecretRef` of the settings."""


class Observability(pulumi.ComponentResource):
    """SLS logs; then ARMS metrics, alert rules, routing, probes and RUM once `watch` is called."""

    logs: LogProject
    log_project: pulumi.Output[str]
    """The SLS project (for the cluster's control-plane and audit logs and the function's logs)."""
    logstores: dict[str, pulumi.Output[str]]
    """Logstore names by key (`application`, `transcoder`)."""
    monitoring: Monitoring | None
    """ARMS, after `watch`."""

    def __init__(self, name: str, args: ObservabilityArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livecommerce:observability:Observability", name, None, opts)
        self._name, self._args = name, args
        self.logs = LogProject(f"{name}-logs", LogProjectArgs(
            naming=args.naming, settings=args.settings.logs, tags=args.tags), opts=self._part())
        self.log_project = self.logs.project_name
        self.logstores = self.logs.logstores
        self.monitoring = None
        self.register_outputs({"log_project": self.log_project, "logstores": self.logstores})

    def _part(self) -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions.merge(pulumi.ResourceOptions(parent=self), WAS_AT_THE_STACK)

    def watch(self, args: WatchArgs) -> Monitoring:
        """ARMS Prometheus on the cluster, rules for every target, routes to people, probes, RUM apps."""
        if self.monitoring is not None:
            raise ValueError("Observability.watch: call it once")
        a = self._args
        self.monitoring = Monitoring(f"{self._name}-observability", MonitoringArgs(
            naming=a.naming, settings=a.settings, team=args.team, backlog_severity=args.backlog_severity,
            cluster_id=args.cluster_id, targets=list(args.targets), probe_urls=args.probe_urls,
            secrets=args.secrets, tags=a.tags), opts=self._part())
        return self.monitoring
