"""Who is told about an alert, how and when (pure: no Pulumi).

One notification policy (`arms.DispatchRule`) per severity, matched on the alert rules' `severity`
label. Its channels come from the stack config's `routing.routes`; its recipients are whatever is
configured for those channels: the on-call contact group (every contact) for `sms` and `email`, the
DingTalk robot for `dingTalk`, the generic webhooks for `webhook`.
"""

from __future__ import annotations

from dataclasses import dataclass

from components.observability.settings import SEVERITIES, ObservabilitySettings, Severity, channel_targets

ALL_DAY = ("00:00", "23:59")

#: The contact group every configured person is in; SMS and e-mail go to it, and ARMS delivers each
#: channel to the members that have that address.
ONCALL_GROUP = "oncall"
#: ARMS notify-object types by recipient kind. A generic webhook is an ARMS contact of the webhook kind.
NOTIFY_TYPES = {"group": "ARMS_CONTACT_GROUP", "robot": "ARMS_ROBOT", "webhook": "ARMS_CONTACT"}
_KIND = {"sms": "group", "email": "group", "dingTalk": "robot", "webhook": "webhook"}


@dataclass(frozen=True)
class Recipient:
    """Something a notification is delivered to."""

    kind: str
    """`group` (the on-call contact group), `robot` or `webhook`."""
    name: str
    """Its key in the stack config."""


@dataclass(frozen=True)
class Route:
    """The notification policy of one severity."""

    severity: Severity
    channels: tuple[str, ...]
    recipients: tuple[Recipient, ...]
    start: str
    end: str

    @property
    def always(self) -> bool:
        return (self.start, self.end) == ALL_DAY


def routes(s: ObservabilitySettings) -> list[Route]:
    """The route of every severity, in severity order; recipients deduplicated, in config order."""
    targets = channel_targets(s)
    r = s.routing
    out = []
    for severity in SEVERITIES:
        route = r.routes[severity]
        recipients: list[Recipient] = []
        for channel in route.channels:
            names = targets[channel]
            if _KIND[channel] == "group":
                names = [ONCALL_GROUP] if names else []
            for name in names:
                rec = Recipient(_KIND[channel], name)
                if rec not in recipients:
                    recipients.append(rec)
        start, end = ALL_DAY if route.hours == "always" else (r.working_hours_start, r.working_hours_end)
        out.append(Route(severity, tuple(route.channels), tuple(recipients), start, end))
    return out


def unrouted_severities(s: ObservabilitySettings) -> list[str]:
    """Severities whose route reaches nobody (the settings model rejects these; kept for tests/coverage)."""
    return [r.severity for r in routes(s) if not r.recipients]
