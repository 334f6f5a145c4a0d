"""Builders shared by the observability tests."""

from __future__ import annotations

from typing import Any

import pulumi

from components.naming import naming_for
from components.observability.alert_rules import (
    ClusterTarget,
    FunctionTarget,
    RegisteredClusterTarget,
    ServiceTarget,
)
from components.observability.monitoring import Monitoring, MonitoringArgs
from components.observability.settings import ObservabilitySettings
from livecommerce.engine import SECRET_PLACEHOLDER, record

ALERT_RULE = "alicloud:arms/prometheusAlertRule:PrometheusAlertRule"
DISPATCH = "alicloud:arms/dispatchRule:DispatchRule"
# Distinctive fake secret values: tests search serialized plans for them.
PHONE = "+8613800000042"
DINGTALK_URL = "https://oapi.dingtalk.com/robot/send?access_token=fakeDingTalkToken42"
WEBHOOK_URL = "https://hooks.example.com/fakeWebhookToken77"
SECRETS = {"oncall-phone": PHONE, "dingtalk-webhook": DINGTALK_URL, "bridge-url": WEBHOOK_URL}

PEOPLE: dict[str, Any] = {
    "contacts": [{"name": "oncall", "phone_secret": "oncall-phone", "email": "oncall@example.com"},
                 {"name": "lead", "email": "lead@example.com"}],
    "dingtalk": {"name": "ops", "webhook_secret": "dingtalk-webhook"},
    "webhooks": [{"name": "bridge", "url_secret": "bridge-url"}],
    "synthetics": {"enabled": True, "locations": [{"city_code": "1100101", "operator_code": "1"},
                                                  {"city_code": "3100101", "operator_code": "1"}]},
}

SHOP = ServiceTarget("shop", "trade", "t-shop", ("shop-v1", "shop-v1-1"), "shop-v1", live_facing=True)
ORDER = ServiceTarget("order", "trade", "t-order", ("order-v1",), "order-v1", live_facing=False, cpu_limited=False)
CLUSTER = ClusterTarget("livecommerce-t", {"steady": 6, "system": 3})
IDC = RegisteredClusterTarget("idc", "c" + "a" * 32)
FN = FunctionTarget("transcoder", "livecommerce-t-transcoder", 600)


def settings(**overrides: Any) -> ObservabilitySettings:
    return ObservabilitySettings.model_validate({**PEOPLE, **overrides})


def build(s: ObservabilitySettings | None = None, *, functions=None, secrets=None, **kw: Any) -> dict:
    """A Monitoring component alone under the recording mocks; returns the plan."""
    s = s or settings()

    def program() -> None:
        values = {k: pulumi.Output.secret(v) for k, v in (secrets or SECRETS).items()}
        targets = [CLUSTER, *kw.get("registered", [IDC]), *kw.get("services", [SHOP, ORDER]),
                   *([FN] if functions is None else functions), *kw.get("targets", [])]
        Monitoring("t-obs", MonitoringArgs(
            naming=naming_for("t", "cn-hangzhou"), settings=s, team="live", cluster_id="c" + "1" * 32,
            targets=targets,
            probe_urls=kw.get("probe_urls", {"shop": "https://api.example.com/api/shop/health"}),
            secrets=values, tags={"env": "t", "owner": "team"}))

    return record(program)


def of(plan: dict, token: str) -> list[dict]:
    return [r for r in plan["resources"] if r["type"] == token]


def one(plan: dict, token: str, name: str | None = None) -> dict:
    found = [r for r in of(plan, token) if name is None or r["name"] == name]
    assert len(found) == 1, [r["name"] for r in of(plan, token)]
    return found[0]


def labels(rule: dict) -> dict[str, str]:
    return {item["name"]: item["value"] for item in rule["inputs"]["labels"]}


__all__ = ["SECRET_PLACEHOLDER"]


_PLANS: dict[str, dict] = {}


def stack_plan(env: str) -> dict:
    """The shipped stack's plan, computed once per test session (treat as read-only; deepcopy to mutate)."""
    from livecommerce.engine import run_preview

    if env not in _PLANS:
        _PLANS[env] = run_preview(env).plan
    return _PLANS[env]
