"""Observability settings, routing decisions, and the exact messages bad stack config gets."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from components.observability.routing import routes, unrouted_severities
from components.observability.settings import ContactSettings, ObservabilitySettings, SyntheticSettings
from components.workloads.targets import gateway_endpoints
from stacks.config import ConfigError, check_stack_config
from tests.observability.helpers import settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_severity_reaches_a_recipient_in_prod_shape():
    by_sev = {r.severity: r for r in routes(settings())}
    assert set(by_sev) == {"critical", "warning"}
    crit = by_sev["critical"]
    assert crit.always and crit.channels == ("sms", "dingTalk", "webhook")
    assert [(x.kind, x.name) for x in crit.recipients] == [("group", "oncall"), ("robot", "ops"),
                                                          ("webhook", "bridge")]
    warn = by_sev["warning"]
    assert not warn.always and (warn.start, warn.end) == ("09:00", "23:00")
    assert [(x.kind, x.name) for x in warn.recipients] == [("robot", "ops")]
    assert unrouted_severities(settings()) == []


def test_sms_and_email_share_the_oncall_group_once():
    s = settings(routing={"routes": {"critical": {"channels": ["sms", "email"]},
                                     "warning": {"channels": ["email"], "hours": "working"}}})
    assert [r.recipients for r in routes(s)][0] == routes(s)[1].recipients
    assert len(routes(s)[0].recipients) == 1


def test_a_route_without_recipients_is_reported():
    bare = ObservabilitySettings()
    assert unrouted_severities(bare) == ["critical", "warning"]


def test_contact_needs_a_phone_or_an_email():
    with pytest.raises(ValidationError, match="contact bob: set phone_secret .SMS. or email"):
        ContactSettings(name="bob")
    with pytest.raises(ValidationError, match="is not an e-mail address"):
        ContactSettings(name="bob", email="bob")


def test_probes_need_two_cities():
    with pytest.raises(ValidationError, match="at least two different cities"):
        SyntheticSettings(enabled=True, locations=[{"city_code": "1", "operator_code": "1"},
                                                   {"city_code": "1", "operator_code": "2"}])


def test_working_hours_must_be_a_window():
    with pytest.raises(ValidationError, match=r"working_hours_start \(22:00\) must be before"):
        settings(routing={"working_hours_start": "22:00", "working_hours_end": "08:00"})


def test_repeat_interval_respects_the_arms_minimum():
    with pytest.raises(ValidationError, match="greater than or equal to 61"):
        settings(routing={"repeat_interval_seconds": 60})


def _prod():
    return yaml.safe_load((ROOT / "stacks" / "Pulumi.prod.yaml").read_text())


def _check(mutate, env="prod"):
    data = _prod()
    mutate(data["config"]["livecommerce:platform"])
    config = {k: v if isinstance(v, str) else __import__("json").dumps(v) for k, v in data["config"].items()}
    with pytest.raises(ConfigError) as err:
        check_stack_config(config, env, f"stacks/Pulumi.{env}.yaml")
    return list(err.value.lines)


def test_a_channel_that_reaches_no_one_names_the_key_and_the_fix():
    lines = _check(lambda p: p["observability"].pop("webhooks"))
    assert lines == ["stacks/Pulumi.prod.yaml: livecommerce:platform.observability.routing.routes.critical: "
                     "channel webhook reaches no one; add a webhooks entry or remove webhook"]


def test_the_prod_tier_must_probe_and_page_critical_at_any_hour():
    def mutate(p):
        p["observability"]["synthetics"] = {"enabled": False}
        p["observability"]["routing"]["routes"]["critical"]["hours"] = "working"

    assert _check(mutate) == [
        "stacks/Pulumi.prod.yaml: livecommerce:platform.observability.synthetics.enabled: tier prod probes its "
        "public endpoints; set it to true with at least two locations",
        "stacks/Pulumi.prod.yaml: livecommerce:platform.observability.routing.routes.critical.hours: tier prod "
        "pages critical alerts at any hour; set it to always",
    ]


def test_misspelt_observability_key_gets_did_you_mean():
    lines = _check(lambda p: p["observability"].update({"contact": p["observability"].pop("contacts")}))
    assert "stacks/Pulumi.prod.yaml: livecommerce:platform.observability.contact: unknown key; did you mean " \
           "`contacts`?" in lines


def test_an_unknown_secret_key_is_refused_only_when_not_referenced():
    data = _prod()
    config = {k: v if isinstance(v, str) else __import__("json").dumps(v) for k, v in data["config"].items()}
    config["livecommerce:oncall-primary-phone"] = "secure-value"
    check_stack_config(config, "prod", "p")  # referenced by a contact: allowed
    config["livecommerce:oncall-primry-phone"] = "x"
    with pytest.raises(ConfigError, match="did you mean `livecommerce:oncall-primary-phone`"):
        check_stack_config(config, "prod", "p")


def test_probe_urls_from_the_services_entries():
    data = _prod()["config"]["livecommerce:platform"]
    from stacks.config import parse_platform

    cfg = parse_platform(data, stack="prod", region="cn-hangzhou")
    urls = gateway_endpoints(cfg.services, cfg.observability.synthetics)
    exposed = [s.name for s in cfg.services if s.entry is not None]
    assert set(urls) == {*exposed, "storefront"}
    for name in exposed:
        assert urls[name].startswith("https://api.live.example.com/api/") and urls[name].endswith("/health")


def test_an_exposed_service_without_host_needs_a_base_url():
    data = _prod()["config"]["livecommerce:platform"]
    from stacks.config import parse_platform

    cfg = parse_platform(data, stack="prod", region="cn-hangzhou")
    svc = next(s for s in cfg.services if s.entry is not None)
    nohost = svc.model_copy(update={"entry": svc.entry.model_copy(update={"host": None})})
    with pytest.raises(ValueError, match=f"service {svc.name} is exposed at the gateway without an entry.host"):
        gateway_endpoints([nohost], SyntheticSettings(enabled=False))


